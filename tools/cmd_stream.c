/* SPDX-License-Identifier: MIT */
/*
 * tools/cmd_stream.c - `sseval stream`: a live Messages API client over
 * libcurl (libsseval-curl). Sends one streaming request, prints the answer
 * as it arrives, validates the stream, retries what can succeed (the
 * policy of <sseval/retry.h>), and ends with the report of `sseval check`.
 * Contract: docs/CLI.md; docs/TRANSPORT.md.
 *
 * Hidden options for tests (not in --help; documented in docs/TRANSPORT.md):
 *   --retry-scale F   multiply every wait between attempts by F (>= 0); the
 *                     log still shows the delay the policy chose
 *   --retry-seed N    seed of the jitter (default: time and pid)
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli.h"
#include "json.h"
#include "sseval/curl.h"

static void stream_usage(FILE *out) {
  fputs(
      "usage: sseval stream [OPTIONS]\n"
      "Send one Messages API request with streaming on, print the answer as it\n"
      "arrives, validate the stream, retry what can succeed, and end with the\n"
      "report of `sseval check`. The API key comes from ANTHROPIC_API_KEY.\n\n"
      "  --request FILE          the request body (JSON); - or absent: stdin.\n"
      "                          \"stream\": true is set whatever it says\n"
      "  --base-url URL          default https://api.anthropic.com; the request\n"
      "                          goes to URL/v1/messages\n"
      "  --max-retries N         retries after the first attempt (default 2)\n"
      "  --timeout S             connect timeout and idle timeout: no byte for S\n"
      "                          seconds cuts the stream (default 600)\n"
      "  --on-truncate retry|keep  a cut stream or a retryable error event:\n"
      "                          start again (default) or stop with the partial\n"
      "                          result\n"
      "  --record FILE           save the raw body bytes of the last attempt\n"
      "                          (replay with `sseval check FILE`)\n"
      "  --json                  print the JSON report (the answer's text then\n"
      "                          goes to stderr)\n"
      "  --show-thinking         print thinking to stderr as it arrives\n\n"
      "Exit: 0 complete, 1 usage or configuration error, 2 truncated,\n"
      "3 error_event, 4 protocol_violation, 5 invalid_json, 6 limit_exceeded,\n"
      "7 the last attempt got an HTTP error or a response that is not an event\n"
      "stream, 8 it got no response (connection failure or timeout).\n",
      out);
}

/* ---- the request body: "stream": true ------------------------------------------ */
typedef struct dbuf {
  char *p;
  size_t len, cap;
  int oom;
} dbuf;

static void db_add(dbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *np;
    while (cap < b->len + n + 1) cap *= 2;
    np = (char *)realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void db_str(dbuf *b, const char *s) { db_add(b, s, strlen(s)); }

/* Read all of `path` ("-" or NULL: stdin). Returns 0, or -1 (printed). */
static int read_all(const char *path, dbuf *out) {
  FILE *f = stdin;
  char buf[8192];
  size_t n;
  if (path && strcmp(path, "-") != 0) {
    f = fopen(path, "rb");
    if (!f) {
      fprintf(stderr, "sseval stream: cannot open %s: %s\n", path, strerror(errno));
      return -1;
    }
  }
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) db_add(out, buf, n);
  if (ferror(f)) {
    fprintf(stderr, "sseval stream: read error on %s\n", path ? path : "stdin");
    if (f != stdin) fclose(f);
    return -1;
  }
  if (f != stdin) fclose(f);
  if (out->oom) {
    fprintf(stderr, "sseval stream: out of memory\n");
    return -1;
  }
  return 0;
}

/* The same object with "stream": true first and any "stream" member
 * dropped; every other member kept byte for byte. Returns 0 or -1. */
