/* SPDX-License-Identifier: MIT */
/*
 * tests/test_api.c - the public API's growth and misuse contract:
 *  - version macros agree with each other and with the runtime functions;
 *  - size-checked structs: options and callbacks whose struct_size is
 *    smaller than the 0.1.0 layout are refused (E_STRUCT_SIZE), larger ones (a
 *    caller built against newer headers, extra fields zero) are accepted;
 *  - an allocator with a NULL hook, a NULL out pointer: E_MISUSE;
 *  - free(NULL) and reset(NULL) are no-ops; every name function has an
 *    answer for out-of-range values;
 *  - reset reuses an instance across connections with no new allocation.
 */
#include <stdint.h>

#include "sseval/sseval.h"
#include "test.h"

TEST(version) {
  char buf[32];
  CHECK(sseval_version() == (uint32_t)SSEVAL_VERSION_HEX);
  CHECK(strcmp(sseval_version_string(), SSEVAL_VERSION_STRING) == 0);
  snprintf(buf, sizeof buf, "%d.%d.%d", SSEVAL_VERSION_MAJOR,
           SSEVAL_VERSION_MINOR, SSEVAL_VERSION_PATCH);
  CHECK(strcmp(buf, SSEVAL_VERSION_STRING) == 0);
  CHECK(SSEVAL_VERSION_HEX == ((SSEVAL_VERSION_MAJOR << 16) |
                               (SSEVAL_VERSION_MINOR << 8) |
                               SSEVAL_VERSION_PATCH));
}

/* A caller built against a newer header: a bigger struct, new fields 0. */
typedef struct bigger_sse_options {
  sseval_sse_options o;
  unsigned char future[64];
} bigger_sse_options;
typedef struct bigger_claude_options {
  sseval_claude_options o;
  unsigned char future[64];
} bigger_claude_options;
typedef struct bigger_claude_callbacks {
  sseval_claude_callbacks c;
  void *future[8];
} bigger_claude_callbacks;

TEST(size_checked_structs) {
  sseval_sse_options so;
  sseval_sse_callbacks sc;
  sseval_claude_options co;
  sseval_claude_callbacks cc;
  bigger_sse_options bso;
  bigger_claude_options bco;
  bigger_claude_callbacks bcc;
  sseval_sse *p = NULL;
  sseval_claude *c = NULL;

  sseval_sse_options_init(&so);
  CHECK(so.struct_size == sizeof so);
  so.struct_size = sizeof so - 1;
  CHECK(sseval_sse_new(&p, NULL, NULL, &so) == SSEVAL_E_STRUCT_SIZE && !p);
  sseval_sse_callbacks_init(&sc);
  CHECK(sc.struct_size == sizeof sc);
  sc.struct_size = sizeof sc - 1;
  CHECK(sseval_sse_new(&p, &sc, NULL, NULL) == SSEVAL_E_STRUCT_SIZE && !p);

  sseval_claude_options_init(&co);
  CHECK(co.struct_size == sizeof co);
  co.struct_size = 8;
  CHECK(sseval_claude_new(&c, NULL, NULL, &co) == SSEVAL_E_STRUCT_SIZE && !c);
  sseval_claude_callbacks_init(&cc);
  CHECK(cc.struct_size == sizeof cc);
  cc.struct_size = 0;
  CHECK(sseval_claude_new(&c, &cc, NULL, NULL) == SSEVAL_E_STRUCT_SIZE && !c);

  memset(&bso, 0, sizeof bso);
  sseval_sse_options_init(&bso.o);
  bso.o.struct_size = sizeof bso;
  CHECK(sseval_sse_new(&p, NULL, NULL, &bso.o) == SSEVAL_OK && p);
  sseval_sse_free(p);
  p = NULL;

  memset(&bco, 0, sizeof bco);
  sseval_claude_options_init(&bco.o);
  bco.o.struct_size = sizeof bco;
  memset(&bcc, 0, sizeof bcc);
  sseval_claude_callbacks_init(&bcc.c);
  bcc.c.struct_size = sizeof bcc;
  CHECK(sseval_claude_new(&c, &bcc.c, NULL, &bco.o) == SSEVAL_OK && c);
  sseval_claude_free(c);
}

