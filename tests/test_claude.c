/* SPDX-License-Identifier: MIT */
/*
 * tests/test_claude.c - the Claude stream state machine (layer 2) suite.
 *
 *  1. Hand-written cases: every tests/claude_cases/NAME.txt file (format
 *     below), written from the protocol (docs/PROTOCOL.md, the rule table
 *     in include/sseval/claude.h). Each case is run whole, byte by byte (also
 *     with every callback pausing), at every 2-way split, in seeded random
 *     chunks, through sseval_claude_on_sse_event from a separate tokenizer,
 *     and without SSEVAL_CLAUDE_ACCUMULATE: verdict, rule, offset, line,
 *     error, the callback trace and the written message JSON must be the same
 *     every time, and must equal the case's hand-written expectations.
 *  2. Every cut point of valid streams (LF, CRLF, CR): truncated with
 *     eof_before_message_stop at an event boundary, eof_inside_event inside
 *     an event, offset = end of input.
 *  3. API tests: callback values (unescaping, zero copy), pause, abort,
 *     reset, misuse, allocation (steady state, failing allocator), the
 *     partial-JSON preview, error bodies and classification, the message
 *     writer, limits, a 64 KiB text delta.
 *
 * Expected offsets are never copied from the program: a case marks the byte
 * where the offending event starts (`mark`), and the harness derives the line
 * by counting CR, LF and CRLF terminators before it; a few cases give the
 * numbers explicitly, counted by hand from the literal.
 *
 * Every chunk is handed to the library in its own malloc'd block of exactly
 * its size, freed as soon as the feed call returns, so ASan catches a read
 * past the chunk and any span kept into a chunk after its feed call.
 *
 * Case files: `test_claude [CASE_DIR]`; default $SSEVAL_SRC/tests/claude_cases,
 * else the claude_cases directory next to this source file.
 *
 *   # comment                      (also: blank lines)
 *   === case name
 *   opts [lenient] [noaccum] [max_blocks=N] [max_json_depth=N]
 *        [max_block_bytes=N] [max_line=N] [max_event=N]
 *   eol lf|crlf|cr                 line ending used by later `ev`/`data` lines
 *   ev NAME DATA                   appends "event: NAME<eol>data: DATA<eol><eol>";
 *                                  DATA is taken verbatim (JSON escapes stay)
 *   data DATA                      appends "data: DATA<eol><eol>" (no name)
 *   in TEXT                        appends TEXT with escapes \n \r \t \s (space)
 *                                  \\ \xhh; no implicit newline
 *   mark                           remembers the current position (`@`)
 *   expect VERDICT RULE|- [at=@|end|N] [line=N]
 *                                  `at` absent: no offset (complete); `line`
 *                                  absent: counted from the input
 *   error TYPE|- STATUS RETRYABLE MESSAGE
 *                                  the error event's type, HTTP status,
 *                                  retryable flag and message (escapes as `in`)
 *   stats KEY=N ...                pings, unknown_events, unknown_deltas,
 *                                  unknown_blocks, events
 *   msg JSON                       expected written message (verbatim,
 *                                  concatenated over `msg` lines)
 *   cb LINE                        expected callback summary, in order (one
 *                                  line per callback; the pieces of one
 *                                  content delta are joined; see sum_* below)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>

#include "sseval/claude.h"
#include "casefile.h"
#include "test.h"

/* ---- small utilities ----------------------------------------------------------- */

/* The growable byte buffer of tests/bytebuf.h, always NUL-terminated. */
typedef bytebuf sb;

static void sb_add(sb *b, const void *p, size_t n) { bytebuf_add(b, p, n); }
static void sb_adds(sb *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_addc(sb *b, char c) { sb_add(b, &c, 1); }

static void sb_printf(sb *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Quoted, with \" \\ \n \r \t and \xhh for every other byte outside 0x20..0x7e. */
static void sb_esc(sb *b, const void *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
  size_t i;
  sb_addc(b, '"');
  for (i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '"') sb_adds(b, "\\\"");
    else if (c == '\\') sb_adds(b, "\\\\");
    else if (c == '\n') sb_adds(b, "\\n");
    else if (c == '\r') sb_adds(b, "\\r");
    else if (c == '\t') sb_adds(b, "\\t");
    else if (c < 0x20 || c > 0x7e) sb_printf(b, "\\x%02x", c);
    else sb_addc(b, (char)c);
  }
  sb_addc(b, '"');
}

static void sb_span(sb *b, sseval_span s) { sb_esc(b, s.ptr, s.len); }

static void sb_free(sb *b) { bytebuf_free(b); }

static const char *sb_str(const sb *b) { return b->p ? b->p : ""; }

static int span_ok(sseval_span s) { return s.len == 0 || s.ptr != NULL; }

static int span_eq(sseval_span s, const char *lit) {
  size_t n = strlen(lit);
  return s.len == n && (n == 0 || memcmp(s.ptr, lit, n) == 0);
}

static int utf8_valid(const void *p, size_t n) {
  size_t bad;
  return sseval_utf8_next_invalid(p, n, &bad) == n;
}

/* 1-based line number of offset `off`: 1 + the number of line terminators
 * (CRLF, lone CR, lone LF) that end before it. A CR at off-1 counts even when
 * an LF follows it at off (the CR completes its line, R3). */
static uint64_t line_at(const unsigned char *in, size_t off) {
  uint64_t line = 1;
  size_t i;
  for (i = 0; i < off; i++) {
    if (in[i] == '\r') {
      line++;
      if (i + 1 < off && in[i + 1] == '\n') i++;
    } else if (in[i] == '\n') {
      line++;
    }
  }
  return line;
}

/* Does in[0..pos) end with a blank line (an event boundary)? */
static int at_event_boundary(const unsigned char *in, size_t pos) {
  size_t t; /* start of the last terminator */
  if (pos == 0) return 1;
  if (in[pos - 1] == '\n' && pos >= 2 && in[pos - 2] == '\r')
    t = pos - 2;
  else if (in[pos - 1] == '\n' || in[pos - 1] == '\r')
    t = pos - 1;
  else
    return 0;
  /* the line ending at t is empty when t is the stream start or follows
   * another terminator */
  return t == 0 || in[t - 1] == '\n' || in[t - 1] == '\r';
}

/* ---- counting (and failing) allocator ------------------------------------------- */

typedef struct counting {
  long live;          /* blocks currently allocated */
  uint64_t calls;     /* malloc + realloc calls */
  size_t live_bytes;
  int size_mismatch;  /* realloc/free got a size that is not the block's */
  uint64_t fail_at;   /* fail the fail_at-th call (1-based); 0 = never */
  int failed;
} counting;

#define HDR 16

static void *c_malloc(void *ctx, size_t n) {
  counting *c = (counting *)ctx;
  unsigned char *p;
  c->calls++;
  if (c->fail_at && c->calls == c->fail_at) {
    c->failed = 1;
    return NULL;
  }
  p = (unsigned char *)malloc(n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  c->live++;
  c->live_bytes += n;
  return p + HDR;
}

static void *c_realloc(void *ctx, void *ptr, size_t old, size_t n) {
  counting *c = (counting *)ctx;
  unsigned char *p;
  size_t had = 0;
  c->calls++;
  if (ptr) {
    memcpy(&had, (unsigned char *)ptr - HDR, sizeof had);
    if (had != old) c->size_mismatch = 1;
  } else if (old != 0) {
    c->size_mismatch = 1;
  }
  if (c->fail_at && c->calls == c->fail_at) {
    c->failed = 1;
    return NULL;
  }
  p = (unsigned char *)realloc(ptr ? (unsigned char *)ptr - HDR : NULL,
                               n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  if (!ptr) c->live++;
  c->live_bytes = c->live_bytes - had + n;
  return p + HDR;
}

static void c_free(void *ctx, void *ptr, size_t n) {
  counting *c = (counting *)ctx;
  size_t had;
  if (!ptr) return;
  memcpy(&had, (unsigned char *)ptr - HDR, sizeof had);
  if (had != n) c->size_mismatch = 1;
  c->live--;
  c->live_bytes -= had;
  free((unsigned char *)ptr - HDR);
}

static sseval_allocator counting_allocator(counting *c) {
  sseval_allocator a;
  memset(c, 0, sizeof *c);
  a.malloc = c_malloc;
  a.realloc = c_realloc;
  a.free = c_free;
  a.ctx = c;
  return a;
}

/* ---- the recorder: every callback into a trace hash, a full trace, a summary ---- */

/*
 * Every callback is folded into a 64-bit FNV-1a hash of all its arguments
 * (raw spans included); runs are compared by that hash, and a run that
 * differs is repeated in verbose mode to print the traces.
 *
 * Verbose mode also writes the full trace (one line per callback) and the
 * summary: the hand-checkable view used by the `cb` lines of case files,
 * one line per callback, except that the pieces of one content delta are
 * joined into one line:
 *   start "ID" "MODEL"             on_message_start
 *   block I TYPE "TYPE_NAME"       on_block_start (tool blocks add "ID" "NAME")
 *   text I "..."  input I "..."  thinking I "..."  sig I "..."
 *   citation I RAW  compaction I RAW
 *   stop I                         on_block_stop
 *   delta SR SS USAGE              on_message_delta ("x" or null; usage raw or -)
 *   mstop  ping
 *   error "TYPE" "MESSAGE" STATUS RETRYABLE
 *   unknown_event "NAME"  unknown_delta I "TYPE"
 * (on_sse_event is in the full trace and the hash, not in the summary.)
 */
enum { K_NONE = 0, K_TEXT, K_INPUT, K_THINKING, K_SIG };

enum {
  CBK_NONE = 0, CBK_SSE, CBK_MSTART, CBK_BSTART, CBK_TEXT, CBK_INPUT,
  CBK_THINKING, CBK_SIG, CBK_CITATION, CBK_COMPACTION, CBK_BSTOP, CBK_MDELTA,
  CBK_MSTOP, CBK_PING, CBK_ERROR, CBK_UEVENT, CBK_UDELTA, CBK_COUNT_
};

typedef struct rec {
  int verbose;
  uint64_t hash;
  uint64_t ncb;       /* callbacks seen */
  sb full, sum;
  sb pend; /* joined pieces of the current delta (summary) */
  int pend_kind;
  uint32_t pend_index;
  int pause_all;      /* every callback returns SSEVAL_CB_PAUSE */
  int pause_kind;     /* or only callbacks of this CBK_* kind */
  int abort_kind;     /* callbacks of this CBK_* kind return SSEVAL_CB_ABORT */
  int aborted;        /* a callback returned ABORT */
  uint64_t after_abort; /* callbacks seen after the abort */
  const char *chunk;  /* the chunk being fed (zero-copy checks) */
  size_t chunk_len;
  uint64_t pieces_in_chunk; /* content pieces pointing into `chunk` */
  char problem[300];
} rec;

static void rec_problem(rec *r, const char *fmt, ...) {
  va_list ap;
  if (r->problem[0]) return;
  va_start(ap, fmt);
  vsnprintf(r->problem, sizeof r->problem, fmt, ap);
  va_end(ap);
}

static void h_bytes(rec *r, const void *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
  uint64_t h = r->hash;
  size_t i;
  for (i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001B3u;
  r->hash = h;
}

static void h_u64(rec *r, uint64_t v) {
  unsigned char b[8];
  int i;
  for (i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  h_bytes(r, b, 8);
}

static void h_span(rec *r, sseval_span s) {
  h_u64(r, s.len);
  h_bytes(r, s.ptr, s.len);
}

static void rec_flush(rec *r) {
  static const char *const names[] = {"", "text", "input", "thinking", "sig"};
  if (r->pend_kind == K_NONE) return;
  sb_printf(&r->sum, "%s %u ", names[r->pend_kind], (unsigned)r->pend_index);
  sb_esc(&r->sum, r->pend.p, r->pend.len);
  sb_addc(&r->sum, '\n');
  r->pend.len = 0;
  r->pend_kind = K_NONE;
}

/* Start a callback record: hash its kind, flush joined pieces. */
static void rec_begin(rec *r, int kind) {
  r->ncb++;
  if (r->aborted) r->after_abort++;
  h_u64(r, (uint64_t)kind);
  if (r->verbose && kind != CBK_TEXT && kind != CBK_INPUT &&
      kind != CBK_THINKING && kind != CBK_SIG)
    rec_flush(r);
}

static int rec_ret(rec *r, int kind) {
  if (r->abort_kind == kind) {
    r->aborted = 1;
    return SSEVAL_CB_ABORT;
  }
  if (r->pause_all || r->pause_kind == kind) return SSEVAL_CB_PAUSE;
  return SSEVAL_CB_OK;
}

/* Full-trace helpers (verbose only). */
static void f_str(rec *r, const char *s) {
  if (r->verbose) sb_adds(&r->full, s);
}
static void f_span(rec *r, sseval_span s) {
  if (r->verbose) {
    sb_addc(&r->full, ' ');
    sb_span(&r->full, s);
  }
}
static void f_raw(rec *r, sseval_span s) {
  if (r->verbose) {
    sb_addc(&r->full, ' ');
    sb_add(&r->full, s.ptr, s.len);
  }
}
static void f_u(rec *r, uint64_t v) {
  if (r->verbose) sb_printf(&r->full, " %llu", (unsigned long long)v);
}
static void f_end(rec *r) {
  if (r->verbose) sb_addc(&r->full, '\n');
}

static void rec_piece(rec *r, int cbk, int k, uint32_t index, sseval_span piece,
                      const char *name) {
  rec_begin(r, cbk);
  h_u64(r, index);
  h_span(r, piece);
  if (!span_ok(piece)) rec_problem(r, "%s: NULL span with a length", name);
  if (!utf8_valid(piece.ptr, piece.len))
    rec_problem(r, "%s: a piece is not valid UTF-8", name);
  if (piece.len && r->chunk && piece.ptr >= r->chunk &&
      piece.ptr + piece.len <= r->chunk + r->chunk_len)
    r->pieces_in_chunk++;
  if (!r->verbose) return;
  f_str(r, name);
  f_u(r, index);
  f_span(r, piece);
  f_end(r);
  if (r->pend_kind != k || r->pend_index != index) {
    rec_flush(r);
    r->pend_kind = k;
    r->pend_index = index;
  }
  sb_add(&r->pend, piece.ptr, piece.len);
}

static int r_sse(void *u, const sseval_sse_event *ev) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_SSE);
  rec_flush(r); /* a new event: the pieces of the last delta are complete */
  h_span(r, ev->type);
  h_span(r, ev->data);
  h_u64(r, ev->offset);
  h_u64(r, ev->line);
  h_u64(r, ev->end_offset);
  h_u64(r, ev->data_lines);
  h_u64(r, ev->flags & SSEVAL_SSE_TYPE_SET);
  f_str(r, "sse");
  f_span(r, ev->type);
  f_u(r, ev->offset);
  f_u(r, ev->line);
  f_u(r, ev->end_offset);
  f_u(r, ev->data_lines);
  f_u(r, ev->flags & SSEVAL_SSE_TYPE_SET);
  f_span(r, ev->data);
  f_end(r);
  return rec_ret(r, CBK_SSE);
}

static int r_mstart(void *u, const sseval_message_info *m) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_MSTART);
  if (!span_ok(m->id) || !span_ok(m->model) || !span_ok(m->raw_json) ||
      !span_ok(m->usage_json))
    rec_problem(r, "message_start: bad span");
  h_span(r, m->id);
  h_span(r, m->model);
  h_span(r, m->usage_json);
  h_span(r, m->raw_json);
  f_str(r, "message_start");
  f_span(r, m->id);
  f_span(r, m->model);
  f_raw(r, m->usage_json);
  f_raw(r, m->raw_json);
  f_end(r);
  if (r->verbose) {
    sb_adds(&r->sum, "start ");
    sb_span(&r->sum, m->id);
    sb_addc(&r->sum, ' ');
    sb_span(&r->sum, m->model);
    sb_addc(&r->sum, '\n');
  }
  return rec_ret(r, CBK_MSTART);
}

static int is_tool_type(sseval_block_type t) {
  return t == SSEVAL_BLOCK_TOOL_USE || t == SSEVAL_BLOCK_SERVER_TOOL_USE ||
         t == SSEVAL_BLOCK_MCP_TOOL_USE;
}

static int r_bstart(void *u, const sseval_block_info *b) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_BSTART);
  h_u64(r, b->index);
  h_u64(r, (uint64_t)b->type);
  h_span(r, b->type_name);
  h_span(r, b->tool_id);
  h_span(r, b->tool_name);
  h_span(r, b->raw_json);
  if (!is_tool_type(b->type) && (b->tool_id.len || b->tool_name.len))
    rec_problem(r, "block_start: tool_id/tool_name set on a non-tool block");
  if (!r->verbose) return rec_ret(r, CBK_BSTART);
  sb_printf(&r->full, "block_start %u %s", (unsigned)b->index,
            sseval_block_type_name(b->type));
  f_span(r, b->type_name);
  f_span(r, b->tool_id);
  f_span(r, b->tool_name);
  f_raw(r, b->raw_json);
  f_end(r);
  sb_printf(&r->sum, "block %u %s ", (unsigned)b->index,
            sseval_block_type_name(b->type));
  sb_span(&r->sum, b->type_name);
  if (is_tool_type(b->type)) {
    sb_addc(&r->sum, ' ');
    sb_span(&r->sum, b->tool_id);
    sb_addc(&r->sum, ' ');
    sb_span(&r->sum, b->tool_name);
  }
  sb_addc(&r->sum, '\n');
  return rec_ret(r, CBK_BSTART);
}

static int r_text(void *u, uint32_t i, sseval_span p) {
  rec *r = (rec *)u;
  rec_piece(r, CBK_TEXT, K_TEXT, i, p, "text");
  return rec_ret(r, CBK_TEXT);
}
static int r_input(void *u, uint32_t i, sseval_span p) {
  rec *r = (rec *)u;
  rec_piece(r, CBK_INPUT, K_INPUT, i, p, "input");
  return rec_ret(r, CBK_INPUT);
}
static int r_thinking(void *u, uint32_t i, sseval_span p) {
  rec *r = (rec *)u;
  rec_piece(r, CBK_THINKING, K_THINKING, i, p, "thinking");
  return rec_ret(r, CBK_THINKING);
}
static int r_sig(void *u, uint32_t i, sseval_span p) {
  rec *r = (rec *)u;
  rec_piece(r, CBK_SIG, K_SIG, i, p, "sig");
  return rec_ret(r, CBK_SIG);
}

static int r_rawcb(rec *r, const char *name, uint32_t i, sseval_span raw,
                   int kind) {
  rec_begin(r, kind);
  h_u64(r, i);
  h_span(r, raw);
  if (!span_ok(raw)) rec_problem(r, "%s: bad span", name);
  if (r->verbose) {
    f_str(r, name);
    f_u(r, i);
    f_raw(r, raw);
    f_end(r);
    sb_printf(&r->sum, "%s %u ", name, (unsigned)i);
    sb_add(&r->sum, raw.ptr, raw.len);
    sb_addc(&r->sum, '\n');
  }
  return rec_ret(r, kind);
}

static int r_citation(void *u, uint32_t i, sseval_span raw) {
  return r_rawcb((rec *)u, "citation", i, raw, CBK_CITATION);
}
static int r_compaction(void *u, uint32_t i, sseval_span raw) {
  return r_rawcb((rec *)u, "compaction", i, raw, CBK_COMPACTION);
}