static int set_stream_true(const dbuf *in, dbuf *out) {
  sseval__jcur cur;
  sseval__jstr key, raw;
  int r;
  sseval__jcur_init(&cur, in->p ? in->p : "", in->len, 512);
  if (!sseval__j_obj_begin(&cur)) return -1;
  db_str(out, "{\"stream\":true");
  while ((r = sseval__j_obj_next(&cur, &key)) == 1) {
    if (!sseval__j_skip(&cur, &raw)) return -1;
    if (sseval__jstr_eq(&key, "stream", 6)) continue;
    db_str(out, ",\"");
    db_add(out, key.ptr, key.len);
    db_str(out, "\":");
    db_add(out, raw.ptr, raw.len);
  }
  if (r < 0 || !sseval__j_end(&cur)) return -1;
  db_str(out, "}");
  return out->oom ? -1 : 0;
}

/* ---- live output -------------------------------------------------------------------- */
typedef struct stream_ctx {
  FILE *text_out;     /* stdout, or stderr with --json */
  int show_thinking;
  int printed;        /* text printed during this attempt */
  char last_text;     /* last text byte printed (0: none) */
  int thinking_printed;
  char last_thinking;
  uint32_t thinking_index;
  FILE *record;
  int record_failed;
} stream_ctx;

static int on_text(void *user, uint32_t index, sseval_span piece) {
  stream_ctx *k = (stream_ctx *)user;
  (void)index;
  if (piece.len == 0) return SSEVAL_CB_OK;
  fwrite(piece.ptr, 1, piece.len, k->text_out);
  k->printed = 1;
  k->last_text = piece.ptr[piece.len - 1];
  return SSEVAL_CB_OK;
}

static int on_thinking(void *user, uint32_t index, sseval_span piece) {
  stream_ctx *k = (stream_ctx *)user;
  if (!k->show_thinking || piece.len == 0) return SSEVAL_CB_OK;
  fwrite(piece.ptr, 1, piece.len, stderr);
  k->thinking_printed = 1;
  k->thinking_index = index;
  k->last_thinking = piece.ptr[piece.len - 1];
  return SSEVAL_CB_OK;
}

static int on_block_stop(void *user, uint32_t index) {
  stream_ctx *k = (stream_ctx *)user;
  if (k->thinking_printed && k->thinking_index == index) {
    if (k->last_thinking != '\n') fputc('\n', stderr);
    k->thinking_printed = 0;
  }
  return SSEVAL_CB_OK;
}

static int on_body(void *user, const char *bytes, size_t len) {
  stream_ctx *k = (stream_ctx *)user;
  if (k->record && !k->record_failed && fwrite(bytes, 1, len, k->record) != len)
    k->record_failed = 1;
  fflush(k->text_out); /* show each chunk's text as it arrives */
  return 0;
}

