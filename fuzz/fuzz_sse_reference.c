/* SPDX-License-Identifier: MIT */
/*
 * fuzz/fuzz_sse_reference.c - libFuzzer target: the tokenizer against the
 * spec-literal reference tokenizer of the tests (oracle:
 * fuzz/sse_ref_oracle.h). The reference is compiled in here, since fuzz
 * targets link only the library.
 */
#include "../tests/sse_ref.c"
#include "sse_ref_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_context_name = "fuzz_sse_reference";
  sse_ref_check(data, size);
  return 0;
}
