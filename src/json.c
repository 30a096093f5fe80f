/* SPDX-License-Identifier: MIT */
/*
 * src/json.c - the strict RFC 8259 JSON layer: a cursor over a complete
 * buffer and an incremental validator (see json.h for the contract).
 *
 * No recursion, no allocation, no mutable global state. Nesting is tracked
 * with explicit counters and bit stacks (1 = object, 0 = array).
 *
 * Error positions. Both parts report the offset of the first byte at which
 * the text stops being a prefix of some valid JSON text: the byte that no
 * continuation could make right. So "unexpected end" is at the length;
 * `[1,]` is at the `]`; `tru x` is at the space (offset 3); `01` is at the `1`;
 * an unfinished UTF-8 sequence is at the byte that should have been a
 * continuation; `"\ud800"` is at the closing quote (a low surrogate escape
 * could still have followed); `"\udc00"` is at the `c` (`\udc..` can never
 * start a valid escape). This is the only definition that an incremental
 * validator can give identically under every split, and the cursor uses the
 * same one with the same messages, so the two parts agree byte for byte.
 *
 * Speed. String runs are scanned in bulk: 16 bytes per step with SSE2 where
 * the compiler targets it (every x86-64), else 8 bytes per step with a SWAR
 * test in portable C (one 64-bit word says whether any of its bytes is '"',
 * '\\', < 0x20 or >= 0x80). A high byte drops to an exact UTF-8 check of
 * that one sequence, then back to bulk. Numbers and literals have fast paths
 * for their common shapes; the skip loop keeps its state in registers.
 */
#include "json.h"

#include "bits.h"

#include <string.h>

#include "simd.h"

/* SSE2 is part of every x86-64; SSEVAL_JSON_NO_SIMD forces the portable
 * SWAR path (the tests build both). */
#if defined(__SSE2__) && !defined(SSEVAL_JSON_NO_SIMD)
#include <emmintrin.h>
#define SSEVAL__J_SSE2 1
#endif

/* ---- messages (static; the cursor and the stream use the same ones) ---- */
static const char E_END[] = "unexpected end";
static const char E_VALUE[] = "expected a value";
static const char E_KEY[] = "expected a string key";
static const char E_COLON[] = "expected ':'";
static const char E_AFTER_OBJ[] = "expected ',' or '}'";
static const char E_AFTER_ARR[] = "expected ',' or ']'";
static const char E_EXTRA[] = "extra data after value";
static const char E_TRAILING[] = "trailing comma";
static const char E_SQUOTE[] = "single quote";
static const char E_COMMENT[] = "comment";
static const char E_LITERAL[] = "invalid literal";
static const char E_NUMBER[] = "invalid number";
static const char E_LEADING0[] = "leading zero";
static const char E_CTRL[] = "control character in string";
static const char E_UTF8[] = "invalid UTF-8";
static const char E_ESCAPE[] = "invalid escape";
static const char E_UESCAPE[] = "invalid \\u escape";
static const char E_SURROGATE[] = "lone surrogate";
static const char E_DEPTH[] = "too deeply nested";
static const char E_NOT_OBJECT[] = "not an object";
static const char E_NOT_STRING[] = "not a string";
static const char E_NOT_ARRAY[] = "not an array";
static const char E_NOT_UINT[] = "not an unsigned integer";
static const char E_NOT_IN_OBJECT[] = "not inside an object";
static const char E_NOT_IN_ARRAY[] = "not inside an array";

/* ---- character classes ------------------------------------------------- */
enum { CC_WS = 1, CC_DIGIT = 2, CC_TOKEN = 4 /* [A-Za-z0-9.+-] */, CC_HEX = 8 };

/* clang-format off */
static const unsigned char cc[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 4, 0,
    14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 0, 0, 0, 0, 0, 0,
    0, 12, 12, 12, 12, 12, 12, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 12, 12, 12, 12, 12, 12, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

#define IS_WS(b) (cc[(b)] & CC_WS)
#define IS_DIGIT(b) (cc[(b)] & CC_DIGIT)
#define IS_TOKEN(b) (cc[(b)] & CC_TOKEN)

static int hexval(unsigned b) {
  if (b - '0' < 10u) return (int)(b - '0');
  b |= 0x20u;
  if (b - 'a' < 6u) return (int)(b - 'a' + 10u);
  return -1;
}

/* Messages for a byte that is wrong in a given position (shared). */
static const char *value_msg(unsigned b) {
  if (b == '\'') return E_SQUOTE;
  if (b == '/') return E_COMMENT;
  if (b == '.' || b == '+') return E_NUMBER;
  if (IS_TOKEN(b)) return E_LITERAL; /* a letter: digits and '-' are valid */
  return E_VALUE;
}
static const char *key_msg(unsigned b) {
  if (b == '\'') return E_SQUOTE;
  if (b == '/') return E_COMMENT;
  return E_KEY;
}
static const char *slash_or(unsigned b, const char *msg) {
  return b == '/' ? E_COMMENT : msg;
}

/*
 * UTF-8 lead byte (>= 0x80): number of continuation bytes (0: not a valid
 * lead) and the allowed range of the first continuation byte (RFC 3629:
 * no overlongs, no surrogates, nothing above U+10FFFF).
 */
static unsigned utf8_lead(unsigned b, unsigned *lo, unsigned *hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (b < 0xC2) return 0;
  if (b < 0xE0) return 1;
  if (b < 0xF0) {
    if (b == 0xE0)
      *lo = 0xA0;
    else if (b == 0xED)
      *hi = 0x9F;
    return 2;
  }
  if (b < 0xF5) {
    if (b == 0xF0)
      *lo = 0x90;
    else if (b == 0xF4)
      *hi = 0x8F;
    return 3;
  }
  return 0;
}

/* Hot helpers must be inlined into the scanning loops. */
#if defined(__GNUC__) || defined(__clang__)
#define J_HOT static inline __attribute__((always_inline))
#define J_COLD static __attribute__((noinline))
#else
#define J_HOT static inline
#define J_COLD static
#endif

/* ---- SWAR --------------------------------------------------------------- */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t load64le(const unsigned char *p) {
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&             \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
#else
  return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
         ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) |
         ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) |
         ((uint64_t)p[7] << 56);
