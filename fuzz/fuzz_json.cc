/* SPDX-License-Identifier: MIT */
/*
 * fuzz/fuzz_json.cc - libFuzzer target: the strict JSON layer (src/json.h)
 * and sseval_partial_json_preview, differential against simdjson (a second,
 * independent strict parser) and an independent checker (oracles:
 * fuzz/json_oracle.h, fuzz/json_simdjson.h).
 */
#include "json_simdjson.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_context_name = "fuzz_json";
  json_check(data, size);
  return 0;
}
