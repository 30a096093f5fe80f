/* SPDX-License-Identifier: MIT */
/*
 * tests/test.h - the tiny test harness shared by every suite.
 *
 * Each suite is one executable (one ctest test). TEST(name) defines a case;
 * RUN(name) in main runs it and records failures without stopping the suite;
 * CHECK* report file:line and the values; test_summary() prints
 * "N passed, N failed" and returns the exit code. Shared helpers below:
 * rng_next/rng_below (deterministic random numbers), xmalloc, and the
 * chunkings (tc_* and test_every_chunking: one input fed whole, byte by
 * byte, cut at every point, in random chunks, each compared by the suite).
 */
#ifndef SSEVAL_TEST_H
#define SSEVAL_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int test_failed_checks_;
static int test_cases_passed_;
static int test_cases_failed_;
static const char *test_current_;

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                              \
  do {                                                                         \
    int before_ = test_failed_checks_;                                         \
    clock_t start_ = clock();                                                  \
    test_current_ = #name;                                                     \
    test_##name();                                                             \
    test_report_time_(#name, start_);                                          \
    if (test_failed_checks_ == before_)                                        \
      test_cases_passed_++;                                                    \
    else {                                                                     \
      test_cases_failed_++;                                                    \
      fprintf(stderr, "FAIL %s\n", #name);                                     \
    }                                                                          \
  } while (0)

/* Helpers a suite may not use (C++ warns about unused static functions). */
#if defined(__GNUC__)
#define TEST_MAYBE_UNUSED __attribute__((unused))
#else
#define TEST_MAYBE_UNUSED
#endif

/* SSEVAL_TEST_TIMES=1 in the environment: each case's CPU seconds on
 * stderr (to keep suites short: tests/README.md, "Time budget"). */
TEST_MAYBE_UNUSED static void test_report_time_(const char *name, clock_t start) {
  static int on_ = -1;
  if (on_ < 0) {
    const char *e = getenv("SSEVAL_TEST_TIMES");
    on_ = e && *e && *e != '0';
  }
  if (on_)
    fprintf(stderr, "time %-44s %7.2f s\n", name,
            (double)(clock() - start) / CLOCKS_PER_SEC);
}

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      test_failed_checks_++;                                                   \
      fprintf(stderr, "%s:%d: [%s] CHECK(%s) failed\n", __FILE__, __LINE__,    \
              test_current_, #cond);                                           \
    }                                                                          \
  } while (0)

#define CHECK_EQ_U64(a, b)                                                     \
  do {                                                                         \
    uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                           \
    if (a_ != b_) {                                                            \
      test_failed_checks_++;                                                   \
      fprintf(stderr, "%s:%d: [%s] %s == %" PRIu64 ", expected %s == %" PRIu64 \
              "\n", __FILE__, __LINE__, test_current_, #a, a_, #b, b_);        \
    }                                                                          \
  } while (0)

/* Compare a (ptr,len) byte string with an expected one; prints both. */
#define CHECK_MEM(ptr, len, exp, exp_len)                                      \
  test_check_mem_(__FILE__, __LINE__, (const void *)(ptr), (size_t)(len),      \
                  (const void *)(exp), (size_t)(exp_len), #ptr)
#define CHECK_STR(ptr, len, lit) CHECK_MEM(ptr, len, lit, strlen(lit))

static void test_print_bytes_(const void *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
  size_t i;
  fputc('"', stderr);
  for (i = 0; i < n && i < 400; i++) {
    if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
      fputc(s[i], stderr);
    else
      fprintf(stderr, "\\x%02x", s[i]);
  }
  if (n > 400) fputs("...", stderr);
  fputc('"', stderr);
}

static void test_check_mem_(const char *file, int line, const void *p,
                            size_t n, const void *e, size_t en,
                            const char *what) {
  if (n == en && (n == 0 || memcmp(p, e, n) == 0)) return;
  test_failed_checks_++;
  fprintf(stderr, "%s:%d: [%s] %s:\n  got      ", file, line, test_current_,
          what);
  test_print_bytes_(p, n);
  fprintf(stderr, " (%zu bytes)\n  expected ", n);
  test_print_bytes_(e, en);
  fprintf(stderr, " (%zu bytes)\n", en);
}

/* ---- shared helpers ------------------------------------------------------- */

/* Deterministic random numbers (splitmix64): the same sequence on every
 * machine. A suite that wants its own sequence sets rng_state first thing
 * in main (or before a case, to make that case's inputs independent of the
 * cases run before it). */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

TEST_MAYBE_UNUSED static uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* A number in [0, n); 0 when n is 0. */
TEST_MAYBE_UNUSED static size_t rng_below(size_t n) { return n ? (size_t)(rng_next() % n) : 0; }

/* malloc that never returns NULL (aborts); n == 0 allocates one byte. */
TEST_MAYBE_UNUSED static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

/* ---- chunkings: the same input fed in many cuts ------------------------------- */

/* A way to cut an input of `len` bytes into feed calls: sizes[0..n) sum to
 * len (a 0 is an empty feed call). An empty input is one empty feed call in
 * every chunking. desc says which cut it is, for failure messages. */
typedef struct test_chunking {
  size_t *sizes;
  size_t n, cap;
  char desc[96];
} test_chunking;

/* Room for any chunking of len bytes (at most 2 * len + 1 sizes). */
TEST_MAYBE_UNUSED static void tc_init(test_chunking *c, size_t len) {
  c->cap = 2 * len + 3;
  c->sizes = (size_t *)xmalloc(c->cap * sizeof *c->sizes);
  c->n = 0;
  c->desc[0] = '\0';
}
TEST_MAYBE_UNUSED static void tc_free(test_chunking *c) {
  free(c->sizes);
  c->sizes = NULL;
  c->n = c->cap = 0;
}

TEST_MAYBE_UNUSED static void tc_whole(test_chunking *c, size_t len) {
  c->n = 0;
  c->sizes[c->n++] = len;
  snprintf(c->desc, sizeof c->desc, "whole");
}

TEST_MAYBE_UNUSED static void tc_fixed(test_chunking *c, size_t len, size_t step) {
  size_t pos = 0;
  c->n = 0;
  while (pos < len) {
    size_t m = len - pos < step ? len - pos : step;
    c->sizes[c->n++] = m;
    pos += m;
  }
  if (c->n == 0) c->sizes[c->n++] = 0;
  if (step == 1)
    snprintf(c->desc, sizeof c->desc, "byte by byte");
  else
    snprintf(c->desc, sizeof c->desc, "chunks of %zu", step);
}

/* One byte at a time with an empty feed before and after each byte. */
TEST_MAYBE_UNUSED static void tc_bytes_and_empty(test_chunking *c, size_t len) {
  size_t i;
  c->n = 0;
  c->sizes[c->n++] = 0;
  for (i = 0; i < len; i++) {
    c->sizes[c->n++] = 1;
    c->sizes[c->n++] = 0;
  }
  snprintf(c->desc, sizeof c->desc, "bytes with empty feeds between");
}

/* Cut at a and b (0 < a <= b < len; b == a means one cut). */
TEST_MAYBE_UNUSED static void tc_cuts(test_chunking *c, size_t len, size_t a, size_t b) {
  c->n = 0;
  c->sizes[c->n++] = a;
  if (b > a) c->sizes[c->n++] = b - a;
  c->sizes[c->n++] = len - b;
  if (b > a)
    snprintf(c->desc, sizeof c->desc, "cut at %zu and %zu", a, b);
  else
    snprintf(c->desc, sizeof c->desc, "cut at %zu", a);
}

/* Chunks of 1..maxc bytes drawn from rng_below. */
TEST_MAYBE_UNUSED static void tc_random(test_chunking *c, size_t len, size_t maxc) {
  size_t pos = 0;
  uint64_t seed = rng_state;
  c->n = 0;
  while (pos < len) {
    size_t m = 1 + rng_below(maxc);
    if (m > len - pos) m = len - pos;
    c->sizes[c->n++] = m;
    pos += m;
  }
  if (c->n == 0) c->sizes[c->n++] = 0;
  snprintf(c->desc, sizeof c->desc,
           "random chunks of 1..%zu (rng state %" PRIu64 ")", maxc, seed);
}

/* Which chunkings test_every_chunking runs, in this order. */
enum {
  TC_WHOLE = 1,        /* the input in one feed call */
  TC_BYTES = 2,        /* one byte at a time */
  TC_BYTES_PAUSED = 4, /* one byte at a time, pausing (always paused) */
  TC_BYTES_EMPTY = 8,  /* bytes with an empty feed before and after each */
  TC_CUTS = 16,        /* one cut at every cut_stride-th point */
  TC_CUT_PAIRS = 32    /* every two cuts, when len <= pairs_upto */
};

/* pause for the random chunkings: TC_PAUSE_ALTERNATE pauses every other one
 * (the 2nd, 4th, ... of the whole plan). */
#define TC_PAUSE_ALTERNATE 2

typedef struct test_chunk_plan {
  unsigned ways;     /* TC_* */
  int pause;         /* passed to check for every chunking but the random ones */
  size_t cut_stride; /* TC_CUTS: 0 or 1 = every point */
  size_t pairs_upto; /* TC_CUT_PAIRS */
  struct {
    size_t count; /* random chunkings in this group */
    size_t max;   /* largest chunk; 0: 1 + len / 3 */
    int pause;    /* 0, 1 or TC_PAUSE_ALTERNATE */
  } random[2];
} test_chunk_plan;

/* Run one way of feeding and compare it with what is expected; 1 when it
 * agreed (a failure is reported and counted by the callback). */
typedef int (*test_chunk_check)(void *ctx, const test_chunking *ch, int pause);

/*
 * Feed an input of len bytes every way `plan` lists, through `check`, in
 * the order of the TC_* flags and then the random groups; stops at the first
 * way that disagrees. Returns 1 when every way agreed.
 */
TEST_MAYBE_UNUSED static int test_every_chunking(size_t len, const test_chunk_plan *plan,
                                                 test_chunk_check check, void *ctx) {
  test_chunking ch;
  size_t a, b, g, i, k = 0, stride = plan->cut_stride ? plan->cut_stride : 1;
  int ok = 1;
  tc_init(&ch, len);
  if (ok && (plan->ways & TC_WHOLE)) {
    tc_whole(&ch, len);
    ok = check(ctx, &ch, plan->pause);
  }
  if (ok && (plan->ways & TC_BYTES)) {
    tc_fixed(&ch, len, 1);
    ok = check(ctx, &ch, plan->pause);
  }
  if (ok && (plan->ways & TC_BYTES_PAUSED)) {
    tc_fixed(&ch, len, 1);
    ok = check(ctx, &ch, 1);
  }
  if (ok && (plan->ways & TC_BYTES_EMPTY)) {
    tc_bytes_and_empty(&ch, len);
    ok = check(ctx, &ch, plan->pause);
  }
  if (plan->ways & TC_CUTS)
    for (a = 1; a < len && ok; a += stride) {
      tc_cuts(&ch, len, a, a);
      ok = check(ctx, &ch, plan->pause);
    }
  if ((plan->ways & TC_CUT_PAIRS) && len <= plan->pairs_upto)
    for (a = 1; a < len && ok; a++)
      for (b = a + 1; b < len && ok; b++) {
        tc_cuts(&ch, len, a, b);
        ok = check(ctx, &ch, plan->pause);
      }
  for (g = 0; g < 2; g++)
    for (i = 0; i < plan->random[g].count && ok; i++, k++) {
      int p = plan->random[g].pause;
      tc_random(&ch, len, plan->random[g].max ? plan->random[g].max : 1 + len / 3);
      ok = check(ctx, &ch, p == TC_PAUSE_ALTERNATE ? (int)(k & 1) : p);
    }
  tc_free(&ch);
  return ok;
}

static int test_summary(void) {
  printf("%d passed, %d failed\n", test_cases_passed_, test_cases_failed_);
  return test_cases_failed_ ? 1 : 0;
}

#endif
