/* SPDX-License-Identifier: MIT */
/*
 * tools/cmd_serve.c - `sseval serve`: a stand-in for the Messages API on
 * libmicrohttpd that injects the failures of a scenario and logs what each
 * client did (docs/SERVE.md).
 *
 * One daemon with internal polling threads (epoll on Linux). A response is
 * a plan (serve_scenario.c): bytes, and when each may leave. The content
 * reader sends what is due; when nothing is, it suspends the connection and
 * a timer thread resumes it at the next due time, so a paced stream costs no
 * thread and no busy loop.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <microhttpd.h>

#include "cli.h"
#include "serve.h"

#if MHD_VERSION < 0x00097002
typedef int sv_mhd_result;
#else
typedef enum MHD_Result sv_mhd_result;
#endif

#define SV_MAX_BODY ((size_t)32 << 20)

/* ---- per-client sequences -------------------------------------------------------- */
typedef struct sv_seq {
  struct sv_seq *next;
  char *key; /* client id + '\n' + scenario spec */
  uint64_t count;
  uint64_t last_ms;
} sv_seq;

/* ---- a request ----------------------------------------------------------------- */
typedef struct sv_req {
  sv_server *srv;
  struct MHD_Connection *conn;
  sv_buf upload;
  int too_large;
  uint64_t arrive_ms, arrive_wall;
  char id[40];
  char path[256];
  char method[16];
  char client[64];
  char version[64];
  char ctype[96];
  char ua[128];
  char retry_count[16];
  char scenario[256];
  char step[128];
  int has_key;
  int streaming;
  uint64_t attempt;     /* 1-based within its sequence */
  long long since_prev; /* ms, -1 = first */
  sv_plan plan;
  int planned;
  int head_done;
  uint64_t start_ms;    /* when the response started */
  uint64_t sent;
  int end_reason;       /* 0 none, 1 all sent, 2 cut, 3 reset, 4 shutdown */
  size_t attempt_index; /* into srv->attempts, or (size_t)-1 */
  uint64_t generation;  /* of srv->attempts when recorded */
  sv_stream own;        /* a generated stream */
  int has_own;
} sv_req;

typedef struct sv_timer {
  uint64_t due;
  sv_req *req;
} sv_timer;

struct sv_server {
  struct MHD_Daemon *d;
  sv_config cfg;
  unsigned port;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t timer_thread;
  int timer_started;
  int stopping;
  sv_timer *heap;
  size_t nheap, capheap;
  sv_seq *seqs;
  uint64_t nreq;
  unsigned open;
  const sv_scenario *scenario; /* the suite's, else cfg.scenario */
  const sv_stream *stream;
  sv_attempt *attempts;
  size_t nattempts, capattempts;
  uint64_t generation; /* bumped when the attempts are forgotten */
};

/* ---- the timer ------------------------------------------------------------------- */
static void heap_push(sv_server *s, uint64_t due, sv_req *r) {
  size_t i;
  if (s->nheap == s->capheap) {
    size_t nc = s->capheap ? s->capheap * 2 : 256;
    sv_timer *nh = (sv_timer *)realloc(s->heap, nc * sizeof *nh);
    if (!nh) { /* resume now rather than lose the connection */
      MHD_resume_connection(r->conn);
      return;
    }
    s->heap = nh;
    s->capheap = nc;
  }
  i = s->nheap++;
  while (i > 0 && s->heap[(i - 1) / 2].due > due) {
    s->heap[i] = s->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  s->heap[i].due = due;
  s->heap[i].req = r;
}

static sv_timer heap_pop(sv_server *s) {
  sv_timer top = s->heap[0], last = s->heap[--s->nheap];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= s->nheap) break;
    if (c + 1 < s->nheap && s->heap[c + 1].due < s->heap[c].due) c++;
    if (s->heap[c].due >= last.due) break;
    s->heap[i] = s->heap[c];
    i = c;
  }
  if (s->nheap) s->heap[i] = last;
  return top;
}