#endif
}

/*
 * Bit 7 of byte i is set for the lowest byte that is '"', '\\', < 0x20 or
 * >= 0x80 (bytes above it may be flagged spuriously by borrows: only the
 * lowest flag is exact, which is all we use). Subtractions borrow only out
 * of bytes that are themselves flagged, so nothing below the first special
 * byte is ever flagged.
 */
static inline uint64_t str_special(uint64_t x) {
  return (((x ^ (ONES * '"')) - ONES) | ((x ^ (ONES * '\\')) - ONES) |
          (x - ONES * 0x20u) | x) &
         HIGHS;
}

#ifdef SSEVAL__J_SSE2
/* Index of the lowest set bit of a non-zero 32-bit mask. */
static inline unsigned first_bit(unsigned m) { return sseval__lowest_bit(m); }
#endif

/* Index (0..7) of the lowest flagged byte of a non-zero mask. */
static inline unsigned first_byte(uint64_t m) {
  return sseval__lowest_bit(m) >> 3;
}

/*
 * The plain run of a string: returns the first byte at or after p that is
 * '"', '\\', < 0x20 or >= 0x80, or end. With SSE2 (every x86-64) 16 bytes
 * at a time, then 8 with SWAR, then byte by byte. SSEVAL_JSON_NO_SIMD forces
 * the portable path (the tests build both).
 */

#ifdef SSEVAL__J_SSE2
/* Bit i set when byte i of p[0..15] is '"', '\\', < 0x20 or >= 0x80.
 * v - 0x20 with signed saturation is negative exactly for bytes < 0x20 and
 * for bytes >= 0x80 (negative as int8): its sign bit is the flag. */
J_HOT unsigned str_mask16(const unsigned char *p) {
  const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  const __m128i a = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i k = _mm_subs_epi8(v, _mm_set1_epi8(0x20));
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), k));
}
#endif

J_HOT const unsigned char *str_run(const unsigned char *p,
                                   const unsigned char *end,
                                   const unsigned char *lo) {
#ifdef SSEVAL__J_SSE2
  unsigned bits;
  while ((size_t)(end - p) >= 16) {
    bits = str_mask16(p);
    if (bits) return p + first_bit(bits);
    p += 16;
  }
  if (p == end) return p;
  if ((size_t)(end - lo) >= 16) {
    /* the last 16 bytes of the buffer, those before p shifted out (the
     * compares are exact per byte, so nothing leaks across) */
    bits = str_mask16(end - 16) >> (16 - (size_t)(end - p));
    return bits ? p + first_bit(bits) : end;
  }
#else
  (void)lo;
#endif
  while ((size_t)(end - p) >= 8) {
    uint64_t w = str_special(load64le(p));
    if (w) return p + first_byte(w);
    p += 8;
  }
  while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80) p++;
  return p;
}

/* ======================================================================= */
/* part 1: the cursor                                                       */
/* ======================================================================= */

static const unsigned char empty_buf[1] = { 0 };

void sseval__jcur_init(sseval__jcur *c, const void *buf, size_t len,
                       uint32_t max_depth) {
  const unsigned char *b = buf ? (const unsigned char *)buf : empty_buf;
  if (!buf) len = 0;
  c->base = b;
  c->p = b;
  c->end = b + len;
  c->depth = 0;
  if (max_depth < 1) max_depth = 1;
  if (max_depth > SSEVAL__JSTREAM_MAX_DEPTH)
    max_depth = SSEVAL__JSTREAM_MAX_DEPTH;
  c->max_depth = max_depth;
  c->err = SSEVAL__J_OK;
  c->err_msg = "";
  c->err_pos = 0;
}

static int cur_fail(sseval__jcur *c, sseval__jerr e, const char *msg,
                    const unsigned char *at) {
  if (c->err == SSEVAL__J_OK) {
    c->err = e;
    c->err_msg = msg;
    c->err_pos = (size_t)(at - c->base);
  }
  return 0;
}
static const unsigned char *cur_fail_p(sseval__jcur *c, const char *msg,
                                       const unsigned char *at) {
  cur_fail(c, SSEVAL__J_SYNTAX, msg, at);
  return NULL;
}
/* Set a syntax error at `at`; SYNTAX gives 0, SYNTAX_P gives NULL. */
#define SYNTAX(msg, at) cur_fail(c, SSEVAL__J_SYNTAX, (msg), (at))
#define SYNTAX_P(msg, at) cur_fail_p(c, (msg), (at))

J_HOT const unsigned char *skip_ws(const unsigned char *p,
                                   const unsigned char *end) {
  while (p < end && IS_WS(*p)) p++;
  return p;
}

/*
 * The slow part of a string: an escape (p at the backslash) or a non-ASCII
 * sequence (p at its lead byte). Returns the position after it, or NULL
 * with the error set.
 */
