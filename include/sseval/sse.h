/* SPDX-License-Identifier: MIT */
/*
 * sseval/sse.h - layer 1: the incremental, zero-copy event-stream tokenizer.
 *
 * Implements the WHATWG HTML "parse an event stream" / "interpret an event
 * stream" algorithm (docs/PROTOCOL.md, layer 1; rule numbers R1..R15
 * below refer to it). Feed it bytes in any chunking; it calls back once per
 * dispatched event with the event's type, data and last event ID as spans.
 *
 * Zero copy. When an event lies wholly inside the chunk passed to one
 * sseval_sse_feed call and its data is a single `data:` line (the shape of
 * every Claude event), every span in the event points into the caller's
 * buffer and nothing is copied. Otherwise the tokenizer copies only what it
 * must (the part of a line or event that straddles a chunk boundary, or the
 * joined text of a multi-line data field) into buffers it owns. Those buffers
 * grow to the largest line / event seen and are then reused: there is no
 * allocation in the steady state.
 *
 * Raw bytes (R1). Spans carry the stream's bytes as they are: the tokenizer
 * does not replace invalid UTF-8 with U+FFFD, because every consumer that
 * cares (the Claude layer's strict JSON scanner, the CLI) checks or decodes
 * anyway, and a second pass here would cost a scan of every byte. Field names
 * and the `retry` value are compared byte for byte, which gives exactly the
 * spec's result (an invalid byte can never make a name equal `data`). Use
 * sseval_utf8_next_invalid() to apply R1 where text is shown to a person; the
 * CLI does, so `sseval events` output is spec-exact.
 *
 * Memory is bounded: a line longer than max_line_bytes, or an event whose
 * data exceeds max_event_bytes, stops the parser with SSEVAL_E_LIMIT and the
 * byte offset, whatever the chunking (the check is on logical sizes, so the
 * result never depends on how the input was split).
 *
 * Thread safety: one instance per thread at a time; instances share nothing.
 */
#ifndef SSEVAL_SSE_H
#define SSEVAL_SSE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque tokenizer instance. */
typedef struct sseval_sse sseval_sse;

/** sseval_sse_event.flags bits. */
enum {
  /** An `event:` field with a non-empty value set the type (R10). Without
   *  it, `type` is "message" (R14d). */
  SSEVAL_SSE_TYPE_SET = 1u << 0,
  /** `data` points into the buffer passed to the current feed call (no copy
   *  was made). Informational only: the lifetime rule is the same. */
  SSEVAL_SSE_DATA_ZERO_COPY = 1u << 1
};

/**
 * One dispatched event (R14). Every span is valid only until the on_event
 * callback returns.
 */
typedef struct sseval_sse_event {
  sseval_span type;    /**< event type; "message" when none was set */
  sseval_span data;    /**< data lines joined with LF, last LF removed */
  sseval_span id;      /**< last event ID in force (R14a); may be empty */
  uint64_t offset;     /**< absolute offset of the event's first field line */
  uint64_t line;       /**< 1-based line number of that line */
  uint64_t end_offset; /**< absolute offset just past the dispatching blank
                            line's first line-end byte (for a CRLF, past the
                            CR: the same whatever the chunking) */
  uint32_t data_lines; /**< number of `data` fields joined */
  unsigned flags;      /**< SSEVAL_SSE_* bits */
} sseval_sse_event;

/**
 * Callbacks; every entry is optional (NULL is skipped). Initialise with
 * sseval_sse_callbacks_init() and set what you need, so that fields added in
 * later versions are zero. The table is copied by sseval_sse_new. Each
 * callback returns SSEVAL_CB_OK, SSEVAL_CB_PAUSE or SSEVAL_CB_ABORT (see
 * common.h); `user` is the pointer given to sseval_sse_new.
 */