/* ---- time ------------------------------------------------------------------------------ */
static void sleep_ms(uint64_t ms) {
  struct timespec ts;
  ts.tv_sec = (time_t)(ms / 1000u);
  ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* ---- the report ----------------------------------------------------------------------- */
static void json_span(FILE *out, sseval_span s) { cli_json_string(out, s.ptr, s.len); }

static void json_cstr(FILE *out, const char *s) { cli_json_string(out, s, strlen(s)); }

static void json_error(FILE *out, const sseval_curl_result *r) {
  if (!r->has_error && !(r->end == SSEVAL_CURL_END_HTTP_ERROR && r->body.len)) {
    fputs("null", out);
    return;
  }
  fputs("{\"type\":", out);
  if (r->has_error && r->error.type.len)
    json_span(out, r->error.type);
  else
    fputs("null", out);
  fputs(",\"message\":", out);
  json_span(out, r->has_error ? r->error.message : r->body);
  fprintf(out, ",\"retryable\":%s}", r->error.retryable ? "true" : "false");
}

/* The extra keys of `stream` (after check's). */
static void json_transport(FILE *out, const sseval_curl_result *r, unsigned attempts) {
  fputs(",\"end\":", out);
  json_cstr(out, sseval_curl_end_name(r->end));
  fprintf(out, ",\"http_status\":");
  if (r->http_status)
    fprintf(out, "%ld", r->http_status);
  else
    fputs("null", out);
  fputs(",\"request_id\":", out);
  if (r->request_id.len)
    json_span(out, r->request_id);
  else
    fputs("null", out);
  fprintf(out, ",\"attempts\":%u}\n", attempts);
}

static void detail_for(const sseval_curl_result *r, char *buf, size_t cap) {
  switch (r->end) {
  case SSEVAL_CURL_END_HTTP_ERROR:
    snprintf(buf, cap, "The server answered HTTP %ld%s%.*s%s; %s.", r->http_status,
             r->has_error && r->error.type.len ? " (" : "",
             r->has_error ? (int)(r->error.type.len > 64 ? 64 : r->error.type.len) : 0,
             r->has_error && r->error.type.ptr ? r->error.type.ptr : "",
             r->has_error && r->error.type.len ? ")" : "",
             r->error.retryable ? "retrying later can succeed"
                                : "retrying the same request will not help");
    break;
  case SSEVAL_CURL_END_NOT_SSE:
    snprintf(buf, cap,
             "The server answered HTTP %ld with content-type '%.*s' instead of "
             "text/event-stream; the body was not validated.",
             r->http_status, (int)(r->content_type.len > 100 ? 100 : r->content_type.len),
             r->content_type.ptr ? r->content_type.ptr : "");
    break;
  default:
    snprintf(buf, cap, "No response from the server: %s; check the base URL, "
             "the network and the timeout.", r->reason);
    break;
  }
}

static void report_json(const sseval_curl_result *r, sseval_curl *b, unsigned attempts) {
  if (r->end == SSEVAL_CURL_END_STREAM) {
    char *mem = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&mem, &n);
    if (m) {
      cli_report_json(m, sseval_curl_claude(b), &r->stream);
      fclose(m);
    }
    /* check's object without its closing "}\n", then ours */
    if (mem && n >= 2 && mem[n - 2] == '}' && mem[n - 1] == '\n') {
      fwrite(mem, 1, n - 2, stdout);
      json_transport(stdout, r, attempts);
    } else if (mem) {
      fwrite(mem, 1, n, stdout);
    }
    free(mem);
  } else {
    char detail[512];
    detail_for(r, detail, sizeof detail);
    fputs("{\"verdict\":", stdout);
    json_cstr(stdout, sseval_curl_end_name(r->end));
    fputs(",\"rule\":null,\"offset\":null,\"line\":null,\"detail\":", stdout);
    json_cstr(stdout, detail);
    fputs(",\"error\":", stdout);
    json_error(stdout, r);
    fputs(",\"message\":null,\"events\":0", stdout);
    fprintf(stdout, ",\"bytes\":%llu", (unsigned long long)r->body_bytes);
    if (r->content_type.len) {
      fputs(",\"content_type\":", stdout);
      json_span(stdout, r->content_type);
    }
    json_transport(stdout, r, attempts);
  }
}

static void human_preview(FILE *out, sseval_span s, size_t max) {
  size_t i, n = s.len < max ? s.len : max;
  putc('"', out);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c == '\n')
      fputs("\\n", out);
    else if (c < 0x20)
      fprintf(out, "\\x%02x", c);
    else
      putc(c, out);
  }
  putc('"', out);
  if (n < s.len) fputs("...", out);
}

