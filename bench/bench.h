/* SPDX-License-Identifier: MIT */
/*
 * bench/bench.h - shared helpers for the bench executables (header only:
 * each bench .c file is its own program).
 *
 * Every measured subject runs interleaved with the machine's limit, a plain
 * memchr('\n') loop over the same buffer: rep i times memchr, then the
 * subject. We report the median subject time, the median memchr time, and
 * the median of the per-rep ratios memchr_time / subject_time, so that a
 * noisy neighbour slows both sides of a ratio alike.
 *
 * Output (stdout), one tab-separated record per line, parsed by run.sh:
 *   R  subject corpus chunk bytes events median_s memchr_median_s ratio reps
 *      wall_median_s wall_memchr_median_s
 *      (the first times are thread CPU time, see bench_cpu)
 *   M  key value            (metrics: allocations, memory, copies, ...)
 *   I  subject corpus bytes (callgrind mode: the region's input size)
 * Anything else is a comment for people.
 */
#ifndef SSEVAL_BENCH_H
#define SSEVAL_BENCH_H

#define _GNU_SOURCE /* memmem */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__) && !defined(__clang__)
#define BENCH_NOINLINE __attribute__((noinline, noclone))
#else
#define BENCH_NOINLINE __attribute__((noinline))
#endif
#define BENCH_UNUSED __attribute__((unused))

/* The line end the memchr loop looks for: LF, or CR for a corpus whose first
 * 64 KiB hold a CR and no LF (the CR-only shape), set by bench_load. */
static int bench_eol = '\n';

/* Defeats dead-code elimination: subjects fold what they touch into it. */
static volatile uint64_t bench_sink;

static BENCH_UNUSED double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the calling thread: what the measurements use, so that time
 * spent descheduled on a shared, oversubscribed machine is not counted (on
 * an idle machine it equals wall time for this single-threaded work). */
static BENCH_UNUSED double bench_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static BENCH_UNUSED void bench_die(const char *what) {
  fprintf(stderr, "bench: %s: %s\n", what, errno ? strerror(errno) : "failed");
  exit(1);
}

/* Read a whole file into a 64-byte aligned buffer (one spare zero byte). */
static BENCH_UNUSED unsigned char *bench_load(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) bench_die(path);
  struct stat st;
  if (fstat(fd, &st) != 0) bench_die(path);
  size_t n = (size_t)st.st_size;
  unsigned char *p = aligned_alloc(64, (n + 64 + 63) & ~(size_t)63);
  if (!p) bench_die("aligned_alloc");
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) bench_die(path);
    got += (size_t)r;
  }
  close(fd);
  memset(p + n, 0, 64);
  *len = n;
  size_t head = n < 65536 ? n : 65536;
  bench_eol = (!memchr(p, '\n', head) && memchr(p, '\r', head)) ? '\r' : '\n';
  return p;
}

