/* SPDX-License-Identifier: MIT */
/*
 * tests/test_gen.c - the generator (sseval/gen.h) against the validator.
 *
 * A corpus of 1,000 generated streams (valid ones of every shape and broken
 * ones of every breakage, seeds 1..1000): for each, sseval must give exactly
 * the verdict, rule and byte offset the generator stated on its own, with
 * the limits it names, when fed whole, in random chunks and (every 8th
 * stream, to keep the sanitizer build fast) byte by byte; the rebuilt
 * message must be the same under every chunking. Every rule id must come
 * out of some broken stream; valid streams must cover every block type and
 * stop reason; the bytes for fixed seeds are pinned (the format is stable).
 */
#include "sseval/fuzzkit.h"
#include "sseval/gen.h"
#include "sseval/sseval.h"
#include "test.h"

#define CORPUS 1000

typedef struct sink {
  char *p;
  size_t len, cap;
} sink;

static int sink_write(void *ctx, const char *b, size_t n) {
  sink *s = (sink *)ctx;
  if (s->len + n > s->cap) {
    size_t c = s->cap ? s->cap * 2 : 4096;
    while (c < s->len + n) c *= 2;
    s->p = (char *)realloc(s->p, c);
    if (!s->p) return 1;
    s->cap = c;
  }
  memcpy(s->p + s->len, b, n);
  s->len += n;
  return 0;
}

/* Splitmix-free LCG for chunk sizes: the test's own, not the generator's. */
static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 33;
}

/* Run sseval over the stream; chunk 0 = whole, 1 = byte by byte, 2 = random.
 * Fills *r and the rebuilt message (msg). */
static int run(const sseval_gen_stream *s, int chunk, uint64_t seed,
               sseval_claude_result *r, sink *msg) {
  sseval_claude *c;
  sseval_claude_options o = s->check;
  size_t at = 0;
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  if (sseval_claude_new(&c, NULL, NULL, &o) != SSEVAL_OK) return 0;
  while (at < s->len) {
    size_t n = chunk == 0 ? s->len : chunk == 1 ? 1 : 1 + (size_t)(lcg(&seed) % 4096);
    if (n > s->len - at) n = s->len - at;
    if (sseval_claude_feed(c, s->bytes + at, n, NULL) != SSEVAL_OK) break;
    at += n;
  }
  sseval_claude_finish(c, r);
  msg->len = 0;
  sseval_claude_write_message_json(c, sink_write, msg);
  sseval_claude_free(c);
  return 1;
}

/* Does sseval's report agree with what the generator stated? */
static int agrees(const sseval_gen_stream *s, const sseval_claude_result *r,
                  const char *what, uint64_t seed) {
  const char *rid = r->rule == SSEVAL_RULE_NONE ? NULL : sseval_rule_id(r->rule);
  int ok = r->verdict == s->verdict &&
           ((rid == NULL && s->rule_id == NULL) ||
            (rid && s->rule_id && strcmp(rid, s->rule_id) == 0)) &&
           (!s->has_offset || (r->has_offset && r->offset == s->offset));
  if (!ok)
    fprintf(stderr,
            "seed %llu (%s, %s): sseval says %s %s at %llu (%s); the generator "
            "expected %s %s at %llu\n",
            (unsigned long long)seed, s->mutation, what, sseval_verdict_name(r->verdict),
            rid ? rid : "-", (unsigned long long)r->offset, r->detail,
            sseval_verdict_name(s->verdict), s->rule_id ? s->rule_id : "-",
            (unsigned long long)s->offset);
  return ok;
}

