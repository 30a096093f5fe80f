/* SPDX-License-Identifier: MIT */
/*
 * src/curl/sseval_curl.c - libsseval-curl: the Claude stream validator on a
 * libcurl easy handle (include/sseval/curl.h; docs/TRANSPORT.md).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "sseval/curl.h"

#define MAX_HEADER_VALUE 256u
#define DEFAULT_MAX_BODY ((size_t)64 << 10)
#define ERROR_SCRATCH 4096u

enum { MODE_UNDECIDED = 0, MODE_STREAM, MODE_BUFFER };

/* Why the binding itself stopped a transfer early (not an error). */
enum {
  STOP_NONE = 0,
  STOP_FINAL,   /* the verdict can no longer change: nothing more to read */
  STOP_BODY,    /* a body that is not validated reached max_body_bytes */
  STOP_ENCODED  /* a Content-Encoding libcurl was not asked to decode */
};

struct sseval_curl {
  CURL *easy;
  sseval_claude *claude;
  void *user;
  sseval_claude_callbacks cbs; /* the caller's; the validator calls ours */
  sseval_curl_options opts;
  struct curl_slist *headers;
  int decoding;     /* libcurl decodes Content-Encoding (CURLOPT_ACCEPT_ENCODING) */

  /* the response being received */
  long status;
  int headers_done; /* blank line after a final (>= 200) header block */
  int event_stream; /* content-type is text/event-stream */
  int mode;
  char content_type[MAX_HEADER_VALUE];
  size_t content_type_len;
  char request_id[MAX_HEADER_VALUE];
  size_t request_id_len;
  char content_encoding[MAX_HEADER_VALUE];
  size_t content_encoding_len;
  sseval_retry_outcome hints;
  uint64_t body_bytes;

  /* a body that is not validated (error bodies, wrong content type) */
  char *body;
  size_t body_len, body_cap;

  /* pause: bytes of the next deliveries the validator already consumed */
  int paused;
  size_t skip;

  /* idle timer; after a ping, only a later event other than a ping counts
   * as activity (a server sending nothing but pings is idle) */
  uint64_t last_activity_ms;
  curl_off_t last_ul;
  int idle_fired;
  int ping_last;
  int saw_message_stop; /* a message_stop event was dispatched */
  int stopped;          /* STOP_*: the binding ended the transfer itself */

  int hook_failed;            /* on_body / on_headers / on_progress said stop */
  sseval_status feed_status;  /* first error returned by the validator */

  sseval_claude_result stream;
  char err_scratch[ERROR_SCRATCH];
};

/* ---- clocks ------------------------------------------------------------------ */
static uint64_t mono_ms(void) {
#if defined(CLOCK_MONOTONIC)
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
#endif
  return (uint64_t)time(NULL) * 1000u;
}

static uint64_t unix_ms(void) {
  time_t t = time(NULL);
  return t > 0 ? (uint64_t)t * 1000u : 0;
}

/* ---- small helpers ------------------------------------------------------------ */
static unsigned char lower(char c) {
  unsigned char u = (unsigned char)c;
  return (u >= 'A' && u <= 'Z') ? (unsigned char)(u + 32u) : u;
}
static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static sseval_span trim(const char *p, size_t n) {
  sseval_span s;
  while (n && is_ws(*p)) {
    p++;
    n--;
  }
  while (n && is_ws(p[n - 1])) n--;
  s.ptr = p;
  s.len = n;
  return s;
}

static int ieq(sseval_span s, const char *lit) {
  size_t i, n = strlen(lit);
  if (s.len != n) return 0;
  for (i = 0; i < n; i++)
    if (lower(s.ptr[i]) != (unsigned char)lit[i]) return 0;
  return 1;
}

static size_t copy_value(char *dst, sseval_span v) {
  size_t n = v.len < MAX_HEADER_VALUE - 1 ? v.len : MAX_HEADER_VALUE - 1;
  if (n) memcpy(dst, v.ptr, n);
  dst[n] = '\0';
  return n;
}

