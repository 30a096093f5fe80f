/* SPDX-License-Identifier: MIT */
/*
 * tools/cmd_stream.c - `sseval stream`: a live Messages API client over
 * libcurl (libsseval-curl). Sends one streaming request, prints the answer
 * as it arrives, validates the stream, retries what can succeed (the
 * policy of <sseval/retry.h>), and ends with the report of `sseval check`.
 * Public API only. Behaviour: docs/TRANSPORT.md and docs/CLI.md.
 *
 * Output, as curl does: stdout carries the answer only (with --json: the
 * one JSON report, the answer then on stderr; with -o: the answer goes to
 * the file once complete); retry lines and the human report go to stderr.
 * Text from the network is made inert on a terminal (cli_text.c), byte
 * exact to a pipe or a file.
 *
 * Hidden options for tests (not in --help; documented in docs/TRANSPORT.md):
 *   --retry-scale F       multiply every wait between attempts by F (>= 0);
 *                         the log still shows the delay the policy chose
 *   --retry-seed N        seed of the jitter (default: time and pid)
 *   --accept-encoding E   send Accept-Encoding: E with libcurl's decoding
 *                         off (an encoded body is then refused)
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
#include "sseval/curl.h"

#define DEFAULT_TIMEOUT_S 600
#define DEFAULT_MAX_TIME_S 3600

static void stream_usage(FILE *out) {
  fputs(
      "usage: sseval stream [OPTIONS] [--request FILE]\n"
      "Send one Messages API request with streaming on, print the answer as it\n"
      "arrives, validate the stream, retry what can succeed, and end with the\n"
      "report of `sseval check` on stderr. The API key comes from\n"
      "ANTHROPIC_API_KEY. stdout carries the answer only.\n\n"
      "  --request FILE          the request body (JSON); - or absent: stdin.\n"
      "                          \"stream\": true is set whatever it says\n"
      "  --base-url URL          default https://api.anthropic.com (http or\n"
      "                          https only); the request goes to URL/v1/messages\n"
      "  --max-retries N         retries after the first attempt (default 2)\n"
      "  --timeout S             connect timeout and idle timeout: no byte (or\n"
      "                          nothing but pings) for S seconds cuts the\n"
      "                          stream (default 600)\n"
      "  --max-time S            deadline for the whole run, retries included\n"
      "                          (default 3600; 0: none)\n"
      "  --on-truncate retry|keep  a cut stream or a retryable error event:\n"
      "                          start again (default) or stop with the partial\n"
      "                          result\n"
      "  -o, --output FILE       write the answer to FILE once the stream is\n"
      "                          complete (nothing partial, nothing twice)\n"
      "  --record FILE           save the raw body bytes of the last attempt\n"
      "                          (replay with `sseval check FILE`)\n"
      "  --json                  print the JSON report on stdout (the answer's\n"
      "                          text then goes to stderr)\n"
      "  --show-thinking         print thinking to stderr as it arrives\n\n"
      "Exit: 0 complete, 1 usage or configuration error, 2 truncated,\n"
      "3 error_event, 4 protocol_violation, 5 invalid_json, 6 limit_exceeded,\n"
      "7 the last attempt got an HTTP error or a response that is not an event\n"
      "stream, 8 it got no response (connection failure or timeout).\n",
      out);
}

/* ---- options ------------------------------------------------------------------------ */
typedef struct stream_opts {
  const char *request, *base_url, *record, *output, *accept_encoding;
  unsigned max_retries;
  uint64_t timeout_ms, max_time_ms;
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

static int prefix_ci(const char *s, const char *lit) {
  for (; *lit; s++, lit++)
    if (*s != *lit && !(*s >= 'A' && *s <= 'Z' && *s + 32 == *lit)) return 0;
  return 1;
}

static int is_http_url(const char *u) {
  return prefix_ci(u, "http://") || prefix_ci(u, "https://");
}

static int has_control(const char *v) {
  for (; *v; v++)
    if ((unsigned char)*v < 0x20 || *v == 0x7F) return 1;
  return 0;
}

/* The options that take a value. */
static int takes_value(const char *a) {
  static const char *const names[] = {
      "--request", "--base-url", "--max-retries", "--timeout", "--max-time",
      "--on-truncate", "--record", "-o", "--output", "--retry-scale", "--retry-seed",
      "--accept-encoding", NULL};
  size_t i;
  for (i = 0; names[i]; i++)
    if (strcmp(a, names[i]) == 0) return 1;
  return 0;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, stream_opts *o) {
  int i;
  memset(o, 0, sizeof *o);
  o->base_url = SSEVAL_ANTHROPIC_BASE_URL;
  o->max_retries = 2;
  o->timeout_ms = (uint64_t)DEFAULT_TIMEOUT_S * 1000u;
  o->max_time_ms = (uint64_t)DEFAULT_MAX_TIME_S * 1000u;
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
      continue;
    } else if (strcmp(a, "--show-thinking") == 0) {
      o->show_thinking = 1;
      continue;
    } else if (!takes_value(a)) {
      fprintf(stderr, "sseval stream: unknown option or argument '%s'\n", a);
      stream_usage(stderr);
      return 1;
    } else if (!v) {
      fprintf(stderr, "sseval stream: %s needs a value\n", a);
      return 1;
    }
    i++;
    if (strcmp(a, "--request") == 0) {
      o->request = v;
    } else if (strcmp(a, "--base-url") == 0) {
      if (!is_http_url(v) || has_control(v)) {
        fprintf(stderr, "sseval stream: --base-url must be an http:// or https:// URL "
                        "without control characters\n");
        return 1;
      }
      o->base_url = v;
    } else if (strcmp(a, "--record") == 0) {
      o->record = v;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
      if (!*v) goto bad_value;
      o->output = v;
    } else if (strcmp(a, "--max-retries") == 0) {
      if (!parse_uint(v, 100, &u)) goto bad_value;
      o->max_retries = (unsigned)u;
    } else if (strcmp(a, "--timeout") == 0) {
      if (!parse_seconds(v, 0.001, &d)) goto bad_value;
      o->timeout_ms = (uint64_t)(d * 1000.0 + 0.5);
    } else if (strcmp(a, "--max-time") == 0) {
      if (!parse_seconds(v, 0.0, &d)) goto bad_value;
      o->max_time_ms = (uint64_t)(d * 1000.0 + 0.5);
    } else if (strcmp(a, "--on-truncate") == 0) {
      if (strcmp(v, "retry") == 0)
        o->keep = 0;
      else if (strcmp(v, "keep") == 0)
        o->keep = 1;
      else
        goto bad_value;
    } else if (strcmp(a, "--retry-scale") == 0) {
      if (!parse_seconds(v, 0.0, &d)) goto bad_value;
      o->retry_scale = d;
    } else if (strcmp(a, "--retry-seed") == 0) {
      if (!parse_uint(v, ~0ull, &u)) goto bad_value;
      o->seed = u;
      o->has_seed = 1;
    } else { /* --accept-encoding */
      if (has_control(v)) goto bad_value;
      o->accept_encoding = v;
    }
  }
  return -1;
