/* SPDX-License-Identifier: MIT */
/*
 * fuzz/fuzz_common.h - helpers shared by every fuzz oracle (header only: each
 * fuzz/NAME.c is its own libFuzzer target, and tests/test_fuzz_regressions.c
 * includes the same oracles to replay findings without libFuzzer).
 *
 *  - fz_fail: report a broken oracle and abort (libFuzzer saves the input);
 *  - fz_buf: a growable byte buffer for traces (tests/bytebuf.h);
 *  - fz_exact: copy a span into a fresh malloc block of exactly its size, so
 *    ASan catches any read past a span the library hands out;
 *  - fz_utf8_valid / fz_json_check / fz_json_decode_string: an independent
 *    strict UTF-8 and RFC 8259 checker sharing no code with src/ (the second
 *    opinion on every JSON text the library accepts or writes);
 *  - fz_ctl: the control trailer every target reads from the end of its input
 *    (options, chunk sizes, callback actions);
 *  - fz_alloc: a checking allocator (old sizes, live bytes, failure injection).
 *
 * Input layout shared by fuzz_sse, fuzz_sse_reference, fuzz_claude, fuzz_json:
 *
 *   input   = body || control || L        (L = last byte; |control| = L & 63,
 *                                          capped to what is there)
 *   control = flags p0 p1 p2 p3 A action[A & 7] chunk[...]
 *
 * Bytes past the end of `control` read as 0. action[i]: kind = b & 3
 * (0, 1 pause; 2 reset; 3 abort), at callback ordinal prev + 1 + (b >> 2)
 * (the first at b >> 2). chunk[i]: the sizes of the split feed, cycled: 0 is
 * an empty feed, 255 the whole rest, else that many bytes; no chunk bytes
 * means one byte at a time.
 */
#ifndef SSEVAL_FUZZ_COMMON_H
#define SSEVAL_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sseval/sseval.h"
#include "../tests/bytebuf.h"

/* Every helper is static; each target uses some of them. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic ignored "-Wunused-function"
#endif

/* ---- failing ------------------------------------------------------------- */

/* Set by a driver to say which target / input is running, and by the
 * oracles to say which run of it (both printed on failure). */
static const char *fz_context_name = "";
static const char *fz_run_name = "";

#if defined(__GNUC__) || defined(__clang__)
#define FZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define FZ_NORETURN __attribute__((noreturn))
#else
#define FZ_PRINTF(a, b)
#define FZ_NORETURN
#endif

static void fz_fail(const char *fmt, ...) FZ_PRINTF(1, 2) FZ_NORETURN;
static void fz_fail(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "\n==sseval-fuzz== ORACLE FAILED (%s%s%s): ", fz_context_name,
          fz_run_name[0] ? ", run " : "", fz_run_name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  abort();
}

#define FZ_CHECK(cond, ...)                                                    \
  do {                                                                         \
    if (!(cond)) fz_fail(__VA_ARGS__);                                         \
  } while (0)

/*
 * Known open bugs a long campaign can step around (so it keeps finding new
 * ones): SSEVAL_FUZZ_AVOID="tag,tag" in the environment. Regression replays
 * and `make test` never set it. Tags are listed in docs/FUZZING.md.
 */
static int fz_avoid(const char *tag) {
  const char *env = getenv("SSEVAL_FUZZ_AVOID");
  size_t n = strlen(tag);
  while (env && *env) {
    const char *comma = strchr(env, ',');
    size_t len = comma ? (size_t)(comma - env) : strlen(env);
    if (len == n && memcmp(env, tag, n) == 0) return 1;
    env = comma ? comma + 1 : NULL;
  }
  return 0;
}

static void *fz_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "sseval-fuzz: out of memory\n");
    abort();
  }
  return p;
}

/* ---- byte buffer: tests/bytebuf.h, under the fz_ names the oracles use ---- */

typedef bytebuf fz_buf;
#define fz_buf_init bytebuf_init
#define fz_buf_free bytebuf_free
#define fz_buf_add bytebuf_add
#define fz_buf_str bytebuf_str
#define fz_buf_byte bytebuf_byte
#define fz_buf_u64 bytebuf_u64
#define fz_buf_quote bytebuf_quote

