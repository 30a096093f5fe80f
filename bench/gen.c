/* SPDX-License-Identifier: MIT */
/*
 * bench/gen.c - benchmark corpora from the library's generator (sseval/gen.h).
 *
 *   gen [--shape S] [--size N[k|m]] [--seed N] [-o FILE] [--quiet]
 *
 * A thin driver: the streams are sseval_gen_generate's (see sseval/gen.h for
 * the shapes and the stable format). realistic, cr, crlf and multiline give
 * a corpus of whole messages, seeds SEED*1000003 + 0, 1, 2, ... back to back
 * until the size is reached (the benches split it at each line starting
 * `event: message_start`); single, longlines and small_events give one
 * message of the size (longtext too: text deltas of 8..64 KiB); tiny gives `data: N` events (tokenizer only). Same
 * arguments, same bytes. Statistics and the generation speed go to stderr.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sseval/gen.h"

static size_t parse_size(const char *s) {
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end == 'k' || *end == 'K') v <<= 10;
  if (*end == 'm' || *end == 'M') v <<= 20;
  if (*end == 'g' || *end == 'G') v <<= 30;
  return (size_t)v;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Count lines starting with `pfx` in p[0..n). */
static unsigned long long count_lines(const char *p, size_t n, const char *pfx) {
  size_t i = 0, k = strlen(pfx);
  unsigned long long c = 0;
  while (i < n) {
    if (n - i >= k && memcmp(p + i, pfx, k) == 0) c++;
    while (i < n && p[i] != '\n' && p[i] != '\r') i++;
    if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n') i++;
    i++;
  }
  return c;
}

int main(int argc, char **argv) {
  sseval_gen_options o;
  sseval_gen_stream s;
  sseval_gen_shape shape = SSEVAL_GEN_REALISTIC;
  size_t size = 64u << 20, len = 0, cap = 0;
  unsigned long long seed = 1, messages = 0, k;
  const char *path = NULL;
  char *out = NULL;
  int quiet = 0, i, corpus;
  double t0, t;
  FILE *f;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--shape") && v && sseval_gen_shape_parse(v, &shape)) {
      i++;
    } else if (!strcmp(a, "--size") && v) {
      size = parse_size(argv[++i]);
    } else if (!strcmp(a, "--seed") && v) {
      seed = strtoull(argv[++i], NULL, 10);
    } else if (!strcmp(a, "-o") && v) {
      path = argv[++i];
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else {
      fprintf(stderr, "usage: gen [--shape realistic|single|longlines|small_events|"
                      "cr|crlf|multiline|longtext|tiny] [--size N[k|m]] [--seed N] [-o FILE] "
                      "[--quiet]\n");
      return 1;
    }
  }
  corpus = shape == SSEVAL_GEN_REALISTIC || shape == SSEVAL_GEN_CR ||
           shape == SSEVAL_GEN_CRLF || shape == SSEVAL_GEN_MULTILINE;
  sseval_gen_stream_init(&s);
  t0 = now();
  for (k = 0; len < size; k++) {
    sseval_gen_options_init(&o);
    o.shape = shape;
    o.seed = seed * 1000003ull + k;
    o.size = corpus ? 0 : size;
    if (sseval_gen_generate(&o, &s) != SSEVAL_OK) {
      fprintf(stderr, "gen: out of memory\n");
      return 1;
    }
    if (len + s.len > cap) {
      char *np;
      size_t nc = cap ? cap : (size + (1u << 20));
      while (nc < len + s.len) nc *= 2;
      np = (char *)realloc(out, nc);
      if (!np) {
        fprintf(stderr, "gen: out of memory\n");
        return 1;
      }
      out = np;
      cap = nc;
    }
    memcpy(out + len, s.bytes, s.len);
    len += s.len;
    messages++;
    if (!corpus) break;
  }
  t = now() - t0;
  sseval_gen_stream_free(&s);
  f = path ? fopen(path, "wb") : stdout;
  if (!f || fwrite(out, 1, len, f) != len || (path && fclose(f))) {
    fprintf(stderr, "gen: cannot write %s: %s\n", path ? path : "stdout",
            strerror(errno));
    return 1;
  }
  if (!quiet) {
    unsigned long long ev = count_lines(out, len, "event:"), cbd;
    cbd = count_lines(out, len, "event: content_block_delta");
    if (shape == SSEVAL_GEN_TINY) ev = count_lines(out, len, "data:");
    fprintf(stderr,
            "gen: %zu bytes, %llu events (%.1f B/event), %.1f%% content_block_delta, "
            "%llu messages, generated at %.0f MB/s (format %d)\n",
            len, ev, ev ? (double)len / (double)ev : 0.0,
            ev ? 100.0 * (double)cbd / (double)ev : 0.0, messages,
            t > 0 ? (double)len / t / 1e6 : 0.0, SSEVAL_GEN_FORMAT);
  }
  free(out);
  return 0;
}
