/* SPDX-License-Identifier: MIT */
/*
 * fuzz/sse_oracle.h - the tokenizer oracles (layer 1), shared by fuzz_sse,
 * fuzz_sse_reference and tests/test_fuzz_regressions.c.
 *
 * sse_exec() feeds a body to a fresh sseval_sse and writes a trace: every
 * callback (each span copied into an exactly sized block first), every
 * error with its offset and line, and at the end the tail, the last event
 * ID, the retry value and the counters. While it runs it checks the API
 * contract: `consumed` and sseval_sse_offset after OK and PAUSED, a paused
 * event ending exactly at `consumed`, zero-copy data lying inside the fed
 * chunk, data_lines, sticky errors, feed after finish, the sizes passed back
 * to the allocator, memory() against the live bytes, no block left at free.
 *
 * Modes: WHOLE feeds the body in one call (pausing only where a reset was
 * asked); SPLIT cuts it at the control's chunk sizes and pauses where the
 * control says (or at every callback); FRESH feeds body[start..] whole with
 * no actions. A reset action pauses, resets the instance and goes on with
 * the rest of the same body: the trace then starts a new segment.
 *
 * sse_check() (fuzz_sse):
 *  1. WHOLE and SPLIT give identical traces, segment by segment, as long as
 *     both reset at the same byte (they may not when a CRLF is cut right
 *     after the CR that ended the paused event; then the later segments are
 *     only checked by 2);
 *  2. every segment after a reset equals (or, if a reset or an abort ended it,
 *     is a prefix of) the trace of a FRESH instance fed the rest of the body:
 *     reset forgets everything;
 *  3. with flags bit 3, the same SPLIT run with allocation number N failing:
 *     either nothing failed and the trace is identical, or the run stopped
 *     with a sticky E_NOMEM after a prefix of the same trace.
 *
 * Control (see fuzz_common.h): flags bit 0 max_line_bytes = 1 + p0; bit 1
 * max_event_bytes = 1 + p1; bit 2 pause at every callback when split; bit 3
 * failing allocation number p3 + 256 * (p2 & 3).
 */
#ifndef SSEVAL_FUZZ_SSE_ORACLE_H
#define SSEVAL_FUZZ_SSE_ORACLE_H

#include "fuzz_common.h"

enum { SR_WHOLE = 0, SR_SPLIT, SR_FRESH };
enum { SK_NONE = 0, SK_EVENT, SK_RETRY, SK_COMMENT, SK_UNKNOWN };
#define SR_MAX_SEG (FZ_MAX_ACTIONS + 1)

struct sse_run;

/* How a run writes its trace (raw here; sse_ref_oracle.h uses the reference
 * tokenizer's R1-decoded format). Strings are exact copies. */
typedef struct sse_tracer {
  void (*event)(fz_buf *t, const sseval_sse_event *ev, const unsigned char *type,
                const unsigned char *data, const unsigned char *id);
  void (*retry)(fz_buf *t, uint64_t ms, uint64_t off);
  void (*comment)(fz_buf *t, const unsigned char *s, size_t n, uint64_t off);
  void (*unknown)(fz_buf *t, const unsigned char *name, size_t nlen,
                  const unsigned char *val, size_t vlen, uint64_t off);
  void (*error)(fz_buf *t, sseval_status st, const sseval_error *e);
  void (*tail)(fz_buf *t, const sseval_sse_tail *tail);
  void (*end)(fz_buf *t, const sseval_sse *p); /* may be NULL */
  /* called with every span handed out (may be NULL) */
  void (*span)(const unsigned char *s, size_t n);
} sse_tracer;

