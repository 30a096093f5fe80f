/* SPDX-License-Identifier: MIT */
/*
 * tests/test.h - the tiny test harness shared by every suite.
 *
 * Each suite is one executable (one ctest test). TEST(name) defines a case;
 * RUN(name) in main runs it and records failures without stopping the suite;
 * CHECK* report file:line and the values; test_summary() prints
 * "N passed, N failed" and returns the exit code. Shared helpers below:
 * rng_next/rng_below (deterministic random numbers) and xmalloc.
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

static int test_summary(void) {
  printf("%d passed, %d failed\n", test_cases_passed_, test_cases_failed_);
  return test_cases_failed_ ? 1 : 0;
}

#endif
