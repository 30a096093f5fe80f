/* SPDX-License-Identifier: MIT */
/*
 * fuzz/sse_ref_oracle.h - the tokenizer against the spec-literal reference
 * tokenizer of the tests (tests/sse_ref.[ch]), for fuzz_sse_reference and
 * tests/test_fuzz_regressions.c.
 *
 * The real tokenizer is fed the body in the control's chunking, pausing where
 * the control says (every action is a pause here: the reference knows no
 * reset or abort), and traced in the reference's own format: the
 * sseref_trace_* writers apply R1 (U+FFFD for each maximal invalid UTF-8
 * subsequence) to the raw bytes the fast tokenizer hands out, exactly as
 * tests/test_sse.c does. The trace must equal sseref_run() on the whole body,
 * byte for byte (events, retry, comments, unknown fields, offsets, lines,
 * the limit error and its position, the discarded tail).
 *
 * Also differential: sseval_utf8_next_invalid() against the reference's
 * sseref_first_invalid() on the whole body and on every span handed out,
 * walking from one invalid subsequence to the next.
 *
 * Control: flags bit 0 max_line = 1 + p0, bit 1 max_event = 1 + p1, bit 2
 * pause at every callback.
 */
#ifndef SSEVAL_FUZZ_SSE_REF_ORACLE_H
#define SSEVAL_FUZZ_SSE_REF_ORACLE_H

#include "../tests/sse_ref.h"
#include "sse_oracle.h"

/* sseval_utf8_next_invalid vs the reference decoder, over all of s. */
static void srr_utf8(const unsigned char *s, size_t n) {
  size_t pos = 0, rounds = 0;
  for (; rounds < 256; rounds++) { /* bounded: the reference is quadratic */
    size_t l1 = 99, l2 = 99, a, b;
    a = sseval_utf8_next_invalid(s + pos, n - pos, &l1);
    b = sseref_first_invalid(s + pos, n - pos, &l2);
    FZ_CHECK(a == b && l1 == l2,
             "sseval_utf8_next_invalid at %zu: (%zu, len %zu), reference (%zu, "
             "len %zu)",
             pos, a, l1, b, l2);
    if (a >= n - pos) {
      FZ_CHECK(l1 == 0, "no invalid subsequence but invalid_len %zu", l1);
      break;
    }
    FZ_CHECK(l1 >= 1 && l1 <= 3, "invalid_len %zu", l1);
    pos += a + l1;
  }
}

static void srr_span(const unsigned char *s, size_t n) { srr_utf8(s, n); }

/* Move a sseref_buf's text into a fz_buf. */
static void srr_move(fz_buf *t, sseref_buf *b) {
  fz_buf_add(t, b->p, b->len);
  sseref_buf_free(b);
}

static void srr_event(fz_buf *t, const sseval_sse_event *ev,
                      const unsigned char *type, const unsigned char *data,
                      const unsigned char *id) {
  sseref_buf b;
  sseref_buf_init(&b);
  sseref_trace_event(&b, type, ev->type.len, data, ev->data.len, id,
                     ev->id.len, ev->offset, ev->line, ev->end_offset);
  srr_move(t, &b);
}

static void srr_retry(fz_buf *t, uint64_t ms, uint64_t off) {
  sseref_buf b;
  sseref_buf_init(&b);
  sseref_trace_retry(&b, ms, off);
  srr_move(t, &b);
}

static void srr_comment(fz_buf *t, const unsigned char *s, size_t n,
                        uint64_t off) {
  sseref_buf b;
  sseref_buf_init(&b);
  sseref_trace_comment(&b, s, n, off);
  srr_move(t, &b);
}

static void srr_unknown(fz_buf *t, const unsigned char *name, size_t nlen,
                        const unsigned char *val, size_t vlen, uint64_t off) {
  sseref_buf b;
  sseref_buf_init(&b);
  sseref_trace_unknown(&b, name, nlen, val, vlen, off);
  srr_move(t, &b);
}

static void srr_error(fz_buf *t, sseval_status st, const sseval_error *e) {
  sseref_buf b;
  sseref_buf_init(&b);
  sseref_trace_error(&b, sseval_status_name(st), e->offset, e->line);
  srr_move(t, &b);
}

static void srr_tail(fz_buf *t, const sseval_sse_tail *tl) {
  sseref_buf b;
  sseref_buf_init(&b);
  sseref_trace_tail(&b, tl->discarded, tl->pending_fields,
                    tl->partial_line_bytes, tl->offset, tl->line);
  srr_move(t, &b);
}

static const sse_tracer srr_tracer = {srr_event,   srr_retry, srr_comment,
                                      srr_unknown, srr_error, srr_tail,
                                      NULL,        srr_span};

/* fuzz_sse_reference */
static void sse_ref_check(const uint8_t *data, size_t size) {
  fz_ctl c;
  sse_run s;
  sseref_buf ref;
  sseref_opts o;
  fz_buf want;
  size_t k;
  fz_ctl_parse(&c, data, size);
  /* every action is a pause here */
  for (k = 0; k < c.nact; k++) c.act_kind[k] = FZ_ACT_PAUSE;
  sr_setup(&s, &c, SR_SPLIT);
  s.tr = &srr_tracer;
  sse_exec(&s);
  FZ_CHECK(s.nseg == 1, "reference run reset");
  o.max_line = s.max_line;
  o.max_event = s.max_event;
  sseref_buf_init(&ref);
  sseref_buf_add(&ref, "", 0);
  sseref_run(c.body, c.body_len, &o, &ref);
  fz_buf_init(&want);
  fz_buf_add(&want, ref.p, ref.len);
  sseref_buf_free(&ref);
  if (!(fz_avoid("sse-bom-max-line") && (c.flags & 1u) && c.body_len &&
        c.body[0] == 0xEF))
    fz_same("sseval tokenizer vs the reference tokenizer", "reference", &want,
            "sseval", &s.seg[0]);
  fz_buf_free(&want);
  sr_free(&s);
  srr_utf8(c.body, c.body_len);
}

#endif /* SSEVAL_FUZZ_SSE_REF_ORACLE_H */
