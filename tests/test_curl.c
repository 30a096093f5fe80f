/* SPDX-License-Identifier: MIT */
/*
 * tests/test_curl.c - libsseval-curl (sseval/curl.h) against the fault
 * server of tests/fault_server.py, started here on loopback: results of
 * every kind of ending, error bodies and retry hints, the idle timeout,
 * pausing from a validator callback (CURL_WRITEFUNC_PAUSE and the
 * consumed-prefix skip on redelivery) under curl_multi with several
 * concurrent streams and under curl_easy_perform, reuse of a handle,
 * stopping once nothing more can be learned, the request body rewrite, and
 * misuse (struct sizes as the core judges them). Exits 77 (skipped) when python3 or the server is not available.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sseval/curl.h"
#include "sseval/sseval.h"
#include "test.h"

static FILE *server;
static int port;

#define FIX_DIR SSEVAL_SOURCE_DIR "/tests/fixtures/claude/recorded/"
#define FIX_TEXT FIX_DIR "llm-anthropic/test_stream_events_text.interaction0.sse"
#define FIX_WEB FIX_DIR "llm-anthropic/test_web_search.interaction0.sse"

typedef struct blob {
  char *p;
  size_t len, cap;
} blob;

static void blob_add(blob *b, const char *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    b->p = (char *)realloc(b->p, cap);
    if (!b->p) abort();
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
}

static blob read_file(const char *path) {
  blob b = {NULL, 0, 0};
  char buf[4096];
  size_t n;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) blob_add(&b, buf, n);
  fclose(f);
  return b;
}

/* The text a validator extracts from a recording: the expected output. */
static int collect_text(void *user, uint32_t index, sseval_span piece) {
  (void)index;
  blob_add((blob *)user, piece.ptr, piece.len);
  return SSEVAL_CB_OK;
}

static blob text_of(const blob *rec) {
  blob t = {NULL, 0, 0};
  sseval_claude_callbacks cbs;
  sseval_claude *c;
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = collect_text;
  if (sseval_claude_new(&c, &cbs, &t, NULL) != SSEVAL_OK) abort();
  sseval_claude_feed(c, rec->p, rec->len, NULL);
  sseval_claude_finish(c, NULL);
  sseval_claude_free(c);
  return t;
}

/* ---- one transfer ---------------------------------------------------------------- */
typedef struct tctx {
  CURL *easy;
  sseval_curl *s;
  blob text, rec;
  int pause_every;    /* pause at every event */
  int pause_once;     /* pause at the first event, resume from on_progress */
  int abort_on_text;
  unsigned pauses;
  sseval_curl_result r;
  sseval_status done_status;
  int finished;
} tctx;

static int t_on_text(void *user, uint32_t index, sseval_span piece) {
  tctx *t = (tctx *)user;
  (void)index;
  blob_add(&t->text, piece.ptr, piece.len);
  return t->abort_on_text ? SSEVAL_CB_ABORT : SSEVAL_CB_OK;
}

static int t_on_event(void *user, const sseval_sse_event *ev) {
  tctx *t = (tctx *)user;
  (void)ev;
  if (t->pause_every || (t->pause_once && t->pauses == 0)) {
    t->pauses++;
    return SSEVAL_CB_PAUSE;
  }
  return SSEVAL_CB_OK;
}

static int t_on_body(void *user, const char *bytes, size_t len) {
  blob_add(&((tctx *)user)->rec, bytes, len);
  return 0;
}

static int t_on_progress(void *user, sseval_curl *s) {
  if (sseval_curl_paused(s)) sseval_curl_resume(s);
  (void)user;
  return 0;
}

static void url_for(char *buf, size_t cap, const char *tag, const char *steps) {
  snprintf(buf, cap, "http://127.0.0.1:%d/s/%s/%s", port, tag, steps);
}

static const char REQ[] = "{\"stream\":true,\"model\":\"m\",\"max_tokens\":1,"
                          "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