static const unsigned char *str_slow(sseval__jcur *c, const unsigned char *p,
                                     const unsigned char *end) {
  unsigned b = *p, lo, hi, n, i;
  int h;
  if (b == '\\') {
    unsigned cp = 0;
    if (++p == end) return SYNTAX_P(E_END, end);
    switch (*p) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': return p + 1;
    case 'u': break;
    default: return SYNTAX_P(E_ESCAPE, p);
    }
    for (i = 0; i < 4; i++) {
      if (++p == end) return SYNTAX_P(E_END, end);
      if ((h = hexval(*p)) < 0) return SYNTAX_P(E_UESCAPE, p);
      if (i == 1 && cp == 0xD && h >= 0xC) return SYNTAX_P(E_SURROGATE, p);
      cp = cp << 4 | (unsigned)h;
    }
    p++;
    if (cp < 0xD800 || cp > 0xDBFF) return p;
    /* a high surrogate: exactly \u[dD][c-fC-F]XX must follow */
    if (p == end) return SYNTAX_P(E_END, end);
    if (*p != '\\') return SYNTAX_P(E_SURROGATE, p);
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p != 'u') return SYNTAX_P(E_SURROGATE, p);
    for (i = 0; i < 4; i++) {
      if (++p == end) return SYNTAX_P(E_END, end);
      if ((h = hexval(*p)) < 0) return SYNTAX_P(E_UESCAPE, p);
      if ((i == 0 && h != 0xD) || (i == 1 && h < 0xC))
        return SYNTAX_P(E_SURROGATE, p);
    }
    return p + 1;
  }
  if (b < 0x20) return SYNTAX_P(E_CTRL, p);
  /* b >= 0x80 */
  n = utf8_lead(b, &lo, &hi);
  if (n == 0) return SYNTAX_P(E_UTF8, p);
  for (i = 0; i < n; i++) {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p < lo || *p > hi) return SYNTAX_P(E_UTF8, p);
    lo = 0x80;
    hi = 0xBF;
  }
  return p + 1;
}

/* p just after the opening quote. Returns the position after the closing
 * quote, or NULL. *esc is set to 1 if an escape was seen (else untouched). */
J_HOT const unsigned char *scan_str(sseval__jcur *c, const unsigned char *p,
                                    const unsigned char *end, int *esc) {
  for (;;) {
    p = str_run(p, end, c->base);
    if (p == end) return SYNTAX_P(E_END, end);
    if (*p == '"') return p + 1;
    if (*p == '\\') *esc = 1;
    p = str_slow(c, p, end);
    if (!p) return NULL;
  }
}

/* p at '-' or a digit. Validates the number and the byte after it. */
static inline const unsigned char *
scan_num(sseval__jcur *c, const unsigned char *p, const unsigned char *end) {
  if (*p == '-') {
    if (++p == end) return SYNTAX_P(E_END, end);
  }
  if (*p == '0') {
    p++;
  } else if (IS_DIGIT(*p)) {
    do p++;
    while (p < end && IS_DIGIT(*p));
  } else {
    return SYNTAX_P(E_NUMBER, p);
  }
  if (p < end && *p == '.') {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (!IS_DIGIT(*p)) return SYNTAX_P(E_NUMBER, p);
    do p++;
    while (p < end && IS_DIGIT(*p));
  }
  if (p < end && (*p | 0x20) == 'e') {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p == '+' || *p == '-') {
      if (++p == end) return SYNTAX_P(E_END, end);
    }
    if (!IS_DIGIT(*p)) return SYNTAX_P(E_NUMBER, p);
    do p++;
    while (p < end && IS_DIGIT(*p));
  }
  /* a digit can follow only a lone "0" or "-0" */
  if (p < end && IS_TOKEN(*p))
    return SYNTAX_P(IS_DIGIT(*p) ? E_LEADING0 : E_NUMBER, p);
  return p;
}

static const char lit_true[] = "true", lit_false[] = "false",
                  lit_null[] = "null";

/* p at 't', 'f' or 'n'. */
static inline const unsigned char *
scan_lit(sseval__jcur *c, const unsigned char *p, const unsigned char *end) {
  const char *lit = *p == 't' ? lit_true : *p == 'f' ? lit_false : lit_null;
  size_t n = *p == 'f' ? 5 : 4, i;
  if ((size_t)(end - p) > 5) { /* fast path: compare 4 bytes at once */
    uint32_t w, l;
    memcpy(&w, p + n - 4, 4); /* "true", "alse", "null" */
    memcpy(&l, lit + n - 4, 4);
    if (w == l && (n == 4 || p[0] == 'f') && !IS_TOKEN(p[n])) return p + n;
  }
  for (i = 0; i < n; i++) {
    if (p + i == end) return SYNTAX_P(E_END, end);
    if (p[i] != (unsigned char)lit[i]) return SYNTAX_P(E_LITERAL, p + i);
  }
  p += n;
  if (p < end && IS_TOKEN(*p)) return SYNTAX_P(E_LITERAL, p);
  return p;
}

sseval__jkind sseval__j_peek(sseval__jcur *c) {
  const unsigned char *p;
  if (c->err) return SSEVAL__JK_ERROR;
  p = c->p = skip_ws(c->p, c->end);
  if (p == c->end) {
    (void)SYNTAX(E_END, p);
    return SSEVAL__JK_ERROR;
  }
  switch (*p) {
  case '{': return SSEVAL__JK_OBJECT;
  case '[': return SSEVAL__JK_ARRAY;
  case '"': return SSEVAL__JK_STRING;
  case '-':
  case '0':
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
  case '7':
  case '8':
  case '9': return SSEVAL__JK_NUMBER;
  case 't': return SSEVAL__JK_TRUE;
  case 'f': return SSEVAL__JK_FALSE;
  case 'n': return SSEVAL__JK_NULL;
  default: (void)SYNTAX(value_msg(*p), p); return SSEVAL__JK_ERROR;
  }
}

/* The value at c->p (after peek) has the wrong type: validate and consume
 * it, then report J_TYPE at its first byte (J_SYNTAX if it is not JSON). */
