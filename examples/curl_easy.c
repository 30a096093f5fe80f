/* SPDX-License-Identifier: MIT */
/* examples/curl_easy.c - stream one Claude answer with a libcurl easy handle,
 * validate it as it arrives, and retry what can succeed.
 *
 *   ANTHROPIC_API_KEY=... ./curl_easy [BASE_URL] ["prompt"]
 *
 * BASE_URL defaults to the public API. Prints the text as it arrives, then
 * the verdict and the request id. Exit status: as `sseval stream` (0 = a
 * complete, valid stream). Link: -lsseval-curl -lsseval -lcurl */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sseval/curl.h>
#include <sseval/sseval.h>

static int on_text(void *user, uint32_t index, sseval_span piece) {
  (void)user; (void)index;
  fwrite(piece.ptr, 1, piece.len, stdout);
  fflush(stdout);
  return SSEVAL_CB_OK;
}

int main(int argc, char **argv) {
  const char *base = argc > 1 ? argv[1] : NULL; /* NULL: api.anthropic.com */
  const char *prompt = argc > 2 ? argv[2] : "Say hello."; /* no quotes in it */
  const char *key = getenv("ANTHROPIC_API_KEY");
  char body[1024];
  sseval_claude_callbacks cbs;
  sseval_curl_options opts;
  sseval_curl_request req;
  sseval_retry_policy policy;
  sseval_curl_result r;
  sseval_curl *s;
  uint64_t rng = (uint64_t)time(NULL);
  uint32_t retries;
  CURL *easy;

  if (!key) { fputs("set ANTHROPIC_API_KEY\n", stderr); return 1; }
  snprintf(body, sizeof body,
           "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":512,\"stream\":true,"
           "\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}", prompt);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  easy = curl_easy_init();
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = on_text;
  sseval_curl_options_init(&opts);
  opts.idle_timeout_ms = 60000; /* a stream silent for a minute is cut */
  if (!easy || sseval_curl_new(&s, &cbs, NULL, &opts) != SSEVAL_OK) return 1;
  memset(&req, 0, sizeof req);
  req.base_url = base;
  req.api_key = key;
  req.body = body;
  req.body_len = strlen(body);
  if (sseval_curl_attach(s, easy) != SSEVAL_OK ||
      sseval_curl_set_request(s, &req) != SSEVAL_OK) return 1;
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);

  sseval_retry_policy_init(&policy); /* 2 retries, SDK rules, full jitter */
  for (retries = 0;; retries++) {
    sseval_retry_decision d;
    struct timespec ts;
    sseval_curl_reset(s);
    sseval_curl_done(s, (int)curl_easy_perform(easy), &r);
    sseval_retry_decide(&policy, &r.outcome, retries, &rng, &d);
    if (!d.retry) break;
    fprintf(stderr, "\n[%s, %s: retrying in %llu ms]\n",
            sseval_curl_end_name(r.end), d.why, (unsigned long long)d.delay_ms);
    ts.tv_sec = (time_t)(d.delay_ms / 1000);
    ts.tv_nsec = (long)(d.delay_ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
  }

  if (r.end == SSEVAL_CURL_END_STREAM)
    printf("\n[%s%s%s]", sseval_verdict_name(r.stream.verdict),
           r.stream.detail[0] ? ": " : "", r.stream.detail);
  else if (r.has_error) /* the JSON error body of a non-2xx response */
    printf("\n[%s %ld %.*s: %.*s]", sseval_curl_end_name(r.end), r.http_status,
           (int)r.error.type.len, r.error.type.ptr, (int)r.error.message.len,
           r.error.message.ptr);
  else
    printf("\n[%s %ld %s]", sseval_curl_end_name(r.end), r.http_status, r.reason);
  printf(" request-id %.*s\n", (int)r.request_id.len, r.request_id.ptr);
  sseval_curl_free(s);
  curl_easy_cleanup(easy);
  curl_global_cleanup();
  return r.exit_code;
}
