/* SPDX-License-Identifier: MIT */
/*
 * tests/test_abi.c - programs built against the 0.1.0 headers keep working.
 * The structs below are literal copies of the 0.1.0 option and callback
 * structs: a program compiled then passes exactly these sizes. Whatever
 * fields later versions add, sseval_*_new must accept them, honour every
 * field they carry and give the missing ones their defaults. And a struct
 * whose struct_size was never set (a designated initialiser without the
 * _init call) is refused with SSEVAL_E_STRUCT_SIZE, whose message says so.
 */
#include <stddef.h>
#include <stdint.h>

#include "sseval/sseval.h"
#include "test.h"

/* ---- the 0.1.0 layouts: never edit these ---- */
typedef struct sse_options_010 {
  size_t struct_size;
  size_t max_line_bytes;
  size_t max_event_bytes;
  const sseval_allocator *allocator;
} sse_options_010;
typedef struct sse_callbacks_010 {
  size_t struct_size;
  int (*on_event)(void *user, const sseval_sse_event *ev);
  int (*on_retry)(void *user, uint64_t ms, uint64_t offset);
  int (*on_comment)(void *user, sseval_span text, uint64_t offset);
  int (*on_unknown_field)(void *user, sseval_span name, sseval_span value,
                          uint64_t offset);
} sse_callbacks_010;
typedef struct claude_options_010 {
  size_t struct_size;
  unsigned flags;
  size_t max_line_bytes;
  size_t max_event_bytes;
  uint32_t max_json_depth;
  uint32_t max_blocks;
  size_t max_block_bytes;
  const sseval_allocator *allocator;
  size_t max_tool_input_bytes;
  uint32_t max_unknown_fields;
} claude_options_010;
typedef struct claude_callbacks_010 {
  size_t struct_size;
  int (*on_message_start)(void *user, const sseval_message_info *m);
  int (*on_block_start)(void *user, const sseval_block_info *b);
  int (*on_text)(void *user, uint32_t index, sseval_span piece);
  int (*on_tool_input)(void *user, uint32_t index, sseval_span piece);
  int (*on_thinking)(void *user, uint32_t index, sseval_span piece);
  int (*on_signature)(void *user, uint32_t index, sseval_span piece);
  int (*on_citation)(void *user, uint32_t index, sseval_span citation_json);
  int (*on_compaction)(void *user, uint32_t index, sseval_span delta_json);
  int (*on_block_stop)(void *user, uint32_t index);
  int (*on_message_delta)(void *user, const sseval_delta_info *d);
  int (*on_message_stop)(void *user);
  int (*on_ping)(void *user);
  int (*on_error_event)(void *user, const sseval_api_error *e);
  int (*on_unknown_event)(void *user, sseval_span name, sseval_span data);
  int (*on_unknown_delta)(void *user, uint32_t index, sseval_span delta_type,
                          sseval_span delta_json);
  int (*on_sse_event)(void *user, const sseval_sse_event *ev);
} claude_callbacks_010;

static const char STREAM[] =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
    "\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
    "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":"
    "5,\"output_tokens\":1}}}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
    "{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
    "\"text_delta\",\"text\":\"Hello\"}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

typedef struct seen {
  size_t text, pings, stops, sse_events, events;
} seen;
static int on_text(void *u, uint32_t i, sseval_span p) {
  (void)i;
  ((seen *)u)->text += p.len;
  return SSEVAL_CB_OK;
}
static int on_ping(void *u) { ((seen *)u)->pings++; return SSEVAL_CB_OK; }
static int on_stop(void *u) { ((seen *)u)->stops++; return SSEVAL_CB_OK; }
static int on_sse(void *u, const sseval_sse_event *e) {
  (void)e;
  ((seen *)u)->sse_events++;
  return SSEVAL_CB_OK;
}
static int on_event(void *u, const sseval_sse_event *e) {
  (void)e;
  ((seen *)u)->events++;
  return SSEVAL_CB_OK;
}

