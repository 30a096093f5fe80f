/* SPDX-License-Identifier: MIT */
/*
 * tests/test_limits.c - every resource limit an attacker can push on:
 * documented default, setter (0 = default), the limit_exceeded verdict with
 * its rule id and the byte offset of the offending event, exactly-at-the-
 * limit still accepted, sticky afterwards, and memory that stays bounded
 * while the stream goes on.
 *
 *   tokenizer   max_line_bytes, max_event_bytes      (E_LIMIT + offset)
 *   Claude      max_line_bytes -> line_too_long, max_event_bytes ->
 *               event_too_large, max_json_depth -> json_too_deep (payloads
 *               and tool input), max_blocks -> too_many_blocks,
 *               max_block_bytes -> block_too_large, max_tool_input_bytes ->
 *               tool_input_too_large, max_unknown_fields -> too_many_fields
 *
 * The "fits at N, not at N-1" cases are rows of one table (thresholds[]):
 * to add a limit, write a builder for a stream that sits exactly at it and
 * add a row with its setter, the limits it fits and the event that crosses.
 */
#include <stdint.h>

#include "sseval/sseval.h"
#include "test.h"

/* ---- a stream builder that remembers where each event starts -------------- */
typedef struct stream {
  char *p;
  size_t len, cap;
  size_t marks[64];
  int nmarks;
} stream;

static void put(stream *s, const char *bytes, size_t n) {
  if (s->len + n > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    char *np;
    while (cap < s->len + n) cap *= 2;
    np = (char *)realloc(s->p, cap);
    if (!np) abort();
    s->p = np;
    s->cap = cap;
  }
  memcpy(s->p + s->len, bytes, n);
  s->len += n;
}
static void puts_(stream *s, const char *str) { put(s, str, strlen(str)); }
static void fill(stream *s, char c, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) put(s, &c, 1);
}
/* Start an event; remembers its offset. */
static void ev(stream *s, const char *name) {
  if (s->nmarks < 64) s->marks[s->nmarks++] = s->len;
  puts_(s, "event: ");
  puts_(s, name);
  puts_(s, "\ndata: ");
}
static void end_ev(stream *s) { puts_(s, "\n\n"); }
static void event(stream *s, const char *name, const char *data) {
  ev(s, name);
  puts_(s, data);
  end_ev(s);
}
static void stream_free(stream *s) { free(s->p); memset(s, 0, sizeof *s); }

static const char MSG_START[] =
    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
    "\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\","
    "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":"
    "1,\"output_tokens\":1}}}";

static void block_start(stream *s, unsigned index, const char *type) {
  char buf[256];
  if (strcmp(type, "tool_use") == 0)
    snprintf(buf, sizeof buf,
             "{\"type\":\"content_block_start\",\"index\":%u,\"content_block\":"
             "{\"type\":\"tool_use\",\"id\":\"toolu_%u\",\"name\":\"t\","
             "\"input\":{}}}", index, index);
  else
    snprintf(buf, sizeof buf,
             "{\"type\":\"content_block_start\",\"index\":%u,\"content_block\":"
             "{\"type\":\"%s\",\"%s\":\"\"}}", index, type, type);
  event(s, "content_block_start", buf);
}
static void delta(stream *s, unsigned index, const char *dtype,
                  const char *field, const char *value_json) {
  char head[160];
  ev(s, "content_block_delta");
  snprintf(head, sizeof head,
           "{\"type\":\"content_block_delta\",\"index\":%u,\"delta\":{\"type\":"
           "\"%s\",\"%s\":", index, dtype, field);
  puts_(s, head);
  puts_(s, value_json);
  puts_(s, "}}");
  end_ev(s);
}
static void block_stop(stream *s, unsigned index) {
  char buf[96];
  snprintf(buf, sizeof buf, "{\"type\":\"content_block_stop\",\"index\":%u}",
           index);
  event(s, "content_block_stop", buf);
}
static void message_end(stream *s) {
  event(s, "message_delta",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
        "\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}");
  event(s, "message_stop", "{\"type\":\"message_stop\"}");
}