static tctx *make(const char *base, uint64_t idle_ms, size_t max_body) {
  tctx *t = (tctx *)calloc(1, sizeof *t);
  sseval_claude_callbacks cbs;
  sseval_curl_options o;
  sseval_curl_request req;
  if (!t) abort();
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = t_on_text;
  cbs.on_sse_event = t_on_event;
  sseval_curl_options_init(&o);
  o.on_body = t_on_body;
  o.on_progress = t_on_progress;
  o.idle_timeout_ms = idle_ms;
  if (max_body) o.max_body_bytes = max_body;
  t->easy = curl_easy_init();
  CHECK(t->easy != NULL);
  CHECK(sseval_curl_new(&t->s, &cbs, t, &o) == SSEVAL_OK);
  CHECK(sseval_curl_attach(t->s, t->easy) == SSEVAL_OK);
  memset(&req, 0, sizeof req);
  req.base_url = base;
  req.api_key = "sk-test-key";
  req.body = REQ;
  req.body_len = sizeof REQ - 1;
  CHECK(sseval_curl_set_request(t->s, &req) == SSEVAL_OK);
  curl_easy_setopt(t->easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  return t;
}

static void destroy(tctx *t) {
  sseval_curl_free(t->s);
  curl_easy_cleanup(t->easy);
  free(t->text.p);
  free(t->rec.p);
  free(t);
}

static void perform(tctx *t) {
  CURLcode cc = curl_easy_perform(t->easy);
  t->done_status = sseval_curl_done(t->s, (int)cc, &t->r);
}

static tctx *easy_run(const char *tag, const char *steps, uint64_t idle_ms) {
  char base[256];
  tctx *t;
  url_for(base, sizeof base, tag, steps);
  t = make(base, idle_ms, 0);
  perform(t);
  return t;
}

static int span_is(sseval_span s, const char *lit) {
  return s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0;
}

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- tests ------------------------------------------------------------------------ */
TEST(complete_stream) {
  blob fix = read_file(FIX_TEXT);
  tctx *t = easy_run("c1", "ok", 0);
  CHECK(t->done_status == SSEVAL_OK);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM);
  CHECK(t->r.curl_code == 0 && t->r.reason[0] == '\0' && !t->r.timed_out);
  CHECK(t->r.http_status == 200 && t->r.exit_code == 0);
  CHECK(t->r.stream.verdict == SSEVAL_VERDICT_COMPLETE);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_OK && t->r.outcome.http_status == 200);
  CHECK(span_is(t->r.request_id, "req_c1_0"));
  CHECK(span_is(sseval_curl_request_id(t->s), "req_c1_0"));
  CHECK(t->r.content_type.len > 17 && memcmp(t->r.content_type.ptr, "text/event-stream", 17) == 0);
  CHECK_STR(t->text.p, t->text.len, "Hello");
  CHECK_MEM(t->rec.p, t->rec.len, fix.p, fix.len);
  CHECK_EQ_U64(t->r.body_bytes, fix.len);
  CHECK(!t->r.has_error && t->r.body.len == 0);
  CHECK(sseval_curl_claude(t->s) != NULL && sseval_curl_easy(t->s) == t->easy);
  CHECK(sseval_claude_block_count(sseval_curl_claude(t->s)) == 1);
  destroy(t);
  free(fix.p);
}

TEST(http_errors_and_hints) {
  tctx *t = easy_run("h1", "529", 0);
  CHECK(t->r.end == SSEVAL_CURL_END_HTTP_ERROR && t->r.exit_code == 7);
  CHECK(t->r.http_status == 529 && t->r.has_error);
  CHECK(span_is(t->r.error.type, "overloaded_error"));
  CHECK(span_is(t->r.error.message, "Overloaded"));
  CHECK(t->r.error.http_status == 529 && t->r.error.retryable == 1);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_HTTP_ERROR && t->r.outcome.http_status == 529);
  CHECK(span_is(t->r.outcome.error_type, "overloaded_error"));
  CHECK(t->r.body.len > 0 && t->r.body.ptr[0] == '{');
  CHECK(t->rec.len == t->r.body.len); /* the tap sees error bodies too */
  CHECK(t->text.len == 0);
  destroy(t);

  t = easy_run("h2", "429", 0);
  CHECK(t->r.outcome.retry_after == 2000 && t->r.outcome.retry_after_ms == -1);
  CHECK(t->r.outcome.should_retry == -1 && t->r.error.retryable == 1);
  CHECK(span_is(t->r.error.type, "rate_limit_error"));
  destroy(t);
  t = easy_run("h3", "429ms", 0);
  CHECK(t->r.outcome.retry_after == 30000 && t->r.outcome.retry_after_ms == 300);
  destroy(t);
  t = easy_run("h4", "529nr", 0);
  CHECK(t->r.outcome.should_retry == 0 && t->r.error.retryable == 0);
  destroy(t);
  t = easy_run("h5", "401", 0);
  CHECK(t->r.http_status == 401 && t->r.error.retryable == 0);
  CHECK(span_is(t->r.error.type, "authentication_error"));
  CHECK(span_is(t->r.error.message, "invalid x-api-key"));
  destroy(t);
}