/* The options of corpus stream i (seed i + 1). */
static void corpus_options(size_t i, sseval_gen_options *o) {
  sseval_gen_options_init(o);
  o->seed = (uint64_t)i + 1;
  o->shape = (sseval_gen_shape)((i / 2) % (SSEVAL_GEN_SHAPE_COUNT_ - 1)); /* no tiny */
  if (o->shape == SSEVAL_GEN_SINGLE || o->shape == SSEVAL_GEN_LONGLINES ||
      o->shape == SSEVAL_GEN_SMALL_EVENTS || o->shape == SSEVAL_GEN_LONGTEXT)
    o->size = 2048 + (i % 7) * 4096;
  if (o->shape == SSEVAL_GEN_LONGLINES || o->shape == SSEVAL_GEN_LONGTEXT)
    o->size += 32u << 10;
  if (i % 2) {
    size_t nb = 0;
    while (sseval_gen_breakage(nb)) nb++;
    o->broken = sseval_gen_breakage((i / 2) % nb);
  }
}

static int rule_seen[SSEVAL_RULE_COUNT_];

TEST(corpus_agrees_under_every_chunking) {
  sseval_gen_stream s;
  sink m0 = {0}, m1 = {0};
  size_t i, failed = 0, bytes = 0, bytewise = 0;
  sseval_gen_stream_init(&s);
  for (i = 0; i < CORPUS; i++) {
    sseval_gen_options o;
    sseval_claude_result r0, r1;
    int k;
    corpus_options(i, &o);
    CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
    CHECK(s.has_expect);
    bytes += s.len;
    CHECK(run(&s, 0, 0, &r0, &m0));
    if (!agrees(&s, &r0, "whole", o.seed)) {
      failed++;
      continue;
    }
    if (r0.rule < SSEVAL_RULE_COUNT_) rule_seen[r0.rule] = 1;
    for (k = 1; k <= 2; k++) {
      if (k == 1 && i % 8 != 3) continue;
      bytewise += k == 1;
      CHECK(run(&s, k, o.seed, &r1, &m1));
      if (!agrees(&s, &r1, k == 1 ? "byte by byte" : "random chunks", o.seed) ||
          m0.len != m1.len || memcmp(m0.p, m1.p, m0.len) != 0) {
        fprintf(stderr, "seed %llu: the rebuilt message differs by chunking\n",
                (unsigned long long)o.seed);
        failed++;
      }
    }
  }
  fprintf(stderr, "gen corpus: %u streams, %zu bytes, %zu also byte by byte\n",
          CORPUS, bytes, bytewise);
  CHECK_EQ_U64(failed, 0);
  sseval_gen_stream_free(&s);
  free(m0.p);
  free(m1.p);
}

TEST(every_rule_id_is_generated) {
  int r;
  for (r = 1; r < SSEVAL_RULE_COUNT_; r++) {
    /* no bytes can make the allocator fail */
    if (r == SSEVAL_RULE_OUT_OF_MEMORY) continue;
    if (!rule_seen[r]) {
      fprintf(stderr, "no generated broken stream produces rule %s\n",
              sseval_rule_id((sseval_rule)r));
      CHECK(rule_seen[r]);
    }
  }
}

/* The breakages of whole bodies and repeated names, each variant of them
 * under every chunking (byte by byte too): a body is classified from its
 * first line or, when it starts like JSON, at finish; a repeated name is
 * found at the closing quote of the repeat, whichever delta brings it. */