static void report_human(const sseval_curl_result *r, sseval_curl *b, unsigned attempts) {
  if (r->end == SSEVAL_CURL_END_STREAM) {
    cli_report_human(stdout, sseval_curl_claude(b), &r->stream, "stream");
  } else {
    char detail[512];
    detail_for(r, detail, sizeof detail);
    fprintf(stdout, "stream: %s", sseval_curl_end_name(r->end));
    if (r->http_status) fprintf(stdout, " (HTTP %ld)", r->http_status);
    fputc('\n', stdout);
    if (r->content_type.len)
      fprintf(stdout, "  content-type %.*s\n", (int)r->content_type.len,
              r->content_type.ptr);
    if (r->has_error) {
      fprintf(stdout, "  error        %.*s (%s): ",
              r->error.type.len ? (int)r->error.type.len : 7,
              r->error.type.len ? r->error.type.ptr : "unknown",
              r->error.retryable ? "retryable" : "not retryable");
      human_preview(stdout, r->error.message, 200);
      fputc('\n', stdout);
    } else if (r->body.len) {
      fputs("  body         ", stdout);
      human_preview(stdout, r->body, 200);
      fputc('\n', stdout);
    }
    fprintf(stdout, "  problem      %s\n", detail);
  }
  fprintf(stdout, "  http         %s", r->http_status ? "" : "no response");
  if (r->http_status) fprintf(stdout, "%ld", r->http_status);
  if (r->request_id.len)
    fprintf(stdout, ", request-id %.*s", (int)r->request_id.len, r->request_id.ptr);
  fputc('\n', stdout);
  fprintf(stdout, "  attempts     %u\n", attempts);
}

/* ---- the retry log line ---------------------------------------------------------------- */
static void describe_failure(const sseval_curl_result *r, char *buf, size_t cap) {
  switch (r->end) {
  case SSEVAL_CURL_END_HTTP_ERROR:
    snprintf(buf, cap, "HTTP %ld %.*s", r->http_status,
             r->has_error && r->error.type.len ? (int)r->error.type.len : 13,
             r->has_error && r->error.type.len ? r->error.type.ptr : "(no error type)");
    break;
  case SSEVAL_CURL_END_STREAM:
    if (r->stream.verdict == SSEVAL_VERDICT_ERROR_EVENT)
      snprintf(buf, cap, "HTTP %ld error event %.*s", r->http_status,
               r->error.type.len ? (int)r->error.type.len : 13,
               r->error.type.len ? r->error.type.ptr : "(no error type)");
    else
      snprintf(buf, cap, "HTTP %ld stream %s (%s) after %llu bytes%s%s", r->http_status,
               sseval_verdict_name(r->stream.verdict), sseval_rule_id(r->stream.rule),
               (unsigned long long)r->body_bytes, r->reason[0] ? ": " : "", r->reason);
    break;
  case SSEVAL_CURL_END_NOT_SSE:
    snprintf(buf, cap, "HTTP %ld not an event stream", r->http_status);
    break;
  default:
    snprintf(buf, cap, "no response: %s", r->reason);
    break;
  }
}

/* ---- options ---------------------------------------------------------------------------------- */
typedef struct stream_opts {
  const char *request, *base_url, *record;
  unsigned max_retries;
  uint64_t timeout_ms;
  int keep, json, show_thinking;
  double retry_scale;
  int has_seed;
  uint64_t seed;
} stream_opts;

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out) {
  char *end;
  unsigned long long v;
  if (!s || !*s || *s == '-' || *s == '+') return 0;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end || v > max) return 0;
  *out = v;
  return 1;
}

