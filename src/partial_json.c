/* SPDX-License-Identifier: MIT */
/*
 * src/partial_json.c - sseval_partial_json_preview: close an unfinished JSON
 * text into a valid JSON value, for live display only (see claude.h).
 *
 * Two passes, no recursion, no allocation:
 *  1. the incremental validator checks that the text is a prefix of valid
 *     JSON (nesting up to SSEVAL__JSTREAM_MAX_DEPTH; deeper is E_INVALID);
 *  2. a light scan, which may assume validity, finds the open containers and
 *     what the text ends in, which decides the cut:
 *     - inside a string value: keep it up to its last complete character
 *       (an unfinished escape, \uXXXX, surrogate pair or UTF-8 sequence is
 *       dropped) and close it;
 *     - inside a key, after a key or its ':', or right after a ',': drop the
 *       unfinished member or element together with its ',';
 *     - in a number (it may go on: "1" may be "10") or an unfinished literal:
 *       drop that element or member the same way; a complete literal is kept;
 *     then close every open container, innermost first.
 *
 * Chosen outputs at the top level (documented here and in the tests):
 *  - an empty or whitespace-only prefix gives `{}`: a tool input with no
 *    partial_json at all is the empty object, as the API defines it;
 *  - a top-level number or unfinished literal gives `null` (nothing can be
 *    shown of it yet); a top-level string is closed like any string.
 * Whitespace is kept as it came.
 */
#include "sseval/claude.h"

#include <string.h>

#include "json.h"

/* Length of the UTF-8 sequence announced by a (valid) lead byte. */
static size_t u8len(unsigned char b) {
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

static unsigned hex4(const unsigned char *p) {
  unsigned v = 0, i;
  for (i = 0; i < 4; i++) {
    unsigned b = p[i];
    v = v << 4 | (b <= '9' ? b - '0' : (b | 0x20u) - 'a' + 10u);
  }
  return v;
}

/*
 * s[i] is the first byte after an opening quote. Returns the position after
 * the closing quote, or (when the text ends first) sets *safe to the end of
 * the last complete character and returns 0.
 */
static size_t lax_string(const unsigned char *s, size_t n, size_t i,
                         size_t *safe) {
  while (i < n) {
    size_t u;
    if (s[i] == '"') return i + 1;
    if (s[i] == '\\') {
      if (i + 1 >= n) break;
      if (s[i + 1] != 'u')
        u = 2;
      else if (i + 6 > n)
        break;
      else {
        unsigned cp = hex4(s + i + 2);
        u = cp >= 0xD800 && cp <= 0xDBFF ? 12 : 6; /* a pair is one char */
      }
    } else {
      u = u8len(s[i]);
    }
    if (i + u > n) break;
    i += u;
  }
  *safe = i;
  return 0;
}

sseval_status sseval_partial_json_preview(const void *prefix, size_t len,
                                          char *out, size_t out_cap,
                                          size_t *out_len) {
  const unsigned char *s = (const unsigned char *)prefix;
  unsigned char stack[SSEVAL__JSTREAM_MAX_DEPTH / 8] = { 0 }; /* 1 = object */
  sseval__jstream js;
  size_t i = 0, keep, cut = 0, need, k;
  uint32_t depth = 0;
  int pending = 0;   /* an element/member is started but not complete */
  int want_key = 0;  /* the next string in the current object is a key */
  int close_str = 0; /* the text ends inside a string value */
  int top_null = 0;  /* the only value was dropped */

  if (!out_len || (!prefix && len) || (!out && out_cap)) return SSEVAL_E_MISUSE;
  *out_len = 0;
  sseval__jstream_init(&js, SSEVAL__JSTREAM_MAX_DEPTH);
  if (!sseval__jstream_feed(&js, prefix, len)) return SSEVAL_E_INVALID;

  if (sseval__jstream_empty(&js)) {
    *out_len = 2;
    if (out_cap < 2) {
      if (out_cap) out[0] = '{';
      return SSEVAL_E_LIMIT;
    }
    memcpy(out, "{}", 2);
    return SSEVAL_OK;
  }

  /* pass 2: the text is a valid prefix, so this scan can be lax */
  keep = len;
  while (i < len) {
    unsigned char b = s[i];
    switch (b) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case ':': i++; continue;
    case '{':
    case '[':
      /* pass 1 bounds the depth; checked again so this scan stands alone */
      if (depth >= SSEVAL__JSTREAM_MAX_DEPTH) return SSEVAL_E_INVALID;
      if (b == '{')
        stack[depth >> 3] =
            (unsigned char)(stack[depth >> 3] | 1u << (depth & 7));
      else
        stack[depth >> 3] =
            (unsigned char)(stack[depth >> 3] & ~(1u << (depth & 7)));
      depth++;
      want_key = b == '{';
      pending = 0;
      cut = ++i; /* an element left unfinished is cut back to here */
      continue;
    case '}':
    case ']':
      if (depth == 0) return SSEVAL_E_INVALID; /* cannot pass pass 1 */
      depth--;
      pending = 0;
      want_key = 0;
      i++;
      continue;
    case ',':
      if (depth == 0) return SSEVAL_E_INVALID; /* cannot pass pass 1 */
      cut = i; /* ... or to here, dropping the ',' too */
      pending = 1;
      want_key = (stack[(depth - 1) >> 3] >> ((depth - 1) & 7)) & 1;
      i++;
      continue;
    case '"': {
      size_t safe = 0, next = lax_string(s, len, i + 1, &safe);
      if (want_key) { /* a key: the member is pending until its value ends */
        want_key = 0;
        pending = 1;
        if (!next) break;
        i = next;
        continue;
      }
      if (!next) {
        keep = safe;
        close_str = 1;
        pending = 0;
        i = len;
        continue;
      }
      pending = 0;
      i = next;
      continue;
    }
    default: { /* a number or a literal */
      size_t j = i;
      while (j < len && (s[j] == '-' || s[j] == '+' || s[j] == '.' ||
                         (s[j] >= '0' && s[j] <= '9') ||
                         ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')))
        j++;
      if (j == len) { /* it touches the end: keep only a complete literal */
        if (!((b == 't' && j - i == 4) || (b == 'n' && j - i == 4) ||
              (b == 'f' && j - i == 5))) {
          pending = 1;
          if (depth == 0) top_null = 1;
          i = len;
          continue;
        }
      }
      pending = 0;
      i = j;
      continue;
    }
    }
    break; /* an unfinished key: pending is set */
  }
  if (pending) keep = cut;

  need = top_null ? 4 : keep + (size_t)close_str + depth;
  *out_len = need;
  k = 0;
#define PUT(byte)                                                              \
  do {                                                                         \
    if (k < out_cap) out[k] = (char)(byte);                                    \
    k++;                                                                       \
  } while (0)
  if (top_null) {
    for (i = 0; i < 4; i++) PUT("null"[i]);
  } else {
    size_t n = keep < out_cap ? keep : out_cap;
    if (n) memcpy(out, s, n);
    k = keep;
    if (close_str) PUT('"');
    while (depth > 0) {
      depth--;
      PUT(((stack[depth >> 3] >> (depth & 7)) & 1) ? '}' : ']');
    }
  }
#undef PUT
  return need <= out_cap ? SSEVAL_OK : SSEVAL_E_LIMIT;
}
