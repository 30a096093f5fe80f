/* SPDX-License-Identifier: MIT */
/*
 * sseval/fuzzkit.h - fuzz YOUR stream handling with sseval as the oracle.
 *
 * Two pieces, usable with any fuzzer and ready-made for libFuzzer:
 *
 *  - An oracle: sseval_oracle_run gives, for any bytes, sseval's verdict,
 *    rule, byte offset and rebuilt message (compact JSON, the shape of a
 *    non-streaming Messages response), so a harness can assert that the
 *    handler under test agrees: e.g. "my handler said the answer was
 *    complete, so sseval must say complete, and the texts must match".
 *
 *  - A structure-aware mutator built on the generator (sseval/gen.h):
 *    sseval_fuzz_mutate replaces the input with a generated stream (valid or
 *    broken), mutates it at the level of events (drop, duplicate, swap,
 *    insert an event of another stream, cut at an event boundary or inside
 *    one) or hands it to the fuzzer's own byte mutator;
 *    sseval_fuzz_crossover splices two streams at event boundaries. Inputs
 *    stay close to real streams, so a fuzzer reaches the interesting states
 *    (a message without message_stop, an error event after content, a tool
 *    input cut short) in seconds instead of having to invent the protocol.
 *
 * With libFuzzer, put SSEVAL_FUZZKIT_LIBFUZZER_MUTATORS() once in the fuzz
 * target's file: it defines LLVMFuzzerCustomMutator and
 * LLVMFuzzerCustomCrossOver on top of these. examples/fuzz_your_handler.c
 * is a complete harness.
 *
 * Thread safety: no shared state; everything works on its arguments.
 */
#ifndef SSEVAL_FUZZKIT_H
#define SSEVAL_FUZZKIT_H

#include "claude.h"
#include "common.h"
#include "gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What sseval says about a stream. */
typedef struct sseval_oracle {
  sseval_claude_result result; /**< verdict, rule, offset, ...; its strings
                                    are copies owned by this struct */
  char *message_json; /**< the rebuilt message, compact JSON (owned) */
  size_t message_len;
  char *text;      /**< the concatenated text of every text block (owned) */
  size_t text_len;
  char *detail_; /**< internal: owns result.detail */
  char *error_;  /**< internal: owns result.error's spans */
} sseval_oracle;

/**
 * Run sseval over bytes[0..len) (whole, then finish) with `opts` (NULL =
 * defaults; ACCUMULATE is added) and fill *out. Call sseval_oracle_free
 * afterwards, also on failure. Returns SSEVAL_OK, SSEVAL_E_NOMEM or
 * SSEVAL_E_MISUSE.
 */
SSEVAL_API sseval_status sseval_oracle_run(const void *bytes, size_t len,
                                           const sseval_claude_options *opts,
                                           sseval_oracle *out);
/** Free what sseval_oracle_run allocated; the struct is zeroed. */
SSEVAL_API void sseval_oracle_free(sseval_oracle *o);

/** The fuzzer's own byte-level mutator (libFuzzer: LLVMFuzzerMutate);
 *  NULL: sseval_fuzz_mutate uses only its own mutations. */
typedef size_t (*sseval_byte_mutator)(uint8_t *data, size_t size, size_t max_size);

/**
 * Mutate data[0..size) in place (capacity max_size) and return the new
 * size (<= max_size). Deterministic in (data, size, max_size, seed). About a
 * quarter of the calls replace the input with a generated stream, half
 * mutate it event by event, the rest go to `bytes` when given.
 */
SSEVAL_API size_t sseval_fuzz_mutate(uint8_t *data, size_t size, size_t max_size,
                                     unsigned int seed, sseval_byte_mutator bytes);

/**
 * Write into out (capacity max_out) the events of a[0..a_len) up to an event
 * boundary followed by the events of b[0..b_len) from one; returns the
 * length written. Deterministic in its arguments.
 */
SSEVAL_API size_t sseval_fuzz_crossover(const uint8_t *a, size_t a_len,
                                        const uint8_t *b, size_t b_len,
                                        uint8_t *out, size_t max_out,
                                        unsigned int seed);

/**
 * libFuzzer glue: expands to definitions of LLVMFuzzerCustomMutator and
 * LLVMFuzzerCustomCrossOver that call sseval_fuzz_mutate (with
 * LLVMFuzzerMutate as the byte mutator) and sseval_fuzz_crossover. Use it
 * once, at file scope, in a target built with -fsanitize=fuzzer.
 */
#define SSEVAL_FUZZKIT_LIBFUZZER_MUTATORS()                                    \
  size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);        \
  size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,  \
                                 unsigned int seed);                           \
  size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,  \
                                 unsigned int seed) {                          \
    return sseval_fuzz_mutate(data, size, max_size, seed, LLVMFuzzerMutate);   \
  }                                                                            \
  size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t a_len,             \
                                   const uint8_t *b, size_t b_len,             \
                                   uint8_t *out, size_t max_out,               \
                                   unsigned int seed);                         \
  size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t a_len,             \
                                   const uint8_t *b, size_t b_len,             \
                                   uint8_t *out, size_t max_out,               \
                                   unsigned int seed) {                        \
    return sseval_fuzz_crossover(a, a_len, b, b_len, out, max_out, seed);      \
  }

#ifdef __cplusplus
}
#endif
#endif /* SSEVAL_FUZZKIT_H */