typedef struct sse_run {
  /* set by the caller */
  const fz_ctl *ctl;
  const sse_tracer *tr;
  int mode;
  int use_hooks;     /* the checking allocator (else libc) */
  int fail_alloc;    /* fail allocation number fail_at */
  uint64_t fail_at;
  int actions;       /* obey the control's actions */
  size_t start;      /* FRESH: first body byte */
  size_t max_line, max_event;
  /* results */
  fz_buf seg[SR_MAX_SEG];
  size_t seg_start[SR_MAX_SEG];
  size_t nseg;
  int stopped;       /* an error ended the run */
  sseval_status stop_status;
  size_t stop_cut;   /* trace length of the last segment before the error */
  int new_failed;    /* sseval_sse_new failed (E_NOMEM) */
  /* internal */
  fz_alloc alloc;
  uint64_t alloc_base;
  fz_buf *t;
  uint64_t ncb;
  int want_reset, cb_in_feed, last_kind;
  uint64_t last_end;
  const unsigned char *cur;
  size_t cur_len;
  uint64_t events, lines_seen;
} sse_run;

/* ---- the raw tracer ----------------------------------------------------------------- */

static void sr_raw_event(fz_buf *t, const sseval_sse_event *ev,
                         const unsigned char *type, const unsigned char *data,
                         const unsigned char *id) {
  fz_buf_str(t, "E t=");
  fz_buf_quote(t, type, ev->type.len);
  fz_buf_str(t, " d=");
  fz_buf_quote(t, data, ev->data.len);
  fz_buf_str(t, " id=");
  fz_buf_quote(t, id, ev->id.len);
  fz_buf_kv(t, "o", ev->offset);
  fz_buf_kv(t, "l", ev->line);
  fz_buf_kv(t, "e", ev->end_offset);
  fz_buf_kv(t, "dl", ev->data_lines);
  fz_buf_kv(t, "ts", (ev->flags & SSEVAL_SSE_TYPE_SET) ? 1 : 0);
  fz_buf_byte(t, '\n');
}

static void sr_raw_retry(fz_buf *t, uint64_t ms, uint64_t off) {
  fz_buf_str(t, "R");
  fz_buf_kv(t, "ms", ms);
  fz_buf_kv(t, "o", off);
  fz_buf_byte(t, '\n');
}

static void sr_raw_comment(fz_buf *t, const unsigned char *s, size_t n,
                           uint64_t off) {
  fz_buf_str(t, "C t=");
  fz_buf_quote(t, s, n);
  fz_buf_kv(t, "o", off);
  fz_buf_byte(t, '\n');
}

static void sr_raw_unknown(fz_buf *t, const unsigned char *name, size_t nlen,
                           const unsigned char *val, size_t vlen, uint64_t off) {
  fz_buf_str(t, "U n=");
  fz_buf_quote(t, name, nlen);
  fz_buf_str(t, " v=");
  fz_buf_quote(t, val, vlen);
  fz_buf_kv(t, "o", off);
  fz_buf_byte(t, '\n');
}

static void sr_raw_error(fz_buf *t, sseval_status st, const sseval_error *e) {
  fz_buf_str(t, "X ");
  fz_buf_str(t, sseval_status_name(st));
  fz_buf_kv(t, "o", e->offset);
  fz_buf_kv(t, "l", e->line);
  fz_buf_str(t, " msg=");
  fz_buf_str(t, e->message ? e->message : "(null)");
  fz_buf_byte(t, '\n');
}

static void sr_raw_tail(fz_buf *t, const sseval_sse_tail *tl) {
  fz_buf_str(t, "T");
  fz_buf_kv(t, "disc", (uint64_t)tl->discarded);
  fz_buf_kv(t, "f", tl->pending_fields);
  fz_buf_kv(t, "p", tl->partial_line_bytes);
  fz_buf_kv(t, "o", tl->offset);
  fz_buf_kv(t, "l", tl->line);
  fz_buf_kv(t, "eo", tl->end_offset);
  fz_buf_kv(t, "el", tl->end_line);
  fz_buf_byte(t, '\n');
}

static void sr_raw_end(fz_buf *t, const sseval_sse *p) {
  sseval_span id = sseval_sse_last_event_id(p);
  sseval_sse_stats st;
  uint64_t ms = 0;
  int has = sseval_sse_retry(p, &ms);
  fz_buf_str(t, "END");
  fz_span_q(t, "lastid", id, NULL);
  fz_buf_kv(t, "hasretry", (uint64_t)has);
  fz_buf_kv(t, "retry", has ? ms : 0);
  sseval_sse_get_stats(p, &st);
  fz_buf_kv(t, "bytes", st.bytes);
  fz_buf_kv(t, "lines", st.lines);
  fz_buf_kv(t, "events", st.events);
  fz_buf_kv(t, "comments", st.comments);
  fz_buf_byte(t, '\n');
}