static BENCH_UNUSED const char *bench_basename(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* ---- the machine's limit -------------------------------------------------- */
static BENCH_UNUSED BENCH_NOINLINE size_t bench_memchr_lines(const unsigned char *p,
                                                             size_t n) {
  size_t lines = 0;
  const unsigned char *end = p + n;
  const int eol = bench_eol;
  while (p < end) {
    const unsigned char *q = memchr(p, eol, (size_t)(end - p));
    if (!q) break;
    lines++;
    p = q + 1;
  }
  return lines;
}

/* ---- streams: the corpus split at `event: message_start` lines -------------- */
typedef struct bench_streams {
  size_t n;
  size_t *off; /* n + 1 offsets; off[n] == len */
} bench_streams;

static BENCH_UNUSED bench_streams bench_split(const unsigned char *buf, size_t len) {
  static const char pat[] = "event: message_start";
  const size_t plen = sizeof pat - 1;
  bench_streams s = {0, NULL};
  size_t cap = 64;
  s.off = malloc(cap * sizeof *s.off);
  if (!s.off) bench_die("malloc");
  size_t i = 0;
  while (i + plen <= len) {
    const unsigned char *q = memmem(buf + i, len - i, pat, plen);
    if (!q) break;
    size_t at = (size_t)(q - buf);
    if ((at == 0 || buf[at - 1] == '\n' || buf[at - 1] == '\r') && at + plen < len &&
        (buf[at + plen] == '\n' || buf[at + plen] == '\r')) {
      if (s.n + 2 > cap) {
        cap *= 2;
        s.off = realloc(s.off, cap * sizeof *s.off);
        if (!s.off) bench_die("realloc");
      }
      s.off[s.n++] = at;
    }
    i = at + plen;
  }
  if (s.n == 0 || s.off[0] != 0) {
    /* Not a Claude corpus (or leading bytes): one stream from 0. */
    if (s.n == 0) s.n = 1;
    s.off[0] = 0;
  }
  s.off[s.n] = len;
  return s;
}

/* ---- the measurement loop --------------------------------------------------- */
/* A subject processes buf[0..len) once and returns the events it saw. */
typedef uint64_t (*bench_fn)(void *ctx, const unsigned char *buf, size_t len,
                             size_t chunk);

typedef struct bench_opts {
  int min_reps;    /* at least this many timed reps (after one warm-up) */
  int max_reps;    /* at most this many */
  double budget_s; /* stop adding reps past this much time per subject */
  int smoke;       /* one rep, no warm-up: checks that the code runs */
  size_t chunks[8]; /* --chunks 65536,1024,1 (drivers that take chunk sizes) */
  int nchunks;      /* 0: the driver's default */
  const char *only; /* --only SUBJECT: measure just that subject */
} bench_opts;

/* Whether a subject is selected by --only. */
static BENCH_UNUSED int bench_selected(const bench_opts *o, const char *subject) {
  return !o->only || strcmp(o->only, subject) == 0;
}

static BENCH_UNUSED int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static BENCH_UNUSED double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The one function callgrind collects in (--toggle-collect=bench_region). */
static BENCH_UNUSED BENCH_NOINLINE uint64_t bench_region(bench_fn fn, void *ctx,
                                                         const unsigned char *buf,
                                                         size_t len, size_t chunk) {
  return fn(ctx, buf, len, chunk);
}

#define BENCH_MAX_REPS 64
static BENCH_UNUSED void bench_measure(const char *subject, const char *corpus,
                                       size_t chunk, bench_fn fn, void *ctx,
                                       const unsigned char *buf, size_t len,
                                       const bench_opts *o) {
  double ts[BENCH_MAX_REPS], tm[BENCH_MAX_REPS], ratio[BENCH_MAX_REPS];
  double ws[BENCH_MAX_REPS], wm[BENCH_MAX_REPS];
  int max = o->max_reps > BENCH_MAX_REPS ? BENCH_MAX_REPS : o->max_reps;
  uint64_t events = 0;
  if (!o->smoke) { /* warm-up: page faults, buffer growth, branch history */
    bench_sink += bench_memchr_lines(buf, len);
    bench_sink += fn(ctx, buf, len, chunk);
  }
  double start = bench_now();
  int n = 0;
  while (n < max) {
    double w0 = bench_now(), c0 = bench_cpu();
    bench_sink += bench_memchr_lines(buf, len);
    double w1 = bench_now(), c1 = bench_cpu();
    events = fn(ctx, buf, len, chunk);
    double w2 = bench_now(), c2 = bench_cpu();
    tm[n] = c1 - c0;
    ts[n] = c2 - c1;
    wm[n] = w1 - w0;
    ws[n] = w2 - w1;
    ratio[n] = tm[n] / ts[n];
    n++;
    if (o->smoke) break;
    if (n >= o->min_reps && w2 - start > o->budget_s) break;
  }
  double ms = bench_median(ts, n), mm = bench_median(tm, n);
  double mr = bench_median(ratio, n);
  double wsm = bench_median(ws, n), wmm = bench_median(wm, n);
  /* columns 7-9: CPU time (used by the report); 11-12: wall time */
  printf("R\t%s\t%s\t%zu\t%zu\t%llu\t%.6f\t%.6f\t%.5f\t%d\t%.6f\t%.6f\n", subject,
         corpus, chunk, len, (unsigned long long)events, ms, mm, mr, n, wsm, wmm);
  fprintf(stderr, "  %-28s %-16s chunk %-6zu %9.1f MiB/s %7.2f Mev/s %7.1f ns/ev  %.3fx memchr (%d reps; wall/cpu %.2f)\n",
          subject, corpus, chunk, (double)len / 1048576.0 / ms,
          events ? (double)events / ms / 1e6 : 0.0, events ? ms * 1e9 / (double)events : 0.0,
          mr, n, ms > 0 ? wsm / ms : 0.0);
  fflush(stdout);
}

static BENCH_UNUSED void bench_metric(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static BENCH_UNUSED void bench_metric(const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("M\t%s\t", key);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
}

/* Parse common options; returns the index of the first non-option argument. */
static BENCH_UNUSED int bench_parse_opts(int argc, char **argv, bench_opts *o,
                                         const char **callgrind) {
  o->min_reps = 5;
  o->max_reps = 11;
  o->budget_s = 6.0;
  o->smoke = 0;
  o->nchunks = 0;
  o->only = NULL;
  *callgrind = NULL;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    if (!strcmp(argv[i], "--smoke")) {
      o->smoke = 1;
    } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
      o->min_reps = o->max_reps = atoi(argv[++i]);
      if (o->min_reps < 1) o->min_reps = o->max_reps = 1;
    } else if (!strcmp(argv[i], "--budget") && i + 1 < argc) {
      o->budget_s = atof(argv[++i]);
    } else if (!strcmp(argv[i], "--chunks") && i + 1 < argc) {
      const char *c = argv[++i];
      o->nchunks = 0;
      while (*c && o->nchunks < 8) {
        char *end;
        unsigned long long v = strtoull(c, &end, 10);
        if (end == c || v == 0) break;
        o->chunks[o->nchunks++] = (size_t)v;
        c = *end == ',' ? end + 1 : end;
      }
    } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
      o->only = argv[++i];
    } else if (!strcmp(argv[i], "--callgrind") && i + 1 < argc) {
      *callgrind = argv[++i];
    } else if (!strcmp(argv[i], "--")) {
      i++;
      break;
    } else {
      break;
    }
  }
  return i;
}