static int parse_seconds(const char *s, double min, double *out) {
  char *end;
  double v;
  if (!s || !*s || *s == '-' || *s == '+') return 0;
  errno = 0;
  v = strtod(s, &end);
  if (errno || *end || !(v >= min) || v > 1e9) return 0;
  *out = v;
  return 1;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, stream_opts *o) {
  int i;
  memset(o, 0, sizeof *o);
  o->base_url = SSEVAL_ANTHROPIC_BASE_URL;
  o->max_retries = 2;
  o->timeout_ms = 600000;
  o->retry_scale = 1.0;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long long u;
    double d;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      stream_usage(stdout);
      return 0;
    } else if (strcmp(a, "--json") == 0) {
      o->json = 1;
    } else if (strcmp(a, "--show-thinking") == 0) {
      o->show_thinking = 1;
    } else if (!v && a[0] == '-' && a[1] == '-' &&
               (strcmp(a, "--request") == 0 || strcmp(a, "--base-url") == 0 ||
                strcmp(a, "--max-retries") == 0 || strcmp(a, "--timeout") == 0 ||
                strcmp(a, "--on-truncate") == 0 || strcmp(a, "--record") == 0 ||
                strcmp(a, "--retry-scale") == 0 || strcmp(a, "--retry-seed") == 0)) {
      fprintf(stderr, "sseval stream: %s needs a value\n", a);
      return 1;
    } else if (strcmp(a, "--request") == 0 && v) {
      o->request = v;
      i++;
    } else if (strcmp(a, "--base-url") == 0 && v) {
      i++;
      if (!*v) goto bad_value;
      o->base_url = v;
    } else if (strcmp(a, "--record") == 0 && v) {
      o->record = v;
      i++;
    } else if (strcmp(a, "--max-retries") == 0 && v) {
      i++;
      if (!parse_uint(v, 100, &u)) goto bad_value;
      o->max_retries = (unsigned)u;
    } else if (strcmp(a, "--timeout") == 0 && v) {
      i++;
      if (!parse_seconds(v, 0.001, &d)) goto bad_value;
      o->timeout_ms = (uint64_t)(d * 1000.0 + 0.5);
    } else if (strcmp(a, "--on-truncate") == 0 && v) {
      i++;
      if (strcmp(v, "retry") == 0)
        o->keep = 0;
      else if (strcmp(v, "keep") == 0)
        o->keep = 1;
      else
        goto bad_value;
    } else if (strcmp(a, "--retry-scale") == 0 && v) {
      i++;
      if (!parse_seconds(v, 0.0, &d)) goto bad_value;
      o->retry_scale = d;
    } else if (strcmp(a, "--retry-seed") == 0 && v) {
      i++;
      if (!parse_uint(v, ~0ull, &u)) goto bad_value;
      o->seed = u;
      o->has_seed = 1;
    } else {
      fprintf(stderr, "sseval stream: unknown option or argument '%s'\n", a);
      stream_usage(stderr);
      return 1;
    }
  }
  return -1;
bad_value:
  fprintf(stderr, "sseval stream: bad value for %s: '%s'\n", argv[i - 1],
          argv[i] ? argv[i] : "");
  return 1;
}