/* Suspend r (from an MHD callback) until `due` (monotonic ms). */
static void sleep_until(sv_req *r, uint64_t due) {
  sv_server *s = r->srv;
  MHD_suspend_connection(r->conn);
  pthread_mutex_lock(&s->mu);
  if (s->stopping) {
    pthread_mutex_unlock(&s->mu);
    MHD_resume_connection(r->conn);
    return;
  }
  heap_push(s, due, r);
  if (s->heap[0].req == r) pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

static void *timer_main(void *arg) {
  sv_server *s = (sv_server *)arg;
  struct MHD_Connection *due[256];
  pthread_mutex_lock(&s->mu);
  for (;;) {
    uint64_t now = sv_now_ms();
    size_t n = 0, i;
    if (s->stopping && s->nheap == 0) break;
    while (s->nheap && (s->heap[0].due <= now || s->stopping) && n < 256)
      due[n++] = heap_pop(s).req->conn;
    if (n) {
      pthread_mutex_unlock(&s->mu);
      for (i = 0; i < n; i++) MHD_resume_connection(due[i]);
      pthread_mutex_lock(&s->mu);
      continue;
    }
    if (s->nheap) {
      struct timespec ts;
      uint64_t wait = s->heap[0].due - now;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      ts.tv_sec += (time_t)(wait / 1000u);
      ts.tv_nsec += (long)(wait % 1000u) * 1000000L;
      if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    } else {
      pthread_cond_wait(&s->cv, &s->mu);
    }
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* ---- logging --------------------------------------------------------------------- */
static const char *end_name(const sv_req *r, enum MHD_RequestTerminationCode toe) {
  if (r->end_reason == 4) return "shutdown";
  switch (toe) {
  case MHD_REQUEST_TERMINATED_COMPLETED_OK:
    return r->end_reason == 2 ? "cut" : "complete";
  case MHD_REQUEST_TERMINATED_WITH_ERROR:
    if (r->end_reason == 3) return "reset";
    return r->end_reason == 2 ? "cut" : "client_closed";
  case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: return "timeout";
  case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: return "shutdown";
  case MHD_REQUEST_TERMINATED_READ_ERROR:
  case MHD_REQUEST_TERMINATED_CLIENT_ABORT: return "client_closed";
  }
  return "unknown";
}

static void log_request(sv_server *s, const sv_req *r, const char *end) {
  sv_buf b = {0};
  uint64_t took = sv_now_ms() - r->arrive_ms;
  FILE *out = s->cfg.log;
  if (!out) return;
  if (s->cfg.log_json) {
    sv_fmt(&b, "{\"time_ms\":%llu,\"request_id\":", (unsigned long long)r->arrive_wall);
    sv_json_str(&b, r->id, strlen(r->id));
    sv_str(&b, ",\"method\":");
    sv_json_str(&b, r->method, strlen(r->method));
    sv_str(&b, ",\"path\":");
    sv_json_str(&b, r->path, strlen(r->path));
    sv_str(&b, ",\"client\":");
    sv_json_str(&b, r->client, strlen(r->client));
    sv_str(&b, ",\"scenario\":");
    sv_json_str(&b, r->scenario, strlen(r->scenario));
    sv_fmt(&b, ",\"attempt\":%llu,\"since_previous_ms\":", (unsigned long long)r->attempt);
    if (r->since_prev < 0) sv_str(&b, "null");
    else sv_fmt(&b, "%lld", r->since_prev);
    sv_str(&b, ",\"step\":");
    sv_json_str(&b, r->step, strlen(r->step));
    sv_fmt(&b, ",\"headers\":{\"x-api-key\":%s", r->has_key ? "true" : "false");
    sv_str(&b, ",\"anthropic-version\":");
    if (r->version[0]) sv_json_str(&b, r->version, strlen(r->version));
    else sv_str(&b, "null");
    sv_str(&b, ",\"content-type\":");
    if (r->ctype[0]) sv_json_str(&b, r->ctype, strlen(r->ctype));
    else sv_str(&b, "null");
    sv_str(&b, ",\"user-agent\":");
    if (r->ua[0]) sv_json_str(&b, r->ua, strlen(r->ua));
    else sv_str(&b, "null");
    sv_str(&b, ",\"x-stainless-retry-count\":");
    if (r->retry_count[0]) sv_json_str(&b, r->retry_count, strlen(r->retry_count));
    else sv_str(&b, "null");
    sv_fmt(&b, "},\"stream\":%s,\"sent\":{\"status\":%d,\"what\":",
           r->streaming ? "true" : "false", r->plan.status);
    sv_json_str(&b, r->plan.what ? r->plan.what : "", r->plan.what ? strlen(r->plan.what) : 0);
    sv_fmt(&b, ",\"bytes\":%llu,\"events\":%llu},\"end\":\"%s\",\"duration_ms\":%llu}\n",
           (unsigned long long)r->sent, (unsigned long long)r->plan.events, end,
           (unsigned long long)took);
  } else {
    sv_fmt(&b, "%s %s %s client=%s scenario=%s attempt=%llu", r->id, r->method,
           r->path, r->client, r->scenario[0] ? r->scenario : "-",
           (unsigned long long)r->attempt);
    if (r->since_prev >= 0) sv_fmt(&b, " (+%lld ms)", r->since_prev);
    sv_fmt(&b, " step=%s key=%s version=%s stream=%s -> %d %s, %llu bytes, "
               "%llu events, %s after %llu ms\n",
           r->step[0] ? r->step : "-", r->has_key ? "present" : "absent",
           r->version[0] ? r->version : "-", r->streaming ? "true" : "false",
           r->plan.status, r->plan.what ? r->plan.what : "-",
           (unsigned long long)r->sent, (unsigned long long)r->plan.events, end,
           (unsigned long long)took);
  }
  if (!b.oom) {
    pthread_mutex_lock(&s->mu);
    fwrite(b.p, 1, b.len, out);
    fflush(out);
    pthread_mutex_unlock(&s->mu);
  }
  sv_free(&b);
}

/* ---- the content reader ------------------------------------------------------------ */
static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max) {
  sv_req *r = (sv_req *)cls;
  const sv_plan *p = &r->plan;
  uint64_t now = sv_now_ms() - r->start_ms;
  size_t limit = 0, i, n;
  int stopping;

  pthread_mutex_lock(&r->srv->mu);
  stopping = r->srv->stopping;
  pthread_mutex_unlock(&r->srv->mu);
  if (stopping) {
    r->end_reason = 4;
    return MHD_CONTENT_READER_END_WITH_ERROR;
  }
  if (pos >= p->body.len) {
    uint64_t last = p->nseg ? p->seg[p->nseg - 1].due : 0;
    if (p->hold && now < last + p->hold) {
      sleep_until(r, r->start_ms + last + p->hold);
      return 0;
    }
    if (p->end == SV_END_RESET) {
      r->end_reason = 3;
      return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (p->length && p->body.len < p->length) {
      r->end_reason = 2;
      return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    r->end_reason = strcmp(p->what, "cut") == 0 ? 2 : 1;
    return MHD_CONTENT_READER_END_OF_STREAM;
  }
  for (i = 0; i < p->nseg; i++) {
    if (p->seg[i].end <= pos) continue;
    if (p->seg[i].due > now) break;
    limit = p->seg[i].end;
  }
  if (limit <= pos) {
    sleep_until(r, r->start_ms + (i < p->nseg ? p->seg[i].due : now));
    return 0;
  }
  n = limit - (size_t)pos;
  if (n > max) n = max;
  memcpy(buf, p->body.p + pos, n);
  r->sent += n;
  return (ssize_t)n;
}

/* ---- requests ---------------------------------------------------------------------- */
static void get_header(struct MHD_Connection *c, const char *name, char *dst,
                       size_t cap) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  dst[0] = '\0';
  if (v) snprintf(dst, cap, "%s", v);
}

static sv_mhd_result queue_plan(sv_req *r) {
  struct MHD_Response *resp;
  sv_mhd_result ok;
  int i;
  uint64_t size = r->plan.length ? r->plan.length : MHD_SIZE_UNKNOWN;
  if (r->plan.length == 0 && r->plan.status != 200) size = r->plan.body.len;
  r->start_ms = sv_now_ms();
  resp = MHD_create_response_from_callback(size, 4096, reader, r, NULL);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", r->plan.content_type);
  MHD_add_response_header(resp, "request-id", r->id);
  if (r->plan.status == 200 && r->plan.length == 0)
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
  if (r->plan.gzip) MHD_add_response_header(resp, "Content-Encoding", "gzip");
  for (i = 0; i < r->plan.nheaders; i++)
    MHD_add_response_header(resp, r->plan.headers[i][0], r->plan.headers[i][1]);
  ok = MHD_queue_response(r->conn, (unsigned)r->plan.status, resp);
  MHD_destroy_response(resp);
  return ok;
}

/* An error answered by the server itself (bad request, unknown path). */
static sv_mhd_result queue_error(sv_req *r, int status, const char *type,
                                 const char *message) {
  sv_plan_free(&r->plan);
  r->planned = 1;
  r->plan.status = status;
  r->plan.content_type = "application/json";
  r->plan.what = "rejected";
  sv_error_body(&r->plan.body, type, message, r->id);
  r->plan.length = r->plan.body.len;
  r->plan.seg = (sv_seg *)malloc(sizeof *r->plan.seg);
  if (!r->plan.seg || r->plan.body.oom) return MHD_NO;
  r->plan.seg[0].end = r->plan.body.len;
  r->plan.seg[0].due = 0;
  r->plan.nseg = 1;
  snprintf(r->step, sizeof r->step, "(rejected)");
  return queue_plan(r);
}

/* Which scenario: the x-sseval-scenario header, a /s/<spec> path prefix, the
 * suite's, or the command line's. Fills r->scenario and the step. */
static int choose_step(sv_req *r, sv_step *st, char *err, size_t errcap) {
  sv_server *s = r->srv;
  char hdr[256];
  const sv_scenario *sc;
  sv_scenario own;
  int have_own = 0;
  sv_seq *q;
  size_t keylen;
  uint64_t now = r->arrive_ms;

  memset(&own, 0, sizeof own);
  get_header(r->conn, "x-sseval-scenario", hdr, sizeof hdr);
  if (!hdr[0] && strncmp(r->path, "/s/", 3) == 0) {
    const char *e = strstr(r->path + 3, "/v1/");
    size_t n = e ? (size_t)(e - r->path - 3) : 0;
    if (n && n < sizeof hdr) {
      memcpy(hdr, r->path + 3, n);
      hdr[n] = '\0';
    }
  }
  if (hdr[0]) {
    if (sv_scenario_parse(&own, hdr, err, errcap) != 0) return -1;
    have_own = 1;
    sc = &own;
  } else {
    pthread_mutex_lock(&s->mu);
    sc = s->scenario;
    pthread_mutex_unlock(&s->mu);
  }
  snprintf(r->scenario, sizeof r->scenario, "%s", sc ? sc->spec : "");
  keylen = strlen(r->client) + 1 + strlen(r->scenario);
  pthread_mutex_lock(&s->mu);
  for (q = s->seqs; q; q = q->next)
    if (strlen(q->key) == keylen && strncmp(q->key, r->client, strlen(r->client)) == 0 &&
        strcmp(q->key + strlen(r->client) + 1, r->scenario) == 0)
      break;
  if (!q) {
    q = (sv_seq *)calloc(1, sizeof *q);
    if (q) q->key = (char *)malloc(keylen + 1);
    if (q && q->key) {
      snprintf(q->key, keylen + 1, "%s\n%s", r->client, r->scenario);
      q->next = s->seqs;
      s->seqs = q;
    } else {
      free(q);
      q = NULL;
    }
  }
  r->attempt = q ? ++q->count : 1;
  r->since_prev = q && q->count > 1 ? (long long)(now - q->last_ms) : -1;
  if (q) q->last_ms = now;
  if (sc) {
    *st = *sv_scenario_step(sc, r->attempt - 1);
  } else {
    memset(st, 0, sizeof *st);
    st->kind = SV_OK;
    st->pace = -1;
    st->ms = -1;
    st->retry_after = st->retry_after_ms = -1;
    st->should_retry = -1;
  }
  pthread_mutex_unlock(&s->mu);
  {
    sv_buf b = {0};
    sv_step_format(st, &b);
    snprintf(r->step, sizeof r->step, "%s", b.p ? b.p : "ok");
    sv_free(&b);
  }
  if (have_own) sv_scenario_free(&own);
  return 0;
}

/* What check_request needs of a request body's top level. */
typedef struct req_fields {
  int streaming, has_model, has_max, has_messages;
} req_fields;

static int on_request_member(void *user, const sseval_json_member *m) {
  req_fields *f = (req_fields *)user;
  char first = m->value.len ? m->value.ptr[0] : '\0';
  if (sseval_json_name_is(m, "stream"))
    f->streaming = first == 't'; /* validated: only `true` starts with t */
  else if (sseval_json_name_is(m, "model"))
    f->has_model = first == '"';
  else if (sseval_json_name_is(m, "max_tokens"))
    f->has_max = first == '-' || (first >= '0' && first <= '9');
  else if (sseval_json_name_is(m, "messages"))
    f->has_messages = first == '[';
  return 0;
}

/* Checks the request a real client sends; 0 when fine, else a response
 * was queued (*ret). */
static int check_request(sv_req *r, sv_mhd_result *ret) {
  req_fields f = {0, 0, 0, 0};
  int has_model, has_max, has_messages;
  if (!r->has_key) {
    *ret = queue_error(r, 401, "authentication_error", "x-api-key header is required");
    return 1;
  }
  if (!r->version[0]) {
    *ret = queue_error(r, 400, "invalid_request_error",
                       "anthropic-version: header is required");
    return 1;
  }
  if (strncmp(r->ctype, "application/json", 16) != 0) {
    *ret = queue_error(r, 400, "invalid_request_error",
                       "content-type: must be application/json");
    return 1;
  }
  if (r->too_large) {
    *ret = queue_error(r, 413, "request_too_large",
                       "Request exceeds the maximum allowed number of bytes.");
    return 1;
  }
  if (sseval_json_object_members(r->upload.p, r->upload.p ? r->upload.len : 0,
                                 on_request_member, &f) != SSEVAL_OK)
    goto bad_json;
  r->streaming = f.streaming;
  has_model = f.has_model;
  has_max = f.has_max;
  has_messages = f.has_messages;
  if (!has_model) {
    *ret = queue_error(r, 400, "invalid_request_error", "model: Field required");
    return 1;
  }
  if (!has_messages) {
    *ret = queue_error(r, 400, "invalid_request_error", "messages: Field required");
    return 1;
  }
  if (!has_max && strstr(r->path, "count_tokens") == NULL) {
    *ret = queue_error(r, 400, "invalid_request_error", "max_tokens: Field required");
    return 1;
  }
  return 0;
bad_json:
  *ret = queue_error(r, 400, "invalid_request_error",
                     "The request body is not valid JSON.");
  return 1;
}

static void record_attempt(sv_req *r) {
  sv_server *s = r->srv;
  pthread_mutex_lock(&s->mu);
  if (s->nattempts == s->capattempts) {
    size_t nc = s->capattempts ? s->capattempts * 2 : 16;
    sv_attempt *na = (sv_attempt *)realloc(s->attempts, nc * sizeof *na);
    if (na) {
      s->attempts = na;
      s->capattempts = nc;
    }
  }
  if (s->nattempts < s->capattempts) {
    sv_attempt *a = &s->attempts[s->nattempts];
    memset(a, 0, sizeof *a);
    a->t_ms = r->arrive_ms;
    snprintf(a->step, sizeof a->step, "%s", r->step);
    a->streaming = r->streaming;
    snprintf(a->end, sizeof a->end, "open");
    r->attempt_index = s->nattempts++;
    r->generation = s->generation;
  }
  pthread_mutex_unlock(&s->mu);
}

static sv_mhd_result answer(sv_req *r) {
  sv_server *s = r->srv;
  sv_step st;
  sv_plan_in in;
  sv_mhd_result ret;
  char err[160];
  const sv_stream *stream;
  int count = strcmp(r->path + strlen(r->path) -
                         (strlen(r->path) >= 25 ? 25 : strlen(r->path)),
                     "/v1/messages/count_tokens") == 0;
  int messages = !count && strlen(r->path) >= 12 &&
                 strcmp(r->path + strlen(r->path) - 12, "/v1/messages") == 0;

  if (!count && !messages)
    return queue_error(r, 404, "not_found_error", "Not found");
  if (strcmp(r->method, "POST") != 0)
    return queue_error(r, 405, "invalid_request_error", "Method not allowed");
  if (check_request(r, &ret)) return ret;
  if (count) {
    r->planned = 1;
    r->plan.status = 200;
    r->plan.content_type = "application/json";
    r->plan.what = "count";
    sv_fmt(&r->plan.body, "{\"input_tokens\":%llu}",
           (unsigned long long)r->upload.len / 4u + 1u);
    r->plan.length = r->plan.body.len;
    r->plan.seg = (sv_seg *)calloc(1, sizeof *r->plan.seg);
    if (!r->plan.seg) return MHD_NO;
    r->plan.seg[0].end = r->plan.body.len;
    r->plan.nseg = 1;
    return queue_plan(r);
  }
  if (choose_step(r, &st, err, sizeof err) != 0)
    return queue_error(r, 400, "invalid_request_error", err);
  record_attempt(r);
  pthread_mutex_lock(&s->mu);
  stream = s->stream;
  pthread_mutex_unlock(&s->mu);
  if (st.kind == SV_GEN || s->cfg.gen) {
    uint64_t seed = st.has_seed ? st.seed : s->cfg.gen_seed + r->attempt - 1;
    if (sv_stream_gen(&r->own, seed, st.fault[0] ? st.fault : NULL, err,
                      sizeof err) != 0)
      return queue_error(r, 500, "api_error", err);
    r->has_own = 1;
    stream = &r->own;
  } else if (st.stream[0]) {
    if (sv_stream_builtin(&r->own, st.stream, 0, err, sizeof err) != 0)
      return queue_error(r, 400, "invalid_request_error", err);
    r->has_own = 1;
    stream = &r->own;
  }
  memset(&in, 0, sizeof in);
  in.step = &st;
  in.stream = stream;
  in.streaming = r->streaming;
  in.pace_ms = s->cfg.pace_ms;
  in.stall_max_ms = s->cfg.stall_max_ms;
  in.request_id = r->id;
  r->planned = 1;
  if (sv_plan_build(&r->plan, &in) != 0) return MHD_NO;
  if (r->plan.head_delay && !r->head_done) {
    r->head_done = 1;
    sleep_until(r, r->arrive_ms + r->plan.head_delay);
    return MHD_YES;
  }
  return queue_plan(r);
}

static sv_mhd_result on_request(void *cls, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                const char *version, const char *upload,
                                size_t *upload_size, void **con_cls) {
  sv_server *s = (sv_server *)cls;
  sv_req *r = (sv_req *)*con_cls;
  (void)version;
  if (!r) {
    const char *key;
    uint64_t n;
    r = (sv_req *)calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    r->srv = s;
    r->conn = conn;
    r->arrive_ms = sv_now_ms();
    r->arrive_wall = sv_wall_ms();
    r->since_prev = -1;
    r->attempt_index = (size_t)-1;
    snprintf(r->path, sizeof r->path, "%s", url);
    snprintf(r->method, sizeof r->method, "%s", method);
    key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "x-api-key");
    if (!key || !*key) {
      const char *auth =
          MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "authorization");
      r->has_key = auth && strncmp(auth, "Bearer ", 7) == 0 && auth[7];
    } else {
      r->has_key = 1;
    }
    get_header(conn, "anthropic-version", r->version, sizeof r->version);
    get_header(conn, "content-type", r->ctype, sizeof r->ctype);
    get_header(conn, "user-agent", r->ua, sizeof r->ua);
    get_header(conn, "x-stainless-retry-count", r->retry_count, sizeof r->retry_count);
    get_header(conn, "x-sseval-client", r->client, sizeof r->client);
    if (!r->client[0]) snprintf(r->client, sizeof r->client, "-");
    pthread_mutex_lock(&s->mu);
    n = ++s->nreq;
    s->open++;
    pthread_mutex_unlock(&s->mu);
    snprintf(r->id, sizeof r->id, "req_sseval_%06llu", (unsigned long long)n);
    *con_cls = r;
    return MHD_YES;
  }
  if (*upload_size) {
    if (r->upload.len + *upload_size > SV_MAX_BODY) r->too_large = 1;
    else sv_add(&r->upload, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (r->planned) { /* back from a head delay */
    if (r->plan.head_forever) {
      r->end_reason = 3;
      return MHD_NO;
    }
    return queue_plan(r);
  }
  return answer(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  sv_server *s = (sv_server *)cls;
  sv_req *r = (sv_req *)*con_cls;
  const char *end;
  (void)conn;
  if (!r) return;
  end = r->planned && r->plan.head_forever && r->end_reason == 3 ? "reset"
                                                                 : end_name(r, toe);
  if (!r->planned) end = "client_closed";
  log_request(s, r, end);
  pthread_mutex_lock(&s->mu);
  if (r->attempt_index != (size_t)-1 && r->generation == s->generation &&
      r->attempt_index < s->nattempts) {
    sv_attempt *a = &s->attempts[r->attempt_index];
    a->status = r->plan.status;
    a->bytes = r->sent;
    snprintf(a->end, sizeof a->end, "%s", end);
  }
  s->open--;
  pthread_mutex_unlock(&s->mu);
  sv_plan_free(&r->plan);
  sv_free(&r->upload);
  if (r->has_own) sv_stream_free(&r->own);
  free(r);
  *con_cls = NULL;
}

/* ---- the server ---------------------------------------------------------------------- */
/* libmicrohttpd's messages, less the ones a scenario causes on purpose (the
 * connection closed by a reset, a stall past the cap). */
static void mhd_log(void *cls, const char *fmt, va_list ap) {
  char msg[512];
  (void)cls;
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (strstr(msg, "pplication")) return;
  fprintf(stderr, "sseval serve: libmicrohttpd: %s", msg);
  if (!*msg || msg[strlen(msg) - 1] != '\n') fputc('\n', stderr);
}

int sv_server_start(sv_server **out, const sv_config *cfg) {
  sv_server *s = (sv_server *)calloc(1, sizeof *s);
  struct sockaddr_in a4;
  struct sockaddr_in6 a6;
  struct sockaddr *sa;
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG;
  pthread_condattr_t ca;
  const union MHD_DaemonInfo *info;
  const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";

  if (!s) return -1;
  s->cfg = *cfg;
  s->scenario = cfg->scenario;
  s->stream = cfg->stream;
  memset(&a4, 0, sizeof a4);
  memset(&a6, 0, sizeof a6);
  if (strchr(bind, ':')) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET6, bind, &a6.sin6_addr) != 1) goto bad_addr;
    sa = (struct sockaddr *)&a6;
    flags |= MHD_USE_IPv6;
  } else {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, bind, &a4.sin_addr) != 1) goto bad_addr;
    sa = (struct sockaddr *)&a4;
  }
  pthread_mutex_init(&s->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&s->timer_thread, NULL, timer_main, s) != 0) {
    fprintf(stderr, "sseval serve: cannot start the timer thread\n");
    goto fail;
  }
  s->timer_started = 1;
  /* MHD_OPTION_THREAD_POOL_SIZE only for a pool: 0 or 1 draws a warning */
  s->d = MHD_start_daemon(
      flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
      MHD_OPTION_SOCK_ADDR, sa,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns ? cfg->max_conns : 16384u,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
      MHD_OPTION_CONNECTION_TIMEOUT, 0u,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
      cfg->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
      cfg->threads, MHD_OPTION_END);
  if (!s->d) {
    fprintf(stderr, "sseval serve: cannot listen on %s port %u\n", bind, cfg->port);
    goto fail;
  }
  info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : cfg->port;
  *out = s;
  return 0;
