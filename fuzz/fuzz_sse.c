/* SPDX-License-Identifier: MIT */
/*
 * fuzz/fuzz_sse.c - libFuzzer target: the tokenizer, whole feed vs a
 * fuzzer-chosen chunking with pauses, resets and aborts at fuzzer-chosen
 * callbacks (oracles: fuzz/sse_oracle.h; input layout: fuzz/fuzz_common.h).
 */
#include "sse_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_context_name = "fuzz_sse";
  sse_check(data, size);
  return 0;
}