/* ---- running ------------------------------------------------------------------- */
typedef struct run_out {
  sseval_claude_result r;
  char detail[512];
  size_t peak_memory;
  uint32_t blocks;
} run_out;

/* Feed s in `chunk`-byte pieces (0 = whole), then `extra` more copies of
 * `tail` (to show the verdict is sticky and memory stays flat). */
static sseval_status run(const stream *s, const sseval_claude_options *o,
                         size_t chunk, const stream *tail, int extra,
                         run_out *out) {
  sseval_claude *c = NULL;
  sseval_status st;
  size_t off = 0, m;
  int i;
  memset(out, 0, sizeof *out);
  st = sseval_claude_new(&c, NULL, NULL, o);
  if (st != SSEVAL_OK) return st;
  while (off < s->len) {
    size_t n = chunk && s->len - off > chunk ? chunk : s->len - off;
    st = sseval_claude_feed(c, s->p + off, n, NULL);
    if (st != SSEVAL_OK) break;
    off += n;
    m = sseval_claude_memory(c);
    if (m > out->peak_memory) out->peak_memory = m;
  }
  for (i = 0; st == SSEVAL_OK && tail && i < extra; i++) {
    st = sseval_claude_feed(c, tail->p, tail->len, NULL);
    m = sseval_claude_memory(c);
    if (m > out->peak_memory) out->peak_memory = m;
  }
  if (st == SSEVAL_OK) st = sseval_claude_finish(c, &out->r);
  snprintf(out->detail, sizeof out->detail, "%s", out->r.detail);
  out->r.detail = out->detail;
  out->blocks = sseval_claude_block_count(c);
  sseval_claude_free(c);
  return st;
}

static sseval_claude_options opts(void) {
  sseval_claude_options o;
  sseval_claude_options_init(&o);
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  return o;
}

/* Expect `rule` at byte `offset`, for whole input and 1- and 7-byte chunks. */
#define EXPECT_RULE(s, o, rule_, offset_)                                      \
  do {                                                                         \
    static const size_t chunks_[] = {0, 1, 7};                                 \
    size_t ci_;                                                                \
    for (ci_ = 0; ci_ < 3; ci_++) {                                            \
      run_out ro_;                                                             \
      CHECK(run((s), (o), chunks_[ci_], NULL, 0, &ro_) == SSEVAL_OK);          \
      if (ro_.r.rule != (rule_))                                               \
        fprintf(stderr, "  chunk %zu: got %s (%s)\n", chunks_[ci_],            \
                sseval_rule_id(ro_.r.rule), ro_.detail);                       \
      CHECK(ro_.r.rule == (rule_));                                            \
      CHECK(ro_.r.verdict == SSEVAL_VERDICT_LIMIT_EXCEEDED);                   \
      CHECK(sseval_verdict_exit_code(ro_.r.verdict) == 6);                     \
      CHECK(ro_.r.has_offset);                                                 \
      CHECK_EQ_U64(ro_.r.offset, (offset_));                                   \
    }                                                                          \
  } while (0)

#define EXPECT_COMPLETE(s, o)                                                  \
  do {                                                                         \
    run_out ro_;                                                               \
    CHECK(run((s), (o), 0, NULL, 0, &ro_) == SSEVAL_OK);                       \
    if (ro_.r.verdict != SSEVAL_VERDICT_COMPLETE)                              \
      fprintf(stderr, "  got %s / %s: %s\n",                                   \
              sseval_verdict_name(ro_.r.verdict), sseval_rule_id(ro_.r.rule),  \
              ro_.detail);                                                     \
    CHECK(ro_.r.verdict == SSEVAL_VERDICT_COMPLETE);                           \
  } while (0)

