/* SPDX-License-Identifier: MIT */
/*
 * tests/sse_ref.h - a deliberately simple, spec-literal reference tokenizer.
 *
 * Written straight from the WHATWG "parse an event stream" / "interpret an
 * event stream" algorithm (docs/PROTOCOL.md R1..R15), sharing no code with
 * src/: it takes the whole input at once, decodes it as UTF-8 FIRST (each
 * maximal invalid subpart becomes U+FFFD, R1; one leading U+FEFF dropped,
 * R2), then splits the code points into lines and interprets each line
 * literally with a data buffer (values plus LF), an event type buffer, a
 * last-event-ID buffer and a retry value. Slow and obvious on purpose.
 *
 * Its result is a "trace": one text line per observable thing, in order, in
 * the canonical format the tests compare byte for byte:
 *
 *   event type="..." data="..." id="..." offset=N line=N end=N
 *   retry ms=N offset=N
 *   comment text="..." offset=N
 *   unknown name="..." value="..." offset=N
 *   error E_LIMIT offset=N line=N          (parsing stops there)
 *   tail discarded=0                        (nothing was pending at the end)
 *   tail discarded=1 fields=N partial=N offset=N line=N
 *
 * Strings are the UTF-8 text after R1 decoding, quoted canonically: bytes
 * 0x20..0x7E other than '"' and '\' as themselves, '"' and '\' backslashed,
 * every other byte as \xhh (so U+FFFD shows as \xef\xbf\xbd).
 *
 * Positions (the library's conventions, sse.h / common.h): offsets are
 * absolute byte offsets in the raw input, line numbers are 1-based and count
 * line terminators (CRLF is one). A line starts at its first byte; the first
 * line starts after a dropped BOM. `end` is just past the dispatching blank
 * line's terminator; for CRLF that is just past the CR, because a CR ends its
 * line at once (R3) and the LF may not have arrived yet. An event's offset is
 * its block's first field line (comments are not field lines).
 *
 * Limits: a line longer than max_line bytes (terminator excluded) fails at the
 * offset of its first byte beyond the limit; a data field that makes the
 * event's data (as dispatched: joined with LF, last LF removed) longer than
 * max_event fails at the offset of that data line.
 */
#ifndef SSEVAL_TESTS_SSE_REF_H
#define SSEVAL_TESTS_SSE_REF_H

#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"

/* A growable NUL-terminated text buffer (tests/bytebuf.h, shared with the
 * fuzz oracles; aborts on out of memory). */
typedef bytebuf sseref_buf;
#define sseref_buf_init bytebuf_init
#define sseref_buf_free bytebuf_free
#define sseref_buf_clear bytebuf_clear
#define sseref_buf_add bytebuf_add
#define sseref_buf_str bytebuf_str
#define sseref_buf_u64 bytebuf_u64
/* Append `s` quoted canonically (bytes as given, no decoding). */
#define sseref_buf_quote bytebuf_quote
/* Append `s` decoded per R1 (U+FFFD for each maximal invalid subpart), then
 * quoted canonically. */
void sseref_buf_quote_text(sseref_buf *b, const void *s, size_t n);

/* R1 on raw bytes: write the UTF-8 text with U+FFFD replacements into `out`
 * (which must hold 3 * n bytes); returns its length. */
size_t sseref_fffd(const void *s, size_t n, unsigned char *out);

/* The reference's answer to sseval_utf8_next_invalid: the index of the first
 * decoder error in s[0..n) (n when none) and its length in *invalid_len. */
size_t sseref_first_invalid(const void *s, size_t n, size_t *invalid_len);

/* Trace line writers, shared by the reference and by the harness that
 * traces the real tokenizer, so both print the same format. Raw bytes in,
 * R1-decoded in the output. */
void sseref_trace_event(sseref_buf *t, const void *type, size_t type_len,
                        const void *data, size_t data_len, const void *id,
                        size_t id_len, uint64_t offset, uint64_t line,
                        uint64_t end);
void sseref_trace_retry(sseref_buf *t, uint64_t ms, uint64_t offset);
void sseref_trace_comment(sseref_buf *t, const void *s, size_t n,
                          uint64_t offset);
void sseref_trace_unknown(sseref_buf *t, const void *name, size_t name_len,
                          const void *value, size_t value_len,
                          uint64_t offset);
void sseref_trace_error(sseref_buf *t, const char *status, uint64_t offset,
                        uint64_t line);
void sseref_trace_tail(sseref_buf *t, int discarded, uint64_t fields,
                       uint64_t partial, uint64_t offset, uint64_t line);

/* Limits as in sseval_sse_options; 0 means the 1 MiB default. */
typedef struct sseref_opts {
  size_t max_line;
  size_t max_event;
} sseref_opts;

/* Counters as sseval_sse_stats defines them, for a run without an error. */
typedef struct sseref_counts {
  uint64_t lines;    /* complete lines processed, blank ones included */
  uint64_t comments; /* comment lines */
  uint64_t events;   /* events dispatched */
  uint64_t end_line; /* 1-based line number at the end of input */
} sseref_counts;

/* Run the reference on the whole input and append its trace to *out; fill
 * *counts when not NULL. */
void sseref_run(const void *input, size_t len, const sseref_opts *opts,
                sseref_buf *out);
void sseref_run_counts(const void *input, size_t len, const sseref_opts *opts,
                       sseref_buf *out, sseref_counts *counts);

#endif
