/* SPDX-License-Identifier: MIT */
/*
 * src/accum.h - internal: the optional accumulator that rebuilds the final
 * message from what the state machine (claude.c) has validated. It only
 * receives data that passed validation, in stream order, and never reads the
 * stream itself.
 */
#ifndef SSEVAL_SRC_ACCUM_H
#define SSEVAL_SRC_ACCUM_H

#include "internal.h"
#include "json.h"
#include "sseval/claude.h"

typedef struct sseval__acc sseval__acc;

/* max_keys caps the distinct keys of each merged map (usage, a block's
 * delta fields): merges return -1 past it. summary: SSEVAL_CLAUDE_SUMMARY
 * (text and thinking kept as a preview and a length, see accum.c). */
sseval__acc *sseval__acc_new(sseval__mem *m, size_t max_keys, int summary);
void sseval__acc_free(sseval__acc *a);
void sseval__acc_reset(sseval__acc *a);

/* Each returns 1, or 0 on allocation failure (what was kept stays valid);
 * the merging ones (message_start, merge_fields, message_delta) also -1
 * when a map would exceed max_keys.
 * Strings given as sseval__jstr are still JSON-escaped (raw from the event);
 * raw JSON values are copied as they are. */
/* message_raw: the whole `message` object, kept for the message-level
 * members the writer does not rebuild (and their order). */
int sseval__acc_message_start(sseval__acc *a, const sseval__jstr *id,
                              const sseval__jstr *model,
                              const sseval__jstr *usage_raw,
                              const sseval__jstr *message_raw);
int sseval__acc_block_start(sseval__acc *a, sseval_block_type type,
                            const sseval__jstr *type_name,
                            const sseval__jstr *tool_id,
                            const sseval__jstr *tool_name,
                            const sseval__jstr *start_raw);
/* Decoded content pieces (text, thinking, tool input). */
int sseval__acc_append(sseval__acc *a, uint32_t index, const char *p, size_t n);
/* The same for a whole escaped string, decoded straight into the block in
 * one pass (one reservation, no pieces); *from_escapes gets the bytes the
 * escapes produced. */
int sseval__acc_append_decoded(sseval__acc *a, uint32_t index,
                               const sseval__jstr *s, size_t *from_escapes);
/* signature_delta: the last one wins. _begin empties the block's signature
 * (a new delta replaces it), _append adds one decoded piece: stored piece by
 * piece, as text is, so that after an abort the block holds exactly the
 * pieces the callbacks were given. */
int sseval__acc_signature_begin(sseval__acc *a, uint32_t index);
int sseval__acc_signature_append(sseval__acc *a, uint32_t index, const char *p,
                                 size_t n);
int sseval__acc_citation(sseval__acc *a, uint32_t index,
                         const sseval__jstr *raw);
/* Merge the members of a raw delta object (except "type") over the block. */
int sseval__acc_merge_fields(sseval__acc *a, uint32_t index,
                             const sseval__jstr *delta_raw);
void sseval__acc_block_stop(sseval__acc *a, uint32_t index, int input_complete);
/* delta_raw: the delta object (its members other than stop_reason and
 * stop_sequence become message fields); event_raw: the whole payload (its
 * members other than type, delta and usage become message fields). */
int sseval__acc_message_delta(sseval__acc *a, const sseval__jstr *stop_reason,
                              int stop_reason_null,
                              const sseval__jstr *stop_sequence,
                              int stop_sequence_null,
                              const sseval__jstr *delta_raw,
                              const sseval__jstr *event_raw,
                              const sseval__jstr *usage_raw);

uint32_t sseval__acc_count(const sseval__acc *a);
int sseval__acc_block(const sseval__acc *a, uint32_t i, sseval_block_view *out);
/* Block i's text (text, thinking) in bytes and characters, 0 and 0 for
 * other blocks; returns 0 when i is out of range. */
int sseval__acc_text_length(const sseval__acc *a, uint32_t i, size_t *bytes,
                            size_t *chars);
void sseval__acc_message(const sseval__acc *a, sseval_message_view *out);
sseval_status sseval__acc_write_usage(const sseval__acc *a,
                                      sseval_write_fn write, void *ctx);
sseval_status sseval__acc_write(const sseval__acc *a, sseval_write_fn write,
                                void *ctx);

/* Write s as a JSON string (quotes included); s must be valid UTF-8. */
int sseval__json_write_string(sseval_write_fn write, void *ctx, const char *s,
                              size_t n);

#endif