static int type_mismatch(sseval__jcur *c, const char *msg) {
  const unsigned char *at = c->p;
  if (!sseval__j_skip(c, NULL)) return 0;
  return cur_fail(c, SSEVAL__J_TYPE, msg, at);
}

int sseval__j_obj_begin(sseval__jcur *c) {
  sseval__jkind k;
  if (!c->err && c->p < c->end && *c->p == '{' && c->depth < c->max_depth) {
    c->p++; /* the byte before p is now '{': obj_next knows it is first */
    c->depth++;
    return 1;
  }
  k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_OBJECT) return type_mismatch(c, E_NOT_OBJECT);
  if (c->depth >= c->max_depth)
    return cur_fail(c, SSEVAL__J_DEPTH, E_DEPTH, c->p);
  c->depth++;
  c->p++; /* the byte before p is now '{': obj_next knows it is first */
  return 1;
}

J_COLD int obj_next_slow(sseval__jcur *c, sseval__jstr *key) {
  const unsigned char *p = c->p, *end = c->end, *k;
  int esc = 0;
  if (c->err) return -1;
  if (c->depth == 0) return SYNTAX(E_NOT_IN_OBJECT, p) - 1;
  if (p > c->base && p[-1] == '{') { /* just entered: no ',' expected */
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == '}') goto close;
    if (*p != '"') return SYNTAX(key_msg(*p), p) - 1;
  } else {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == '}') goto close;
    if (*p != ',') return SYNTAX(slash_or(*p, E_AFTER_OBJ), p) - 1;
    p = skip_ws(p + 1, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p != '"') return SYNTAX(*p == '}' ? E_TRAILING : key_msg(*p), p) - 1;
  }
  k = p + 1;
  p = scan_str(c, k, end, &esc);
  if (!p) return -1;
  key->ptr = (const char *)k;
  key->len = (size_t)(p - 1 - k);
  key->has_escapes = esc;
  key->dlen = 0;
  p = skip_ws(p, end);
  if (p == end) return SYNTAX(E_END, end) - 1;
  if (*p != ':') return SYNTAX(slash_or(*p, E_COLON), p) - 1;
  c->p = skip_ws(p + 1, end);
  return 1;
close:
  c->p = p + 1;
  c->depth--;
  return 0;
}

/*
 * The common case without a call: compact JSON (`{"key":`, `,"key":`, `}`)
 * and a key with no escape or non-ASCII byte. Anything else is left to
 * obj_next_slow, which starts again from c->p.
 */
int sseval__j_obj_next(sseval__jcur *c, sseval__jstr *key) {
  const unsigned char *p = c->p, *end = c->end, *k, *q;
  if (c->err || c->depth == 0 || p == c->base || p == end)
    return obj_next_slow(c, key);
  if (*p == '}') {
    c->p = p + 1;
    c->depth--;
    return 0;
  }
  if (p[-1] == '{') {
    if (*p != '"') return obj_next_slow(c, key);
  } else {
    if (*p != ',' || end - p < 2 || p[1] != '"') return obj_next_slow(c, key);
    p++;
  }
  k = p + 1;
  q = str_run(k, end, c->base);
  if (end - q < 2 || q[0] != '"' || q[1] != ':') return obj_next_slow(c, key);
  key->ptr = (const char *)k;
  key->len = (size_t)(q - k);
  key->has_escapes = 0;
  c->p = q + 2;
  return 1;
}

int sseval__j_arr_begin(sseval__jcur *c) {
  sseval__jkind k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_ARRAY) return type_mismatch(c, E_NOT_ARRAY);
  if (c->depth >= c->max_depth)
    return cur_fail(c, SSEVAL__J_DEPTH, E_DEPTH, c->p);
  c->depth++;
  c->p++;
  return 1;
}

int sseval__j_arr_next(sseval__jcur *c) {
  const unsigned char *p = c->p, *end = c->end;
  if (c->err) return -1;
  if (c->depth == 0) return SYNTAX(E_NOT_IN_ARRAY, p) - 1;
  if (p > c->base && p[-1] == '[') {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == ']') goto close;
  } else {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == ']') goto close;
    if (*p != ',') return SYNTAX(slash_or(*p, E_AFTER_ARR), p) - 1;
    p = skip_ws(p + 1, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == ']') return SYNTAX(E_TRAILING, p) - 1;
  }
  c->p = p; /* at the element; the value itself is checked by its reader */
  return 1;
close:
  c->p = p + 1;
  c->depth--;
  return 0;
}

J_COLD int str_slow_path(sseval__jcur *c, sseval__jstr *out) {
  const unsigned char *p;
  int esc = 0;
  sseval__jkind k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_STRING) return type_mismatch(c, E_NOT_STRING);
  p = scan_str(c, c->p + 1, c->end, &esc);
  if (!p) return 0;
  out->ptr = (const char *)c->p + 1;
  out->len = (size_t)(p - c->p - 2);
  out->has_escapes = esc;
  out->dlen = 0;
  c->p = p;
  return 1;
}

int sseval__j_str(sseval__jcur *c, sseval__jstr *out) {
  const unsigned char *p = c->p, *end = c->end, *q;
  sseval__strscan s;
  if (!c->err && p < end && *p == '"') { /* a plain string, no call */
    q = str_run(p + 1, end, c->base);
    if (q < end && *q == '"') {
      out->ptr = (const char *)p + 1;
      out->len = (size_t)(q - p - 1);
      out->has_escapes = 0;
      c->p = q + 1;
      return 1;
    }
    /* escapes or non-ASCII: the rest of the string in one vector pass
     * (src/simd.c); anything it is not sure of takes the exact path */
    if (q < end && sseval__str_scan(q, end, &s)) {
      out->ptr = (const char *)p + 1;
      out->len = (size_t)(s.close - p - 1);
      out->has_escapes = s.has_escapes;
      out->dlen = (size_t)(q - p - 1) + s.decoded_len;
      c->p = s.close + 1;
      return 1;
    }
  }
  return str_slow_path(c, out);
}