static const sse_tracer sr_raw_tracer = {sr_raw_event,   sr_raw_retry,
                                         sr_raw_comment, sr_raw_unknown,
                                         sr_raw_error,   sr_raw_tail,
                                         sr_raw_end,     NULL};

/* ---- callbacks -------------------------------------------------------------------------- */

/* What to return for the callback just traced. */
static int sr_action(sse_run *r, int kind) {
  unsigned act = r->actions ? fz_action(r->ctl, r->ncb) : FZ_ACT_NONE;
  r->ncb++;
  r->cb_in_feed = 1;
  r->last_kind = kind;
  if (act == FZ_ACT_ABORT) return SSEVAL_CB_ABORT;
  if (act == FZ_ACT_RESET) {
    r->want_reset = 1;
    return SSEVAL_CB_PAUSE;
  }
  if (r->mode == SR_SPLIT &&
      (act == FZ_ACT_PAUSE || (r->ctl->flags & 4u)))
    return SSEVAL_CB_PAUSE;
  return SSEVAL_CB_OK;
}

static void sr_span(sse_run *r, const unsigned char *s, size_t n) {
  if (r->tr->span) r->tr->span(s, n);
}

static int sr_on_event(void *user, const sseval_sse_event *ev) {
  sse_run *r = (sse_run *)user;
  unsigned char *type, *data, *id;
  size_t i, lfs = 0;
  FZ_CHECK(ev->type.len == 0 || ev->type.ptr, "event type span NULL");
  FZ_CHECK(ev->data.len == 0 || ev->data.ptr, "event data span NULL");
  FZ_CHECK(ev->id.len == 0 || ev->id.ptr, "event id span NULL");
  type = fz_exact(ev->type.ptr, ev->type.len);
  data = fz_exact(ev->data.ptr, ev->data.len);
  id = fz_exact(ev->id.ptr, ev->id.len);
  for (i = 0; i < ev->data.len; i++)
    if (data[i] == '\n') lfs++;
  FZ_CHECK(ev->data_lines == lfs + 1, "data_lines %u for data with %zu LFs",
           ev->data_lines, lfs);
  if (ev->flags & SSEVAL_SSE_TYPE_SET)
    FZ_CHECK(ev->type.len > 0, "TYPE_SET with an empty type");
  else
    FZ_CHECK(ev->type.len == 7 && memcmp(type, "message", 7) == 0,
             "type without TYPE_SET is not \"message\"");
  if ((ev->flags & SSEVAL_SSE_DATA_ZERO_COPY) && ev->data.len)
    FZ_CHECK((const unsigned char *)ev->data.ptr >= r->cur &&
                 (const unsigned char *)ev->data.ptr + ev->data.len <=
                     r->cur + r->cur_len,
             "DATA_ZERO_COPY but the data is not inside the fed chunk");
  FZ_CHECK(ev->end_offset > ev->offset, "end_offset %llu <= offset %llu",
           (unsigned long long)ev->end_offset, (unsigned long long)ev->offset);
  FZ_CHECK(ev->line >= 1, "event line 0");
  sr_span(r, type, ev->type.len);
  sr_span(r, data, ev->data.len);
  sr_span(r, id, ev->id.len);
  r->tr->event(r->t, ev, type, data, id);
  free(type);
  free(data);
  free(id);
  r->events++;
  r->last_end = ev->end_offset;
  return sr_action(r, SK_EVENT);
}

static int sr_on_retry(void *user, uint64_t ms, uint64_t offset) {
  sse_run *r = (sse_run *)user;
  r->tr->retry(r->t, ms, offset);
  return sr_action(r, SK_RETRY);
}

