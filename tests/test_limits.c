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
 *               max_block_bytes -> block_too_large
 *   pending     max_tool_input_bytes -> tool_input_too_large and
 *               max_unknown_fields -> too_many_fields: compiled in once
 *               claude.h defines SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES /
 *               SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS; until then each
 *               prints a SKIP line.
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
#ifdef SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES
  CHECK(o.max_tool_input_bytes == SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES);
#endif
#ifdef SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS
  CHECK(o.max_unknown_fields == SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS);
#endif
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

TEST(claude_json_too_deep) {
  stream s, ok;
  sseval_claude_options o = opts();
  int i;
  memset(&s, 0, sizeof s);
  memset(&ok, 0, sizeof ok);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "text");
  /* 40 nested arrays in an unknown member of a delta. */
  ev(&s, "content_block_delta");
  puts_(&s, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
            "\"text_delta\",\"text\":\"\",\"x\":");
  for (i = 0; i < 40; i++) puts_(&s, "[");
  for (i = 0; i < 40; i++) puts_(&s, "]");
  puts_(&s, "}}");
  end_ev(&s);
  block_stop(&s, 0);
  message_end(&s);
  o.max_json_depth = 64;
  EXPECT_COMPLETE(&s, &o);
  o.max_json_depth = 16;
  EXPECT_RULE(&s, &o, SSEVAL_RULE_JSON_TOO_DEEP, s.marks[2]);
  stream_free(&s);

  /* Tool input: the concatenated partial_json nests too deep. */
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "tool_use");
  delta(&s, 0, "input_json_delta", "partial_json", "\"{\\\"a\\\":\"");
  delta(&s, 0, "input_json_delta", "partial_json", "\"[[[[[[[[[[[[[[[[[[[[\"");
  delta(&s, 0, "input_json_delta", "partial_json", "\"]]]]]]]]]]]]]]]]]]]]}\"");
  block_stop(&s, 0);
  message_end(&s);
  o.max_json_depth = 64;
  EXPECT_COMPLETE(&s, &o);
  o.max_json_depth = 8;
  EXPECT_RULE(&s, &o, SSEVAL_RULE_JSON_TOO_DEEP, s.marks[3]);
  stream_free(&s);
  stream_free(&ok);
}

TEST(claude_too_many_blocks) {
  stream s;
  sseval_claude_options o = opts();
  unsigned i;
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  for (i = 0; i < 4; i++) {
    block_start(&s, i, "text");
    block_stop(&s, i);
  }
  message_end(&s);
  o.max_blocks = 4;
  EXPECT_COMPLETE(&s, &o);
  o.max_blocks = 3;
  /* marks: 0 message_start, then start/stop pairs: block 3 starts at 7 */
  EXPECT_RULE(&s, &o, SSEVAL_RULE_TOO_MANY_BLOCKS, s.marks[7]);
  stream_free(&s);
}

TEST(claude_block_too_large) {
  static const char *const kinds[][3] = {
      {"text", "text_delta", "text"},
      {"thinking", "thinking_delta", "thinking"},
  };
  size_t k;
  for (k = 0; k < 2; k++) {
    stream s;
    sseval_claude_options o = opts();
    memset(&s, 0, sizeof s);
    event(&s, "message_start", MSG_START);
    block_start(&s, 0, kinds[k][0]);
    delta(&s, 0, kinds[k][1], kinds[k][2], "\"0123456789\"");
    /* escapes count decoded: \u00e9 is 2 bytes, \n is 1 */
    delta(&s, 0, kinds[k][1], kinds[k][2], "\"\\u00e9\\n12345\"");
    block_stop(&s, 0);
    message_end(&s);
    o.max_block_bytes = 18;
    EXPECT_COMPLETE(&s, &o);
    o.max_block_bytes = 17;
    EXPECT_RULE(&s, &o, SSEVAL_RULE_BLOCK_TOO_LARGE, s.marks[3]);
    stream_free(&s);
  }
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

/* ---- pending: settable once claude.h has them ----------------------------------------- */
TEST(tool_input_limit) {
#ifdef SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES
  stream s;
  sseval_claude_options o = opts();
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "tool_use");
  delta(&s, 0, "input_json_delta", "partial_json", "\"{\\\"a\\\":\"");     /* 5 */
  delta(&s, 0, "input_json_delta", "partial_json", "\"\\\"0123456789\\\"}\""); /* 13 */
  block_stop(&s, 0);
  message_end(&s);
  o.max_tool_input_bytes = 18;
  EXPECT_COMPLETE(&s, &o);
  o.max_tool_input_bytes = 17;
  EXPECT_RULE(&s, &o, SSEVAL_RULE_TOOL_INPUT_TOO_LARGE, s.marks[3]);
  /* Separate from max_block_bytes: a large block limit does not lift it. */
  o.max_block_bytes = (size_t)1 << 30;
  EXPECT_RULE(&s, &o, SSEVAL_RULE_TOOL_INPUT_TOO_LARGE, s.marks[3]);
  stream_free(&s);
#else
  printf("SKIP tool_input_limit: claude.h has no max_tool_input_bytes yet "
         "(SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES)\n");
#endif
}

TEST(unknown_fields_limit) {
#ifdef SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS
  stream s;
  sseval_claude_options o = opts();
  int i;
  memset(&s, 0, sizeof s);
  event(&s, "message_start", MSG_START);
  block_start(&s, 0, "text");
  /* A content_block_stop carrying 40 members the protocol does not define
   * (a ping would not do: its data is never parsed, docs/PROTOCOL.md). */
  ev(&s, "content_block_stop");
  puts_(&s, "{\"type\":\"content_block_stop\",\"index\":0");
  for (i = 0; i < 40; i++) {
    char m[32];
    snprintf(m, sizeof m, ",\"x%d\":%d", i, i);
    puts_(&s, m);
  }
  puts_(&s, "}");
  end_ev(&s);
  message_end(&s);
  o.max_unknown_fields = 64;
  EXPECT_COMPLETE(&s, &o);
  o.max_unknown_fields = 40;
  EXPECT_COMPLETE(&s, &o);
  o.max_unknown_fields = 39;
  EXPECT_RULE(&s, &o, SSEVAL_RULE_TOO_MANY_FIELDS, s.marks[2]);
  stream_free(&s);
#else
  printf("SKIP unknown_fields_limit: claude.h has no max_unknown_fields yet "
         "(SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS)\n");
#endif
}

int main(void) {
  RUN(documented_defaults);
  RUN(zero_means_default);
  RUN(tokenizer_line_and_event);
  RUN(claude_line_too_long);
  RUN(claude_event_too_large);
  RUN(claude_json_too_deep);
  RUN(claude_too_many_blocks);
  RUN(claude_block_too_large);
  RUN(memory_bounded);
  RUN(tool_input_limit);
  RUN(unknown_fields_limit);
  return test_summary();
}
