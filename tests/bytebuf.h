/* SPDX-License-Identifier: MIT */
/*
 * tests/bytebuf.h - a growable byte buffer for traces, shared by the test
 * reference tokenizer (tests/sse_ref.c: sseref_buf) and the fuzz oracles
 * (fuzz/fuzz_common.h: fz_buf). Always NUL-terminated after its bytes, so a
 * trace can be compared with strcmp; binary safe through len. Aborts when
 * memory runs out (a test or fuzz harness has nothing better to do).
 */
#ifndef SSEVAL_TESTS_BYTEBUF_H
#define SSEVAL_TESTS_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bytebuf {
  char *p; /* NULL until the first byte is added */
  size_t len, cap;
} bytebuf;

static inline void bytebuf_init(bytebuf *b) {
  b->p = NULL;
  b->len = b->cap = 0;
}

static inline void bytebuf_free(bytebuf *b) {
  free(b->p);
  bytebuf_init(b);
}

static inline void bytebuf_clear(bytebuf *b) {
  b->len = 0;
  if (b->p) b->p[0] = '\0';
}

static inline void bytebuf_add(bytebuf *b, const void *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *np;
    while (cap < b->len + n + 1) cap *= 2;
    np = (char *)realloc(b->p, cap);
    if (!np) {
      fprintf(stderr, "bytebuf: out of memory\n");
      abort();
    }
    b->p = np;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static inline void bytebuf_str(bytebuf *b, const char *s) { bytebuf_add(b, s, strlen(s)); }

static inline void bytebuf_byte(bytebuf *b, unsigned c) {
  char ch = (char)c;
  bytebuf_add(b, &ch, 1);
}

/* v in decimal. */
static inline void bytebuf_u64(bytebuf *b, uint64_t v) {
  char tmp[24];
  int i = 23;
  tmp[i] = '\0';
  do {
    tmp[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  bytebuf_str(b, tmp + i);
}

/* s[0..n) quoted canonically: printable ASCII as is, '"' and '\' with a
 * backslash, every other byte as \xhh (lowercase). Binary safe. */
static inline void bytebuf_quote(bytebuf *b, const void *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *c = (const unsigned char *)s;
  size_t i;
  bytebuf_byte(b, '"');
  for (i = 0; i < n; i++) {
    if (c[i] == '"' || c[i] == '\\') {
      bytebuf_byte(b, '\\');
      bytebuf_byte(b, c[i]);
    } else if (c[i] >= 0x20 && c[i] < 0x7f) {
      bytebuf_byte(b, c[i]);
    } else {
      char e[4];
      e[0] = '\\';
      e[1] = 'x';
      e[2] = hex[c[i] >> 4];
      e[3] = hex[c[i] & 15];
      bytebuf_add(b, e, 4);
    }
  }
  bytebuf_byte(b, '"');
}

#endif /* SSEVAL_TESTS_BYTEBUF_H */