TEST(claude_010_structs) {
  claude_options_010 o;
  claude_callbacks_010 cb;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  seen s = {0, 0, 0, 0, 0};
  memset(&o, 0, sizeof o);
  memset(&cb, 0, sizeof cb);
  o.struct_size = sizeof o;
  o.flags = SSEVAL_CLAUDE_ACCUMULATE;
  o.max_blocks = 1; /* honoured: a second block would be too_many_blocks */
  cb.struct_size = sizeof cb;
  cb.on_text = on_text;
  cb.on_ping = on_ping;
  cb.on_message_stop = on_stop;
  cb.on_sse_event = on_sse; /* the last 0.1.0 field */
  /* the public minimum is exactly the 0.1.0 layout's size */
  CHECK_EQ_U64(SSEVAL_CLAUDE_CALLBACKS_V1_SIZE, sizeof cb);
  CHECK(sseval_claude_new(&c, (const sseval_claude_callbacks *)(void *)&cb, &s,
                          (const sseval_claude_options *)(void *)&o) ==
        SSEVAL_OK);
  if (!c) return;
  CHECK(sseval_claude_feed(c, STREAM, sizeof STREAM - 1, NULL) == SSEVAL_OK);
  CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
  CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
  CHECK(s.text == 5 && s.pings == 1 && s.stops == 1 && s.sse_events == 7);
  sseval_claude_free(c);

  /* the limit in the 0.1.0 struct is honoured */
  o.max_blocks = 1;
  {
    static const char two[] =
        "event: message_start\n"
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\"}}\n\n"
        "event: content_block_start\n"
        "data: {\"type\":\"content_block_start\",\"index\":0,"
        "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_start\n"
        "data: {\"type\":\"content_block_start\",\"index\":1,"
        "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    CHECK(sseval_claude_new(&c, NULL, NULL,
                            (const sseval_claude_options *)(void *)&o) ==
          SSEVAL_OK);
    if (!c) return;
    CHECK(sseval_claude_feed(c, two, sizeof two - 1, NULL) == SSEVAL_OK);
    CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
    CHECK(r.rule == SSEVAL_RULE_TOO_MANY_BLOCKS);
    sseval_claude_free(c);
  }

  /* one byte short of the 0.1.0 layout: refused */
  o.struct_size = offsetof(claude_options_010, max_unknown_fields) +
                  sizeof o.max_unknown_fields - 1;
  c = NULL;
  CHECK(sseval_claude_new(&c, NULL, NULL,
                          (const sseval_claude_options *)(void *)&o) ==
            SSEVAL_E_STRUCT_SIZE &&
        !c);
  cb.struct_size = sizeof cb - 1;
  CHECK(sseval_claude_new(&c, (const sseval_claude_callbacks *)(void *)&cb,
                          NULL, NULL) == SSEVAL_E_STRUCT_SIZE &&
        !c);
}

TEST(sse_010_structs) {
  sse_options_010 o;
  sse_callbacks_010 cb;
  sseval_sse *p = NULL;
  seen s = {0, 0, 0, 0, 0};
  static const char in[] = "data: a\n\ndata: b\n\n";
  memset(&o, 0, sizeof o);
  memset(&cb, 0, sizeof cb);
  o.struct_size = sizeof o;
  o.max_line_bytes = 4; /* honoured: "data: a" is longer */
  cb.struct_size = sizeof cb;
  cb.on_event = on_event;
  CHECK(sseval_sse_new(&p, (const sseval_sse_callbacks *)(void *)&cb, &s,
                       (const sseval_sse_options *)(void *)&o) == SSEVAL_OK);
  if (!p) return;
  CHECK(sseval_sse_feed(p, in, sizeof in - 1, NULL) == SSEVAL_E_LIMIT);
  sseval_sse_free(p);
  o.max_line_bytes = 0;
  p = NULL;
  CHECK(sseval_sse_new(&p, (const sseval_sse_callbacks *)(void *)&cb, &s,
                       (const sseval_sse_options *)(void *)&o) == SSEVAL_OK);
  if (!p) return;
  CHECK(sseval_sse_feed(p, in, sizeof in - 1, NULL) == SSEVAL_OK);
  CHECK(s.events == 2);
  sseval_sse_free(p);
  o.struct_size = sizeof o - 1;
  p = NULL;
  CHECK(sseval_sse_new(&p, NULL, NULL,
                       (const sseval_sse_options *)(void *)&o) ==
            SSEVAL_E_STRUCT_SIZE &&
        !p);
}

/* The mistake the error must name: a designated initialiser without _init. */
TEST(designated_initialiser) {
  sseval_claude_callbacks cb = {.on_text = on_text};
  sseval_sse_options so = {.max_line_bytes = 64};
  sseval_claude *c = NULL;
  sseval_sse *p = NULL;
  sseval_status st = sseval_claude_new(&c, &cb, NULL, NULL);
  CHECK(st == SSEVAL_E_STRUCT_SIZE && !c);
  CHECK(strstr(sseval_status_message(st), "struct_size") != NULL);
  CHECK(strstr(sseval_status_message(st), "_init") != NULL);
  CHECK(strcmp(sseval_status_name(st), "E_STRUCT_SIZE") == 0);
  CHECK(sseval_sse_new(&p, NULL, NULL, &so) == SSEVAL_E_STRUCT_SIZE && !p);
  /* the same structs set up properly are fine */
  sseval_claude_callbacks_init(&cb);
  cb.on_text = on_text;
  CHECK(sseval_claude_new(&c, &cb, NULL, NULL) == SSEVAL_OK && c);
  sseval_claude_free(c);
}

int main(void) {
  RUN(claude_010_structs);
  RUN(sse_010_structs);
  RUN(designated_initialiser);
  return test_summary();
}
