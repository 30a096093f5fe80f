/* SPDX-License-Identifier: MIT */
/*
 * tests/test_usage.c - typed usage (sseval_claude_usage) and the message
 * JSON written to a caller's buffer (sseval_claude_message_json):
 *  - the counters merged by overwrite (message_delta over message_start),
 *    has_* 0 for absent and null, nested look-alikes and string values that
 *    spell a counter's name ignored, the raw object still complete;
 *  - every chunking of the stream gives the same answers (whole, byte by
 *    byte, every two-piece split);
 *  - out_size smaller than the struct fills only that much;
 *  - the buffer form: length query, exact fit, one byte short;
 *  - a counter that is not a non-negative integer below 2^64 is
 *    event_field_invalid and never reaches the typed usage.
 */
#include <stddef.h>
#include <stdint.h>

#include "sseval/sseval.h"
#include "test.h"

static const char STREAM[] =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
    "\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
    "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,"
    "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":null,"
    "\"server_tool_use\":{\"input_tokens\":99,\"web_search_requests\":2},"
    "\"note\":\"output_tokens\",\"output_tokens\":1}}}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":42,"
    "\"input_tokens\":4294967296123}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

static sseval_claude *run(const char *s, size_t n, size_t split, unsigned flags) {
  sseval_claude_options o;
  sseval_claude *c = NULL;
  size_t i;
  sseval_claude_result r;
  sseval_claude_options_init(&o);
  o.flags = flags;
  if (sseval_claude_new(&c, NULL, NULL, &o) != SSEVAL_OK) return NULL;
  if (split == 0) { /* byte by byte */
    for (i = 0; i < n; i++) sseval_claude_feed(c, s + i, 1, NULL);
  } else {
    sseval_claude_feed(c, s, split, NULL);
    sseval_claude_feed(c, s + split, n - split, NULL);
  }
  sseval_claude_finish(c, &r);
  return c;
}

static int sink(void *ctx, const char *b, size_t n) {
  char **p = (char **)ctx;
  memcpy(*p, b, n);
  *p += n;
  return 0;
}

TEST(typed_usage_every_chunking) {
  size_t n = sizeof STREAM - 1, split;
  for (split = 0; split <= n; split++) {
    sseval_usage u;
    sseval_claude *c = run(STREAM, n, split == 0 ? 0 : split, SSEVAL_CLAUDE_ACCUMULATE);
    CHECK(c != NULL);
    if (!c) return;
    memset(&u, 0x5A, sizeof u);
    CHECK(sseval_claude_usage(c, &u, sizeof u) == SSEVAL_OK);
    CHECK(u.has_input_tokens && u.input_tokens == 4294967296123u);
    CHECK(u.has_output_tokens && u.output_tokens == 42);
    CHECK(u.has_cache_creation_input_tokens && u.cache_creation_input_tokens == 0);
    CHECK(!u.has_cache_read_input_tokens && u.cache_read_input_tokens == 0);
    sseval_claude_free(c);
  }
}

TEST(raw_usage_stays) {
  char raw[512], *p = raw;
  sseval_claude *c = run(STREAM, sizeof STREAM - 1, 10, SSEVAL_CLAUDE_ACCUMULATE);
  if (!c) { CHECK(0); return; }
  CHECK(sseval_claude_write_usage_json(c, sink, &p) == SSEVAL_OK);
  *p = '\0';
  CHECK(strstr(raw, "\"web_search_requests\":2") != NULL);
  CHECK(strstr(raw, "\"note\":\"output_tokens\"") != NULL);
  sseval_claude_free(c);
}

TEST(usage_size_and_misuse) {
  sseval_usage u;
  unsigned char guard[sizeof(sseval_usage)];
  sseval_claude *c = run(STREAM, sizeof STREAM - 1, 1, SSEVAL_CLAUDE_ACCUMULATE);
  if (!c) { CHECK(0); return; }
  /* an older, smaller struct: only its bytes are written */
  memset(&u, 0x5A, sizeof u);
  memset(guard, 0x5A, sizeof guard);
  CHECK(sseval_claude_usage(c, &u, offsetof(sseval_usage, has_output_tokens)) ==
        SSEVAL_OK);
  CHECK(u.has_input_tokens == 1 && u.input_tokens == 4294967296123u);
  CHECK(memcmp((unsigned char *)&u + offsetof(sseval_usage, has_output_tokens),
               guard, sizeof u - offsetof(sseval_usage, has_output_tokens)) == 0);
  CHECK(sseval_claude_usage(c, NULL, sizeof u) == SSEVAL_E_MISUSE);
  sseval_claude_free(c);
  /* without ACCUMULATE there is no message: E_MISUSE, zeroed */
  c = run(STREAM, sizeof STREAM - 1, 1, 0);
  if (!c) { CHECK(0); return; }
  memset(&u, 0x5A, sizeof u);
  CHECK(sseval_claude_usage(c, &u, sizeof u) == SSEVAL_E_MISUSE);
  CHECK(!u.has_input_tokens && !u.has_output_tokens && u.output_tokens == 0);
  sseval_claude_free(c);
}