TEST(error_event_and_violation) {
  tctx *t = easy_run("e1", "errorevent", 0);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM && t->r.exit_code == 3);
  CHECK(t->r.stream.verdict == SSEVAL_VERDICT_ERROR_EVENT);
  CHECK(t->r.has_error && span_is(t->r.error.type, "overloaded_error"));
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_ERROR_EVENT);
  CHECK(span_is(t->r.outcome.error_type, "overloaded_error"));
  CHECK_STR(t->text.p, t->text.len, "Hello");
  destroy(t);
  t = easy_run("e2", "violation", 0);
  CHECK(t->r.exit_code == 4 && t->r.outcome.kind == SSEVAL_RETRY_INVALID);
  destroy(t);
  t = easy_run("e3", "reset", 0);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM && t->r.exit_code == 2);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_TRUNCATED && t->r.curl_code != 0);
  destroy(t);
}

TEST(not_event_stream) {
  blob fix = read_file(FIX_TEXT);
  char base[256];
  tctx *t;
  url_for(base, sizeof base, "n1", "wrongtype");
  t = make(base, 0, 100);
  perform(t);
  CHECK(t->r.end == SSEVAL_CURL_END_NOT_SSE && t->r.exit_code == 7);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_INVALID && t->r.http_status == 200);
  CHECK(t->r.body.len == 100 && memcmp(t->r.body.ptr, fix.p, 100) == 0);
  CHECK_EQ_U64(t->r.body_bytes, fix.len);
  CHECK_MEM(t->rec.p, t->rec.len, fix.p, fix.len);
  CHECK(t->text.len == 0 && !t->r.has_error);
  destroy(t);
  free(fix.p);
}

TEST(idle_timeout) {
  uint64_t t0 = mono_ms();
  tctx *t = easy_run("i1", "stall", 300);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM && t->r.timed_out);
  CHECK(strstr(t->r.reason, "idle") != NULL);
  CHECK(t->r.stream.verdict == SSEVAL_VERDICT_TRUNCATED);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_TRUNCATED);
  CHECK(mono_ms() - t0 < 3500);
  destroy(t);
  t0 = mono_ms();
  t = easy_run("i2", "stallhead", 300);
  CHECK(t->r.end == SSEVAL_CURL_END_NO_RESPONSE && t->r.exit_code == 8);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_TIMEOUT && t->r.timed_out);
  CHECK(t->r.http_status == 0 && t->r.request_id.len == 0);
  CHECK(mono_ms() - t0 < 3500);
  destroy(t);
}

TEST(connection_refused) {
  /* port 1 on loopback: nothing listens there */
  tctx *t = make("http://127.0.0.1:1", 0, 0);
  perform(t);
  CHECK(t->r.end == SSEVAL_CURL_END_NO_RESPONSE && t->r.exit_code == 8);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_CONNECT_ERROR);
  CHECK(t->r.curl_code == CURLE_COULDNT_CONNECT && t->r.reason[0]);
  destroy(t);
}

TEST(abort_from_callback) {
  char base[256];
  tctx *t;
  url_for(base, sizeof base, "a1", "ok");
  t = make(base, 0, 0);
  t->abort_on_text = 1;
  perform(t);
  CHECK(t->done_status == SSEVAL_E_CALLBACK);
  CHECK(t->r.curl_code == CURLE_WRITE_ERROR);
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_INVALID);
  destroy(t);
}