/* " key=N" */
static void fz_buf_kv(fz_buf *b, const char *key, uint64_t v) {
  fz_buf_byte(b, ' ');
  fz_buf_str(b, key);
  fz_buf_byte(b, '=');
  fz_buf_u64(b, v);
}

/* ---- spans ---------------------------------------------------------------------- */

/* A fresh malloc block holding exactly s[0..n) (ASan: reading past n faults). */
static unsigned char *fz_exact(const void *s, size_t n) {
  unsigned char *q = (unsigned char *)fz_xmalloc(n);
  if (n) memcpy(q, s, n);
  return q;
}

/* Check a span handed out by the library (non-NULL when non-empty), copy it
 * into an exactly sized block and append it quoted as " key=<quoted>". When
 * `keep` is not NULL the copy is also appended there raw. */
static void fz_span_q(fz_buf *b, const char *key, sseval_span s, fz_buf *keep) {
  unsigned char *q;
  FZ_CHECK(s.len == 0 || s.ptr != NULL, "span %s has len %zu and NULL ptr", key,
           s.len);
  q = fz_exact(s.ptr, s.len);
  if (key) {
    fz_buf_byte(b, ' ');
    fz_buf_str(b, key);
    fz_buf_byte(b, '=');
  }
  fz_buf_quote(b, q, s.len);
  if (keep) fz_buf_add(keep, q, s.len);
  free(q);
}

static sseval_span fz_span(const void *p, size_t n) {
  sseval_span s;
  s.ptr = (const char *)p;
  s.len = n;
  return s;
}

/* Print two traces and the first line where they differ, then fail. */
static void fz_fail_diff(const char *what, const char *name_a, const fz_buf *a,
                         const char *name_b, const fz_buf *b) FZ_NORETURN;
static void fz_fail_diff(const char *what, const char *name_a, const fz_buf *a,
                         const char *name_b, const fz_buf *b) {
  size_t i = 0, line_start = 0, n = a->len < b->len ? a->len : b->len;
  const char *ea = a->p ? a->p : "", *eb = b->p ? b->p : "";
  while (i < n && ea[i] == eb[i]) {
    if (ea[i] == '\n') line_start = i + 1;
    i++;
  }
  fprintf(stderr, "\n==sseval-fuzz== %s: traces differ at byte %zu\n", what, i);
  fprintf(stderr, "--- %s (%zu bytes), from the first differing line:\n%.2000s\n",
          name_a, a->len, ea + line_start);
  fprintf(stderr, "--- %s (%zu bytes), from the first differing line:\n%.2000s\n",
          name_b, b->len, eb + line_start);
  fz_fail("%s: %s and %s differ", what, name_a, name_b);
}

static void fz_same(const char *what, const char *name_a, const fz_buf *a,
                    const char *name_b, const fz_buf *b) {
  if (a->len != b->len || (a->len && memcmp(a->p, b->p, a->len) != 0))
    fz_fail_diff(what, name_a, a, name_b, b);
}

/* a must be a prefix of b */
static void fz_prefix(const char *what, const char *name_a, const fz_buf *a,
                      const char *name_b, const fz_buf *b) {
  if (a->len > b->len || (a->len && memcmp(a->p, b->p, a->len) != 0))
    fz_fail_diff(what, name_a, a, name_b, b);
}

