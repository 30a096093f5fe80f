/* SPDX-License-Identifier: MIT */
/*
 * bench/serve_load.c - the load client of bench/serve_scale.sh: N concurrent
 * streaming requests on one curl_multi handle (the pattern of
 * examples/curl_multi.c), every stream validated by libsseval-curl as it
 * arrives. Measures the delay of each event behind its schedule, where the
 * server (`sseval serve --pace P`) sends event i of a stream P*i ms after
 * the response starts: delay = arrival - (headers arrival + P*i).
 *
 *   serve_load URL N PACE_MS [RAMP_PER_100MS]
 *
 * Prints one JSON object: streams, complete, failed, events, seconds, the
 * delay percentiles, the client's peak RSS and CPU seconds. Exit 0 when
 * every stream is complete, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <curl/curl.h>
#include <sseval/curl.h>
#include <sseval/sseval.h>

#define NBUCKETS 20001 /* delay histogram: 1 ms buckets up to 20 s */

typedef struct load load;

typedef struct conn {
  load *L;
  CURL *easy;
  sseval_curl *s;
  uint64_t t_headers; /* µs */
  uint64_t events;
  int started, done;
} conn;

struct load {
  uint64_t pace_us;
  uint64_t hist[NBUCKETS];
  uint64_t events;
  uint64_t max_delay_us;
};

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int on_headers(void *user, sseval_curl *s) {
  conn *c = (conn *)user;
  (void)s;
  c->t_headers = now_us();
  return 0;
}

static int on_sse_event(void *user, const sseval_sse_event *ev) {
  conn *c = (conn *)user;
  load *L = c->L;
  uint64_t now = now_us(), due = c->t_headers + L->pace_us * c->events, d, ms;
  (void)ev;
  d = now > due ? now - due : 0;
  ms = d / 1000u;
  L->hist[ms < NBUCKETS ? ms : NBUCKETS - 1]++;
  if (d > L->max_delay_us) L->max_delay_us = d;
  L->events++;
  c->events++;
  return SSEVAL_CB_OK;
}

static double pct(const load *L, double p) {
  uint64_t want = (uint64_t)((double)L->events * p), seen = 0;
  size_t i;
  for (i = 0; i < NBUCKETS; i++) {
    seen += L->hist[i];
    if (seen > want) return (double)i;
  }
  return (double)(NBUCKETS - 1);
}

static long rss_kb(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0) v = strtol(line + n, NULL, 10);
  fclose(f);
  return v;
}