static sseval_span span(const char *p, size_t n) {
  sseval_span s;
  s.ptr = p;
  s.len = n;
  return s;
}

static int is_2xx(long status) { return status >= 200 && status <= 299; }

const char *sseval_curl_end_name(sseval_curl_end e) {
  switch (e) {
  case SSEVAL_CURL_END_NONE: return "none";
  case SSEVAL_CURL_END_STREAM: return "stream";
  case SSEVAL_CURL_END_HTTP_ERROR: return "http_error";
  case SSEVAL_CURL_END_NOT_SSE: return "not_event_stream";
  case SSEVAL_CURL_END_NO_RESPONSE: return "no_response";
  default: return "unknown";
  }
}

/* ---- life cycle ---------------------------------------------------------------- */
void sseval_curl_options_init(sseval_curl_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->max_body_bytes = DEFAULT_MAX_BODY;
}

static void reset_response(sseval_curl *s) {
  s->status = 0;
  s->headers_done = 0;
  s->event_stream = 0;
  s->content_type_len = s->request_id_len = s->content_encoding_len = 0;
  s->content_type[0] = s->request_id[0] = s->content_encoding[0] = '\0';
  sseval_retry_outcome_init(&s->hints, SSEVAL_RETRY_OK);
}

void sseval_curl_reset(sseval_curl *s) {
  if (!s) return;
  reset_response(s);
  s->mode = MODE_UNDECIDED;
  s->body_bytes = 0;
  s->body_len = 0;
  s->paused = 0;
  s->skip = 0;
  s->last_activity_ms = 0;
  s->last_ul = 0;
  s->idle_fired = 0;
  s->ping_last = 0;
  s->saw_message_stop = 0;
  s->stopped = STOP_NONE;
  s->hook_failed = 0;
  s->feed_status = SSEVAL_OK;
  memset(&s->stream, 0, sizeof s->stream);
  sseval_claude_reset(s->claude);
}

/* ---- the validator's callbacks: the caller's, seen on the way -------------------- */
/* The validator is created with the binding as its user pointer; each of
 * the caller's callbacks is called through one of these with the caller's
 * own pointer. Only the event tap does more (timers, message_stop). */
#define FWD(name, params, args)                                                 \
  static int fwd_##name params {                                                \
    sseval_curl *s = (sseval_curl *)u;                                          \
    return s->cbs.name args;                                                    \
  }
FWD(on_message_start, (void *u, const sseval_message_info *m), (s->user, m))
FWD(on_block_start, (void *u, const sseval_block_info *b), (s->user, b))
FWD(on_text, (void *u, uint32_t i, sseval_span p), (s->user, i, p))
FWD(on_tool_input, (void *u, uint32_t i, sseval_span p), (s->user, i, p))
FWD(on_thinking, (void *u, uint32_t i, sseval_span p), (s->user, i, p))
FWD(on_signature, (void *u, uint32_t i, sseval_span p), (s->user, i, p))
FWD(on_citation, (void *u, uint32_t i, sseval_span p), (s->user, i, p))
FWD(on_compaction, (void *u, uint32_t i, sseval_span p), (s->user, i, p))
FWD(on_block_stop, (void *u, uint32_t i), (s->user, i))
FWD(on_message_delta, (void *u, const sseval_delta_info *d), (s->user, d))
FWD(on_message_stop, (void *u), (s->user))
FWD(on_ping, (void *u), (s->user))
FWD(on_error_event, (void *u, const sseval_api_error *e), (s->user, e))
FWD(on_unknown_event, (void *u, sseval_span n, sseval_span d), (s->user, n, d))
FWD(on_unknown_delta, (void *u, uint32_t i, sseval_span t, sseval_span d), (s->user, i, t, d))
#undef FWD