/* ---- independent UTF-8 (RFC 3629) ------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid or cut. */
static size_t fz_utf8_seq(const unsigned char *s, size_t n) {
  unsigned b = s[0];
  size_t need, k;
  unsigned lo = 0x80, hi = 0xBF;
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) need = 1;
  else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else
    return 0;
  for (k = 1; k <= need; k++) {
    if (k >= n) return 0;
    if (s[k] < lo || s[k] > hi) return 0;
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

static int fz_utf8_valid(const void *sv, size_t n) {
  const unsigned char *s = (const unsigned char *)sv;
  size_t i = 0;
  while (i < n) {
    size_t k = fz_utf8_seq(s + i, n - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

/* ---- independent strict JSON checker (RFC 8259) ------------------------------------ */
/*
 * Recursive descent, written from the RFC grammar alone. It reports the first
 * byte at which the text stops being a prefix of any valid JSON text (the
 * length for "ran out"), which is the position rule src/json.c documents, so
 * the two can be compared byte for byte. Depth: each '[' or '{' opens one
 * level; opening level max_depth + 1 fails with FZJ_DEPTH at that bracket.
 */
enum { FZJ_OK = 0, FZJ_SYNTAX = 1, FZJ_DEPTH = 2, FZJ_DUP = 3 };

typedef struct fzj {
  const unsigned char *s;
  size_t n, i;
  uint32_t depth, max_depth, max_seen;
  int err;
  size_t pos;
  fz_buf *emit; /* optional token list (see fz_json_tokens) */
  int dupcheck; /* a repeated name in one object is FZJ_DUP at its closing
                   quote (names compared decoded) */
  fz_buf names; /* dupcheck: names of the open objects, each as a 4-byte
                   length then its decoded bytes */
} fzj;

static void fz_json_decode_string(const void *sv, size_t n, fz_buf *out);

/* Token list line: a tag, then a quoted payload: "{", "}", "[", "]",
 * K"key" (decoded), S"string" (decoded), N"raw number", t, f, n. */
static void fzj_tok(fz_buf *e, const char *tag, const void *s, size_t n) {
  fz_buf_str(e, tag);
  if (s) fz_buf_quote(e, s, n);
  fz_buf_byte(e, '\n');
}

static int fzj_fail(fzj *j, int err) {
  if (!j->err) {
    j->err = err;
    j->pos = j->i;
  }
  return 0;
}

static void fzj_ws(fzj *j) {
  while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
                         j->s[j->i] == '\n' || j->s[j->i] == '\r'))
    j->i++;
}

static int fzj_hexv(unsigned c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
  return -1;
}

/* After "\u": four hex digits. `low` = this must be a low surrogate. Stores
 * the code unit. Fails at the first digit that cannot lead to a valid text. */
static int fzj_u4(fzj *j, int low, unsigned *out) {
  unsigned v = 0, k;
  for (k = 0; k < 4; k++) {
    int h;
    if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
    h = fzj_hexv(j->s[j->i]);
    if (h < 0) return fzj_fail(j, FZJ_SYNTAX);
    if (k == 0 && low && h != 0xD) return fzj_fail(j, FZJ_SYNTAX);
    if (k == 1) {
      unsigned first = v;
      if (low && h < 0xC) return fzj_fail(j, FZJ_SYNTAX);
      if (!low && first == 0xD && h >= 0xC) return fzj_fail(j, FZJ_SYNTAX);
    }
    v = v << 4 | (unsigned)h;
    j->i++;
  }
  *out = v;
  return 1;
}

static int fzj_string(fzj *j, const char *tag) { /* at the opening quote */
  size_t open = ++j->i;
  for (;;) {
    unsigned c;
    if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
    c = j->s[j->i];
    if (c == '"') {
      if (j->emit) {
        fz_buf d;
        fz_buf_init(&d);
        fz_json_decode_string(j->s + open, j->i - open, &d);
        fzj_tok(j->emit, tag, d.p ? d.p : "", d.len);
        fz_buf_free(&d);
      }
      j->i++;
      return 1;
    }
    if (c < 0x20) return fzj_fail(j, FZJ_SYNTAX);
    if (c == '\\') {
      j->i++;
      if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
      c = j->s[j->i];
      if (c == 'u') {
        unsigned u;
        j->i++;
        if (!fzj_u4(j, 0, &u)) return 0;
        if (u >= 0xD800 && u <= 0xDBFF) {
          unsigned lo;
          if (j->i >= j->n || j->s[j->i] != '\\') return fzj_fail(j, FZJ_SYNTAX);
          j->i++;
          if (j->i >= j->n || j->s[j->i] != 'u') return fzj_fail(j, FZJ_SYNTAX);
          j->i++;
          if (!fzj_u4(j, 1, &lo)) return 0;
        }
        continue;
      }
      if (!strchr("\"\\/bfnrt", (int)c) || c == 0) return fzj_fail(j, FZJ_SYNTAX);
      j->i++;
      continue;
    }
    if (c < 0x80) {
      j->i++;
      continue;
    }
    { /* UTF-8: fail at the first byte that cannot belong */
      unsigned need, lo = 0x80, hi = 0xBF, k;
      if (c >= 0xC2 && c <= 0xDF) need = 1;
      else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
      } else
        return fzj_fail(j, FZJ_SYNTAX);
      j->i++;
      for (k = 0; k < need; k++) {
        if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
        if (j->s[j->i] < lo || j->s[j->i] > hi) return fzj_fail(j, FZJ_SYNTAX);
        lo = 0x80;
        hi = 0xBF;
        j->i++;
      }
    }
  }
}

static int fzj_digit(fzj *j) {
  return j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9';
}

static int fzj_number(fzj *j) {
  size_t start = j->i;
  if (j->s[j->i] == '-') j->i++;
  if (!fzj_digit(j)) return fzj_fail(j, FZJ_SYNTAX);
  if (j->s[j->i] == '0') {
    j->i++;
  } else {
    while (fzj_digit(j)) j->i++;
  }
  if (j->i < j->n && j->s[j->i] == '.') {
    j->i++;
    if (!fzj_digit(j)) return fzj_fail(j, FZJ_SYNTAX);
    while (fzj_digit(j)) j->i++;
  }
  if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
    j->i++;
    if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-')) j->i++;
    if (!fzj_digit(j)) return fzj_fail(j, FZJ_SYNTAX);
    while (fzj_digit(j)) j->i++;
  }
  /* a number cannot be followed by a digit (only "0" gets here: "01") */
  if (fzj_digit(j)) return fzj_fail(j, FZJ_SYNTAX);
  if (j->emit) fzj_tok(j->emit, "N", j->s + start, j->i - start);
  return 1;
}