TEST(body_and_duplicate_breakages_every_variant) {
  static const char *const brk[] = {"duplicate_key", "error_body", "message_body",
                                    "not_event_stream"};
  static const char *const variants[] = {
      "data_duplicate_name", "data_duplicate_escaped_name",
      "data_duplicate_nested_name", "tool_input_duplicate_name", "error_body",
      "message_body", "html_body", "text_body", "gzip_body",
      "headers_before_stream", "other_json_body"};
  int seen[sizeof variants / sizeof variants[0]] = {0};
  sseval_gen_stream s;
  sink m0 = {0}, m1 = {0};
  size_t b, v, failed = 0;
  uint64_t seed;
  sseval_gen_stream_init(&s);
  for (b = 0; b < 4; b++)
    for (seed = 1; seed <= 40; seed++) {
      sseval_gen_options o;
      sseval_claude_result r0, r1;
      int k;
      sseval_gen_options_init(&o);
      o.seed = seed * 7919 + b;
      o.shape = (sseval_gen_shape)(seed % (SSEVAL_GEN_SHAPE_COUNT_ - 1));
      if (o.shape != SSEVAL_GEN_REALISTIC && o.shape != SSEVAL_GEN_CR &&
          o.shape != SSEVAL_GEN_CRLF && o.shape != SSEVAL_GEN_MULTILINE)
        o.size = 12000;
      o.broken = brk[b];
      CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
      for (v = 0; v < sizeof variants / sizeof variants[0]; v++)
        if (strcmp(s.mutation, variants[v]) == 0) seen[v] = 1;
      CHECK(strcmp(sseval_rule_id(s.rule), brk[b]) == 0);
      CHECK(s.verdict == (b ? SSEVAL_VERDICT_NOT_EVENT_STREAM
                            : SSEVAL_VERDICT_INVALID_JSON));
      CHECK(b == 0 || s.offset == 0); /* a body's problem is its first byte */
      CHECK(run(&s, 0, 0, &r0, &m0));
      if (!agrees(&s, &r0, "whole", o.seed)) failed++;
      for (k = 1; k <= 2; k++) {
        CHECK(run(&s, k, o.seed, &r1, &m1));
        if (!agrees(&s, &r1, k == 1 ? "byte by byte" : "random chunks", o.seed) ||
            m0.len != m1.len || memcmp(m0.p, m1.p, m0.len) != 0)
          failed++;
      }
    }
  CHECK_EQ_U64(failed, 0);
  for (v = 0; v < sizeof variants / sizeof variants[0]; v++)
    if (!seen[v]) {
      fprintf(stderr, "no generated stream has the mutation %s\n", variants[v]);
      CHECK(seen[v]);
    }
  sseval_gen_stream_free(&s);
  free(m0.p);
  free(m1.p);
}

TEST(valid_streams_cover_the_protocol) {
  static const char *const reasons[] = {
      "end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn",
      "refusal", "model_context_window_exceeded"};
  int types[SSEVAL_BLOCK_FALLBACK + 1] = {0}, seen_reason[7] = {0}, k;
  int shapes[SSEVAL_GEN_SHAPE_COUNT_] = {0};
  sseval_gen_stream s;
  uint64_t seed;
  sseval_gen_stream_init(&s);
  for (seed = 1; seed <= 400; seed++) {
    sseval_gen_options o;
    sseval_claude *c;
    sseval_claude_result r;
    sseval_claude_options co;
    sseval_message_view mv;
    uint32_t b;
    sseval_gen_options_init(&o);
    o.seed = seed;
    o.shape = (sseval_gen_shape)(seed % (SSEVAL_GEN_SHAPE_COUNT_ - 1));
    if (o.shape != SSEVAL_GEN_REALISTIC &&
        (o.shape < SSEVAL_GEN_CR || o.shape == SSEVAL_GEN_LONGTEXT))
      o.size = 20000;
    CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
    CHECK(s.verdict == SSEVAL_VERDICT_COMPLETE && s.check_argc == 0);
    sseval_claude_options_init(&co);
    co.flags = SSEVAL_CLAUDE_ACCUMULATE;
    CHECK(sseval_claude_new(&c, NULL, NULL, &co) == SSEVAL_OK);
    sseval_claude_feed(c, s.bytes, s.len, NULL);
    sseval_claude_finish(c, &r);
    if (r.verdict == SSEVAL_VERDICT_COMPLETE) shapes[o.shape] = 1;
    for (b = 0; b < sseval_claude_block_count(c); b++) {
      sseval_block_view v;
      sseval_claude_block(c, b, &v);
      types[v.type] = 1;
    }
    sseval_claude_message(c, &mv);
    for (k = 0; k < 7; k++)
      if (mv.has_stop_reason && mv.stop_reason.len == strlen(reasons[k]) &&
          memcmp(mv.stop_reason.ptr, reasons[k], mv.stop_reason.len) == 0)
        seen_reason[k] = 1;
    sseval_claude_free(c);
  }
  for (k = 0; k < SSEVAL_GEN_SHAPE_COUNT_ - 1; k++) CHECK(shapes[k]);
  for (k = SSEVAL_BLOCK_TEXT; k <= SSEVAL_BLOCK_TOOL_RESULT; k++)
    if (k != SSEVAL_BLOCK_MCP_TOOL_USE && !types[k]) {
      fprintf(stderr, "no valid stream has a %s block\n",
              sseval_block_type_name((sseval_block_type)k));
      CHECK(types[k]);
    }
  for (k = 0; k < 7; k++)
    if (!seen_reason[k]) {
      fprintf(stderr, "no valid stream stops with %s\n", reasons[k]);
      CHECK(seen_reason[k]);
    }
  sseval_gen_stream_free(&s);
}

