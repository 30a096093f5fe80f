/* SPDX-License-Identifier: MIT */
/*
 * src/utf8.c - R1: find maximal invalid UTF-8 subsequences exactly as the
 * WHATWG Encoding Standard's UTF-8 decoder does (each becomes one U+FFFD).
 */
#include <string.h>

#include "sseval/sse.h"

size_t sseval_utf8_next_invalid(const void *s, size_t len,
                                size_t *invalid_len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned b = p[i];
    unsigned need, lo = 0x80, hi = 0xBF;
    size_t j;
    if (b < 0x80) {
      /* skip ASCII eight bytes at a time */
      while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
      }
      while (i < len && p[i] < 0x80) i++;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      if (invalid_len) *invalid_len = 1;
      return i;
    }
    for (j = i + 1; need > 0; need--, j++) {
      if (j >= len || p[j] < lo || p[j] > hi) {
        if (invalid_len) *invalid_len = j - i;
        return i;
      }
      lo = 0x80;
      hi = 0xBF;
    }
    i = j;
  }
  if (invalid_len) *invalid_len = 0;
  return len;
}