static int fzj_lit(fzj *j, const char *lit) {
  size_t k;
  for (k = 0; lit[k]; k++) {
    if (j->i >= j->n || j->s[j->i] != (unsigned char)lit[k])
      return fzj_fail(j, FZJ_SYNTAX);
    j->i++;
  }
  if (j->emit) {
    char tag[2];
    tag[0] = lit[0];
    tag[1] = '\0';
    fzj_tok(j->emit, tag, NULL, 0);
  }
  return 1;
}

/* dupcheck: the name whose opening quote is at kq and closing quote just
 * before j->i, in the object whose names start at names[frame]. */
static int fzj_name(fzj *j, size_t frame, size_t kq) {
  fz_buf d;
  size_t at = frame;
  uint32_t len;
  fz_buf_init(&d);
  fz_json_decode_string(j->s + kq + 1, j->i - 1 - (kq + 1), &d);
  while (at < j->names.len) {
    uint32_t l;
    memcpy(&l, j->names.p + at, 4);
    if (l == d.len && (l == 0 || memcmp(j->names.p + at + 4, d.p, l) == 0)) {
      fz_buf_free(&d);
      j->i--; /* at the closing quote */
      return fzj_fail(j, FZJ_DUP);
    }
    at += 4 + l;
  }
  len = (uint32_t)d.len;
  fz_buf_add(&j->names, &len, 4);
  if (d.len) fz_buf_add(&j->names, d.p, d.len);
  fz_buf_free(&d);
  return 1;
}

static int fzj_value(fzj *j) {
  unsigned c;
  fzj_ws(j);
  if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
  c = j->s[j->i];
  if (c == '{' || c == '[') {
    unsigned close = c == '{' ? '}' : ']';
    int first = 1;
    size_t frame = j->names.len;
    if (j->depth >= j->max_depth) return fzj_fail(j, FZJ_DEPTH);
    j->depth++;
    if (j->depth > j->max_seen) j->max_seen = j->depth;
    j->i++;
    if (j->emit) fzj_tok(j->emit, c == '{' ? "{" : "[", NULL, 0);
    for (;;) {
      fzj_ws(j);
      if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
      if (first && j->s[j->i] == close) {
        j->i++;
        break;
      }
      if (!first) {
        if (j->s[j->i] == close) {
          j->i++;
          break;
        }
        if (j->s[j->i] != ',') return fzj_fail(j, FZJ_SYNTAX);
        j->i++;
        fzj_ws(j);
        if (j->i >= j->n) return fzj_fail(j, FZJ_SYNTAX);
      }
      first = 0;
      if (close == '}') {
        size_t kq = j->i;
        if (j->s[j->i] != '"') return fzj_fail(j, FZJ_SYNTAX);
        if (!fzj_string(j, "K")) return 0;
        if (j->dupcheck && !fzj_name(j, frame, kq)) return 0;
        fzj_ws(j);
        if (j->i >= j->n || j->s[j->i] != ':') return fzj_fail(j, FZJ_SYNTAX);
        j->i++;
      }
      if (!fzj_value(j)) return 0;
    }
    j->depth--;
    j->names.len = frame;
    if (j->emit) fzj_tok(j->emit, close == '}' ? "}" : "]", NULL, 0);
    return 1;
  }
  if (c == '"') return fzj_string(j, "S");
  if (c == '-' || (c >= '0' && c <= '9')) return fzj_number(j);
  if (c == 't') return fzj_lit(j, "true");
  if (c == 'f') return fzj_lit(j, "false");
  if (c == 'n') return fzj_lit(j, "null");
  return fzj_fail(j, FZJ_SYNTAX);
}