/* ---- defaults and setters ------------------------------------------------------ */
TEST(documented_defaults) {
  sseval_sse_options so;
  sseval_claude_options o;
  sseval_sse_options_init(&so);
  sseval_claude_options_init(&o);
  CHECK(so.max_line_bytes == SSEVAL_SSE_DEFAULT_MAX_LINE);
  CHECK(so.max_event_bytes == SSEVAL_SSE_DEFAULT_MAX_EVENT);
  CHECK(SSEVAL_SSE_DEFAULT_MAX_LINE == (size_t)1 << 20);
  CHECK(SSEVAL_SSE_DEFAULT_MAX_EVENT == (size_t)1 << 20);
  CHECK(o.max_line_bytes == SSEVAL_SSE_DEFAULT_MAX_LINE);
  CHECK(o.max_event_bytes == SSEVAL_SSE_DEFAULT_MAX_EVENT);
  CHECK(o.max_json_depth == SSEVAL_CLAUDE_DEFAULT_MAX_JSON_DEPTH);
  CHECK(o.max_blocks == SSEVAL_CLAUDE_DEFAULT_MAX_BLOCKS);
  CHECK(o.max_block_bytes == SSEVAL_CLAUDE_DEFAULT_MAX_BLOCK_BYTES);
  CHECK(SSEVAL_CLAUDE_DEFAULT_MAX_JSON_DEPTH == 64u);
  CHECK(SSEVAL_CLAUDE_DEFAULT_MAX_BLOCKS == 4096u);
  CHECK(SSEVAL_CLAUDE_DEFAULT_MAX_BLOCK_BYTES == (size_t)64 << 20);
  CHECK(o.max_tool_input_bytes == SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES);
  CHECK(o.max_unknown_fields == SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS);
}

/* A zeroed limit means the default: the same stream reads the same. */
TEST(zero_means_default) {
  stream s;
  sseval_claude_options o = opts();
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "text");
  delta(&s, 0, "text_delta", "text", "\"hi\"");
  block_stop(&s, 0);
  message_end(&s);
  o.max_line_bytes = o.max_event_bytes = 0;
  o.max_json_depth = 0;
  o.max_blocks = 0;
  o.max_block_bytes = 0;
  EXPECT_COMPLETE(&s, &o);
  stream_free(&s);
}

/* ---- tokenizer ---------------------------------------------------------------- */
static sseval_status sse_run(const char *in, size_t len, size_t max_line,
                             size_t max_event, size_t chunk,
                             sseval_error *err, size_t *peak) {
  sseval_sse *p = NULL;
  sseval_sse_options o;
  sseval_status st = SSEVAL_OK;
  size_t off = 0;
  sseval_sse_options_init(&o);
  o.max_line_bytes = max_line;
  o.max_event_bytes = max_event;
  if (sseval_sse_new(&p, NULL, NULL, &o) != SSEVAL_OK) return SSEVAL_E_NOMEM;
  *peak = 0;
  while (off < len && st == SSEVAL_OK) {
    size_t n = chunk && len - off > chunk ? chunk : len - off;
    st = sseval_sse_feed(p, in + off, n, NULL);
    off += n;
    if (sseval_sse_memory(p) > *peak) *peak = sseval_sse_memory(p);
  }
  if (st == SSEVAL_OK) st = sseval_sse_finish(p, NULL);
  *err = *sseval_sse_error(p);
  sseval_sse_free(p);
  return st;
}