static int tap_event(void *u, const sseval_sse_event *ev) {
  sseval_curl *s = (sseval_curl *)u;
  if (ev->type.len == 4 && memcmp(ev->type.ptr, "ping", 4) == 0) {
    s->ping_last = 1;
  } else {
    s->ping_last = 0;
    s->last_activity_ms = mono_ms();
    if (ev->type.len == 12 && memcmp(ev->type.ptr, "message_stop", 12) == 0)
      s->saw_message_stop = 1;
  }
  return s->cbs.on_sse_event ? s->cbs.on_sse_event(s->user, ev) : SSEVAL_CB_OK;
}

static void wrap_callbacks(const sseval_claude_callbacks *in, sseval_claude_callbacks *out) {
  sseval_claude_callbacks_init(out);
#define W(name) out->name = in->name ? fwd_##name : NULL
  W(on_message_start);
  W(on_block_start);
  W(on_text);
  W(on_tool_input);
  W(on_thinking);
  W(on_signature);
  W(on_citation);
  W(on_compaction);
  W(on_block_stop);
  W(on_message_delta);
  W(on_message_stop);
  W(on_ping);
  W(on_error_event);
  W(on_unknown_event);
  W(on_unknown_delta);
#undef W
  out->on_sse_event = tap_event;
}

/* The sizes of the structs as first released (0.1.0), the end of their
 * last 0.1.0 field, as the core library counts them (src/claude.c): a
 * program built against 0.1.0 passes these; later fields take their
 * defaults. A smaller size (0 included: a struct filled without its _init
 * call) is SSEVAL_E_STRUCT_SIZE, as sseval_claude_new says. Never change. */
#define CURL_OPTIONS_V1_SIZE                                                   \
  (offsetof(sseval_curl_options, on_progress) +                                \
   sizeof(((sseval_curl_options *)0)->on_progress))

sseval_status sseval_curl_new(sseval_curl **out, const sseval_claude_callbacks *cbs,
                              void *user, const sseval_curl_options *opts) {
  sseval_curl *s;
  sseval_claude_options copts;
  const sseval_claude_options *claude_opts;
  sseval_claude_callbacks mine;
  sseval_status st;
  if (!out) return SSEVAL_E_MISUSE;
  *out = NULL;
  if (opts && opts->struct_size < CURL_OPTIONS_V1_SIZE) return SSEVAL_E_STRUCT_SIZE;
  if (cbs && cbs->struct_size < SSEVAL_CLAUDE_CALLBACKS_V1_SIZE) return SSEVAL_E_STRUCT_SIZE;
  s = (sseval_curl *)calloc(1, sizeof *s);
  if (!s) return SSEVAL_E_NOMEM;
  sseval_curl_options_init(&s->opts);
  if (opts) /* an older, shorter struct: the rest keeps its default */
    memcpy(&s->opts, opts, opts->struct_size < sizeof s->opts ? opts->struct_size : sizeof s->opts);
  s->opts.struct_size = sizeof s->opts;
  /* the caller's validator options go to sseval_claude_new as they are (it
   * reads only their struct_size bytes and reports a bad size) */
  claude_opts = s->opts.claude;
  if (!claude_opts) {
    sseval_claude_options_init(&copts);
    copts.flags |= SSEVAL_CLAUDE_ACCUMULATE;
    claude_opts = &copts;
  }
  s->opts.claude = NULL; /* do not keep the caller's pointer */
  /* a caller built against an older, shorter struct: the rest stays NULL */
  sseval_claude_callbacks_init(&s->cbs);
  if (cbs)
    memcpy(&s->cbs, cbs, cbs->struct_size < sizeof s->cbs ? cbs->struct_size : sizeof s->cbs);
  s->cbs.struct_size = sizeof s->cbs;
  s->decoding = s->opts.content_decoding != 0;
  wrap_callbacks(&s->cbs, &mine);
  st = sseval_claude_new(&s->claude, &mine, s, claude_opts);
  if (st != SSEVAL_OK) {
    free(s);
    return st;
  }
  s->user = user;
  sseval_curl_reset(s);
  *out = s;
  return SSEVAL_OK;
}

/* A header list holds the API key: wipe it before it goes back to the heap. */
static void free_list(struct curl_slist *list) {
  struct curl_slist *h;
  for (h = list; h; h = h->next)
    if (h->data) {
      volatile char *p = h->data;
      while (*p) *p++ = '\0';
    }
  curl_slist_free_all(list);
}