bad_value:
  fprintf(stderr, "sseval stream: bad value for %s: '", argv[i - 1]);
  cli_field_str(stderr, argv[i]);
  fputs("'\n", stderr);
  return 1;
}

/* ---- the request ------------------------------------------------------------------------ */
/* Read all of `path` ("-" or NULL: stdin). Returns 0, or -1 (printed). */
static int read_request(const char *path, cli_buf *out) {
  FILE *f = stdin;
  char buf[8192];
  size_t n;
  int from_stdin = !path || strcmp(path, "-") == 0;
  if (from_stdin && isatty(STDIN_FILENO)) {
    if (!path) { /* nothing given and nothing piped: do not wait silently */
      fputs("sseval stream: no request: pass --request FILE, or pipe the JSON "
            "request on standard input (--request - reads it from the terminal)\n"
            "usage: sseval stream [OPTIONS] [--request FILE]   (sseval stream --help)\n",
            stderr);
      return -1;
    }
    fputs("sseval stream: reading the request (JSON) from the terminal; end it "
          "with Ctrl-D\n",
          stderr);
  }
  if (!from_stdin) {
    f = fopen(path, "rb");
    if (!f) {
      fputs("sseval stream: cannot open ", stderr);
      cli_field_str(stderr, path);
      fprintf(stderr, ": %s\n", strerror(errno));
      return -1;
    }
  }
  /* a short read is the end: a terminal's Ctrl-D is not sticky, so never
   * read again after it */
  do {
    n = fread(buf, 1, sizeof buf, f);
    cli_buf_add(out, buf, n);
  } while (n == sizeof buf);
  if (ferror(f)) {
    fputs("sseval stream: read error on ", stderr);
    cli_field_str(stderr, from_stdin ? "stdin" : path);
    fputc('\n', stderr);
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

/* ---- live output -------------------------------------------------------------------- */
typedef struct stream_ctx {
  int show_text;      /* 0 with -o: the answer goes to the file at the end */
  cli_text text;      /* stdout, or stderr with --json */
  int text_tty;
  cli_text thinking;  /* stderr */
  int thinking_open;
  uint32_t thinking_index;
  FILE *record;
  int record_failed;
} stream_ctx;

static int on_text(void *user, uint32_t index, sseval_span piece) {
  stream_ctx *k = (stream_ctx *)user;
  (void)index;
  if (k->show_text) cli_text_write(&k->text, piece.ptr, piece.len);
  return SSEVAL_CB_OK;
}

static int on_thinking(void *user, uint32_t index, sseval_span piece) {
  stream_ctx *k = (stream_ctx *)user;
  if (piece.len == 0) return SSEVAL_CB_OK;
  cli_text_write(&k->thinking, piece.ptr, piece.len);
  k->thinking_open = 1;
  k->thinking_index = index;
  return SSEVAL_CB_OK;
}

/* End the line of what a cli_text printed, if it did not end one. */
static void end_line(cli_text *t) {
  cli_text_end(t);
  if (t->wrote && t->last != '\n') fputc('\n', t->out);
  t->wrote = 0;
  t->last = 0;
}

static int on_block_stop(void *user, uint32_t index) {
  stream_ctx *k = (stream_ctx *)user;
  if (k->thinking_open && k->thinking_index == index) {
    end_line(&k->thinking);
    k->thinking_open = 0;
  }
  return SSEVAL_CB_OK;
}

static int on_body(void *user, const char *bytes, size_t len) {
  stream_ctx *k = (stream_ctx *)user;
  if (k->record && !k->record_failed && fwrite(bytes, 1, len, k->record) != len)
    k->record_failed = 1;
  fflush(k->text.out); /* show each chunk's text as it arrives */
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

static uint64_t now_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return (uint64_t)time(NULL) * 1000u;
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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
    if (r->content_type.len >= 17 && strncmp(r->content_type.ptr, "text/event-stream", 17) == 0) {
      /* an event stream the binding could not read: its Content-Encoding */
      snprintf(buf, cap, "The server answered HTTP %ld but %s.", r->http_status, r->reason);
      break;
    }
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

/* The human report, on stderr; every string from the server escaped. */
static void report_human(const sseval_curl_result *r, sseval_curl *b, unsigned attempts) {
  FILE *out = stderr;
  if (r->end == SSEVAL_CURL_END_STREAM) {
    cli_report_human(out, sseval_curl_claude(b), &r->stream, "stream");
  } else {
    char detail[512];
    detail_for(r, detail, sizeof detail);
    fprintf(out, "stream: %s", sseval_curl_end_name(r->end));
    if (r->http_status) fprintf(out, " (HTTP %ld)", r->http_status);
    fputc('\n', out);
    if (r->content_type.len) {
      fputs("  content-type ", out);
      cli_field(out, r->content_type.ptr, r->content_type.len);
      fputc('\n', out);
    }
    if (r->has_error) {
      fputs("  error        ", out);
      cli_error_line(out, &r->error);
    } else if (r->body.len) {
      fputs("  body         ", out);
      cli_preview(out, r->body, 200);
      fputc('\n', out);
    }
    fputs("  problem      ", out);
    cli_field_str(out, detail);
    fputc('\n', out);
  }
  fprintf(out, "  http         %s", r->http_status ? "" : "no response");
  if (r->http_status) fprintf(out, "%ld", r->http_status);
  if (r->request_id.len) {
    fputs(", request-id ", out);
    cli_field(out, r->request_id.ptr, r->request_id.len);
  }
  fputc('\n', out);
  fprintf(out, "  attempts     %u\n", attempts);
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
    snprintf(buf, cap, "HTTP %ld not an event stream%s%s", r->http_status,
             r->reason[0] ? ": " : "", r->reason);
    break;
  default:
    snprintf(buf, cap, "no response: %s", r->reason);
    break;
  }
}

/* ---- the command, in its parts ---------------------------------------------------------------- */
typedef struct stream_run {
  stream_opts o;
  stream_ctx k;
  cli_buf request;
  sseval_retry_policy policy;
  sseval_curl_result r;
  sseval_curl *b;
  CURL *easy;
  uint64_t rng, deadline; /* deadline: 0 = none */
  unsigned attempt;
  int deadline_hit;
} stream_run;

/* The key and the request, before anything touches the network. Returns
 * 0, or 1 (printed). */
static int stream_inputs(stream_run *x, const char **key) {
  *key = getenv("ANTHROPIC_API_KEY");
  if (!*key || !**key) {
    fputs("sseval stream: ANTHROPIC_API_KEY is not set; export your API key "
          "and run again (no request was sent)\n",
          stderr);
    return 1;
  }
  if (has_control(*key)) { /* CR LF in a header value would add headers */
    fputs("sseval stream: ANTHROPIC_API_KEY contains a control character (a "
          "line break?); refusing to send it (no request was sent)\n",
          stderr);
    return 1;
  }
  return read_request(x->o.request, &x->request) != 0;
}

/* libcurl, the binding and the request. Returns 0, or 1 (printed). */
static int stream_setup(stream_run *x, const char *key) {
  sseval_claude_callbacks cbs;
  sseval_curl_options copts;
  sseval_curl_request req;
  sseval_status st;
  stream_ctx *k = &x->k;
  FILE *text_out = x->o.json ? stderr : stdout;

  k->show_text = x->o.output == NULL;
  k->text_tty = isatty(fileno(text_out));
  cli_text_init(&k->text, text_out, k->text_tty ? CLI_TEXT_TERMINAL : CLI_TEXT_RAW);
  cli_text_init(&k->thinking, stderr,
                isatty(STDERR_FILENO) ? CLI_TEXT_TERMINAL : CLI_TEXT_RAW);
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = on_text;
  if (x->o.show_thinking) cbs.on_thinking = on_thinking;
  cbs.on_block_stop = on_block_stop;
  sseval_curl_options_init(&copts);
  copts.idle_timeout_ms = x->o.timeout_ms;
  copts.on_body = on_body;
  sseval_retry_policy_init(&x->policy);
  x->policy.max_retries = x->o.max_retries;
  if (x->o.keep)
    x->policy.flags &= ~(unsigned)(SSEVAL_RETRY_ON_TRUNCATED | SSEVAL_RETRY_ON_ERROR_EVENTS);
  x->rng = x->o.has_seed ? x->o.seed : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();

  x->easy = curl_easy_init();
  if (!x->easy || sseval_curl_new(&x->b, &cbs, k, &copts) != SSEVAL_OK ||
      sseval_curl_attach(x->b, x->easy) != SSEVAL_OK) {
    fputs("sseval stream: could not set up libcurl (out of memory?)\n", stderr);
    return 1;
  }
  memset(&req, 0, sizeof req);
  req.base_url = x->o.base_url;
  req.api_key = key;
  req.body = x->request.p ? x->request.p : "";
  req.body_len = x->request.len;
  req.set_stream = 1;
  req.accept_encoding = x->o.accept_encoding;
  st = sseval_curl_set_request(x->b, &req);
  if (st == SSEVAL_E_INVALID) {
    fputs("sseval stream: the request (", stderr);
    cli_field_str(stderr, x->o.request && strcmp(x->o.request, "-") ? x->o.request : "stdin");
    fputs(") is not a JSON object\n", stderr);
    return 1;
  }
  if (st != SSEVAL_OK) {
    fprintf(stderr, "sseval stream: could not set up the request: %s\n",
            sseval_status_message(st));
    return 1;
  }
  curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
  if (x->o.max_time_ms) x->deadline = now_ms() + x->o.max_time_ms;
  return 0;
}

/* One attempt: perform, then x->r. Returns 0, or 1 (printed). */
static int stream_attempt(stream_run *x) {
  stream_ctx *k = &x->k;
  uint64_t connect_ms = x->o.timeout_ms, total_ms = 0;
  CURLcode cc;
  x->attempt++;
  if (x->deadline) { /* what is left of --max-time bounds this attempt */
    uint64_t now = now_ms();
    total_ms = x->deadline > now ? x->deadline - now : 1;
    if (connect_ms > total_ms) connect_ms = total_ms;
  }
  curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_ms);
  curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)total_ms);
  if (x->o.record) {
    k->record = fopen(x->o.record, "wb");
    if (!k->record) {
      fputs("sseval stream: cannot write ", stderr);
      cli_field_str(stderr, x->o.record);
      fprintf(stderr, ": %s\n", strerror(errno));
      return 1;
    }
    k->record_failed = 0;
  }
  sseval_curl_reset(x->b);
  cc = curl_easy_perform(x->easy);
  sseval_curl_done(x->b, (int)cc, &x->r);
  if (x->deadline && now_ms() >= x->deadline) x->deadline_hit = 1;
  if (k->record) {
    if (fclose(k->record) != 0) k->record_failed = 1;
    k->record = NULL;
  }
  cli_text_end(&k->text);
  fflush(k->text.out);
  return 0;
}