TEST(tokenizer_line_and_event) {
  stream s;
  sseval_error e;
  size_t peak, chunk;
  memset(&s, 0, sizeof s);
  /* A 64-byte line is fine at max 64, a 65-byte one is not. */
  puts_(&s, "data: ");
  fill(&s, 'x', 58);
  puts_(&s, "\n\n");
  for (chunk = 0; chunk < 8; chunk += 7) {
    CHECK(sse_run(s.p, s.len, 64, 1024, chunk, &e, &peak) == SSEVAL_OK);
    CHECK(sse_run(s.p, s.len, 63, 1024, chunk, &e, &peak) == SSEVAL_E_LIMIT);
    CHECK(e.status == SSEVAL_E_LIMIT);
    CHECK(e.offset <= 64);
    CHECK(e.line == 1);
  }
  stream_free(&s);
  /* Event data joined over lines: 3 x 10 bytes + 2 LFs = 32. */
  memset(&s, 0, sizeof s);
  puts_(&s, ": comment\ndata: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n");
  CHECK(sse_run(s.p, s.len, 64, 32, 0, &e, &peak) == SSEVAL_OK);
  CHECK(sse_run(s.p, s.len, 64, 31, 0, &e, &peak) == SSEVAL_E_LIMIT);
  CHECK(e.offset >= 10 && e.offset < s.len);
  CHECK(sse_run(s.p, s.len, 64, 31, 1, &e, &peak) == SSEVAL_E_LIMIT);
  stream_free(&s);
  /* 16 MiB without a newline: error at max_line, memory near max_line. */
  memset(&s, 0, sizeof s);
  fill(&s, 'a', (size_t)16 << 20);
  CHECK(sse_run(s.p, s.len, 4096, 4096, 65536, &e, &peak) == SSEVAL_E_LIMIT);
  CHECK_EQ_U64(e.offset, 4096);
  CHECK(peak < 64 * 1024);
  stream_free(&s);
}

/* ---- the Claude layer --------------------------------------------------------------- */
TEST(claude_line_too_long) {
  stream s;
  sseval_claude_options o = opts();
  size_t at;
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  at = s.len;
  puts_(&s, ": ");
  fill(&s, 'c', 5000);
  puts_(&s, "\n");
  o.max_line_bytes = 4096;
  /* Outside an event: the offset is the start of the long line. */
  EXPECT_RULE(&s, &o, SSEVAL_RULE_LINE_TOO_LONG, at);
  stream_free(&s);

  /* Inside an event: the start of the event (its first field line). */
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "text");
  ev(&s, "content_block_delta");
  puts_(&s, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{"
            "\"type\":\"text_delta\",\"text\":\"");
  fill(&s, 't', 5000);
  puts_(&s, "\"}}");
  end_ev(&s);
  EXPECT_RULE(&s, &o, SSEVAL_RULE_LINE_TOO_LONG, s.marks[2]);
  stream_free(&s);
}

TEST(claude_event_too_large) {
  stream s;
  sseval_claude_options o = opts();
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "text");
  delta(&s, 0, "text_delta", "text", "\"0123456789012345678901234567890123456789\"");
  o.max_event_bytes = 200;
  {
    run_out ro;
    CHECK(run(&s, &o, 0, NULL, 0, &ro) == SSEVAL_OK);
    CHECK(ro.r.rule == SSEVAL_RULE_EOF_BEFORE_MESSAGE_STOP); /* fits */
  }
  o.max_event_bytes = 100;
  {
    run_out ro;
    CHECK(run(&s, &o, 0, NULL, 0, &ro) == SSEVAL_OK);
    CHECK(ro.r.rule == SSEVAL_RULE_EVENT_TOO_LARGE);
    CHECK(ro.r.verdict == SSEVAL_VERDICT_LIMIT_EXCEEDED);
    /* the message_start data (about 190 bytes) is the first over 100: the
     * offset is where that event starts */
    CHECK_EQ_U64(ro.r.offset, s.marks[0]);
  }
  stream_free(&s);
}

/* ---- each limit at its threshold: the stream fits, one less does not ---------- */

/* 40 nested arrays in an unknown member of a delta (marks[2]). */
static void build_deep_payload(stream *s) {
  int i;
  event(s, "message_start", MSG_START);
  block_start(s, 0, "text");
  ev(s, "content_block_delta");
  puts_(s, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
           "\"text_delta\",\"text\":\"\",\"x\":");
  for (i = 0; i < 40; i++) puts_(s, "[");
  for (i = 0; i < 40; i++) puts_(s, "]");
  puts_(s, "}}");
  end_ev(s);
  block_stop(s, 0);
  message_end(s);
}

/* Tool input whose concatenated partial_json nests 21 deep (its 2nd piece,
 * marks[3], opens the arrays). */