/* Check a whole text. Returns FZJ_OK / FZJ_SYNTAX / FZJ_DEPTH; *pos (if not
 * NULL) gets the error position. */
static int fz_json_check(const void *s, size_t n, uint32_t max_depth,
                         size_t *pos) {
  fzj j;
  memset(&j, 0, sizeof j);
  j.s = (const unsigned char *)s;
  j.n = n;
  j.max_depth = max_depth;
  if (fzj_value(&j)) {
    fzj_ws(&j);
    if (j.i < j.n) fzj_fail(&j, FZJ_SYNTAX);
  }
  if (pos) *pos = j.err ? j.pos : 0;
  return j.err;
}

/* The same with duplicate names checked: also FZJ_DUP, at the repeated
 * name's closing quote. */
static int fz_json_check_dup(const void *s, size_t n, uint32_t max_depth,
                             size_t *pos) {
  fzj j;
  memset(&j, 0, sizeof j);
  j.s = (const unsigned char *)s;
  j.n = n;
  j.max_depth = max_depth;
  j.dupcheck = 1;
  fz_buf_init(&j.names);
  if (fzj_value(&j)) {
    fzj_ws(&j);
    if (j.i < j.n) fzj_fail(&j, FZJ_SYNTAX);
  }
  fz_buf_free(&j.names);
  if (pos) *pos = j.err ? j.pos : 0;
  return j.err;
}

/* Token list of a valid text (appended to *out); returns the checker's result. */
static int fz_json_tokens(const void *s, size_t n, uint32_t max_depth,
                          fz_buf *out) {
  fzj j;
  memset(&j, 0, sizeof j);
  j.s = (const unsigned char *)s;
  j.n = n;
  j.max_depth = max_depth;
  j.emit = out;
  if (fzj_value(&j)) {
    fzj_ws(&j);
    if (j.i < j.n) fzj_fail(&j, FZJ_SYNTAX);
  }
  return j.err;
}

/* 1 when s is one valid JSON object (any depth up to 1000). */
static int fz_json_is_object(const void *s, size_t n) {
  size_t i = 0;
  const unsigned char *c = (const unsigned char *)s;
  if (fz_json_check(s, n, 1000, NULL) != FZJ_OK) return 0;
  while (i < n && (c[i] == ' ' || c[i] == '\t' || c[i] == '\n' || c[i] == '\r'))
    i++;
  return i < n && c[i] == '{';
}

/* Decode the contents (between the quotes) of a string the checker accepted
 * into out (UTF-8). */
static void fz_json_decode_string(const void *sv, size_t n, fz_buf *out) {
  const unsigned char *s = (const unsigned char *)sv;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], cp;
    if (c != '\\') {
      fz_buf_byte(out, c);
      i++;
      continue;
    }
    c = s[i + 1];
    i += 2;
    switch (c) {
    case 'b': fz_buf_byte(out, '\b'); continue;
    case 'f': fz_buf_byte(out, '\f'); continue;
    case 'n': fz_buf_byte(out, '\n'); continue;
    case 'r': fz_buf_byte(out, '\r'); continue;
    case 't': fz_buf_byte(out, '\t'); continue;
    case 'u': break;
    default: fz_buf_byte(out, c); continue;
    }
    cp = (unsigned)(fzj_hexv(s[i]) << 12 | fzj_hexv(s[i + 1]) << 8 |
                    fzj_hexv(s[i + 2]) << 4 | fzj_hexv(s[i + 3]));
    i += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      unsigned lo = (unsigned)(fzj_hexv(s[i + 2]) << 12 | fzj_hexv(s[i + 3]) << 8 |
                               fzj_hexv(s[i + 4]) << 4 | fzj_hexv(s[i + 5]));
      i += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp < 0x80) {
      fz_buf_byte(out, cp);
    } else if (cp < 0x800) {
      fz_buf_byte(out, 0xC0 | cp >> 6);
      fz_buf_byte(out, 0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      fz_buf_byte(out, 0xE0 | cp >> 12);
      fz_buf_byte(out, 0x80 | ((cp >> 6) & 0x3F));
      fz_buf_byte(out, 0x80 | (cp & 0x3F));
    } else {
      fz_buf_byte(out, 0xF0 | cp >> 18);
      fz_buf_byte(out, 0x80 | ((cp >> 12) & 0x3F));
      fz_buf_byte(out, 0x80 | ((cp >> 6) & 0x3F));
      fz_buf_byte(out, 0x80 | (cp & 0x3F));
    }
  }
}

