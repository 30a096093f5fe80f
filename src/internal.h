/* SPDX-License-Identifier: MIT */
/*
 * src/internal.h - helpers shared by the library's own files (not installed).
 *
 * Everything here is internal: names use the sseval__ prefix and the build
 * compiles with hidden visibility, so none of it is exported.
 */
#ifndef SSEVAL_SRC_INTERNAL_H
#define SSEVAL_SRC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sseval/common.h"

/* The per-instance allocator plus a counter of calls, for the stats. */
typedef struct sseval__mem {
  sseval_allocator a;
  uint64_t calls; /* malloc + realloc calls made */
  size_t held;    /* bytes currently held through this allocator */
} sseval__mem;

/* Copy `user` (or the libc default) into *m. Returns 0 if `user` has a NULL
 * hook. */
/* malloc, realloc and free of libc (ctx NULL): what a NULL allocator
 * option means. One table, so that an instance can point at it instead of
 * holding a copy (src/sse.c compares against its address). */
extern const sseval_allocator sseval__default_allocator;

int sseval__mem_init(sseval__mem *m, const sseval_allocator *user);
void *sseval__mem_alloc(sseval__mem *m, size_t n);
void *sseval__mem_realloc(sseval__mem *m, void *p, size_t old_n, size_t n);
void sseval__mem_free(sseval__mem *m, void *p, size_t n);

/* A growable owned byte buffer. */
typedef struct sseval__buf {
  char *ptr;
  size_t len;
  size_t cap;
} sseval__buf;

/* Make room for `extra` more bytes (len + extra <= limit is the caller's
 * check). Returns 0 on allocation failure (buffer unchanged). Growth is
 * geometric with a small floor so the steady state does not allocate. */
int sseval__buf_reserve(sseval__buf *b, sseval__mem *m, size_t extra);
/* Append n bytes; returns 0 on allocation failure. */
int sseval__buf_append(sseval__buf *b, sseval__mem *m, const void *p, size_t n);
void sseval__buf_free(sseval__buf *b, sseval__mem *m);

#endif