int sseval__j_uint(sseval__jcur *c, uint64_t *out) {
  const unsigned char *p, *q, *s;
  uint64_t v = 0;
  sseval__jkind k;
  p = c->p;
  if (!c->err && c->end - p >= 2 && IS_DIGIT(*p) && !IS_TOKEN(p[1])) {
    *out = (uint64_t)(*p - '0'); /* one digit, ended by a structural byte */
    c->p = p + 1;
    return 1;
  }
  k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_NUMBER) return type_mismatch(c, E_NOT_UINT);
  s = p = c->p;
  q = scan_num(c, p, c->end);
  if (!q) return 0;
  c->p = q;
  if (*p == '-') return cur_fail(c, SSEVAL__J_TYPE, E_NOT_UINT, s);
  for (; p < q && IS_DIGIT(*p); p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10u)
      return cur_fail(c, SSEVAL__J_TYPE, E_NOT_UINT, s);
    v = v * 10u + d;
  }
  if (p != q) return cur_fail(c, SSEVAL__J_TYPE, E_NOT_UINT, s);
  *out = v;
  return 1;
}

int sseval__j_clear_type_error(sseval__jcur *c) {
  if (c->err != SSEVAL__J_TYPE) return 0;
  c->err = SSEVAL__J_OK;
  c->err_msg = "";
  c->err_pos = 0;
  return 1;
}

/*
 * Validate and skip one value. Iterative: `lvl` containers are open inside
 * this call, their kinds in the bit stack `stk` (1 = object).
 */
#define NO_CLOSE 0x100u /* no byte closes the top level */
int sseval__j_skip(sseval__jcur *c, sseval__jstr *raw) {
  const unsigned char *p, *end = c->end, *start;
  uint32_t lvl = 0, room;
  unsigned close = NO_CLOSE; /* '}' or ']': what closes the innermost level */
  uint64_t stk[SSEVAL__JSTREAM_MAX_DEPTH / 64] = { 0 }; /* 1 = object */
  unsigned b;
  int esc;

  if (c->err) return 0;
  room = c->depth < c->max_depth ? c->max_depth - c->depth : 0;
  p = start = skip_ws(c->p, end);

value:
  if (p == end) goto e_end;
  b = *p;
  if (b == '"') {
    p = scan_str(c, p + 1, end, &esc);
    if (!p) goto fail;
    goto after;
  }
  if (b == '{') {
    if (lvl >= room) goto e_depth;
    stk[lvl >> 6] |= (uint64_t)1 << (lvl & 63);
    lvl++;
    close = '}';
    if (++p < end && *p == '"') goto key;
    p = skip_ws(p, end);
    if (p == end) goto e_end;
    if (*p == '"') goto key;
    if (*p == '}') goto pop;
    SYNTAX(key_msg(*p), p);
    goto fail;
  }
  if (b == '[') {
    if (lvl >= room) goto e_depth;
    stk[lvl >> 6] &= ~((uint64_t)1 << (lvl & 63));
    lvl++;
    close = ']';
    p = skip_ws(p + 1, end);
    if (p == end) goto e_end;
    if (*p == ']') goto pop;
    goto value;
  }
  if (IS_DIGIT(b) || b == '-') {
    /* fast path: a plain integer ended by a structural byte */
    const unsigned char *q = p + 1;
    while (q < end && IS_DIGIT(*q)) q++;
    if (q < end && !IS_TOKEN(*q) && (b != '0' || q == p + 1) && b != '-') {
      p = q;
      goto after;
    }
    p = scan_num(c, p, end);
    if (!p) goto fail;
    goto after;
  }
  if (b == 't' || b == 'f' || b == 'n') {
    p = scan_lit(c, p, end);
    if (!p) goto fail;
    goto after;
  }
  SYNTAX(value_msg(b), p);
  goto fail;

key: /* p at the key's opening quote */
  p = scan_str(c, p + 1, end, &esc);
  if (!p) goto fail;
  if (p < end && *p == ':') {
    p++;
  } else {
    p = skip_ws(p, end);
    if (p == end) goto e_end;
    if (*p != ':') {
      SYNTAX(slash_or(*p, E_COLON), p);
      goto fail;
    }
    p++;
  }
  if (p<end && * p> ' ') goto value;
  p = skip_ws(p, end);
  goto value;

pop: /* p at the closing byte of the innermost level */
  p++;
  lvl--;
  close = lvl == 0                                         ? NO_CLOSE
          : (stk[(lvl - 1) >> 6] >> ((lvl - 1) & 63)) & 1u ? (unsigned)'}'
                                                           : (unsigned)']';
  /* fall into after */
after:
  if (lvl == 0) goto done;
  if (p == end) goto e_end;
  b = *p;
  if (b == ',') {
    p++;
    if (close == '}') {
      if (p < end && *p == '"') goto key;
      p = skip_ws(p, end);
      if (p == end) goto e_end;
      if (*p == '"') goto key;
      SYNTAX(*p == '}' ? E_TRAILING : key_msg(*p), p);
      goto fail;
    }
    if (p<end && * p> ' ' && *p != ']') goto value;
    p = skip_ws(p, end);
    if (p == end) goto e_end;
    if (*p != ']') goto value;
    SYNTAX(E_TRAILING, p);
    goto fail;
  }
  if (b == close) goto pop;
  if (IS_WS(b)) {
    p = skip_ws(p + 1, end);
    goto after;
  }
  SYNTAX(slash_or(b, close == '}' ? E_AFTER_OBJ : E_AFTER_ARR), p);
  goto fail;

done:
  if (raw) {
    raw->ptr = (const char *)start;
    raw->len = (size_t)(p - start);
    raw->has_escapes = 0;
  }
  c->p = p;
  return 1;
e_end:
  SYNTAX(E_END, end);
  goto fail;
e_depth:
  cur_fail(c, SSEVAL__J_DEPTH, E_DEPTH, p);
fail:
  c->depth += lvl;
  return 0;
}