static void free_headers(sseval_curl *s) {
  free_list(s->headers);
  s->headers = NULL;
}

void sseval_curl_free(sseval_curl *s) {
  if (!s) return;
  if (s->easy && s->headers) curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, NULL);
  free_headers(s);
  sseval_claude_free(s->claude);
  free(s->body);
  free(s);
}

sseval_claude *sseval_curl_claude(const sseval_curl *s) { return s ? s->claude : NULL; }
void *sseval_curl_easy(const sseval_curl *s) { return s ? s->easy : NULL; }
long sseval_curl_http_status(const sseval_curl *s) { return s ? s->status : 0; }
int sseval_curl_paused(const sseval_curl *s) { return s ? s->paused : 0; }

sseval_span sseval_curl_request_id(const sseval_curl *s) {
  return s ? span(s->request_id, s->request_id_len) : span("", 0);
}

/* ---- libcurl callbacks ------------------------------------------------------------- */
static size_t header_cb(char *buf, size_t size, size_t nitems, void *ud) {
  sseval_curl *s = (sseval_curl *)ud;
  size_t len = size * nitems;
  sseval_span line, name, value;
  const char *colon;
  s->last_activity_ms = mono_ms();
  if (s->mode != MODE_UNDECIDED) return len; /* trailers */
  if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
    /* a status line starts a new response (1xx interim, redirects) */
    const char *p = memchr(buf, ' ', len);
    reset_response(s);
    if (p && (size_t)(buf + len - p) >= 4) {
      int i;
      long v = 0;
      for (i = 1; i <= 3; i++) {
        if (p[i] < '0' || p[i] > '9') {
          v = 0;
          break;
        }
        v = v * 10 + (p[i] - '0');
      }
      s->status = v;
    }
    return len;
  }
  line = trim(buf, len);
  if (line.len == 0) {
    if (s->status >= 200 && !s->headers_done) {
      s->headers_done = 1;
      if (s->opts.on_headers && s->opts.on_headers(s->user, s)) {
        s->hook_failed = 1;
        return 0;
      }
    }
    return len;
  }
  colon = memchr(line.ptr, ':', line.len);
  if (!colon) return len;
  name = trim(line.ptr, (size_t)(colon - line.ptr));
  value = trim(colon + 1, (size_t)(line.ptr + line.len - colon - 1));
  if (ieq(name, "content-type")) {
    size_t n = 0;
    s->content_type_len = copy_value(s->content_type, value);
    while (n < value.len && value.ptr[n] != ';') n++;
    s->event_stream = ieq(trim(value.ptr, n), "text/event-stream");
  } else if (ieq(name, "request-id")) {
    s->request_id_len = copy_value(s->request_id, value);
  } else if (ieq(name, "content-encoding")) {
    s->content_encoding_len = copy_value(s->content_encoding, value);
  } else {
    sseval_retry_outcome_header(&s->hints, name, value, unix_ms());
  }
  return len;
}

static void keep_body(sseval_curl *s, const char *p, size_t n) {
  size_t room, want;
  if (s->body_len >= s->opts.max_body_bytes) return;
  room = s->opts.max_body_bytes - s->body_len;
  want = n < room ? n : room;
  if (s->body_len + want > s->body_cap) {
    size_t cap = s->body_cap ? s->body_cap : 1024;
    char *nb;
    while (cap < s->body_len + want) cap *= 2;
    if (cap > s->opts.max_body_bytes) cap = s->opts.max_body_bytes;
    nb = (char *)realloc(s->body, cap);
    if (!nb) return; /* keep what we have: it is only for the report */
    s->body = nb;
    s->body_cap = cap;
  }
  memcpy(s->body + s->body_len, p, want);
  s->body_len += want;
}

/* A Content-Encoding other than identity that libcurl does not decode:
 * the bytes are compressed, not an event stream to validate. */