/* ---- what bench_sse and bench_claude share ----------------------------------- */

/* A counting allocator around malloc (plug into sseval_allocator with ctx
 * pointing at a bench_counting): allocations per event, frees. */
typedef struct bench_counting {
  uint64_t calls; /* malloc + realloc */
  uint64_t frees;
} bench_counting;

static BENCH_UNUSED void *bench_c_malloc(void *ctx, size_t n) {
  ((bench_counting *)ctx)->calls++;
  return malloc(n);
}
static BENCH_UNUSED void *bench_c_realloc(void *ctx, void *p, size_t old, size_t n) {
  (void)old;
  ((bench_counting *)ctx)->calls++;
  return realloc(p, n);
}
static BENCH_UNUSED void bench_c_free(void *ctx, void *p, size_t n) {
  (void)n;
  ((bench_counting *)ctx)->frees++;
  free(p);
}

/* "64k" for 65536, "1b" for 1: the chunk size in subject names. */
static BENCH_UNUSED const char *bench_chunk_name(size_t chunk, char *tmp, size_t cap) {
  if (chunk >= 1024 && chunk % 1024 == 0)
    snprintf(tmp, cap, "%zuk", chunk / 1024);
  else
    snprintf(tmp, cap, "%zub", chunk);
  return tmp;
}

/* One feed call of a subject: hands p[0..n) to obj; 0 when it went well. */
typedef int (*bench_feed_fn)(void *obj, const unsigned char *p, size_t n);

/*
 * The feeding loop of the benches: buf[0..len) in pieces of `chunk` bytes
 * (the last one shorter), each through feed; returns 0, or the first
 * non-zero feed result. Always inlined, so with a constant `feed` the call
 * is direct: one-byte chunks measure the library, not an indirect call.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline, unused))
#endif
static inline int bench_feed_chunks(bench_feed_fn feed, void *obj, const unsigned char *buf,
                                    size_t len, size_t chunk) {
  for (size_t off = 0; off < len; off += chunk) {
    size_t n = len - off < chunk ? len - off : chunk;
    int r = feed(obj, buf + off, n);
    if (r) return r;
  }
  return 0;
}

#endif /* SSEVAL_BENCH_H */
