/* SPDX-License-Identifier: MIT */
/*
 * tools/cli.h - what the sseval command's files share: reading the input in
 * the chosen chunking, and writing JSON strings spec-exactly.
 */
#ifndef SSEVAL_TOOLS_CLI_H
#define SSEVAL_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sseval/sseval.h"

/* A growable byte buffer, always NUL-terminated after len; a failed
 * allocation sets oom and later appends do nothing (check oom once). */
typedef struct cli_buf {
  char *p;
  size_t len, cap;
  int oom;
} cli_buf;
void cli_buf_add(cli_buf *b, const void *s, size_t n);

/* How input is handed to the parser (--chunk). */
typedef struct cli_chunking {
  int mode;        /* 0 = whole reads, 1 = fixed size, 2 = random */
  size_t size;     /* mode 1 */
  uint64_t seed;   /* mode 2 */
} cli_chunking;

/* Parse "N" or "random:SEED"; returns 0 on a bad value. */
int cli_parse_chunk(const char *arg, cli_chunking *out);
/* Parse a positive size ("1048576", "64k", "4m"); returns 0 on a bad value. */
int cli_parse_size(const char *arg, size_t *out);

/* Called with each chunk; returns 0 to go on, non-zero to stop reading. */
typedef int (*cli_feed_fn)(void *ctx, const char *buf, size_t len);

/* Read `path` ("-" or NULL = stdin) in reads of 64 KiB and hand the bytes to
 * `feed` in the chunking asked for. Returns 0, or -1 on an I/O error (message
 * already printed). *total receives the bytes read. */
int cli_read_input(const char *path, const cli_chunking *ch, cli_feed_fn feed,
                   void *ctx, uint64_t *total);

/* Write s as a JSON string (with quotes): escapes as JSON requires, invalid
 * UTF-8 replaced by U+FFFD (WHATWG), non-ASCII written as UTF-8. */
void cli_json_string(FILE *out, const char *s, size_t len);

/* Bytes from the input or the network shown to a person (cli_text.c). */
enum { CLI_TEXT_RAW = 0, CLI_TEXT_TERMINAL, CLI_TEXT_FIELD };
typedef struct cli_text {
  FILE *out;
  int mode;               /* CLI_TEXT_* */
  unsigned char hold[4];  /* an incomplete UTF-8 sequence from the last write */
  size_t held;
  int wrote;              /* anything written since init */
  char last;              /* the last byte given (0: none) */
} cli_text;
/* RAW writes bytes as they are; TERMINAL makes them inert (C0 except
 * newline and tab, DEL, C1, bidi controls, invalid UTF-8 shown escaped);
 * FIELD also escapes newline, tab and backslash: one report line. */
void cli_text_init(cli_text *t, FILE *out, int mode);
void cli_text_write(cli_text *t, const char *s, size_t len);
/* Flush a held incomplete sequence (shown escaped). */
void cli_text_end(cli_text *t);
/* One report field, always escaped (FIELD mode), whatever `out` is. */
void cli_field(FILE *out, const char *s, size_t len);
void cli_field_str(FILE *out, const char *s);
/* Up to `max` bytes of s (cut at a UTF-8 boundary) as one escaped field in
 * quotes, "..." after it when cut. */
void cli_preview(FILE *out, sseval_span s, size_t max);
/* "TYPE (retryable): "MESSAGE"\n" of an API error, escaped. */
void cli_error_line(FILE *out, const sseval_api_error *e);
/* An sseval_write_fn writing into a cli_text (ctx). */
int cli_text_sink(void *ctx, const char *bytes, size_t len);

/* The `check` report, shared with `stream`. */
void cli_report_json(FILE *out, const sseval_claude *c,
                     const sseval_claude_result *r);
void cli_report_human(FILE *out, const sseval_claude *c,
                      const sseval_claude_result *r, const char *name);

/* Subcommands. */
int cli_events(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_gen(int argc, char **argv);
#ifdef SSEVAL_HAVE_CURL
int cli_stream(int argc, char **argv);
#endif
#ifdef SSEVAL_HAVE_MHD
int cli_serve(int argc, char **argv);
#endif

#endif
