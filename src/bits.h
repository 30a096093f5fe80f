/* SPDX-License-Identifier: MIT */
/*
 * src/bits.h - internal: bit helpers shared by the scanners (src/sse.c,
 * src/json.c, src/simd.c).
 */
#ifndef SSEVAL_SRC_BITS_H
#define SSEVAL_SRC_BITS_H

#include <stdint.h>

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

#endif