static int encoded_raw(const sseval_curl *s) {
  return !s->decoding && s->content_encoding_len &&
         !ieq(span(s->content_encoding, s->content_encoding_len), "identity");
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *ud) {
  sseval_curl *s = (sseval_curl *)ud;
  size_t len = size * nmemb, skip, consumed = 0;
  sseval_status st;
  /* bytes count as activity, except after a ping: then only an event that
   * is not a ping does (tap_event) */
  if (!s->ping_last || s->mode != MODE_STREAM) s->last_activity_ms = mono_ms();
  s->paused = 0;
  if (len == 0) return 0;
  if (s->mode == MODE_UNDECIDED) {
    if (s->status == 0 && s->easy) {
      long code = 0;
      if (curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        s->status = code;
    }
    s->mode = (is_2xx(s->status) && s->event_stream) ? MODE_STREAM : MODE_BUFFER;
    if (is_2xx(s->status) && encoded_raw(s)) {
      s->stopped = STOP_ENCODED; /* nothing of it can be read */
      return 0;
    }
  }
  if (s->mode == MODE_BUFFER) {
    if (s->opts.on_body && s->opts.on_body(s->user, ptr, len)) {
      s->hook_failed = 1;
      return 0;
    }
    s->body_bytes += len;
    keep_body(s, ptr, len);
    if (s->body_bytes > s->opts.max_body_bytes) {
      s->stopped = STOP_BODY; /* kept what the report needs; stop there */
      return 0;
    }
    return len;
  }
  /* A redelivery after a pause starts with bytes already consumed. */
  skip = s->skip < len ? s->skip : len;
  s->skip -= skip;
  if (skip == len) return len;
  st = sseval_claude_feed(s->claude, ptr + skip, len - skip, &consumed);
  if (consumed) {
    s->body_bytes += consumed;
    if (s->opts.on_body && s->opts.on_body(s->user, ptr + skip, consumed)) {
      s->hook_failed = 1;
      return 0;
    }
  }
  if (st == SSEVAL_PAUSED) {
    s->skip = skip + consumed;
    s->paused = 1;
    return CURL_WRITEFUNC_PAUSE;
  }
  if (st != SSEVAL_OK) {
    if (s->feed_status == SSEVAL_OK) s->feed_status = st;
    return 0;
  }
  /* stop where `sseval check` stops: once nothing more can be learned
   * (a final verdict, or a violation whose later error event was found) */
  if (!sseval_claude_wants_more(s->claude, NULL)) {
    s->stopped = STOP_FINAL;
    return 0;
  }
  return len;
}

static int xferinfo_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow) {
  sseval_curl *s = (sseval_curl *)ud;
  uint64_t now = mono_ms();
  (void)dltotal;
  (void)dlnow;
  (void)ultotal;
  if (s->last_activity_ms == 0 || s->paused || ulnow != s->last_ul)
    s->last_activity_ms = now;
  s->last_ul = ulnow;
  if (s->opts.on_progress && s->opts.on_progress(s->user, s)) {
    s->hook_failed = 1;
    return 1;
  }
  if (s->opts.idle_timeout_ms && !s->paused && now > s->last_activity_ms &&
      now - s->last_activity_ms >= s->opts.idle_timeout_ms) {
    s->idle_fired = 1;
    return 1;
  }
  return 0;
}

/* ---- setup ----------------------------------------------------------------------------- */
sseval_status sseval_curl_attach(sseval_curl *s, void *easy) {
  CURL *e = (CURL *)easy;
  if (!s || !e) return SSEVAL_E_MISUSE;
  if (curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)s) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)s) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xferinfo_cb) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_XFERINFODATA, (void *)s) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L) != CURLE_OK)
    return SSEVAL_E_MISUSE;
  s->easy = e;
  return SSEVAL_OK;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *h, int *ok) {
  struct curl_slist *n;
  if (!*ok) return list;
  n = curl_slist_append(list, h);
  if (!n) {
    *ok = 0;
    return list;
  }
  return n;
}

/* A value put in a header line or the URL: no control character (CR, LF
 * would start another header), no DEL. */