/* ---- the control trailer -------------------------------------------------------------- */

enum { FZ_ACT_NONE = 0, FZ_ACT_PAUSE = 1, FZ_ACT_RESET = 2, FZ_ACT_ABORT = 3 };
#define FZ_MAX_ACTIONS 7

typedef struct fz_ctl {
  const unsigned char *body;
  size_t body_len;
  unsigned flags;
  unsigned p[4];
  uint64_t act_ord[FZ_MAX_ACTIONS];
  unsigned act_kind[FZ_MAX_ACTIONS];
  size_t nact;
  const unsigned char *chunks;
  size_t nchunks;
} fz_ctl;

static void fz_ctl_parse(fz_ctl *c, const uint8_t *data, size_t size) {
  size_t L, k, a;
  const unsigned char *ctl;
  uint64_t ord = 0;
  unsigned char b[6];
  memset(c, 0, sizeof *c);
  if (size == 0) {
    c->body = data;
    return;
  }
  L = data[size - 1] & 63u;
  if (L > size - 1) L = size - 1;
  ctl = data + (size - 1 - L);
  c->body = data;
  c->body_len = size - 1 - L;
  for (k = 0; k < 6; k++) b[k] = k < L ? ctl[k] : 0;
  c->flags = b[0];
  for (k = 0; k < 4; k++) c->p[k] = b[1 + k];
  a = b[5] & 7u;
  if (a > FZ_MAX_ACTIONS) a = FZ_MAX_ACTIONS;
  for (k = 0; k < a; k++) {
    unsigned v = 6 + k < L ? ctl[6 + k] : 0;
    ord += (uint64_t)(v >> 2) + (k ? 1 : 0);
    c->act_ord[k] = ord;
    c->act_kind[k] = (v & 3u) == 3 ? FZ_ACT_ABORT
                     : (v & 3u) == 2 ? FZ_ACT_RESET
                                     : FZ_ACT_PAUSE;
  }
  c->nact = a;
  if (L > 6 + a) {
    c->chunks = ctl + 6 + a;
    c->nchunks = L - 6 - a;
  }
}

/* The action for callback number `ord` (0-based). */
static unsigned fz_action(const fz_ctl *c, uint64_t ord) {
  size_t k;
  for (k = 0; k < c->nact; k++)
    if (c->act_ord[k] == ord) return c->act_kind[k];
  return FZ_ACT_NONE;
}

static int fz_has_action(const fz_ctl *c, unsigned kind) {
  size_t k;
  for (k = 0; k < c->nact; k++)
    if (c->act_kind[k] == kind) return 1;
  return 0;
}

typedef struct fz_chunker {
  const fz_ctl *c;
  size_t i;
  size_t zeros; /* consecutive empty feeds */
} fz_chunker;

static void fz_chunker_init(fz_chunker *k, const fz_ctl *c) {
  k->c = c;
  k->i = 0;
  k->zeros = 0;
}

/* Size of the next chunk (<= remaining; 0 = an empty feed). */
static size_t fz_next_chunk(fz_chunker *k, size_t remaining) {
  unsigned b;
  if (k->c->nchunks == 0) return remaining ? 1 : 0;
  b = k->c->chunks[k->i++ % k->c->nchunks];
  if (b == 0) {
    if (++k->zeros > k->c->nchunks) { /* guarantee progress */
      k->zeros = 0;
      return remaining ? 1 : 0;
    }
    return 0;
  }
  k->zeros = 0;
  if (b == 255 || b > remaining) return remaining;
  return b;
}