TEST(reuse_after_reset) {
  char base[256];
  tctx *t;
  url_for(base, sizeof base, "r1", "500,ok");
  t = make(base, 0, 0);
  perform(t);
  CHECK(t->r.end == SSEVAL_CURL_END_HTTP_ERROR && t->r.http_status == 500);
  CHECK(span_is(t->r.error.type, "api_error"));
  t->text.len = t->rec.len = 0;
  sseval_curl_reset(t->s);
  perform(t);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM && t->r.exit_code == 0);
  CHECK(span_is(t->r.request_id, "req_r1_1") && !t->r.has_error);
  CHECK_STR(t->text.p, t->text.len, "Hello");
  destroy(t);
}

TEST(pause_under_easy_perform) {
  blob fix = read_file(FIX_TEXT);
  char base[256];
  tctx *t;
  url_for(base, sizeof base, "p1", "bulk");
  t = make(base, 2000, 0);
  t->pause_once = 1; /* resumed from on_progress */
  perform(t);
  CHECK(t->pauses == 1);
  CHECK(t->r.exit_code == 0 && t->r.stream.verdict == SSEVAL_VERDICT_COMPLETE);
  CHECK(!t->r.timed_out); /* paused time does not count as idle */
  CHECK_STR(t->text.p, t->text.len, "Hello");
  CHECK_MEM(t->rec.p, t->rec.len, fix.p, fix.len);
  destroy(t);
  free(fix.p);
}

/* Several concurrent streams on one multi handle, each paused at every
 * event and resumed from the loop: one chunk with every event (pauses
 * mid-chunk), one chunk per event, and one byte per chunk. */
TEST(multi_pause_every_event) {
  static const char *const steps[] = {"bulk@web", "ok@web", "drip", "ok", "529"};
  enum { N = sizeof steps / sizeof steps[0] };
  blob web = read_file(FIX_WEB), text = read_file(FIX_TEXT);
  blob web_text = text_of(&web);
  tctx *t[N];
  CURLM *m = curl_multi_init();
  int running = 1, i, done = 0;
  uint64_t t0 = mono_ms();
  CHECK(m != NULL);
  for (i = 0; i < N; i++) {
    char base[256];
    url_for(base, sizeof base, "m1", steps[i]);
    /* one tag per stream: the steps differ, so the counters do too */
    t[i] = make(base, 5000, 0);
    t[i]->pause_every = 1;
    curl_easy_setopt(t[i]->easy, CURLOPT_PRIVATE, (void *)t[i]);
    curl_multi_add_handle(m, t[i]->easy);
  }
  while ((running || done < N) && mono_ms() - t0 < 30000) {
    CURLMsg *msg;
    int left;
    curl_multi_perform(m, &running);
    for (i = 0; i < N; i++)
      if (!t[i]->finished && sseval_curl_paused(t[i]->s))
        CHECK(sseval_curl_resume(t[i]->s) == SSEVAL_OK);
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
      char *priv = NULL;
      tctx *x;
      CURLcode cc = msg->data.result;
      if (msg->msg != CURLMSG_DONE) continue;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
      x = (tctx *)(void *)priv;
      curl_multi_remove_handle(m, x->easy);
      x->done_status = sseval_curl_done(x->s, (int)cc, &x->r);
      x->finished = 1;
      done++;
    }
    if (done < N) curl_multi_poll(m, NULL, 0, 10, NULL);
  }
  CHECK(done == N);
  for (i = 0; i < 2; i++) { /* the web search recording, twice */
    CHECK(t[i]->r.exit_code == 0);
    CHECK(t[i]->pauses > 10 && t[i]->pauses == t[i]->r.stream.events);
    CHECK_MEM(t[i]->text.p, t[i]->text.len, web_text.p, web_text.len);
    CHECK_MEM(t[i]->rec.p, t[i]->rec.len, web.p, web.len);
    CHECK_EQ_U64(t[i]->r.body_bytes, web.len);
  }
  for (i = 2; i < 4; i++) { /* drip and ok: the text recording */
    CHECK(t[i]->r.exit_code == 0);
    CHECK(t[i]->pauses == t[i]->r.stream.events);
    CHECK_STR(t[i]->text.p, t[i]->text.len, "Hello");
    CHECK_MEM(t[i]->rec.p, t[i]->rec.len, text.p, text.len);
  }
  CHECK(t[4]->r.exit_code == 7 && t[4]->pauses == 0);
  for (i = 0; i < N; i++) destroy(t[i]);
  curl_multi_cleanup(m);
  free(web.p);
  free(text.p);
  free(web_text.p);
}