static int r_bstop(void *u, uint32_t i) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_BSTOP);
  h_u64(r, i);
  if (r->verbose) {
    sb_printf(&r->full, "block_stop %u\n", (unsigned)i);
    sb_printf(&r->sum, "stop %u\n", (unsigned)i);
  }
  return rec_ret(r, CBK_BSTOP);
}

static void sb_opt(sb *b, int has, sseval_span s) {
  if (has)
    sb_span(b, s);
  else
    sb_adds(b, "null");
}

static int r_mdelta(void *u, const sseval_delta_info *d) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_MDELTA);
  h_u64(r, (uint64_t)d->has_stop_reason);
  h_span(r, d->stop_reason);
  h_u64(r, (uint64_t)d->has_stop_sequence);
  h_span(r, d->stop_sequence);
  h_span(r, d->usage_json);
  h_span(r, d->delta_json);
  if (!r->verbose) return rec_ret(r, CBK_MDELTA);
  sb_adds(&r->full, "message_delta ");
  sb_opt(&r->full, d->has_stop_reason, d->stop_reason);
  sb_addc(&r->full, ' ');
  sb_opt(&r->full, d->has_stop_sequence, d->stop_sequence);
  f_raw(r, d->usage_json);
  f_raw(r, d->delta_json);
  f_end(r);
  sb_adds(&r->sum, "delta ");
  sb_opt(&r->sum, d->has_stop_reason, d->stop_reason);
  sb_addc(&r->sum, ' ');
  sb_opt(&r->sum, d->has_stop_sequence, d->stop_sequence);
  sb_addc(&r->sum, ' ');
  if (d->usage_json.len)
    sb_add(&r->sum, d->usage_json.ptr, d->usage_json.len);
  else
    sb_addc(&r->sum, '-');
  sb_addc(&r->sum, '\n');
  return rec_ret(r, CBK_MDELTA);
}

static int r_mstop(void *u) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_MSTOP);
  if (r->verbose) {
    sb_adds(&r->full, "message_stop\n");
    sb_adds(&r->sum, "mstop\n");
  }
  return rec_ret(r, CBK_MSTOP);
}

static int r_ping(void *u) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_PING);
  if (r->verbose) {
    sb_adds(&r->full, "ping\n");
    sb_adds(&r->sum, "ping\n");
  }
  return rec_ret(r, CBK_PING);
}

static int r_error(void *u, const sseval_api_error *e) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_ERROR);
  h_span(r, e->type);
  h_span(r, e->message);
  h_u64(r, (uint64_t)e->http_status);
  h_u64(r, (uint64_t)e->retryable);
  if (!span_ok(e->type) || !span_ok(e->message))
    rec_problem(r, "error: bad span");
  if (r->verbose) {
    sb line = {0};
    sb_adds(&line, "error ");
    sb_span(&line, e->type);
    sb_addc(&line, ' ');
    sb_span(&line, e->message);
    sb_printf(&line, " %d %d\n", e->http_status, e->retryable);
    sb_add(&r->full, line.p, line.len);
    sb_add(&r->sum, line.p, line.len);
    sb_free(&line);
  }
  return rec_ret(r, CBK_ERROR);
}

static int r_uevent(void *u, sseval_span name, sseval_span data) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_UEVENT);
  h_span(r, name);
  h_span(r, data);
  if (r->verbose) {
    f_str(r, "unknown_event");
    f_span(r, name);
    f_span(r, data);
    f_end(r);
    sb_adds(&r->sum, "unknown_event ");
    sb_span(&r->sum, name);
    sb_addc(&r->sum, '\n');
  }
  return rec_ret(r, CBK_UEVENT);
}

static int r_udelta(void *u, uint32_t i, sseval_span type, sseval_span json) {
  rec *r = (rec *)u;
  rec_begin(r, CBK_UDELTA);
  h_u64(r, i);
  h_span(r, type);
  h_span(r, json);
  if (r->verbose) {
    f_str(r, "unknown_delta");
    f_u(r, i);
    f_span(r, type);
    f_raw(r, json);
    f_end(r);
    sb_printf(&r->sum, "unknown_delta %u ", (unsigned)i);
    sb_span(&r->sum, type);
    sb_addc(&r->sum, '\n');
  }
  return rec_ret(r, CBK_UDELTA);
}

static void rec_callbacks(sseval_claude_callbacks *cbs) {
  sseval_claude_callbacks_init(cbs);
  cbs->on_message_start = r_mstart;
  cbs->on_block_start = r_bstart;
  cbs->on_text = r_text;
  cbs->on_tool_input = r_input;
  cbs->on_thinking = r_thinking;
  cbs->on_signature = r_sig;
  cbs->on_citation = r_citation;
  cbs->on_compaction = r_compaction;
  cbs->on_block_stop = r_bstop;
  cbs->on_message_delta = r_mdelta;
  cbs->on_message_stop = r_mstop;
  cbs->on_ping = r_ping;
  cbs->on_error_event = r_error;
  cbs->on_unknown_event = r_uevent;
  cbs->on_unknown_delta = r_udelta;
  cbs->on_sse_event = r_sse;
}

static void rec_init(rec *r, int verbose) {
  memset(r, 0, sizeof *r);
  r->verbose = verbose;
  r->hash = 0xcbf29ce484222325u;
}

static void rec_free(rec *r) {
  sb_free(&r->full);
  sb_free(&r->sum);
  sb_free(&r->pend);
}

/* ---- one run ---------------------------------------------------------------------- */

typedef struct cfg {
  unsigned flags;
  size_t max_line, max_event, max_block_bytes;
  uint32_t max_json_depth, max_blocks;
} cfg;

typedef struct outcome {
  sseval_status feed_st;   /* first non-OK, non-PAUSED feed status */
  sseval_status finish_st;
  sseval_claude_result res;
  char detail[300];
  sb err_type, err_msg;
  uint64_t hash;           /* of every callback and its arguments */
  sb full, sum, msg;       /* traces: verbose runs only */
  sseval_status msg_st;
  sseval_claude_stats st;
  uint64_t pauses;
  uint64_t pieces_in_chunk;
  char problem[300];
} outcome;

static void outcome_free(outcome *o) {
  sb_free(&o->err_type);
  sb_free(&o->err_msg);
  sb_free(&o->full);
  sb_free(&o->sum);
  sb_free(&o->msg);
}

static int sb_sink(void *ctx, const char *bytes, size_t len) {
  sb_add((sb *)ctx, bytes, len);
  return 0;
}

static void make_opts(const cfg *k, sseval_claude_options *o) {
  sseval_claude_options_init(o);
  o->flags = k->flags;
  if (k->max_line) o->max_line_bytes = k->max_line;
  if (k->max_event) o->max_event_bytes = k->max_event;
  if (k->max_block_bytes) o->max_block_bytes = k->max_block_bytes;
  if (k->max_json_depth) o->max_json_depth = k->max_json_depth;
  if (k->max_blocks) o->max_blocks = k->max_blocks;
}

/* Collect everything observable after finish. */
static void collect(sseval_claude *c, rec *r, outcome *o) {
  if (r->verbose) rec_flush(r);
  snprintf(o->detail, sizeof o->detail, "%s", o->res.detail ? o->res.detail : "");
  if (o->res.has_error) {
    sb_add(&o->err_type, o->res.error.type.ptr, o->res.error.type.len);
    sb_add(&o->err_msg, o->res.error.message.ptr, o->res.error.message.len);
  }
  o->msg_st = sseval_claude_write_message_json(c, sb_sink, &o->msg);
  sseval_claude_get_stats(c, &o->st);
  o->hash = r->hash;
  o->full = r->full;
  o->sum = r->sum;
  memset(&r->full, 0, sizeof r->full);
  memset(&r->sum, 0, sizeof r->sum);
  o->pieces_in_chunk = r->pieces_in_chunk;
  if (r->problem[0] && !o->problem[0])
    snprintf(o->problem, sizeof o->problem, "%s", r->problem);
}

/* How one run feeds the input. */
enum { W_CHUNKS, W_EXTERNAL };
typedef struct way {
  int kind;
  const size_t *sizes; /* W_CHUNKS: chunk sizes summing to the input length */
  size_t n;
  int pause_all;       /* every callback returns SSEVAL_CB_PAUSE */
  int pause_kind;      /* or only the callbacks of this CBK_* kind */
} way;

/*
 * Feed `in` in the chunks of `w`. With pauses, each PAUSED must leave the
 * consumed bytes at an event boundary, and the rest is moved to a fresh
 * buffer before resuming.
 */
static void run_chunks(const unsigned char *in, const cfg *k, const way *w,
                       int verbose, outcome *o) {
  sseval_claude_callbacks cbs;
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  rec r;
  size_t i, pos = 0;
  int stop = 0;
  memset(o, 0, sizeof *o);
  rec_init(&r, verbose);
  r.pause_all = w->pause_all;
  r.pause_kind = w->pause_kind;
  rec_callbacks(&cbs);
  make_opts(k, &opts);
  if (sseval_claude_new(&c, &cbs, &r, &opts) != SSEVAL_OK) {
    snprintf(o->problem, sizeof o->problem, "sseval_claude_new failed");
    return;
  }
  for (i = 0; i < w->n && !stop; i++) {
    size_t s = w->sizes[i], off = 0;
    char *buf = (char *)xmalloc(s);
    memcpy(buf, in + pos, s);
    for (;;) {
      size_t used = 12345;
      sseval_status st;
      r.chunk = buf + off;
      r.chunk_len = s - off;
      st = sseval_claude_feed(c, buf + off, s - off, &used);
      r.chunk = NULL;
      if (used > s - off) {
        if (!o->problem[0])
          snprintf(o->problem, sizeof o->problem, "consumed %zu > %zu", used,
                   s - off);
        used = s - off;
      }
      off += used;
      pos += used;
      if (st == SSEVAL_PAUSED) {
        char *rest;
        o->pauses++;
        if (!at_event_boundary(in, pos) && !o->problem[0])
          snprintf(o->problem, sizeof o->problem,
                   "PAUSED with %zu bytes consumed: not an event boundary", pos);
        if (used == 0) {
          if (!o->problem[0])
            snprintf(o->problem, sizeof o->problem, "PAUSED without progress");
          stop = 1;
          break;
        }
        rest = (char *)xmalloc(s - off);
        memcpy(rest, buf + off, s - off);
        free(buf);
        buf = rest;
        s -= off;
        off = 0;
        if (s == 0) break;
        continue;
      }
      if (st != SSEVAL_OK) {
        o->feed_st = st;
        stop = 1;
        break;
      }
      if (off != s && !o->problem[0])
        snprintf(o->problem, sizeof o->problem,
                 "feed returned OK with %zu of %zu bytes consumed", off, s);
      break;
    }
    free(buf);
  }
  o->finish_st = sseval_claude_finish(c, &o->res);
  if (!o->res.finished && !o->problem[0])
    snprintf(o->problem, sizeof o->problem, "result.finished is 0 after finish");
  if (!stop && o->res.bytes != pos && !o->problem[0])
    snprintf(o->problem, sizeof o->problem, "result.bytes %llu, fed %zu",
             (unsigned long long)o->res.bytes, pos);
  collect(c, &r, o);
  sseval_claude_free(c);
  rec_free(&r);
}

/* Drive the machine from a separate tokenizer (sseval_claude_on_sse_event),
 * fed byte by byte, ending with sseval_claude_finish_external. */
static int ext_on_event(void *user, const sseval_sse_event *ev) {
  return sseval_claude_on_sse_event((sseval_claude *)user, ev);
}

static void run_external(const unsigned char *in, size_t len, const cfg *k,
                         int verbose, outcome *o) {
  sseval_claude_callbacks cbs;
  sseval_claude_options opts;
  sseval_sse_callbacks tcb;
  sseval_sse_options so;
  sseval_sse *tok = NULL;
  sseval_sse_tail tail;
  sseval_claude *c = NULL;
  rec r;
  size_t i;
  memset(o, 0, sizeof *o);
  rec_init(&r, verbose);
  rec_callbacks(&cbs);
  make_opts(k, &opts);
  if (sseval_claude_new(&c, &cbs, &r, &opts) != SSEVAL_OK) {
    snprintf(o->problem, sizeof o->problem, "sseval_claude_new failed");
    return;
  }
  sseval_sse_callbacks_init(&tcb);
  tcb.on_event = ext_on_event;
  sseval_sse_options_init(&so);
  if (k->max_line) so.max_line_bytes = k->max_line;
  if (k->max_event) so.max_event_bytes = k->max_event;
  if (sseval_sse_new(&tok, &tcb, c, &so) != SSEVAL_OK) abort();
  for (i = 0; i < len; i++) {
    char *b = (char *)xmalloc(1);
    size_t used;
    sseval_status st;
    b[0] = (char)in[i];
    st = sseval_sse_feed(tok, b, 1, &used);
    free(b);
    /* PAUSED: the machine asks the tokenizer to stop (a callback paused, or
     * the verdict is in); this driver just goes on with the next byte */
    if (st != SSEVAL_OK && st != SSEVAL_PAUSED) {
      o->feed_st = st;
      break;
    }
  }
  memset(&tail, 0, sizeof tail);
  sseval_sse_finish(tok, &tail);
  o->finish_st = sseval_claude_finish_external(c, &tail, &o->res);
  collect(c, &r, o);
  sseval_sse_free(tok);
  sseval_claude_free(c);
  rec_free(&r);
}

static void run_way(const unsigned char *in, size_t len, const cfg *k,
                    const way *w, int verbose, outcome *o) {
  if (w->kind == W_EXTERNAL)
    run_external(in, len, k, verbose, o);
  else
    run_chunks(in, k, w, verbose, o);
}

static way chunk_way(const test_chunking *c, int pause_all) {
  way w;
  w.kind = W_CHUNKS;
  w.sizes = c->sizes;
  w.n = c->n;
  w.pause_all = pause_all;
  w.pause_kind = CBK_NONE;
  return w;
}

/* Compare a run with the whole run; returns 1 when equal, else reports the
 * first difference (re-running both verbosely to show the traces).
 * cmp_bytes: also compare result.bytes and event counts. */
static int same_outcome(const char *where, const char *what,
                        const unsigned char *in, size_t len, const cfg *k,
                        const way *w, const outcome *a, const outcome *b,
                        int cmp_bytes) {
  const char *field = NULL;
  if (b->problem[0]) {
    test_failed_checks_++;
    fprintf(stderr, "%s: %s: %s\n", where, what, b->problem);
    return 0;
  }
  if (a->res.verdict != b->res.verdict) field = "verdict";
  else if (a->res.rule != b->res.rule) field = "rule";
  else if (a->res.has_offset != b->res.has_offset) field = "has_offset";
  else if (a->res.offset != b->res.offset) field = "offset";
  else if (a->res.line != b->res.line) field = "line";
  else if (strcmp(a->detail, b->detail) != 0) field = "detail";
  else if (a->res.has_error != b->res.has_error) field = "has_error";
  else if (strcmp(sb_str(&a->err_type), sb_str(&b->err_type)) != 0 ||
           a->err_msg.len != b->err_msg.len ||
           (a->err_msg.len && memcmp(a->err_msg.p, b->err_msg.p, a->err_msg.len)) ||
           a->res.error.http_status != b->res.error.http_status ||
           a->res.error.retryable != b->res.error.retryable)
    field = "error";
  else if (a->feed_st != b->feed_st) field = "feed status";
  else if (a->finish_st != b->finish_st) field = "finish status";
  else if (a->hash != b->hash) field = "callback trace";
  else if (a->msg_st != b->msg_st ||
           strcmp(sb_str(&a->msg), sb_str(&b->msg)) != 0)
    field = "message JSON";
  else if (a->st.pings != b->st.pings ||
           a->st.unknown_events != b->st.unknown_events ||
           a->st.unknown_deltas != b->st.unknown_deltas ||
           a->st.unknown_blocks != b->st.unknown_blocks)
    field = "stats";
  else if (cmp_bytes && (a->res.bytes != b->res.bytes ||
                         a->res.events != b->res.events ||
                         a->st.events != b->st.events))
    field = "bytes/events";
  if (!field) return 1;
  test_failed_checks_++;
  fprintf(stderr,
          "%s: %s differs from the whole run in its %s\n"
          "  whole: %s %s off=%llu line=%llu events=%llu bytes=%llu\n"
          "  this : %s %s off=%llu line=%llu events=%llu bytes=%llu\n",
          where, what, field, sseval_verdict_name(a->res.verdict),
          sseval_rule_id(a->res.rule), (unsigned long long)a->res.offset,
          (unsigned long long)a->res.line, (unsigned long long)a->res.events,
          (unsigned long long)a->res.bytes,
          sseval_verdict_name(b->res.verdict), sseval_rule_id(b->res.rule),
          (unsigned long long)b->res.offset, (unsigned long long)b->res.line,
          (unsigned long long)b->res.events, (unsigned long long)b->res.bytes);
  if (strcmp(field, "callback trace") == 0 && w) {
    outcome v;
    run_way(in, len, k, w, 1, &v);
    fprintf(stderr, "  whole trace:\n%s  this trace:\n%s", sb_str(&a->full),
            sb_str(&v.full));
    outcome_free(&v);
  }
  if (strcmp(field, "message JSON") == 0)
    fprintf(stderr, "  whole: %s\n  this : %s\n", sb_str(&a->msg),
            sb_str(&b->msg));
  return 0;
}

/* Run one way and compare it with the whole run. */
static int check_way(const char *where, const char *what,
                     const unsigned char *in, size_t len, const cfg *k,
                     const way *w, const outcome *base, int cmp_bytes,
                     outcome *keep) {
  outcome o;
  int ok;
  run_way(in, len, k, w, 0, &o);
  ok = same_outcome(where, what, in, len, k, w, base, &o, cmp_bytes);
  if (keep)
    *keep = o;
  else
    outcome_free(&o);
  return ok;
}

/* What run_all_ways compares each chunking with. */
typedef struct ways_ctx {
  const char *where;
  const unsigned char *in;
  size_t len;
  const cfg *k;
  const outcome *base;
} ways_ctx;

static int ways_check(void *ctx, const test_chunking *ch, int pause) {
  const ways_ctx *x = (const ways_ctx *)ctx;
  way w = chunk_way(ch, pause);
  char what[160];
  snprintf(what, sizeof what, "%s%s", ch->desc,
           pause ? ", pausing in every callback" : "");
  return check_way(x->where, what, x->in, x->len, x->k, &w, x->base, 1, NULL);
}

/* ---- summary mode (SSEVAL_CLAUDE_SUMMARY) ------------------------------------------ */

static int sum_piece_cb(void *u, uint32_t i, sseval_span p) {
  (void)u;
  (void)i;
  (void)p;
  return SSEVAL_CB_OK;
}

/* Feed `in` in the chunks `sizes` (each its own malloc'd block) to an
 * accumulating instance with `flags` added; content callbacks (which make
 * the accumulator store piece by piece) when with_cb. */
static sseval_claude *feed_summary_run(const unsigned char *in, const cfg *k,
                                       unsigned flags, const size_t *sizes,
                                       size_t n, int with_cb) {
  sseval_claude_callbacks cbs;
  sseval_claude_options o;
  sseval_claude *c = NULL;
  size_t i, pos = 0;
  make_opts(k, &o);
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE | flags;
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = sum_piece_cb;
  cbs.on_thinking = sum_piece_cb;
  if (sseval_claude_new(&c, with_cb ? &cbs : NULL, NULL, &o) != SSEVAL_OK)
    return NULL;
  for (i = 0; i < n; i++) {
    char *buf = (char *)xmalloc(sizes[i] ? sizes[i] : 1);
    memcpy(buf, in + pos, sizes[i]);
    sseval_claude_feed(c, buf, sizes[i], NULL);
    free(buf);
    pos += sizes[i];
  }
  sseval_claude_finish(c, NULL);
  return c;
}