typedef struct sseval_sse_callbacks {
  size_t struct_size; /**< set by sseval_sse_callbacks_init */
  /** A blank line dispatched an event with a non-empty data buffer. */
  int (*on_event)(void *user, const sseval_sse_event *ev);
  /** A valid `retry` field set the reconnection time, in ms (R13). Called
   *  when the line is processed, not at dispatch. */
  int (*on_retry)(void *user, uint64_t ms, uint64_t offset);
  /** A comment line (R6); `text` is everything after the ':'. Comments never
   *  affect events. */
  int (*on_comment)(void *user, sseval_span text, uint64_t offset);
  /** A field with an unknown name (R9), which the spec ignores: surfaced here
   *  for diagnostics only. */
  int (*on_unknown_field)(void *user, sseval_span name, sseval_span value,
                          uint64_t offset);
} sseval_sse_callbacks;

/** Zero every callback and set struct_size. */
SSEVAL_API void sseval_sse_callbacks_init(sseval_sse_callbacks *cbs);

/** Default limits (bytes). Documented, and settable per instance. */
#define SSEVAL_SSE_DEFAULT_MAX_LINE ((size_t)1 << 20)  /* 1 MiB */
#define SSEVAL_SSE_DEFAULT_MAX_EVENT ((size_t)1 << 20) /* 1 MiB */

/** Creation options. Initialise with sseval_sse_options_init. */
typedef struct sseval_sse_options {
  size_t struct_size;     /**< set by sseval_sse_options_init */
  size_t max_line_bytes;  /**< longest line, terminator excluded; 0 = default;
                               values above 4 GiB - 1 act as 4 GiB - 1 (the
                               instance's buffers have 32-bit sizes) */
  size_t max_event_bytes; /**< most data bytes in one event (joined, LFs
                               included); 0 = default; capped like
                               max_line_bytes */
  const sseval_allocator *allocator; /**< copied; NULL = malloc/realloc/free */
} sseval_sse_options;

/** Fill `opts` with the defaults (1 MiB line, 1 MiB event, libc allocator). */
SSEVAL_API void sseval_sse_options_init(sseval_sse_options *opts);

/**
 * Create a tokenizer. `cbs` (copied; NULL = no callbacks) and `user` are
 * fixed for the instance's life; `opts` NULL means defaults.
 * Returns SSEVAL_OK and sets *out, SSEVAL_E_NOMEM, SSEVAL_E_STRUCT_SIZE (a
 * struct_size unset or smaller than the 0.1.0 layout: the struct was not set
 * up by its _init function) or SSEVAL_E_MISUSE (NULL out, or an allocator
 * with a NULL hook).
 */
SSEVAL_API sseval_status sseval_sse_new(sseval_sse **out,
                                        const sseval_sse_callbacks *cbs,
                                        void *user,
                                        const sseval_sse_options *opts);

/** Free the instance and every buffer it owns. NULL is a no-op. */
SSEVAL_API void sseval_sse_free(sseval_sse *p);

/**
 * Forget the stream (for reuse on a new connection): clears the state, the
 * last event ID, the error, the stats and the offsets. Keeps callbacks, user
 * pointer, options and the capacity of owned buffers (so a reused instance
 * does not allocate again).
 */
SSEVAL_API void sseval_sse_reset(sseval_sse *p);

/**
 * Feed the next `len` bytes of the stream (any chunking; len may be 0).
 * Sets *consumed (if not NULL) to the bytes processed. Returns:
 *  - SSEVAL_OK: all bytes consumed;
 *  - SSEVAL_PAUSED: a callback returned SSEVAL_CB_PAUSE; bytes up to and
 *    including the line that triggered it were consumed. Resume by calling
 *    feed with buf + *consumed (the tail may be moved or copied first);
 *  - an error (E_LIMIT, E_NOMEM, E_CALLBACK, E_MISUSE after finish): sticky,
 *    every later call returns it until reset; see sseval_sse_error().
 *    *consumed and sseval_sse_offset() then stop at the start of the line
 *    that failed, or at buf when that line began in an earlier feed, for
 *    any chunking.
 * Not re-entrant: feed, finish or reset called from inside one of this
 * instance's callbacks does nothing and returns SSEVAL_E_MISUSE (reset
 * returns nothing), and the feed that ran the callback then stops with the
 * sticky SSEVAL_E_MISUSE (kind SSEVAL_SSE_ERR_REENTERED): the event being
 * built is never corrupted.
 */
SSEVAL_API sseval_status sseval_sse_feed(sseval_sse *p, const void *buf,
                                         size_t len, size_t *consumed);