static void *nop_malloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void nop_free(void *ctx, void *p, size_t n) { (void)ctx; (void)n; free(p); }

TEST(misuse) {
  sseval_allocator a;
  sseval_sse_options so;
  sseval_claude_options co;
  sseval_sse *p = NULL;
  sseval_claude *c = NULL;
  memset(&a, 0, sizeof a);
  a.malloc = nop_malloc;
  a.free = nop_free; /* realloc missing */
  sseval_sse_options_init(&so);
  so.allocator = &a;
  CHECK(sseval_sse_new(&p, NULL, NULL, &so) == SSEVAL_E_MISUSE && !p);
  sseval_claude_options_init(&co);
  co.allocator = &a;
  CHECK(sseval_claude_new(&c, NULL, NULL, &co) == SSEVAL_E_MISUSE && !c);
  CHECK(sseval_sse_new(NULL, NULL, NULL, NULL) == SSEVAL_E_MISUSE);
  CHECK(sseval_claude_new(NULL, NULL, NULL, NULL) == SSEVAL_E_MISUSE);
  sseval_sse_free(NULL);
  sseval_claude_free(NULL);
  sseval_claude_reset(NULL);

  /* feed after finish is misuse, until reset */
  CHECK(sseval_claude_new(&c, NULL, NULL, NULL) == SSEVAL_OK);
  if (c) {
    sseval_claude_result r;
    CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
    CHECK(r.finished);
    CHECK(sseval_claude_feed(c, "x", 1, NULL) == SSEVAL_E_MISUSE);
    CHECK(sseval_claude_finish(c, &r) == SSEVAL_E_MISUSE);
    sseval_claude_reset(c);
    CHECK(sseval_claude_feed(c, ": hi\n", 5, NULL) == SSEVAL_OK);
    sseval_claude_free(c);
  }
  CHECK(sseval_sse_new(&p, NULL, NULL, NULL) == SSEVAL_OK);
  if (p) {
    CHECK(sseval_sse_finish(p, NULL) == SSEVAL_OK);
    CHECK(sseval_sse_feed(p, "x", 1, NULL) == SSEVAL_E_MISUSE);
    sseval_sse_reset(p);
    CHECK(sseval_sse_feed(p, "data: x\n\n", 9, NULL) == SSEVAL_OK);
    sseval_sse_free(p);
  }
}

TEST(names_out_of_range) {
  CHECK(strcmp(sseval_status_name((sseval_status)999), "UNKNOWN") == 0);
  CHECK(sseval_status_message((sseval_status)-5) != NULL);
  CHECK(strcmp(sseval_verdict_name((sseval_verdict)999), "unknown") == 0);
  CHECK(strcmp(sseval_rule_id((sseval_rule)999), "unknown") == 0);
  CHECK(sseval_rule_description((sseval_rule)999) != NULL);
  CHECK(strcmp(sseval_block_type_name((sseval_block_type)999), "unknown") == 0);
  CHECK(strcmp(sseval_status_name(SSEVAL_E_LIMIT), "E_LIMIT") == 0);
  CHECK(strcmp(sseval_rule_id(SSEVAL_RULE_LINE_TOO_LONG), "line_too_long") == 0);
  CHECK(sseval_rule_verdict(SSEVAL_RULE_OUT_OF_MEMORY) ==
        SSEVAL_VERDICT_LIMIT_EXCEEDED);
}

/* One instance, many connections: after the first stream has grown the
 * buffers, reset + the same stream again allocates nothing. */
typedef struct counting {
  unsigned long calls;
} counting;
static void *c_malloc(void *ctx, size_t n) {
  ((counting *)ctx)->calls++;
  return malloc(n);
}
static void *c_realloc(void *ctx, void *p, size_t o, size_t n) {
  (void)o;
  ((counting *)ctx)->calls++;
  return realloc(p, n);
}
static void c_free(void *ctx, void *p, size_t n) {
  (void)ctx;
  (void)n;
  free(p);
}