static size_t ref_chars(sseval_span s) {
  size_t i, n = 0;
  for (i = 0; i < s.len; i++) n += ((unsigned char)s.ptr[i] & 0xC0) != 0x80;
  return n;
}

static int span_same(sseval_span a, sseval_span b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* A summary run against the full one: the same verdict and blocks; text
 * and thinking as a preview (the text itself when it is short, else its
 * longest prefix of whole characters within SSEVAL_CLAUDE_PREVIEW_BYTES)
 * with the whole text's length; everything else the same. */
static int same_summary(const char *where, const char *what,
                        const sseval_claude *full, const sseval_claude *sum) {
  sseval_claude_result rf, rs;
  uint32_t i, n = sseval_claude_block_count(full);
  sb msg = {0};
  const char *bad = NULL;
  sseval_claude_get_result(full, &rf);
  sseval_claude_get_result(sum, &rs);
  if (rf.verdict != rs.verdict || rf.rule != rs.rule || rf.offset != rs.offset)
    bad = "verdict, rule or offset";
  else if (sseval_claude_block_count(sum) != n)
    bad = "block count";
  else if (sseval_claude_write_message_json(sum, sb_sink, &msg) != SSEVAL_OK)
    bad = "write_message_json";
  for (i = 0; i < n && !bad; i++) {
    sseval_block_view f, v;
    size_t fb = 1, fc = 1, sbytes = 2, schars = 2;
    int text = 0;
    sseval_claude_block(full, i, &f);
    sseval_claude_block(sum, i, &v);
    if (sseval_claude_block_text_length(full, i, &fb, &fc) != SSEVAL_OK ||
        sseval_claude_block_text_length(sum, i, &sbytes, &schars) != SSEVAL_OK)
      bad = "block_text_length status";
    else if (f.type == SSEVAL_BLOCK_TEXT || f.type == SSEVAL_BLOCK_THINKING) {
      text = 1;
      if (fb != f.text.len || fc != ref_chars(f.text))
        bad = "text length of the full run";
      else if (sbytes != fb || schars != fc)
        bad = "text length of the summary run";
      else {
        /* the longest prefix of whole characters that fits */
        size_t want = f.text.len;
        if (want > SSEVAL_CLAUDE_PREVIEW_BYTES) {
          want = SSEVAL_CLAUDE_PREVIEW_BYTES;
          while (want > 0 && ((unsigned char)f.text.ptr[want] & 0xC0) == 0x80)
            want--;
        }
        if (v.text.len != want ||
            (want && memcmp(v.text.ptr, f.text.ptr, want) != 0))
          bad = "the preview";
      }
    } else if (fb != 0 || fc != 0 || sbytes != 0 || schars != 0)
      bad = "text length of a block without text";
    if (!bad &&
        (f.type != v.type || f.stopped != v.stopped ||
         f.input_complete != v.input_complete || (!text && !span_same(f.text, v.text)) ||
         !span_same(f.type_name, v.type_name) ||
         !span_same(f.signature, v.signature) ||
         !span_same(f.citations_json, v.citations_json) ||
         !span_same(f.tool_id, v.tool_id) || !span_same(f.tool_name, v.tool_name) ||
         !span_same(f.input_json, v.input_json) ||
         !span_same(f.partial_json, v.partial_json) ||
         !span_same(f.start_json, v.start_json)))
      bad = "a block field other than the text";
    if (bad)
      fprintf(stderr, "%s: summary, %s: block %u: %s differs\n", where, what,
              (unsigned)i, bad);
  }
  if (bad && i == 0 && n == 0)
    fprintf(stderr, "%s: summary, %s: %s differs\n", where, what, bad);
  sb_free(&msg);
  if (bad) test_failed_checks_++;
  return bad == NULL;
}

typedef struct summary_ctx {
  const char *where;
  const unsigned char *in;
  const cfg *k;
  const sseval_claude *full;
} summary_ctx;

static int summary_check(void *ctx, const test_chunking *ch, int with_cb) {
  const summary_ctx *x = (const summary_ctx *)ctx;
  sseval_claude *c = feed_summary_run(x->in, x->k, SSEVAL_CLAUDE_SUMMARY,
                                      ch->sizes, ch->n, with_cb);
  char what[160];
  int ok;
  snprintf(what, sizeof what, "%s%s", ch->desc,
           with_cb ? ", with content callbacks" : "");
  if (!c) {
    test_failed_checks_++;
    fprintf(stderr, "%s: summary, %s: sseval_claude_new failed\n", x->where,
            what);
    return 0;
  }
  ok = same_summary(x->where, what, x->full, c);
  sseval_claude_free(c);
  return ok;
}

/* SSEVAL_CLAUDE_SUMMARY on `in`, chunked every way (whole, byte by byte,
 * every (8 * stride)-th 2-way split, random chunks; without callbacks, as
 * `sseval check` runs, where escaped strings are counted without being
 * decoded, and with content callbacks, piece by piece), against one full
 * run. Returns 1 when all agree. */
static int summary_every_way(const char *where, const unsigned char *in,
                             size_t len, const cfg *k, size_t stride) {
  static const test_chunk_plan plan = {TC_WHOLE | TC_BYTES | TC_CUTS, 0, 1, 0,
                                       {{2, 7, TC_PAUSE_ALTERNATE},
                                        {2, 64, TC_PAUSE_ALTERNATE}}};
  test_chunk_plan p = plan;
  test_chunking ch;
  summary_ctx x;
  sseval_claude *full;
  int ok;
  tc_init(&ch, len);
  tc_whole(&ch, len);
  full = feed_summary_run(in, k, 0, ch.sizes, ch.n, 0);
  tc_free(&ch);
  if (!full) {
    test_failed_checks_++;
    fprintf(stderr, "%s: summary: sseval_claude_new failed\n", where);
    return 0;
  }
  x.where = where;
  x.in = in;
  x.k = k;
  x.full = full;
  p.cut_stride = stride * 8; /* the full suite splits every way already */
  ok = test_every_chunking(len, &p, summary_check, &x);
  sseval_claude_free(full);
  return ok;
}

/*
 * Run `in` every way: whole (verbose: `base` receives it, caller frees),
 * without ACCUMULATE, byte by byte, pausing in every callback, through an
 * external tokenizer, at every 2-way split (every `stride`-th for long
 * inputs) and in seeded random chunks. Returns 1 when every run agreed.
 */
static int run_all_ways(const char *where, const unsigned char *in, size_t len,
                        const cfg *k0, size_t stride, outcome *base) {
  cfg k = *k0;
  outcome o;
  test_chunking ch;
  way w;
  ways_ctx x;
  int ok = 1;
  /* byte by byte (also pausing in every callback), every stride-th 2-way
   * split, six seeded random chunkings (3 of 1..7 bytes, 3 of 1..64, every
   * other one pausing in every callback) */
  static const test_chunk_plan plan = {
      TC_BYTES | TC_BYTES_PAUSED | TC_CUTS, 0, 1, 0,
      {{3, 7, TC_PAUSE_ALTERNATE}, {3, 64, TC_PAUSE_ALTERNATE}}};
  test_chunk_plan p = plan;
  k.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  tc_init(&ch, len);
  tc_whole(&ch, len);
  w = chunk_way(&ch, 0);
  run_way(in, len, &k, &w, 1, base);
  if (base->problem[0]) {
    test_failed_checks_++;
    fprintf(stderr, "%s: whole run: %s\n", where, base->problem);
    tc_free(&ch);
    return 0;
  }
  if (base->msg_st != SSEVAL_OK) {
    test_failed_checks_++;
    fprintf(stderr, "%s: write_message_json returned %s\n", where,
            sseval_status_name(base->msg_st));
    ok = 0;
  }
  /* without the accumulator: same verdict and callbacks, no message */
  {
    cfg k2 = k;
    k2.flags &= ~(unsigned)SSEVAL_CLAUDE_ACCUMULATE;
    run_way(in, len, &k2, &w, 0, &o);
    if (o.msg_st != SSEVAL_E_MISUSE || o.msg.len != 0) {
      test_failed_checks_++;
      fprintf(stderr, "%s: write_message_json without ACCUMULATE: %s\n", where,
              sseval_status_name(o.msg_st));
      ok = 0;
    }
    sb_free(&o.msg);
    o.msg = base->msg;
    o.msg_st = base->msg_st;
    ok &= same_outcome(where, "no-accumulate run", in, len, &k2, &w, base, &o, 1);
    memset(&o.msg, 0, sizeof o.msg);
    outcome_free(&o);
  }
  w.pause_all = 1;
  ok &= check_way(where, "whole run pausing in every callback", in, len, &k, &w,
                  base, 1, &o);
  if (base->res.events > 0 && o.pauses == 0 &&
      (base->res.verdict == SSEVAL_VERDICT_COMPLETE ||
       base->res.verdict == SSEVAL_VERDICT_TRUNCATED)) {
    test_failed_checks_++;
    fprintf(stderr, "%s: pausing callbacks never made feed return PAUSED\n",
            where);
    ok = 0;
  }
  outcome_free(&o);
  tc_free(&ch);
  /* through an external tokenizer (its own limit errors never reach the
   * machine, so the tokenizer-limit cases are skipped; nor does the body's
   * first line: not_event_stream is feed's) */
  w.kind = W_EXTERNAL;
  w.pause_all = 0;
  if (base->res.rule != SSEVAL_RULE_LINE_TOO_LONG &&
      base->res.rule != SSEVAL_RULE_EVENT_TOO_LARGE &&
      base->res.verdict != SSEVAL_VERDICT_NOT_EVENT_STREAM)
    ok &= check_way(where, "run through sseval_claude_on_sse_event", in, len,
                    &k, &w, base, 0, NULL);
  x.where = where;
  x.in = in;
  x.len = len;
  x.k = &k;
  x.base = base;
  p.cut_stride = stride;
  if (ok) ok = test_every_chunking(len, &p, ways_check, &x);
  /* and as a summary (SSEVAL_CLAUDE_SUMMARY): the same but the text */
  if (ok) ok = summary_every_way(where, in, len, &k, stride);
  return ok;
}

/* ---- case files ------------------------------------------------------------------- */

typedef struct ccase {
  char name[160];
  char where[300];
  cfg k;
  int eol; /* 0 LF, 1 CRLF, 2 CR */
  sb input;
  int has_mark;
  size_t mark;
  int has_expect;
  sseval_verdict verdict;
  sseval_rule rule;
  int at_kind; /* 0 none, 1 explicit, 2 mark, 3 end */
  uint64_t at;
  int has_line;
  uint64_t line;
  int has_error;
  sb err_type, err_msg;
  int err_status, err_retryable;
  int has_msg;
  sb msg;
  int has_cb;
  sb cb;
  int nstats;
  char stat_key[8][24];
  uint64_t stat_val[8];
  int bad; /* line number of a malformed line */
} ccase;

static const char *eol_str(int eol) {
  return eol == 1 ? "\r\n" : eol == 2 ? "\r" : "\n";
}

static int verdict_of(const char *s, sseval_verdict *v) {
  int i;
  for (i = 0; i < SSEVAL_VERDICT_COUNT_; i++)
    if (strcmp(s, sseval_verdict_name((sseval_verdict)i)) == 0) {
      *v = (sseval_verdict)i;
      return 1;
    }
  return 0;
}

static int rule_of(const char *s, sseval_rule *r) {
  int i;
  if (strcmp(s, "-") == 0) {
    *r = SSEVAL_RULE_NONE;
    return 1;
  }
  for (i = 0; i < SSEVAL_RULE_COUNT_; i++)
    if (strcmp(s, sseval_rule_id((sseval_rule)i)) == 0) {
      *r = (sseval_rule)i;
      return 1;
    }
  return 0;
}

static int parse_opts(ccase *c, char *s) {
  char *tok = strtok(s, " \t");
  while (tok) {
    char *eq = strchr(tok, '=');
    unsigned long long v = eq ? strtoull(eq + 1, NULL, 10) : 0;
    if (strcmp(tok, "lenient") == 0) c->k.flags |= SSEVAL_CLAUDE_LENIENT_UNNAMED;
    else if (strncmp(tok, "max_blocks=", 11) == 0) c->k.max_blocks = (uint32_t)v;
    else if (strncmp(tok, "max_json_depth=", 15) == 0) c->k.max_json_depth = (uint32_t)v;
    else if (strncmp(tok, "max_block_bytes=", 16) == 0) c->k.max_block_bytes = (size_t)v;
    else if (strncmp(tok, "max_line=", 9) == 0) c->k.max_line = (size_t)v;
    else if (strncmp(tok, "max_event=", 10) == 0) c->k.max_event = (size_t)v;
    else return 0;
    tok = strtok(NULL, " \t");
  }
  return 1;
}

static int parse_expect(ccase *c, char *s) {
  char *tok = strtok(s, " \t");
  if (!tok || !verdict_of(tok, &c->verdict)) return 0;
  tok = strtok(NULL, " \t");
  if (!tok || !rule_of(tok, &c->rule)) return 0;
  c->has_expect = 1;
  while ((tok = strtok(NULL, " \t")) != NULL) {
    if (strcmp(tok, "at=@") == 0) c->at_kind = 2;
    else if (strcmp(tok, "at=end") == 0) c->at_kind = 3;
    else if (strncmp(tok, "at=", 3) == 0) {
      c->at_kind = 1;
      c->at = strtoull(tok + 3, NULL, 10);
    } else if (strncmp(tok, "line=", 5) == 0) {
      c->has_line = 1;
      c->line = strtoull(tok + 5, NULL, 10);
    } else
      return 0;
  }
  return 1;
}

static int parse_error_line(ccase *c, char *s, char *end) {
  char *t1 = s, *t2, *t3, *msg;
  t2 = strchr(t1, ' ');
  if (!t2) return 0;
  *t2++ = 0;
  t3 = strchr(t2, ' ');
  if (!t3) return 0;
  *t3++ = 0;
  msg = strchr(t3, ' ');
  if (!msg) return 0;
  *msg++ = 0;
  c->has_error = 1;
  if (strcmp(t1, "-") != 0) sb_adds(&c->err_type, t1);
  c->err_status = atoi(t2);
  c->err_retryable = atoi(t3);
  return casefile_unescape(msg, end, 0, &c->err_msg) != NULL;
}

static int parse_stats(ccase *c, char *s) {
  char *tok = strtok(s, " \t");
  while (tok) {
    char *eq = strchr(tok, '=');
    if (!eq || c->nstats >= 8 || (size_t)(eq - tok) >= sizeof c->stat_key[0])
      return 0;
    memcpy(c->stat_key[c->nstats], tok, (size_t)(eq - tok));
    c->stat_key[c->nstats][eq - tok] = 0;
    c->stat_val[c->nstats] = strtoull(eq + 1, NULL, 10);
    c->nstats++;
    tok = strtok(NULL, " \t");
  }
  return 1;
}

static ccase *load_cases(const char *path, size_t *count, ccase *cases,
                         size_t *cap) {
  FILE *f = fopen(path, "rb");
  static char line[1 << 16];
  int lineno = 0;
  ccase *cur = NULL;
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    test_failed_checks_++;
    return cases;
  }
  while (fgets(line, sizeof line, f)) {
    size_t n = strlen(line);
    char *rest;
    lineno++;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0 || line[0] == '#') continue;
    if (strncmp(line, "=== ", 4) == 0) {
      if (*count == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        cases = (ccase *)realloc(cases, *cap * sizeof *cases);
        if (!cases) abort();
      }
      cur = &cases[(*count)++];
      memset(cur, 0, sizeof *cur);
      snprintf(cur->name, sizeof cur->name, "%.150s", line + 4);
      snprintf(cur->where, sizeof cur->where, "%.250s:%d", path, lineno);
      continue;
    }
    if (!cur) {
      fprintf(stderr, "%s:%d: text before the first === case\n", path, lineno);
      test_failed_checks_++;
      continue;
    }
    rest = strchr(line, ' ');
    if (rest) *rest++ = 0;
    else rest = line + n;
    if (strcmp(line, "ev") == 0) {
      char *data = strchr(rest, ' ');
      if (!data) {
        cur->bad = lineno;
        continue;
      }
      *data++ = 0;
      sb_adds(&cur->input, "event: ");
      sb_adds(&cur->input, rest);
      sb_adds(&cur->input, eol_str(cur->eol));
      sb_adds(&cur->input, "data: ");
      sb_adds(&cur->input, data);
      sb_adds(&cur->input, eol_str(cur->eol));
      sb_adds(&cur->input, eol_str(cur->eol));
    } else if (strcmp(line, "data") == 0) {
      sb_adds(&cur->input, "data: ");
      sb_adds(&cur->input, rest);
      sb_adds(&cur->input, eol_str(cur->eol));
      sb_adds(&cur->input, eol_str(cur->eol));
    } else if (strcmp(line, "in") == 0) {
      if (!casefile_unescape(rest, line + n, 0, &cur->input)) cur->bad = lineno;
    } else if (strcmp(line, "mark") == 0) {
      cur->has_mark = 1;
      cur->mark = cur->input.len;
    } else if (strcmp(line, "eol") == 0) {
      if (strcmp(rest, "lf") == 0) cur->eol = 0;
      else if (strcmp(rest, "crlf") == 0) cur->eol = 1;
      else if (strcmp(rest, "cr") == 0) cur->eol = 2;
      else cur->bad = lineno;
    } else if (strcmp(line, "opts") == 0) {
      if (!parse_opts(cur, rest)) cur->bad = lineno;
    } else if (strcmp(line, "expect") == 0) {
      if (!parse_expect(cur, rest)) cur->bad = lineno;
    } else if (strcmp(line, "error") == 0) {
      if (!parse_error_line(cur, rest, line + n)) cur->bad = lineno;
    } else if (strcmp(line, "stats") == 0) {
      if (!parse_stats(cur, rest)) cur->bad = lineno;
    } else if (strcmp(line, "msg") == 0) {
      cur->has_msg = 1;
      sb_adds(&cur->msg, rest);
    } else if (strcmp(line, "cb") == 0) {
      cur->has_cb = 1;
      sb_adds(&cur->cb, rest);
      sb_addc(&cur->cb, '\n');
    } else {
      cur->bad = lineno;
    }
  }
  fclose(f);
  return cases;
}

static char case_dir[1024];
static ccase *cases;
static size_t ncases, ccap;

static void load_case_file(const char *path, void *ctx) {
  (void)ctx;
  cases = load_cases(path, &ncases, cases, &ccap);
}

static void load_all_cases(void) {
  if (casefile_each(case_dir, load_case_file, NULL) < 0) test_failed_checks_++;
}

static void free_all_cases(void) {
  size_t i;
  for (i = 0; i < ncases; i++) {
    sb_free(&cases[i].input);
    sb_free(&cases[i].err_type);
    sb_free(&cases[i].err_msg);
    sb_free(&cases[i].msg);
    sb_free(&cases[i].cb);
  }
  free(cases);
  cases = NULL;
  ncases = ccap = 0;
}

static uint64_t stat_value(const outcome *o, const char *key, int *known) {
  *known = 1;
  if (strcmp(key, "pings") == 0) return o->st.pings;
  if (strcmp(key, "unknown_events") == 0) return o->st.unknown_events;
  if (strcmp(key, "unknown_deltas") == 0) return o->st.unknown_deltas;
  if (strcmp(key, "unknown_blocks") == 0) return o->st.unknown_blocks;
  if (strcmp(key, "events") == 0) return o->res.events;
  *known = 0;
  return 0;
}