int sseval__j_end(sseval__jcur *c) {
  const unsigned char *p;
  if (c->err) return 0;
  p = c->p = skip_ws(c->p, c->end);
  if (p != c->end) return SYNTAX(slash_or(*p, E_EXTRA), p);
  if (c->depth != 0) return SYNTAX(E_END, p);
  return 1;
}

/* ---- decoding ---------------------------------------------------------- */

static unsigned hex4(const char *p) {
  unsigned v = 0, i;
  for (i = 0; i < 4; i++) {
    int h = hexval((unsigned char)p[i]);
    v = v << 4 | (unsigned)(h < 0 ? 0 : h);
  }
  return v;
}

static size_t utf8_put(char *o, unsigned cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/*
 * Decode the escape at p (a backslash) into o; returns its source length
 * (0 if it is truncated, which a validated string never is). *n gets the
 * number of bytes written (1..4).
 */
static size_t dec_escape(const char *p, const char *end, char *o, size_t *n) {
  unsigned cp;
  if (end - p < 2) return 0;
  switch (p[1]) {
  case 'b': o[0] = '\b'; break;
  case 'f': o[0] = '\f'; break;
  case 'n': o[0] = '\n'; break;
  case 'r': o[0] = '\r'; break;
  case 't': o[0] = '\t'; break;
  case 'u':
    if (end - p < 6) return 0;
    cp = hex4(p + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      unsigned lo;
      if (end - p < 12) return 0;
      lo = hex4(p + 8);
      *n = utf8_put(o, 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u));
      return 12;
    }
    *n = utf8_put(o, cp);
    return 6;
  default: o[0] = p[1]; break; /* '"', '\\', '/' */
  }
  *n = 1;
  return 2;
}

void sseval__jdec_init(sseval__jdec *d, const sseval__jstr *s) {
  d->p = s->len ? s->ptr : NULL;
  d->end = s->len ? s->ptr + s->len : NULL;
}

int sseval__jdec_next(sseval__jdec *d, sseval_span *piece) {
  const char *p = d->p, *end = d->end;
  size_t used = 0;
  if (p == end) return 0;
  if (*p != '\\') {
    const char *q = memchr(p, '\\', (size_t)(end - p));
    if (!q) q = end;
    piece->ptr = p;
    piece->len = (size_t)(q - p);
    d->p = q;
    return 1;
  }
  while (p < end && *p == '\\' && used + 4 <= sizeof d->scratch) {
    size_t n = 0, adv = dec_escape(p, end, d->scratch + used, &n);
    if (adv == 0) { /* truncated (not a validated string): stop here */
      p = end;
      break;
    }
    p += adv;
    used += n;
  }
  d->p = p;
  if (used == 0) return 0;
  piece->ptr = d->scratch;
  piece->len = used;
  return 1;
}

size_t sseval__jstr_decoded_len(const sseval__jstr *s) {
  const char *p = s->ptr, *end = s->ptr + s->len;
  size_t n = s->len;
  char tmp[4];
  if (!s->has_escapes || s->len == 0) return s->len;
  if (s->dlen) return s->dlen;
  while (p < end) {
    const char *q = memchr(p, '\\', (size_t)(end - p));
    size_t k = 0, adv;
    if (!q) break;
    adv = dec_escape(q, end, tmp, &k);
    if (adv == 0) break;
    n -= adv - k;
    p = q + adv;
  }
  return n;
}

J_COLD int jstr_eq_escaped(const sseval__jstr *s, const char *lit,
                           size_t lit_len) {
  sseval__jdec d;
  sseval_span piece;
  size_t off = 0;
  if (s->len < lit_len) return 0; /* escapes only make the text longer */
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece)) {
    if (piece.len > lit_len - off || memcmp(piece.ptr, lit + off, piece.len))
      return 0;
    off += piece.len;
  }
  return off == lit_len;
}

int sseval__jstr_eq(const sseval__jstr *s, const char *lit, size_t lit_len) {
  uint32_t a, b, x, y;
  if (s->has_escapes) return jstr_eq_escaped(s, lit, lit_len);
  if (s->len != lit_len) return 0;
  if (lit_len < 4) { /* keys are short: no call to memcmp */
    size_t i;
    for (i = 0; i < lit_len; i++)
      if (s->ptr[i] != lit[i]) return 0;
    return 1;
  }
  if (lit_len > 8) return memcmp(s->ptr, lit, lit_len) == 0;
  memcpy(&a, s->ptr, 4); /* 4..8 bytes: the first four and the last four */
  memcpy(&b, lit, 4);
  memcpy(&x, s->ptr + lit_len - 4, 4);
  memcpy(&y, lit + lit_len - 4, 4);
  return a == b && x == y;
}

/* ======================================================================= */
/* part 2: the incremental validator                                        */
/* ======================================================================= */

