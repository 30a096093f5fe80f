/* SPDX-License-Identifier: MIT */
/*
 * src/jesc.h - internal: decoding one JSON escape, shared by the two
 * decoders (the piece-by-piece one of src/json.c and the whole-string
 * sseval__unescape of src/simd.c). Validation is not here: the strict
 * scanners of json.c and the fast path of simd.c check an escape where
 * they meet it; these helpers only decode escapes already checked, and
 * stop (return 0) at anything else.
 */
#ifndef SSEVAL_SRC_JESC_H
#define SSEVAL_SRC_JESC_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define JESC_INLINE static inline __attribute__((always_inline))
#else
#define JESC_INLINE static inline
#endif

/* The value of hex digit c, or -1. */
JESC_INLINE int sseval__hexval(unsigned c) {
  if (c - '0' < 10u) return (int)(c - '0');
  c |= 0x20u;
  if (c - 'a' < 6u) return (int)(c - 'a' + 10u);
  return -1;
}

/* Four hex digits at q into *cp; 0 if one is not a hex digit. */
JESC_INLINE int sseval__hex4(const unsigned char *q, unsigned *cp) {
  int a = sseval__hexval(q[0]), b = sseval__hexval(q[1]),
      c = sseval__hexval(q[2]), d = sseval__hexval(q[3]);
  if ((a | b | c | d) < 0) return 0;
  *cp = (unsigned)(a << 12 | b << 8 | c << 4 | d);
  return 1;
}

/* Write code point cp (at most U+10FFFF) as UTF-8 at o; returns 1..4. */
JESC_INLINE size_t sseval__utf8_put(unsigned char *o, unsigned cp) {
  if (cp < 0x80u) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800u) {
    o[0] = (unsigned char)(0xC0u | cp >> 6);
    o[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 2;
  }
  if (cp < 0x10000u) {
    o[0] = (unsigned char)(0xE0u | cp >> 12);
    o[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    o[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 3;
  }
  o[0] = (unsigned char)(0xF0u | cp >> 18);
  o[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
  o[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
  o[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
  return 4;
}

/* The byte a one-letter escape ('\\' then b) stands for; 0 when b is not
 * one of them ('u' included). */
JESC_INLINE unsigned char sseval__esc_char(unsigned b) {
  switch (b) {
  case '"':
  case '\\':
  case '/': return (unsigned char)b;
  case 'b': return '\b';
  case 'f': return '\f';
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  default: return 0;
  }
}

/*
 * p at the backslash of a checked escape, end: the end of the string.
 * Writes its decoded bytes (1..4, a surrogate pair giving one 4-byte code
 * point) at o and their number to *n; returns the escape's source length
 * (2, 6 or 12), or 0 when it is cut by end or is not an escape (which a
 * validated string never has; *n and o are then untouched).
 */
JESC_INLINE size_t sseval__esc_decode(const unsigned char *p,
                                      const unsigned char *end,
                                      unsigned char *o, size_t *n) {
  unsigned cp, lo;
  if (end - p < 2) return 0;
  if (p[1] != 'u') {
    unsigned char one = sseval__esc_char(p[1]);
    if (!one) return 0;
    o[0] = one;
    *n = 1;
    return 2;
  }
  if (end - p < 6 || !sseval__hex4(p + 2, &cp)) return 0;
  if (cp < 0xD800u || cp > 0xDBFFu) {
    *n = sseval__utf8_put(o, cp);
    return 6;
  }
  if (end - p < 12 || !sseval__hex4(p + 8, &lo)) return 0;
  *n = sseval__utf8_put(o, 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u));
  return 12;
}

#endif /* SSEVAL_SRC_JESC_H */