static int sr_on_comment(void *user, sseval_span text, uint64_t offset) {
  sse_run *r = (sse_run *)user;
  unsigned char *q;
  FZ_CHECK(text.len == 0 || text.ptr, "comment span NULL");
  q = fz_exact(text.ptr, text.len);
  sr_span(r, q, text.len);
  r->tr->comment(r->t, q, text.len, offset);
  free(q);
  return sr_action(r, SK_COMMENT);
}

static int sr_on_unknown(void *user, sseval_span name, sseval_span value,
                         uint64_t offset) {
  sse_run *r = (sse_run *)user;
  unsigned char *n, *v;
  FZ_CHECK(name.len == 0 || name.ptr, "unknown field name span NULL");
  FZ_CHECK(value.len == 0 || value.ptr, "unknown field value span NULL");
  n = fz_exact(name.ptr, name.len);
  v = fz_exact(value.ptr, value.len);
  sr_span(r, n, name.len);
  sr_span(r, v, value.len);
  r->tr->unknown(r->t, n, name.len, v, value.len, offset);
  free(n);
  free(v);
  return sr_action(r, SK_UNKNOWN);
}

/* ---- one run ------------------------------------------------------------------------------ */

static void sr_new_segment(sse_run *r, size_t start) {
  FZ_CHECK(r->nseg < SR_MAX_SEG, "too many segments");
  fz_buf_init(&r->seg[r->nseg]);
  fz_buf_add(&r->seg[r->nseg], "", 0);
  r->seg_start[r->nseg] = start;
  r->t = &r->seg[r->nseg];
  r->nseg++;
}

static void sr_free(sse_run *r) {
  size_t i;
  for (i = 0; i < r->nseg; i++) fz_buf_free(&r->seg[i]);
  r->nseg = 0;
}

/* Poison a chunk the caller gives back, then free it. */
static void sr_drop(unsigned char *chunk, size_t n) {
  if (n) memset(chunk, 'Z', n);
  free(chunk);
}