static void build_deep_tool_input(stream *s) {
  event(s, "message_start", MSG_START);
  block_start(s, 0, "tool_use");
  delta(s, 0, "input_json_delta", "partial_json", "\"{\\\"a\\\":\"");
  delta(s, 0, "input_json_delta", "partial_json", "\"[[[[[[[[[[[[[[[[[[[[\"");
  delta(s, 0, "input_json_delta", "partial_json", "\"]]]]]]]]]]]]]]]]]]]]}\"");
  block_stop(s, 0);
  message_end(s);
}

/* Four empty text blocks; marks: 0 message_start, then start/stop pairs:
 * block 3 starts at marks[7]. */
static void build_four_blocks(stream *s) {
  unsigned i;
  event(s, "message_start", MSG_START);
  for (i = 0; i < 4; i++) {
    block_start(s, i, "text");
    block_stop(s, i);
  }
  message_end(s);
}

/* 10 + 8 decoded bytes in two deltas (escapes count decoded: \u00e9 is 2
 * bytes, \n is 1); the second delta is marks[3]. */
static void build_block_18(stream *s, const char *type, const char *dtype,
                           const char *field) {
  event(s, "message_start", MSG_START);
  block_start(s, 0, type);
  delta(s, 0, dtype, field, "\"0123456789\"");
  delta(s, 0, dtype, field, "\"\\u00e9\\n12345\"");
  block_stop(s, 0);
  message_end(s);
}
static void build_text_18(stream *s) { build_block_18(s, "text", "text_delta", "text"); }
static void build_thinking_18(stream *s) {
  build_block_18(s, "thinking", "thinking_delta", "thinking");
}

/* Tool input of 5 + 13 decoded bytes; the second piece is marks[3]. */
static void build_tool_input_18(stream *s) {
  event(s, "message_start", MSG_START);
  block_start(s, 0, "tool_use");
  delta(s, 0, "input_json_delta", "partial_json", "\"{\\\"a\\\":\"");     /* 5 */
  delta(s, 0, "input_json_delta", "partial_json", "\"\\\"0123456789\\\"}\""); /* 13 */
  block_stop(s, 0);
  message_end(s);
}

/* A content_block_stop (marks[2]) carrying 40 members the protocol does not
 * define (a ping would not do: its data is never parsed, docs/PROTOCOL.md). */
static void build_40_unknown(stream *s) {
  int i;
  event(s, "message_start", MSG_START);
  block_start(s, 0, "text");
  ev(s, "content_block_stop");
  puts_(s, "{\"type\":\"content_block_stop\",\"index\":0");
  for (i = 0; i < 40; i++) {
    char m[32];
    snprintf(m, sizeof m, ",\"x%d\":%d", i, i);
    puts_(s, m);
  }
  puts_(s, "}");
  end_ev(s);
  message_end(s);
}

static void set_depth(sseval_claude_options *o, size_t v) { o->max_json_depth = (uint32_t)v; }
static void set_blocks(sseval_claude_options *o, size_t v) { o->max_blocks = (uint32_t)v; }
static void set_block_bytes(sseval_claude_options *o, size_t v) { o->max_block_bytes = v; }
static void set_tool_input(sseval_claude_options *o, size_t v) { o->max_tool_input_bytes = v; }
static void set_unknown(sseval_claude_options *o, size_t v) {
  o->max_unknown_fields = (uint32_t)v;
}

/* One limit at its threshold: the stream is complete with every limit in
 * `fits`, and at `exceeded` it gives `rule` at the event marks[mark] (whole
 * and in 1- and 7-byte chunks: EXPECT_RULE). */
typedef struct threshold {
  const char *name;
  void (*build)(stream *s);
  void (*set)(sseval_claude_options *o, size_t v);
  size_t fits[2]; /* 0: unused */
  size_t exceeded;
  sseval_rule rule;
  int mark;
} threshold;

