/* SPDX-License-Identifier: MIT */
/*
 * bench/base.c - the machine's limits and the C baselines, on one corpus.
 *
 *   base [--smoke] [--reps N] [--budget S] [--only SUBJECT] CORPUS...
 *   base --callgrind SUBJECT CORPUS     one pass of SUBJECT in bench_region
 *   base --count FILE                   memchr line count as a whole process:
 *                                       fread in 64 KiB blocks, memchr for
 *                                       '\n', print the count (the floor
 *                                       `sseval check` is compared with)
 *   base --exec REPS CMD [ARGS...]      time a whole process (when hyperfine
 *                                       is missing): one warm-up run, then
 *                                       REPS runs, stdout to /dev/null;
 *                                       prints X, median_s, min_s, reps, exit,
 *                                       median CPU s (user + sys)
 *
 * Subjects (every one timed interleaved with the memchr loop, see bench.h):
 *   memchr        the memchr('\n') loop itself (ratio ~1: a noise check)
 *   memcpy        memcpy of the whole buffer into another
 *   split_whole   naive line splitter, whole buffer, zero copy: `data: `
 *                 lines summed, blank line = event (not spec-correct)
 *   split_copy    the same fed in chunks, copying data lines into an event
 *                 buffer and partial lines into a carry (not spec-correct)
 *   naive         what people hand-roll: every line copied with malloc, the
 *                 event's type strdup'ed and its data realloc'ed line by
 *                 line, an event struct malloc'ed per event (LF / CRLF only:
 *                 not spec-correct either), fed in 64 KiB, 1 KiB, 1 B chunks
 */
#include "bench.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

/* ---- whole processes ----------------------------------------------------------- */
static int run_once(char **cmd, double *secs, double *cpu) {
  double t0 = bench_now();
  pid_t pid = fork();
  if (pid < 0) bench_die("fork");
  if (pid == 0) {
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
      dup2(fd, 1);
      close(fd);
    }
    execvp(cmd[0], cmd);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) bench_die("wait4");
  }
  *secs = bench_now() - t0;
  *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int exec_mode(int reps, char **cmd) {
  double t[BENCH_MAX_REPS], c[BENCH_MAX_REPS], warm, warmc;
  if (reps < 1) reps = 1;
  if (reps > BENCH_MAX_REPS) reps = BENCH_MAX_REPS;
  int rc = run_once(cmd, &warm, &warmc);
  for (int i = 0; i < reps && rc == 0; i++) rc = run_once(cmd, &t[i], &c[i]);
  if (rc != 0) {
    printf("X\t0\t0\t0\t%d\t0\n", rc);
    return 0;
  }
  double mn = t[0];
  for (int i = 1; i < reps; i++)
    if (t[i] < mn) mn = t[i];
  double med = bench_median(t, reps), medc = bench_median(c, reps);
  printf("X\t%.6f\t%.6f\t%d\t0\t%.6f\n", med, mn, reps, medc);
  return 0;
}

/* ---- memcpy -------------------------------------------------------------------- */
static unsigned char *copy_dst;
static uint64_t s_memcpy(void *ctx, const unsigned char *buf, size_t len, size_t chunk) {
  (void)ctx;
  (void)chunk;
  memcpy(copy_dst, buf, len);
  __asm__ volatile("" ::"r"(copy_dst) : "memory");
  return 0;
}

static uint64_t s_memchr(void *ctx, const unsigned char *buf, size_t len, size_t chunk) {
  (void)ctx;
  (void)chunk;
  return bench_memchr_lines(buf, len);
}

/* ---- naive zero-copy splitter over the whole buffer ------------------------------ */
static uint64_t s_split_whole(void *ctx, const unsigned char *buf, size_t len,
                              size_t chunk) {
  (void)ctx;
  (void)chunk;
  const unsigned char *p = buf, *end = buf + len;
  uint64_t events = 0, sink = 0;
  size_t data_len = 0;
  while (p < end) {
    const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break;
    size_t n = (size_t)(nl - p);
    if (n == 0) {
      if (data_len) {
        events++;
        sink += data_len;
        data_len = 0;
      }
    } else if (n >= 6 && memcmp(p, "data: ", 6) == 0) {
      data_len += n - 6;
      sink += p[6];
    }
    p = nl + 1;
  }
  bench_sink += sink;
  return events;
}

