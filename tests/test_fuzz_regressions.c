/* SPDX-License-Identifier: MIT */
/*
 * tests/test_fuzz_regressions.c - replay the fuzzers' findings and corpora
 * through the same oracles, without libFuzzer, in the normal ASan+UBSan test
 * build: every file of tests/fuzz_regressions/TARGET/ (each a past finding)
 * and of fuzz/corpus/TARGET/, for fuzz_sse, fuzz_sse_reference, fuzz_claude and
 * the C half of fuzz_json (tests/test_fuzz_regressions_json.cc adds
 * simdjson). See fuzz/replay.h for KNOWN_OPEN, docs/FUZZING.md for the
 * oracles.
 */
#define _POSIX_C_SOURCE 200809L

#include "../fuzz/claude_oracle.h"
#include "../fuzz/json_oracle.h"
#include "../fuzz/replay.h"
#include "../fuzz/sse_ref_oracle.h"

#ifndef SSEVAL_SOURCE_DIR
#define SSEVAL_SOURCE_DIR "."
#endif

static void json_c_only(const uint8_t *data, size_t size) {
  jo_result r;
  json_check_c(data, size, &r);
  fz_buf_free(&r.tokens);
}

int main(void) {
  const char *src = fr_source_dir(SSEVAL_SOURCE_DIR);
  fr_stats total;
  memset(&total, 0, sizeof total);
  fr_load_known(src);
  fr_target(src, "fuzz_sse", sse_check, &total);
  fr_target(src, "fuzz_sse_reference", sse_ref_check, &total);
  fr_target(src, "fuzz_claude", claude_check, &total);
  fr_target(src, "fuzz_json", json_c_only, &total);
  printf("%d passed, %d failed (%d known open, %d of them passing now)\n",
         total.passed, total.failed, total.xfailed + total.xpassed,
         total.xpassed);
  return total.failed ? 1 : 0;
}
