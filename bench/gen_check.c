/* SPDX-License-Identifier: MIT */
/*
 * bench/gen_check.c - is generating a stream at least as fast as checking it?
 *
 *   gen_check [--smoke] [--size MIB] [--reps N]
 *
 * For each shape, in one process and one run: generate about MIB MiB with
 * sseval_gen_generate (realistic, cr, crlf and multiline: whole messages of
 * seeds 1, 2, ...; the other shapes: one stream of that size), then check
 * every generated stream as `sseval check` does (validator + accumulator, a
 * new instance per stream, 64 KiB feeds, finish). Both timed in CPU time of
 * this thread, median of the reps; each check must say complete. The ratio
 * is generation speed / check speed: above 1, generating a corpus costs
 * less than checking it.
 *
 * Output: M records for bench/report.py (gen_check.SHAPE.gen_mibs,
 * .check_mibs, .ratio, .bytes) on stdout, a table on stderr.
 */
#include "bench.h"

#include "sseval/gen.h"
#include "sseval/sseval.h"

typedef struct corpus {
  char *p;
  size_t len, cap;
  size_t *ends; /* end of each stream */
  size_t n, ncap;
} corpus;

static void corpus_add(corpus *c, const char *b, size_t n) {
  if (c->len + n > c->cap) {
    size_t nc = c->cap ? c->cap : (1u << 20);
    while (nc < c->len + n) nc *= 2;
    c->p = (char *)realloc(c->p, nc);
    if (!c->p) bench_die("out of memory");
    c->cap = nc;
  }
  if (c->n == c->ncap) {
    c->ncap = c->ncap ? c->ncap * 2 : 64;
    c->ends = (size_t *)realloc(c->ends, c->ncap * sizeof *c->ends);
    if (!c->ends) bench_die("out of memory");
  }
  if (n) memcpy(c->p + c->len, b, n);
  c->len += n;
  c->ends[c->n++] = c->len;
}

/* Generate the corpus of `shape` (about `size` bytes) with the stream `s`,
 * reused as sseval/gen.h intends (its buffer is kept between calls, so a
 * rep after the first does not time the kernel faulting in fresh pages);
 * returns the CPU seconds spent in the generator. */
static double generate(sseval_gen_shape shape, size_t size, corpus *c,
                       sseval_gen_stream *s) {
  int whole = shape == SSEVAL_GEN_REALISTIC || shape == SSEVAL_GEN_CR ||
              shape == SSEVAL_GEN_CRLF || shape == SSEVAL_GEN_MULTILINE;
  double t = 0;
  uint64_t k;
  c->len = c->n = 0;
  for (k = 1; c->len < size; k++) {
    sseval_gen_options o;
    double t0;
    sseval_gen_options_init(&o);
    o.seed = k;
    o.shape = shape;
    o.size = whole ? 0 : size;
    t0 = bench_cpu();
    if (sseval_gen_generate(&o, s) != SSEVAL_OK) bench_die("gen: out of memory");
    t += bench_cpu() - t0;
    corpus_add(c, s->bytes, s->len);
    if (!whole) break;
  }
  return t;
}

/* Check every stream as `sseval check` does; returns CPU seconds. */
static double check(const corpus *c) {
  double t0 = bench_cpu();
  size_t i, at = 0;
  for (i = 0; i < c->n; i++) {
    sseval_claude_options o;
    sseval_claude *v;
    sseval_claude_result r;
    size_t end = c->ends[i];
    sseval_claude_options_init(&o);
    o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
    if (sseval_claude_new(&v, NULL, NULL, &o) != SSEVAL_OK) bench_die("check: new");
    while (at < end) {
      size_t n = end - at < 65536 ? end - at : 65536;
      sseval_claude_feed(v, c->p + at, n, NULL);
      at += n;
    }
    sseval_claude_finish(v, &r);
    if (r.verdict != SSEVAL_VERDICT_COMPLETE) bench_die("check: a generated stream is not complete");
    bench_sink += r.events;
    sseval_claude_free(v);
  }
  return bench_cpu() - t0;
}

int main(int argc, char **argv) {
  static const sseval_gen_shape shapes[] = {
      SSEVAL_GEN_REALISTIC, SSEVAL_GEN_SINGLE,    SSEVAL_GEN_SMALL_EVENTS,
      SSEVAL_GEN_LONGTEXT,  SSEVAL_GEN_LONGLINES, SSEVAL_GEN_MULTILINE,
      SSEVAL_GEN_CRLF};
  size_t size = (size_t)32 << 20, i;
  int reps = 5, a, r;
  corpus c;
  sseval_gen_stream s;
  memset(&c, 0, sizeof c);
  sseval_gen_stream_init(&s);
  for (a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "--smoke")) {
      size = (size_t)256 << 10;
      reps = 1;
    } else if (!strcmp(argv[a], "--size") && a + 1 < argc) {
      size = (size_t)strtoul(argv[++a], NULL, 10) << 20;
    } else if (!strcmp(argv[a], "--reps") && a + 1 < argc) {
      reps = (int)strtol(argv[++a], NULL, 10);
      if (reps < 1 || reps > BENCH_MAX_REPS) reps = 1;
    } else {
      fprintf(stderr, "usage: gen_check [--smoke] [--size MIB] [--reps N]\n");
      return 1;
    }
  }
  fprintf(stderr, "%-13s %10s %12s %12s %8s\n", "shape", "MiB", "gen MiB/s",
          "check MiB/s", "ratio");
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    double tg[BENCH_MAX_REPS], tc[BENCH_MAX_REPS], g, k, mib;
    const char *name = sseval_gen_shape_name(shapes[i]);
    for (r = 0; r < reps; r++) {
      tg[r] = generate(shapes[i], size, &c, &s);
      tc[r] = check(&c);
    }
    g = bench_median(tg, reps);
    k = bench_median(tc, reps);
    mib = (double)c.len / (1024.0 * 1024.0);
    printf("M\tgen_check.%s.bytes\t%zu\n", name, c.len);
    printf("M\tgen_check.%s.gen_mibs\t%.1f\n", name, g > 0 ? mib / g : 0.0);
    printf("M\tgen_check.%s.check_mibs\t%.1f\n", name, k > 0 ? mib / k : 0.0);
    printf("M\tgen_check.%s.ratio\t%.2f\n", name, g > 0 ? k / g : 0.0);
    fprintf(stderr, "%-13s %10.1f %12.1f %12.1f %7.2fx\n", name, mib,
            g > 0 ? mib / g : 0.0, k > 0 ? mib / k : 0.0, g > 0 ? k / g : 0.0);
  }
  sseval_gen_stream_free(&s);
  free(c.p);
  free(c.ends);
  return 0;
}