static void sse_exec(sse_run *r) {
  const unsigned char *body = r->ctl->body;
  size_t n = r->ctl->body_len;
  sseval_sse *p = NULL;
  sseval_sse_callbacks cbs;
  sseval_sse_options opts;
  sseval_allocator al;
  sseval_sse_tail tail;
  sseval_status st;
  fz_chunker ck;
  size_t pos = r->start, base = r->start;

  fz_run_name = r->fail_alloc ? "split with a failing allocation"
                : r->mode == SR_WHOLE ? "whole"
                : r->mode == SR_SPLIT ? "split"
                                      : "fresh";
  r->nseg = 0;
  r->stopped = r->new_failed = 0;
  r->ncb = 0;
  r->events = 0;
  sr_new_segment(r, r->start);
  sseval_sse_callbacks_init(&cbs);
  cbs.on_event = sr_on_event;
  cbs.on_retry = sr_on_retry;
  cbs.on_comment = sr_on_comment;
  cbs.on_unknown_field = sr_on_unknown;
  sseval_sse_options_init(&opts);
  opts.max_line_bytes = r->max_line;
  opts.max_event_bytes = r->max_event;
  al = fz_allocator(&r->alloc);
  r->alloc.fail_on = r->fail_alloc;
  r->alloc.fail_at = r->fail_at;
  r->alloc_base = 0;
  if (r->use_hooks) opts.allocator = &al;
  st = sseval_sse_new(&p, &cbs, r, &opts);
  if (st != SSEVAL_OK) {
    FZ_CHECK(st == SSEVAL_E_NOMEM && r->alloc.failures,
             "sseval_sse_new: %s", sseval_status_name(st));
    FZ_CHECK(p == NULL, "sseval_sse_new failed but set *out");
    FZ_CHECK(r->alloc.live_blocks == 0, "sseval_sse_new failed and leaked");
    r->new_failed = 1;
    return;
  }
  fz_chunker_init(&ck, r->ctl);
  while (!r->stopped && pos < n) {
    size_t size = r->mode == SR_SPLIT ? fz_next_chunk(&ck, n - pos) : n - pos;
    unsigned char *chunk = fz_exact(body + pos, size);
    size_t rem = size, cpos = pos;
    for (;;) {
      size_t consumed = (size_t)-1;
      r->cur = chunk;
      r->cur_len = rem;
      r->want_reset = 0;
      r->cb_in_feed = 0;
      r->last_kind = SK_NONE;
      /* an empty feed passes NULL (allowed: len may be 0) */
      st = sseval_sse_feed(p, rem || fz_avoid("sse-null-empty-feed") ? chunk : NULL,
                           rem, &consumed);
      if (st == SSEVAL_PAUSED) {
        unsigned char *rest;
        FZ_CHECK(r->cb_in_feed, "PAUSED without a callback asking for it");
        FZ_CHECK(consumed <= rem, "PAUSED: consumed %zu > len %zu", consumed,
                 rem);
        FZ_CHECK(sseval_sse_offset(p) == cpos + consumed - base,
                 "after a pause, offset %llu != bytes consumed %zu",
                 (unsigned long long)sseval_sse_offset(p),
                 cpos + consumed - base);
        if (r->last_kind == SK_EVENT && !fz_avoid("sse-pause-crlf"))
          FZ_CHECK(cpos + consumed - base == r->last_end,
                   "paused at an event: consumed ends at %zu, the event at "
                   "%llu",
                   cpos + consumed - base, (unsigned long long)r->last_end);
        cpos += consumed;
        if (r->want_reset) {
          sseval_sse_stats sst;
          sseval_sse_reset(p);
          sseval_sse_get_stats(p, &sst);
          FZ_CHECK(sst.bytes == 0 && sst.events == 0 && sst.lines == 0,
                   "stats not cleared by reset");
          FZ_CHECK(sseval_sse_offset(p) == 0, "offset not cleared by reset");
          FZ_CHECK(sseval_sse_error(p)->status == SSEVAL_OK,
                   "error not cleared by reset");
          FZ_CHECK(sseval_sse_last_event_id(p).len == 0,
                   "last event id not cleared by reset");
          FZ_CHECK(!sseval_sse_retry(p, NULL), "retry not cleared by reset");
          base = cpos;
          r->events = 0;
          r->alloc_base = r->alloc.calls;
          sr_new_segment(r, cpos);
        }
        rest = fz_exact(chunk + consumed, rem - consumed);
        sr_drop(chunk, rem);
        chunk = rest;
        rem -= consumed;
        if (rem == 0) break;
        continue;
      }
      if (st == SSEVAL_OK) {
        FZ_CHECK(consumed == rem, "OK but consumed %zu != len %zu", consumed,
                 rem);
        FZ_CHECK(sseval_sse_offset(p) == cpos + rem - base,
                 "offset %llu != bytes fed %zu",
                 (unsigned long long)sseval_sse_offset(p), cpos + rem - base);
        break;
      }
      { /* an error: sticky */
        const sseval_error *e = sseval_sse_error(p);
        size_t c2 = 7;
        FZ_CHECK(st == SSEVAL_E_LIMIT || st == SSEVAL_E_NOMEM ||
                     st == SSEVAL_E_CALLBACK,
                 "feed returned %s", sseval_status_name(st));
        FZ_CHECK(st != SSEVAL_E_NOMEM || r->alloc.failures,
                 "E_NOMEM without a failed allocation");
        FZ_CHECK(e->status == st, "sseval_sse_error says %s, feed said %s",
                 sseval_status_name(e->status), sseval_status_name(st));
        FZ_CHECK(e->message && e->message[0], "error without a message");
        FZ_CHECK(sseval_status_message(st)[0] && strcmp(sseval_status_name(st), "UNKNOWN"),
                 "status %d without a name or message", (int)st);
        FZ_CHECK(consumed <= rem, "error: consumed %zu > len %zu", consumed,
                 rem);
        r->stop_cut = r->t->len;
        r->tr->error(r->t, st, e);
        FZ_CHECK(sseval_sse_feed(p, "\n", 1, &c2) == st && c2 == 0,
                 "error is not sticky (feed)");
        memset(&tail, 0, sizeof tail);
        FZ_CHECK(sseval_sse_finish(p, &tail) == st,
                 "error is not sticky (finish)");
        r->stopped = 1;
        r->stop_status = st;
      }
      break;
    }
    sr_drop(chunk, rem);
    pos += size;
  }
  if (!r->stopped) {
    sseval_sse_stats sst;
    sseval_sse_get_stats(p, &sst);
    FZ_CHECK(sst.bytes == n - base, "stats.bytes %llu != %zu",
             (unsigned long long)sst.bytes, n - base);
    FZ_CHECK(sst.events == r->events, "stats.events %llu != %llu events seen",
             (unsigned long long)sst.events, (unsigned long long)r->events);
    if (r->tr->end) r->tr->end(r->t, p);
    memset(&tail, 0xA5, sizeof tail);
    st = sseval_sse_finish(p, &tail);
    if (st == SSEVAL_E_LIMIT) { /* only end of input can reveal that bytes
                                   held as a possible BOM overflow the line */
      r->tr->error(r->t, st, sseval_sse_error(p));
      r->stopped = 1;
      r->stop_status = st;
      goto finished;
    }
    FZ_CHECK(st == SSEVAL_OK, "finish returned %s", sseval_status_name(st));
    FZ_CHECK(tail.discarded == 0 || tail.discarded == 1,
             "tail.discarded is %d", tail.discarded);
    FZ_CHECK(tail.end_offset == n - base, "tail.end_offset %llu != %zu",
             (unsigned long long)tail.end_offset, n - base);
    FZ_CHECK(tail.discarded == (tail.pending_fields || tail.partial_line_bytes),
             "tail.discarded disagrees with its counts");
    r->tr->tail(r->t, &tail);
    FZ_CHECK(sseval_sse_feed(p, "x", 1, NULL) == SSEVAL_E_MISUSE,
             "feed after finish is not E_MISUSE");
  }
finished:
  if (r->use_hooks) {
    sseval_sse_stats sst;
    sseval_sse_get_stats(p, &sst);
    FZ_CHECK(sseval_sse_memory(p) == r->alloc.live_bytes,
             "sseval_sse_memory %zu != %zu bytes live in the allocator",
             sseval_sse_memory(p), r->alloc.live_bytes);
    FZ_CHECK(sst.allocations == r->alloc.calls - r->alloc_base,
             "stats.allocations %llu != %llu allocator calls",
             (unsigned long long)sst.allocations,
             (unsigned long long)(r->alloc.calls - r->alloc_base));
  }
  if (getenv("SSEVAL_FUZZ_DUMP")) { /* debugging: every run's trace */
    size_t i;
    static const char *const names[] = {"whole", "split", "fresh"};
    for (i = 0; i < r->nseg; i++)
      fprintf(stderr, "---- %s, segment %zu from byte %zu:\n%s", names[r->mode], i,
              r->seg_start[i], r->seg[i].p ? r->seg[i].p : "");
  }
  sseval_sse_free(p);
  if (r->use_hooks)
    FZ_CHECK(r->alloc.live_blocks == 0, "%zu blocks leaked at free",
             r->alloc.live_blocks);
}

