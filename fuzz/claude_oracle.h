/* SPDX-License-Identifier: MIT */
/*
 * fuzz/claude_oracle.h - the Claude state machine oracles (layer 2), shared
 * by fuzz_claude and tests/test_fuzz_regressions.c.
 *
 * The stream is either the body itself (raw mode: recordings and anything
 * the mutator makes of them) or what sseval_gen_program (sseval/gen.h) makes of the
 * body read as a program (grammar mode, flags bit 5). cl_exec() runs one
 * sseval_claude over it and writes a trace of every callback (every span
 * copied into an exactly sized block first, so ASan catches a read past a
 * span), every error return and the final result; with ACCUMULATE it also
 * writes the rebuilt message and usage. While it runs it checks:
 *  - each content piece (text, thinking, tool input, signature) and each
 *    decoded id/model/stop_reason/stop_sequence is valid UTF-8; every raw
 *    JSON span (message, usage, content_block, delta, citation) is valid
 *    JSON without a repeated member name by the independent checker of
 *    fuzz_common.h (payloads with one are duplicate_key);
 *  - block indexes: starts count 0, 1, 2, ...; other callbacks name a
 *    started block;
 *  - a pause ends exactly at the end of the event being processed; consumed
 *    and result.bytes after OK / PAUSED; errors are sticky; feed and finish
 *    after finish are E_MISUSE;
 *  - the result is coherent (verdict vs rule, offset, detail, exit code,
 *    error classification), counters match the callbacks, memory() matches
 *    the live bytes of the allocator, realloc/free get the right old sizes,
 *    nothing is left allocated at free;
 *  - the rebuilt message is valid JSON by the library's own strict validator
 *    (cursor and incremental) AND by the independent checker, with no
 *    object repeating a member name (no field written twice), its content
 *    array has block_count() entries, each block view agrees with the pieces
 *    the callbacks delivered (text, thinking, tool input concatenation, last
 *    signature), a complete tool input is a JSON object, citations_json is a
 *    JSON array.
 *
 * claude_check() (fuzz_claude) compares runs of the same stream:
 *  - WHOLE (one feed) and SPLIT (control chunking, pauses) give the same
 *    trace, verdict, rule, offset, callbacks and message (segment by segment
 *    when a reset action splits the stream);
 *  - each segment after a reset equals / is a prefix of a FRESH instance fed
 *    the rest of the stream;
 *  - the same callbacks and result without ACCUMULATE, twice on one instance
 *    with sseval_claude_reset in between (reset = new);
 *  - the same callbacks and result with SSEVAL_CLAUDE_SUMMARY, each text or
 *    thinking block's length (bytes and characters) that of the pieces
 *    delivered and its preview their first bytes;
 *  - the same when driven through sseval_claude_on_sse_event from an
 *    external tokenizer (EXTERNAL; skipped when a reset action is present or
 *    a tokenizer limit decided the verdict);
 *  - with flags bit 4, SPLIT with allocation number N failing: the same
 *    trace, or a prefix of it ending in E_NOMEM / out_of_memory, and the
 *    message still valid JSON.
 * It also runs sseval_parse_error_body on the body.
 *
 * Control flags (see fuzz_common.h for the layout): bit 0 LENIENT_UNNAMED;
 * bit 1 small tokenizer limits (max_line 8 + 4 * p0, max_event 8 + 4 * p1);
 * bit 2 small machine limits (max_json_depth 1 + p2 % 8, max_blocks
 * 1 + p3 % 8, max_block_bytes 1 + p0 * 4, max_tool_input_bytes 1 + 2 * p1,
 * max_unknown_fields 1 + p3 % 16); bit 3 pause at every callback
 * when split; bit 4 failing allocation p3 + 256 * (p2 & 3); bit 5 grammar
 * mode; bit 6 (grammar) end the stream properly.
 */
#ifndef SSEVAL_FUZZ_CLAUDE_ORACLE_H
#define SSEVAL_FUZZ_CLAUDE_ORACLE_H

#include "../src/json.h"
#include "sseval/gen.h"
#include "fuzz_common.h"

enum { CR_WHOLE = 0, CR_SPLIT, CR_FRESH, CR_EXTERNAL };
#define CR_MAX_SEG (FZ_MAX_ACTIONS + 1)

typedef struct cl_block {
  fz_buf text, tool, sig;
  uint64_t sig_ev;
} cl_block;

typedef struct cl_run {
  /* set by cl_setup / the caller */
  const fz_ctl *ctl;
  const unsigned char *stream;
  size_t n;
  int mode, accumulate, use_hooks, fail_alloc, actions, reuse;
  int summary; /* SSEVAL_CLAUDE_SUMMARY: previews and lengths, no text */
  uint64_t fail_at;
  size_t start;
  sseval_claude_options opts;
  /* results */
  fz_buf seg[CR_MAX_SEG];
  size_t seg_start[CR_MAX_SEG];
  size_t nseg;
  fz_buf msg;   /* rebuilt message and usage (ACCUMULATE) */
  fz_buf pass2; /* reuse: the second pass */
  int stopped, new_failed;
  sseval_status stop_status;
  size_t stop_cut;
  sseval_claude_result res;
  /* internal */
  fz_alloc alloc;
  uint64_t alloc_base;
  fz_buf *t;
  uint64_t ncb;
  int want_reset, cb_in_feed, saw_sse_in_feed, saw_stop;
  uint64_t last_sse_end, sse_events, pings, unknown_events, unknown_deltas;
  cl_block *blocks;
  size_t nblocks, cap;
  int ms_seen;
  fz_buf ms_id, ms_model;
  sseval_claude *c;
  sseval_sse *tok; /* EXTERNAL */
} cl_run;

/* ---- per-segment callback state --------------------------------------------------------- */

static void cl_blocks_clear(cl_run *r) {
  size_t i;
  for (i = 0; i < r->nblocks; i++) {
    fz_buf_free(&r->blocks[i].text);
    fz_buf_free(&r->blocks[i].tool);
    fz_buf_free(&r->blocks[i].sig);
  }
  r->nblocks = 0;
  r->saw_stop = 0;
  r->sse_events = r->pings = r->unknown_events = r->unknown_deltas = 0;
  r->ms_seen = 0;
  r->ms_id.len = r->ms_model.len = 0;
}

static void cl_new_segment(cl_run *r, size_t start) {
  FZ_CHECK(r->nseg < CR_MAX_SEG, "too many segments");
  fz_buf_init(&r->seg[r->nseg]);
  fz_buf_add(&r->seg[r->nseg], "", 0);
  r->seg_start[r->nseg] = start;
  r->t = &r->seg[r->nseg];
  r->nseg++;
  cl_blocks_clear(r);
}

static int cl_action(cl_run *r) {
  unsigned act = r->actions ? fz_action(r->ctl, r->ncb) : FZ_ACT_NONE;
  r->ncb++;
  r->cb_in_feed = 1;
  if (act == FZ_ACT_ABORT) return SSEVAL_CB_ABORT;
  if (act == FZ_ACT_RESET) {
    r->want_reset = 1;
    return SSEVAL_CB_PAUSE;
  }
  if (r->mode == CR_SPLIT && (act == FZ_ACT_PAUSE || (r->ctl->flags & 8u)))
    return SSEVAL_CB_PAUSE;
  return SSEVAL_CB_OK;
}

static cl_block *cl_block_at(cl_run *r, uint32_t index, const char *what) {
  FZ_CHECK(index < r->nblocks, "%s for index %u, but only %zu blocks started",
           what, index, r->nblocks);
  return &r->blocks[index];
}

/* A raw JSON span: copied exactly, checked, traced. */
static void cl_json_span(cl_run *r, const char *key, sseval_span s,
                         int may_be_empty, int must_be_object) {
  fz_buf tmp;
  fz_buf_init(&tmp);
  fz_span_q(r->t, key, s, &tmp);
  if (!(may_be_empty && s.len == 0)) {
    size_t pos = 0;
    /* every payload handed out was checked for repeated names too */
    int e = fz_json_check_dup(tmp.p ? tmp.p : "", tmp.len, 1000, &pos);
    FZ_CHECK(e == FZJ_OK,
             "callback span %s is not valid JSON or repeats a name (error %d "
             "at %zu): %.300s",
             key, e, pos, tmp.p ? tmp.p : "");
    if (must_be_object)
      FZ_CHECK(fz_json_is_object(tmp.p, tmp.len), "callback span %s is not an object",
               key);
  }
  fz_buf_free(&tmp);
}