TEST(message_json_to_buffer) {
  char want[2048], *p = want, got[2048];
  size_t len = 7, wlen;
  sseval_claude *c = run(STREAM, sizeof STREAM - 1, 0, SSEVAL_CLAUDE_ACCUMULATE);
  if (!c) { CHECK(0); return; }
  CHECK(sseval_claude_write_message_json(c, sink, &p) == SSEVAL_OK);
  wlen = (size_t)(p - want);
  CHECK(sseval_claude_message_json(c, NULL, 0, &len) == SSEVAL_E_LIMIT);
  CHECK(len == wlen);
  memset(got, 'x', sizeof got);
  CHECK(sseval_claude_message_json(c, got, wlen + 1, &len) == SSEVAL_OK);
  CHECK(len == wlen && memcmp(got, want, wlen) == 0 && got[wlen] == '\0');
  memset(got, 'x', sizeof got);
  CHECK(sseval_claude_message_json(c, got, wlen, &len) == SSEVAL_E_LIMIT);
  CHECK(len == wlen && memcmp(got, want, wlen - 1) == 0 && got[wlen - 1] == '\0');
  CHECK(sseval_claude_message_json(c, got, sizeof got, NULL) == SSEVAL_E_MISUSE);
  sseval_claude_free(c);
  c = run(STREAM, sizeof STREAM - 1, 3, 0);
  if (!c) { CHECK(0); return; }
  CHECK(sseval_claude_message_json(c, got, sizeof got, &len) == SSEVAL_E_MISUSE);
  sseval_claude_free(c);
}

/* A counter that is not a non-negative integer below 2^64 is
 * event_field_invalid and its event is not taken in: the typed usage keeps
 * reporting the validated values of message_start (input 3, output 1), at
 * every chunking, and never the bad one. */
TEST(typed_usage_only_validated) {
  static const char *const bad[] = {
      "\"7\"", "-5", "1.5", "1e400", "5.0", "1E2", "-0", "18446744073709551616",
      "99999999999999999999999", "null", "true", "{\"n\":5}", "[5]"};
  static const char head[] =
      "event: message_start\n"
      "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":"
      "\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
      "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
      "\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
      "event: message_delta\n"
      "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
      "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":9,"
      "\"output_tokens\":";
  static const char tail[] =
      "}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  size_t b;
  for (b = 0; b < sizeof bad / sizeof bad[0]; b++) {
    char s[1024];
    size_t n, split;
    n = (size_t)snprintf(s, sizeof s, "%s%s%s", head, bad[b], tail);
    for (split = 0; split <= n; split += (split < 300 ? 97 : 1)) {
      sseval_usage u;
      sseval_claude_result r;
      char msg[1024];
      size_t len = 0;
      sseval_claude *c = run(s, n, split, SSEVAL_CLAUDE_ACCUMULATE);
      CHECK(c != NULL);
      if (!c) return;
      sseval_claude_get_result(c, &r);
      CHECK(r.verdict == SSEVAL_VERDICT_PROTOCOL_VIOLATION &&
            r.rule == SSEVAL_RULE_EVENT_FIELD_INVALID);
      memset(&u, 0x5A, sizeof u);
      CHECK(sseval_claude_usage(c, &u, sizeof u) == SSEVAL_OK);
      CHECK(u.has_input_tokens && u.input_tokens == 3);
      CHECK(u.has_output_tokens && u.output_tokens == 1);
      CHECK(!u.has_cache_read_input_tokens && !u.has_cache_creation_input_tokens);
      CHECK(sseval_claude_message_json(c, msg, sizeof msg, &len) == SSEVAL_OK);
      CHECK(strstr(msg, "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}") != NULL);
      sseval_claude_free(c);
    }
  }
}

/* message_start's own counters: 2^64 does not fit; 2^64-1 does. */
TEST(typed_usage_bounds) {
  static const char fmt[] =
      "event: message_start\n"
      "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":"
      "\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
      "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
      "\"input_tokens\":%s,\"output_tokens\":1}}}\n\n";
  char s[1024];
  sseval_usage u;
  sseval_claude_result r;
  size_t n = (size_t)snprintf(s, sizeof s, fmt, "18446744073709551616");
  sseval_claude *c = run(s, n, 5, SSEVAL_CLAUDE_ACCUMULATE);
  if (!c) { CHECK(0); return; }
  sseval_claude_get_result(c, &r);
  CHECK(r.rule == SSEVAL_RULE_EVENT_FIELD_INVALID && r.has_offset && r.offset == 0);
  CHECK(sseval_claude_usage(c, &u, sizeof u) == SSEVAL_OK);
  CHECK(!u.has_input_tokens && !u.has_output_tokens);
  sseval_claude_free(c);
  n = (size_t)snprintf(s, sizeof s, fmt, "18446744073709551615");
  c = run(s, n, 5, SSEVAL_CLAUDE_ACCUMULATE);
  if (!c) { CHECK(0); return; }
  sseval_claude_get_result(c, &r);
  CHECK(r.rule != SSEVAL_RULE_EVENT_FIELD_INVALID);
  CHECK(sseval_claude_usage(c, &u, sizeof u) == SSEVAL_OK);
  CHECK(u.has_input_tokens && u.input_tokens == UINT64_MAX);
  sseval_claude_free(c);
}

int main(void) {
  RUN(typed_usage_every_chunking);
  RUN(raw_usage_stays);
  RUN(usage_size_and_misuse);
  RUN(message_json_to_buffer);
  RUN(typed_usage_only_validated);
  RUN(typed_usage_bounds);
  return test_summary();
}
