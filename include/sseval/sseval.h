/* SPDX-License-Identifier: MIT */
/*
 * sseval/sseval.h - the umbrella header: include this one.
 *
 *   common.h  spans, status codes, allocator hooks, version
 *   sse.h     layer 1: the zero-copy event-stream tokenizer
 *   claude.h  layer 2: the Claude Messages stream state machine
 *   retry.h   transport-independent retry policy and circuit breaker
 *   gen.h     deterministic generator of valid and broken Claude streams
 *   fuzzkit.h an oracle and a libFuzzer mutator to fuzz your own handler
 */
#ifndef SSEVAL_SSEVAL_H
#define SSEVAL_SSEVAL_H

#include "common.h"
#include "sse.h"
#include "claude.h"
#include "retry.h"
#include "gen.h"
#include "fuzzkit.h"

#endif /* SSEVAL_SSEVAL_H */
