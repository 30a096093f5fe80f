/* SPDX-License-Identifier: MIT */
/*
 * tools/serve_scenario.c - scenario steps of `sseval serve` (the grammar is
 * in docs/SERVE.md), script files, and the response plan each step makes of
 * a stream: the bytes, when each may leave, and how the connection ends.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* ---- the API's errors ---------------------------------------------------------------- */
typedef struct status_row {
  int status;
  const char *type;
  const char *message;
} status_row;

static const status_row STATUS_TABLE[] = {
    {400, "invalid_request_error", "messages: field required"},
    {401, "authentication_error", "invalid x-api-key"},
    {402, "billing_error", "Your credit balance is too low to access the API."},
    {403, "permission_error", "Your API key does not have permission to use the specified resource."},
    {404, "not_found_error", "The requested resource could not be found."},
    {408, "timeout_error", "Request timed out."},
    {409, "api_error", "Conflict."},
    {413, "request_too_large", "Request exceeds the maximum allowed number of bytes."},
    {429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."},
    {500, "api_error", "Internal server error"},
    {502, "api_error", "Bad gateway"},
    {503, "api_error", "Service unavailable"},
    {504, "timeout_error", "Request timed out."},
    {529, "overloaded_error", "Overloaded"},
};
#define NSTATUS (sizeof STATUS_TABLE / sizeof STATUS_TABLE[0])

const char *sv_status_type(int status) {
  size_t i;
  for (i = 0; i < NSTATUS; i++)
    if (STATUS_TABLE[i].status == status) return STATUS_TABLE[i].type;
  return status >= 500 ? "api_error" : "invalid_request_error";
}

static const char *type_message(const char *type) {
  size_t i;
  for (i = 0; i < NSTATUS; i++)
    if (strcmp(STATUS_TABLE[i].type, type) == 0) return STATUS_TABLE[i].message;
  return "Error";
}

void sv_error_body(sv_buf *b, const char *type, const char *message,
                   const char *request_id) {
  sv_str(b, "{\"type\":\"error\",\"error\":{\"type\":");
  sv_json_str(b, type, strlen(type));
  sv_str(b, ",\"message\":");
  sv_json_str(b, message, strlen(message));
  sv_str(b, "}");
  if (request_id) {
    sv_str(b, ",\"request_id\":");
    sv_json_str(b, request_id, strlen(request_id));
  }
  sv_str(b, "}");
}

/* ---- parsing steps ------------------------------------------------------------------- */
static const struct {
  const char *name;
  sv_kind kind;
} KINDS[] = {
    {"ok", SV_OK},         {"cut", SV_CUT},     {"reset", SV_RESET},
    {"error", SV_ERROR_EVENT}, {"stall", SV_STALL}, {"stallhead", SV_STALLHEAD},
    {"drip", SV_DRIP},     {"pings", SV_PINGS}, {"html", SV_HTML},
    {"gzip", SV_GZIP},     {"gen", SV_GEN},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

static int parse_ll(const char *s, size_t n, long long *out) {
  char tmp[32];
  char *end;
  long long v;
  if (n == 0 || n >= sizeof tmp) return 0;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  if (!isdigit((unsigned char)tmp[0])) return 0;
  errno = 0;
  v = strtoll(tmp, &end, 10);
  if (errno || *end) return 0;
  *out = v;
  return 1;
}

static int parse_where(sv_step *st, const char *s, size_t n) {
  long long v;
  if (n == 5 && memcmp(s, "event", 5) == 0) {
    st->at = SV_AT_EVENT;
  } else if (n == 4 && memcmp(s, "tool", 4) == 0) {
    st->at = SV_AT_TOOL;
  } else if (n == 4 && memcmp(s, "stop", 4) == 0) {
    st->at = SV_AT_STOP;
  } else if ((n > 1 && s[n - 1] == '%' && parse_ll(s, n - 1, &v) && v <= 100) ||
             (n > 3 && memcmp(s + n - 3, "pct", 3) == 0 && parse_ll(s, n - 3, &v) &&
              v <= 100)) {
    st->at = SV_AT_PERCENT;
    st->at_value = (uint64_t)v;
  } else if (parse_ll(s, n, &v)) {
    st->at = SV_AT_BYTE;
    st->at_value = (uint64_t)v;
  } else {
    return 0;
  }
  return 1;
}

static void copy_field(char *dst, size_t cap, const char *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

static int parse_step(sv_step *st, const char *s, size_t n, char *err,
                      size_t errcap) {
  size_t i = 0, k;
  const char *name = s;
  size_t nlen;
  memset(st, 0, sizeof *st);
  st->retry_after = -1;
  st->retry_after_ms = -1;
  st->should_retry = -1;
  st->ms = -2; /* unset */
  st->pace = -1;
  while (i < n && s[i] != ':' && s[i] != '&') i++;
  nlen = i;
  if (nlen == 3 && isdigit((unsigned char)name[0]) && isdigit((unsigned char)name[1]) &&
      isdigit((unsigned char)name[2])) {
    st->kind = SV_STATUS;
    st->status = (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
    if (st->status < 100 || st->status == 200) goto bad;
  } else {
    for (k = 0; k < NKINDS; k++)
      if (strlen(KINDS[k].name) == nlen && memcmp(KINDS[k].name, name, nlen) == 0)
        break;
    if (k == NKINDS) goto bad;
    st->kind = KINDS[k].kind;
  }
  if (i < n && s[i] == ':') {
    size_t a = ++i;
    while (i < n && s[i] != '&') i++;
    if (st->kind == SV_GEN) {
      long long v;
      if (!parse_ll(s + a, i - a, &v)) goto bad;
      st->seed = (uint64_t)v;
      st->has_seed = 1;
    } else if (st->kind == SV_CUT || st->kind == SV_RESET ||
               st->kind == SV_ERROR_EVENT || st->kind == SV_STALL) {
      if (!parse_where(st, s + a, i - a)) goto bad;
    } else {
      goto bad;
    }
  }
  while (i < n) { /* &key=value */
    size_t ks = ++i, ke, vs;
    long long v = 0;
    int num;
    while (i < n && s[i] != '=' && s[i] != '&') i++;
    ke = i;
    if (i >= n || s[i] != '=') goto bad;
    vs = ++i;
    while (i < n && s[i] != '&') i++;
    num = parse_ll(s + vs, i - vs, &v);
#define KEY(lit) (ke - ks == sizeof(lit) - 1 && memcmp(s + ks, lit, ke - ks) == 0)
    if (KEY("retry-after") && num) {
      st->retry_after = v;
    } else if (KEY("retry-after-ms") && num) {
      st->retry_after_ms = v;
    } else if (KEY("x-should-retry")) {
      if (i - vs == 4 && memcmp(s + vs, "true", 4) == 0) st->should_retry = 1;
      else if (i - vs == 5 && memcmp(s + vs, "false", 5) == 0) st->should_retry = 0;
      else goto bad;
    } else if (KEY("type") && i > vs) {
      copy_field(st->type, sizeof st->type, s + vs, i - vs);
    } else if (KEY("ms") && num) {
      st->ms = v;
    } else if (KEY("ms") && i - vs == 7 && memcmp(s + vs, "forever", 7) == 0) {
      st->ms = -1;
    } else if (KEY("bytes") && num && v > 0 && v < 1000000) {
      st->bytes = (unsigned)v;
    } else if (KEY("pace") && num) {
      st->pace = v;
    } else if (KEY("stream") && i > vs) {
      copy_field(st->stream, sizeof st->stream, s + vs, i - vs);
    } else if (KEY("fault") && i > vs) {
      copy_field(st->fault, sizeof st->fault, s + vs, i - vs);
    } else {
      goto bad;
    }
#undef KEY
  }
  /* defaults */
  if ((st->kind == SV_CUT || st->kind == SV_RESET || st->kind == SV_STALL ||
       st->kind == SV_ERROR_EVENT) && st->at == SV_AT_NONE) {
    st->at = SV_AT_PERCENT;
    st->at_value = 50;
  }
  if (st->ms == -2) {
    if (st->kind == SV_DRIP) st->ms = 10;
    else if (st->kind == SV_PINGS) st->ms = 100;
    else st->ms = -1; /* stalls: forever */
  }
  if (st->kind == SV_DRIP && st->bytes == 0) st->bytes = 16;
  if (st->kind == SV_ERROR_EVENT && !st->type[0])
    copy_field(st->type, sizeof st->type, "overloaded_error", 16);
  if (st->kind == SV_STATUS && !st->type[0]) {
    const char *t = sv_status_type(st->status);
    copy_field(st->type, sizeof st->type, t, strlen(t));
  }
  return 0;
bad:
  snprintf(err, errcap, "bad scenario step '%.*s' (see docs/SERVE.md)", (int)n, s);
  return -1;
}

static int add_step(sv_scenario *sc, const char *s, size_t n, char *err,
                    size_t errcap) {
  sv_step *ns;
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (n == 0) return 0;
  ns = (sv_step *)realloc(sc->steps, (sc->n + 1) * sizeof *ns);
  if (!ns) {
    snprintf(err, errcap, "out of memory");
    return -1;
  }
  sc->steps = ns;
  return parse_step(&sc->steps[sc->n], s, n, err, errcap) == 0 ? (sc->n++, 0) : -1;
}

static int finish_scenario(sv_scenario *sc, char *err, size_t errcap) {
  sv_buf b = {0};
  size_t i;
  if (sc->n == 0) {
    snprintf(err, errcap, "empty scenario");
    return -1;
  }
  for (i = 0; i < sc->n; i++) {
    if (i) sv_str(&b, ",");
    sv_step_format(&sc->steps[i], &b);
  }
  if (b.oom) {
    snprintf(err, errcap, "out of memory");
    return -1;
  }
  sc->spec = b.p;
  return 0;
}

int sv_scenario_parse(sv_scenario *sc, const char *spec, char *err, size_t errcap) {
  const char *p = spec;
  memset(sc, 0, sizeof *sc);
  for (;;) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    if (add_step(sc, p, n, err, errcap) != 0) goto fail;
    if (!c) break;
    p = c + 1;
  }
  if (finish_scenario(sc, err, errcap) == 0) return 0;
fail:
  sv_scenario_free(sc);
  return -1;
}

int sv_scenario_load(sv_scenario *sc, const char *path, char *err, size_t errcap) {
  FILE *f = fopen(path, "r");
  char line[1024];
  unsigned lineno = 0;
  memset(sc, 0, sizeof *sc);
  if (!f) {
    snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    char *h = strchr(line, '#');
    lineno++;
    if (h) *h = '\0';
    if (add_step(sc, line, strlen(line), err, errcap) != 0) {
      size_t l = strlen(err);
      snprintf(err + l, errcap - l, " at %s:%u", path, lineno);
      fclose(f);
      sv_scenario_free(sc);
      return -1;
    }
  }
  fclose(f);
  if (finish_scenario(sc, err, errcap) == 0) return 0;
  sv_scenario_free(sc);
  return -1;
}

void sv_scenario_free(sv_scenario *sc) {
  free(sc->steps);
  free(sc->spec);
  memset(sc, 0, sizeof *sc);
}

const sv_step *sv_scenario_step(const sv_scenario *sc, uint64_t attempt) {
  if (!sc || sc->n == 0) return NULL;
  return &sc->steps[attempt < sc->n ? attempt : sc->n - 1];
}

void sv_step_format(const sv_step *st, sv_buf *out) {
  size_t k;
  if (st->kind == SV_STATUS) {
    sv_fmt(out, "%d", st->status);
  } else {
    for (k = 0; k < NKINDS; k++)
      if (KINDS[k].kind == st->kind) sv_str(out, KINDS[k].name);
  }
  switch (st->at) {
  case SV_AT_BYTE: sv_fmt(out, ":%llu", (unsigned long long)st->at_value); break;
  case SV_AT_PERCENT: sv_fmt(out, ":%llu%%", (unsigned long long)st->at_value); break;
  case SV_AT_EVENT: sv_str(out, ":event"); break;
  case SV_AT_TOOL: sv_str(out, ":tool"); break;
  case SV_AT_STOP: sv_str(out, ":stop"); break;
  case SV_AT_NONE: break;
  }
  if (st->kind == SV_GEN && st->has_seed)
    sv_fmt(out, ":%llu", (unsigned long long)st->seed);
  if (st->kind == SV_STATUS && strcmp(st->type, sv_status_type(st->status)) != 0)
    sv_fmt(out, "&type=%s", st->type);
  if (st->kind == SV_ERROR_EVENT && strcmp(st->type, "overloaded_error") != 0)
    sv_fmt(out, "&type=%s", st->type);
  if (st->retry_after >= 0) sv_fmt(out, "&retry-after=%lld", st->retry_after);
  if (st->retry_after_ms >= 0) sv_fmt(out, "&retry-after-ms=%lld", st->retry_after_ms);
  if (st->should_retry >= 0)
    sv_fmt(out, "&x-should-retry=%s", st->should_retry ? "true" : "false");
  if (st->kind == SV_STALL || st->kind == SV_STALLHEAD) {
    if (st->ms >= 0) sv_fmt(out, "&ms=%lld", st->ms);
  } else if ((st->kind == SV_DRIP && st->ms != 10) ||
             (st->kind == SV_PINGS && st->ms != 100)) {
    sv_fmt(out, "&ms=%lld", st->ms);
  }
  if (st->kind == SV_DRIP && st->bytes != 16) sv_fmt(out, "&bytes=%u", st->bytes);
  if (st->pace >= 0) sv_fmt(out, "&pace=%lld", st->pace);
  if (st->stream[0]) sv_fmt(out, "&stream=%s", st->stream);
  if (st->fault[0]) sv_fmt(out, "&fault=%s", st->fault);
}

/* ---- plans --------------------------------------------------------------------------- */
static int add_seg(sv_plan *p, size_t end, uint64_t due) {
  sv_seg *ns;
  if (p->nseg && p->seg[p->nseg - 1].end >= end) {
    if (p->seg[p->nseg - 1].due < due) p->seg[p->nseg - 1].due = due;
    return 0;
  }
  ns = (sv_seg *)realloc(p->seg, (p->nseg + 1) * sizeof *ns);
  if (!ns) return -1;
  p->seg = ns;
  p->seg[p->nseg].end = end;
  p->seg[p->nseg].due = due;
  p->nseg++;
  return 0;
}

static void add_header(sv_plan *p, const char *name, const char *value) {
  if (p->nheaders >= 4) return;
  copy_field(p->headers[p->nheaders][0], 40, name, strlen(name));
  copy_field(p->headers[p->nheaders][1], 40, value, strlen(value));
  p->nheaders++;
}

/* Where a step's point falls in the stream: a byte offset. */
static size_t resolve_at(const sv_step *st, const sv_stream *s, int streaming) {
  size_t i, hit = 0;
  int found = 0;
  if (st->at == SV_AT_BYTE) return st->at_value < s->len ? (size_t)st->at_value : s->len;
  if (st->at == SV_AT_PERCENT || !streaming)
    return (size_t)((unsigned long long)s->len *
                    (st->at == SV_AT_PERCENT ? st->at_value : 50) / 100u);
  if (st->at == SV_AT_TOOL) {
    unsigned seen = 0;
    for (i = 0; i < s->nev; i++)
      if (s->ev[i].kind == SV_EV_TOOL_DELTA) {
        hit = s->ev[i].end;
        found = 1;
        if (++seen == 2) break;
      }
    if (found) return hit;
  }
  if (st->at == SV_AT_STOP) {
    for (i = 0; i < s->nev; i++)
      if (s->ev[i].kind == SV_EV_MESSAGE_STOP) return s->ev[i].start;
    return s->len;
  }
  /* SV_AT_EVENT (and tool without a tool block): inside the delta nearest
   * the middle of the stream. */
  for (i = 0; i < s->nev; i++) {
    sv_ev_kind k = s->ev[i].kind;
    if (k == SV_EV_TEXT_DELTA || k == SV_EV_TOOL_DELTA || k == SV_EV_OTHER_DELTA) {
      hit = s->ev[i].start + (s->ev[i].end - s->ev[i].start) / 2;
      found = 1;
      if (s->ev[i].start >= s->len / 2) break;
    }
  }
  return found ? hit : s->len / 2;
}

/* The event boundary at or after offset `at`. */
static size_t boundary_after(const sv_stream *s, size_t at) {
  size_t i;
  if (at == 0) return 0;
  for (i = 0; i < s->nev; i++)
    if (s->ev[i].end >= at) return s->ev[i].end;
  return s->len;
}

/* CRC-32 (ISO 3309) for the gzip trailer. */
static uint32_t crc32_of(const char *p, size_t n) {
  uint32_t c = 0xffffffffu;
  size_t i;
  int k;
  for (i = 0; i < n; i++) {
    c ^= (unsigned char)p[i];
    for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

/* A gzip member holding `src` in stored (uncompressed) deflate blocks. */
static void gzip_stored(sv_buf *out, const char *src, size_t n) {
  static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  size_t off = 0;
  uint32_t crc = crc32_of(src, n);
  unsigned char t[8];
  sv_add(out, head, sizeof head);
  do {
    size_t chunk = n - off > 65535 ? 65535 : n - off;
    unsigned char h[5];
    h[0] = off + chunk == n ? 1 : 0;
    h[1] = (unsigned char)(chunk & 0xff);
    h[2] = (unsigned char)(chunk >> 8);
    h[3] = (unsigned char)(~chunk & 0xff);
    h[4] = (unsigned char)((~chunk >> 8) & 0xff);
    sv_add(out, h, 5);
    sv_add(out, src + off, chunk);
    off += chunk;
  } while (off < n);
  t[0] = (unsigned char)crc;
  t[1] = (unsigned char)(crc >> 8);
  t[2] = (unsigned char)(crc >> 16);
  t[3] = (unsigned char)(crc >> 24);
  t[4] = (unsigned char)n;
  t[5] = (unsigned char)(n >> 8);
  t[6] = (unsigned char)(n >> 16);
  t[7] = (unsigned char)(n >> 24);
  sv_add(out, t, 8);
}

static const char HTML_PAGE[] =
    "<!DOCTYPE html>\n<html><head><title>Sign in to continue</title></head>\n"
    "<body><h1>Network login required</h1><p>Please sign in to the network "
    "to continue.</p></body></html>\n";

/* Segments for the body [0, len): one per event at `pace` ms apart (all at
 * once when pace is 0). */
static int paced_segments(sv_plan *p, const sv_stream *s, size_t len,
                          uint64_t pace, int streaming) {
  size_t i;
  if (pace == 0 || !streaming) return add_seg(p, len, 0);
  for (i = 0; i < s->nev && s->ev[i].start < len; i++)
    if (add_seg(p, s->ev[i].end < len ? s->ev[i].end : len, (uint64_t)i * pace) != 0)
      return -1;
  if (len > 0 && (p->nseg == 0 || p->seg[p->nseg - 1].end < len))
    return add_seg(p, len, p->nseg ? p->seg[p->nseg - 1].due : 0);
  return 0;
}

static uint64_t count_events(const sv_stream *s, size_t len) {
  size_t i;
  uint64_t n = 0;
  for (i = 0; i < s->nev; i++)
    if (s->ev[i].end <= len) n++;
  return n;
}

int sv_plan_build(sv_plan *p, const sv_plan_in *in) {
  const sv_step *st = in->step;
  const sv_stream *s = in->stream;
  uint64_t pace = st && st->pace >= 0 ? (uint64_t)st->pace : in->pace_ms;
  sv_kind kind = st ? st->kind : SV_OK;
  const char *body = in->streaming ? s->body : s->message_json;
  size_t blen = in->streaming ? s->len : s->message_json_len;
  char tmp[40];

  memset(p, 0, sizeof *p);
  p->status = 200;
  p->content_type = in->streaming ? "text/event-stream; charset=utf-8" : "application/json";
  p->what = in->streaming ? "stream" : "message";

  if (kind == SV_ERROR_EVENT && !in->streaming) {
    /* a non-streaming request cannot get an event: the same error as a status */
    int http = 0;
    sseval_span t;
    t.ptr = st->type;
    t.len = strlen(st->type);
    sseval_error_type_classify(t, &http);
    p->status = http ? http : 529;
    p->content_type = "application/json";
    p->what = "error";
    sv_error_body(&p->body, st->type, type_message(st->type), in->request_id);
    p->length = p->body.len;
    return add_seg(p, p->body.len, 0) || p->body.oom ? -1 : 0;
  }

  switch (kind) {
  case SV_STATUS:
    p->status = st->status;
    p->content_type = "application/json";
    p->what = "error";
    sv_error_body(&p->body, st->type, type_message(st->type), in->request_id);
    p->length = p->body.len;
    if (st->retry_after >= 0) {
      snprintf(tmp, sizeof tmp, "%lld", st->retry_after);
      add_header(p, "retry-after", tmp);
    }
    if (st->retry_after_ms >= 0) {
      snprintf(tmp, sizeof tmp, "%lld", st->retry_after_ms);
      add_header(p, "retry-after-ms", tmp);
    }
    if (st->should_retry >= 0)
      add_header(p, "x-should-retry", st->should_retry ? "true" : "false");
    if (add_seg(p, p->body.len, 0) != 0) return -1;
    break;
  case SV_OK:
  case SV_GEN:
    sv_add(&p->body, body, blen);
    if (paced_segments(p, s, blen, pace, in->streaming) != 0) return -1;
    break;
  case SV_CUT:
  case SV_RESET: {
    size_t at = in->streaming ? resolve_at(st, s, 1)
                              : (size_t)((unsigned long long)blen *
                                         (st->at == SV_AT_PERCENT ? st->at_value : 50) / 100u);
    if (st->at == SV_AT_BYTE && at > blen) at = blen;
    sv_add(&p->body, body, at);
    if (paced_segments(p, s, at, pace, in->streaming) != 0) return -1;
    p->end = kind == SV_RESET ? SV_END_RESET : SV_END_CLEAN;
    p->what = kind == SV_RESET ? "reset" : "cut";
    break;
  }
  case SV_ERROR_EVENT: {
    size_t at = boundary_after(s, resolve_at(st, s, 1));
    sv_buf ev = {0};
    sv_add(&p->body, body, at);
    if (paced_segments(p, s, at, pace, 1) != 0) return -1;
    sv_str(&ev, "event: error\ndata: ");
    sv_error_body(&ev, st->type, type_message(st->type), in->request_id);
    sv_str(&ev, "\n\n");
    sv_add(&p->body, ev.p, ev.len);
    sv_free(&ev);
    p->events = count_events(s, at) + 1;
    if (add_seg(p, p->body.len, p->nseg ? p->seg[p->nseg - 1].due + pace : 0) != 0)
      return -1;
    p->what = "error event";
    break;
  }
  case SV_STALL: {
    size_t at = in->streaming ? resolve_at(st, s, 1)
                              : (size_t)((unsigned long long)blen *
                                         (st->at == SV_AT_PERCENT ? st->at_value : 50) / 100u);
    size_t i;
    uint64_t base;
    if (at > blen) at = blen;
    sv_add(&p->body, body, blen);
    if (paced_segments(p, s, blen, pace, in->streaming) != 0) return -1;
    /* split the segment holding `at` and push everything after it back */
    for (i = 0; i < p->nseg && p->seg[i].end <= at; i++) {
    }
    if (i < p->nseg) {
      sv_seg *ns = (sv_seg *)realloc(p->seg, (p->nseg + 1) * sizeof *ns);
      if (!ns) return -1;
      p->seg = ns;
      memmove(&p->seg[i + 1], &p->seg[i], (p->nseg - i) * sizeof *ns);
      p->nseg++;
      p->seg[i].end = at;
      base = p->seg[i].due;
      if (st->ms < 0) {
        /* forever: nothing more is sent; the connection is dropped at the cap */
        p->nseg = i + 1;
        p->body.len = at;
        p->hold = in->stall_max_ms;
        p->end = SV_END_RESET;
      } else {
        for (i = i + 1; i < p->nseg; i++) {
          if (p->seg[i].due < base) p->seg[i].due = base;
          p->seg[i].due += (uint64_t)st->ms;
        }
      }
    }
    p->what = "stall";
    break;
  }
  case SV_STALLHEAD:
    if (st->ms < 0) {
      p->head_forever = 1;
      p->head_delay = in->stall_max_ms;
    } else {
      p->head_delay = (uint64_t)st->ms;
    }
    sv_add(&p->body, body, blen);
    if (paced_segments(p, s, blen, pace, in->streaming) != 0) return -1;
    p->what = "stallhead";
    break;
  case SV_DRIP: {
    size_t off = 0;
    uint64_t t = 0;
    sv_add(&p->body, body, blen);
    while (off < blen) {
      off = blen - off > st->bytes ? off + st->bytes : blen;
      if (add_seg(p, off, t) != 0) return -1;
      t += (uint64_t)st->ms;
    }
    p->what = "drip";
    break;
  }
  case SV_PINGS: {
    uint64_t t = 0, interval = st->ms > 0 ? (uint64_t)st->ms : 100;
    size_t first = s->nev ? s->ev[0].end : 0;
    static const char ping[] = "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    if (!in->streaming) {
      p->hold = in->stall_max_ms;
      p->end = SV_END_RESET;
      p->what = "stall";
      break;
    }
    sv_add(&p->body, s->body, first);
    if (add_seg(p, first, 0) != 0) return -1;
    while (t < in->stall_max_ms) {
      t += interval;
      sv_add(&p->body, ping, sizeof ping - 1);
      if (add_seg(p, p->body.len, t) != 0) return -1;
      p->events++;
    }
    p->events++;
    p->end = SV_END_RESET;
    p->what = "pings";
    break;
  }
  case SV_HTML:
    p->content_type = "text/html; charset=utf-8";
    sv_add(&p->body, HTML_PAGE, sizeof HTML_PAGE - 1);
    if (add_seg(p, p->body.len, 0) != 0) return -1;
    p->length = p->body.len;
    p->what = "html";
    break;
  case SV_GZIP:
    gzip_stored(&p->body, body, blen);
    p->gzip = 1;
    if (add_seg(p, p->body.len, 0) != 0) return -1;
    p->what = "gzip";
    break;
  }
  if (p->body.oom) return -1;
  if (in->streaming && p->status == 200 && !p->events &&
      (kind == SV_OK || kind == SV_GEN || kind == SV_CUT || kind == SV_RESET ||
       kind == SV_STALL || kind == SV_STALLHEAD || kind == SV_DRIP))
    p->events = count_events(s, p->body.len);
  if (!in->streaming && p->status == 200 && kind != SV_HTML && kind != SV_PINGS)
    p->length = kind == SV_GZIP ? p->body.len : blen;
  return 0;
}

void sv_plan_free(sv_plan *p) {
  sv_free(&p->body);
  free(p->seg);
  memset(p, 0, sizeof *p);
}