/* Limits from the control. */
static void sr_limits(const fz_ctl *c, size_t *max_line, size_t *max_event) {
  *max_line = (c->flags & 1u) ? 1 + c->p[0] : 0;
  *max_event = (c->flags & 2u) ? 1 + c->p[1] : 0;
}

static void sr_setup(sse_run *r, const fz_ctl *c, int mode) {
  memset(r, 0, sizeof *r);
  r->ctl = c;
  r->tr = &sr_raw_tracer;
  r->mode = mode;
  r->actions = mode != SR_FRESH;
  r->use_hooks = mode != SR_WHOLE;
  sr_limits(c, &r->max_line, &r->max_event);
}

/* The segment traces of r, each checked against a fresh instance. */
static void sr_check_fresh(const sse_run *r, const char *name) {
  size_t i;
  for (i = 1; i < r->nseg; i++) {
    sse_run f;
    fz_buf cut;
    int last = i + 1 == r->nseg;
    sr_setup(&f, r->ctl, SR_FRESH);
    f.max_line = r->max_line;
    f.max_event = r->max_event;
    f.start = r->seg_start[i];
    sse_exec(&f);
    fz_buf_init(&cut);
    fz_buf_add(&cut, r->seg[i].p, r->seg[i].len);
    if (last && r->stopped && r->stop_status == SSEVAL_E_CALLBACK) {
      cut.len = r->stop_cut;
      fz_prefix("segment after reset vs a fresh instance", name, &cut,
                "fresh", &f.seg[0]);
    } else if (last) {
      fz_same("segment after reset vs a fresh instance", name, &cut, "fresh",
              &f.seg[0]);
    } else {
      fz_prefix("segment after reset vs a fresh instance", name, &cut,
                "fresh", &f.seg[0]);
    }
    fz_buf_free(&cut);
    sr_free(&f);
  }
}