/** What end of input discarded (R4, R15). */
typedef struct sseval_sse_tail {
  int discarded;            /**< 1 when an unfinished event or line was dropped */
  uint64_t pending_fields;  /**< complete field lines (not comments) of the
                                 undispatched event */
  uint64_t partial_line_bytes; /**< bytes of the unterminated last line */
  uint64_t offset;          /**< where the dropped part starts (its first
                                 field line, or the partial line) */
  uint64_t line;            /**< 1-based line number of that offset */
  uint64_t end_offset;      /**< bytes consumed: the end of input */
  uint64_t end_line;        /**< 1-based line number at the end of input */
} sseval_sse_tail;

/**
 * Mark the end of input. Whatever is pending is discarded, never dispatched
 * (R15). Fills *tail (if not NULL) with what was dropped. Returns SSEVAL_OK,
 * or the sticky error if one happened earlier. After finish, feed returns
 * SSEVAL_E_MISUSE until reset.
 */
SSEVAL_API sseval_status sseval_sse_finish(sseval_sse *p, sseval_sse_tail *tail);

/** The tokenizer's error kinds (sseval_error.kind), so that a consumer can
 *  tell its errors apart without reading the message. */
typedef enum sseval_sse_error_kind {
  SSEVAL_SSE_ERR_NONE = 0,        /**< no error, or one its status names */
  SSEVAL_SSE_ERR_LINE_TOO_LONG,   /**< E_LIMIT: a line passed max_line_bytes */
  SSEVAL_SSE_ERR_EVENT_TOO_LARGE, /**< E_LIMIT: an event's data passed
                                       max_event_bytes */
  SSEVAL_SSE_ERR_REENTERED        /**< E_MISUSE: feed, finish or reset was
                                       called from inside a callback */
} sseval_sse_error_kind;

/** The sticky error (status SSEVAL_OK when none). Never NULL for a valid p. */
SSEVAL_API const sseval_error *sseval_sse_error(const sseval_sse *p);

/** Bytes consumed since creation or reset (the absolute offset of the next byte). */
SSEVAL_API uint64_t sseval_sse_offset(const sseval_sse *p);

/** The last-event-ID buffer (R12); valid until the next feed, reset or free. */
SSEVAL_API sseval_span sseval_sse_last_event_id(const sseval_sse *p);

/** The reconnection time set by `retry` (R13); returns 0 and leaves *ms
 *  alone when no valid retry field was seen. */
SSEVAL_API int sseval_sse_retry(const sseval_sse *p, uint64_t *ms);

/** Counters since creation or reset. */
typedef struct sseval_sse_stats {
  uint64_t bytes;           /**< bytes consumed */
  uint64_t lines;           /**< complete lines processed (blank ones included) */
  uint64_t events;          /**< events dispatched */
  uint64_t comments;        /**< comment lines */
  uint64_t bytes_copied;    /**< bytes copied into owned buffers */
  uint64_t bytes_zero_copy; /**< data bytes handed out as spans into the
                                 caller's buffers */
  uint64_t allocations;     /**< calls to the allocator (malloc + realloc) */
} sseval_sse_stats;

/** Copy the counters into *out. */
SSEVAL_API void sseval_sse_get_stats(const sseval_sse *p, sseval_sse_stats *out);

/** Bytes the instance holds now: its own struct plus owned buffers. */
SSEVAL_API size_t sseval_sse_memory(const sseval_sse *p);

/* ---- text decoding (R1) -------------------------------------------------- */

/**
 * Find the first maximal invalid UTF-8 subsequence in s[0..len) as the WHATWG
 * Encoding Standard's decoder defines it. Returns its index (len when the
 * whole input is valid) and sets *invalid_len to its length (1..3 bytes; 0
 * when none). Replacing each such subsequence with U+FFFD (EF BF BD) gives
 * the spec's decoding; note that a sequence cut by the end of s counts as
 * invalid, so decode whole values, not arbitrary pieces.
 */
SSEVAL_API size_t sseval_utf8_next_invalid(const void *s, size_t len,
                                           size_t *invalid_len);

#ifdef __cplusplus
}
#endif
#endif /* SSEVAL_SSE_H */