TEST(misuse) {
  sseval_curl *s = NULL;
  sseval_curl_options o;
  sseval_curl_request req;
  sseval_curl_result r;
  CHECK(sseval_curl_new(NULL, NULL, NULL, NULL) == SSEVAL_E_MISUSE);
  sseval_curl_options_init(&o);
  /* struct sizes, as the core library judges them (SSEVAL_E_STRUCT_SIZE) */
  o.struct_size = 1;
  CHECK(sseval_curl_new(&s, NULL, NULL, &o) == SSEVAL_E_STRUCT_SIZE && s == NULL);
  o.struct_size = 0; /* filled without sseval_curl_options_init */
  CHECK(sseval_curl_new(&s, NULL, NULL, &o) == SSEVAL_E_STRUCT_SIZE && s == NULL);
  /* the 0.1.0 layout ended at on_progress: still accepted */
  o.struct_size = offsetof(sseval_curl_options, on_progress) + sizeof o.on_progress;
  CHECK(sseval_curl_new(&s, NULL, NULL, &o) == SSEVAL_OK && s != NULL);
  sseval_curl_free(s);
  s = NULL;
  o.struct_size = sizeof o - 1;
  CHECK(sseval_curl_new(&s, NULL, NULL, &o) == SSEVAL_OK && s != NULL);
  sseval_curl_free(s);
  s = NULL;
  sseval_curl_options_init(&o);
  {
    sseval_claude_callbacks cbs;
    sseval_claude_options co;
    sseval_claude_callbacks_init(&cbs);
    cbs.struct_size = sizeof(size_t) + sizeof(void (*)(void)); /* one field */
    CHECK(sseval_curl_new(&s, &cbs, NULL, &o) == SSEVAL_E_STRUCT_SIZE && s == NULL);
    cbs.struct_size = 0;
    CHECK(sseval_curl_new(&s, &cbs, NULL, &o) == SSEVAL_E_STRUCT_SIZE && s == NULL);
    sseval_claude_callbacks_init(&cbs);
    CHECK(sseval_curl_new(&s, &cbs, NULL, &o) == SSEVAL_OK && s != NULL);
    sseval_curl_free(s);
    s = NULL;
    sseval_claude_options_init(&co);
    co.struct_size = 0; /* the validator's options are judged by the core */
    o.claude = &co;
    CHECK(sseval_curl_new(&s, NULL, NULL, &o) == SSEVAL_E_STRUCT_SIZE && s == NULL);
    sseval_claude_options_init(&co);
    CHECK(sseval_curl_new(&s, NULL, NULL, &o) == SSEVAL_OK && s != NULL);
    sseval_curl_free(s);
    s = NULL;
    o.claude = NULL;
  }
  CHECK(sseval_curl_new(&s, NULL, NULL, NULL) == SSEVAL_OK && s != NULL);
  CHECK(sseval_curl_attach(s, NULL) == SSEVAL_E_MISUSE);
  memset(&req, 0, sizeof req);
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE); /* not attached */
  CHECK(sseval_curl_resume(s) == SSEVAL_E_MISUSE);
  CHECK(!sseval_curl_paused(s) && sseval_curl_http_status(s) == 0);
  CHECK(sseval_curl_done(NULL, 0, &r) == SSEVAL_E_MISUSE);
  CHECK(sseval_curl_done(s, CURLE_COULDNT_CONNECT, &r) == SSEVAL_OK);
  CHECK(r.end == SSEVAL_CURL_END_NO_RESPONSE && r.exit_code == 8);
  CHECK(strcmp(sseval_curl_end_name(SSEVAL_CURL_END_NOT_SSE), "not_event_stream") == 0);
  CHECK(strcmp(sseval_curl_end_name((sseval_curl_end)42), "unknown") == 0);
  sseval_curl_free(s);
  sseval_curl_free(NULL);
}

/* The request helper refuses what would leave http(s) or split a header,
 * and sets "stream": true keeping every other member byte for byte. */