static uint64_t fnv1a(const char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i;
  for (i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
  return h;
}

/* The format is stable (SSEVAL_GEN_FORMAT 2): these bytes must never change
 * for these options, on any platform. A deliberate change bumps the format
 * number and these values together. */
TEST(bytes_are_pinned) {
  static const struct {
    uint64_t seed;
    sseval_gen_shape shape;
    size_t size;
    const char *broken;
    uint64_t len, hash;
  } pins[] = {
#include "gen_pins.inc"
  };
  sseval_gen_stream s;
  size_t i;
  sseval_gen_stream_init(&s);
  for (i = 0; i < sizeof pins / sizeof pins[0]; i++) {
    sseval_gen_options o;
    sseval_gen_options_init(&o);
    o.seed = pins[i].seed;
    o.shape = pins[i].shape;
    o.size = pins[i].size;
    o.broken = pins[i].broken;
    CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
    if (getenv("SSEVAL_GEN_PRINT_PINS"))
      printf("    {%lluu, (sseval_gen_shape)%d, %zu, %s%s%s, %zuu, 0x%016llxull},\n",
             (unsigned long long)o.seed, (int)o.shape, o.size, o.broken ? "\"" : "",
             o.broken ? o.broken : "NULL", o.broken ? "\"" : "", s.len,
             (unsigned long long)fnv1a(s.bytes, s.len));
    CHECK_EQ_U64(s.len, pins[i].len);
    CHECK_EQ_U64(fnv1a(s.bytes, s.len), pins[i].hash);
  }
  CHECK_EQ_U64(SSEVAL_GEN_FORMAT, 2);
  sseval_gen_stream_free(&s);
}

TEST(api_misuse_and_reuse) {
  sseval_gen_options o;
  sseval_gen_stream s;
  sseval_gen_shape sh;
  size_t i;
  sseval_gen_stream_init(&s);
  sseval_gen_options_init(&o);
  CHECK(sseval_gen_generate(NULL, &s) == SSEVAL_E_MISUSE);
  CHECK(sseval_gen_generate(&o, NULL) == SSEVAL_E_MISUSE);
  o.broken = "no_such_rule";
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_E_MISUSE);
  o.broken = "eof_inside_event";
  o.shape = SSEVAL_GEN_TINY;
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_E_MISUSE);
  o.shape = (sseval_gen_shape)99;
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_E_MISUSE);
  CHECK(sseval_gen_shape_name((sseval_gen_shape)99) == NULL);
  for (i = 0; i < SSEVAL_GEN_SHAPE_COUNT_; i++) {
    CHECK(sseval_gen_shape_parse(sseval_gen_shape_name((sseval_gen_shape)i), &sh));
    CHECK(sh == (sseval_gen_shape)i);
  }
  CHECK(!sseval_gen_shape_parse("square", &sh));
  /* "any" picks a breakage by the seed; the same seed, the same stream */
  o.shape = SSEVAL_GEN_REALISTIC;
  o.broken = "any";
  o.seed = 42;
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
  {
    uint64_t h = fnv1a(s.bytes, s.len);
    const char *m = s.mutation;
    CHECK(s.verdict != SSEVAL_VERDICT_COMPLETE);
    CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
    CHECK_EQ_U64(fnv1a(s.bytes, s.len), h);
    CHECK(strcmp(m, s.mutation) == 0);
  }
  /* tiny: not a Claude stream, and it says so */
  o.broken = NULL;
  o.shape = SSEVAL_GEN_TINY;
  o.size = 1000;
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
  CHECK(s.len >= 1000 && s.len < 1100 && memcmp(s.bytes, "data: ", 6) == 0);
  CHECK(s.rule == SSEVAL_RULE_EVENT_NAME_MISSING && s.offset == 0);
  /* a program: deterministic, and the finish flag ends the message */
  CHECK(sseval_gen_program(NULL, 0, SSEVAL_GEN_PROGRAM_FINISH, &s) == SSEVAL_OK);
  CHECK(!s.has_expect && s.len > 0 &&
        strstr(s.bytes, "event: message_stop") != NULL);
  CHECK(sseval_gen_program(NULL, 3, 0, &s) == SSEVAL_E_MISUSE);
  sseval_gen_stream_free(&s);
  sseval_gen_stream_free(&s); /* twice is fine */
}

