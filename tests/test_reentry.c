/* SPDX-License-Identifier: MIT */
/*
 * tests/test_reentry.c - feed, finish and reset called from inside one of
 * the instance's own callbacks are refused with SSEVAL_E_MISUSE, for the
 * tokenizer and the Claude layer, at every 2-way split of the input; and
 * the tokenizer's error carries its kind (sseval_error.kind). Public API
 * only.
 */
#include <stdlib.h>

#include "sseval/claude.h"
#include "sseval/sse.h"
#include "test.h"

/* ---- tokenizer ----------------------------------------------------------------- */

enum { DO_FEED, DO_FINISH, DO_RESET };

typedef struct sse_rec {
  sseval_sse *p;
  int what;           /* DO_* */
  int calls;          /* nested calls made */
  sseval_status inner; /* what the nested call returned */
  int events;
  char data[64];
} sse_rec;

static void nested_sse(sse_rec *r) {
  sseval_sse_tail t;
  size_t used = 99;
  r->calls++;
  if (r->what == DO_FEED) {
    r->inner = sseval_sse_feed(r->p, "data: inner\n", 12, &used);
    CHECK(used == 0);
  } else if (r->what == DO_FINISH) {
    r->inner = sseval_sse_finish(r->p, &t);
  } else {
    sseval_sse_reset(r->p);
    r->inner = SSEVAL_E_MISUSE; /* reset returns nothing */
  }
}

static int sse_on_comment(void *user, sseval_span text, uint64_t off) {
  (void)text, (void)off;
  nested_sse((sse_rec *)user);
  return SSEVAL_CB_OK;
}

static int sse_on_event(void *user, const sseval_sse_event *ev) {
  sse_rec *r = (sse_rec *)user;
  r->events++;
  snprintf(r->data, sizeof r->data, "%.*s", (int)ev->data.len, ev->data.ptr);
  return SSEVAL_CB_OK;
}

/* Feed `in` split at `at`; the comment callback makes the nested call. */
static void sse_case(const char *in, size_t at, int what) {
  sseval_sse_callbacks cb;
  sse_rec r;
  sseval_status st = SSEVAL_OK;
  size_t len = strlen(in), used;
  memset(&r, 0, sizeof r);
  r.what = what;
  sseval_sse_callbacks_init(&cb);
  cb.on_comment = sse_on_comment;
  cb.on_event = sse_on_event;
  if (sseval_sse_new(&r.p, &cb, &r, NULL) != SSEVAL_OK) abort();
  st = sseval_sse_feed(r.p, in, at, &used);
  if (st == SSEVAL_OK) st = sseval_sse_feed(r.p, in + at, len - at, &used);
  CHECK(r.calls == 1);
  CHECK(r.inner == SSEVAL_E_MISUSE);
  CHECK(st == SSEVAL_E_MISUSE);
  CHECK(sseval_sse_error(r.p)->status == SSEVAL_E_MISUSE);
  CHECK(sseval_sse_error(r.p)->kind == SSEVAL_SSE_ERR_REENTERED);
  CHECK(r.events == 0); /* never "one\ninner", never a second stream */
  /* sticky until a reset from outside, then the instance works again */
  CHECK(sseval_sse_feed(r.p, "data: x\n\n", 9, NULL) == SSEVAL_E_MISUSE);
  sseval_sse_reset(r.p);
  CHECK(sseval_sse_feed(r.p, "data: two\n\n", 11, NULL) == SSEVAL_OK);
  CHECK(r.events == 1 && strcmp(r.data, "two") == 0);
  sseval_sse_free(r.p);
}

TEST(sse_reentry_refused_at_every_split) {
  static const char in[] = "data: one\n: now\n\ndata: after\n\n";
  int what;
  size_t at;
  for (what = DO_FEED; what <= DO_RESET; what++)
    for (at = 0; at <= sizeof in - 1; at++) sse_case(in, at, what);
}

