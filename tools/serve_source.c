/* SPDX-License-Identifier: MIT */
/*
 * tools/serve_source.c - the streams `sseval serve` sends: the built-in
 * ones, recordings, and generated ones; each split into events and checked
 * with the library (its verdict, its text, its non-streaming body).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"
#ifdef SSEVAL_HAVE_GEN
#include "sseval/gen.h"
#endif

/* ---- buffers ---------------------------------------------------------------------- */
void sv_add(sv_buf *b, const void *s, size_t n) { cli_buf_add(b, s, n); }

void sv_str(sv_buf *b, const char *s) { sv_add(b, s, strlen(s)); }

void sv_fmt(sv_buf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  sv_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void sv_json_str(sv_buf *b, const char *s, size_t n) {
  size_t i;
  sv_add(b, "\"", 1);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      sv_add(b, e, 2);
    } else if (c == '\n') {
      sv_add(b, "\\n", 2);
    } else if (c == '\r') {
      sv_add(b, "\\r", 2);
    } else if (c == '\t') {
      sv_add(b, "\\t", 2);
    } else if (c < 0x20 || c == 0x7f) {
      sv_fmt(b, "\\u%04x", c);
    } else {
      sv_add(b, &s[i], 1);
    }
  }
  sv_add(b, "\"", 1);
}