/* The fuzzing kit: the oracle reports what the generator stated; the
 * mutator and crossover stay within bounds and are deterministic. */
TEST(fuzzkit) {
  static uint8_t a[8192], b[8192], out[4096];
  sseval_gen_stream s;
  sseval_gen_options o;
  sseval_oracle orc;
  size_t na = 0, nb, i, m;
  int truncated = 0;
  sseval_gen_stream_init(&s);
  sseval_gen_options_init(&o);
  o.seed = 7;
  o.broken = "eof_before_message_stop";
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
  CHECK(sseval_oracle_run(s.bytes, s.len, NULL, &orc) == SSEVAL_OK);
  CHECK(orc.result.verdict == SSEVAL_VERDICT_TRUNCATED && orc.result.offset == s.offset);
  CHECK(orc.message_json && orc.message_len > 10 && orc.message_json[0] == '{');
  CHECK(orc.result.detail && orc.result.detail[0]);
  sseval_oracle_free(&orc);
  o.broken = "error_event";
  CHECK(sseval_gen_generate(&o, &s) == SSEVAL_OK);
  CHECK(sseval_oracle_run(s.bytes, s.len, NULL, &orc) == SSEVAL_OK);
  CHECK(orc.result.verdict == SSEVAL_VERDICT_ERROR_EVENT && orc.result.has_error &&
        orc.result.error.type.len > 0);
  sseval_oracle_free(&orc);
  CHECK(sseval_oracle_run(NULL, 3, NULL, &orc) == SSEVAL_E_MISUSE);
  sseval_oracle_free(&orc);
  for (i = 0; i < 2000; i++) {
    memcpy(b, a, na);
    nb = sseval_fuzz_mutate(b, na, sizeof a, (unsigned)i, NULL);
    CHECK(nb <= sizeof a);
    m = sseval_fuzz_mutate(a, na, sizeof a, (unsigned)i, NULL);
    CHECK(m == nb && memcmp(a, b, m) == 0); /* deterministic */
    na = m;
    m = sseval_fuzz_crossover(a, na, b, nb, out, sizeof out, (unsigned)i);
    CHECK(m <= sizeof out);
    CHECK(sseval_oracle_run(a, na, NULL, &orc) == SSEVAL_OK);
    truncated |= orc.result.verdict == SSEVAL_VERDICT_TRUNCATED;
    sseval_oracle_free(&orc);
  }
  CHECK(truncated); /* the mutations reach cut streams */
  CHECK(sseval_fuzz_mutate(NULL, 0, 10, 1, NULL) == 0);
  sseval_gen_stream_free(&s);
}

int main(void) {
  RUN(corpus_agrees_under_every_chunking);
  RUN(every_rule_id_is_generated);
  RUN(body_and_duplicate_breakages_every_variant);
  RUN(valid_streams_cover_the_protocol);
  RUN(bytes_are_pinned);
  RUN(api_misuse_and_reuse);
  RUN(fuzzkit);
  return test_summary();
}