bad_addr:
  fprintf(stderr, "sseval serve: bad --bind address '%s'\n", bind);
  free(s);
  return -1;
fail:
  if (s->timer_started) {
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->timer_thread, NULL);
  }
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  free(s);
  return -1;
}

unsigned sv_server_port(const sv_server *s) { return s->port; }

void sv_server_set_scenario(sv_server *s, const sv_scenario *sc,
                            const sv_stream *stream) {
  pthread_mutex_lock(&s->mu);
  s->scenario = sc;
  if (stream) s->stream = stream;
  s->nattempts = 0;
  s->generation++;
  while (s->seqs) {
    sv_seq *n = s->seqs->next;
    free(s->seqs->key);
    free(s->seqs);
    s->seqs = n;
  }
  pthread_mutex_unlock(&s->mu);
}

size_t sv_server_attempts(sv_server *s, sv_attempt *out, size_t cap) {
  size_t n;
  pthread_mutex_lock(&s->mu);
  n = s->nattempts < cap ? s->nattempts : cap;
  if (n) memcpy(out, s->attempts, n * sizeof *out);
  pthread_mutex_unlock(&s->mu);
  return n;
}

unsigned sv_server_open(sv_server *s) {
  unsigned n;
  pthread_mutex_lock(&s->mu);
  n = s->open;
  pthread_mutex_unlock(&s->mu);
  return n;
}