/* After a failed attempt: decide, log, wait. Returns 1 to try again. */
static int stream_retry(stream_run *x) {
  stream_ctx *k = &x->k;
  sseval_retry_decision d;
  char what[512];
  uint64_t wait;
  int printed = k->text.wrote;
  sseval_retry_decide(&x->policy, &x->r.outcome, x->attempt - 1, &x->rng, &d);
  if (!d.retry) {
    if (d.retryable && x->attempt > 1)
      fprintf(stderr, "sseval stream: giving up after %u attempts\n", x->attempt);
    return 0;
  }
  wait = (uint64_t)((double)d.delay_ms * x->o.retry_scale + 0.5);
  if (x->deadline_hit || (x->deadline && now_ms() + wait >= x->deadline)) {
    fprintf(stderr, "sseval stream: giving up after %u attempts: --max-time reached\n",
            x->attempt);
    x->deadline_hit = 1;
    return 0;
  }
  describe_failure(&x->r, what, sizeof what);
  end_line(&k->text); /* the partial answer ends its line: the next starts afresh */
  if (k->thinking_open) end_line(&k->thinking);
  k->thinking_open = 0;
  fflush(k->text.out);
  fprintf(stderr, "sseval stream: attempt %u of %u failed: ", x->attempt,
          x->o.max_retries + 1);
  cli_field_str(stderr, what);
  fputs(", request-id ", stderr);
  if (x->r.request_id.len)
    cli_field(stderr, x->r.request_id.ptr, x->r.request_id.len);
  else
    fputc('-', stderr);
  fprintf(stderr, "; retrying in %llu ms (%s)", (unsigned long long)d.delay_ms,
          d.delay_from_server ? "retry-after" : "backoff");
  if (x->o.retry_scale != 1.0) fprintf(stderr, ", scaled to %llu ms", (unsigned long long)wait);
  fputc('\n', stderr);
  if (printed)
    fputs("sseval stream: the answer printed so far is incomplete; printing it "
          "again from the start\n",
          stderr);
  sleep_ms(wait);
  return 1;
}