enum {
  ST_TOP = 0,    /* nothing but whitespace so far */
  ST_VAL,        /* a value after ':' */
  ST_VAL_AFIRST, /* after '[': a value or ']' */
  ST_VAL_ANEXT,  /* after ',' in an array: a value (']' is a trailing comma) */
  ST_KEY_FIRST,  /* after '{': a key or '}' */
  ST_KEY_NEXT,   /* after ',' in an object: a key */
  ST_COLON,      /* after a key */
  ST_AFTER,      /* after a value inside a container */
  ST_DONE,       /* the top-level value is complete */
  ST_STR,        /* in a string; aux3 = 1 for a key */
  ST_ESC,        /* after a backslash */
  ST_UHEX,       /* \uXXXX: aux = digits read, aux2 = value so far */
  ST_LOW_BS,     /* after a high surrogate: '\' must follow */
  ST_LOW_U,      /* ... then 'u' */
  ST_LOW_HEX,    /* ... then [dD][c-fC-F]XX: aux = digits read */
  ST_UTF8,       /* aux = continuation bytes due, aux2 = lo | hi << 8 */
  ST_NUM_MINUS,
  ST_NUM_ZERO,
  ST_NUM_INT,
  ST_NUM_DOT,
  ST_NUM_FRAC,
  ST_NUM_E,
  ST_NUM_ESIGN,
  ST_NUM_EXP,
  ST_LIT,     /* aux = 0 true, 1 false, 2 null; aux2 = letters matched */
  ST_LIT_END, /* a literal is complete: the next byte must not continue it */
  ST_ERR
};

static const char *const lits[3] = { lit_true, lit_false, lit_null };

void sseval__jstream_init(sseval__jstream *s, uint32_t max_depth) {
  memset(s, 0, sizeof *s);
  if (max_depth < 1) max_depth = 1;
  if (max_depth > SSEVAL__JSTREAM_MAX_DEPTH)
    max_depth = SSEVAL__JSTREAM_MAX_DEPTH;
  s->max_depth = max_depth;
  s->state = ST_TOP;
  s->err = SSEVAL__J_OK;
  s->err_msg = "";
}

int sseval__jstream_empty(const sseval__jstream *s) {
  return s->state == ST_TOP; /* a bad first byte moves it to ST_ERR */
}