TEST(reset_reuses_buffers) {
  static const char stream[] =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
      "\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
      "\"model\":\"x\",\"usage\":{\"input_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\","
      "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
      "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"h\\u00e9\"}}\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\","
      "\"index\":0}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{"
      "\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{"
      "\"output_tokens\":2}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  counting k = {0};
  sseval_allocator a;
  sseval_claude_options o;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  unsigned long after_first;
  int i;
  size_t off;
  a.malloc = c_malloc;
  a.realloc = c_realloc;
  a.free = c_free;
  a.ctx = &k;
  sseval_claude_options_init(&o);
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  o.allocator = &a;
  CHECK(sseval_claude_new(&c, NULL, NULL, &o) == SSEVAL_OK);
  if (!c) return;
  after_first = 0;
  for (i = 0; i < 4; i++) {
    sseval_claude_reset(c);
    /* 5-byte chunks so the tokenizer's own buffers are used too */
    for (off = 0; off < sizeof stream - 1; off += 5) {
      size_t n = sizeof stream - 1 - off < 5 ? sizeof stream - 1 - off : 5;
      CHECK(sseval_claude_feed(c, stream + off, n, NULL) == SSEVAL_OK);
    }
    CHECK(sseval_claude_finish(c, &r) == SSEVAL_OK);
    CHECK(r.verdict == SSEVAL_VERDICT_COMPLETE);
    CHECK(sseval_claude_block_count(c) == 1);
    if (i == 0) after_first = k.calls;
  }
  if (k.calls != after_first)
    fprintf(stderr, "  %lu allocations on the first stream, %lu after 3 "
            "more after reset\n", after_first, k.calls);
  CHECK(k.calls == after_first);
  sseval_claude_free(c);
}

/* After an abort in a content callback the rebuilt message holds exactly the
 * pieces the callbacks were given, for a signature as for text (issue 16:
 * the whole signature used to be stored before its first piece went out). */
typedef struct sig_abort {
  int abort_at, calls;
  char seen[64];
  size_t nseen;
} sig_abort;

static int on_sig_abort(void *u, uint32_t i, sseval_span p) {
  sig_abort *s = (sig_abort *)u;
  (void)i;
  if (s->nseen + p.len < sizeof s->seen) {
    memcpy(s->seen + s->nseen, p.ptr, p.len);
    s->nseen += p.len;
  }
  return ++s->calls == s->abort_at ? SSEVAL_CB_ABORT : SSEVAL_CB_OK;
}

TEST(signature_view_after_abort) {
  static const char stream[] =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
      "\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
      "\"model\":\"x\",\"usage\":{\"input_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\","
      "\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\","
      "\"signature\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
      "\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":"
      "\"old\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
      "\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":"
      "\"Sig\\u002f2\"}}\n\n";
  /* abort_at: 0 never; 2 at "Sig" (the second call), 3 at "/" */
  static const struct { int abort_at; const char *view; } cases[] = {
      {0, "Sig/2"}, {2, "Sig"}, {3, "Sig/"}, {1, "old"}};
  size_t k;
  for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    sig_abort s;
    sseval_claude_callbacks cb;
    sseval_claude_options o;
    sseval_claude *c = NULL;
    sseval_block_view v;
    sseval_status st;
    memset(&s, 0, sizeof s);
    s.abort_at = cases[k].abort_at;
    sseval_claude_callbacks_init(&cb);
    cb.on_signature = on_sig_abort;
    sseval_claude_options_init(&o);
    o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
    CHECK(sseval_claude_new(&c, &cb, &s, &o) == SSEVAL_OK);
    if (!c) return;
    st = sseval_claude_feed(c, stream, sizeof stream - 1, NULL);
    CHECK(st == (cases[k].abort_at ? SSEVAL_E_CALLBACK : SSEVAL_OK));
    CHECK(sseval_claude_block(c, 0, &v) == SSEVAL_OK);
    CHECK(v.signature.len == strlen(cases[k].view) &&
          memcmp(v.signature.ptr, cases[k].view, v.signature.len) == 0);
    if (cases[k].abort_at != 1) { /* the last delta's pieces, as delivered */
      CHECK(s.nseen >= 3 && v.signature.len == s.nseen - 3 &&
            memcmp(s.seen + 3, v.signature.ptr, v.signature.len) == 0);
    }
    sseval_claude_free(c);
  }
}

int main(void) {
  RUN(version);
  RUN(size_checked_structs);
  RUN(misuse);
  RUN(names_out_of_range);
  RUN(reset_reuses_buffers);
  RUN(signature_view_after_abort);
  return test_summary();
}
