/* SPDX-License-Identifier: MIT */
/*
 * fuzz/fuzz_claude.c - libFuzzer target: the Claude Messages stream state
 * machine, raw streams or streams generated from a grammar (oracles:
 * fuzz/claude_oracle.h; generator: sseval_gen_program of sseval/gen.h).
 */
#include "claude_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_context_name = "fuzz_claude";
  claude_check(data, size);
  return 0;
}