int sseval__jstream_feed(sseval__jstream *s, const void *buf, size_t len) {
  const unsigned char *p, *end, *start;
  uint32_t st, aux, aux2, aux3, depth;
  const char *msg;
  sseval__jerr code = SSEVAL__J_SYNTAX;

  if (s->err) return 0;
  if (len == 0) return 1;
  start = p = (const unsigned char *)buf;
  end = p + len;
  st = s->state;
  aux = s->aux;
  aux2 = s->aux2;
  aux3 = s->aux3;
  depth = s->depth;

#define TOP_IS_OBJ() (s->stack[(depth - 1) >> 3] & (1u << ((depth - 1) & 7)))
#define VALUE_DONE() (st = depth ? ST_AFTER : ST_DONE)
#define FAIL(m)                                                                \
  do {                                                                         \
    msg = (m);                                                                 \
    goto fail;                                                                 \
  } while (0)

  while (p < end) {
    unsigned b = *p;
    switch (st) {
    case ST_TOP:
    case ST_VAL:
    case ST_VAL_AFIRST:
    case ST_VAL_ANEXT:
      if (IS_WS(b)) {
        p++;
        continue;
      }
      if (st == ST_TOP) s->top_is_object = b == '{';
      switch (b) {
      case '"':
        st = ST_STR;
        aux3 = 0;
        break;
      case '{':
      case '[':
        if (depth >= s->max_depth) {
          code = SSEVAL__J_DEPTH;
          FAIL(E_DEPTH);
        }
        if (b == '{')
          s->stack[depth >> 3] =
              (unsigned char)(s->stack[depth >> 3] | (1u << (depth & 7)));
        else
          s->stack[depth >> 3] =
              (unsigned char)(s->stack[depth >> 3] & ~(1u << (depth & 7)));
        depth++;
        st = b == '{' ? ST_KEY_FIRST : ST_VAL_AFIRST;
        break;
      case ']':
        if (st == ST_VAL_AFIRST) {
          depth--;
          VALUE_DONE();
          break;
        }
        FAIL(st == ST_VAL_ANEXT ? E_TRAILING : E_VALUE);
      case '-': st = ST_NUM_MINUS; break;
      case '0': st = ST_NUM_ZERO; break;
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9': st = ST_NUM_INT; break;
      case 't':
      case 'f':
      case 'n':
        st = ST_LIT;
        aux = b == 't' ? 0u : b == 'f' ? 1u : 2u;
        aux2 = 1;
        break;
      default: FAIL(value_msg(b));
      }
      p++;
      continue;

    case ST_KEY_FIRST:
    case ST_KEY_NEXT:
      if (IS_WS(b)) {
        p++;
        continue;
      }
      if (b == '"') {
        st = ST_STR;
        aux3 = 1;
      } else if (b == '}') {
        if (st == ST_KEY_NEXT) FAIL(E_TRAILING);
        depth--;
        VALUE_DONE();
      } else {
        FAIL(key_msg(b));
      }
      p++;
      continue;

    case ST_COLON:
      if (IS_WS(b)) {
        p++;
        continue;
      }
      if (b != ':') FAIL(slash_or(b, E_COLON));
      st = ST_VAL;
      p++;
      continue;

    case ST_AFTER:
      if (IS_WS(b)) {
        p++;
        continue;
      }
      if (TOP_IS_OBJ()) {
        if (b == ',')
          st = ST_KEY_NEXT;
        else if (b == '}') {
          depth--;
          VALUE_DONE();
        } else
          FAIL(slash_or(b, E_AFTER_OBJ));
      } else {
        if (b == ',')
          st = ST_VAL_ANEXT;
        else if (b == ']') {
          depth--;
          VALUE_DONE();
        } else
          FAIL(slash_or(b, E_AFTER_ARR));
      }
      p++;
      continue;

    case ST_DONE:
      if (!IS_WS(b)) FAIL(slash_or(b, E_EXTRA));
      p++;
      continue;

    case ST_STR:
      p = str_run(p, end, start);
      if (p == end) continue;
      b = *p;
      if (b == '"') {
        if (aux3)
          st = ST_COLON;
        else
          VALUE_DONE();
      } else if (b == '\\') {
        st = ST_ESC;
      } else if (b < 0x20) {
        FAIL(E_CTRL);
      } else {
        unsigned lo, hi;
        aux = utf8_lead(b, &lo, &hi);
        if (aux == 0) FAIL(E_UTF8);
        aux2 = lo | hi << 8;
        st = ST_UTF8;
      }
      p++;
      continue;

    case ST_UTF8:
      if (b < (aux2 & 0xFFu) || b > (aux2 >> 8)) FAIL(E_UTF8);
      aux2 = 0x80u | 0xBFu << 8;
      if (--aux == 0) st = ST_STR;
      p++;
      continue;

    case ST_ESC:
      switch (b) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't': st = ST_STR; break;
      case 'u':
        st = ST_UHEX;
        aux = 0;
        aux2 = 0;
        break;
      default: FAIL(E_ESCAPE);
      }
      p++;
      continue;

    case ST_UHEX: {
      int h = hexval(b);
      if (h < 0) FAIL(E_UESCAPE);
      if (aux == 1 && aux2 == 0xD && h >= 0xC) FAIL(E_SURROGATE);
      aux2 = aux2 << 4 | (unsigned)h;
      if (++aux == 4)
        st = (aux2 >= 0xD800 && aux2 <= 0xDBFF) ? ST_LOW_BS : ST_STR;
      p++;
      continue;
    }
    case ST_LOW_BS:
      if (b != '\\') FAIL(E_SURROGATE);
      st = ST_LOW_U;
      p++;
      continue;
    case ST_LOW_U:
      if (b != 'u') FAIL(E_SURROGATE);
      st = ST_LOW_HEX;
      aux = 0;
      p++;
      continue;
    case ST_LOW_HEX: {
      int h = hexval(b);
      if (h < 0) FAIL(E_UESCAPE);
      if ((aux == 0 && h != 0xD) || (aux == 1 && h < 0xC)) FAIL(E_SURROGATE);
      if (++aux == 4) st = ST_STR;
      p++;
      continue;
    }

    case ST_NUM_MINUS:
      if (b == '0')
        st = ST_NUM_ZERO;
      else if (IS_DIGIT(b))
        st = ST_NUM_INT;
      else
        FAIL(E_NUMBER);
      p++;
      continue;
    case ST_NUM_DOT:
      if (!IS_DIGIT(b)) FAIL(E_NUMBER);
      st = ST_NUM_FRAC;
      p++;
      continue;
    case ST_NUM_E:
      if (b == '+' || b == '-')
        st = ST_NUM_ESIGN;
      else if (IS_DIGIT(b))
        st = ST_NUM_EXP;
      else
        FAIL(E_NUMBER);
      p++;
      continue;
    case ST_NUM_ESIGN:
      if (!IS_DIGIT(b)) FAIL(E_NUMBER);
      st = ST_NUM_EXP;
      p++;
      continue;
    case ST_NUM_INT:
    case ST_NUM_FRAC:
    case ST_NUM_EXP:
      if (IS_DIGIT(b)) {
        do p++;
        while (p < end && IS_DIGIT(*p));
        continue;
      }
      goto num_next;
    case ST_NUM_ZERO:
    num_next:
      if (b == '.' && (st == ST_NUM_ZERO || st == ST_NUM_INT)) {
        st = ST_NUM_DOT;
        p++;
        continue;
      }
      if ((b | 0x20) == 'e' && st != ST_NUM_EXP) {
        st = ST_NUM_E;
        p++;
        continue;
      }
      if (IS_TOKEN(b)) FAIL(IS_DIGIT(b) ? E_LEADING0 : E_NUMBER);
      VALUE_DONE(); /* the byte is looked at again in the new state */
      continue;

    case ST_LIT:
      if (b != (unsigned char)lits[aux][aux2]) FAIL(E_LITERAL);
      p++;
      if (lits[aux][++aux2] == '\0') st = ST_LIT_END;
      continue;
    case ST_LIT_END:
      if (IS_TOKEN(b)) FAIL(E_LITERAL);
      VALUE_DONE();
      continue;

    default: /* ST_ERR cannot be reached: err is checked on entry */
      FAIL(E_VALUE);
    }
  }

  s->state = st;
  s->aux = aux;
  s->aux2 = aux2;
  s->aux3 = aux3;
  s->depth = depth;
  s->pos += len;
  return 1;

fail:
  s->err = code;
  s->err_msg = msg;
  s->err_pos = s->pos + (uint64_t)(p - start);
  s->state = ST_ERR;
  s->depth = depth;
  s->pos += len;
  return 0;
#undef TOP_IS_OBJ
#undef VALUE_DONE
#undef FAIL
}

int sseval__jstream_finish(sseval__jstream *s) {
  if (s->err) return 0;
  switch (s->state) {
  case ST_DONE: return 1;
  case ST_NUM_ZERO:
  case ST_NUM_INT:
  case ST_NUM_FRAC:
  case ST_NUM_EXP:
  case ST_LIT_END:
    if (s->depth == 0) {
      s->state = ST_DONE;
      return 1;
    }
    break;
  default: break;
  }
  /* the state is kept: sseval__jstream_empty still answers after this */
  s->err = SSEVAL__J_SYNTAX;
  s->err_msg = E_END;
  s->err_pos = s->pos;
  return 0;
}