/* ---- the command -------------------------------------------------------------------------------- */
int cli_stream(int argc, char **argv) {
  stream_opts o;
  stream_ctx k;
  dbuf raw, body;
  const char *key;
  sseval_claude_callbacks cbs;
  sseval_curl_options copts;
  sseval_curl_request req;
  sseval_retry_policy policy;
  sseval_curl_result r;
  sseval_curl *b = NULL;
  CURL *easy = NULL;
  uint64_t rng;
  unsigned attempt = 0;
  int rc;

  rc = parse_args(argc, argv, &o);
  if (rc >= 0) return rc;
  key = getenv("ANTHROPIC_API_KEY");
  if (!key || !*key) {
    fputs("sseval stream: ANTHROPIC_API_KEY is not set; export your API key "
          "and run again (no request was sent)\n",
          stderr);
    return 1;
  }
  memset(&raw, 0, sizeof raw);
  memset(&body, 0, sizeof body);
  if (read_all(o.request, &raw) != 0) {
    free(raw.p);
    return 1;
  }
  if (set_stream_true(&raw, &body) != 0) {
    fprintf(stderr, "sseval stream: the request (%s) is not a JSON object\n",
            o.request && strcmp(o.request, "-") ? o.request : "stdin");
    free(raw.p);
    free(body.p);
    return 1;
  }
  free(raw.p);

  memset(&k, 0, sizeof k);
  k.text_out = o.json ? stderr : stdout;
  k.show_thinking = o.show_thinking;
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = on_text;
  cbs.on_thinking = on_thinking;
  cbs.on_block_stop = on_block_stop;
  sseval_curl_options_init(&copts);
  copts.idle_timeout_ms = o.timeout_ms;
  copts.on_body = on_body;
  sseval_retry_policy_init(&policy);
  policy.max_retries = o.max_retries;
  if (o.keep)
    policy.flags &= ~(unsigned)(SSEVAL_RETRY_ON_TRUNCATED | SSEVAL_RETRY_ON_ERROR_EVENTS);
  rng = o.has_seed ? o.seed
                   : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fputs("sseval stream: libcurl initialisation failed\n", stderr);
    free(body.p);
    return 1;
  }
  easy = curl_easy_init();
  memset(&req, 0, sizeof req);
  req.base_url = o.base_url;
  req.api_key = key;
  req.body = body.p;
  req.body_len = body.len;
  if (!easy || sseval_curl_new(&b, &cbs, &k, &copts) != SSEVAL_OK ||
      sseval_curl_attach(b, easy) != SSEVAL_OK ||
      sseval_curl_set_request(b, &req) != SSEVAL_OK) {
    fputs("sseval stream: could not set up the request (out of memory?)\n", stderr);
    rc = 1;
    goto out;
  }
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)o.timeout_ms);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);

  for (;;) {
    sseval_retry_decision d;
    char what[512];
    CURLcode cc;
    attempt++;
    k.printed = 0;
    k.last_text = 0;
    k.thinking_printed = 0;
    if (o.record) {
      k.record = fopen(o.record, "wb");
      if (!k.record) {
        fprintf(stderr, "sseval stream: cannot write %s: %s\n", o.record, strerror(errno));
        rc = 1;
        goto out;
      }
      k.record_failed = 0;
    }
    sseval_curl_reset(b);
    cc = curl_easy_perform(easy);
    sseval_curl_done(b, (int)cc, &r);
    if (k.record) {
      if (fclose(k.record) != 0) k.record_failed = 1;
      k.record = NULL;
    }
    fflush(k.text_out);
    sseval_retry_decide(&policy, &r.outcome, attempt - 1, &rng, &d);
    if (!d.retry) {
      if (d.retryable && attempt > 1)
        fprintf(stderr, "sseval stream: giving up after %u attempts\n", attempt);
      break;
    }
    describe_failure(&r, what, sizeof what);
    if (k.printed && k.last_text != '\n') fputc('\n', k.text_out);
    if (k.thinking_printed && k.last_thinking != '\n') fputc('\n', stderr);
    fflush(k.text_out);
    {
      uint64_t wait = (uint64_t)((double)d.delay_ms * o.retry_scale + 0.5);
      fprintf(stderr,
              "sseval stream: attempt %u of %u failed: %s, request-id %.*s; "
              "retrying in %llu ms (%s)",
              attempt, o.max_retries + 1, what,
              r.request_id.len ? (int)r.request_id.len : 1,
              r.request_id.len ? r.request_id.ptr : "-",
              (unsigned long long)d.delay_ms,
              d.delay_from_server ? "retry-after" : "backoff");
      if (o.retry_scale != 1.0)
        fprintf(stderr, ", scaled to %llu ms", (unsigned long long)wait);
      fputc('\n', stderr);
      if (k.printed)
        fputs("sseval stream: the answer printed so far is incomplete; printing it "
              "again from the start\n",
              stderr);
      sleep_ms(wait);
    }
  }

  /* the answer ends its line; the report follows */
  if (k.printed && k.last_text != '\n') fputc('\n', k.text_out);
  if (o.json) {
    report_json(&r, b, attempt);
  } else {
    if (k.printed) fputc('\n', stdout);
    report_human(&r, b, attempt);
  }
  rc = r.exit_code;
  if (k.record_failed) {
    fprintf(stderr, "sseval stream: write error on %s\n", o.record);
    rc = 1;
  }
  if (fflush(stdout) != 0) {
    perror("sseval stream: write error");
    rc = 1;
  }
out:
  if (b) sseval_curl_free(b);
  if (easy) curl_easy_cleanup(easy);
  curl_global_cleanup();
  free(body.p);
  return rc;
}