void sv_free(sv_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

uint64_t sv_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t sv_wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- splitting a stream into events ------------------------------------------------ */
static sv_ev_kind kind_of(const char *name, size_t nlen, const char *ev,
                          size_t evlen) {
#define IS(lit) (nlen == sizeof(lit) - 1 && memcmp(name, lit, nlen) == 0)
  if (IS("message_start")) return SV_EV_MESSAGE_START;
  if (IS("content_block_start")) return SV_EV_BLOCK_START;
  if (IS("content_block_stop")) return SV_EV_BLOCK_STOP;
  if (IS("message_delta")) return SV_EV_MESSAGE_DELTA;
  if (IS("message_stop")) return SV_EV_MESSAGE_STOP;
  if (IS("ping")) return SV_EV_PING;
  if (IS("error")) return SV_EV_ERROR;
  if (IS("content_block_delta")) {
    size_t i;
    for (i = 0; i + 12 <= evlen; i++) {
      if (i + 18 <= evlen && memcmp(ev + i, "\"input_json_delta\"", 18) == 0)
        return SV_EV_TOOL_DELTA;
      if (memcmp(ev + i, "\"text_delta\"", 12) == 0) return SV_EV_TEXT_DELTA;
    }
    return SV_EV_OTHER_DELTA;
  }
#undef IS
  return SV_EV_OTHER;
}

/* Events end at a blank line (LF, CRLF or CR line ends). */
static int split_events(sv_stream *s) {
  size_t i = 0, start = 0, cap = 0;
  const char *name = NULL;
  size_t nlen = 0;
  int nonblank = 0;
  while (i < s->len) {
    size_t ls = i, le;
    while (i < s->len && s->body[i] != '\n' && s->body[i] != '\r') i++;
    le = i;
    if (i < s->len) {
      if (s->body[i] == '\r' && i + 1 < s->len && s->body[i + 1] == '\n') i++;
      i++;
    }
    if (le == ls) {
      if (nonblank) {
        if (s->nev == cap) {
          size_t nc = cap ? cap * 2 : 64;
          sv_event *ne = (sv_event *)realloc(s->ev, nc * sizeof *ne);
          if (!ne) return -1;
          s->ev = ne;
          cap = nc;
        }
        s->ev[s->nev].start = start;
        s->ev[s->nev].end = i;
        s->ev[s->nev].kind =
            name ? kind_of(name, nlen, s->body + start, i - start) : SV_EV_OTHER;
        s->nev++;
      }
      start = i;
      name = NULL;
      nonblank = 0;
      continue;
    }
    nonblank = 1;
    if (le - ls > 6 && memcmp(s->body + ls, "event:", 6) == 0) {
      name = s->body + ls + 6;
      nlen = le - ls - 6;
      if (nlen && *name == ' ') {
        name++;
        nlen--;
      }
    }
  }
  return 0;
}

/* ---- analysis with the library ------------------------------------------------------ */
static int write_buf(void *ctx, const char *bytes, size_t len) {
  sv_add((sv_buf *)ctx, bytes, len);
  return 0;
}

int sv_stream_from_body(sv_stream *s, char *body, size_t len, char *err,
                        size_t errcap) {
  sseval_claude_options o;
  sseval_claude *c = NULL;
  sseval_claude_result r;
  sv_buf text = {0}, msg = {0};
  uint32_t i, n;

  memset(s, 0, sizeof *s);
  s->body = body;
  s->len = len;
  if (split_events(s) != 0) goto oom;
  sseval_claude_options_init(&o);
  o.flags = SSEVAL_CLAUDE_ACCUMULATE;
  if (sseval_claude_new(&c, NULL, NULL, &o) != SSEVAL_OK) goto oom;
  sseval_claude_feed(c, body, len, NULL);
  sseval_claude_finish(c, &r);
  s->verdict = r.verdict;
  n = sseval_claude_block_count(c);
  for (i = 0; i < n; i++) {
    sseval_block_view v;
    if (sseval_claude_block(c, i, &v) == SSEVAL_OK && v.type == SSEVAL_BLOCK_TEXT)
      sv_add(&text, v.text.ptr, v.text.len);
  }
  sv_add(&text, "", 0);
  sseval_claude_write_message_json(c, write_buf, &msg);
  sseval_claude_free(c);
  if (text.oom || msg.oom) goto oom;
  s->text = text.p;
  s->text_len = text.len;
  s->message_json = msg.p;
  s->message_json_len = msg.len;
  return 0;
oom:
  sseval_claude_free(c);
  sv_free(&text);
  sv_free(&msg);
  snprintf(err, errcap, "out of memory");
  sv_stream_free(s);
  return -1;
}

void sv_stream_free(sv_stream *s) {
  free(s->body);
  free(s->ev);
  free(s->text);
  free(s->message_json);
  memset(s, 0, sizeof *s);
}

int sv_stream_load(sv_stream *s, const char *path, char *err, size_t errcap) {
  FILE *f = fopen(path, "rb");
  sv_buf b = {0};
  char tmp[65536];
  size_t n;
  if (!f) {
    snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) sv_add(&b, tmp, n);
  if (ferror(f) || b.oom) {
    snprintf(err, errcap, "cannot read %s", path);
    fclose(f);
    sv_free(&b);
    return -1;
  }
  fclose(f);
  sv_add(&b, "", 0);
  return sv_stream_from_body(s, b.p, b.len, err, errcap);
}

/* ---- the built-in streams ---------------------------------------------------------- */
static const char *const WORDS[] = {
    "The", " quick", " check", " of", " a", " streaming", " client:", " every",
    " event", " arrives", " in", " order,", " each", " delta", " adds", " text,",
    " and", " the", " message", " ends", " with", " message_stop."};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

static void event(sv_buf *b, const char *name, const char *data) {
  sv_fmt(b, "event: %s\ndata: ", name);
  sv_str(b, data);
  sv_str(b, "\n\n");
}

int sv_stream_builtin(sv_stream *s, const char *which, unsigned deltas,
                      char *err, size_t errcap) {
  sv_buf b = {0}, d = {0};
  unsigned i, out_tokens;
  int tool = which && strcmp(which, "tool") == 0;
  static const char *const tool_parts[] = {
      "{\\\"city\\\": ", "\\\"Paris\\\", ", "\\\"unit\\\": ", "\\\"celsius\\\"",
      "}"};
  if (which && *which && !tool && strcmp(which, "text") != 0) {
    snprintf(err, errcap, "unknown built-in stream '%s' (text, tool)", which);
    return -1;
  }
  if (deltas == 0) deltas = 12;
  out_tokens = deltas + (tool ? 12u : 0u);
  event(&b, "message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_sseval_serve\","
        "\"type\":\"message\",\"role\":\"assistant\",\"model\":"
        "\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
        "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
        "\"output_tokens\":1}}}");
  event(&b, "ping", "{\"type\": \"ping\"}");
  event(&b, "content_block_start",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
        "{\"type\":\"text\",\"text\":\"\"}}");
  for (i = 0; i < deltas; i++) {
    d.len = 0;
    sv_str(&d, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
               "{\"type\":\"text_delta\",\"text\":");
    sv_json_str(&d, WORDS[i % NWORDS], strlen(WORDS[i % NWORDS]));
    sv_str(&d, "}}");
    if (!d.oom) event(&b, "content_block_delta", d.p);
  }
  event(&b, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
  if (tool) {
    event(&b, "content_block_start",
          "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
          "{\"type\":\"tool_use\",\"id\":\"toolu_sseval_serve\",\"name\":"
          "\"get_weather\",\"input\":{}}}");
    for (i = 0; i < sizeof tool_parts / sizeof tool_parts[0]; i++) {
      d.len = 0;
      sv_str(&d, "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                 "{\"type\":\"input_json_delta\",\"partial_json\":\"");
      sv_str(&d, tool_parts[i]);
      sv_str(&d, "\"}}");
      if (!d.oom) event(&b, "content_block_delta", d.p);
    }
    event(&b, "content_block_stop",
          "{\"type\":\"content_block_stop\",\"index\":1}");
  }
  d.len = 0;
  sv_fmt(&d, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\","
             "\"stop_sequence\":null},\"usage\":{\"output_tokens\":%u}}",
         tool ? "tool_use" : "end_turn", out_tokens);
  if (!d.oom) event(&b, "message_delta", d.p);
  event(&b, "message_stop", "{\"type\":\"message_stop\"}");
  if (b.oom || d.oom) {
    sv_free(&b);
    sv_free(&d);
    snprintf(err, errcap, "out of memory");
    return -1;
  }
  sv_free(&d);
  return sv_stream_from_body(s, b.p, b.len, err, errcap);
}

int sv_stream_gen(sv_stream *s, uint64_t seed, const char *broken, char *err,
                  size_t errcap) {
#ifdef SSEVAL_HAVE_GEN
  sseval_gen_options o;
  sseval_gen_stream g;
  sseval_status st;
  char *copy;
  size_t len;
  sseval_gen_options_init(&o);
  o.seed = seed;
  o.broken = broken;
  sseval_gen_stream_init(&g);
  st = sseval_gen_generate(&o, &g);
  if (st != SSEVAL_OK) {
    snprintf(err, errcap, "the generator refused seed %llu%s%s: %s",
             (unsigned long long)seed, broken ? ", fault " : "", broken ? broken : "",
             sseval_status_name(st));
    sseval_gen_stream_free(&g);
    return -1;
  }
  len = g.len;
  copy = (char *)malloc(len + 1);
  if (!copy) {
    sseval_gen_stream_free(&g);
    snprintf(err, errcap, "out of memory");
    return -1;
  }
  memcpy(copy, g.bytes, len);
  copy[len] = '\0';
  sseval_gen_stream_free(&g);
  return sv_stream_from_body(s, copy, len, err, errcap);
#else
  (void)s;
  (void)seed;
  (void)broken;
  snprintf(err, errcap, "this build has no stream generator (sseval gen)");
  return -1;
#endif
}
