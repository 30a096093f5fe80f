/* SPDX-License-Identifier: MIT */
/*
 * sseval/sseval.h - the umbrella header: include this one.
 *
 *   common.h  spans, status codes, allocator hooks, version
 *   sse.h     layer 1: the zero-copy event-stream tokenizer
 *   claude.h  layer 2: the Claude Messages stream state machine
 *   retry.h   transport-independent retry policy and circuit breaker
 */
#ifndef SSEVAL_SSEVAL_H
#define SSEVAL_SSEVAL_H

#include "common.h"
#include "sse.h"
#include "claude.h"
#include "retry.h"

#endif /* SSEVAL_SSEVAL_H */