/* A decoded string span: copied exactly, must be valid UTF-8. */
static void cl_text_span(cl_run *r, const char *key, sseval_span s, fz_buf *keep) {
  fz_buf tmp;
  fz_buf_init(&tmp);
  fz_span_q(r->t, key, s, &tmp);
  FZ_CHECK(fz_utf8_valid(tmp.p ? tmp.p : "", tmp.len),
           "span %s handed out is not valid UTF-8", key);
  if (keep) fz_buf_add(keep, tmp.p ? tmp.p : "", tmp.len);
  fz_buf_free(&tmp);
}

/* ---- callbacks ------------------------------------------------------------------------------ */

static int cl_on_message_start(void *u, const sseval_message_info *m) {
  cl_run *r = (cl_run *)u;
  fz_buf_str(r->t, "MS");
  r->ms_id.len = r->ms_model.len = 0;
  cl_text_span(r, "id", m->id, &r->ms_id);
  cl_text_span(r, "model", m->model, &r->ms_model);
  r->ms_seen = 1;
  cl_json_span(r, "usage", m->usage_json, 1, 0);
  cl_json_span(r, "raw", m->raw_json, 0, 1);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_on_block_start(void *u, const sseval_block_info *b) {
  cl_run *r = (cl_run *)u;
  int tool = b->type == SSEVAL_BLOCK_TOOL_USE ||
             b->type == SSEVAL_BLOCK_SERVER_TOOL_USE ||
             b->type == SSEVAL_BLOCK_MCP_TOOL_USE;
  FZ_CHECK(b->index == r->nblocks, "block start index %u, expected %zu",
           b->index, r->nblocks);
  FZ_CHECK((unsigned)b->type <= SSEVAL_BLOCK_FALLBACK, "block type %d",
           (int)b->type);
  if (r->nblocks == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 8;
    r->blocks = (cl_block *)realloc(r->blocks, r->cap * sizeof *r->blocks);
    if (!r->blocks) abort();
  }
  memset(&r->blocks[r->nblocks], 0, sizeof r->blocks[0]);
  r->blocks[r->nblocks].sig_ev = (uint64_t)-1;
  r->nblocks++;
  fz_buf_str(r->t, "BS");
  fz_buf_kv(r->t, "i", b->index);
  fz_buf_str(r->t, " t=");
  fz_buf_str(r->t, sseval_block_type_name(b->type));
  fz_span_q(r->t, "tn", b->type_name, NULL);
  fz_span_q(r->t, "tid", b->tool_id, NULL);
  fz_span_q(r->t, "tname", b->tool_name, NULL);
  if (!tool)
    FZ_CHECK(b->tool_id.len == 0 && b->tool_name.len == 0,
             "tool_id / tool_name set on a non-tool block");
  cl_json_span(r, "raw", b->raw_json, 0, 1);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_piece(cl_run *r, const char *tag, uint32_t index,
                    sseval_span piece, int which) {
  cl_block *b = cl_block_at(r, index, tag);
  fz_buf *keep = which == 0 ? &b->text : which == 1 ? &b->tool : &b->sig;
  if (which == 2 && b->sig_ev != r->sse_events) { /* a new signature_delta */
    b->sig.len = 0;
    b->sig_ev = r->sse_events;
  }
  fz_buf_str(r->t, tag);
  fz_buf_kv(r->t, "i", index);
  cl_text_span(r, "p", piece, keep);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_on_text(void *u, uint32_t i, sseval_span p) {
  return cl_piece((cl_run *)u, "TX", i, p, 0);
}
static int cl_on_thinking(void *u, uint32_t i, sseval_span p) {
  return cl_piece((cl_run *)u, "TH", i, p, 0);
}
static int cl_on_tool_input(void *u, uint32_t i, sseval_span p) {
  return cl_piece((cl_run *)u, "TI", i, p, 1);
}
static int cl_on_signature(void *u, uint32_t i, sseval_span p) {
  return cl_piece((cl_run *)u, "SG", i, p, 2);
}

static int cl_on_citation(void *u, uint32_t i, sseval_span j) {
  cl_run *r = (cl_run *)u;
  cl_block_at(r, i, "on_citation");
  fz_buf_str(r->t, "CI");
  fz_buf_kv(r->t, "i", i);
  cl_json_span(r, "c", j, 0, 0);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_on_compaction(void *u, uint32_t i, sseval_span j) {
  cl_run *r = (cl_run *)u;
  cl_block_at(r, i, "on_compaction");
  fz_buf_str(r->t, "CP");
  fz_buf_kv(r->t, "i", i);
  cl_json_span(r, "d", j, 0, 1);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_on_block_stop(void *u, uint32_t i) {
  cl_run *r = (cl_run *)u;
  cl_block_at(r, i, "on_block_stop");
  fz_buf_str(r->t, "BE");
  fz_buf_kv(r->t, "i", i);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_on_message_delta(void *u, const sseval_delta_info *d) {
  cl_run *r = (cl_run *)u;
  fz_buf_str(r->t, "MD");
  fz_buf_kv(r->t, "hsr", (uint64_t)d->has_stop_reason);
  if (d->has_stop_reason) cl_text_span(r, "sr", d->stop_reason, NULL);
  else FZ_CHECK(d->stop_reason.len == 0, "stop_reason set without has_stop_reason");
  fz_buf_kv(r->t, "hss", (uint64_t)d->has_stop_sequence);
  if (d->has_stop_sequence) cl_text_span(r, "ss", d->stop_sequence, NULL);
  else FZ_CHECK(d->stop_sequence.len == 0, "stop_sequence set without has_stop_sequence");
  cl_json_span(r, "usage", d->usage_json, 1, 0);
  cl_json_span(r, "delta", d->delta_json, 0, 1);
  fz_buf_byte(r->t, '\n');
  return cl_action(r);
}

static int cl_on_message_stop(void *u) {
  cl_run *r = (cl_run *)u;
  fz_buf_str(r->t, "ST\n");
  r->saw_stop = 1;
  return cl_action(r);
}

static int cl_on_ping(void *u) {
  cl_run *r = (cl_run *)u;
  fz_buf_str(r->t, "PG\n");
  r->pings++;
  return cl_action(r);
}

static int cl_on_error_event(void *u, const sseval_api_error *e) {
  cl_run *r = (cl_run *)u;
  int http = -1, retry;
  fz_buf ty;
  fz_buf_init(&ty);
  fz_buf_str(r->t, "ER");
  fz_span_q(r->t, "type", e->type, &ty);
  fz_span_q(r->t, "msg", e->message, NULL);
  fz_buf_kv(r->t, "http", (uint64_t)(int64_t)e->http_status);
  fz_buf_kv(r->t, "retry", (uint64_t)(int64_t)e->retryable);
  fz_buf_byte(r->t, '\n');
  retry = sseval_error_type_classify(fz_span(ty.p, ty.len), &http);
  FZ_CHECK(retry == e->retryable && http == e->http_status,
           "error event classified (%d, %d), sseval_error_type_classify says "
           "(%d, %d)",
           e->http_status, e->retryable, http, retry);
  fz_buf_free(&ty);
  return cl_action(r);
}

static int cl_on_unknown_event(void *u, sseval_span name, sseval_span data) {
  cl_run *r = (cl_run *)u;
  fz_buf_str(r->t, "UE");
  fz_span_q(r->t, "name", name, NULL);
  fz_span_q(r->t, "data", data, NULL);
  fz_buf_byte(r->t, '\n');
  r->unknown_events++;
  return cl_action(r);
}

static int cl_on_unknown_delta(void *u, uint32_t i, sseval_span t,
                               sseval_span d) {
  cl_run *r = (cl_run *)u;
  cl_block_at(r, i, "on_unknown_delta");
  fz_buf_str(r->t, "UD");
  fz_buf_kv(r->t, "i", i);
  fz_span_q(r->t, "t", t, NULL);
  cl_json_span(r, "d", d, 0, 1);
  fz_buf_byte(r->t, '\n');
  r->unknown_deltas++;
  return cl_action(r);
}

static int cl_on_sse_event(void *u, const sseval_sse_event *ev) {
  cl_run *r = (cl_run *)u;
  fz_buf_str(r->t, "SE");
  fz_span_q(r->t, "t", ev->type, NULL);
  fz_span_q(r->t, "d", ev->data, NULL);
  fz_buf_kv(r->t, "o", ev->offset);
  fz_buf_kv(r->t, "l", ev->line);
  fz_buf_kv(r->t, "e", ev->end_offset);
  fz_buf_byte(r->t, '\n');
  r->last_sse_end = ev->end_offset;
  r->saw_sse_in_feed = 1;
  r->sse_events++;
  return cl_action(r);
}

/* EXTERNAL: the outside tokenizer's event callback. */
static int cl_ext_on_event(void *u, const sseval_sse_event *ev) {
  cl_run *r = (cl_run *)u;
  return sseval_claude_on_sse_event(r->c, ev);
}

/* ---- checks after a pass ------------------------------------------------------------------------ */

static void cl_trace_result(cl_run *r, sseval_status fin,
                            const sseval_claude_result *res) {
  fz_buf_str(r->t, "RES v=");
  fz_buf_str(r->t, sseval_verdict_name(res->verdict));
  fz_buf_str(r->t, " r=");
  fz_buf_str(r->t, sseval_rule_id(res->rule));
  fz_buf_kv(r->t, "ho", (uint64_t)res->has_offset);
  fz_buf_kv(r->t, "o", res->offset);
  fz_buf_kv(r->t, "l", res->line);
  fz_buf_str(r->t, " det=");
  fz_buf_quote(r->t, res->detail, strlen(res->detail));
  fz_buf_kv(r->t, "he", (uint64_t)res->has_error);
  if (res->has_error) {
    fz_span_q(r->t, "et", res->error.type, NULL);
    fz_span_q(r->t, "em", res->error.message, NULL);
    fz_buf_kv(r->t, "http", (uint64_t)(int64_t)res->error.http_status);
    fz_buf_kv(r->t, "rt", (uint64_t)(int64_t)res->error.retryable);
  }
  fz_buf_kv(r->t, "ev", res->events);
  fz_buf_kv(r->t, "fin", (uint64_t)res->finished);
  fz_buf_str(r->t, " st=");
  fz_buf_str(r->t, sseval_status_name(fin));
  fz_buf_byte(r->t, '\n');
}

static void cl_check_result(const cl_run *r, const sseval_claude_result *res,
                            size_t seg_len) {
  int code = sseval_verdict_exit_code(res->verdict);
  FZ_CHECK((unsigned)res->verdict < SSEVAL_VERDICT_COUNT_, "verdict %d",
           (int)res->verdict);
  FZ_CHECK((unsigned)res->rule < SSEVAL_RULE_COUNT_, "rule %d", (int)res->rule);
  FZ_CHECK(code == 0 || (code >= 2 && code <= 7), "exit code %d", code);
  FZ_CHECK(res->finished == 1, "result.finished is %d after finish",
           res->finished);
  FZ_CHECK(res->detail != NULL, "NULL detail");
  FZ_CHECK(sseval_rule_description(res->rule)[0] != '\0', "empty rule description");
  if (res->verdict == SSEVAL_VERDICT_COMPLETE) {
    FZ_CHECK(res->rule == SSEVAL_RULE_NONE && !res->has_offset && !res->has_error,
             "complete with rule %s", sseval_rule_id(res->rule));
    FZ_CHECK(r->saw_stop || (r->stopped && r->stop_status == SSEVAL_E_CALLBACK &&
                             fz_avoid("claude-abort-complete")),
             "verdict complete but no message_stop callback (finish status %s)",
             r->stopped ? sseval_status_name(r->stop_status) : "OK");
  } else if (res->verdict == SSEVAL_VERDICT_ERROR_EVENT) {
    FZ_CHECK(res->rule == SSEVAL_RULE_NONE && res->has_error && res->has_offset,
             "error_event with rule %s / has_error %d", sseval_rule_id(res->rule),
             res->has_error);
  } else {
    FZ_CHECK(res->rule != SSEVAL_RULE_NONE &&
                 sseval_rule_verdict(res->rule) == res->verdict,
             "verdict %s with rule %s", sseval_verdict_name(res->verdict),
             sseval_rule_id(res->rule));
    FZ_CHECK(res->has_offset && res->detail[0], "verdict %s without offset/detail",
             sseval_verdict_name(res->verdict));
  }
  if (res->has_offset) {
    FZ_CHECK(res->offset <= seg_len, "result offset %llu beyond the %zu bytes fed",
             (unsigned long long)res->offset, seg_len);
    FZ_CHECK(res->line >= 1, "result line 0");
  }
  if (res->verdict == SSEVAL_VERDICT_TRUNCATED && !r->stopped)
    FZ_CHECK(res->offset == seg_len,
             "truncated at %llu, not at the end of input %zu",
             (unsigned long long)res->offset, seg_len);
  if (res->verdict == SSEVAL_VERDICT_TRUNCATED && r->stopped &&
      r->mode != CR_EXTERNAL) /* reading stopped (abort): at the bytes read */
    FZ_CHECK(res->offset == res->bytes,
             "truncated at %llu after the reading stopped, bytes read %llu",
             (unsigned long long)res->offset, (unsigned long long)res->bytes);
  if (res->has_error) {
    int http = -1;
    int retry = sseval_error_type_classify(res->error.type, &http);
    FZ_CHECK(retry == res->error.retryable && http == res->error.http_status,
             "result error classification disagrees");
  }
}

/* Count the elements of the "content" array of a message (library cursor). */
static long cl_content_count(const fz_buf *m) {
  sseval__jcur cur;
  sseval__jstr key;
  long count = -1;
  sseval__jcur_init(&cur, m->p, m->len, 1000);
  if (!sseval__j_obj_begin(&cur)) return -2;
  while (sseval__j_obj_next(&cur, &key) == 1) {
    if (sseval__jstr_eq(&key, "content", 7)) {
      FZ_CHECK(count == -1, "message has two content arrays");
      count = 0;
      if (!sseval__j_arr_begin(&cur)) return -3;
      while (sseval__j_arr_next(&cur) == 1) {
        if (!sseval__j_skip(&cur, NULL)) return -4;
        count++;
      }
    } else if (!sseval__j_skip(&cur, NULL)) {
      return -5;
    }
  }
  return count;
}

/* The library's own strict validator, both parts. */
static void cl_lib_json_ok(const char *what, const fz_buf *m) {
  sseval__jcur cur;
  sseval__jstream js;
  sseval__jcur_init(&cur, m->p, m->len, SSEVAL__JSTREAM_MAX_DEPTH);
  FZ_CHECK(sseval__j_skip(&cur, NULL) && sseval__j_end(&cur),
           "%s rejected by the library's JSON cursor (%s at %zu): %.400s", what,
           cur.err_msg ? cur.err_msg : "?", cur.err_pos, m->p);
  sseval__jstream_init(&js, SSEVAL__JSTREAM_MAX_DEPTH);
  FZ_CHECK(sseval__jstream_feed(&js, m->p, m->len) && sseval__jstream_finish(&js),
           "%s rejected by the library's incremental validator (%s at %llu)", what,
           js.err_msg ? js.err_msg : "?", (unsigned long long)js.err_pos);
}

static void cl_check_message(cl_run *r, sseval_claude *c, int compare_views) {
  fz_buf m, u;
  uint32_t i, count = sseval_claude_block_count(c);
  sseval_block_view v;
  sseval_message_view mv;
  size_t pos = 0;
  int e;
  fz_buf_init(&m);
  fz_buf_init(&u);
  FZ_CHECK(sseval_claude_write_message_json(c, fz_write_sink, &m) == SSEVAL_OK,
           "write_message_json failed");
  FZ_CHECK(sseval_claude_write_usage_json(c, fz_write_sink, &u) == SSEVAL_OK,
           "write_usage_json failed");
  fz_buf_add(&m, "", 0);
  fz_buf_add(&u, "", 0);
  e = fz_json_check_dup(m.p, m.len, 1000, &pos);
  FZ_CHECK(e == FZJ_OK,
           "rebuilt message is not valid JSON or repeats a name (independent "
           "checker, error %d at %zu): ...%.200s",
           e, pos, m.p + (pos > 100 ? pos - 100 : 0));
  FZ_CHECK(fz_json_is_object(m.p, m.len), "rebuilt message is not an object");
  FZ_CHECK(fz_json_is_object(u.p, u.len), "usage JSON is not an object: %.200s",
           u.p);
  cl_lib_json_ok("rebuilt message", &m);
  cl_lib_json_ok("usage", &u);
  FZ_CHECK(cl_content_count(&m) == (long)count,
           "message content has %ld entries, block_count() is %u",
           cl_content_count(&m), count);
  for (i = 0; i < count; i++) {
    int tool;
    if (r->alloc.failures && fz_avoid("claude-view-null-strings")) break;
    FZ_CHECK(sseval_claude_block(c, i, &v) == SSEVAL_OK, "block(%u) failed", i);
    tool = v.type == SSEVAL_BLOCK_TOOL_USE || v.type == SSEVAL_BLOCK_SERVER_TOOL_USE ||
           v.type == SSEVAL_BLOCK_MCP_TOOL_USE;
    {
      fz_buf tmp;
      fz_buf_init(&tmp);
      fz_span_q(&tmp, NULL, v.start_json, NULL);
      fz_span_q(&tmp, NULL, v.type_name, NULL);
      fz_span_q(&tmp, NULL, v.tool_id, NULL);
      fz_span_q(&tmp, NULL, v.tool_name, NULL);
      fz_span_q(&tmp, NULL, v.signature, NULL);
      fz_buf_free(&tmp);
    }
    if (v.citations_json.len) {
      fz_buf tmp;
      fz_buf_init(&tmp);
      fz_span_q(&tmp, NULL, v.citations_json, NULL);
      fz_buf_free(&tmp);
      if (!fz_avoid("claude-citations-view")) {
        unsigned char *q = fz_exact(v.citations_json.ptr, v.citations_json.len);
        FZ_CHECK(fz_json_check(q, v.citations_json.len, 1000, NULL) == FZJ_OK &&
                     q[0] == '[',
                 "block %u: citations_json is not a JSON array: %.*s", i,
                 (int)(v.citations_json.len > 200 ? 200 : v.citations_json.len), q);
        free(q);
      }
    }
    if (tool) {
      FZ_CHECK(v.text.len == 0, "tool block %u has text", i);
      if (v.input_complete && v.input_json.len) {
        unsigned char *q = fz_exact(v.input_json.ptr, v.input_json.len);
        FZ_CHECK(fz_json_is_object(q, v.input_json.len),
                 "block %u: complete tool input is not a JSON object: %.*s", i,
                 (int)(v.input_json.len > 200 ? 200 : v.input_json.len), q);
        free(q);
      }
    } else {
      FZ_CHECK(v.partial_json.len == 0 && v.input_json.len == 0 && !v.input_complete,
               "non-tool block %u has tool input", i);
    }
    if (compare_views && i < r->nblocks) {
      cl_block *b = &r->blocks[i];
      if (v.type == SSEVAL_BLOCK_TEXT || v.type == SSEVAL_BLOCK_THINKING) {
        size_t bytes = 0, chars = 0, k, want_chars = 0;
        for (k = 0; k < b->text.len; k++)
          want_chars += ((unsigned char)b->text.p[k] & 0xC0u) != 0x80u;
        FZ_CHECK(sseval_claude_block_text_length(c, i, &bytes, &chars) == SSEVAL_OK &&
                     bytes == b->text.len && chars == want_chars,
                 "block %u: text length %zu bytes %zu chars, the pieces delivered "
                 "%zu bytes %zu chars%s",
                 i, bytes, chars, b->text.len, want_chars, r->summary ? " (summary)" : "");
      }
      if (r->summary && (v.type == SSEVAL_BLOCK_TEXT || v.type == SSEVAL_BLOCK_THINKING))
        FZ_CHECK(v.text.len <= b->text.len &&
                     v.text.len <= SSEVAL_CLAUDE_PREVIEW_BYTES &&
                     (b->text.len > SSEVAL_CLAUDE_PREVIEW_BYTES || v.text.len == b->text.len) &&
                     (!v.text.len || memcmp(v.text.ptr, b->text.p, v.text.len) == 0),
                 "block %u: summary preview (%zu bytes) is not the start of the "
                 "pieces delivered (%zu bytes)",
                 i, v.text.len, b->text.len);
      else if (v.type == SSEVAL_BLOCK_TEXT || v.type == SSEVAL_BLOCK_THINKING)
        FZ_CHECK(v.text.len == b->text.len &&
                     (!v.text.len || memcmp(v.text.ptr, b->text.p, v.text.len) == 0),
                 "block %u: view text (%zu bytes) differs from the pieces "
                 "delivered (%zu bytes)",
                 i, v.text.len, b->text.len);
      if (tool)
        FZ_CHECK(v.partial_json.len == b->tool.len &&
                     (!b->tool.len ||
                      memcmp(v.partial_json.ptr, b->tool.p, b->tool.len) == 0),
                 "block %u: view partial_json differs from the tool input pieces",
                 i);
      if (v.type == SSEVAL_BLOCK_THINKING && b->sig_ev != (uint64_t)-1)
        FZ_CHECK(v.signature.len == b->sig.len &&
                     (!b->sig.len || memcmp(v.signature.ptr, b->sig.p, b->sig.len) == 0),
                 "block %u: view signature differs from the last signature_delta",
                 i);
    }
  }
  FZ_CHECK(i < count || sseval_claude_block(c, count, &v) == SSEVAL_E_MISUSE,
           "block(count) is not E_MISUSE");
  sseval_claude_message(c, &mv);
  {
    fz_buf tmp;
    fz_buf_init(&tmp);
    fz_span_q(&tmp, NULL, mv.id, NULL);
    fz_span_q(&tmp, NULL, mv.model, NULL);
    fz_span_q(&tmp, NULL, mv.stop_reason, NULL);
    fz_span_q(&tmp, NULL, mv.stop_sequence, NULL);
    fz_buf_free(&tmp);
  }
  FZ_CHECK(fz_utf8_valid(mv.id.ptr ? mv.id.ptr : "", mv.id.len) &&
               fz_utf8_valid(mv.model.ptr ? mv.model.ptr : "", mv.model.len) &&
               fz_utf8_valid(mv.stop_reason.ptr ? mv.stop_reason.ptr : "",
                             mv.stop_reason.len) &&
               fz_utf8_valid(mv.stop_sequence.ptr ? mv.stop_sequence.ptr : "",
                             mv.stop_sequence.len),
           "message view strings are not valid UTF-8");
  if (compare_views && r->ms_seen)
    FZ_CHECK(mv.id.len == r->ms_id.len && mv.model.len == r->ms_model.len &&
                 (!mv.id.len || memcmp(mv.id.ptr, r->ms_id.p, mv.id.len) == 0) &&
                 (!mv.model.len ||
                  memcmp(mv.model.ptr, r->ms_model.p, mv.model.len) == 0),
             "message view id/model differ from on_message_start");
  fz_buf_str(&r->msg, "MSG ");
  fz_buf_add(&r->msg, m.p, m.len);
  fz_buf_str(&r->msg, "\nUSAGE ");
  fz_buf_add(&r->msg, u.p, u.len);
  fz_buf_byte(&r->msg, '\n');
  fz_buf_free(&m);
  fz_buf_free(&u);
}


/* ---- one run ------------------------------------------------------------------------------------ */

static void cl_drop(unsigned char *chunk, size_t n) {
  if (n) memset(chunk, 'Z', n);
  free(chunk);
}

/* Feed r->stream[start..n) (one pass) and finish; trace into the current
 * segment(s). */
static void cl_pass(cl_run *r, sseval_claude *c) {
  size_t n = r->n, pos = r->start, base = r->start;
  fz_chunker ck;
  sseval_status st;
  sseval_claude_result res;
  int ext = r->mode == CR_EXTERNAL;
  r->stopped = 0;
  r->ncb = 0;
  fz_chunker_init(&ck, r->ctl);
  while (!r->stopped && pos < n) {
    size_t size = r->mode == CR_SPLIT ? fz_next_chunk(&ck, n - pos) : n - pos;
    unsigned char *chunk = fz_exact(r->stream + pos, size);
    size_t rem = size, cpos = pos;
    for (;;) {
      size_t consumed = (size_t)-1;
      r->want_reset = r->cb_in_feed = r->saw_sse_in_feed = 0;
      const void *in = rem || fz_avoid("sse-null-empty-feed") ? chunk : NULL;
      st = ext ? sseval_sse_feed(r->tok, in, rem, &consumed)
               : sseval_claude_feed(c, in, rem, &consumed);
      if (st == SSEVAL_PAUSED) {
        unsigned char *rest;
        FZ_CHECK(consumed <= rem, "PAUSED: consumed %zu > len %zu", consumed, rem);
        FZ_CHECK(r->saw_sse_in_feed, "PAUSED without any event in this feed call");
        FZ_CHECK(cpos + consumed - base == r->last_sse_end ||
                     fz_avoid("sse-pause-crlf"),
                 "a pause must take effect at the end of the event: consumed "
                 "ends at %zu, the event at %llu",
                 cpos + consumed - base, (unsigned long long)r->last_sse_end);
        if (!ext) {
          sseval_claude_get_result(c, &res);
          FZ_CHECK(res.bytes == cpos + consumed - base,
                   "after a pause result.bytes %llu != %zu consumed",
                   (unsigned long long)res.bytes, cpos + consumed - base);
        }
        cpos += consumed;
        if (r->want_reset) {
          FZ_CHECK(!ext, "reset in the external mode");
          sseval_claude_reset(c);
          sseval_claude_get_result(c, &res);
          FZ_CHECK(res.verdict == SSEVAL_VERDICT_COMPLETE && res.events == 0 &&
                       res.bytes == 0 && !res.finished && !res.has_error,
                   "result not cleared by reset");
          FZ_CHECK(sseval_claude_block_count(c) == 0, "blocks not cleared by reset");
          base = cpos;
          r->alloc_base = r->alloc.calls;
          cl_new_segment(r, cpos);
        }
        rest = fz_exact(chunk + consumed, rem - consumed);
        cl_drop(chunk, rem);
        chunk = rest;
        rem -= consumed;
        if (rem == 0) break;
        continue;
      }
      if (st == SSEVAL_OK) {
        FZ_CHECK(consumed == rem, "OK but consumed %zu != len %zu", consumed, rem);
        if (!ext) {
          sseval_claude_get_result(c, &res);
          FZ_CHECK(res.bytes == cpos + rem - base, "result.bytes %llu != %zu fed",
                   (unsigned long long)res.bytes, cpos + rem - base);
        }
        break;
      }
      if (ext && st == SSEVAL_E_LIMIT) {
        /* the outside tokenizer goes on after the verdict (feed stops):
         * a limit hit after it is not the machine's business */
        sseval_claude_get_result(c, &res);
        if (res.has_offset) {
          r->stopped = 1;
          r->stop_status = SSEVAL_OK;
          break;
        }
      }
      {
        size_t c2 = 7;
        FZ_CHECK(st == SSEVAL_E_CALLBACK || st == SSEVAL_E_NOMEM ||
                     (ext && st == SSEVAL_E_LIMIT),
                 "feed returned %s", sseval_status_name(st));
        FZ_CHECK(st != SSEVAL_E_NOMEM || r->alloc.failures,
                 "E_NOMEM without a failed allocation");
        FZ_CHECK(consumed <= rem, "error: consumed %zu > len %zu", consumed, rem);
        r->stop_cut = r->t->len;
        fz_buf_str(r->t, "X ");
        fz_buf_str(r->t, sseval_status_name(st));
        fz_buf_byte(r->t, '\n');
        if (!ext)
          FZ_CHECK(sseval_claude_feed(c, "\n", 1, &c2) == st && c2 == 0,
                   "error is not sticky (feed)");
        r->stopped = 1;
        r->stop_status = st;
      }
      break;
    }
    cl_drop(chunk, rem);
    pos += size;
  }
  if (ext) {
    sseval_sse_tail tail;
    memset(&tail, 0, sizeof tail);
    sseval_sse_finish(r->tok, &tail);
    /* NULL means "nothing discarded"; the end offset then comes from ... 0,
     * so only when that is what the tail says anyway */
    st = sseval_claude_finish_external(
        c, (!tail.discarded && tail.end_offset == 0) ? NULL : &tail, &res);
  } else {
    st = sseval_claude_finish(c, &res);
  }
  if (r->stopped && r->stop_status != SSEVAL_E_LIMIT && r->stop_status != SSEVAL_OK)
    FZ_CHECK(st == r->stop_status, "finish returned %s after %s",
             sseval_status_name(st), sseval_status_name(r->stop_status));
  else
    FZ_CHECK(st == SSEVAL_OK || (st == SSEVAL_E_NOMEM && r->alloc.failures &&
                                 fz_avoid("claude-silent-nomem")),
             "finish returned %s, but no feed call reported it",
             sseval_status_name(st));
  r->res = res;
  cl_trace_result(r, st, &res);
  cl_check_result(r, &res, n - base);
  { /* after finish nothing more can be learned; what sufficed was read */
    uint64_t enough = 0;
    FZ_CHECK(!sseval_claude_wants_more(c, &enough) && enough <= res.bytes,
             "after finish: wants_more, or enough_at %llu beyond %llu bytes",
             (unsigned long long)enough, (unsigned long long)res.bytes);
  }
  {
    sseval_claude_result again;
    sseval_claude_get_result(c, &again);
    FZ_CHECK(again.verdict == res.verdict && again.rule == res.rule &&
                 again.offset == res.offset && again.finished,
             "get_result after finish disagrees with finish");
  }
  if (!ext) {
    FZ_CHECK(sseval_claude_feed(c, "x", 1, NULL) ==
                 (r->stopped ? r->stop_status : SSEVAL_E_MISUSE),
             "feed after finish");
    sseval_status st2 = sseval_claude_finish(c, NULL);
    FZ_CHECK(st2 == (r->stopped ? r->stop_status : SSEVAL_E_MISUSE) ||
                 (st2 == SSEVAL_E_MISUSE && fz_avoid("claude-finish-twice-sticky")),
             "finish twice returned %s, not the sticky %s", sseval_status_name(st2),
             sseval_status_name(r->stopped ? r->stop_status : SSEVAL_E_MISUSE));
  }
  { /* counters */
    sseval_claude_stats cs;
    sseval_claude_get_stats(c, &cs);
    FZ_CHECK(cs.events == res.events, "stats.events %llu != result.events %llu",
             (unsigned long long)cs.events, (unsigned long long)res.events);
    FZ_CHECK(res.events == r->sse_events, "result.events %llu != %llu on_sse_event",
             (unsigned long long)res.events, (unsigned long long)r->sse_events);
    FZ_CHECK(cs.pings == r->pings && cs.unknown_events == r->unknown_events &&
                 cs.unknown_deltas == r->unknown_deltas,
             "stats pings/unknown events/unknown deltas (%llu %llu %llu) != "
             "callbacks (%llu %llu %llu)",
             (unsigned long long)cs.pings, (unsigned long long)cs.unknown_events,
             (unsigned long long)cs.unknown_deltas, (unsigned long long)r->pings,
             (unsigned long long)r->unknown_events,
             (unsigned long long)r->unknown_deltas);
    if (r->use_hooks && !ext)
      FZ_CHECK(cs.allocations == r->alloc.calls - r->alloc_base,
               "stats.allocations %llu != %llu allocator calls",
               (unsigned long long)cs.allocations,
               (unsigned long long)(r->alloc.calls - r->alloc_base));
  }
  if (r->accumulate) {
    cl_check_message(r, c, !r->alloc.failures);
  } else {
    fz_buf m;
    sseval_block_view v;
    fz_buf_init(&m);
    FZ_CHECK(sseval_claude_write_message_json(c, fz_write_sink, &m) == SSEVAL_E_MISUSE &&
                 sseval_claude_write_usage_json(c, fz_write_sink, &m) == SSEVAL_E_MISUSE &&
                 m.len == 0,
             "writers without ACCUMULATE must be E_MISUSE");
    FZ_CHECK(sseval_claude_block_count(c) == 0 &&
                 sseval_claude_block(c, 0, &v) == SSEVAL_E_MISUSE,
             "blocks without ACCUMULATE");
    fz_buf_free(&m);
  }
  if (r->use_hooks)
    FZ_CHECK(sseval_claude_memory(c) == r->alloc.live_bytes,
             "sseval_claude_memory %zu != %zu bytes live in the allocator",
             sseval_claude_memory(c), r->alloc.live_bytes);
}

static void cl_exec(cl_run *r) {
  sseval_claude_callbacks cbs;
  sseval_claude_options o = r->opts;
  sseval_allocator al;
  sseval_status st;
  sseval_claude *c = NULL;

  static const char *const run_names[] = {"whole", "split", "fresh", "external"};
  r->nseg = 0;
  r->new_failed = 0;
  fz_run_name = r->fail_alloc ? "split with a failing allocation"
                : r->accumulate ? run_names[r->mode]
                                : "whole without ACCUMULATE";
  fz_buf_init(&r->msg);
  fz_buf_init(&r->pass2);
  cl_new_segment(r, r->start);
  sseval_claude_callbacks_init(&cbs);
  cbs.on_message_start = cl_on_message_start;
  cbs.on_block_start = cl_on_block_start;
  cbs.on_text = cl_on_text;
  cbs.on_tool_input = cl_on_tool_input;
  cbs.on_thinking = cl_on_thinking;
  cbs.on_signature = cl_on_signature;
  cbs.on_citation = cl_on_citation;
  cbs.on_compaction = cl_on_compaction;
  cbs.on_block_stop = cl_on_block_stop;
  cbs.on_message_delta = cl_on_message_delta;
  cbs.on_message_stop = cl_on_message_stop;
  cbs.on_ping = cl_on_ping;
  cbs.on_error_event = cl_on_error_event;
  cbs.on_unknown_event = cl_on_unknown_event;
  cbs.on_unknown_delta = cl_on_unknown_delta;
  cbs.on_sse_event = cl_on_sse_event;
  if (r->accumulate) o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  else o.flags &= ~(unsigned)SSEVAL_CLAUDE_ACCUMULATE;
  if (r->summary) o.flags |= SSEVAL_CLAUDE_SUMMARY;
  al = fz_allocator(&r->alloc);
  r->alloc.fail_on = r->fail_alloc;
  r->alloc.fail_at = r->fail_at;
  r->alloc_base = 0;
  o.allocator = r->use_hooks ? &al : NULL;
  st = sseval_claude_new(&c, &cbs, r, &o);
  if (st != SSEVAL_OK) {
    FZ_CHECK(st == SSEVAL_E_NOMEM && r->alloc.failures, "sseval_claude_new: %s",
             sseval_status_name(st));
    FZ_CHECK(c == NULL && r->alloc.live_blocks == 0,
             "sseval_claude_new failed and leaked");
    r->new_failed = 1;
    return;
  }
  r->c = c;
  if (r->mode == CR_EXTERNAL) {
    sseval_sse_callbacks tcb;
    sseval_sse_options topts;
    sseval_sse_callbacks_init(&tcb);
    tcb.on_event = cl_ext_on_event;
    sseval_sse_options_init(&topts);
    if (o.max_line_bytes) topts.max_line_bytes = o.max_line_bytes;
    if (o.max_event_bytes) topts.max_event_bytes = o.max_event_bytes;
    FZ_CHECK(sseval_sse_new(&r->tok, &tcb, r, &topts) == SSEVAL_OK,
             "sseval_sse_new");
  }
  cl_pass(r, c);
  if (r->reuse && !r->stopped) { /* the same stream again after a reset */
    fz_buf first = r->seg[r->nseg - 1];
    r->seg[r->nseg - 1] = r->pass2;
    fz_buf_init(&r->seg[r->nseg - 1]);
    fz_buf_add(&r->seg[r->nseg - 1], "", 0);
    r->t = &r->seg[r->nseg - 1];
    cl_blocks_clear(r);
    sseval_claude_reset(c);
    r->alloc_base = r->alloc.calls;
    cl_pass(r, c);
    r->pass2 = r->seg[r->nseg - 1];
    r->seg[r->nseg - 1] = first;
    r->t = &r->seg[r->nseg - 1];
  }
  if (getenv("SSEVAL_FUZZ_DUMP")) { /* debugging: every run's trace */
    size_t i;
    static const char *const names[] = {"whole", "split", "fresh", "external"};
    for (i = 0; i < r->nseg; i++)
      fprintf(stderr, "---- %s%s, segment %zu from byte %zu:\n%s", names[r->mode],
              r->accumulate ? "" : " (no ACCUMULATE)", i, r->seg_start[i],
              r->seg[i].p ? r->seg[i].p : "");
    if (r->msg.len) fprintf(stderr, "%s", r->msg.p);
  }
  if (r->tok) sseval_sse_free(r->tok);
  r->tok = NULL;
  sseval_claude_free(c);
  r->c = NULL;
  if (r->use_hooks)
    FZ_CHECK(r->alloc.live_blocks == 0, "%zu blocks leaked at free",
             r->alloc.live_blocks);
}

static void cl_free(cl_run *r) {
  size_t i;
  for (i = 0; i < r->nseg; i++) fz_buf_free(&r->seg[i]);
  r->nseg = 0;
  fz_buf_free(&r->msg);
  fz_buf_free(&r->pass2);
  cl_blocks_clear(r);
  free(r->blocks);
  r->blocks = NULL;
  r->cap = 0;
  fz_buf_free(&r->ms_id);
  fz_buf_free(&r->ms_model);
}

static void cl_setup(cl_run *r, const fz_ctl *c, const unsigned char *stream,
                     size_t n, int mode) {
  memset(r, 0, sizeof *r);
  r->ctl = c;
  r->stream = stream;
  r->n = n;
  r->mode = mode;
  r->accumulate = 1;
  r->actions = mode != CR_FRESH;
  r->use_hooks = mode != CR_WHOLE;
  sseval_claude_options_init(&r->opts);
  if (c->flags & 1u) r->opts.flags |= SSEVAL_CLAUDE_LENIENT_UNNAMED;
  if (c->flags & 2u) {
    r->opts.max_line_bytes = 8 + 4 * (size_t)c->p[0];
    r->opts.max_event_bytes = 8 + 4 * (size_t)c->p[1];
  }
  if (c->flags & 4u) {
    r->opts.max_json_depth = 1 + c->p[2] % 8;
    r->opts.max_blocks = 1 + c->p[3] % 8;
    r->opts.max_block_bytes = 1 + 4 * (size_t)c->p[0];
    r->opts.max_tool_input_bytes = 1 + 2 * (size_t)c->p[1];
    r->opts.max_unknown_fields = 1 + c->p[3] % 16;
  }
}

static void cl_check_fresh(const cl_run *r, const char *name) {
  size_t i;
  for (i = 1; i < r->nseg; i++) {
    cl_run f;
    fz_buf cut;
    int last = i + 1 == r->nseg;
    cl_setup(&f, r->ctl, r->stream, r->n, CR_FRESH);
    f.start = r->seg_start[i];
    cl_exec(&f);
    fz_buf_init(&cut);
    fz_buf_add(&cut, r->seg[i].p, r->seg[i].len);
    if (last && !(r->stopped && r->stop_status == SSEVAL_E_CALLBACK)) {
      fz_same("segment after reset vs a fresh instance", name, &cut, "fresh",
              &f.seg[0]);
      fz_same("message after reset vs a fresh instance", name, &r->msg, "fresh",
              &f.msg);
    } else {
      if (last) cut.len = r->stop_cut;
      else { /* drop the RES line: the segment ended at a reset, not at the end */
        while (cut.len && cut.p[cut.len - 1] == '\n') cut.len--;
        while (cut.len && cut.p[cut.len - 1] != '\n') cut.len--;
      }
      fz_prefix("segment after reset vs a fresh instance", name, &cut, "fresh",
                &f.seg[0]);
    }
    fz_buf_free(&cut);
    cl_free(&f);
  }
}

static void cl_compare(const cl_run *a, const char *na, const cl_run *b,
                       const char *nb, int with_msg) {
  size_t i, n = a->nseg < b->nseg ? a->nseg : b->nseg;
  for (i = 0; i < n; i++) {
    if (a->seg_start[i] != b->seg_start[i]) {
      size_t lo = a->seg_start[i] < b->seg_start[i] ? a->seg_start[i] : b->seg_start[i];
      size_t hi = a->seg_start[i] ^ b->seg_start[i] ^ lo;
      FZ_CHECK(hi == lo + 1 && lo > 0 && a->stream[lo] == '\n' &&
                   a->stream[lo - 1] == '\r',
               "%s resets at byte %zu, %s at byte %zu", na, a->seg_start[i], nb,
               b->seg_start[i]);
      return;
    }
    fz_same("claude: same callbacks, verdict, rule, offset", na, &a->seg[i], nb,
            &b->seg[i]);
  }
  FZ_CHECK(a->nseg == b->nseg, "%s has %zu segments, %s %zu", na, a->nseg, nb,
           b->nseg);
  if (with_msg)
    fz_same("claude: same rebuilt message", na, &a->msg, nb, &b->msg);
}

/* The accumulate run `a` against the callbacks-only run `b`, segment by
 * segment (a reset action starts a segment). Accepted difference: only the
 * accumulator merges maps (usage, delta fields), so only it can hit
 * max_unknown_fields on a merged map; the other too_many_fields (one
 * event's own unknown fields) is checked by both alike. So a segment that
 * `a` ends with too_many_fields at an offset where `b`'s segment does not
 * is that merge and is not compared (per segment: an earlier version
 * looked only at the last segment's result, and a merge limit hit before a
 * reset failed the oracle; found by a fuzz_claude campaign). */
#define CL_MERGE_LIMIT "RES v=limit_exceeded r=too_many_fields ho=1 o="

/* The offset digits after CL_MERGE_LIMIT in a segment's trace, or NULL. */
static const char *cl_seg_merge_limit(const fz_buf *seg, size_t *len) {
  const char *r = seg->p ? strstr(seg->p, CL_MERGE_LIMIT) : NULL;
  if (!r) return NULL;
  r += sizeof CL_MERGE_LIMIT - 1;
  *len = strcspn(r, " ");
  return r;
}

static void cl_compare_merge_limit(const cl_run *a, const cl_run *b) {
  size_t i, n = a->nseg < b->nseg ? a->nseg : b->nseg, la = 0, lb = 0;
  for (i = 0; i < n; i++) {
    const char *ra = cl_seg_merge_limit(&a->seg[i], &la), *rb;
    if (a->seg_start[i] != b->seg_start[i]) {
      cl_compare(a, "accumulate", b, "callbacks only", 0); /* reports it */
      return;
    }
    if (ra) {
      rb = cl_seg_merge_limit(&b->seg[i], &lb);
      if (!rb || la != lb || memcmp(ra, rb, la) != 0) {
        /* the merge stopped `a` here: `b` went on, so its later segments
         * start where `a`'s do only if a reset came after; stop comparing */
        return;
      }
    }
    fz_same("claude: same callbacks, verdict, rule, offset", "accumulate", &a->seg[i],
            "callbacks only", &b->seg[i]);
  }
  FZ_CHECK(a->nseg == b->nseg, "accumulate has %zu segments, callbacks only %zu",
           a->nseg, b->nseg);
}

/* Drop every ` det="..."` (the verdict's detail) from a trace: without
 * memory for it the detail falls back to the rule's description, by design. */
static void cl_strip_detail(fz_buf *b) {
  size_t i = 0, o = 0;
  while (i < b->len) {
    if (b->len - i > 6 && memcmp(b->p + i, " det=\"", 6) == 0) {
      i += 6;
      while (i < b->len && b->p[i] != '"') i += b->p[i] == '\\' ? 2 : 1;
      i++;
      continue;
    }
    b->p[o++] = b->p[i++];
  }
  b->len = o;
  if (b->p) b->p[o] = '\0';
}

/* Check sseval_parse_error_body on any bytes. */
static void cl_error_body(const unsigned char *body, size_t n, size_t cap) {
  char *scratch = (char *)fz_xmalloc(cap);
  sseval_api_error e;
  sseval_status st;
  memset(&e, 0x5A, sizeof e);
  st = sseval_parse_error_body(body, n, scratch, cap, &e);
  FZ_CHECK(st == SSEVAL_OK || st == SSEVAL_E_INVALID, "parse_error_body: %s",
           sseval_status_name(st));
  FZ_CHECK((e.type.len == 0 || (e.type.ptr >= scratch && e.type.ptr + e.type.len <= scratch + cap)) &&
               (e.message.len == 0 ||
                (e.message.ptr >= scratch && e.message.ptr + e.message.len <= scratch + cap)),
           "parse_error_body: spans outside the scratch buffer");
  if (st == SSEVAL_OK) {
    int http = -1, retry = sseval_error_type_classify(e.type, &http);
    FZ_CHECK(fz_utf8_valid(e.type.ptr ? e.type.ptr : "", e.type.len) &&
                 fz_utf8_valid(e.message.ptr ? e.message.ptr : "", e.message.len),
             "parse_error_body: strings are not valid UTF-8");
    FZ_CHECK(retry == e.retryable && http == e.http_status,
             "parse_error_body: classification");
    FZ_CHECK(fz_json_check(body, n, 1000, NULL) == FZJ_OK,
             "parse_error_body accepted invalid JSON");
  } else {
    size_t want = n < cap ? n : cap;
    FZ_CHECK(e.type.len == 0, "parse_error_body: E_INVALID with a type");
    FZ_CHECK(e.message.len == want && (!want || memcmp(e.message.ptr, body, want) == 0),
             "parse_error_body: E_INVALID message is not the raw body truncated "
             "to scratch_cap (%zu of %zu)",
             e.message.len, want);
  }
  free(scratch);
}

/* The misuse paths and table lookups of the API (cheap, once per input). */
static void cl_api_probe(void) {
  sseval_claude *c = (sseval_claude *)1;
  sseval_claude_callbacks cbs;
  sseval_claude_options o;
  sseval_sse *p = (sseval_sse *)1;
  sseval_sse_callbacks scb;
  sseval_sse_options so;
  sseval_allocator bad;
  sseval_claude_result res;
  FZ_CHECK(sseval_claude_new(NULL, NULL, NULL, NULL) == SSEVAL_E_MISUSE,
           "claude_new(NULL out)");
  sseval_claude_callbacks_init(&cbs);
  cbs.struct_size = 4;
  FZ_CHECK(sseval_claude_new(&c, &cbs, NULL, NULL) == SSEVAL_E_STRUCT_SIZE && c == NULL,
           "claude_new with a short struct_size");
  memset(&bad, 0, sizeof bad);
  sseval_claude_options_init(&o);
  o.allocator = &bad;
  FZ_CHECK(sseval_claude_new(&c, NULL, NULL, &o) == SSEVAL_E_MISUSE,
           "claude_new with an allocator without hooks");
  sseval_claude_options_init(&o);
  o.max_json_depth = 100000; /* clamped */
  FZ_CHECK(sseval_claude_new(&c, NULL, NULL, &o) == SSEVAL_OK, "claude_new");
  FZ_CHECK(sseval_claude_feed(c, "event: ping\ndata: {}\n\n", 22, NULL) == SSEVAL_OK,
           "feed without callbacks");
  FZ_CHECK(sseval_claude_finish(c, &res) == SSEVAL_OK &&
               res.verdict == SSEVAL_VERDICT_TRUNCATED,
           "finish without callbacks");
  sseval_claude_free(c);
  sseval_claude_free(NULL);
  FZ_CHECK(sseval_sse_new(NULL, NULL, NULL, NULL) == SSEVAL_E_MISUSE, "sse_new(NULL)");
  sseval_sse_callbacks_init(&scb);
  scb.struct_size = 4;
  FZ_CHECK(sseval_sse_new(&p, &scb, NULL, NULL) == SSEVAL_E_STRUCT_SIZE, "sse_new short");
  sseval_sse_options_init(&so);
  FZ_CHECK(sseval_sse_new(&p, NULL, NULL, &so) == SSEVAL_OK, "sse_new");
  FZ_CHECK(sseval_sse_finish(p, NULL) == SSEVAL_OK &&
               sseval_sse_finish(p, NULL) == SSEVAL_E_MISUSE,
           "sse finish twice");
  sseval_sse_free(p);
  sseval_sse_free(NULL);
  FZ_CHECK(strcmp(sseval_verdict_name((sseval_verdict)99), "unknown") == 0 &&
               sseval_verdict_exit_code((sseval_verdict)99) == 1 &&
               strcmp(sseval_rule_id((sseval_rule)999), "unknown") == 0 &&
               strcmp(sseval_status_name((sseval_status)99), "UNKNOWN") == 0 &&
               sseval_status_message((sseval_status)99)[0] &&
               strcmp(sseval_block_type_name((sseval_block_type)99), "unknown") == 0,
           "names of out-of-range values");
}

/* fuzz_claude */
static void claude_check(const uint8_t *data, size_t size) {
  fz_ctl c;
  fz_buf gen;
  const unsigned char *stream;
  size_t n;
  cl_run w, s, d;
  FZ_CHECK(sseval_version() == SSEVAL_VERSION_HEX &&
               strcmp(sseval_version_string(), SSEVAL_VERSION_STRING) == 0,
           "the library's version differs from its header");
  if (size && (data[0] & 7) == 0) cl_api_probe();
  fz_ctl_parse(&c, data, size);
  fz_buf_init(&gen);
  if (c.flags & 32u) {
    sseval_gen_stream gs;
    sseval_gen_stream_init(&gs);
    FZ_CHECK(sseval_gen_program(c.body, c.body_len,
                                (c.flags & 64u) ? SSEVAL_GEN_PROGRAM_FINISH : 0,
                                &gs) == SSEVAL_OK,
             "sseval_gen_program failed");
    fz_buf_add(&gen, gs.bytes, gs.len);
    sseval_gen_stream_free(&gs);
    stream = (const unsigned char *)gen.p;
    n = gen.len;
    if (getenv("SSEVAL_FUZZ_DUMP_STREAM")) { /* debugging: the generated stream */
      FILE *f = fopen(getenv("SSEVAL_FUZZ_DUMP_STREAM"), "wb");
      if (f) {
        fwrite(stream, 1, n, f);
        fclose(f);
      }
    }
  } else {
    stream = c.body;
    n = c.body_len;
    cl_error_body(c.body, c.body_len, (c.flags & 128u) ? 1 + c.p[2] : 4096);
  }
  cl_setup(&w, &c, stream, n, CR_WHOLE);
  cl_exec(&w);
  cl_setup(&s, &c, stream, n, CR_SPLIT);
  cl_exec(&s);
  cl_compare(&w, "whole", &s, "split", 1);
  FZ_CHECK(w.nseg != s.nseg || w.seg_start[w.nseg - 1] != s.seg_start[s.nseg - 1] ||
               w.res.bytes == s.res.bytes,
           "result.bytes: whole %llu, split %llu", (unsigned long long)w.res.bytes,
           (unsigned long long)s.res.bytes);
  cl_check_fresh(&w, "whole");
  cl_check_fresh(&s, "split");
  /* SSEVAL_CLAUDE_SUMMARY: the same callbacks and result as the split run;
   * block lengths and previews are checked against the pieces delivered
   * (cl_check_message); the message itself holds previews, not compared */
  {
    cl_run m;
    cl_setup(&m, &c, stream, n, CR_SPLIT);
    m.summary = 1;
    cl_exec(&m);
    cl_compare(&s, "split", &m, "split, summary", 0);
    cl_free(&m);
  }
  /* without ACCUMULATE, twice on one instance with a reset in between */
  cl_setup(&d, &c, stream, n, CR_WHOLE);
  d.accumulate = 0;
  d.use_hooks = 1;
  d.reuse = !fz_has_action(&c, FZ_ACT_RESET); /* one reset at a time */
  cl_exec(&d);
  /* Accepted difference: only the accumulator merges maps (usage, delta
   * fields), so only it can hit max_unknown_fields on a merged map. The
   * other too_many_fields (one event's own unknown fields) is checked by
   * both runs alike, so it is the merge exactly when the callbacks-only run
   * did not stop with that rule at that event. */
  cl_compare_merge_limit(&w, &d);
  if (d.pass2.len) {
    fz_buf first;
    fz_buf_init(&first);
    fz_buf_add(&first, d.seg[d.nseg - 1].p, d.seg[d.nseg - 1].len);
    fz_same("claude: the same stream after sseval_claude_reset", "first pass",
            &first, "after reset", &d.pass2);
    fz_buf_free(&first);
  }
  cl_free(&d);
  /* (the body's first line is only looked at by feed: not_event_stream
   * cannot come through an external tokenizer) */
  if (!fz_has_action(&c, FZ_ACT_RESET) && w.res.rule != SSEVAL_RULE_LINE_TOO_LONG &&
      w.res.rule != SSEVAL_RULE_EVENT_TOO_LARGE &&
      w.res.verdict != SSEVAL_VERDICT_NOT_EVENT_STREAM) {
    cl_run x;
    cl_setup(&x, &c, stream, n, CR_EXTERNAL);
    cl_exec(&x);
    cl_compare(&w, "feed", &x, "external tokenizer", 1);
    cl_free(&x);
  }
  if (c.flags & 16u) {
    cl_run f;
    size_t i;
    cl_setup(&f, &c, stream, n, CR_SPLIT);
    f.fail_alloc = 1;
    f.fail_at = c.p[3] + 256u * (c.p[2] & 3u);
    cl_exec(&f);
    if (!f.new_failed) {
      if (!f.alloc.failures) {
        cl_compare(&s, "split", &f, "failing allocator (none failed)", 1);
      } else {
        for (i = 0; i < f.nseg; i++) {
          fz_buf cut, want;
          FZ_CHECK(i < s.nseg, "failing allocator run: more segments");
          fz_buf_init(&cut);
          fz_buf_add(&cut, f.seg[i].p, f.seg[i].len);
          fz_buf_init(&want);
          fz_buf_add(&want, s.seg[i].p, s.seg[i].len);
          cl_strip_detail(&want);
          if (i + 1 < f.nseg) {
            cl_strip_detail(&cut);
            fz_same("split run vs the same run with a failing allocator",
                    "split", &want, "failing", &cut);
          } else {
            /* up to the failure: drop the failing event's callbacks on */
            const char *oom = strstr(cut.p, "r=out_of_memory");
            if (f.stopped && f.stop_status == SSEVAL_E_NOMEM) cut.len = f.stop_cut;
            else if (oom) { /* the last RES line */
              while (cut.len && cut.p[cut.len - 1] == '\n') cut.len--;
              while (cut.len && cut.p[cut.len - 1] != '\n') cut.len--;
            }
            cl_strip_detail(&cut);
            if (f.stopped || oom)
              fz_prefix("failing allocator run must be a prefix of the split run",
                        "failing", &cut, "split", &want);
            else
              fz_same("a failed allocation must not change the result", "split",
                      &want, "failing", &cut);
          }
          fz_buf_free(&cut);
          fz_buf_free(&want);
        }
      }
    }
    cl_free(&f);
  }
  cl_free(&w);
  cl_free(&s);
  fz_buf_free(&gen);
}

#endif /* SSEVAL_FUZZ_CLAUDE_ORACLE_H */
