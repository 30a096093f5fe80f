/* SPDX-License-Identifier: MIT */
/*
 * tools/serve.h - what the files of `sseval serve` share (docs/SERVE.md):
 * growable buffers, the stream sources, the scenario steps and the response
 * plans built from them, the server, and the graded suite.
 *
 *   serve_source.c    stream sources (built-in, recording, generator) and
 *                     what is known about them (events, text, message JSON)
 *   serve_scenario.c  the step grammar, scripts, response plans
 *   cmd_serve.c       the HTTP server on libmicrohttpd, pacing, logs
 *   serve_suite.c     `sseval serve --suite`: runs a client, grades it
 */
#ifndef SSEVAL_TOOLS_SERVE_H
#define SSEVAL_TOOLS_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "sseval/sseval.h"

/* ---- a growable byte buffer (cli.h's) ---------------------------------------------- */
typedef cli_buf sv_buf;

void sv_add(sv_buf *b, const void *s, size_t n);
void sv_str(sv_buf *b, const char *s);
void sv_fmt(sv_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s as a JSON string, quotes included (s is valid UTF-8 or replaced). */
void sv_json_str(sv_buf *b, const char *s, size_t n);
void sv_free(sv_buf *b);

/* Milliseconds of a monotonic clock, and of the wall clock. */
uint64_t sv_now_ms(void);
uint64_t sv_wall_ms(void);

/* ---- stream sources -------------------------------------------------------------- */
/* One event of a source stream: its bytes [start, end) and its kind. */
typedef enum sv_ev_kind {
  SV_EV_OTHER = 0,
  SV_EV_MESSAGE_START,
  SV_EV_BLOCK_START,
  SV_EV_TEXT_DELTA,
  SV_EV_TOOL_DELTA,  /* input_json_delta */
  SV_EV_OTHER_DELTA,
  SV_EV_BLOCK_STOP,
  SV_EV_MESSAGE_DELTA,
  SV_EV_MESSAGE_STOP,
  SV_EV_PING,
  SV_EV_ERROR
} sv_ev_kind;

typedef struct sv_event {
  size_t start, end;
  sv_ev_kind kind;
} sv_event;

/* A complete stream and what the server needs to know about it. */
typedef struct sv_stream {
  char *body;
  size_t len;
  sv_event *ev;
  size_t nev;
  char *text;          /* the text blocks, concatenated (the right answer) */
  size_t text_len;
  char *message_json;  /* the non-streaming body */
  size_t message_json_len;
  sseval_verdict verdict;  /* what sseval says of the stream itself */
} sv_stream;

/* Fill s from body (taken over: freed by sv_stream_free). Returns 0, or -1
 * with a message in err. */
int sv_stream_from_body(sv_stream *s, char *body, size_t len, char *err,
                        size_t errcap);
/* The built-in streams: "text" (a short answer) or "tool" (text, then a
 * tool_use block); `deltas` text deltas (0 = the default 12). */
int sv_stream_builtin(sv_stream *s, const char *which, unsigned deltas,
                      char *err, size_t errcap);
/* Read a recording. */
int sv_stream_load(sv_stream *s, const char *path, char *err, size_t errcap);
/* A generated stream (sseval gen) when this build has the generator; -1
 * with a message otherwise. `broken`: the generator's fault name or NULL. */
int sv_stream_gen(sv_stream *s, uint64_t seed, const char *broken, char *err,
                  size_t errcap);
void sv_stream_free(sv_stream *s);

/* ---- scenario steps -------------------------------------------------------------- */
typedef enum sv_kind {
  SV_OK = 0,
  SV_STATUS,     /* an HTTP error with the API's error body */
  SV_CUT,        /* the body ends cleanly before its end */
  SV_RESET,      /* the connection is closed abruptly */
  SV_ERROR_EVENT,/* an `error` event mid-stream */
  SV_STALL,      /* silence at a point, for a time or "forever" */
  SV_STALLHEAD,  /* no response headers for a time or "forever" */
  SV_DRIP,       /* a few bytes per interval */
  SV_PINGS,      /* message_start, then pings without end */
  SV_HTML,       /* 200 text/html, a proxy's page */
  SV_GZIP,       /* the stream gzip-encoded, asked for or not */
  SV_GEN         /* a generated stream (maybe broken) */
} sv_kind;

typedef enum sv_where_kind {
  SV_AT_NONE = 0,
  SV_AT_BYTE,
  SV_AT_PERCENT,
  SV_AT_EVENT,   /* inside an event (half of a delta's bytes) */
  SV_AT_TOOL,    /* inside a tool input: between input_json_delta events */
  SV_AT_STOP     /* right before message_stop */
} sv_where_kind;

typedef struct sv_step {
  sv_kind kind;
  int status;                /* SV_STATUS */
  char type[48];             /* error type (default: from the status) */
  sv_where_kind at;
  uint64_t at_value;         /* byte offset or percent */
  long long retry_after;     /* seconds, -1 = absent */
  long long retry_after_ms;  /* -1 = absent */
  int should_retry;          /* -1 absent, 0 false, 1 true */
  long long ms;              /* stall length (-1 forever), drip / ping interval */
  unsigned bytes;            /* drip: bytes per interval */
  long long pace;            /* ms between events, -1 = the server's */
  char stream[16];           /* built-in stream to use ("" = the server's) */
  uint64_t seed;             /* SV_GEN */
  char fault[32];            /* SV_GEN: the generator's fault name */
  int has_seed;
} sv_step;

/* A sequence of steps: the n-th request of one client gets the n-th step;
 * the last one repeats. */
typedef struct sv_scenario {
  sv_step *steps;
  size_t n;
  char *spec; /* as written (normalised: steps joined by ',') */
} sv_scenario;

/* Parse "529,529,ok" (docs/SERVE.md has the grammar). Returns 0 or -1. */
int sv_scenario_parse(sv_scenario *sc, const char *spec, char *err, size_t errcap);
/* Read a script file: one step per line, # comments. */
int sv_scenario_load(sv_scenario *sc, const char *path, char *err, size_t errcap);
void sv_scenario_free(sv_scenario *sc);
const sv_step *sv_scenario_step(const sv_scenario *sc, uint64_t attempt);
/* Write a step back in the grammar. */
void sv_step_format(const sv_step *st, sv_buf *out);

/* The error type an HTTP status goes with (the API's table). */
const char *sv_status_type(int status);
/* The API's error body. */
void sv_error_body(sv_buf *b, const char *type, const char *message,
                   const char *request_id);

/* ---- a response plan ------------------------------------------------------------- */
/* Bytes [.., end) may be sent from `due` ms after the response starts. */
typedef struct sv_seg {
  size_t end;
  uint64_t due;
} sv_seg;

typedef enum sv_end_mode {
  SV_END_CLEAN = 0,  /* terminating chunk */
  SV_END_RESET       /* connection closed without it */
} sv_end_mode;

typedef struct sv_plan {
  int status;
  const char *content_type;
  int gzip;
  sv_buf body;
  sv_seg *seg;
  size_t nseg;
  sv_end_mode end;
  size_t length;        /* content-length (0: chunked, or unknown) */
  uint64_t hold;        /* ms to wait after the last byte before ending */
  uint64_t head_delay;  /* ms before the headers (stallhead) */
  int head_forever;
  char headers[4][2][40]; /* extra headers: name, value */
  int nheaders;
  const char *what;       /* "stream", "message", "error 529", ... */
  uint64_t events;        /* events in the body */
} sv_plan;

typedef struct sv_plan_in {
  const sv_step *step;
  const sv_stream *stream;
  int streaming;        /* the request's "stream" flag */
  uint64_t pace_ms;     /* server default pace between events */
  uint64_t stall_max_ms;/* "forever" */
  const char *request_id;
} sv_plan_in;

/* Build the response of one request. Returns 0, or -1 (out of memory). */
int sv_plan_build(sv_plan *p, const sv_plan_in *in);
void sv_plan_free(sv_plan *p);

/* ---- the server ------------------------------------------------------------------ */
typedef struct sv_server sv_server;

/* One request as the suite sees it. */
typedef struct sv_attempt {
  uint64_t t_ms;        /* monotonic, when the request arrived */
  int status;           /* sent */
  char step[128];
  char end[24];         /* how the connection ended */
  int streaming;
  uint64_t bytes;
} sv_attempt;

typedef struct sv_config {
  const char *bind;
  unsigned port;
  const sv_scenario *scenario;  /* NULL = always ok */
  const sv_stream *stream;
  int gen;                      /* --gen: a generated stream per request */
  uint64_t gen_seed;
  uint64_t pace_ms;
  uint64_t stall_max_ms;
  unsigned threads;
  unsigned max_conns;
  FILE *log;
  int log_json;
  int quiet;
} sv_config;

/* Start listening; *out receives the server. Returns 0 or -1 (printed). */
int sv_server_start(sv_server **out, const sv_config *cfg);
unsigned sv_server_port(const sv_server *s);
/* The suite: use this scenario for every request from now on, and forget
 * the attempts so far. */
void sv_server_set_scenario(sv_server *s, const sv_scenario *sc,
                            const sv_stream *stream);
/* Copy up to cap attempts seen since the last set_scenario; returns the count. */
size_t sv_server_attempts(sv_server *s, sv_attempt *out, size_t cap);
/* Requests whose connection is still open. */
unsigned sv_server_open(sv_server *s);
void sv_server_stop(sv_server *s);

int cli_serve_suite(int argc, char **argv, const sv_config *base);

#endif
