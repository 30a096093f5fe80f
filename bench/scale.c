/* SPDX-License-Identifier: MIT */
/*
 * bench/scale.c - many streams in one process: what one idle or mid-stream
 * validator costs when a server holds 100,000 of them.
 *
 *   scale [--smoke] [--count N] CORPUS
 *
 * Phase 1 creates N validators (default 100,000; --smoke: 1,000) and holds
 * them idle. Phase 2 creates N more and feeds each one the start of the
 * median-size message of CORPUS up to an event boundary: instance i stops
 * after event 1 + i mod (events - 2), so the population is spread over
 * every point between two events of a typical message (a server's streams
 * are at all stages at once). No callbacks, no accumulator, 64 KiB chunks.
 *
 * Two measures per phase: the bytes the instances hold through their
 * allocator (a counting allocator around malloc: exact, what the library
 * asks for) and the growth of the process's resident set (/proc/self/statm:
 * what the machine pays, malloc's headers and rounding included).
 *
 * Output: M records (see bench/report.py)
 *   scale.count                       N
 *   scale.idle.held_per_stream        bytes held per idle validator
 *   scale.idle.rss_per_stream         resident bytes per idle validator
 *   scale.mid.held_per_stream         bytes held per mid-stream validator
 *   scale.mid.rss_per_stream          resident bytes per mid-stream validator
 *   scale.mid.rss_total_mib           resident MiB of the N mid-stream ones
 *   scale.mid.typical_stream_bytes    size of the message they were fed from
 */
#include "bench.h"

#include "sseval/claude.h"

typedef struct held {
  size_t bytes;
} held;

static void *h_malloc(void *ctx, size_t n) {
  void *p = malloc(n);
  if (p) ((held *)ctx)->bytes += n;
  return p;
}
static void *h_realloc(void *ctx, void *p, size_t old, size_t n) {
  void *q = realloc(p, n);
  if (q) ((held *)ctx)->bytes += n - old;
  return q;
}
static void h_free(void *ctx, void *p, size_t n) {
  ((held *)ctx)->bytes -= n;
  free(p);
}

/* Resident bytes of this process (Linux); 0 where unknown. */
static size_t rss_bytes(void) {
  unsigned long size = 0, res = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (fscanf(f, "%lu %lu", &size, &res) != 2) res = 0;
  fclose(f);
  return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* The offsets just after each event's blank line in msg[0..len). */
static size_t *event_ends(const unsigned char *msg, size_t len, size_t *n) {
  size_t cap = 256, k = 0;
  size_t *e = malloc(cap * sizeof *e);
  if (!e) bench_die("malloc");
  for (size_t i = 0; i + 1 < len; i++) {
    if (msg[i] == '\n' && msg[i + 1] == '\n') {
      if (k == cap) {
        cap *= 2;
        e = realloc(e, cap * sizeof *e);
        if (!e) bench_die("realloc");
      }
      e[k++] = i + 2;
    }
  }
  *n = k;
  return e;
}

static sseval_claude *new_validator(const sseval_allocator *a) {
  sseval_claude_options o;
  sseval_claude *c = NULL;
  sseval_claude_options_init(&o);
  o.allocator = a;
  if (sseval_claude_new(&c, NULL, NULL, &o) != SSEVAL_OK) bench_die("sseval_claude_new");
  return c;
}

static void feed(sseval_claude *c, const unsigned char *p, size_t len) {
  for (size_t off = 0; off < len;) {
    size_t n = len - off < 65536 ? len - off : 65536, used = 0;
    if (sseval_claude_feed(c, p + off, n, &used) != SSEVAL_OK) bench_die("feed");
    off += used;
  }
}

int main(int argc, char **argv) {
  size_t count = 100000;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--smoke")) count = 1000;
    else if (!strcmp(argv[i], "--count") && i + 1 < argc) count = (size_t)atol(argv[++i]);
    else path = argv[i];
  }
  if (!path || count == 0) {
    fprintf(stderr, "usage: scale [--smoke] [--count N] CORPUS\n");
    return 1;
  }
  size_t len;
  unsigned char *buf = bench_load(path, &len);
  bench_streams s = bench_split(buf, len);
  if (s.n == 0) bench_die("no message in the corpus");
  size_t *sizes = malloc(s.n * sizeof *sizes), best = 0;
  if (!sizes) bench_die("malloc");
  for (size_t i = 0; i < s.n; i++) sizes[i] = s.off[i + 1] - s.off[i];
  qsort(sizes, s.n, sizeof *sizes, cmp_size);
  size_t med = sizes[s.n / 2];
  for (size_t i = 0; i < s.n; i++)
    if (s.off[i + 1] - s.off[i] == med) best = i;
  const unsigned char *msg = buf + s.off[best];
  size_t nev;
  size_t *ends = event_ends(msg, med, &nev);
  if (nev < 3) bench_die("the typical message has too few events");

  held h = {0};
  sseval_allocator a = {h_malloc, h_realloc, h_free, &h};
  sseval_claude **idle = malloc(count * sizeof *idle);
  sseval_claude **mid = malloc(count * sizeof *mid);
  if (!idle || !mid) bench_die("malloc");

  size_t rss0 = rss_bytes(), h0 = h.bytes;
  for (size_t i = 0; i < count; i++) idle[i] = new_validator(&a);
  size_t rss1 = rss_bytes(), h1 = h.bytes;
  for (size_t i = 0; i < count; i++) {
    mid[i] = new_validator(&a);
    feed(mid[i], msg, ends[1 + i % (nev - 2)]);
  }
  size_t rss2 = rss_bytes(), h2 = h.bytes;

  bench_metric("scale.count", "%zu", count);
  bench_metric("scale.idle.held_per_stream", "%.1f", (double)(h1 - h0) / (double)count);
  bench_metric("scale.idle.rss_per_stream", "%.1f",
               rss1 > rss0 ? (double)(rss1 - rss0) / (double)count : 0.0);
  bench_metric("scale.mid.held_per_stream", "%.1f", (double)(h2 - h1) / (double)count);
  bench_metric("scale.mid.rss_per_stream", "%.1f",
               rss2 > rss1 ? (double)(rss2 - rss1) / (double)count : 0.0);
  bench_metric("scale.mid.rss_total_mib", "%.1f",
               rss2 > rss1 ? (double)(rss2 - rss1) / 1048576.0 : 0.0);
  bench_metric("scale.mid.typical_stream_bytes", "%zu", med);
  bench_metric("scale.mid.events_in_typical_stream", "%zu", nev);

  for (size_t i = 0; i < count; i++) {
    sseval_claude_free(idle[i]);
    sseval_claude_free(mid[i]);
  }
  if (h.bytes != 0) bench_die("validators freed but bytes still held");
  free(idle);
  free(mid);
  free(ends);
  free(sizes);
  free(s.off);
  free(buf);
  return 0;
}