int main(int argc, char **argv) {
  static const char body[] =
      "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
      "\"messages\":[{\"role\":\"user\",\"content\":\"Load.\"}]}";
  load *L;
  conn *cs;
  long n, ramp, added = 0, complete = 0, failed = 0, pending;
  sseval_claude_callbacks cbs;
  sseval_curl_options opts;
  sseval_claude_options copts;
  sseval_curl_request req;
  CURLM *multi;
  uint64_t t0, t_all = 0;
  long rss_base, rss_all = 0;
  int max_running = 0; /* the most connections open at one instant */
  struct rusage ru;

  if (argc < 4) {
    fputs("usage: serve_load URL N PACE_MS [RAMP_PER_100MS]\n", stderr);
    return 2;
  }
  n = atol(argv[2]);
  ramp = argc > 4 ? atol(argv[4]) : 500;
  if (n < 1 || n > 1000000 || ramp < 1) {
    fputs("serve_load: bad N or RAMP\n", stderr);
    return 2;
  }
  L = (load *)calloc(1, sizeof *L);
  cs = (conn *)calloc((size_t)n, sizeof *cs);
  if (!L || !cs) return 2;
  L->pace_us = (uint64_t)atol(argv[3]) * 1000u;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, n);
  sseval_claude_callbacks_init(&cbs);
  cbs.on_sse_event = on_sse_event;
  sseval_claude_options_init(&copts); /* validate only: no ACCUMULATE */
  sseval_curl_options_init(&opts);
  opts.claude = &copts;
  opts.idle_timeout_ms = 60000;
  opts.on_headers = on_headers;
  memset(&req, 0, sizeof req);
  req.base_url = argv[1];
  req.api_key = "sk-ant-sseval-load-dummy";
  req.body = body;
  req.body_len = sizeof body - 1;
  rss_base = rss_kb("VmRSS:");
  t0 = now_us();
  for (pending = n; pending > 0;) {
    CURLMsg *msg;
    int running, left;
    uint64_t now = now_us();
    /* ramp up: `ramp` new connections every 100 ms */
    while (added < n && (uint64_t)added < (uint64_t)ramp * ((now - t0) / 100000u + 1u)) {
      conn *c = &cs[added];
      c->L = L;
      c->easy = curl_easy_init();
      if (!c->easy || sseval_curl_new(&c->s, &cbs, c, &opts) != SSEVAL_OK ||
          sseval_curl_attach(c->s, c->easy) != SSEVAL_OK ||
          sseval_curl_set_request(c->s, &req) != SSEVAL_OK) {
        fputs("serve_load: setup failed\n", stderr);
        return 2;
      }
      curl_easy_setopt(c->easy, CURLOPT_PRIVATE, (void *)c);
      curl_easy_setopt(c->easy, CURLOPT_BUFFERSIZE, 4096L);
      curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT_MS, 60000L);
      curl_easy_setopt(c->easy, CURLOPT_FORBID_REUSE, 1L);
      curl_multi_add_handle(multi, c->easy);
      c->started = 1;
      added++;
    }
    curl_multi_perform(multi, &running);
    if (running > max_running) max_running = running;
    if (added == n && !t_all && running == n - complete - failed) {
      t_all = now_us();
    }
    if (added == n && running >= (int)(n * 99 / 100) && rss_all == 0 && pending == n)
      rss_all = rss_kb("VmRSS:");
    while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
      char *priv = NULL;
      conn *c;
      sseval_curl_result r;
      if (msg->msg != CURLMSG_DONE) continue;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
      c = (conn *)(void *)priv;
      curl_multi_remove_handle(multi, msg->easy_handle);
      sseval_curl_done(c->s, (int)msg->data.result, &r);
      if (r.end == SSEVAL_CURL_END_STREAM && r.stream.verdict == SSEVAL_VERDICT_COMPLETE) {
        complete++;
      } else {
        if (failed < 5)
          fprintf(stderr, "serve_load: stream %ld: %s %s (curl %d)\n", (long)(c - cs),
                  sseval_curl_end_name(r.end),
                  r.end == SSEVAL_CURL_END_STREAM ? sseval_verdict_name(r.stream.verdict)
                                                  : "",
                  (int)msg->data.result);
        failed++;
      }
      sseval_curl_free(c->s);
      curl_easy_cleanup(c->easy);
      c->done = 1;
      pending--;
    }
    if (pending) curl_multi_poll(multi, NULL, 0, added < n ? 10 : 100, NULL);
  }
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"streams\":%ld,\"complete\":%ld,\"failed\":%ld,\"events\":%llu,"
         "\"seconds\":%.2f,\"all_connected_after_s\":%.2f,\"max_open\":%d,\"pace_ms\":%llu,"
         "\"delay_ms\":{\"p50\":%.0f,\"p90\":%.0f,\"p99\":%.0f,\"p999\":%.0f,"
         "\"max\":%.1f},\"client_rss_base_kb\":%ld,\"client_rss_all_open_kb\":%ld,"
         "\"client_peak_rss_kb\":%ld,\"client_cpu_s\":%.2f}\n",
         n, complete, failed, (unsigned long long)L->events,
         (double)(now_us() - t0) / 1e6, t_all ? (double)(t_all - t0) / 1e6 : -1.0,
         max_running, (unsigned long long)(L->pace_us / 1000u), pct(L, 0.50), pct(L, 0.90),
         pct(L, 0.99), pct(L, 0.999), (double)L->max_delay_us / 1000.0, rss_base, rss_all,
         rss_kb("VmHWM:"),
         (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  free(cs);
  free(L);
  return complete == n ? 0 : 1;
}