/* ---- naive chunked splitter that copies ------------------------------------------ */
typedef struct splitter {
  unsigned char *carry, *data;
  size_t carry_len, carry_cap, data_len, data_cap;
  uint64_t events, sink;
} splitter;

static void grow(unsigned char **p, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t c = *cap ? *cap : 256;
  while (c < need) c *= 2;
  *p = realloc(*p, c);
  if (!*p) bench_die("realloc");
  *cap = c;
}

static void split_line(splitter *s, const unsigned char *p, size_t n) {
  if (n == 0) {
    if (s->data_len) {
      s->events++;
      s->sink += s->data_len + s->data[0];
      s->data_len = 0;
    }
  } else if (n >= 6 && memcmp(p, "data: ", 6) == 0) {
    grow(&s->data, &s->data_cap, s->data_len + n);
    memcpy(s->data + s->data_len, p + 6, n - 6);
    s->data_len += n - 6;
  }
}

static void split_feed(splitter *s, const unsigned char *p, size_t n) {
  const unsigned char *end = p + n;
  while (p < end) {
    const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      grow(&s->carry, &s->carry_cap, s->carry_len + (size_t)(end - p));
      memcpy(s->carry + s->carry_len, p, (size_t)(end - p));
      s->carry_len += (size_t)(end - p);
      return;
    }
    if (s->carry_len) {
      grow(&s->carry, &s->carry_cap, s->carry_len + (size_t)(nl - p));
      memcpy(s->carry + s->carry_len, p, (size_t)(nl - p));
      split_line(s, s->carry, s->carry_len + (size_t)(nl - p));
      s->carry_len = 0;
    } else {
      split_line(s, p, (size_t)(nl - p));
    }
    p = nl + 1;
  }
}

static uint64_t s_split_copy(void *ctx, const unsigned char *buf, size_t len,
                             size_t chunk) {
  splitter *s = ctx;
  s->events = 0;
  s->carry_len = s->data_len = 0;
  for (size_t off = 0; off < len; off += chunk)
    split_feed(s, buf + off, len - off < chunk ? len - off : chunk);
  bench_sink += s->sink;
  return s->events;
}

/* ---- the hand-rolled tokenizer: malloc per line, per field, per event --------- */
typedef struct naive_event {
  char *type;
  char *data;
  size_t data_len;
} naive_event;

typedef struct naive {
  char *partial; /* carry of an unfinished line */
  size_t plen, pcap;
  char *type, *data; /* the event being built */
  size_t dlen;
  uint64_t events, sink;
} naive;

static void naive_on_event(naive *n, const naive_event *e) {
  n->events++;
  n->sink += e->data_len + (unsigned char)e->data[0] + (unsigned char)e->type[0];
}

static void naive_line(naive *n, const char *src, size_t len) {
  char *line = malloc(len + 1); /* copy each line */
  if (!line) bench_die("malloc");
  memcpy(line, src, len);
  line[len] = 0;
  if (len && line[len - 1] == '\r') line[--len] = 0;
  if (len == 0) {
    if (n->data) {
      naive_event *e = malloc(sizeof *e); /* allocate each event */
      if (!e) bench_die("malloc");
      e->type = n->type ? n->type : strdup("message");
      e->data = n->data;
      e->data_len = n->dlen;
      naive_on_event(n, e);
      free(e->type);
      free(e->data);
      free(e);
    } else {
      free(n->type);
    }
    n->type = n->data = NULL;
    n->dlen = 0;
    free(line);
    return;
  }
  if (line[0] == ':') {
    free(line);
    return;
  }
  char *colon = strchr(line, ':');
  char *value = "";
  if (colon) {
    *colon = 0;
    value = colon + 1;
    if (*value == ' ') value++;
  }
  size_t vlen = len - (size_t)(value - line);
  if (colon == NULL) vlen = 0;
  if (strcmp(line, "data") == 0) {
    size_t need = n->dlen + vlen + 2;
    char *d = realloc(n->data, need);
    if (!d) bench_die("realloc");
    if (n->data) d[n->dlen++] = '\n';
    memcpy(d + n->dlen, value, vlen);
    n->dlen += vlen;
    d[n->dlen] = 0;
    n->data = d;
  } else if (strcmp(line, "event") == 0) {
    free(n->type);
    n->type = strdup(value);
  }
  free(line);
}