static const threshold thresholds[] = {
    {"json depth, payload", build_deep_payload, set_depth, {64, 0}, 16,
     SSEVAL_RULE_JSON_TOO_DEEP, 2},
    {"json depth, tool input", build_deep_tool_input, set_depth, {64, 0}, 8,
     SSEVAL_RULE_JSON_TOO_DEEP, 3},
    {"blocks", build_four_blocks, set_blocks, {4, 0}, 3, SSEVAL_RULE_TOO_MANY_BLOCKS, 7},
    {"text block bytes", build_text_18, set_block_bytes, {18, 0}, 17,
     SSEVAL_RULE_BLOCK_TOO_LARGE, 3},
    {"thinking block bytes", build_thinking_18, set_block_bytes, {18, 0}, 17,
     SSEVAL_RULE_BLOCK_TOO_LARGE, 3},
    {"tool input bytes", build_tool_input_18, set_tool_input, {18, 0}, 17,
     SSEVAL_RULE_TOOL_INPUT_TOO_LARGE, 3},
    {"unknown fields", build_40_unknown, set_unknown, {64, 40}, 39,
     SSEVAL_RULE_TOO_MANY_FIELDS, 2},
};

TEST(claude_thresholds) {
  size_t i, f;
  for (i = 0; i < sizeof thresholds / sizeof thresholds[0]; i++) {
    const threshold *t = &thresholds[i];
    int before = test_failed_checks_;
    stream s;
    sseval_claude_options o = opts();
    memset(&s, 0, sizeof s);
    t->build(&s);
    for (f = 0; f < 2 && t->fits[f]; f++) {
      t->set(&o, t->fits[f]);
      EXPECT_COMPLETE(&s, &o);
    }
    t->set(&o, t->exceeded);
    EXPECT_RULE(&s, &o, t->rule, s.marks[t->mark]);
    if (test_failed_checks_ != before)
      fprintf(stderr, "  (threshold row \"%s\")\n", t->name);
    stream_free(&s);
  }
}

/* max_tool_input_bytes is separate from max_block_bytes: a large block
 * limit does not lift it. */
TEST(tool_input_limit_not_lifted_by_block_limit) {
  stream s;
  sseval_claude_options o = opts();
  memset(&s, 0, sizeof s);
  build_tool_input_18(&s);
  o.max_tool_input_bytes = 17;
  o.max_block_bytes = (size_t)1 << 30;
  EXPECT_RULE(&s, &o, SSEVAL_RULE_TOOL_INPUT_TOO_LARGE, s.marks[3]);
  stream_free(&s);
}

/* Memory follows the limits, not the stream: a block capped at 64 KiB fed
 * 8 MiB of text, and a stream of 20k pings. */
TEST(memory_bounded) {
  stream s, tail;
  sseval_claude_options o = opts();
  run_out ro;
  memset(&s, 0, sizeof s);
  memset(&tail, 0, sizeof tail);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "text");
  ev(&tail, "content_block_delta");
  puts_(&tail, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
               "\"text_delta\",\"text\":\"");
  fill(&tail, 't', 1000);
  puts_(&tail, "\"}}");
  end_ev(&tail);
  o.max_block_bytes = 64 * 1024;
  CHECK(run(&s, &o, 0, &tail, 8000, &ro) == SSEVAL_OK);
  CHECK(ro.r.rule == SSEVAL_RULE_BLOCK_TOO_LARGE);
  if (ro.peak_memory >= 512 * 1024)
    fprintf(stderr, "  peak %zu bytes\n", ro.peak_memory);
  CHECK(ro.peak_memory < 512 * 1024);
  stream_free(&tail);

  memset(&tail, 0, sizeof tail);
  event(&tail, "ping", "{\"type\":\"ping\"}");
  o = opts();
  CHECK(run(&s, &o, 0, &tail, 20000, &ro) == SSEVAL_OK);
  CHECK(ro.r.verdict == SSEVAL_VERDICT_TRUNCATED);
  CHECK(ro.peak_memory < 256 * 1024);
  stream_free(&tail);
  stream_free(&s);
}

int main(void) {
  RUN(documented_defaults);
  RUN(zero_means_default);
  RUN(tokenizer_line_and_event);
  RUN(claude_line_too_long);
  RUN(claude_event_too_large);
  RUN(claude_thresholds);
  RUN(tool_input_limit_not_lifted_by_block_limit);
  RUN(memory_bounded);
  return test_summary();
}
