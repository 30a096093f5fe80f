/* SPDX-License-Identifier: MIT */
/*
 * tests/test_fuzz_regressions_json.cc - replay fuzz_json's findings and
 * corpus through its whole oracle (the C half and the simdjson differential,
 * fuzz/json_simdjson.h) without libFuzzer; built when simdjson is found.
 */
#include "../fuzz/json_simdjson.h"

extern "C" {
#include "../fuzz/replay.h"
}

#ifndef SSEVAL_SOURCE_DIR
#define SSEVAL_SOURCE_DIR "."
#endif

int main() {
  const char *src = fr_source_dir(SSEVAL_SOURCE_DIR);
  fr_stats total;
  memset(&total, 0, sizeof total);
  fr_load_known(src);
  fr_target(src, "fuzz_json", json_check, &total);
  return total.failed ? 1 : 0;
}
