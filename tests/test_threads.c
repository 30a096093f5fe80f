/* SPDX-License-Identifier: MIT */
/*
 * tests/test_threads.c - many instances in parallel threads.
 *
 * The documented model (common.h): an instance is used by one thread at a
 * time, different instances share nothing, and the library has no global
 * mutable state. This suite reads every fixture once on the main thread for
 * the reference (verdict, rule, offset, the text the callbacks saw, the
 * rebuilt message JSON), then runs THREADS threads at once, each with its own
 * sseval_claude (accumulating) and sseval_sse instance reused across streams
 * with reset, each in its own chunking, half of them through a per-thread
 * allocator; every stream must read exactly as on the main thread. The
 * stateless functions (names, version, classification, preview, UTF-8) run
 * concurrently too.
 *
 * Under the ASan build this checks results and memory; tests/threads_tsan.sh
 * builds this same file with ThreadSanitizer to look for data races.
 */
#include <pthread.h>
#include <stdint.h>

#include "fixture_list.h"
#include "sseval/sseval.h"
#include "test.h"

#ifndef THREADS
#define THREADS 8
#endif
#ifndef ROUNDS
#define ROUNDS 20
#endif

typedef struct reference {
  sseval_claude_result r;
  char detail[512];
  sink text;    /* every on_text / on_thinking / on_tool_input piece */
  sink message; /* write_message_json */
  uint64_t sse_events;
} reference;

static fixture_list fixtures;
static reference *refs;

/* ---- a per-thread allocator (counts, so it must never be shared) ----------- */
typedef struct counting {
  uint64_t calls;
  size_t live;
} counting;

static void *c_malloc(void *ctx, size_t n) {
  counting *k = (counting *)ctx;
  size_t *p = (size_t *)malloc(sizeof(max_align_t) + n);
  k->calls++;
  if (!p) return NULL;
  *p = n;
  k->live += n;
  return (char *)p + sizeof(max_align_t);
}
static void *c_realloc(void *ctx, void *ptr, size_t old_n, size_t n) {
  counting *k = (counting *)ctx;
  size_t *p = (size_t *)(void *)((char *)ptr - sizeof(max_align_t));
  k->calls++;
  p = (size_t *)realloc(p, sizeof(max_align_t) + n);
  if (!p) return NULL;
  k->live = k->live - old_n + n;
  *p = n;
  return (char *)p + sizeof(max_align_t);
}
static void c_free(void *ctx, void *ptr, size_t n) {
  counting *k = (counting *)ctx;
  k->live -= n;
  free((char *)ptr - sizeof(max_align_t));
}

/* ---- reading one stream -------------------------------------------------------- */
static int on_piece(void *user, uint32_t index, sseval_span piece) {
  (void)index;
  return sink_write(user, piece.ptr, piece.len) ? SSEVAL_CB_ABORT : SSEVAL_CB_OK;
}

static int on_sse_event(void *user, const sseval_sse_event *ev) {
  (void)ev;
  (*(uint64_t *)user)++;
  return SSEVAL_CB_OK;
}

static void claude_callbacks(sseval_claude_callbacks *cbs) {
  sseval_claude_callbacks_init(cbs);
  cbs->on_text = on_piece;
  cbs->on_thinking = on_piece;
  cbs->on_tool_input = on_piece;
}

/* Read f through c (already reset) in `chunk`-byte pieces (0 = whole). */
static sseval_status read_stream(sseval_claude *c, const fixture *f,
                                 size_t chunk, reference *out) {
  size_t off = 0;
  sseval_status st = SSEVAL_OK;
  while (off < f->len && st == SSEVAL_OK) {
    size_t n = chunk && f->len - off > chunk ? chunk : f->len - off;
    st = sseval_claude_feed(c, f->data + off, n, NULL);
    off += n;
  }
  if (st == SSEVAL_OK) st = sseval_claude_finish(c, &out->r);
  snprintf(out->detail, sizeof out->detail, "%s", out->r.detail);
  out->r.detail = out->detail;
  out->message.len = 0;
  if (st == SSEVAL_OK)
    st = sseval_claude_write_message_json(c, sink_write, &out->message);
  return st;
}