TEST(request_values) {
  static const char body[] = "{ \"model\" : \"m\", \"stream\":false,\"n\":[1,{\"stream\":0}]}";
  sseval_curl *s = NULL;
  sseval_curl_request req;
  CURL *easy = curl_easy_init();
  CHECK(easy != NULL);
  CHECK(sseval_curl_new(&s, NULL, NULL, NULL) == SSEVAL_OK);
  CHECK(sseval_curl_attach(s, easy) == SSEVAL_OK);
  memset(&req, 0, sizeof req);
  req.body = body;
  req.body_len = sizeof body - 1;
  req.base_url = "http://127.0.0.1:1";
  req.api_key = "k";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_OK);
  req.api_key = "k\r\nX-Injected: 1";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE);
  req.api_key = "k\x7f";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE);
  req.api_key = "k";
  req.user_agent = "ua\nX: 1";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE);
  req.user_agent = NULL;
  req.base_url = "file:///etc/hostname#";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE);
  req.base_url = "gopher://127.0.0.1/";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE);
  req.base_url = "HTTPS://example.invalid/x\r\n";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_MISUSE);
  req.base_url = "HTTPS://example.invalid/x";
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_OK);
  req.set_stream = 1;
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_OK);
  req.body = "[1]";
  req.body_len = 3;
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_INVALID);
  req.body = "{\"a\":1} x";
  req.body_len = 9;
  CHECK(sseval_curl_set_request(s, &req) == SSEVAL_E_INVALID);
  sseval_curl_free(s);
  curl_easy_cleanup(easy);
}

/* The binding stops reading where `sseval check` stops
 * (sseval_claude_wants_more): at once after an error event, and after a
 * violation once a later error event is found, even though the server keeps
 * the connection open (STALL_MAX, 4 s). */
TEST(stops_when_nothing_more_can_be_learned) {
  uint64_t t0 = mono_ms();
  tctx *t = easy_run("f1", "errorstall", 0);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM && t->r.exit_code == 3);
  CHECK(t->r.stream.verdict == SSEVAL_VERDICT_ERROR_EVENT);
  CHECK(t->r.has_error && span_is(t->r.error.type, "overloaded_error"));
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_ERROR_EVENT);
  CHECK(strstr(t->r.reason, "verdict was final") != NULL);
  CHECK(mono_ms() - t0 < 2500);
  destroy(t);
  t0 = mono_ms();
  t = easy_run("f2", "violerror", 0);
  CHECK(t->r.end == SSEVAL_CURL_END_STREAM && t->r.exit_code == 4);
  CHECK(t->r.stream.verdict == SSEVAL_VERDICT_PROTOCOL_VIOLATION);
  CHECK(t->r.has_error && span_is(t->r.error.type, "api_error"));
  CHECK(span_is(t->r.error.message, "relayed"));
  CHECK(t->r.outcome.kind == SSEVAL_RETRY_INVALID);
  CHECK(strstr(t->r.reason, "verdict was final") != NULL);
  CHECK(mono_ms() - t0 < 2500);
  destroy(t);
}

/* set_stream: the body the server receives (the echo step sends it back as
 * a text/plain body), checked byte for byte against hand-written rewrites:
 * "stream": true first, every "stream" member of the top object dropped
 * (also one spelled with an escape), every other member as written. */
static void check_rewrite(const char *in, const char *want) {
  char base[256];
  tctx *t;
  sseval_curl_request req;
  url_for(base, sizeof base, "rw", "echo");
  t = make(base, 0, 0);
  memset(&req, 0, sizeof req);
  req.base_url = base;
  req.api_key = "k";
  req.body = in;
  req.body_len = strlen(in);
  req.set_stream = 1;
  if (want) {
    CHECK(sseval_curl_set_request(t->s, &req) == SSEVAL_OK);
    perform(t);
    CHECK(t->r.end == SSEVAL_CURL_END_NOT_SSE);
    CHECK_STR(t->r.body.ptr, t->r.body.len, want);
  } else {
    CHECK(sseval_curl_set_request(t->s, &req) == SSEVAL_E_INVALID);
  }
  destroy(t);
}