static int clean_value(const char *v) {
  for (; *v; v++)
    if ((unsigned char)*v < 0x20 || *v == 0x7F) return 0;
  return 1;
}

static int http_url(const char *u) {
  static const char *const schemes[] = {"http://", "https://"};
  size_t k, i;
  for (k = 0; k < 2; k++) {
    for (i = 0; schemes[k][i] && lower(u[i]) == (unsigned char)schemes[k][i]; i++) {
    }
    if (!schemes[k][i]) return 1;
  }
  return 0;
}


/* ---- the request body ------------------------------------------------------------------ */
/* The body being rewritten by stream_body. */
typedef struct body_writer {
  char *w;
} body_writer;

static int copy_member(void *user, const sseval_json_member *m) {
  body_writer *b = (body_writer *)user;
  if (sseval_json_name_is(m, "stream")) return 0; /* ours comes first */
  *b->w++ = ',';
  memcpy(b->w, m->member.ptr, m->member.len);
  b->w += m->member.len;
  return 0;
}

/* The body with "stream": true first and any "stream" member dropped;
 * every other member byte for byte. Returns a malloc'd copy (*out_len set),
 * or NULL with *st set (E_INVALID: not a JSON object). */
static char *stream_body(const char *in, size_t len, size_t *out_len, sseval_status *st) {
  body_writer b;
  char *out;
  /* the result is never longer than the input plus the new member */
  out = (char *)malloc(len + sizeof "{\"stream\":true}");
  if (!out) {
    *st = SSEVAL_E_NOMEM;
    return NULL;
  }
  memcpy(out, "{\"stream\":true", 14);
  b.w = out + 14;
  if (sseval_json_object_members(in, in ? len : 0, copy_member, &b) != SSEVAL_OK) {
    *st = SSEVAL_E_INVALID;
    free(out);
    return NULL;
  }
  *b.w++ = '}';
  *out_len = (size_t)(b.w - out);
  *st = SSEVAL_OK;
  return out;
}

sseval_status sseval_curl_set_request(sseval_curl *s, const sseval_curl_request *req) {
  const char *base, *body;
  char *url, *key_header = NULL, *rewritten = NULL, ua[64];
  size_t blen, klen, body_len;
  int ok = 1;
  long decode;
  struct curl_slist *list = NULL;
  sseval_status st;
  if (!s || !req || !s->easy || (!req->body && req->body_len)) return SSEVAL_E_MISUSE;
  base = req->base_url ? req->base_url : SSEVAL_ANTHROPIC_BASE_URL;
  /* only http and https; nothing that could split a header line */
  if (!http_url(base) || !clean_value(base) || (req->api_key && !clean_value(req->api_key)) ||
      (req->user_agent && !clean_value(req->user_agent)) ||
      (req->accept_encoding && !clean_value(req->accept_encoding)))
    return SSEVAL_E_MISUSE;
  body = req->body ? (const char *)req->body : "";
  body_len = req->body_len;
  if (req->set_stream) {
    rewritten = stream_body(body, body_len, &body_len, &st);
    if (!rewritten) return st;
    body = rewritten;
  }
  blen = strlen(base);
  while (blen && base[blen - 1] == '/') blen--;
  url = (char *)malloc(blen + sizeof "/v1/messages");
  if (!url) {
    free(rewritten);
    return SSEVAL_E_NOMEM;
  }
  memcpy(url, base, blen);
  memcpy(url + blen, "/v1/messages", sizeof "/v1/messages");
  if (req->api_key) {
    klen = strlen(req->api_key);
    key_header = (char *)malloc(klen + sizeof "x-api-key: ");
    if (!key_header) {
      free(url);
      free(rewritten);
      return SSEVAL_E_NOMEM;
    }
    memcpy(key_header, "x-api-key: ", sizeof "x-api-key: " - 1);
    memcpy(key_header + sizeof "x-api-key: " - 1, req->api_key, klen + 1);
    list = add_header(list, key_header, &ok);
    { /* wipe our copy of the key */
      volatile char *p = key_header;
      while (*p) *p++ = '\0';
    }
    free(key_header);
  }
  list = add_header(list, "anthropic-version: " SSEVAL_ANTHROPIC_VERSION, &ok);
  list = add_header(list, "content-type: application/json", &ok);
  list = add_header(list, "accept: text/event-stream", &ok);
  list = add_header(list, "Expect:", &ok);
  if (!ok) {
    free_list(list);
    free(url);
    free(rewritten);
    return SSEVAL_E_NOMEM;
  }
  snprintf(ua, sizeof ua, "sseval/%s", sseval_version_string());
  /* NULL: every encoding libcurl can decode, decoded by libcurl. Otherwise
   * exactly what was asked, and libcurl passes the bytes through untouched
   * (a body encoded anyway is refused, see write_cb). */
  decode = req->accept_encoding == NULL;
  if (curl_easy_setopt(s->easy, CURLOPT_URL, url) != CURLE_OK ||
#if LIBCURL_VERSION_NUM >= 0x075500
      curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK ||
#else
      curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS,
                       (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_REDIR_PROTOCOLS,
                       (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK ||
#endif
      curl_easy_setopt(s->easy, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_ACCEPT_ENCODING,
                       decode ? "" : req->accept_encoding) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_HTTP_CONTENT_DECODING, decode) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_POST, 1L) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_COPYPOSTFIELDS, body) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_USERAGENT,
                       req->user_agent ? req->user_agent : ua) != CURLE_OK ||
      curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, list) != CURLE_OK) {
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    free_list(list);
    free(url);
    free(rewritten);
    return SSEVAL_E_MISUSE;
  }
  s->decoding = (int)decode;
  free(url); /* libcurl copied it */
  free(rewritten);
  free_headers(s);
  s->headers = list;
  return SSEVAL_OK;
}