/* Check the whole run against the case's hand-written expectations. */
static void check_expectations(const ccase *c, const outcome *o) {
  const unsigned char *in = (const unsigned char *)c->input.p;
  int i;
  if (!c->has_expect) {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] no expect line\n", c->where, c->name);
    return;
  }
  if (o->res.verdict != c->verdict || o->res.rule != c->rule) {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] got %s/%s, expected %s/%s (detail: %s)\n",
            c->where, c->name, sseval_verdict_name(o->res.verdict),
            sseval_rule_id(o->res.rule), sseval_verdict_name(c->verdict),
            sseval_rule_id(c->rule), o->detail);
  }
  if (c->at_kind == 0) {
    if (o->res.has_offset) {
      test_failed_checks_++;
      fprintf(stderr, "%s: [%s] has an offset (%llu), none expected\n",
              c->where, c->name, (unsigned long long)o->res.offset);
    }
  } else {
    uint64_t at = c->at_kind == 1 ? c->at
                  : c->at_kind == 2 ? (uint64_t)c->mark
                                    : (uint64_t)c->input.len;
    uint64_t line = c->has_line ? c->line : line_at(in, (size_t)at);
    if (c->at_kind == 2 && !c->has_mark) {
      test_failed_checks_++;
      fprintf(stderr, "%s: [%s] at=@ without a mark line\n", c->where, c->name);
    }
    if (!o->res.has_offset || o->res.offset != at || o->res.line != line) {
      test_failed_checks_++;
      fprintf(stderr,
              "%s: [%s] offset %s%llu line %llu, expected offset %llu line %llu\n",
              c->where, c->name, o->res.has_offset ? "" : "(none) ",
              (unsigned long long)o->res.offset,
              (unsigned long long)o->res.line, (unsigned long long)at,
              (unsigned long long)line);
    }
  }
  if (o->res.verdict != SSEVAL_VERDICT_COMPLETE && o->detail[0] == '\0') {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] no detail sentence\n", c->where, c->name);
  }
  if (c->has_error) {
    if (!o->res.has_error ||
        strcmp(sb_str(&o->err_type), sb_str(&c->err_type)) != 0 ||
        o->err_msg.len != c->err_msg.len ||
        (c->err_msg.len && memcmp(o->err_msg.p, c->err_msg.p, c->err_msg.len)) ||
        o->res.error.http_status != c->err_status ||
        o->res.error.retryable != c->err_retryable) {
      test_failed_checks_++;
      fprintf(stderr,
              "%s: [%s] error: got has=%d type=%s status=%d retryable=%d "
              "message=%s\n  expected type=%s status=%d retryable=%d message=%s\n",
              c->where, c->name, o->res.has_error, sb_str(&o->err_type),
              o->res.error.http_status, o->res.error.retryable,
              sb_str(&o->err_msg), sb_str(&c->err_type), c->err_status,
              c->err_retryable, sb_str(&c->err_msg));
    }
  } else if (o->res.has_error && c->verdict != SSEVAL_VERDICT_ERROR_EVENT) {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] unexpected error report\n", c->where, c->name);
  }
  if (c->verdict == SSEVAL_VERDICT_ERROR_EVENT && !o->res.has_error) {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] error_event without has_error\n", c->where,
            c->name);
  }
  for (i = 0; i < c->nstats; i++) {
    int known;
    uint64_t v = stat_value(o, c->stat_key[i], &known);
    if (!known || v != c->stat_val[i]) {
      test_failed_checks_++;
      fprintf(stderr, "%s: [%s] stats %s = %llu, expected %llu\n", c->where,
              c->name, c->stat_key[i], (unsigned long long)v,
              (unsigned long long)c->stat_val[i]);
    }
  }
  if (c->has_msg && strcmp(sb_str(&o->msg), sb_str(&c->msg)) != 0) {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] message JSON\n  got      %s\n  expected %s\n",
            c->where, c->name, sb_str(&o->msg), sb_str(&c->msg));
  }
  if (c->has_cb && strcmp(sb_str(&o->sum), sb_str(&c->cb)) != 0) {
    test_failed_checks_++;
    fprintf(stderr, "%s: [%s] callbacks\n  got:\n%s  expected:\n%s", c->where,
            c->name, sb_str(&o->sum), sb_str(&c->cb));
  }
}

/* Cases whose implementation bug is known and not fixed yet: the expectation
 * stays in the case file; the case is reported, not failed. Empty now. */
static const char *const known_failing[] = {NULL};

static int is_known_failing(const char *name) {
  size_t i;
  for (i = 0; known_failing[i]; i++)
    if (strcmp(known_failing[i], name) == 0) return 1;
  return 0;
}

TEST(cases_load) {
  size_t i;
  load_all_cases();
  CHECK(ncases >= 100);
  for (i = 0; i < ncases; i++) {
    if (cases[i].bad) {
      fprintf(stderr, "%s: [%s] malformed line %d\n", cases[i].where,
              cases[i].name, cases[i].bad);
      test_failed_checks_++;
    }
  }
}

TEST(cases_every_chunking) {
  size_t i;
  for (i = 0; i < ncases; i++) {
    ccase *c = &cases[i];
    outcome base;
    char where[480];
    int before = test_failed_checks_;
    if (c->bad) continue;
    snprintf(where, sizeof where, "%s: [%s]", c->where, c->name);
    run_all_ways(where, (const unsigned char *)sb_str(&c->input), c->input.len,
                 &c->k, c->input.len > 4096 ? 37 : 1, &base);
    if (!base.problem[0]) check_expectations(c, &base);
    outcome_free(&base);
    if (test_failed_checks_ != before && is_known_failing(c->name)) {
      fprintf(stderr, "%s: known implementation bug, not counted\n", where);
      test_failed_checks_ = before;
    }
  }
}

/* ---- streams built in C ----------------------------------------------------------- */

/* Append "event: NAME<eol>data: DATA<eol><eol>"; in DATA every ' becomes "
 * (so JSON reads well in C literals; write \\' for an escaped quote). */
static void add_ev(sb *b, const char *name, const char *data_sq, const char *eol) {
  size_t i, at;
  sb_adds(b, "event: ");
  sb_adds(b, name);
  sb_adds(b, eol);
  sb_adds(b, "data: ");
  at = b->len;
  sb_adds(b, data_sq);
  for (i = at; i < b->len; i++)
    if (b->p[i] == '\'') b->p[i] = '"';
  sb_adds(b, eol);
  sb_adds(b, eol);
}

/* A stream with every callback kind but the error: returns the byte offsets
 * of each event start in starts[] (if not NULL). */
static const char *const all_stream[][2] = {
    {"message_start",
     "{'type':'message_start','message':{'id':'msg_\\u0031','type':'message',"
     "'role':'assistant','model':'cl\\u00e9','content':[],'stop_reason':null,"
     "'stop_sequence':null,'usage':{'input_tokens':3,'output_tokens':1}}}"},
    {"content_block_start",
     "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}"},
    {"ping", "{'type':'ping'}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'plain'}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'a\\nb\\u00e9'}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':0,'delta':{'type':'citations_delta',"
     "'citation':{'type':'char_location','cited_text':'c','start_char_index':0}}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':0,'delta':{'type':'sparkle_delta','n':1}}"},
    {"content_block_start",
     "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use',"
     "'id':'toolu_A','name':'get','input':{}}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':''}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta',"
     "'partial_json':'{\\'k\\':'}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta',"
     "'partial_json':'[1,\\'\\\\u00e9\\']}'}}"},
    {"content_block_stop", "{'type':'content_block_stop','index':1}"},
    {"content_block_stop", "{'type':'content_block_stop','index':0}"},
    {"brand_new_event", "{'type':'brand_new_event','x':[1]}"},
    {"content_block_start",
     "{'type':'content_block_start','index':2,'content_block':{'type':'thinking','thinking':'','signature':''}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':2,'delta':{'type':'thinking_delta','thinking':'hmm'}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':2,'delta':{'type':'signature_delta','signature':'c2ln'}}"},
    {"content_block_stop", "{'type':'content_block_stop','index':2}"},
    {"content_block_start",
     "{'type':'content_block_start','index':3,'content_block':{'type':'compaction','content':null}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':3,'delta':{'type':'compaction_delta','content':'S'}}"},
    {"content_block_stop", "{'type':'content_block_stop','index':3}"},
    {"content_block_start",
     "{'type':'content_block_start','index':4,'content_block':{'type':'hologram','v':1}}"},
    {"content_block_delta",
     "{'type':'content_block_delta','index':4,'delta':{'type':'hologram_delta','v':2}}"},
    {"content_block_stop", "{'type':'content_block_stop','index':4}"},
    {"message_delta",
     "{'type':'message_delta','delta':{'stop_reason':'stop_sequence','stop_sequence':'\\u0045ND'},"
     "'usage':{'output_tokens':9}}"},
    {"message_stop", "{'type':'message_stop'}"},
};
#define ALL_N (sizeof all_stream / sizeof all_stream[0])

static void build_all(sb *b, const char *eol, size_t *starts) {
  size_t i;
  for (i = 0; i < ALL_N; i++) {
    if (starts) starts[i] = b->len;
    add_ev(b, all_stream[i][0], all_stream[i][1], eol);
  }
}

/* The message the stream above rebuilds, written by hand. */
static const char all_message[] =
    "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"cl\xc3\xa9\","
    "\"content\":["
    "{\"type\":\"text\",\"text\":\"plaina\\nb\xc3\xa9\",\"citations\":[{\"type\":\"char_location\","
    "\"cited_text\":\"c\",\"start_char_index\":0}]},"
    "{\"type\":\"tool_use\",\"id\":\"toolu_A\",\"name\":\"get\",\"input\":{\"k\":[1,\"\\u00e9\"]}},"
    "{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"c2ln\"},"
    "{\"type\":\"compaction\",\"content\":\"S\"},"
    "{\"type\":\"hologram\",\"v\":1}"
    "],\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\","
    "\"usage\":{\"input_tokens\":3,\"output_tokens\":9}}";

/* Feed a whole buffer (handling PAUSED); returns the last status. */
static sseval_status feed_all(sseval_claude *c, const char *buf, size_t len) {
  size_t off = 0;
  sseval_status st = SSEVAL_OK;
  while (off < len) {
    size_t used = 0;
    st = sseval_claude_feed(c, buf + off, len - off, &used);
    off += used;
    if (st == SSEVAL_PAUSED) continue;
    if (st != SSEVAL_OK) return st;
    if (used == 0) break;
  }
  return st;
}

/* ---- every cut point ---------------------------------------------------------------- */

/*
 * Every prefix of a valid stream: complete once message_stop's blank line has
 * begun (its CR or LF ends the line at once), else truncated at offset = the
 * prefix length: eof_before_message_stop at an event boundary,
 * eof_inside_event elsewhere. Each prefix is fed whole and in random chunks;
 * boundary prefixes also byte by byte.
 */
static void truncation_run(const char *eol) {
  sb s = {0};
  size_t len, L, complete_at;
  cfg k;
  memset(&k, 0, sizeof k);
  k.flags = SSEVAL_CLAUDE_ACCUMULATE;
  build_all(&s, eol, NULL);
  len = s.len;
  /* the message_stop event ends with its blank line: eol; it is dispatched
   * as soon as that line's first terminator byte is read */
  complete_at = len - strlen(eol) + 1;
  for (L = 0; L <= len; L++) {
    const unsigned char *in = (const unsigned char *)s.p;
    sseval_verdict want_v;
    sseval_rule want_r;
    int boundary = at_event_boundary(in, L);
    outcome o;
    test_chunking ch;
    way w;
    int pass;
    if (L >= complete_at) {
      want_v = SSEVAL_VERDICT_COMPLETE;
      want_r = SSEVAL_RULE_NONE;
    } else {
      want_v = SSEVAL_VERDICT_TRUNCATED;
      want_r = boundary ? SSEVAL_RULE_EOF_BEFORE_MESSAGE_STOP
                        : SSEVAL_RULE_EOF_INSIDE_EVENT;
    }
    tc_init(&ch, L);
    for (pass = 0; pass < 3; pass++) {
      if (pass == 0) tc_whole(&ch, L);
      else if (pass == 1) tc_random(&ch, L, 16);
      else if (boundary || L % 17 == 0) tc_fixed(&ch, L, 1);
      else break;
      w = chunk_way(&ch, pass == 1);
      run_chunks(in, &k, &w, 0, &o);
      if (o.problem[0] || o.res.verdict != want_v || o.res.rule != want_r ||
          (want_v == SSEVAL_VERDICT_COMPLETE
               ? o.res.has_offset
               : (!o.res.has_offset || o.res.offset != L ||
                  o.res.line != line_at(in, L))) ||
          o.msg_st != SSEVAL_OK || o.res.bytes != L) {
        test_failed_checks_++;
        fprintf(stderr,
                "truncation (eol %s) cut at %zu/%zu pass %d: got %s/%s off=%llu "
                "line=%llu bytes=%llu, expected %s/%s off=%zu line=%llu %s\n",
                eol[0] == '\r' ? (eol[1] ? "CRLF" : "CR") : "LF", L, len, pass,
                sseval_verdict_name(o.res.verdict), sseval_rule_id(o.res.rule),
                (unsigned long long)o.res.offset, (unsigned long long)o.res.line,
                (unsigned long long)o.res.bytes, sseval_verdict_name(want_v),
                sseval_rule_id(want_r), L, (unsigned long long)line_at(in, L),
                o.problem);
        outcome_free(&o);
        tc_free(&ch);
        sb_free(&s);
        return;
      }
      outcome_free(&o);
    }
    tc_free(&ch);
  }
  sb_free(&s);
}

TEST(truncation_every_point_lf) { truncation_run("\n"); }
TEST(truncation_every_point_crlf) { truncation_run("\r\n"); }
TEST(truncation_every_point_cr) { truncation_run("\r"); }

/* The whole stream of every kind, every way, against the hand-written message. */
TEST(all_kinds_stream_every_way) {
  static const char *const eols[] = {"\n", "\r\n", "\r"};
  size_t e;
  for (e = 0; e < 3; e++) {
    sb s = {0};
    outcome base;
    cfg k;
    memset(&k, 0, sizeof k);
    build_all(&s, eols[e], NULL);
    if (run_all_ways("all_kinds_stream", (const unsigned char *)s.p, s.len, &k,
                     e == 0 ? 1 : 5, &base)) {
      CHECK(base.res.verdict == SSEVAL_VERDICT_COMPLETE);
      CHECK_STR(base.msg.p, base.msg.len, all_message);
      CHECK_EQ_U64(base.st.pings, 1);
      CHECK_EQ_U64(base.st.unknown_events, 1);
      CHECK_EQ_U64(base.st.unknown_deltas, 2);
      CHECK_EQ_U64(base.st.unknown_blocks, 1);
      CHECK_EQ_U64(base.st.events, ALL_N);
      CHECK_EQ_U64(base.res.events, ALL_N);
      CHECK_EQ_U64(base.res.bytes, s.len);
    }
    outcome_free(&base);
    sb_free(&s);
  }
}

/* ---- callback values ------------------------------------------------------------------ */

typedef struct vals {
  const char *buf; /* the buffer fed whole */
  size_t len;
  sb text, input, thinking, sig;
  int text_pieces_in_buf, text_pieces;
  int plain_zero_copy;  /* the "plain" piece points at its bytes in buf */
  int mstart, bstart, citation, compaction, bstop, mdelta, mstop, ping;
  int uevent, udelta, sse;
  char problem[300];
} vals;

static void vals_problem(vals *v, const char *what) {
  if (!v->problem[0]) snprintf(v->problem, sizeof v->problem, "%s", what);
}

/* Is span s exactly the bytes of `lit` found in v->buf (zero copy)? */
static int in_buf_at(const vals *v, sseval_span s, const char *lit) {
  const char *p;
  size_t n = strlen(lit);
  if (s.len != n || !s.ptr) return 0;
  for (p = v->buf; p + n <= v->buf + v->len; p++)
    if (p == s.ptr) return memcmp(p, lit, n) == 0;
  return 0;
}

static int in_buf(const vals *v, sseval_span s) {
  return s.ptr >= v->buf && s.ptr + s.len <= v->buf + v->len;
}

static int v_mstart(void *u, const sseval_message_info *m) {
  vals *v = (vals *)u;
  v->mstart++;
  if (!span_eq(m->id, "msg_1")) vals_problem(v, "message_start id");
  if (!span_eq(m->model, "cl\xc3\xa9")) vals_problem(v, "message_start model");
  if (!in_buf_at(v, m->usage_json, "{\"input_tokens\":3,\"output_tokens\":1}"))
    vals_problem(v, "message_start usage_json");
  if (!in_buf_at(v, m->raw_json,
                 "{\"id\":\"msg_\\u0031\",\"type\":\"message\",\"role\":\"assistant\","
                 "\"model\":\"cl\\u00e9\",\"content\":[],\"stop_reason\":null,"
                 "\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}"))
    vals_problem(v, "message_start raw_json");
  return SSEVAL_CB_OK;
}

static int v_bstart(void *u, const sseval_block_info *b) {
  vals *v = (vals *)u;
  static const sseval_block_type types[] = {
      SSEVAL_BLOCK_TEXT, SSEVAL_BLOCK_TOOL_USE, SSEVAL_BLOCK_THINKING,
      SSEVAL_BLOCK_COMPACTION, SSEVAL_BLOCK_UNKNOWN};
  static const char *const names[] = {"text", "tool_use", "thinking",
                                      "compaction", "hologram"};
  if (b->index != (uint32_t)v->bstart || b->index > 4) {
    vals_problem(v, "block_start index");
    return SSEVAL_CB_OK;
  }
  if (b->type != types[b->index] || !span_eq(b->type_name, names[b->index]))
    vals_problem(v, "block_start type");
  if (b->index == 1) {
    if (!span_eq(b->tool_id, "toolu_A") || !span_eq(b->tool_name, "get"))
      vals_problem(v, "block_start tool id/name");
    if (!in_buf_at(v, b->raw_json,
                   "{\"type\":\"tool_use\",\"id\":\"toolu_A\",\"name\":\"get\",\"input\":{}}"))
      vals_problem(v, "block_start raw_json (tool)");
  } else if (b->tool_id.len || b->tool_name.len) {
    vals_problem(v, "block_start tool id on a non-tool block");
  }
  if (b->index == 4 && !in_buf_at(v, b->raw_json, "{\"type\":\"hologram\",\"v\":1}"))
    vals_problem(v, "block_start raw_json (unknown)");
  v->bstart++;
  return SSEVAL_CB_OK;
}