void sv_server_stop(sv_server *s) {
  int i;
  if (!s) return;
  MHD_quiesce_daemon(s->d);
  pthread_mutex_lock(&s->mu);
  s->stopping = 1; /* resumes every suspended connection; readers end them */
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->timer_thread, NULL);
  /* let the resumed connections end before the daemon goes */
  for (i = 0; i < 200 && sv_server_open(s) > 0; i++) {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  MHD_stop_daemon(s->d);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  sv_server_set_scenario(s, NULL, NULL);
  free(s->heap);
  free(s->attempts);
  free(s);
}

/* ---- the command ---------------------------------------------------------------------- */
static void serve_usage(FILE *out) {
  fputs(
      "usage: sseval serve [OPTIONS]\n"
      "A stand-in for the Messages API that injects failures (docs/SERVE.md).\n"
      "Serves POST /v1/messages (streaming or not, from the request's \"stream\")\n"
      "and POST /v1/messages/count_tokens.\n\n"
      "  --port N              port (default 8080; 0 picks a free one)\n"
      "  --bind ADDR           address (default 127.0.0.1, loopback only)\n"
      "  --scenario SPEC       steps per request of each client, e.g.\n"
      "                        \"529,529,ok\" or \"cut:40%,ok\" (the last repeats)\n"
      "  --script FILE         the same, one step per line, # comments\n"
      "  --recording FILE      the stream to serve (default: a built-in one)\n"
      "  --builtin text|tool   the built-in stream (default text)\n"
      "  --deltas N            text deltas of the built-in stream (default 12)\n"
      "  --gen SEED            a generated stream per request (sseval gen)\n"
      "  --pace MS             milliseconds between events (default 0)\n"
      "  --stall-max S         how long \"forever\" lasts (default 300)\n"
      "  --threads N           server threads (default 1)\n"
      "  --max-connections N   (default 16384)\n"
      "  --log FILE            one line per request (default stderr; - stdout)\n"
      "  --log-json            JSON lines\n"
      "  --quiet               no request log\n"
      "  --lifetime S          stop after S seconds\n"
      "  --suite               grade a client: run it once per scenario and\n"
      "                        check what it did (docs/SERVE.md):\n"
      "    --client CMD        the client command (default: sseval stream)\n"
      "    --json              the grade as JSON    --json-file FILE  also into FILE\n"
      "    --only A,B          these scenarios      --list  list the scenarios\n"
      "    --client-timeout S  kill the client after S s (30)\n"
      "    --verbose           show the client's stderr and the request log\n\n"
      "Per request, the header x-sseval-scenario: SPEC or a base URL ending in\n"
      "/s/SPEC chooses the scenario; x-sseval-client: NAME keeps a separate\n"
      "sequence per client.\n",
      out);
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  unsigned long long v;
  if (!s || !*s || *s == '-' || *s == '+') return 0;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end) return 0;
  *out = (uint64_t)v;
  return 1;
}