sseval_status sseval_curl_resume(sseval_curl *s) {
  if (!s || !s->easy) return SSEVAL_E_MISUSE;
  if (!s->paused) return SSEVAL_OK;
  s->paused = 0;
  s->last_activity_ms = mono_ms();
  if (curl_easy_pause(s->easy, CURLPAUSE_CONT) != CURLE_OK) return SSEVAL_E_MISUSE;
  return SSEVAL_OK;
}

/* ---- the end of a transfer ----------------------------------------------------------------- */
/* libcurl codes that mean "the network failed", worth another attempt. */
static int retryable_curl_code(int code) {
  switch (code) {
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_PARTIAL_FILE:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_WEIRD_SERVER_REPLY:
    return 1;
  default:
    return 0;
  }
}

sseval_status sseval_curl_done(sseval_curl *s, int curl_code, sseval_curl_result *out) {
  sseval_status st = SSEVAL_OK;
  sseval_curl_result r;
  if (!s) return SSEVAL_E_MISUSE;
  memset(&r, 0, sizeof r);
  r.curl_code = curl_code;
  r.reason = curl_code ? curl_easy_strerror((CURLcode)curl_code) : "";
  /* the binding's own early stops are not transfer errors */
  if (s->stopped == STOP_FINAL)
    r.reason = "stopped reading: the verdict was final";
  else if (s->stopped == STOP_BODY)
    r.reason = "stopped reading: the body is longer than max_body_bytes";
  else if (s->stopped == STOP_ENCODED || curl_code == CURLE_BAD_CONTENT_ENCODING)
    r.reason = "the body has a Content-Encoding that was not asked for or "
               "cannot be decoded; it was not read";
  if (s->idle_fired) {
    r.reason = "idle timeout (no byte received in time)";
    r.timed_out = 1;
  } else if (curl_code == CURLE_OPERATION_TIMEDOUT) {
    r.timed_out = 1;
  }
  r.http_status = s->status;
  r.content_type = span(s->content_type, s->content_type_len);
  r.request_id = span(s->request_id, s->request_id_len);
  r.body_bytes = s->body_bytes;
  r.outcome = s->hints;
  r.outcome.http_status = (int)s->status;
  s->paused = 0;

  if (is_2xx(s->status) && s->headers_done &&
      (s->stopped == STOP_ENCODED || curl_code == CURLE_BAD_CONTENT_ENCODING)) {
    /* compressed bytes are not an event stream: same end as a wrong type */
    r.end = SSEVAL_CURL_END_NOT_SSE;
    r.outcome.kind = SSEVAL_RETRY_INVALID;
    r.body = span("", 0);
    r.exit_code = 7;
  } else if (!s->headers_done && s->mode == MODE_UNDECIDED) {
    r.end = SSEVAL_CURL_END_NO_RESPONSE;
    r.http_status = 0;
    r.outcome.http_status = 0;
    r.outcome.kind = r.timed_out ? SSEVAL_RETRY_TIMEOUT
                     : (curl_code == CURLE_OK || retryable_curl_code(curl_code))
                         ? SSEVAL_RETRY_CONNECT_ERROR
                         : SSEVAL_RETRY_INVALID;
    if (s->hook_failed) r.outcome.kind = SSEVAL_RETRY_INVALID;
    if (!r.reason[0]) r.reason = "no response";
    r.exit_code = 8;
  } else if (is_2xx(s->status) && s->event_stream) {
    r.end = SSEVAL_CURL_END_STREAM;
    st = sseval_claude_finish(s->claude, &s->stream);
    if (st == SSEVAL_E_MISUSE) { /* already finished: keep that result */
      sseval_claude_get_result(s->claude, &s->stream);
      st = SSEVAL_OK;
    }
    if (st == SSEVAL_OK && s->feed_status != SSEVAL_OK) st = s->feed_status;
    r.stream = s->stream;
    switch (s->stream.verdict) {
    case SSEVAL_VERDICT_COMPLETE: r.outcome.kind = SSEVAL_RETRY_OK; break;
    case SSEVAL_VERDICT_TRUNCATED: r.outcome.kind = SSEVAL_RETRY_TRUNCATED; break;
    case SSEVAL_VERDICT_ERROR_EVENT: r.outcome.kind = SSEVAL_RETRY_ERROR_EVENT; break;
    default: r.outcome.kind = SSEVAL_RETRY_INVALID; break;
    }
    if (s->stream.has_error) {
      r.has_error = 1;
      r.error = s->stream.error;
      r.outcome.error_type = r.error.type;
    }
    /* A stream that reached message_stop carried a whole answer: whatever
     * came after it, asking again would duplicate a billed request. */
    if (s->saw_message_stop && r.outcome.kind != SSEVAL_RETRY_OK)
      r.outcome.kind = SSEVAL_RETRY_INVALID;
    if (st != SSEVAL_OK || s->hook_failed) r.outcome.kind = SSEVAL_RETRY_INVALID;
    r.exit_code = sseval_verdict_exit_code(s->stream.verdict);
  } else if (is_2xx(s->status)) {
    r.end = SSEVAL_CURL_END_NOT_SSE;
    r.outcome.kind = SSEVAL_RETRY_INVALID;
    r.body = span(s->body ? s->body : "", s->body_len);
    r.exit_code = 7;
  } else {
    r.end = SSEVAL_CURL_END_HTTP_ERROR;
    r.outcome.kind = SSEVAL_RETRY_HTTP_ERROR;
    r.body = span(s->body ? s->body : "", s->body_len);
    if (sseval_parse_error_body(s->body ? s->body : "", s->body_len, s->err_scratch,
                                sizeof s->err_scratch, &r.error) == SSEVAL_OK) {
      r.has_error = 1;
      r.outcome.error_type = r.error.type;
    } else {
      memset(&r.error, 0, sizeof r.error);
    }
    r.error.http_status = (int)s->status;
    r.error.retryable = sseval_retry_classify(NULL, &r.outcome, NULL);
    if (s->hook_failed) r.outcome.kind = SSEVAL_RETRY_INVALID;
    r.exit_code = 7;
  }
  if (out) *out = r;
  return st;
}
