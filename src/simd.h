/* SPDX-License-Identifier: MIT */
/*
 * src/simd.h - internal: whole-string scanning with vector instructions
 * (not installed).
 *
 * One interface, three implementations chosen per call:
 *   avx2      x86-64 CPUs that have AVX2 (checked at run time): 64 bytes per
 *             step, the escapes and quotes found with 32-byte compares and
 *             UTF-8 validated with nibble lookup tables (vpshufb) over the
 *             whole string, no byte-by-byte walk over non-ASCII text; the
 *             blocks before the closing quote take no branch on the text
 *             except at a \u escape
 *   sse2      every other x86-64: 64 bytes per step in four 16-byte compares;
 *             each non-ASCII sequence checked on its own
 *   portable  any other target, or a build with SSEVAL_JSON_NO_SIMD: eight
 *             bytes per step (SWAR), then byte by byte
 * SSEVAL_NO_AVX2 builds keep the sse2 path only. All three accept exactly
 * the same strings (tests/test_strscan.c compares them with a plain
 * reference on generated and exhaustive inputs, split at every length).
 *
 * The scanner is a fast path only: it answers "this string is valid and
 * closes here" or "not sure". Every error, with its exact offset and
 * message, still comes from the strict byte-level scanner of json.c, which
 * the caller runs when the answer is 0.
 */
#ifndef SSEVAL_SRC_SIMD_H
#define SSEVAL_SRC_SIMD_H

#include <stddef.h>

/* What sseval__str_scan found in a valid string. */
typedef struct sseval__strscan {
  const unsigned char *close; /* the closing quote */
  size_t decoded_len;         /* the value's length once unescaped */
  int has_escapes;            /* a backslash was seen */
} sseval__strscan;

/*
 * p: just after a JSON string's opening quote; end: the end of the buffer.
 * Returns 1 when the string closes before end and is valid RFC 8259 text
 * (escapes well formed, surrogate escapes paired, no raw control byte,
 * UTF-8 valid), with *out filled; 0 otherwise (*out untouched). Never
 * reads at or past end.
 */
int sseval__str_scan(const unsigned char *p, const unsigned char *end,
                     sseval__strscan *out);

/*
 * Decode a validated string (p, len: the bytes between its quotes) into
 * dst, which has room for its decoded length. Returns the bytes written;
 * *from_escapes gets how many of them escapes produced. Runs without a
 * backslash are copied 16 bytes at a time.
 */
size_t sseval__unescape(const unsigned char *p, size_t len, unsigned char *dst,
                        size_t dst_len, size_t *from_escapes);

/* The implementations, for the tests and the benchmarks. */
typedef enum sseval__simd_impl {
  SSEVAL__SIMD_BEST = 0, /* what sseval__str_scan uses on this CPU */
  SSEVAL__SIMD_PORTABLE,
  SSEVAL__SIMD_SSE2,
  SSEVAL__SIMD_AVX2
} sseval__simd_impl;

/* 1 if `impl` is compiled in and the CPU runs it. */
int sseval__simd_available(sseval__simd_impl impl);
/* The name of what BEST resolves to: "avx2", "sse2" or "portable". */
const char *sseval__simd_name(void);
/* sseval__str_scan with a chosen implementation (an unavailable one: the
 * portable path). */
int sseval__str_scan_with(sseval__simd_impl impl, const unsigned char *p,
                          const unsigned char *end, sseval__strscan *out);

#endif /* SSEVAL_SRC_SIMD_H */
