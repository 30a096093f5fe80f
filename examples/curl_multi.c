/* SPDX-License-Identifier: MIT */
/* examples/curl_multi.c - several Claude streams at once on one curl_multi
 * handle, each validated as it arrives, each retried on its own, all
 * behind one shared circuit breaker.
 *
 *   ANTHROPIC_API_KEY=... ./curl_multi [BASE_URL] [N]
 *
 * BASE_URL defaults to the public API, N (1..16) to 3. Prints one line per
 * stream when all are done: verdict, request id, attempts, then its text.
 * Exit status: 0 when every stream is complete, else the first failure's
 * `sseval stream` code. Link: -lsseval-curl -lsseval -lcurl */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sseval/curl.h>
#include <sseval/sseval.h>

enum { WAITING, RUNNING, DONE };

typedef struct job {
  CURL *easy;
  sseval_curl *s;
  int state;
  uint64_t due_ms; /* WAITING: when to start */
  uint32_t retries;
  char text[8192]; /* this attempt's answer */
  size_t text_len;
  sseval_curl_result r;
} job;

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int on_text(void *user, uint32_t index, sseval_span piece) {
  job *j = (job *)user;
  size_t n = piece.len;
  (void)index;
  if (n > sizeof j->text - j->text_len) n = sizeof j->text - j->text_len;
  memcpy(j->text + j->text_len, piece.ptr, n);
  j->text_len += n;
  return SSEVAL_CB_OK;
}

int main(int argc, char **argv) {
  const char *base = argc > 1 ? argv[1] : NULL; /* NULL: api.anthropic.com */
  int n = argc > 2 ? atoi(argv[2]) : 3, i, pending, rc = 0;
  const char *key = getenv("ANTHROPIC_API_KEY");
  static const char body[] =
      "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":256,\"stream\":true,"
      "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
  static job jobs[16];
  sseval_claude_callbacks cbs;
  sseval_curl_options opts;
  sseval_curl_request req;
  sseval_retry_policy policy;
  sseval_breaker breaker; /* shared: 5 failures in a row stop everyone 30 s */
  uint64_t rng = (uint64_t)time(NULL);
  CURLM *multi;

  if (!key) { fputs("set ANTHROPIC_API_KEY\n", stderr); return 1; }
  if (n < 1 || n > 16) { fputs("N must be 1..16\n", stderr); return 1; }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi = curl_multi_init();
  sseval_retry_policy_init(&policy);
  sseval_breaker_init(&breaker, 5, 30000);
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = on_text;
  sseval_curl_options_init(&opts);
  opts.idle_timeout_ms = 60000;
  memset(&req, 0, sizeof req);
  req.base_url = base;
  req.api_key = key;
  req.body = body;
  req.body_len = sizeof body - 1;
  for (i = 0; i < n; i++) {
    job *j = &jobs[i];
    j->easy = curl_easy_init();
    if (!j->easy || sseval_curl_new(&j->s, &cbs, j, &opts) != SSEVAL_OK ||
        sseval_curl_attach(j->s, j->easy) != SSEVAL_OK ||
        sseval_curl_set_request(j->s, &req) != SSEVAL_OK)
      return 1;
    curl_easy_setopt(j->easy, CURLOPT_PRIVATE, (void *)j);
    curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  }

  for (pending = n; pending > 0;) {
    uint64_t now = now_ms(), next = now + 1000;
    CURLMsg *msg;
    int running, left;
    for (i = 0; i < n; i++) { /* start what is due, if the breaker lets us */
      job *j = &jobs[i];
      if (j->state != WAITING) continue;
      if (j->due_ms <= now && sseval_breaker_allow(&breaker, now)) {
        sseval_curl_reset(j->s);
        j->text_len = 0;
        curl_multi_add_handle(multi, j->easy);
        j->state = RUNNING;
        continue;
      }
      if (j->due_ms <= now) /* refused: try again when it may open */
        j->due_ms = now + (sseval_breaker_wait_ms(&breaker, now) > 100
                               ? sseval_breaker_wait_ms(&breaker, now) : 100);
      if (j->due_ms < next) next = j->due_ms;
    }
    curl_multi_perform(multi, &running);
    while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
      CURL *e = msg->easy_handle;
      CURLcode result = msg->data.result;
      sseval_retry_decision d;
      char *priv = NULL;
      job *j;
      if (msg->msg != CURLMSG_DONE) continue;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
      j = (job *)(void *)priv;
      curl_multi_remove_handle(multi, e);
      sseval_curl_done(j->s, (int)result, &j->r);
      sseval_breaker_record(&breaker, &j->r.outcome, now_ms());
      sseval_retry_decide(&policy, &j->r.outcome, j->retries, &rng, &d);
      if (d.retry) {
        fprintf(stderr, "[stream %d] %s (%s): retrying in %llu ms\n", (int)(j - jobs),
                sseval_curl_end_name(j->r.end), d.why, (unsigned long long)d.delay_ms);
        j->retries++;
        j->due_ms = now_ms() + d.delay_ms;
        j->state = WAITING;
        if (j->due_ms < next) next = j->due_ms;
      } else {
        j->state = DONE;
        pending--;
      }
    }
    now = now_ms();
    if (pending)
      curl_multi_poll(multi, NULL, 0, next > now ? (int)(next - now) : 0, NULL);
  }

  for (i = 0; i < n; i++) {
    job *j = &jobs[i];
    const char *what = j->r.end == SSEVAL_CURL_END_STREAM
                           ? sseval_verdict_name(j->r.stream.verdict)
                           : sseval_curl_end_name(j->r.end);
    printf("[stream %d] %s, request-id %.*s, %u attempt(s): %.*s\n", i, what,
           (int)j->r.request_id.len, j->r.request_id.ptr, j->retries + 1,
           (int)j->text_len, j->text);
    if (j->r.exit_code && !rc) rc = j->r.exit_code;
    sseval_curl_free(j->s);
    curl_easy_cleanup(j->easy);
  }
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  return rc;
}