/* -o FILE: the final attempt's answer, only when the stream is complete. */
static int write_output(stream_run *x) {
  sseval_claude *c = sseval_curl_claude(x->b);
  uint32_t i, n;
  FILE *f;
  if (x->r.end != SSEVAL_CURL_END_STREAM || x->r.stream.verdict != SSEVAL_VERDICT_COMPLETE) {
    fputs("sseval stream: ", stderr);
    cli_field_str(stderr, x->o.output);
    fputs(" not written: the answer is not complete\n", stderr);
    return 0;
  }
  f = fopen(x->o.output, "wb");
  if (!f) {
    fputs("sseval stream: cannot write ", stderr);
    cli_field_str(stderr, x->o.output);
    fprintf(stderr, ": %s\n", strerror(errno));
    return 1;
  }
  n = sseval_claude_block_count(c);
  for (i = 0; i < n; i++) {
    sseval_block_view v;
    if (sseval_claude_block(c, i, &v) == SSEVAL_OK && v.type == SSEVAL_BLOCK_TEXT)
      fwrite(v.text.ptr, 1, v.text.len, f);
  }
  if (ferror(f) | (fclose(f) != 0)) {
    fputs("sseval stream: write error on ", stderr);
    cli_field_str(stderr, x->o.output);
    fputc('\n', stderr);
    return 1;
  }
  return 0;
}