TEST(request_body_rewrite) {
  char *deep;
  size_t i;
  check_rewrite("{ \"model\" : \"m\", \"stream\":false,\"n\":[1,{\"stream\":0}]}",
                "{\"stream\":true,\"model\" : \"m\",\"n\":[1,{\"stream\":0}]}");
  check_rewrite("{\"str\\u0065am\":false,\"a\":1}", "{\"stream\":true,\"a\":1}");
  check_rewrite("{\"streams\":1,\"strea\":2,\"stream\":3,\"stream\":4}",
                "{\"stream\":true,\"streams\":1,\"strea\":2}");
  check_rewrite(" {} ", "{\"stream\":true}");
  check_rewrite("{\"a\":[{\"b\":{\"c\":[true,false,null,-1.5e+3,0,\"\\u00e9\\ud83d\\ude00\\\"\"]}},[]],\"s\":\"\xc3\xa9\"}",
                "{\"stream\":true,\"a\":[{\"b\":{\"c\":[true,false,null,-1.5e+3,0,\"\\u00e9\\ud83d\\ude00\\\"\"]}},[]],\"s\":\"\xc3\xa9\"}");
  /* not one valid JSON object */
  check_rewrite("", NULL);
  check_rewrite("[1]", NULL);
  check_rewrite("{\"a\":1} x", NULL);
  check_rewrite("{\"a\":01}", NULL);
  check_rewrite("{\"a\":[1,]}", NULL);
  check_rewrite("{\"a\":1,}", NULL);
  check_rewrite("{\"a\" 1}", NULL);
  check_rewrite("{\"a\":tru}", NULL);
  check_rewrite("{\"a\":1.}", NULL);
  check_rewrite("{\"a\":-}", NULL);
  check_rewrite("{\"a\":\"\\ud800\"}", NULL);
  check_rewrite("{\"a\":\"\\udc00\\ud800\"}", NULL);
  check_rewrite("{\"a\":\"\\x\"}", NULL);
  check_rewrite("{\"a\":\"x\x01\"}", NULL);
  check_rewrite("{\"a\":\"\xff\"}", NULL);
  check_rewrite("{\"a\":\"\xc0\xaf\"}", NULL);
  check_rewrite("{\"a\":{\"b\"}}", NULL);
  check_rewrite("{\"a\":\"open}", NULL);
  /* nesting past 512 is refused (no recursion, no overflow) */
  deep = (char *)malloc(20000);
  if (!deep) abort();
  strcpy(deep, "{\"a\":");
  for (i = 0; i < 9000; i++) deep[5 + i] = '[';
  for (i = 0; i < 9000; i++) deep[9005 + i] = ']';
  strcpy(deep + 18005, "}");
  check_rewrite(deep, NULL);
  free(deep);
}

static int start_server(void) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "python3 '%s/tests/fault_server.py' --serve --lifetime 120 2>/dev/null",
           SSEVAL_SOURCE_DIR);
  server = popen(cmd, "r");
  if (!server) return 0;
  if (fscanf(server, "%d", &port) != 1 || port <= 0) {
    pclose(server);
    server = NULL;
    return 0;
  }
  return 1;
}

static void stop_server(void) {
  char url[128];
  CURL *e = curl_easy_init();
  snprintf(url, sizeof url, "http://127.0.0.1:%d/_quit", port);
  if (e) {
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, NULL);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 5L);
    {
      FILE *devnull = fopen("/dev/null", "wb");
      if (devnull) curl_easy_setopt(e, CURLOPT_WRITEDATA, devnull);
      curl_easy_perform(e);
      if (devnull) fclose(devnull);
    }
    curl_easy_cleanup(e);
  }
  pclose(server);
}

int main(void) {
  int rc;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!start_server()) {
    printf("skipped: could not start tests/fault_server.py (python3?)\n");
    curl_global_cleanup();
    return 77;
  }
  RUN(complete_stream);
  RUN(http_errors_and_hints);
  RUN(error_event_and_violation);
  RUN(not_event_stream);
  RUN(idle_timeout);
  RUN(connection_refused);
  RUN(abort_from_callback);
  RUN(reuse_after_reset);
  RUN(pause_under_easy_perform);
  RUN(multi_pause_every_event);
  RUN(misuse);
  RUN(request_values);
  RUN(stops_when_nothing_more_can_be_learned);
  RUN(request_body_rewrite);
  rc = test_summary();
  stop_server();
  curl_global_cleanup();
  return rc;
}
