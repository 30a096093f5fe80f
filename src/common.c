/* SPDX-License-Identifier: MIT */
/*
 * src/common.c - version, status names and the allocator plumbing.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

uint32_t sseval_version(void) { return (uint32_t)SSEVAL_VERSION_HEX; }

const char *sseval_version_string(void) { return SSEVAL_VERSION_STRING; }

const char *sseval_status_name(sseval_status s) {
  switch (s) {
#define SSEVAL_XX_(name, val, desc)                                            \
  case SSEVAL_##name:                                                          \
    return #name;
    SSEVAL_STATUS_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  default:
    return "UNKNOWN";
  }
}

const char *sseval_status_message(sseval_status s) {
  switch (s) {
#define SSEVAL_XX_(name, val, desc)                                            \
  case SSEVAL_##name:                                                          \
    return desc;
    SSEVAL_STATUS_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  default:
    return "unknown status";
  }
}

/* ---- default allocator -------------------------------------------------- */
static void *libc_malloc(void *ctx, size_t n) {
  (void)ctx;
  return malloc(n);
}
static void *libc_realloc(void *ctx, void *p, size_t old_n, size_t n) {
  (void)ctx;
  (void)old_n;
  return realloc(p, n);
}
static void libc_free(void *ctx, void *p, size_t n) {
  (void)ctx;
  (void)n;
  free(p);
}

const sseval_allocator sseval__default_allocator = {libc_malloc, libc_realloc,
                                                     libc_free, NULL};

int sseval__mem_init(sseval__mem *m, const sseval_allocator *user) {
  memset(m, 0, sizeof *m);
  if (user) {
    if (!user->malloc || !user->realloc || !user->free) return 0;
    m->a = *user;
  } else {
    m->a = sseval__default_allocator;
  }
  return 1;
}

void *sseval__mem_alloc(sseval__mem *m, size_t n) {
  void *p;
  m->calls++;
  p = m->a.malloc(m->a.ctx, n ? n : 1);
  if (p) m->held += n;
  return p;
}

void *sseval__mem_realloc(sseval__mem *m, void *p, size_t old_n, size_t n) {
  void *q;
  if (!p) return sseval__mem_alloc(m, n);
  m->calls++;
  q = m->a.realloc(m->a.ctx, p, old_n, n ? n : 1);
  if (q) m->held = m->held - old_n + n;
  return q;
}

void sseval__mem_free(sseval__mem *m, void *p, size_t n) {
  if (!p) return;
  m->held -= n;
  m->a.free(m->a.ctx, p, n);
}

/* ---- owned buffers -------------------------------------------------------- */
int sseval__buf_reserve(sseval__buf *b, sseval__mem *m, size_t extra) {
  size_t need = b->len + extra, cap;
  char *q;
  if (need <= b->cap) return 1;
  if (need < b->len) return 0; /* overflow */
  cap = b->cap ? b->cap : 128;
  while (cap < need) {
    if (cap > ((size_t)-1) / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  q = (char *)sseval__mem_realloc(m, b->ptr, b->cap, cap);
  if (!q) return 0;
  b->ptr = q;
  b->cap = cap;
  return 1;
}

int sseval__buf_append(sseval__buf *b, sseval__mem *m, const void *p,
                       size_t n) {
  if (n == 0) return 1;
  if (!sseval__buf_reserve(b, m, n)) return 0;
  memcpy(b->ptr + b->len, p, n);
  b->len += n;
  return 1;
}

void sseval__buf_free(sseval__buf *b, sseval__mem *m) {
  sseval__mem_free(m, b->ptr, b->cap);
  b->ptr = NULL;
  b->len = b->cap = 0;
}