static int v_text(void *u, uint32_t i, sseval_span p) {
  vals *v = (vals *)u;
  if (i != 0) vals_problem(v, "text index");
  v->text_pieces++;
  if (in_buf(v, p)) v->text_pieces_in_buf++;
  if (in_buf_at(v, p, "plain")) v->plain_zero_copy = 1;
  sb_add(&v->text, p.ptr, p.len);
  return SSEVAL_CB_OK;
}
static int v_input(void *u, uint32_t i, sseval_span p) {
  vals *v = (vals *)u;
  if (i != 1) vals_problem(v, "input index");
  sb_add(&v->input, p.ptr, p.len);
  return SSEVAL_CB_OK;
}
static int v_thinking(void *u, uint32_t i, sseval_span p) {
  vals *v = (vals *)u;
  if (i != 2) vals_problem(v, "thinking index");
  sb_add(&v->thinking, p.ptr, p.len);
  return SSEVAL_CB_OK;
}
static int v_sig(void *u, uint32_t i, sseval_span p) {
  vals *v = (vals *)u;
  if (i != 2) vals_problem(v, "signature index");
  sb_add(&v->sig, p.ptr, p.len);
  return SSEVAL_CB_OK;
}
static int v_citation(void *u, uint32_t i, sseval_span raw) {
  vals *v = (vals *)u;
  v->citation++;
  if (i != 0 ||
      !in_buf_at(v, raw, "{\"type\":\"char_location\",\"cited_text\":\"c\",\"start_char_index\":0}"))
    vals_problem(v, "citation");
  return SSEVAL_CB_OK;
}
static int v_compaction(void *u, uint32_t i, sseval_span raw) {
  vals *v = (vals *)u;
  v->compaction++;
  if (i != 3 || !in_buf_at(v, raw, "{\"type\":\"compaction_delta\",\"content\":\"S\"}"))
    vals_problem(v, "compaction");
  return SSEVAL_CB_OK;
}
static int v_bstop(void *u, uint32_t i) {
  vals *v = (vals *)u;
  static const uint32_t order[] = {1, 0, 2, 3, 4};
  if (v->bstop > 4 || i != order[v->bstop]) vals_problem(v, "block_stop order");
  v->bstop++;
  return SSEVAL_CB_OK;
}
static int v_mdelta(void *u, const sseval_delta_info *d) {
  vals *v = (vals *)u;
  v->mdelta++;
  if (!d->has_stop_reason || !span_eq(d->stop_reason, "stop_sequence"))
    vals_problem(v, "message_delta stop_reason");
  if (!d->has_stop_sequence || !span_eq(d->stop_sequence, "END"))
    vals_problem(v, "message_delta stop_sequence (decoded)");
  if (!in_buf_at(v, d->usage_json, "{\"output_tokens\":9}"))
    vals_problem(v, "message_delta usage_json");
  if (!in_buf_at(v, d->delta_json,
                 "{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\\u0045ND\"}"))
    vals_problem(v, "message_delta delta_json");
  return SSEVAL_CB_OK;
}
static int v_mstop(void *u) {
  ((vals *)u)->mstop++;
  return SSEVAL_CB_OK;
}
static int v_ping(void *u) {
  ((vals *)u)->ping++;
  return SSEVAL_CB_OK;
}
static int v_uevent(void *u, sseval_span name, sseval_span data) {
  vals *v = (vals *)u;
  v->uevent++;
  if (!span_eq(name, "brand_new_event") ||
      !in_buf_at(v, data, "{\"type\":\"brand_new_event\",\"x\":[1]}"))
    vals_problem(v, "unknown_event");
  return SSEVAL_CB_OK;
}
static int v_udelta(void *u, uint32_t i, sseval_span type, sseval_span json) {
  vals *v = (vals *)u;
  v->udelta++;
  if (i == 0) {
    if (!span_eq(type, "sparkle_delta") ||
        !in_buf_at(v, json, "{\"type\":\"sparkle_delta\",\"n\":1}"))
      vals_problem(v, "unknown_delta on text");
  } else if (i == 4) {
    if (!span_eq(type, "hologram_delta") ||
        !in_buf_at(v, json, "{\"type\":\"hologram_delta\",\"v\":2}"))
      vals_problem(v, "unknown_delta on unknown block");
  } else {
    vals_problem(v, "unknown_delta index");
  }
  return SSEVAL_CB_OK;
}
static int v_sse(void *u, const sseval_sse_event *ev) {
  vals *v = (vals *)u;
  if (!in_buf(v, ev->data) || !(ev->flags & SSEVAL_SSE_TYPE_SET))
    vals_problem(v, "sse event data not zero-copy or unnamed");
  v->sse++;
  return SSEVAL_CB_OK;
}

TEST(callback_values_whole_feed) {
  sb s = {0};
  vals v;
  sseval_claude_callbacks cbs;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  sseval_claude_stats st;
  size_t used = 0;
  memset(&v, 0, sizeof v);
  build_all(&s, "\n", NULL);
  v.buf = s.p;
  v.len = s.len;
  sseval_claude_callbacks_init(&cbs);
  cbs.on_message_start = v_mstart;
  cbs.on_block_start = v_bstart;
  cbs.on_text = v_text;
  cbs.on_tool_input = v_input;
  cbs.on_thinking = v_thinking;
  cbs.on_signature = v_sig;
  cbs.on_citation = v_citation;
  cbs.on_compaction = v_compaction;
  cbs.on_block_stop = v_bstop;
  cbs.on_message_delta = v_mdelta;
  cbs.on_message_stop = v_mstop;
  cbs.on_ping = v_ping;
  cbs.on_unknown_event = v_uevent;
  cbs.on_unknown_delta = v_udelta;
  cbs.on_sse_event = v_sse;
  CHECK(sseval_claude_new(&c, &cbs, &v, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_feed(c, s.p, s.len, &used) == SSEVAL_OK);
  CHECK_EQ_U64(used, s.len);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  if (v.problem[0]) {
    test_failed_checks_++;
    fprintf(stderr, "callback_values: %s\n", v.problem);
  }
  /* "a\nb\u00e9" gives a, LF, b, C3 A9 across one or more pieces */
  CHECK_STR(v.text.p, v.text.len, "plaina\nb\xc3\xa9");
  CHECK(v.plain_zero_copy);
  CHECK(v.text_pieces >= 2);
  CHECK(v.text_pieces_in_buf >= 2); /* "plain" and at least the "a" / "b" runs */
  CHECK_STR(v.input.p, v.input.len, "{\"k\":[1,\"\\u00e9\"]}");
  CHECK_STR(v.thinking.p, v.thinking.len, "hmm");
  CHECK_STR(v.sig.p, v.sig.len, "c2ln");
  CHECK(v.mstart == 1 && v.bstart == 5 && v.citation == 1 && v.compaction == 1);
  CHECK(v.bstop == 5 && v.mdelta == 1 && v.mstop == 1 && v.ping == 1);
  CHECK(v.uevent == 1 && v.udelta == 2);
  CHECK_EQ_U64(v.sse, ALL_N);
  sseval_claude_get_stats(c, &st);
  CHECK(st.bytes_zero_copy > 0);
  CHECK_EQ_U64(st.events, ALL_N);
  sseval_claude_free(c);
  sb_free(&v.text);
  sb_free(&v.input);
  sb_free(&v.thinking);
  sb_free(&v.sig);
  sb_free(&s);
}

/* An error event's values reach on_error_event and the result. */
typedef struct errv {
  int calls;
  sb type, msg;
  int status, retryable;
} errv;

static int e_error(void *u, const sseval_api_error *e) {
  errv *v = (errv *)u;
  v->calls++;
  sb_add(&v->type, e->type.ptr, e->type.len);
  sb_add(&v->msg, e->message.ptr, e->message.len);
  v->status = e->http_status;
  v->retryable = e->retryable;
  return SSEVAL_CB_OK;
}

static void error_event_case(const char *data, const char *type, const char *msg,
                             int status, int retryable) {
  sb s = {0};
  errv v;
  sseval_claude_callbacks cbs;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  memset(&v, 0, sizeof v);
  add_ev(&s, "message_start",
         "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
  add_ev(&s, "error", data, "\n");
  sseval_claude_callbacks_init(&cbs);
  cbs.on_error_event = e_error;
  CHECK(sseval_claude_new(&c, &cbs, &v, NULL) == SSEVAL_OK);
  CHECK(feed_all(c, s.p, s.len) == SSEVAL_OK);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_ERROR_EVENT);
  CHECK(r.rule == SSEVAL_RULE_NONE);
  CHECK(r.has_error);
  CHECK(r.has_offset);
  /* "event: message_start\n" 21 + "data: " 6 + 58-byte JSON + "\n\n" 2 = 87 */
  CHECK_EQ_U64(r.offset, 87);
  CHECK_EQ_U64(r.line, 4);
  CHECK(v.calls == 1);
  CHECK_STR(v.type.p, v.type.len, type);
  CHECK_STR(v.msg.p, v.msg.len, msg);
  CHECK(v.status == status && v.retryable == retryable);
  CHECK_STR(r.error.type.ptr, r.error.type.len, type);
  CHECK_STR(r.error.message.ptr, r.error.message.len, msg);
  CHECK(r.error.http_status == status && r.error.retryable == retryable);
  sseval_claude_free(c);
  sb_free(&v.type);
  sb_free(&v.msg);
  sb_free(&s);
}

TEST(error_event_values) {
  error_event_case("{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}",
                   "overloaded_error", "Overloaded", 529, 1);
  error_event_case("{'type':'error','error':{'type':'invalid_request_error',"
                   "'message':'bad \\'x\\' \\u00e9'}}",
                   "invalid_request_error", "bad \"x\" \xc3\xa9", 400, 0);
  error_event_case("upstream connect error", "", "upstream connect error", 0, 0);
  error_event_case("{'type':'error','error':{'type':'new_error','message':'n'}}",
                   "new_error", "n", 0, 0);
}

/* ---- pause and abort ---------------------------------------------------------------- */

/* Pausing in callbacks of one kind at a time gives the same result; each
 * PAUSED leaves the consumed bytes at an event boundary (run_chunks checks). */
TEST(pause_from_each_callback_kind) {
  sb s = {0};
  cfg k;
  outcome base, o;
  test_chunking ch;
  way w;
  int kind;
  memset(&k, 0, sizeof k);
  k.flags = SSEVAL_CLAUDE_ACCUMULATE;
  build_all(&s, "\n", NULL);
  tc_init(&ch, 0);
  tc_whole(&ch, s.len);
  w = chunk_way(&ch, 0);
  run_chunks((const unsigned char *)s.p, &k, &w, 0, &base);
  CHECK(base.res.verdict == SSEVAL_VERDICT_COMPLETE);
  for (kind = CBK_SSE; kind < CBK_COUNT_; kind++) {
    char what[64];
    if (kind == CBK_ERROR) continue; /* no error event in this stream */
    w.pause_kind = kind;
    snprintf(what, sizeof what, "whole run pausing in callback kind %d", kind);
    run_chunks((const unsigned char *)s.p, &k, &w, 0, &o);
    same_outcome("pause_from_each_callback_kind", what,
                 (const unsigned char *)s.p, s.len, &k, &w, &base, &o, 1);
    if (o.pauses == 0) {
      test_failed_checks_++;
      fprintf(stderr, "pause kind %d: feed never returned PAUSED\n", kind);
    }
    outcome_free(&o);
  }
  tc_free(&ch);
  outcome_free(&base);
  sb_free(&s);
}

/* A pause asked by the first piece of a delta with several pieces takes
 * effect after the event: the remaining pieces still arrive first, and feed
 * returns PAUSED with the bytes consumed up to the end of that event. */
typedef struct pz {
  sb text;
  int paused_once;
} pz;

static int pz_text(void *u, uint32_t i, sseval_span p) {
  pz *z = (pz *)u;
  (void)i;
  sb_add(&z->text, p.ptr, p.len);
  if (!z->paused_once) {
    z->paused_once = 1;
    return SSEVAL_CB_PAUSE;
  }
  return SSEVAL_CB_OK;
}

TEST(pause_takes_effect_at_the_event_end) {
  sb s = {0};
  pz z;
  sseval_claude_callbacks cbs;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  size_t used = 0, end_of_delta;
  memset(&z, 0, sizeof z);
  add_ev(&s, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
  add_ev(&s, "content_block_start",
         "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}", "\n");
  add_ev(&s, "content_block_delta",
         "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'a\\nb\\u00e9c'}}",
         "\n");
  end_of_delta = s.len;
  add_ev(&s, "content_block_stop", "{'type':'content_block_stop','index':0}", "\n");
  add_ev(&s, "message_delta", "{'type':'message_delta','delta':{'stop_reason':'end_turn'}}", "\n");
  add_ev(&s, "message_stop", "{'type':'message_stop'}", "\n");
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = pz_text;
  CHECK(sseval_claude_new(&c, &cbs, &z, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_feed(c, s.p, s.len, &used) == SSEVAL_PAUSED);
  CHECK_EQ_U64(used, end_of_delta);
  CHECK_STR(z.text.p, z.text.len, "a\nb\xc3\xa9" "c"); /* every piece arrived */
  sseval_claude_get_result(c, &r);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE && !r.finished);
  CHECK_EQ_U64(r.events, 3);
  /* resume from a copy of the rest */
  {
    size_t n = s.len - used, used2 = 0;
    char *rest = (char *)xmalloc(n);
    memcpy(rest, s.p + used, n);
    CHECK(sseval_claude_feed(c, rest, n, &used2) == SSEVAL_OK);
    CHECK_EQ_U64(used2, n);
    free(rest);
  }
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  CHECK_EQ_U64(r.events, 6);
  CHECK_EQ_U64(r.bytes, s.len);
  sseval_claude_free(c);
  sb_free(&z.text);
  sb_free(&s);
}

/* A pause on the very last event still makes feed return PAUSED. */
static int pz_stop(void *u) {
  (void)u;
  return SSEVAL_CB_PAUSE;
}

TEST(pause_on_the_last_event) {
  sb s = {0};
  sseval_claude_callbacks cbs;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  size_t used = 0;
  add_ev(&s, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
  add_ev(&s, "message_delta", "{'type':'message_delta','delta':{'stop_reason':'end_turn'}}", "\n");
  add_ev(&s, "message_stop", "{'type':'message_stop'}", "\n");
  sseval_claude_callbacks_init(&cbs);
  cbs.on_message_stop = pz_stop;
  CHECK(sseval_claude_new(&c, &cbs, NULL, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_feed(c, s.p, s.len, &used) == SSEVAL_PAUSED);
  CHECK_EQ_U64(used, s.len);
  CHECK(sseval_claude_feed(c, s.p + used, 0, &used) == SSEVAL_OK);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  sseval_claude_free(c);
  sb_free(&s);
}

/* Abort from each kind of callback: feed returns SSEVAL_E_CALLBACK, sticky
 * (later feeds and finish return it too), and no callback runs after it. */
TEST(abort_from_each_callback_kind_is_sticky) {
  sb s = {0};
  int kind, before = test_failed_checks_;
  build_all(&s, "\n", NULL);
  for (kind = CBK_SSE; kind < CBK_COUNT_; kind++) {
    sseval_claude_callbacks cbs;
    sseval_claude_options opts;
    sseval_claude *c = NULL;
    sseval_claude_result r;
    rec rc;
    size_t off = 0, used = 0;
    sseval_status st = SSEVAL_OK;
    if (kind == CBK_ERROR) continue;
    rec_init(&rc, 0);
    rc.abort_kind = kind;
    rec_callbacks(&cbs);
    sseval_claude_options_init(&opts);
    opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
    CHECK(sseval_claude_new(&c, &cbs, &rc, &opts) == SSEVAL_OK);
    /* feed in 50-byte chunks until the abort */
    while (off < s.len) {
      size_t n = s.len - off < 50 ? s.len - off : 50;
      st = sseval_claude_feed(c, s.p + off, n, &used);
      if (st != SSEVAL_OK) break;
      off += used;
    }
    CHECK(st == SSEVAL_E_CALLBACK);
    CHECK(rc.aborted);
    CHECK_EQ_U64(rc.after_abort, 0);
    used = 99;
    CHECK(sseval_claude_feed(c, "event: ping\n", 12, &used) == SSEVAL_E_CALLBACK);
    CHECK_EQ_U64(used, 0);
    CHECK(sseval_claude_finish(c, &r) == SSEVAL_E_CALLBACK);
    CHECK_EQ_U64(rc.after_abort, 0);
    /* the partial message can still be written */
    {
      sb m = {0};
      CHECK(sseval_claude_write_message_json(c, sb_sink, &m) == SSEVAL_OK);
      CHECK(m.len > 0 && m.p[0] == '{' && m.p[m.len - 1] == '}');
      sb_free(&m);
    }
    sseval_claude_free(c);
    rec_free(&rc);
    if (test_failed_checks_ != before) {
      fprintf(stderr, "  (abort kind %d)\n", kind);
      break;
    }
  }
  sb_free(&s);
}

/* Abort from on_error_event. */
static int ab_error(void *u, const sseval_api_error *e) {
  (void)u;
  (void)e;
  return SSEVAL_CB_ABORT;
}

TEST(abort_from_error_callback) {
  sb s = {0};
  sseval_claude_callbacks cbs;
  sseval_claude *c = NULL;
  size_t used = 0;
  add_ev(&s, "error", "{'type':'error','error':{'type':'api_error','message':'x'}}", "\n");
  sseval_claude_callbacks_init(&cbs);
  cbs.on_error_event = ab_error;
  CHECK(sseval_claude_new(&c, &cbs, NULL, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_feed(c, s.p, s.len, &used) == SSEVAL_E_CALLBACK);
  CHECK(sseval_claude_finish(c, NULL) == SSEVAL_E_CALLBACK);
  sseval_claude_free(c);
  sb_free(&s);
}

/* ---- reset and reuse ---------------------------------------------------------------- */

/* Run `in` through an existing instance (whole feed), collecting the outcome. */
static void run_on(sseval_claude *c, rec *r, const char *in, size_t len,
                   outcome *o) {
  memset(o, 0, sizeof *o);
  o->feed_st = feed_all(c, in, len);
  if (o->feed_st == SSEVAL_PAUSED) o->feed_st = SSEVAL_OK;
  o->finish_st = sseval_claude_finish(c, &o->res);
  collect(c, r, o);
}

TEST(reset_and_reuse) {
  sb a = {0}, b = {0};
  sseval_claude_callbacks cbs;
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  rec r;
  outcome fresh_a, fresh_b, o;
  cfg k;
  way w;
  test_chunking ch;
  /* a: a violation mid-stream; b: the complete stream of every kind */
  add_ev(&a, "message_start", "{'type':'message_start','message':{'id':'a1','model':'m'}}", "\n");
  add_ev(&a, "content_block_start",
         "{'type':'content_block_start','index':0,'content_block':{'type':'tool_use','id':'t','name':'f','input':{}}}",
         "\n");
  add_ev(&a, "content_block_delta",
         "{'type':'content_block_delta','index':0,'delta':{'type':'input_json_delta','partial_json':'{\\'a'}}",
         "\n");
  add_ev(&a, "content_block_stop", "{'type':'content_block_stop','index':3}", "\n");
  build_all(&b, "\n", NULL);
  memset(&k, 0, sizeof k);
  k.flags = SSEVAL_CLAUDE_ACCUMULATE;
  tc_init(&ch, 0);
  tc_whole(&ch, a.len);
  w = chunk_way(&ch, 0);
  run_chunks((const unsigned char *)a.p, &k, &w, 0, &fresh_a);
  tc_whole(&ch, b.len);
  w = chunk_way(&ch, 0);
  run_chunks((const unsigned char *)b.p, &k, &w, 0, &fresh_b);
  tc_free(&ch);
  CHECK(fresh_a.res.rule == SSEVAL_RULE_STOP_FOR_UNOPENED_BLOCK);
  CHECK(fresh_b.res.verdict == SSEVAL_VERDICT_COMPLETE);

  rec_init(&r, 0);
  rec_callbacks(&cbs);
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
  CHECK(sseval_claude_new(&c, &cbs, &r, &opts) == SSEVAL_OK);
  /* a, reset, b: as fresh */
  run_on(c, &r, a.p, a.len, &o);
  same_outcome("reset_and_reuse", "first run", NULL, 0, &k, NULL, &fresh_a, &o, 1);
  outcome_free(&o);
  sseval_claude_reset(c);
  rec_init(&r, 0);
  run_on(c, &r, b.p, b.len, &o);
  same_outcome("reset_and_reuse", "after reset", NULL, 0, &k, NULL, &fresh_b, &o, 1);
  outcome_free(&o);
  /* reset in the middle of an event, then a again */
  sseval_claude_reset(c);
  CHECK(sseval_claude_feed(c, b.p, b.len / 2 + 3, NULL) == SSEVAL_OK);
  sseval_claude_reset(c);
  rec_init(&r, 0);
  run_on(c, &r, a.p, a.len, &o);
  same_outcome("reset_and_reuse", "after a mid-event reset", NULL, 0, &k, NULL,
               &fresh_a, &o, 1);
  outcome_free(&o);
  /* reset after an abort makes the instance usable again */
  sseval_claude_reset(c);
  rec_init(&r, 0);
  r.abort_kind = CBK_TEXT;
  CHECK(feed_all(c, b.p, b.len) == SSEVAL_E_CALLBACK);
  sseval_claude_reset(c);
  rec_init(&r, 0);
  run_on(c, &r, b.p, b.len, &o);
  same_outcome("reset_and_reuse", "after an abort and reset", NULL, 0, &k, NULL,
               &fresh_b, &o, 1);
  outcome_free(&o);
  /* before any feed after reset: the result is empty */
  sseval_claude_reset(c);
  {
    sseval_claude_result res;
    sseval_claude_stats st;
    sseval_claude_get_result(c, &res);
    CHECK(res.verdict == SSEVAL_VERDICT_COMPLETE && !res.has_offset);
    CHECK(res.events == 0 && res.bytes == 0 && !res.finished);
    CHECK(sseval_claude_block_count(c) == 0);
    sseval_claude_get_stats(c, &st);
    CHECK(st.events == 0 && st.pings == 0 && st.unknown_events == 0);
  }
  sseval_claude_free(c);
  rec_free(&r);
  outcome_free(&fresh_a);
  outcome_free(&fresh_b);
  sb_free(&a);
  sb_free(&b);
}

/* Reset keeps the options: lenient stays on. */
TEST(reset_keeps_options) {
  sb s = {0};
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  int i;
  sb_adds(&s, "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"m\"}}\n\n");
  sb_adds(&s, "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}\n\n");
  sb_adds(&s, "data: {\"type\":\"message_stop\"}\n\n");
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_LENIENT_UNNAMED;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_OK);
  for (i = 0; i < 2; i++) {
    CHECK(feed_all(c, s.p, s.len) == SSEVAL_OK);
    CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
    CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
    sseval_claude_reset(c);
  }
  sseval_claude_free(c);
  sb_free(&s);
}

/* ---- misuse and small API --------------------------------------------------------------- */

TEST(misuse) {
  sseval_claude *c = NULL;
  sseval_claude_callbacks cbs;
  sseval_claude_options opts;
  sseval_claude_result r;
  sseval_block_view bv;
  sseval_allocator bad;
  size_t used = 7;
  sb m = {0};
  CHECK(sseval_claude_new(NULL, NULL, NULL, NULL) == SSEVAL_E_MISUSE);
  sseval_claude_callbacks_init(&cbs);
  cbs.struct_size = sizeof cbs - 1;
  CHECK(sseval_claude_new(&c, &cbs, NULL, NULL) == SSEVAL_E_STRUCT_SIZE);
  CHECK(c == NULL);
  sseval_claude_options_init(&opts);
  opts.struct_size = 8;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_E_STRUCT_SIZE);
  sseval_claude_options_init(&opts);
  memset(&bad, 0, sizeof bad);
  bad.malloc = c_malloc; /* realloc and free missing */
  opts.allocator = &bad;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_E_MISUSE);
  sseval_claude_free(NULL); /* no-op */

  /* without ACCUMULATE: no message */
  CHECK(sseval_claude_new(&c, NULL, NULL, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_write_message_json(c, sb_sink, &m) == SSEVAL_E_MISUSE);
  CHECK(sseval_claude_write_usage_json(c, sb_sink, &m) == SSEVAL_E_MISUSE);
  CHECK(m.len == 0);
  CHECK(sseval_claude_block_count(c) == 0);
  CHECK(sseval_claude_block(c, 0, &bv) == SSEVAL_E_MISUSE);
  /* the verdict so far, before finish */
  sseval_claude_get_result(c, &r);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE && r.rule == SSEVAL_RULE_NONE);
  CHECK(!r.has_offset && !r.finished && r.detail != NULL);
  CHECK(sseval_claude_feed(c, "event: message_stop\ndata: {}\n\n", 30, &used) ==
        SSEVAL_OK);
  CHECK_EQ_U64(used, 30);
  sseval_claude_get_result(c, &r); /* a violation is visible before finish */
  CHECK(r.rule == SSEVAL_RULE_EVENT_BEFORE_MESSAGE_START && !r.finished);
  CHECK(r.has_offset && r.offset == 0 && r.line == 1);
  CHECK(sseval_claude_feed(c, "x", 1, &used) == SSEVAL_OK); /* drained */
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.finished);
  CHECK_EQ_U64(r.bytes, 31);
  CHECK(sseval_claude_feed(c, "x", 1, &used) == SSEVAL_E_MISUSE);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_E_MISUSE);
  CHECK(r.rule == SSEVAL_RULE_EVENT_BEFORE_MESSAGE_START); /* still filled */
  sseval_claude_free(c);

  /* ACCUMULATE: out-of-range block */
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_OK);
  CHECK(sseval_claude_block(c, 0, &bv) == SSEVAL_E_MISUSE);
  CHECK(sseval_claude_write_usage_json(c, sb_sink, &m) == SSEVAL_OK);
  CHECK_STR(m.p, m.len, "{}");
  CHECK(sseval_claude_memory(c) > 0);
  sseval_claude_free(c);
  sb_free(&m);
}

