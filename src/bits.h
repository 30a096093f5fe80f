/* SPDX-License-Identifier: MIT */
/*
 * src/bits.h - internal: bit helpers shared by the scanners (src/sse.c,
 * src/json.c, src/simd.c).
 */
#ifndef SSEVAL_SRC_BITS_H
#define SSEVAL_SRC_BITS_H

#include <stdint.h>
#include <string.h>

/* Index of the lowest set bit of a non-zero mask (count trailing zeros). */
static inline unsigned sseval__lowest_bit(uint64_t m) {
#if defined(__GNUC__) || defined(__clang__)
  return (unsigned)__builtin_ctzll(m);
#else
  unsigned n = 0;
  while (!(m & 1u)) {
    m >>= 1;
    n++;
  }
  return n;
#endif
}

/* The 8 bytes at p as a little-endian word (byte i is bits 8i..8i+7). */
static inline uint64_t sseval__load64le(const void *p) {
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&             \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
#else
  const unsigned char *b = (const unsigned char *)p;
  return (uint64_t)b[0] | ((uint64_t)b[1] << 8) | ((uint64_t)b[2] << 16) |
         ((uint64_t)b[3] << 24) | ((uint64_t)b[4] << 32) |
         ((uint64_t)b[5] << 40) | ((uint64_t)b[6] << 48) |
         ((uint64_t)b[7] << 56);
#endif
}

/* The 4 bytes at p as a little-endian word. */
static inline uint32_t sseval__load32le(const void *p) {
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&             \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
#else
  const unsigned char *b = (const unsigned char *)p;
  return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
         ((uint32_t)b[3] << 24);
#endif
}

#endif