TEST(sse_error_kinds) {
  sseval_sse *p = NULL;
  sseval_sse_options o;
  char big[100];
  sseval_sse_options_init(&o);
  o.max_line_bytes = 16;
  o.max_event_bytes = 20;
  if (sseval_sse_new(&p, NULL, NULL, &o) != SSEVAL_OK) abort();
  CHECK(sseval_sse_error(p)->kind == SSEVAL_SSE_ERR_NONE);
  memset(big, 'x', sizeof big);
  CHECK(sseval_sse_feed(p, big, sizeof big, NULL) == SSEVAL_E_LIMIT);
  CHECK(sseval_sse_error(p)->kind == SSEVAL_SSE_ERR_LINE_TOO_LONG);
  sseval_sse_reset(p);
  CHECK(sseval_sse_error(p)->kind == SSEVAL_SSE_ERR_NONE);
  CHECK(sseval_sse_feed(p, "data: 0123456789\ndata: 0123456789\n", 34,
                        NULL) == SSEVAL_E_LIMIT);
  CHECK(sseval_sse_error(p)->kind == SSEVAL_SSE_ERR_EVENT_TOO_LARGE);
  sseval_sse_free(p);
}

/* ---- Claude layer ---------------------------------------------------------------- */

#define MS                                                                     \
  "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"    \
  "\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"   \
  "\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"        \
  "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
#define TEXT_BLOCK                                                             \
  "event: content_block_start\ndata: {\"type\":\"content_block_start\","     \
  "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"      \
  "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","     \
  "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"      \
  "event: content_block_stop\ndata: {\"type\":\"content_block_stop\","       \
  "\"index\":0}\n\n"
#define END                                                                    \
  "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{"      \
  "\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{"          \
  "\"output_tokens\":2}}\n\n"                                                  \
  "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"

static const char stream[] = MS TEXT_BLOCK END;

typedef struct cl_rec {
  sseval_claude *c;
  int what;
  int calls;
  sseval_status inner;
  int texts;
} cl_rec;

static int cl_on_text(void *user, uint32_t index, sseval_span piece) {
  cl_rec *r = (cl_rec *)user;
  sseval_claude_result res;
  size_t used = 99;
  (void)index, (void)piece;
  r->texts++;
  if (r->what < 0) return SSEVAL_CB_OK;
  r->calls++;
  if (r->what == DO_FEED) {
    r->inner = sseval_claude_feed(r->c, stream, sizeof stream - 1, &used);
    CHECK(used == 0);
  } else if (r->what == DO_FINISH) {
    r->inner = sseval_claude_finish(r->c, &res);
  } else {
    sseval_claude_reset(r->c);
    r->inner = SSEVAL_E_MISUSE;
  }
  return SSEVAL_CB_OK;
}

static void claude_case(size_t at, int what) {
  sseval_claude_callbacks cb;
  sseval_claude_options o;
  sseval_claude_result res;
  cl_rec r;
  sseval_status st;
  size_t len = sizeof stream - 1;
  memset(&r, 0, sizeof r);
  r.what = what;
  sseval_claude_callbacks_init(&cb);
  cb.on_text = cl_on_text;
  sseval_claude_options_init(&o);
  o.flags = SSEVAL_CLAUDE_ACCUMULATE;
  if (sseval_claude_new(&r.c, &cb, &r, &o) != SSEVAL_OK) abort();
  st = sseval_claude_feed(r.c, stream, at, NULL);
  if (st == SSEVAL_OK) st = sseval_claude_feed(r.c, stream + at, len - at, NULL);
  CHECK(r.calls == 1 && r.texts == 1);
  CHECK(r.inner == SSEVAL_E_MISUSE);
  CHECK(st == SSEVAL_E_MISUSE);
  CHECK(sseval_claude_finish(r.c, &res) == SSEVAL_E_MISUSE);
  CHECK(res.finished == 1);
  /* a reset from outside makes the instance usable again */
  sseval_claude_reset(r.c);
  r.what = -1; /* no nested call this time */
  CHECK(sseval_claude_feed(r.c, stream, len, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_finish(r.c, &res) == SSEVAL_OK);
  CHECK(res.verdict == SSEVAL_VERDICT_COMPLETE);
  sseval_claude_free(r.c);
}

TEST(claude_reentry_refused_at_every_split) {
  int what;
  size_t at;
  for (what = DO_FEED; what <= DO_RESET; what++)
    for (at = 0; at <= sizeof stream - 1; at++) claude_case(at, what);
}

int main(void) {
  RUN(sse_reentry_refused_at_every_split);
  RUN(sse_error_kinds);
  RUN(claude_reentry_refused_at_every_split);
  return test_summary();
}