TEST(verdict_and_rule_tables) {
  /* the rule ids of docs/PROTOCOL.md and claude.h, with their verdicts */
  static const struct {
    sseval_rule r;
    const char *id;
    sseval_verdict v;
  } rules[] = {
      {SSEVAL_RULE_NONE, "none", SSEVAL_VERDICT_COMPLETE},
      {SSEVAL_RULE_EVENT_NAME_MISSING, "event_name_missing", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_EVENT_DATA_NOT_JSON, "event_data_not_json", SSEVAL_VERDICT_INVALID_JSON},
      {SSEVAL_RULE_EVENT_TYPE_MISMATCH, "event_type_mismatch", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_EVENT_FIELD_INVALID, "event_field_invalid", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_EVENT_AFTER_MESSAGE_STOP, "event_after_message_stop", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_DUPLICATE_MESSAGE_START, "duplicate_message_start", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_EVENT_BEFORE_MESSAGE_START, "event_before_message_start", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_BLOCK_START_INDEX_GAP, "block_start_index_gap", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_BLOCK_START_INDEX_DUPLICATE, "block_start_index_duplicate", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_DELTA_FOR_UNOPENED_BLOCK, "delta_for_unopened_block", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_DELTA_AFTER_BLOCK_STOP, "delta_after_block_stop", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_DELTA_TYPE_MISMATCH, "delta_type_mismatch", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_STOP_FOR_UNOPENED_BLOCK, "stop_for_unopened_block", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_DUPLICATE_BLOCK_STOP, "duplicate_block_stop", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_TOOL_INPUT_INVALID, "tool_input_invalid", SSEVAL_VERDICT_INVALID_JSON},
      {SSEVAL_RULE_MISSING_MESSAGE_DELTA, "missing_message_delta", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_BLOCK_OPEN_AT_MESSAGE_STOP, "block_open_at_message_stop", SSEVAL_VERDICT_PROTOCOL_VIOLATION},
      {SSEVAL_RULE_EOF_INSIDE_EVENT, "eof_inside_event", SSEVAL_VERDICT_TRUNCATED},
      {SSEVAL_RULE_EOF_BEFORE_MESSAGE_STOP, "eof_before_message_stop", SSEVAL_VERDICT_TRUNCATED},
      {SSEVAL_RULE_LINE_TOO_LONG, "line_too_long", SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_EVENT_TOO_LARGE, "event_too_large", SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_JSON_TOO_DEEP, "json_too_deep", SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_TOO_MANY_BLOCKS, "too_many_blocks", SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_BLOCK_TOO_LARGE, "block_too_large", SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_OUT_OF_MEMORY, "out_of_memory", SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_TOOL_INPUT_TOO_LARGE, "tool_input_too_large",
       SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_TOO_MANY_FIELDS, "too_many_fields",
       SSEVAL_VERDICT_LIMIT_EXCEEDED},
      {SSEVAL_RULE_DUPLICATE_KEY, "duplicate_key", SSEVAL_VERDICT_INVALID_JSON},
      {SSEVAL_RULE_ERROR_BODY, "error_body", SSEVAL_VERDICT_NOT_EVENT_STREAM},
      {SSEVAL_RULE_MESSAGE_BODY, "message_body", SSEVAL_VERDICT_NOT_EVENT_STREAM},
      {SSEVAL_RULE_NOT_EVENT_STREAM, "not_event_stream",
       SSEVAL_VERDICT_NOT_EVENT_STREAM},
  };
  static const struct {
    sseval_verdict v;
    const char *name;
    int code;
  } verdicts[] = {
      {SSEVAL_VERDICT_COMPLETE, "complete", 0},
      {SSEVAL_VERDICT_TRUNCATED, "truncated", 2},
      {SSEVAL_VERDICT_ERROR_EVENT, "error_event", 3},
      {SSEVAL_VERDICT_PROTOCOL_VIOLATION, "protocol_violation", 4},
      {SSEVAL_VERDICT_INVALID_JSON, "invalid_json", 5},
      {SSEVAL_VERDICT_LIMIT_EXCEEDED, "limit_exceeded", 6},
      {SSEVAL_VERDICT_NOT_EVENT_STREAM, "not_event_stream", 7},
  };
  size_t i, j;
  CHECK_EQ_U64(sizeof rules / sizeof rules[0], SSEVAL_RULE_COUNT_);
  for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    CHECK(strcmp(sseval_rule_id(rules[i].r), rules[i].id) == 0);
    CHECK(sseval_rule_verdict(rules[i].r) == rules[i].v);
    CHECK(sseval_rule_description(rules[i].r)[0] != '\0');
    for (j = 0; j < i; j++) CHECK(strcmp(rules[i].id, rules[j].id) != 0);
  }
  CHECK(strcmp(sseval_rule_id(SSEVAL_RULE_COUNT_), "unknown") == 0);
  CHECK(strcmp(sseval_rule_id((sseval_rule)-1), "unknown") == 0);
  CHECK_EQ_U64(sizeof verdicts / sizeof verdicts[0], SSEVAL_VERDICT_COUNT_);
  for (i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
    CHECK(strcmp(sseval_verdict_name(verdicts[i].v), verdicts[i].name) == 0);
    CHECK(sseval_verdict_exit_code(verdicts[i].v) == verdicts[i].code);
  }
  CHECK(strcmp(sseval_verdict_name(SSEVAL_VERDICT_COUNT_), "unknown") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_TEXT), "text") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_THINKING), "thinking") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_REDACTED_THINKING), "redacted_thinking") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_TOOL_USE), "tool_use") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_SERVER_TOOL_USE), "server_tool_use") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_MCP_TOOL_USE), "mcp_tool_use") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_COMPACTION), "compaction") == 0);
  CHECK(strcmp(sseval_block_type_name(SSEVAL_BLOCK_UNKNOWN), "unknown") == 0);
}

/* ---- error classification and error bodies -------------------------------------------- */

static sseval_span sp_of(const char *s) {
  sseval_span r;
  r.ptr = s;
  r.len = strlen(s);
  return r;
}

TEST(error_type_classify_table) {
  static const struct {
    const char *type;
    int status, retry;
  } t[] = {
      {"invalid_request_error", 400, 0}, {"authentication_error", 401, 0},
      {"billing_error", 402, 0},         {"permission_error", 403, 0},
      {"not_found_error", 404, 0},       {"request_too_large", 413, 0},
      {"rate_limit_error", 429, 1},      {"api_error", 500, 1},
      {"timeout_error", 504, 1},         {"overloaded_error", 529, 1},
      {"unknown_future_error", 0, 0},    {"", 0, 0},
      {"overloaded_error ", 0, 0},       {"Overloaded_error", 0, 0},
      {"overloaded", 0, 0},
  };
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    int status = -1;
    int retry = sseval_error_type_classify(sp_of(t[i].type), &status);
    if (retry != t[i].retry || status != t[i].status) {
      test_failed_checks_++;
      fprintf(stderr, "classify(%s) = %d/%d, expected %d/%d\n", t[i].type,
              retry, status, t[i].retry, t[i].status);
    }
  }
  CHECK(sseval_error_type_classify(sp_of("api_error"), NULL) == 1);
}

TEST(parse_error_body) {
  char scratch[256];
  sseval_api_error e;
  const char *body;
  body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
         "\"request_id\":\"req_1\"}";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, sizeof scratch, &e) == SSEVAL_OK);
  CHECK_STR(e.type.ptr, e.type.len, "overloaded_error");
  CHECK_STR(e.message.ptr, e.message.len, "Overloaded");
  CHECK(e.http_status == 529 && e.retryable == 1);
  /* escapes are decoded; whitespace anywhere; members in any order */
  body = " { \"error\" : { \"message\" : \"bad \\\"x\\\" \\u00e9\\n\" , \"type\" : "
         "\"invalid_request_error\" } , \"type\" : \"error\" } ";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, sizeof scratch, &e) == SSEVAL_OK);
  CHECK_STR(e.type.ptr, e.type.len, "invalid_request_error");
  CHECK_STR(e.message.ptr, e.message.len, "bad \"x\" \xc3\xa9\n");
  CHECK(e.http_status == 400 && e.retryable == 0);
  CHECK(e.type.ptr >= scratch && e.type.ptr + e.type.len <= scratch + sizeof scratch);
  CHECK(e.message.ptr >= scratch && e.message.ptr + e.message.len <= scratch + sizeof scratch);
  /* an unknown type keeps its string */
  body = "{\"type\":\"error\",\"error\":{\"type\":\"brand_new_error\",\"message\":\"m\"}}";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, sizeof scratch, &e) == SSEVAL_OK);
  CHECK_STR(e.type.ptr, e.type.len, "brand_new_error");
  CHECK(e.http_status == 0 && e.retryable == 0);
  /* not the documented shape: empty type, the raw body as message */
  body = "<html>502 Bad Gateway</html>";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, sizeof scratch, &e) ==
        SSEVAL_E_INVALID);
  CHECK(e.type.len == 0);
  CHECK_STR(e.message.ptr, e.message.len, body);
  CHECK(e.retryable == 0);
  body = "{\"type\":\"error\",\"message\":\"flat\"}";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, sizeof scratch, &e) ==
        SSEVAL_E_INVALID);
  CHECK(e.type.len == 0);
  CHECK_STR(e.message.ptr, e.message.len, body);
  body = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, sizeof scratch, &e) ==
        SSEVAL_E_INVALID); /* cut: not JSON */
  CHECK_STR(e.message.ptr, e.message.len, body);
  /* the raw body is cut to scratch_cap */
  body = "0123456789";
  CHECK(sseval_parse_error_body(body, strlen(body), scratch, 4, &e) == SSEVAL_E_INVALID);
  CHECK_STR(e.message.ptr, e.message.len, "0123");
  CHECK(sseval_parse_error_body("", 0, scratch, sizeof scratch, &e) == SSEVAL_E_INVALID);
  CHECK(e.type.len == 0 && e.message.len == 0);
}

/* ---- allocation ----------------------------------------------------------------------- */

/* Without ACCUMULATE, once the first events have sized the buffers, events
 * cost no allocation: deltas with and without escapes, pings, unknown
 * events and deltas, citations, signatures, tool blocks one after another. */
TEST(steady_state_allocates_nothing) {
  sb warm = {0}, steady = {0}, big = {0};
  counting cnt;
  sseval_allocator al = counting_allocator(&cnt);
  sseval_claude_callbacks cbs;
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  sseval_claude_stats st;
  sseval_claude_result r;
  rec rc;
  uint64_t after_warm;
  size_t i, off;
  int idx;
  char buf[400];
  /* warm-up: every kind once, and the longest line and event */
  add_ev(&warm, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m','usage':{'input_tokens':1}}}", "\n");
  add_ev(&warm, "content_block_start", "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}", "\n");
  add_ev(&warm, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'a\\nb\\u00e9\\ud83d\\ude00'}}", "\n");
  sb_adds(&big, "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'");
  for (i = 0; i < 3000; i++) sb_adds(&big, i % 50 == 49 ? "\\n" : "q");
  sb_adds(&big, "'}}");
  add_ev(&warm, "content_block_delta", big.p, "\n");
  add_ev(&warm, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'citations_delta','citation':{'type':'char_location','cited_text':'c'}}}", "\n");
  add_ev(&warm, "content_block_start", "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'t','name':'f','input':{}}}", "\n");
  add_ev(&warm, "content_block_delta", "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'{\\'a\\':\\'\\\\u00e9\\u00e9\\'}'}}", "\n");
  add_ev(&warm, "content_block_stop", "{'type':'content_block_stop','index':1}", "\n");
  add_ev(&warm, "content_block_start", "{'type':'content_block_start','index':2,'content_block':{'type':'thinking','thinking':'','signature':''}}", "\n");
  add_ev(&warm, "content_block_delta", "{'type':'content_block_delta','index':2,'delta':{'type':'thinking_delta','thinking':'t\\u00e9'}}", "\n");
  add_ev(&warm, "content_block_delta", "{'type':'content_block_delta','index':2,'delta':{'type':'signature_delta','signature':'s\\/g'}}", "\n");
  add_ev(&warm, "ping", "{'type':'ping'}", "\n");
  add_ev(&warm, "mystery", "{'type':'mystery'}", "\n");
  add_ev(&warm, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'odd_delta'}}", "\n");
  /* steady state: more of the same, and tool blocks 3..7 in turn */
  for (idx = 3; idx < 8; idx++) {
    snprintf(buf, sizeof buf, "{'type':'content_block_start','index':%d,'content_block':{'type':'server_tool_use','id':'s','name':'n','input':{}}}", idx);
    add_ev(&steady, "content_block_start", buf, "\n");
    snprintf(buf, sizeof buf, "{'type':'content_block_delta','index':%d,'delta':{'type':'input_json_delta','partial_json':'{\\'q\\':[1,2,\\'\\\\n\\']'}}", idx);
    add_ev(&steady, "content_block_delta", buf, "\n");
    snprintf(buf, sizeof buf, "{'type':'content_block_delta','index':%d,'delta':{'type':'input_json_delta','partial_json':'}'}}", idx);
    add_ev(&steady, "content_block_delta", buf, "\n");
    snprintf(buf, sizeof buf, "{'type':'content_block_stop','index':%d}", idx);
    add_ev(&steady, "content_block_stop", buf, "\n");
  }
  for (i = 0; i < 300; i++) {
    add_ev(&steady, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'more \\u00e9\\\\ text'}}", "\n");
    add_ev(&steady, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'plain'}}", "\n");
    add_ev(&steady, "content_block_delta", "{'type':'content_block_delta','index':2,'delta':{'type':'thinking_delta','thinking':'x\\ty'}}", "\n");
    add_ev(&steady, "ping", "{'type':'ping'}", "\n");
    add_ev(&steady, "mystery", "{'type':'mystery','n':[1]}", "\n");
    add_ev(&steady, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'odd_delta'}}", "\n");
    add_ev(&steady, "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'citations_delta','citation':{'type':'char_location'}}}", "\n");
    add_ev(&steady, "content_block_delta", "{'type':'content_block_delta','index':2,'delta':{'type':'signature_delta','signature':'abc'}}", "\n");
  }
  rec_init(&rc, 0);
  rec_callbacks(&cbs);
  sseval_claude_options_init(&opts);
  opts.allocator = &al;
  CHECK(sseval_claude_new(&c, &cbs, &rc, &opts) == SSEVAL_OK);
  for (off = 0; off < warm.len;) {
    size_t n = 1 + rng_below(64);
    if (n > warm.len - off) n = warm.len - off;
    CHECK(feed_all(c, warm.p + off, n) == SSEVAL_OK);
    off += n;
  }
  after_warm = cnt.calls;
  sseval_claude_get_stats(c, &st);
  CHECK_EQ_U64(st.allocations, cnt.calls);
  for (off = 0; off < steady.len;) {
    size_t n = 1 + rng_below(64);
    if (n > steady.len - off) n = steady.len - off;
    CHECK(feed_all(c, steady.p + off, n) == SSEVAL_OK);
    off += n;
  }
  sseval_claude_get_stats(c, &st);
  CHECK_EQ_U64(cnt.calls, after_warm);
  CHECK_EQ_U64(st.allocations, cnt.calls);
  CHECK_EQ_U64(st.pings, 301);
  sseval_claude_get_result(c, &r);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE && !r.has_offset);
  CHECK(!rc.problem[0]);
  CHECK_EQ_U64(sseval_claude_memory(c), cnt.live_bytes);
  sseval_claude_free(c);
  CHECK(cnt.live == 0 && cnt.live_bytes == 0 && !cnt.size_mismatch);
  rec_free(&rc);
  sb_free(&warm);
  sb_free(&steady);
  sb_free(&big);
}

