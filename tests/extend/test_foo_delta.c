/* SPDX-License-Identifier: MIT */
/*
 * tests/extend/test_foo_delta.c - adding a delta type takes one row.
 *
 * Built only against a copy of the library compiled with
 * -DSSEVAL_TEST_FOO_DELTA, which adds one row to SSEVAL__DELTA_TYPES in
 * src/types.h: a made-up `foo_delta` whose "foo" string is text for text
 * blocks. Nothing else in the library knows it; this suite checks that the
 * row alone gives the delta every behaviour a real one has: the fit check,
 * the field check, delivery to its callback, the accumulated message, and
 * the same results at every 2-way split of the stream.
 */
#include <stdlib.h>

#include "sseval/claude.h"
#include "test.h"

#ifndef SSEVAL_TEST_FOO_DELTA
#error "build with -DSSEVAL_TEST_FOO_DELTA (see CMakeLists.txt)"
#endif

#define MS                                                                     \
  "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"    \
  "\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"   \
  "\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"        \
  "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
#define START(type, extra)                                                     \
  "event: content_block_start\ndata: {\"type\":\"content_block_start\","     \
  "\"index\":0,\"content_block\":{\"type\":\"" type "\"" extra "}}\n\n"
#define DELTA(body)                                                            \
  "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","     \
  "\"index\":0,\"delta\":" body "}\n\n"
#define STOP_ALL                                                               \
  "event: content_block_stop\ndata: {\"type\":\"content_block_stop\","       \
  "\"index\":0}\n\n"                                                           \
  "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{"      \
  "\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{"          \
  "\"output_tokens\":2}}\n\n"                                                  \
  "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"

typedef struct rec {
  char text[256];
  size_t text_len;
  unsigned unknown;
  char detail[256]; /* the result's detail, copied before the free */
} rec;

static int on_text(void *user, uint32_t index, sseval_span piece) {
  rec *r = (rec *)user;
  (void)index;
  if (r->text_len + piece.len < sizeof r->text) {
    memcpy(r->text + r->text_len, piece.ptr, piece.len);
    r->text_len += piece.len;
  }
  return SSEVAL_CB_OK;
}

static int on_unknown_delta(void *user, uint32_t index, sseval_span type,
                            sseval_span json) {
  (void)index, (void)type, (void)json;
  ((rec *)user)->unknown++;
  return SSEVAL_CB_OK;
}

static int collect(void *ctx, const char *p, size_t n) {
  char *out = (char *)ctx;
  size_t have = strlen(out);
  if (have + n >= 1024) return 1;
  memcpy(out + have, p, n);
  out[have + n] = '\0';
  return 0;
}

/* Run `in` split at `at` (len: whole); returns the result, fills r and msg. */
static sseval_claude_result run(const char *in, size_t at, rec *r, char *msg) {
  sseval_claude *c = NULL;
  sseval_claude_callbacks cb;
  sseval_claude_options o;
  sseval_claude_result res;
  size_t len = strlen(in), used;
  sseval_claude_callbacks_init(&cb);
  cb.on_text = on_text;
  cb.on_unknown_delta = on_unknown_delta;
  sseval_claude_options_init(&o);
  o.flags = SSEVAL_CLAUDE_ACCUMULATE;
  memset(r, 0, sizeof *r);
  memset(&res, 0, sizeof res);
  if (sseval_claude_new(&c, &cb, r, &o) != SSEVAL_OK) abort();
  CHECK(sseval_claude_feed(c, in, at, &used) == SSEVAL_OK && used == at);
  CHECK(sseval_claude_feed(c, in + at, len - at, &used) == SSEVAL_OK &&
        used == len - at);
  sseval_claude_finish(c, &res);
  snprintf(r->detail, sizeof r->detail, "%s", res.detail);
  msg[0] = '\0';
  sseval_claude_write_message_json(c, collect, msg);
  sseval_claude_free(c);
  return res;
}

/* The same verdict, rule, text and message at every 2-way split. */
static void check_all_splits(const char *in, sseval_verdict v, sseval_rule rule,
                             const char *text, const char *msg_part) {
  size_t at, len = strlen(in);
  for (at = 0; at <= len; at++) {
    rec r;
    char msg[1024];
    sseval_claude_result res = run(in, at, &r, msg);
    CHECK(res.verdict == v);
    CHECK(res.rule == rule);
    CHECK_STR(r.text, r.text_len, text);
    CHECK(r.unknown == 0);
    if (msg_part) CHECK(strstr(msg, msg_part) != NULL);
    if (res.verdict != v || res.rule != rule) {
      fprintf(stderr, "  split at %zu: %s / %s: %s\n", at,
              sseval_verdict_name(res.verdict), sseval_rule_id(res.rule),
              res.detail);
      return;
    }
  }
}

TEST(foo_delta_is_text_of_a_text_block) {
  check_all_splits(MS START("text", ",\"text\":\"\"")
                       DELTA("{\"type\":\"text_delta\",\"text\":\"Hi \"}")
                           DELTA("{\"type\":\"foo_delta\",\"foo\":\"f\\u00f6o\"}")
                               STOP_ALL,
                   SSEVAL_VERDICT_COMPLETE, SSEVAL_RULE_NONE, "Hi f\xc3\xb6o",
                   "\"text\":\"Hi f\xc3\xb6o\"");
}

TEST(foo_delta_in_the_general_shape) { /* not the fast path's literal shape */
  check_all_splits(MS START("text", ",\"text\":\"\"")
                       DELTA("{ \"foo\" : \"bar\", \"type\" : \"foo_delta\" }")
                           STOP_ALL,
                   SSEVAL_VERDICT_COMPLETE, SSEVAL_RULE_NONE, "bar",
                   "\"text\":\"bar\"");
}

TEST(foo_delta_does_not_fit_a_thinking_block) {
  check_all_splits(MS START("thinking", ",\"thinking\":\"\"")
                       DELTA("{\"type\":\"foo_delta\",\"foo\":\"x\"}") STOP_ALL,
                   SSEVAL_VERDICT_PROTOCOL_VIOLATION,
                   SSEVAL_RULE_DELTA_TYPE_MISMATCH, "", NULL);
}

TEST(foo_delta_needs_its_field) {
  rec r;
  char msg[1024];
  sseval_claude_result res;
  const char *in = MS START("text", ",\"text\":\"\"")
      DELTA("{\"type\":\"foo_delta\",\"text\":\"x\"}") STOP_ALL;
  check_all_splits(in, SSEVAL_VERDICT_PROTOCOL_VIOLATION,
                   SSEVAL_RULE_EVENT_FIELD_INVALID, "", NULL);
  res = run(in, strlen(in), &r, msg);
  CHECK(res.rule == SSEVAL_RULE_EVENT_FIELD_INVALID);
  CHECK(strstr(r.detail, "\"foo\"") != NULL);
}

int main(void) {
  RUN(foo_delta_is_text_of_a_text_block);
  RUN(foo_delta_in_the_general_shape);
  RUN(foo_delta_does_not_fit_a_thinking_block);
  RUN(foo_delta_needs_its_field);
  return test_summary();
}