int cli_serve(int argc, char **argv) {
  sv_config cfg;
  sv_scenario sc;
  sv_stream stream;
  sv_server *srv = NULL;
  const char *scenario = NULL, *script = NULL, *recording = NULL,
             *builtin = NULL, *log_path = NULL;
  uint64_t lifetime = 0, v, stall_max = 300, deltas = 0;
  int suite = 0, have_sc = 0, i, rc = 0;
  char err[256];
  sigset_t set;

  memset(&cfg, 0, sizeof cfg);
  cfg.port = 8080;
  cfg.bind = "127.0.0.1";
  cfg.threads = 1;
  cfg.log = stderr;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      if (suite) break;
      serve_usage(stdout);
      return 0;
    } else if (strcmp(a, "--suite") == 0) {
      suite = 1;
    } else if (suite) {
      continue; /* the suite's own options */
    } else if (strcmp(a, "--log-json") == 0) {
      cfg.log_json = 1;
    } else if (strcmp(a, "--quiet") == 0) {
      cfg.quiet = 1;
    } else if (!val) {
      fprintf(stderr, "sseval serve: unknown option or missing value '%s'\n", a);
      return 1;
    } else if (strcmp(a, "--port") == 0 && parse_u64(val, &v) && v <= 65535) {
      cfg.port = (unsigned)v;
      i++;
    } else if (strcmp(a, "--bind") == 0) {
      cfg.bind = val;
      i++;
    } else if (strcmp(a, "--scenario") == 0) {
      scenario = val;
      i++;
    } else if (strcmp(a, "--script") == 0) {
      script = val;
      i++;
    } else if (strcmp(a, "--recording") == 0) {
      recording = val;
      i++;
    } else if (strcmp(a, "--builtin") == 0) {
      builtin = val;
      i++;
    } else if (strcmp(a, "--gen") == 0 && parse_u64(val, &cfg.gen_seed)) {
      cfg.gen = 1;
      i++;
    } else if ((strcmp(a, "--deltas") == 0 && parse_u64(val, &deltas) && deltas >= 1 &&
                deltas <= 1000000) ||
               (strcmp(a, "--pace") == 0 && parse_u64(val, &cfg.pace_ms)) ||
               (strcmp(a, "--stall-max") == 0 && parse_u64(val, &stall_max)) ||
               (strcmp(a, "--lifetime") == 0 && parse_u64(val, &lifetime))) {
      i++;
    } else if (strcmp(a, "--threads") == 0 && parse_u64(val, &v) && v >= 1 && v <= 64) {
      cfg.threads = (unsigned)v;
      i++;
    } else if (strcmp(a, "--max-connections") == 0 && parse_u64(val, &v) && v >= 1 &&
               v <= 1000000) {
      cfg.max_conns = (unsigned)v;
      i++;
    } else if (strcmp(a, "--log") == 0) {
      log_path = val;
      i++;
    } else {
      fprintf(stderr, "sseval serve: bad option or value '%s %s'\n", a, val);
      return 1;
    }
  }
  cfg.stall_max_ms = stall_max * 1000u;
  if (suite) return cli_serve_suite(argc, argv, &cfg);
  if (scenario && script) {
    fprintf(stderr, "sseval serve: --scenario and --script exclude each other\n");
    return 1;
  }
  if (scenario || script) {
    if ((scenario ? sv_scenario_parse(&sc, scenario, err, sizeof err)
                  : sv_scenario_load(&sc, script, err, sizeof err)) != 0) {
      fprintf(stderr, "sseval serve: %s\n", err);
      return 1;
    }
    have_sc = 1;
    cfg.scenario = &sc;
  }
  if ((recording ? sv_stream_load(&stream, recording, err, sizeof err)
                 : sv_stream_builtin(&stream, builtin, (unsigned)deltas, err,
                                     sizeof err)) != 0) {
    fprintf(stderr, "sseval serve: %s\n", err);
    if (have_sc) sv_scenario_free(&sc);
    return 1;
  }
  if (recording && stream.verdict != SSEVAL_VERDICT_COMPLETE)
    fprintf(stderr, "sseval serve: note: %s is not a complete stream (%s); "
                    "served as it is\n", recording, sseval_verdict_name(stream.verdict));
  cfg.stream = &stream;
  if (cfg.gen) {
    sv_stream probe;
    if (sv_stream_gen(&probe, cfg.gen_seed, NULL, err, sizeof err) != 0) {
      fprintf(stderr, "sseval serve: --gen: %s\n", err);
      rc = 1;
      goto out;
    }
    sv_stream_free(&probe);
  }
  if (cfg.quiet) {
    cfg.log = NULL;
  } else if (log_path && strcmp(log_path, "-") == 0) {
    cfg.log = stdout;
  } else if (log_path) {
    cfg.log = fopen(log_path, "a");
    if (!cfg.log) {
      fprintf(stderr, "sseval serve: cannot open %s: %s\n", log_path, strerror(errno));
      rc = 1;
      goto out;
    }
  }
  /* the signals are waited for here, never delivered to the server's threads */
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (sv_server_start(&srv, &cfg) != 0) {
    rc = 1;
    goto out;
  }
  printf("sseval serve: listening on http://%s%s%s:%u\n",
         strchr(cfg.bind, ':') ? "[" : "", cfg.bind, strchr(cfg.bind, ':') ? "]" : "",
         sv_server_port(srv));
  fflush(stdout);
  if (lifetime) {
    struct timespec ts;
    ts.tv_sec = (time_t)lifetime;
    ts.tv_nsec = 0;
    while (sigtimedwait(&set, NULL, &ts) < 0 && errno == EINTR) {
    }
  } else {
    int sig;
    sigwait(&set, &sig);
  }
  sv_server_stop(srv);
out:
  if (cfg.log && cfg.log != stderr && cfg.log != stdout) fclose(cfg.log);
  sv_stream_free(&stream);
  if (have_sc) sv_scenario_free(&sc);
  return rc;
}