/* The end: the answer's last line, the report, -o. Returns the exit code. */
static int stream_finish(stream_run *x) {
  stream_ctx *k = &x->k;
  int rc = x->r.exit_code, printed = k->text.wrote;
  cli_text_end(&k->text);
  /* on a terminal the answer ends its line; to a pipe it stays byte-exact */
  if (k->text_tty || x->o.json) end_line(&k->text);
  if (fflush(k->text.out) != 0 && k->text.out == stdout) {
    perror("sseval stream: write error");
    rc = 1;
  }
  if (x->o.json) {
    report_json(&x->r, x->b, x->attempt);
  } else {
    if (printed) fputc('\n', stderr);
    report_human(&x->r, x->b, x->attempt);
  }
  if (x->o.output && write_output(x) != 0) rc = 1;
  if (k->record_failed) {
    fputs("sseval stream: write error on ", stderr);
    cli_field_str(stderr, x->o.record);
    fputc('\n', stderr);
    rc = 1;
  }
  if (fflush(stdout) != 0) {
    perror("sseval stream: write error");
    rc = 1;
  }
  return rc;
}

int cli_stream(int argc, char **argv) {
  stream_run x;
  const char *key;
  int rc;

  memset(&x, 0, sizeof x);
  rc = parse_args(argc, argv, &x.o);
  if (rc >= 0) return rc;
  if (stream_inputs(&x, &key) != 0) {
    free(x.request.p);
    return 1;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fputs("sseval stream: libcurl initialisation failed\n", stderr);
    free(x.request.p);
    return 1;
  }
  rc = stream_setup(&x, key);
  free(x.request.p); /* the binding copied it */
  x.request.p = NULL;
  if (rc == 0) {
    do {
      if (stream_attempt(&x) != 0) {
        rc = 1;
        break;
      }
    } while (stream_retry(&x));
    if (rc == 0) rc = stream_finish(&x);
  }
  if (x.b) sseval_curl_free(x.b);
  if (x.easy) curl_easy_cleanup(x.easy);
  curl_global_cleanup();
  return rc;
}