/* ---- a checking allocator ----------------------------------------------------------------- */
/*
 * Every block carries a header with the size the library asked for, so the
 * sizes it passes back to realloc and free are checked; live bytes are
 * compared with what the library says it holds; the Nth call can be failed.
 */
typedef struct fz_alloc {
  uint64_t calls;     /* malloc + realloc calls since creation / reset_count */
  uint64_t fail_at;   /* fail call number fail_at (0-based) when fail_on */
  int fail_on;
  uint64_t failures;
  size_t live_bytes;  /* sum of sizes passed to malloc/realloc, live */
  size_t live_blocks;
} fz_alloc;

#define FZ_HDR 16u
#define FZ_MAGIC ((size_t)0x5e5e5a1c0ffee000u)

static int fz_alloc_should_fail(fz_alloc *a) {
  uint64_t n = a->calls++;
  if (a->fail_on && n == a->fail_at) {
    a->failures++;
    return 1;
  }
  return 0;
}

static void *fz_hook_malloc(void *ctx, size_t n) {
  fz_alloc *a = (fz_alloc *)ctx;
  unsigned char *p;
  FZ_CHECK(n > 0, "allocator: malloc(0)");
  if (fz_alloc_should_fail(a)) return NULL;
  p = (unsigned char *)fz_xmalloc(FZ_HDR + n);
  ((size_t *)(void *)p)[0] = n;
  ((size_t *)(void *)p)[1] = FZ_MAGIC;
  a->live_bytes += n;
  a->live_blocks++;
  return p + FZ_HDR;
}

static size_t fz_hook_size(void *ptr) {
  unsigned char *p = (unsigned char *)ptr - FZ_HDR;
  FZ_CHECK(((size_t *)(void *)p)[1] == FZ_MAGIC,
           "allocator: pointer %p was not allocated by this allocator", ptr);
  return ((size_t *)(void *)p)[0];
}

static void *fz_hook_realloc(void *ctx, void *ptr, size_t old_n, size_t n) {
  fz_alloc *a = (fz_alloc *)ctx;
  unsigned char *p, *q;
  size_t had;
  FZ_CHECK(ptr != NULL, "allocator: realloc(NULL)");
  FZ_CHECK(n > 0, "allocator: realloc to 0 bytes");
  had = fz_hook_size(ptr);
  FZ_CHECK(had == old_n,
           "allocator: realloc says the old size is %zu, it was %zu", old_n,
           had);
  if (fz_alloc_should_fail(a)) return NULL;
  p = (unsigned char *)ptr - FZ_HDR;
  q = (unsigned char *)realloc(p, FZ_HDR + n);
  if (!q) abort();
  ((size_t *)(void *)q)[0] = n;
  a->live_bytes = a->live_bytes - had + n;
  return q + FZ_HDR;
}

static void fz_hook_free(void *ctx, void *ptr, size_t n) {
  fz_alloc *a = (fz_alloc *)ctx;
  size_t had;
  FZ_CHECK(ptr != NULL, "allocator: free(NULL) reached the hook");
  had = fz_hook_size(ptr);
  FZ_CHECK(had == n, "allocator: free says the size is %zu, it was %zu", n,
           had);
  ((size_t *)(void *)((unsigned char *)ptr - FZ_HDR))[1] = 0;
  a->live_bytes -= had;
  a->live_blocks--;
  free((unsigned char *)ptr - FZ_HDR);
}

static sseval_allocator fz_allocator(fz_alloc *a) {
  sseval_allocator al;
  memset(a, 0, sizeof *a);
  al.malloc = fz_hook_malloc;
  al.realloc = fz_hook_realloc;
  al.free = fz_hook_free;
  al.ctx = a;
  return al;
}

/* A sink for the JSON writers. */
static int fz_write_sink(void *ctx, const char *bytes, size_t len) {
  fz_buf *b = (fz_buf *)ctx;
  unsigned char *q;
  FZ_CHECK(len == 0 || bytes != NULL, "writer: NULL bytes with len %zu", len);
  q = fz_exact(bytes, len);
  fz_buf_add(b, q, len);
  free(q);
  return 0;
}

#endif /* SSEVAL_FUZZ_COMMON_H */