/* Compare two runs segment by segment (see the header comment). */
static void sr_compare(const sse_run *a, const char *na, const sse_run *b,
                       const char *nb) {
  const unsigned char *body = a->ctl->body;
  size_t i, n = a->nseg < b->nseg ? a->nseg : b->nseg;
  for (i = 0; i < n; i++) {
    if (a->seg_start[i] != b->seg_start[i]) {
      size_t lo = a->seg_start[i] < b->seg_start[i] ? a->seg_start[i]
                                                    : b->seg_start[i];
      size_t hi = a->seg_start[i] ^ b->seg_start[i] ^ lo;
      FZ_CHECK(hi == lo + 1 && lo > 0 && body[lo] == '\n' && body[lo - 1] == '\r',
               "%s resets at byte %zu, %s at byte %zu", na, a->seg_start[i], nb,
               b->seg_start[i]);
      return; /* a CRLF cut after the CR: the later segments differ */
    }
    fz_same("whole vs split feed", na, &a->seg[i], nb, &b->seg[i]);
  }
  FZ_CHECK(a->nseg == b->nseg, "%s has %zu segments, %s %zu", na, a->nseg, nb,
           b->nseg);
}

/* fuzz_sse */
static void sse_check(const uint8_t *data, size_t size) {
  fz_ctl c;
  sse_run w, s;
  fz_ctl_parse(&c, data, size);
  sr_setup(&w, &c, SR_WHOLE);
  sse_exec(&w);
  sr_setup(&s, &c, SR_SPLIT);
  sse_exec(&s);
  sr_compare(&w, "whole", &s, "split");
  sr_check_fresh(&w, "whole");
  sr_check_fresh(&s, "split");
  if (c.flags & 8u) {
    sse_run f;
    size_t i;
    sr_setup(&f, &c, SR_SPLIT);
    f.fail_alloc = 1;
    f.fail_at = c.p[3] + 256u * (c.p[2] & 3u);
    sse_exec(&f);
    if (!f.new_failed) {
      if (!f.alloc.failures) {
        FZ_CHECK(f.nseg == s.nseg, "failing allocator run: segments differ");
        for (i = 0; i < f.nseg; i++)
          fz_same("split run vs the same run with a failing allocator (none "
                  "failed)",
                  "split", &s.seg[i], "failing", &f.seg[i]);
      } else {
        /* stopped with E_NOMEM (or the failure was absorbed) after a prefix */
        for (i = 0; i < f.nseg; i++) {
          fz_buf cut;
          FZ_CHECK(i < s.nseg, "failing allocator run: more segments");
          fz_buf_init(&cut);
          fz_buf_add(&cut, f.seg[i].p, f.seg[i].len);
          if (i + 1 == f.nseg && f.stopped && f.stop_status == SSEVAL_E_NOMEM)
            cut.len = f.stop_cut;
          if (i + 1 < f.nseg || !f.stopped)
            fz_same("split run vs the same run with a failing allocator",
                    "split", &s.seg[i], "failing", &cut);
          else
            fz_prefix("failing allocator run must be a prefix of the split run",
                      "failing", &cut, "split", &s.seg[i]);
          fz_buf_free(&cut);
        }
      }
    }
    sr_free(&f);
  }
  sr_free(&w);
  sr_free(&s);
}

#endif /* SSEVAL_FUZZ_SSE_ORACLE_H */