/* The tests directory (for the fixtures): the case directory's parent. */
static int read_fixture(const char *rel, sb *out) {
  char path[1400];
  const char *slash = strrchr(case_dir, '/');
  FILE *f;
  char tmp[4096];
  size_t n;
  if (slash)
    snprintf(path, sizeof path, "%.*s/fixtures/claude/%s", (int)(slash - case_dir),
             case_dir, rel);
  else
    snprintf(path, sizeof path, "fixtures/claude/%s", rel);
  f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return 0;
  }
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) sb_add(out, tmp, n);
  fclose(f);
  return 1;
}

/* Fail the k-th allocation, for every k, over a real recording with
 * ACCUMULATE: every run ends cleanly with SSEVAL_E_NOMEM (sticky) and the
 * out_of_memory verdict, the partial message can be written, and freeing
 * leaves nothing allocated. */
static void failing_run(const sb *in, size_t chunk, uint64_t k, counting *cnt,
                        int *hit) {
  sseval_allocator al = counting_allocator(cnt);
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  sseval_status st = SSEVAL_OK, fst;
  size_t off = 0;
  sb m = {0};
  int before = test_failed_checks_;
  cnt->fail_at = k;
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
  opts.allocator = &al;
  st = sseval_claude_new(&c, NULL, NULL, &opts);
  if (st != SSEVAL_OK) {
    CHECK(st == SSEVAL_E_NOMEM);
    CHECK(c == NULL);
    CHECK(cnt->failed);
    CHECK(cnt->live == 0 && cnt->live_bytes == 0);
    *hit = 1;
    goto done;
  }
  while (off < in->len) {
    size_t n = in->len - off < chunk ? in->len - off : chunk, used = 0;
    int failed_before = cnt->failed;
    st = sseval_claude_feed(c, in->p + off, n, &used);
    if (cnt->failed && !failed_before) CHECK(st == SSEVAL_E_NOMEM);
    if (st != SSEVAL_OK) break;
    off += used;
  }
  fst = sseval_claude_finish(c, &r);
  if (cnt->failed) {
    size_t used = 5;
    *hit = 1;
    CHECK(st == SSEVAL_E_NOMEM);
    CHECK(fst == SSEVAL_E_NOMEM);
    CHECK(r.verdict == SSEVAL_VERDICT_LIMIT_EXCEEDED);
    CHECK(r.rule == SSEVAL_RULE_OUT_OF_MEMORY);
    CHECK(sseval_claude_feed(c, "x", 1, &used) != SSEVAL_OK);
    CHECK_EQ_U64(used, 0);
  } else {
    CHECK(st == SSEVAL_OK && fst == SSEVAL_OK);
    CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  }
  CHECK(sseval_claude_write_message_json(c, sb_sink, &m) == SSEVAL_OK);
  CHECK(m.len >= 2 && m.p[0] == '{' && m.p[m.len - 1] == '}');
  sseval_claude_free(c);
  CHECK(cnt->live == 0);
  CHECK_EQ_U64(cnt->live_bytes, 0);
  CHECK(!cnt->size_mismatch);
done:
  sb_free(&m);
  if (test_failed_checks_ != before)
    fprintf(stderr, "  (failing allocation #%llu, chunks of %zu)\n",
            (unsigned long long)k, chunk);
}

TEST(failing_allocator_every_k) {
  static const char *const fixtures[] = {
      "recorded/anthropic-sdk-go/tool_runner_streaming_all.interaction0.sse",
      "recorded/pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.interaction0.sse"};
  static const size_t chunks[] = {1 << 20, 61, 7};
  size_t f, ci;
  for (f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
    sb in = {0};
    if (!read_fixture(fixtures[f], &in)) {
      test_failed_checks_++;
      continue;
    }
    for (ci = 0; ci < sizeof chunks / sizeof chunks[0]; ci++) {
      counting cnt;
      uint64_t total, k;
      int hit = 0, before = test_failed_checks_;
      failing_run(&in, chunks[ci], 0, &cnt, &hit); /* no failure: count calls */
      total = cnt.calls;
      CHECK(total > 3);
      for (k = 1; k <= total + 1 && test_failed_checks_ == before; k++) {
        hit = 0;
        failing_run(&in, chunks[ci], k, &cnt, &hit);
        if (k <= total) CHECK(hit);
      }
    }
    sb_free(&in);
  }
}

/* The instance's memory figure is what it holds through the allocator. */
TEST(memory_matches_the_allocator) {
  sb s = {0};
  counting cnt;
  sseval_allocator al = counting_allocator(&cnt);
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  build_all(&s, "\n", NULL);
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
  opts.allocator = &al;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_OK);
  CHECK_EQ_U64(sseval_claude_memory(c), cnt.live_bytes);
  CHECK(feed_all(c, s.p, s.len / 2) == SSEVAL_OK);
  CHECK_EQ_U64(sseval_claude_memory(c), cnt.live_bytes);
  CHECK(feed_all(c, s.p + s.len / 2, s.len - s.len / 2) == SSEVAL_OK);
  CHECK_EQ_U64(sseval_claude_memory(c), cnt.live_bytes);
  sseval_claude_free(c);
  CHECK(cnt.live == 0 && cnt.live_bytes == 0 && !cnt.size_mismatch);
  sb_free(&s);
}

static int idle_text(void *user, uint32_t index, sseval_span piece) {
  (void)user;
  (void)index;
  (void)piece;
  return SSEVAL_CB_OK;
}

/* An idle validator holds no callback table when no hook is set and none
 * of the rarely used buffers (detail, error strings, JSON body) before they
 * are needed; what it allocates later is freed with the sizes it was
 * allocated with, whichever of them were used. */
TEST(idle_memory_small) {
  static const char err_stream[] =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
      "{\"id\":\"m\",\"model\":\"m\",\"usage\":{\"input_tokens\":1}}}\n\n"
      "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
      "\"overloaded_error\",\"message\":\"busy\"}}\n\n";
  static const char json_body[] =
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
      "\"message\":\"busy\"}}";
  counting cnt;
  sseval_allocator al = counting_allocator(&cnt);
  sseval_claude_options opts;
  sseval_claude_callbacks cbs;
  sseval_sse_options so;
  sseval_claude *c = NULL, *h = NULL, *e = NULL;
  sseval_sse *tok = NULL;
  sseval_claude_result r;
  size_t idle, tok_idle;
  int round;
  memset(&cnt, 0, sizeof cnt);
  sseval_claude_options_init(&opts);
  opts.allocator = &al;
  sseval_sse_options_init(&so);
  so.allocator = &al;
  CHECK(sseval_sse_new(&tok, NULL, NULL, &so) == SSEVAL_OK);
  tok_idle = sseval_sse_memory(tok);
  sseval_sse_free(tok);
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_OK);
  idle = sseval_claude_memory(c);
  CHECK_EQ_U64(idle, cnt.live_bytes);
  CHECK(idle - tok_idle <= 512); /* the validator's own part */
  sseval_claude_callbacks_init(&cbs); /* a table without hooks: the same */
  CHECK(sseval_claude_new(&e, &cbs, NULL, &opts) == SSEVAL_OK);
  CHECK_EQ_U64(sseval_claude_memory(e), idle);
  cbs.on_text = idle_text; /* one hook: the table is kept */
  CHECK(sseval_claude_new(&h, &cbs, NULL, &opts) == SSEVAL_OK);
  CHECK_EQ_U64(sseval_claude_memory(h), idle + sizeof cbs);
  for (round = 0; round < 2; round++) { /* the second after a reset */
    CHECK(sseval_claude_feed(c, err_stream, sizeof err_stream - 1, NULL) ==
          SSEVAL_OK);
    sseval_claude_get_result(c, &r);
    CHECK(r.verdict == SSEVAL_VERDICT_ERROR_EVENT && r.has_error);
    CHECK(r.error.message.len == 4 && memcmp(r.error.message.ptr, "busy", 4) == 0);
    CHECK(sseval_claude_memory(c) > idle);
    sseval_claude_reset(c);
    CHECK(sseval_claude_feed(h, json_body, sizeof json_body - 1, NULL) ==
          SSEVAL_OK);
    CHECK(sseval_claude_finish(h, &r) == SSEVAL_OK);
    CHECK(r.rule == SSEVAL_RULE_ERROR_BODY && r.has_error);
    CHECK(r.error.message.len == 4 && memcmp(r.error.message.ptr, "busy", 4) == 0);
    CHECK(r.detail[0] != '\0');
    sseval_claude_reset(h);
  }
  sseval_claude_free(c);
  sseval_claude_free(e);
  sseval_claude_free(h);
  CHECK(cnt.live == 0 && cnt.live_bytes == 0 && !cnt.size_mismatch);
}

/* ---- partial JSON preview --------------------------------------------------------------- */

static void preview_case(const char *in, size_t len, sseval_status want_st,
                         const char *want) {
  char out[256];
  size_t out_len = 999;
  sseval_status st = sseval_partial_json_preview(in, len, out, sizeof out, &out_len);
  if (st != want_st || (want && (out_len != strlen(want) ||
                                 memcmp(out, want, out_len) != 0))) {
    test_failed_checks_++;
    fprintf(stderr, "preview(");
    test_print_bytes_(in, len);
    fprintf(stderr, ") = %s ", sseval_status_name(st));
    if (st == SSEVAL_OK) test_print_bytes_(out, out_len < sizeof out ? out_len : 0);
    fprintf(stderr, ", expected %s %s\n", sseval_status_name(want_st),
            want ? want : "");
  }
}
#define PV(in, want) preview_case(in, strlen(in), SSEVAL_OK, want)
#define PV_BAD(in) preview_case(in, strlen(in), SSEVAL_E_INVALID, NULL)

TEST(partial_json_preview_hand_checked) {
  char out[8];
  size_t out_len = 0;
  /* nothing yet: the empty object a tool input starts as */
  PV("", "{}");
  PV("   ", "{}");
  PV("{", "{}");
  PV("[", "[]");
  PV("[[", "[[]]");
  /* inside a string value: closed at its last complete character */
  PV("{\"a\":\"hel", "{\"a\":\"hel\"}");
  PV("{\"a\":\"x\\", "{\"a\":\"x\"}");
  PV("{\"a\":\"x\\u00", "{\"a\":\"x\"}");
  PV("{\"a\":\"x\\u00e9", "{\"a\":\"x\\u00e9\"}");
  PV("{\"a\":\"x\\ud83d", "{\"a\":\"x\"}");
  PV("{\"a\":\"x\\ud83d\\u", "{\"a\":\"x\"}");
  PV("{\"a\":\"x\\ud83d\\ude00", "{\"a\":\"x\\ud83d\\ude00\"}");
  PV("{\"a\":\"\xc3", "{\"a\":\"\"}");
  PV("{\"a\":\"\xc3\xa9", "{\"a\":\"\xc3\xa9\"}");
  PV("\"abc", "\"abc\"");
  /* a dangling key, colon or comma: the member is dropped */
  PV("{\"ke", "{}");
  PV("{\"a\"", "{}");
  PV("{\"a\" :", "{}");
  PV("{\"a\":1,", "{\"a\":1}");
  PV("{\"a\":1,\"b", "{\"a\":1}");
  PV("{\"a\":1,\"b\":", "{\"a\":1}");
  /* numbers that may go on, unfinished literals: dropped; complete ones kept */
  PV("{\"a\":12", "{}");
  PV("{\"a\":-", "{}");
  PV("{\"a\":1.5e", "{}");
  PV("{\"a\":1 ", "{\"a\":1 }");
  PV("{\"a\":tr", "{}");
  PV("{\"a\":true", "{\"a\":true}");
  PV("{\"a\":nul", "{}");
  PV("{\"a\":null", "{\"a\":null}");
  PV("{\"a\":false,\"b\":fal", "{\"a\":false}");
  PV("[1,2", "[1]");
  PV("[1,2]", "[1,2]");
  PV("[\"a\",", "[\"a\"]");
  PV("12", "null");
  PV("tru", "null");
  /* nesting, whitespace kept as it came */
  PV("{\"a\":{\"b\":[{\"c\":\"d", "{\"a\":{\"b\":[{\"c\":\"d\"}]}}");
  PV("{ \"a\" : [ 1 , { \"b\" : \"c", "{ \"a\" : [ 1 , { \"b\" : \"c\"}]}");
  PV("{\"a\":[1,2]", "{\"a\":[1,2]}");
  PV("{\"a\":{}", "{\"a\":{}}");
  PV("{\"a\":1}", "{\"a\":1}");
  /* not a prefix of valid JSON */
  PV_BAD("x");
  PV_BAD("{]");
  PV_BAD("{\"a\":1}x");
  PV_BAD("{\"a\" 1");
  PV_BAD("{\"a\":\"\\x");
  PV_BAD("[1,]");
  PV_BAD("{,");
  /* output buffer too small: E_LIMIT and the full length */
  CHECK(sseval_partial_json_preview("{\"a\":\"hello", 11, out, 4, &out_len) ==
        SSEVAL_E_LIMIT);
  CHECK_EQ_U64(out_len, 13); /* {"a":"hello"} */
  CHECK(sseval_partial_json_preview("{\"ab", 4, out, 2, &out_len) == SSEVAL_OK);
  CHECK_STR(out, out_len, "{}");
  CHECK(sseval_partial_json_preview("{\"ab", 4, out, 1, &out_len) == SSEVAL_E_LIMIT);
  CHECK_EQ_U64(out_len, 2);
  CHECK(sseval_partial_json_preview("", 0, NULL, 0, &out_len) == SSEVAL_E_LIMIT);
  CHECK_EQ_U64(out_len, 2);
  CHECK(sseval_partial_json_preview("{}", 2, out, sizeof out, NULL) == SSEVAL_E_MISUSE);
}

/* The preview of every prefix of a tool input is valid JSON (checked by
 * feeding it back as a complete tool input through the machine). */
TEST(partial_json_preview_every_prefix_is_json) {
  static const char input[] =
      "{\"a\": [1, -2.5e+3, true, null, \"x\\\"y\\\\\\u00e9\\ud83d\\ude00\"], "
      "\"b\": {\"c\": {}, \"d\": []}, \"e\": \"\xc3\xa9\xf0\x9f\x98\x80\", \"f\": false}";
  size_t n, len = strlen(input);
  for (n = 0; n <= len; n++) {
    char out[512];
    size_t out_len = 0;
    sseval_status st = sseval_partial_json_preview(input, n, out, sizeof out, &out_len);
    char scratch[600];
    sseval_api_error e;
    sb body = {0};
    if (st != SSEVAL_OK) {
      test_failed_checks_++;
      fprintf(stderr, "preview of prefix %zu: %s\n", n, sseval_status_name(st));
      break;
    }
    /* wrap it in an error body: valid JSON in, SSEVAL_OK out */
    sb_adds(&body, "{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"m\",\"v\":");
    sb_add(&body, out, out_len);
    sb_adds(&body, "}}");
    if (sseval_parse_error_body(body.p, body.len, scratch, sizeof scratch, &e) != SSEVAL_OK) {
      test_failed_checks_++;
      fprintf(stderr, "preview of prefix %zu is not JSON: %.*s\n", n, (int)out_len, out);
      sb_free(&body);
      break;
    }
    sb_free(&body);
  }
}

/* ---- the rebuilt message: writers and views ------------------------------------------- */

typedef struct stop_sink {
  size_t calls, stop_at;
} stop_sink;

static int stopping_sink(void *ctx, const char *bytes, size_t len) {
  stop_sink *s = (stop_sink *)ctx;
  (void)bytes;
  (void)len;
  return ++s->calls >= s->stop_at;
}