static uint64_t sse_count(sseval_sse *p, const fixture *f, size_t chunk) {
  uint64_t before;
  size_t off = 0;
  sseval_sse_stats s;
  while (off < f->len) {
    size_t n = chunk && f->len - off > chunk ? chunk : f->len - off;
    if (sseval_sse_feed(p, f->data + off, n, NULL) != SSEVAL_OK) return UINT64_MAX;
    off += n;
  }
  sseval_sse_finish(p, NULL);
  sseval_sse_get_stats(p, &s);
  before = s.events;
  return before;
}

static int same(const reference *a, const reference *b) {
  return a->r.verdict == b->r.verdict && a->r.rule == b->r.rule &&
         a->r.has_offset == b->r.has_offset && a->r.offset == b->r.offset &&
         a->r.line == b->r.line && a->r.events == b->r.events &&
         a->r.bytes == b->r.bytes && strcmp(a->detail, b->detail) == 0 &&
         a->text.len == b->text.len &&
         (a->text.len == 0 || memcmp(a->text.ptr, b->text.ptr, a->text.len) == 0) &&
         a->message.len == b->message.len &&
         (a->message.len == 0 ||
          memcmp(a->message.ptr, b->message.ptr, a->message.len) == 0);
}

/* ---- the threads ------------------------------------------------------------------ */
typedef struct worker {
  int id;
  unsigned long streams, mismatches, errors;
  size_t leaked;
} worker;

static const char *const rule_ids_seen_by_main[] = {"none", "out_of_memory"};

static void stateless_calls(int id, unsigned long *errors) {
  char out[64];
  size_t out_len = 0, bad_len = 0;
  int http = 0;
  sseval_span t;
  int r;
  for (r = 0; r < SSEVAL_RULE_COUNT_; r++)
    if (!sseval_rule_id((sseval_rule)r)[0] ||
        !sseval_rule_description((sseval_rule)r)[0])
      (*errors)++;
  if (strcmp(sseval_rule_id(SSEVAL_RULE_NONE), rule_ids_seen_by_main[0]) != 0 ||
      strcmp(sseval_rule_id(SSEVAL_RULE_OUT_OF_MEMORY), rule_ids_seen_by_main[1]) != 0)
    (*errors)++;
  if (strcmp(sseval_verdict_name(SSEVAL_VERDICT_TRUNCATED), "truncated") != 0 ||
      strcmp(sseval_status_name(SSEVAL_E_NOMEM), "E_NOMEM") != 0 ||
      sseval_version() != (uint32_t)SSEVAL_VERSION_HEX ||
      strcmp(sseval_version_string(), SSEVAL_VERSION_STRING) != 0)
    (*errors)++;
  t.ptr = "overloaded_error";
  t.len = 16;
  if (sseval_error_type_classify(t, &http) != 1 || http != 529) (*errors)++;
  if (sseval_partial_json_preview("{\"a\":[1,\"x", 10, out, sizeof out,
                                  &out_len) != SSEVAL_OK ||
      out_len != 13 || memcmp(out, "{\"a\":[1,\"x\"]}", 13) != 0)
    (*errors)++;
  if (sseval_utf8_next_invalid("ok\xC3(", 4, &bad_len) != 2 || bad_len != 1)
    (*errors)++;
  (void)id;
}