static void naive_feed(naive *n, const char *p, size_t len) {
  const char *end = p + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t take = (size_t)((nl ? nl : end) - p);
    if (!nl || n->plen) {
      if (n->plen + take > n->pcap) {
        n->pcap = (n->plen + take) * 2;
        n->partial = realloc(n->partial, n->pcap);
        if (!n->partial) bench_die("realloc");
      }
      memcpy(n->partial + n->plen, p, take);
      n->plen += take;
      if (!nl) return;
      naive_line(n, n->partial, n->plen);
      n->plen = 0;
    } else {
      naive_line(n, p, take);
    }
    p = nl + 1;
  }
}

static uint64_t s_naive(void *ctx, const unsigned char *buf, size_t len, size_t chunk) {
  naive *n = ctx;
  n->events = 0;
  n->plen = 0;
  free(n->type);
  free(n->data);
  n->type = n->data = NULL;
  n->dlen = 0;
  for (size_t off = 0; off < len; off += chunk)
    naive_feed(n, (const char *)buf + off, len - off < chunk ? len - off : chunk);
  bench_sink += n->sink;
  return n->events;
}

/* The whole-process floor: read the file in 64 KiB fread blocks, count the
 * '\n' with memchr, print the count. No other work: what any reader of the
 * file must pay at least. */
static int count_lines(const char *path) {
  static unsigned char blk[65536];
  FILE *f = fopen(path, "rb");
  size_t n, lines = 0;
  if (!f) {
    perror(path);
    return 1;
  }
  while ((n = fread(blk, 1, sizeof blk, f)) > 0) {
    const unsigned char *p = blk, *end = blk + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
      lines++;
      p++;
    }
  }
  if (ferror(f)) {
    perror(path);
    fclose(f);
    return 1;
  }
  fclose(f);
  printf("%zu\n", lines);
  return 0;
}

/* ---- driver ---------------------------------------------------------------------- */
typedef struct subject {
  const char *name;
  bench_fn fn;
  void *ctx;
  size_t chunk;
} subject;

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--count")) return count_lines(argv[2]);
  if (argc >= 4 && !strcmp(argv[1], "--exec")) return exec_mode(atoi(argv[2]), argv + 3);
  bench_opts o;
  const char *cg;
  int i = bench_parse_opts(argc, argv, &o, &cg);
  if (i >= argc) {
    fprintf(stderr, "usage: base [--smoke] [--reps N] [--budget S] [--callgrind SUBJECT] CORPUS...\n"
                    "       base --count FILE\n");
    return 1;
  }
  static splitter sp;
  static naive nv;
  subject subjects[] = {
      {"memchr", s_memchr, NULL, 0},
      {"memcpy", s_memcpy, NULL, 0},
      {"split_whole", s_split_whole, NULL, 0},
      {"split_copy_64k", s_split_copy, &sp, 65536},
      {"naive_64k", s_naive, &nv, 65536},
      {"naive_1k", s_naive, &nv, 1024},
      {"naive_1b", s_naive, &nv, 1},
  };
  const size_t nsub = sizeof subjects / sizeof subjects[0];
  for (; i < argc; i++) {
    size_t len;
    unsigned char *buf = bench_load(argv[i], &len);
    const char *corpus = bench_basename(argv[i]);
    copy_dst = malloc(len + 64);
    if (!copy_dst) bench_die("malloc");
    memset(copy_dst, 1, len + 64); /* fault the pages in */
    for (size_t k = 0; k < nsub; k++) {
      subject *s = &subjects[k];
      if (cg) {
        if (strcmp(cg, s->name) != 0) continue;
        uint64_t ev = bench_region(s->fn, s->ctx, buf, len, s->chunk);
        printf("I\t%s\t%s\t%zu\t%llu\n", s->name, corpus, len, (unsigned long long)ev);
        continue;
      }
      if (bench_selected(&o, s->name))
        bench_measure(s->name, corpus, s->chunk, s->fn, s->ctx, buf, len, &o);
    }
    free(copy_dst);
    free(buf);
  }
  return 0;
}