TEST(message_writer_and_views) {
  sb s = {0}, m = {0};
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  sseval_block_view b;
  sseval_message_view mv;
  stop_sink ss;
  size_t calls;
  build_all(&s, "\n", NULL);
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_OK);
  /* before any event: an empty message */
  CHECK(sseval_claude_write_message_json(c, sb_sink, &m) == SSEVAL_OK);
  CHECK_STR(m.p, m.len,
            "{\"id\":null,\"type\":\"message\",\"role\":\"assistant\",\"model\":null,"
            "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{}}");
  m.len = 0;
  CHECK(feed_all(c, s.p, s.len) == SSEVAL_OK);
  CHECK(sseval_claude_finish(c, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_write_message_json(c, sb_sink, &m) == SSEVAL_OK);
  CHECK_STR(m.p, m.len, all_message);
  m.len = 0;
  CHECK(sseval_claude_write_usage_json(c, sb_sink, &m) == SSEVAL_OK);
  CHECK_STR(m.p, m.len, "{\"input_tokens\":3,\"output_tokens\":9}");
  /* a sink that stops: E_CALLBACK, at every possible call */
  ss.calls = 0;
  ss.stop_at = (size_t)-1;
  CHECK(sseval_claude_write_message_json(c, stopping_sink, &ss) == SSEVAL_OK);
  calls = ss.calls;
  CHECK(calls > 1);
  for (ss.stop_at = 1; ss.stop_at <= calls; ss.stop_at++) {
    ss.calls = 0;
    CHECK(sseval_claude_write_message_json(c, stopping_sink, &ss) == SSEVAL_E_CALLBACK);
    CHECK_EQ_U64(ss.calls, ss.stop_at);
  }
  ss.calls = 0;
  ss.stop_at = 1;
  CHECK(sseval_claude_write_usage_json(c, stopping_sink, &ss) == SSEVAL_E_CALLBACK);
  /* views */
  sseval_claude_message(c, &mv);
  CHECK_STR(mv.id.ptr, mv.id.len, "msg_1");
  CHECK_STR(mv.model.ptr, mv.model.len, "cl\xc3\xa9");
  CHECK(mv.has_stop_reason && mv.has_stop_sequence);
  CHECK_STR(mv.stop_reason.ptr, mv.stop_reason.len, "stop_sequence");
  CHECK_STR(mv.stop_sequence.ptr, mv.stop_sequence.len, "END");
  CHECK(sseval_claude_block_count(c) == 5);
  CHECK(sseval_claude_block(c, 0, &b) == SSEVAL_OK);
  CHECK(b.type == SSEVAL_BLOCK_TEXT && b.stopped);
  CHECK_STR(b.type_name.ptr, b.type_name.len, "text");
  CHECK_STR(b.text.ptr, b.text.len, "plaina\nb\xc3\xa9");
  CHECK_STR(b.citations_json.ptr, b.citations_json.len,
            "[{\"type\":\"char_location\",\"cited_text\":\"c\",\"start_char_index\":0}]");
  CHECK_STR(b.start_json.ptr, b.start_json.len, "{\"type\":\"text\",\"text\":\"\"}");
  CHECK(sseval_claude_block(c, 1, &b) == SSEVAL_OK);
  CHECK(b.type == SSEVAL_BLOCK_TOOL_USE && b.stopped && b.input_complete);
  CHECK_STR(b.tool_id.ptr, b.tool_id.len, "toolu_A");
  CHECK_STR(b.tool_name.ptr, b.tool_name.len, "get");
  CHECK_STR(b.input_json.ptr, b.input_json.len, "{\"k\":[1,\"\\u00e9\"]}");
  CHECK_STR(b.partial_json.ptr, b.partial_json.len, "{\"k\":[1,\"\\u00e9\"]}");
  CHECK(sseval_claude_block(c, 2, &b) == SSEVAL_OK);
  CHECK(b.type == SSEVAL_BLOCK_THINKING && b.stopped);
  CHECK_STR(b.text.ptr, b.text.len, "hmm");
  CHECK_STR(b.signature.ptr, b.signature.len, "c2ln");
  CHECK(sseval_claude_block(c, 3, &b) == SSEVAL_OK);
  CHECK(b.type == SSEVAL_BLOCK_COMPACTION);
  CHECK(sseval_claude_block(c, 4, &b) == SSEVAL_OK);
  CHECK(b.type == SSEVAL_BLOCK_UNKNOWN && b.stopped);
  CHECK_STR(b.type_name.ptr, b.type_name.len, "hologram");
  CHECK_STR(b.start_json.ptr, b.start_json.len, "{\"type\":\"hologram\",\"v\":1}");
  CHECK(sseval_claude_block(c, 5, &b) == SSEVAL_E_MISUSE);
  sseval_claude_free(c);
  sb_free(&m);
  sb_free(&s);
}

/* Tool block views: no delta ({} from the start), unfinished at max_tokens. */
TEST(tool_block_views) {
  sb s = {0};
  sseval_claude_options opts;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  sseval_block_view b;
  add_ev(&s, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
  add_ev(&s, "content_block_start", "{'type':'content_block_start','index':0,'content_block':{'type':'tool_use','id':'a','name':'f','input':{}}}", "\n");
  add_ev(&s, "content_block_stop", "{'type':'content_block_stop','index':0}", "\n");
  add_ev(&s, "content_block_start", "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'b','name':'g','input':{}}}", "\n");
  add_ev(&s, "content_block_delta", "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'{\\'x\\':[1,'}}", "\n");
  add_ev(&s, "message_delta", "{'type':'message_delta','delta':{'stop_reason':'max_tokens'}}", "\n");
  add_ev(&s, "message_stop", "{'type':'message_stop'}", "\n");
  sseval_claude_options_init(&opts);
  opts.flags = SSEVAL_CLAUDE_ACCUMULATE;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opts) == SSEVAL_OK);
  CHECK(feed_all(c, s.p, s.len) == SSEVAL_OK);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  CHECK(sseval_claude_block(c, 0, &b) == SSEVAL_OK);
  CHECK(b.stopped && b.input_complete);
  CHECK_STR(b.input_json.ptr, b.input_json.len, "{}");
  CHECK(b.partial_json.len == 0);
  CHECK(sseval_claude_block(c, 1, &b) == SSEVAL_OK);
  CHECK(!b.stopped && !b.input_complete);
  CHECK(b.input_json.len == 0);
  CHECK_STR(b.partial_json.ptr, b.partial_json.len, "{\"x\":[1,");
  sseval_claude_free(c);
  sb_free(&s);
}

/* ---- a 64 KiB text delta -------------------------------------------------------------- */

TEST(text_delta_of_64_kib) {
  sb s = {0}, data = {0}, want = {0};
  outcome base;
  cfg k;
  size_t i;
  memset(&k, 0, sizeof k);
  add_ev(&s, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
  add_ev(&s, "content_block_start", "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}", "\n");
  sb_adds(&data, "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'");
  for (i = 0; i < 65536; i++) {
    char ch = (char)('a' + i % 26);
    sb_addc(&data, ch);
    sb_addc(&want, ch);
  }
  sb_adds(&data, "'}}");
  add_ev(&s, "content_block_delta", data.p, "\n");
  add_ev(&s, "content_block_stop", "{'type':'content_block_stop','index':0}", "\n");
  add_ev(&s, "message_delta", "{'type':'message_delta','delta':{'stop_reason':'end_turn'}}", "\n");
  add_ev(&s, "message_stop", "{'type':'message_stop'}", "\n");
  if (run_all_ways("text_delta_of_64_kib", (const unsigned char *)s.p, s.len, &k,
                   97, &base)) {
    sb msg = {0};
    CHECK(base.res.verdict == SSEVAL_VERDICT_COMPLETE);
    /* message_start's keys first (id, model), then the rebuilt ones it lacked */
    sb_adds(&msg, "{\"id\":\"m1\",\"model\":\"m\",\"type\":\"message\",\"role\":\"assistant\","
                  "\"content\":[{\"type\":\"text\",\"text\":\"");
    sb_add(&msg, want.p, want.len);
    sb_adds(&msg, "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{}}");
    CHECK_MEM(base.msg.p, base.msg.len, msg.p, msg.len);
    CHECK_EQ_U64(base.pieces_in_chunk, 1); /* one piece, read in place */
    sb_free(&msg);
  }
  outcome_free(&base);
  sb_free(&s);
  sb_free(&data);
  sb_free(&want);
}

/* SSEVAL_CLAUDE_SUMMARY on text built to cross every case of its counting:
 * simple escapes, \u escapes of 1- to 3-byte characters and a surrogate
 * pair, an escaped backslash before a 'u' (\\u: two characters, not an
 * escape), raw 2- to 4-byte characters, at every alignment against the
 * 16-byte steps, in deltas long and short; run every way (run_all_ways
 * compares a summary run with the full one in every chunking), then the
 * lengths and the preview checked against the text built here. */
static const struct {
  const char *json; /* as written in the delta */
  const char *text; /* decoded */
  size_t chars;
} sum_pieces[] = {
    {"ab", "ab", 2},
    {"\\n", "\n", 1},
    {"\\u00e9", "\xC3\xA9", 1},
    {"\xC3\xA9", "\xC3\xA9", 1},
    {"\\\\u", "\\u", 2},
    {"\\ud83d\\ude00", "\xF0\x9F\x98\x80", 1},
    {"\xE2\x82\xAC", "\xE2\x82\xAC", 1},
    {"\\\"", "\"", 1},
    {"xyz", "xyz", 3},
    {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", 1},
    {"\\\\\\u20ac", "\\\xE2\x82\xAC", 2},
    {"\\u0041", "A", 1},
    {"\\u07ff", "\xDF\xBF", 1},
    {"\\\\\\\\u", "\\\\u", 3},
    {"\\t", "\t", 1},
};
#define SUM_NPIECES (sizeof sum_pieces / sizeof sum_pieces[0])

TEST(summary_counts_and_preview) {
  sb s = {0}, want[3] = {{0}, {0}, {0}}, d = {0};
  size_t chars[3] = {0, 0, 0}, i, b, j;
  outcome base;
  cfg k;
  sseval_claude *c;
  memset(&k, 0, sizeof k);
  add_ev(&s, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
  /* block 0: text in 40 deltas of 1..40 pieces; block 1: thinking in one
   * delta; block 2: text shorter than the preview */
  for (b = 0; b < 3; b++) {
    char head[160];
    snprintf(head, sizeof head,
             "{'type':'content_block_start','index':%u,'content_block':"
             "{'type':'%s','%s':''}}",
             (unsigned)b, b == 1 ? "thinking" : "text", b == 1 ? "thinking" : "text");
    add_ev(&s, "content_block_start", head, "\n");
    for (j = 0; j < (b == 0 ? 40u : 1u); j++) {
      size_t np = b == 0 ? j + 1 : b == 1 ? 400 : 5;
      d.len = 0;
      snprintf(head, sizeof head,
               "{'type':'content_block_delta','index':%u,'delta':{'type':'%s','%s':'",
               (unsigned)b, b == 1 ? "thinking_delta" : "text_delta",
               b == 1 ? "thinking" : "text");
      sb_adds(&d, head);
      for (i = 0; i < np; i++) {
        size_t q = (i * 7 + j * 3 + b) % SUM_NPIECES;
        sb_adds(&d, sum_pieces[q].json);
        sb_adds(&want[b], sum_pieces[q].text);
        chars[b] += sum_pieces[q].chars;
      }
      sb_adds(&d, "'}}");
      add_ev(&s, "content_block_delta", d.p, "\n");
    }
    snprintf(head, sizeof head, "{'type':'content_block_stop','index':%u}", (unsigned)b);
    add_ev(&s, "content_block_stop", head, "\n");
  }
  add_ev(&s, "message_delta", "{'type':'message_delta','delta':{'stop_reason':'end_turn'}}", "\n");
  add_ev(&s, "message_stop", "{'type':'message_stop'}", "\n");
  CHECK(want[0].len > SSEVAL_CLAUDE_PREVIEW_BYTES);
  CHECK(want[1].len > SSEVAL_CLAUDE_PREVIEW_BYTES);
  CHECK(want[2].len < SSEVAL_CLAUDE_PREVIEW_BYTES);
  if (run_all_ways("summary_counts", (const unsigned char *)s.p, s.len, &k, 13,
                   &base))
    CHECK(base.res.verdict == SSEVAL_VERDICT_COMPLETE);
  outcome_free(&base);
  /* the numbers themselves, whole, without callbacks (as `sseval check`) */
  {
    size_t whole = s.len;
    c = feed_summary_run((const unsigned char *)s.p, &k, SSEVAL_CLAUDE_SUMMARY,
                         &whole, 1, 0);
    CHECK(c != NULL);
    for (b = 0; c && b < 3; b++) {
      sseval_block_view v;
      size_t nb = 0, nc = 0, pre = want[b].len;
      if (pre > SSEVAL_CLAUDE_PREVIEW_BYTES) {
        pre = SSEVAL_CLAUDE_PREVIEW_BYTES;
        while (((unsigned char)want[b].p[pre] & 0xC0) == 0x80) pre--;
      }
      CHECK(sseval_claude_block_text_length(c, (uint32_t)b, &nb, &nc) == SSEVAL_OK);
      CHECK_EQ_U64(nb, want[b].len);
      CHECK_EQ_U64(nc, chars[b]);
      CHECK(sseval_claude_block(c, (uint32_t)b, &v) == SSEVAL_OK);
      CHECK_MEM(v.text.ptr, v.text.len, want[b].p, pre);
    }
    /* the message is written with the previews as the texts */
    if (c) {
      sb msg = {0};
      CHECK(sseval_claude_write_message_json(c, sb_sink, &msg) == SSEVAL_OK);
      CHECK(msg.len > 0 && msg.len < 1000);
      sseval_claude_free(c);
      sb_free(&msg);
    }
  }
  /* misuse: out of range, NULL outputs, no ACCUMULATE (SUMMARY alone is
   * ignored: no blocks) */
  {
    sseval_claude_options o;
    size_t nb = 7, nc = 7, whole = s.len;
    c = feed_summary_run((const unsigned char *)s.p, &k, SSEVAL_CLAUDE_SUMMARY,
                         &whole, 1, 0);
    CHECK(c != NULL);
    if (c) {
      CHECK(sseval_claude_block_text_length(c, 3, &nb, &nc) == SSEVAL_E_MISUSE);
      CHECK(nb == 7 && nc == 7);
      CHECK(sseval_claude_block_text_length(c, 0, NULL, &nc) == SSEVAL_E_MISUSE);
      CHECK(sseval_claude_block_text_length(c, 0, &nb, NULL) == SSEVAL_E_MISUSE);
      sseval_claude_free(c);
    }
    sseval_claude_options_init(&o);
    o.flags = SSEVAL_CLAUDE_SUMMARY;
    CHECK(sseval_claude_new(&c, NULL, NULL, &o) == SSEVAL_OK);
    CHECK(sseval_claude_feed(c, s.p, s.len, NULL) == SSEVAL_OK);
    CHECK(sseval_claude_finish(c, NULL) == SSEVAL_OK);
    CHECK_EQ_U64(sseval_claude_block_count(c), 0);
    CHECK(sseval_claude_block_text_length(c, 0, &nb, &nc) == SSEVAL_E_MISUSE);
    sseval_claude_free(c);
  }
  for (b = 0; b < 3; b++) sb_free(&want[b]);
  sb_free(&d);
  sb_free(&s);
}

/* SSEVAL_CLAUDE_SUMMARY counts the characters of an unescaped delta (the
 * zero-copy piece) from its continuation bytes, in words: pieces of every
 * length 1..40 bytes with 2- to 4-byte characters at every position, so
 * each word split (under 4, 4-7 and 8-15 bytes with overlapping loads,
 * 16 and up in steps) meets a character start, middle and end. Expected
 * counts are the characters put in, checked against the bytes. */
TEST(summary_counts_raw_pieces) {
  static const char *const chs[] = {"a", "\xC3\xA9", "\xE2\x82\xAC",
                                    "\xF0\x9F\x98\x80", "z"};
  size_t len, rot;
  for (len = 1; len <= 40; len++)
    for (rot = 0; rot < 5; rot++) {
      sb s = {0}, d = {0}, text = {0};
      size_t chars = 0, i, whole, nb = 0, nc = 0;
      sseval_claude *c;
      cfg k;
      memset(&k, 0, sizeof k);
      /* characters until the piece holds len bytes (a last one that would
       * not fit is replaced by ASCII) */
      for (i = 0; text.len < len; i++) {
        const char *ch = chs[(i + rot) % 5];
        if (strlen(ch) > len - text.len) ch = "b";
        sb_adds(&text, ch);
        chars++;
      }
      CHECK_EQ_U64(text.len, len);
      add_ev(&s, "message_start", "{'type':'message_start','message':{'id':'m1','model':'m'}}", "\n");
      add_ev(&s, "content_block_start", "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}", "\n");
      sb_adds(&d, "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'");
      sb_add(&d, text.p, text.len);
      sb_adds(&d, "'}}");
      add_ev(&s, "content_block_delta", d.p, "\n");
      add_ev(&s, "content_block_stop", "{'type':'content_block_stop','index':0}", "\n");
      whole = s.len;
      c = feed_summary_run((const unsigned char *)s.p, &k, SSEVAL_CLAUDE_SUMMARY,
                           &whole, 1, 0);
      CHECK(c != NULL);
      if (c) {
        CHECK(sseval_claude_block_text_length(c, 0, &nb, &nc) == SSEVAL_OK);
        CHECK_EQ_U64(nb, len);
        CHECK_EQ_U64(nc, chars);
        sseval_claude_free(c);
      }
      sb_free(&s);
      sb_free(&d);
      sb_free(&text);
    }
}

/* ---- main ------------------------------------------------------------------------- */

/* Usage merged by overwrite through the hashed map (more than 8 keys): 100
 * keys in message_start, message_delta overwrites every even one (with a
 * longer value for key 0 and a null for key 2, which is skipped) and adds
 * one; the written usage keeps message_start's order, the new key last. */
static int usage_sink(void *ctx, const char *bytes, size_t len) {
  char **w = (char **)ctx;
  memcpy(*w, bytes, len);
  *w += len;
  return 0;
}

TEST(usage_merge_many_keys) {
  static char in[16384], out[8192], want[8192];
  char *w = in, *o = out, *x = want;
  sseval_claude_options opt;
  sseval_claude *c;
  sseval_claude_result r;
  int i;
  w += sprintf(w, "event: message_start\ndata: {\"type\":\"message_start\","
                  "\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{");
  for (i = 0; i < 100; i++) w += sprintf(w, "%s\"k%d\":%d", i ? "," : "", i, i);
  w += sprintf(w, "}}}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\","
                  "\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{");
  for (i = 0; i < 100; i += 2)
    w += sprintf(w, "%s\"k%d\":%s", i ? "," : "", i,
                 i == 0 ? "123456789" : i == 2 ? "null" : "7");
  w += sprintf(w, ",\"new\":1}}\n\nevent: message_stop\ndata: "
                  "{\"type\":\"message_stop\"}\n\n");
  x += sprintf(x, "{");
  for (i = 0; i < 100; i++)
    x += sprintf(x, "%s\"k%d\":%d", i ? "," : "", i,
                 i == 0 ? 123456789 : (i % 2 == 0 && i != 2) ? 7 : i);
  x += sprintf(x, ",\"new\":1}");
  sseval_claude_options_init(&opt);
  opt.flags = SSEVAL_CLAUDE_ACCUMULATE;
  CHECK(sseval_claude_new(&c, NULL, NULL, &opt) == SSEVAL_OK);
  CHECK(sseval_claude_feed(c, in, (size_t)(w - in), NULL) == SSEVAL_OK);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  CHECK(sseval_claude_write_usage_json(c, usage_sink, &o) == SSEVAL_OK);
  CHECK_MEM(out, (size_t)(o - out), want, (size_t)(x - want));
  sseval_claude_free(c);
}

int main(int argc, char **argv) {
  rng_state = 0x2545F4914F6CDD1Du; /* this suite's sequence */
  casefile_dir(case_dir, sizeof case_dir, argc, argv, "claude_cases");
  RUN(cases_load);
  RUN(cases_every_chunking);
  free_all_cases();
  RUN(truncation_every_point_lf);
  RUN(truncation_every_point_crlf);
  RUN(truncation_every_point_cr);
  RUN(all_kinds_stream_every_way);
  RUN(callback_values_whole_feed);
  RUN(error_event_values);
  RUN(pause_from_each_callback_kind);
  RUN(pause_takes_effect_at_the_event_end);
  RUN(pause_on_the_last_event);
  RUN(abort_from_each_callback_kind_is_sticky);
  RUN(abort_from_error_callback);
  RUN(reset_and_reuse);
  RUN(reset_keeps_options);
  RUN(misuse);
  RUN(verdict_and_rule_tables);
  RUN(error_type_classify_table);
  RUN(parse_error_body);
  RUN(steady_state_allocates_nothing);
  RUN(failing_allocator_every_k);
  RUN(memory_matches_the_allocator);
  RUN(idle_memory_small);
  RUN(partial_json_preview_hand_checked);
  RUN(partial_json_preview_every_prefix_is_json);
  RUN(message_writer_and_views);
  RUN(tool_block_views);
  RUN(text_delta_of_64_kib);
  RUN(summary_counts_and_preview);
  RUN(summary_counts_raw_pieces);
  RUN(usage_merge_many_keys);
  return test_summary();
}