static void *worker_main(void *arg) {
  worker *w = (worker *)arg;
  counting k = {0, 0};
  sseval_allocator a;
  sseval_claude_options o;
  sseval_claude_callbacks cbs;
  sseval_sse_callbacks scbs;
  sseval_sse_options so;
  sseval_claude *c = NULL;
  sseval_sse *p = NULL;
  uint64_t sse_events = 0;
  reference got;
  size_t chunk = w->id == 0 ? 0 : (size_t)(w->id * 7 % 61 + 1);
  int round;
  size_t i;

  memset(&got, 0, sizeof got);
  a.malloc = c_malloc;
  a.realloc = c_realloc;
  a.free = c_free;
  a.ctx = &k;
  sseval_claude_options_init(&o);
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  sseval_sse_options_init(&so);
  if (w->id % 2) {
    o.allocator = &a;
    so.allocator = &a;
  }
  claude_callbacks(&cbs);
  sseval_sse_callbacks_init(&scbs);
  scbs.on_event = on_sse_event;
  if (sseval_claude_new(&c, &cbs, &got.text, &o) != SSEVAL_OK ||
      sseval_sse_new(&p, &scbs, &sse_events, &so) != SSEVAL_OK) {
    w->errors++;
    sseval_claude_free(c);
    sseval_sse_free(p);
    return NULL;
  }
  for (round = 0; round < ROUNDS; round++) {
    for (i = 0; i < fixtures.n; i++) {
      /* Start each thread at a different fixture. */
      size_t j = (i + (size_t)w->id * 5 + (size_t)round) % fixtures.n;
      sseval_claude_reset(c);
      sseval_sse_reset(p);
      got.text.len = 0;
      if (read_stream(c, &fixtures.v[j], chunk, &got) != SSEVAL_OK)
        w->errors++;
      else if (!same(&got, &refs[j]))
        w->mismatches++;
      if (sse_count(p, &fixtures.v[j], chunk ? chunk + 2 : 0) !=
          refs[j].sse_events)
        w->mismatches++;
      w->streams++;
    }
    stateless_calls(w->id, &w->errors);
  }
  sseval_claude_free(c);
  sseval_sse_free(p);
  sink_free(&got.text);
  sink_free(&got.message);
  w->leaked = k.live;
  return NULL;
}

TEST(parallel_instances) {
  pthread_t th[THREADS];
  worker w[THREADS];
  int i, started = 0;
  unsigned long streams = 0;
  for (i = 0; i < THREADS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].id = i;
    if (pthread_create(&th[i], NULL, worker_main, &w[i]) != 0) break;
    started++;
  }
  CHECK(started == THREADS);
  for (i = 0; i < started; i++) pthread_join(th[i], NULL);
  for (i = 0; i < started; i++) {
    if (w[i].mismatches || w[i].errors || w[i].leaked)
      fprintf(stderr, "thread %d: %lu streams, %lu mismatches, %lu errors, "
              "%zu bytes leaked\n", i, w[i].streams, w[i].mismatches,
              w[i].errors, w[i].leaked);
    CHECK(w[i].mismatches == 0);
    CHECK(w[i].errors == 0);
    CHECK(w[i].leaked == 0);
    CHECK(w[i].streams == (unsigned long)ROUNDS * fixtures.n);
    streams += w[i].streams;
  }
  printf("%d threads read %lu streams\n", started, streams);
}

int main(void) {
  size_t i;
  sseval_claude_callbacks cbs;
  sseval_claude_options o;
  sseval_sse_callbacks scbs;
  fixtures = fixture_list_load(SSEVAL_SOURCE_DIR);
  if (fixtures.n == 0) {
    fprintf(stderr, "no fixtures under %s/tests/fixtures/claude\n",
            SSEVAL_SOURCE_DIR);
    return 1;
  }
  refs = (reference *)calloc(fixtures.n, sizeof *refs);
  if (!refs) return 1;
  claude_callbacks(&cbs);
  sseval_claude_options_init(&o);
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  sseval_sse_callbacks_init(&scbs);
  scbs.on_event = on_sse_event;
  /* The reference: a fresh instance per stream, whole input, one thread. */
  for (i = 0; i < fixtures.n; i++) {
    sseval_claude *c = NULL;
    sseval_sse *p = NULL;
    uint64_t n = 0;
    if (sseval_claude_new(&c, &cbs, &refs[i].text, &o) != SSEVAL_OK ||
        read_stream(c, &fixtures.v[i], 0, &refs[i]) != SSEVAL_OK) {
      fprintf(stderr, "%s: reference read failed\n", fixture_name(&fixtures.v[i]));
      return 1;
    }
    sseval_claude_free(c);
    if (sseval_sse_new(&p, &scbs, &n, NULL) != SSEVAL_OK) return 1;
    refs[i].sse_events = sse_count(p, &fixtures.v[i], 0);
    sseval_sse_free(p);
  }
  RUN(parallel_instances);
  for (i = 0; i < fixtures.n; i++) {
    sink_free(&refs[i].text);
    sink_free(&refs[i].message);
  }
  free(refs);
  fixture_list_free(&fixtures);
  return test_summary();
}
