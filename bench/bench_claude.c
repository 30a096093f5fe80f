/* SPDX-License-Identifier: MIT */
/*
 * bench/bench_claude.c - layer 2: the Claude Messages validator, without and
 * with the accumulator.
 *
 *   bench_claude [--smoke] [--reps N] [--budget S] [--chunks 65536,1024] CORPUS...
 *   bench_claude --callgrind val_CHUNK|acc_CHUNK CORPUS
 *
 * The corpus is split at `event: message_start` lines; each message is one
 * stream (one HTTP response): the instance is reset, the message fed in
 * pieces of the chunk size, then finished. One instance serves every stream
 * (reset keeps buffer capacity). No callbacks: val_* validates only (tokenizer
 * + strict JSON + state machine), acc_* also rebuilds the message
 * (SSEVAL_CLAUDE_ACCUMULATE). Every stream must come out `complete`; a
 * corpus that does not is reported on stderr and in an M record.
 *
 * Metrics (M records), from untimed passes with a counting allocator:
 *   claude.<mode>.<corpus>.<chunk>.allocs_per_event  after a warm-up pass
 *   claude.<mode>.<corpus>.<chunk>.bytes_copied / bytes_zero_copy
 *   claude.<mode>.memory.<corpus>.at_rest / after_typical_stream / after_reset
 *   (first corpus only)
 */
#include "bench.h"

#include "sseval/claude.h"

typedef struct val {
  sseval_claude *c;
  bench_streams streams;
  const unsigned char *streams_of; /* the buffer `streams` was split from */
  size_t streams_len;
  uint64_t not_complete; /* streams whose verdict was not complete */
  sseval_claude_result first_bad;
  uint64_t first_bad_stream;
  /* totals of the last pass */
  uint64_t bytes_copied, bytes_zero_copy;
} val;

static void check(sseval_status s, const char *what) {
  if (s != SSEVAL_OK) {
    fprintf(stderr, "bench_claude: %s: %s\n", what, sseval_status_name(s));
    exit(1);
  }
}

/* Split buf into messages once (outside the timed region). */
static void val_prepare(val *v, const unsigned char *buf, size_t len) {
  if (v->streams_of != buf || v->streams_len != len) {
    free(v->streams.off);
    v->streams = bench_split(buf, len);
    v->streams_of = buf;
    v->streams_len = len;
  }
}

static int feed_claude(void *c, const unsigned char *p, size_t n) {
  return (int)sseval_claude_feed((sseval_claude *)c, p, n, NULL);
}

static uint64_t s_val(void *ctx, const unsigned char *buf, size_t len, size_t chunk) {
  val *v = ctx;
  val_prepare(v, buf, len);
  uint64_t events = 0;
  v->not_complete = 0;
  v->bytes_copied = v->bytes_zero_copy = 0;
  for (size_t i = 0; i < v->streams.n; i++) {
    const unsigned char *m = buf + v->streams.off[i];
    size_t n = v->streams.off[i + 1] - v->streams.off[i];
    sseval_claude_reset(v->c);
    check((sseval_status)bench_feed_chunks(feed_claude, v->c, m, n, chunk), "feed");
    sseval_claude_result r;
    check(sseval_claude_finish(v->c, &r), "finish");
    events += r.events;
    if (r.verdict != SSEVAL_VERDICT_COMPLETE) {
      if (v->not_complete++ == 0) {
        v->first_bad = r;
        v->first_bad_stream = i;
      }
    }
    sseval_claude_stats st;
    sseval_claude_get_stats(v->c, &st);
    v->bytes_copied += st.bytes_copied;
    v->bytes_zero_copy += st.bytes_zero_copy;
  }
  return events;
}

static val *val_new(bench_counting *alloc, unsigned flags) {
  static sseval_allocator a;
  a.malloc = bench_c_malloc;
  a.realloc = bench_c_realloc;
  a.free = bench_c_free;
  a.ctx = alloc;
  val *v = calloc(1, sizeof *v);
  if (!v) bench_die("calloc");
  sseval_claude_options o;
  sseval_claude_options_init(&o);
  o.flags = flags;
  o.allocator = &a;
  check(sseval_claude_new(&v->c, NULL, NULL, &o), "new");
  return v;
}

static void val_free(val *v) {
  sseval_claude_free(v->c);
  free(v->streams.off);
  free(v);
}

static void report_bad(const char *mode, const char *corpus, val *v) {
  if (!v->not_complete) return;
  const sseval_claude_result *r = &v->first_bad;
  fprintf(stderr,
          "bench_claude: %s %s: %llu stream(s) not complete; first: stream %llu, "
          "%s / %s at offset %llu line %llu: %s\n",
          mode, corpus, (unsigned long long)v->not_complete,
          (unsigned long long)v->first_bad_stream, sseval_verdict_name(r->verdict),
          sseval_rule_id(r->rule), (unsigned long long)r->offset,
          (unsigned long long)r->line, r->detail ? r->detail : "");
  char key[256];
  snprintf(key, sizeof key, "claude.%s.%s.not_complete", mode, corpus);
  bench_metric(key, "%llu", (unsigned long long)v->not_complete);
}

static void metrics(const char *mode, unsigned flags, const char *corpus,
                    const unsigned char *buf, size_t len, size_t chunk) {
  bench_counting alloc = {0, 0};
  val *v = val_new(&alloc, flags);
  char cn[32], key[256];
  bench_chunk_name(chunk, cn, sizeof cn);
  s_val(v, buf, len, chunk); /* warm-up */
  uint64_t calls0 = alloc.calls;
  uint64_t events = s_val(v, buf, len, chunk);
  uint64_t calls = alloc.calls - calls0;
  snprintf(key, sizeof key, "claude.%s.%s.%s.allocs_per_event", mode, corpus, cn);
  bench_metric(key, "%.6f", events ? (double)calls / (double)events : 0.0);
  snprintf(key, sizeof key, "claude.%s.%s.%s.allocs_steady", mode, corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)calls);
  snprintf(key, sizeof key, "claude.%s.%s.%s.events", mode, corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)events);
  snprintf(key, sizeof key, "claude.%s.%s.%s.bytes_copied", mode, corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)v->bytes_copied);
  snprintf(key, sizeof key, "claude.%s.%s.%s.bytes_zero_copy", mode, corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)v->bytes_zero_copy);
  snprintf(key, sizeof key, "claude.%s.%s.%s.copied_pct_of_input", mode, corpus, cn);
  bench_metric(key, "%.3f", len ? 100.0 * (double)v->bytes_copied / (double)len : 0.0);
  snprintf(key, sizeof key, "claude.%s.%s.%s.memory_after", mode, corpus, cn);
  bench_metric(key, "%zu", sseval_claude_memory(v->c));
  report_bad(mode, corpus, v);
  val_free(v);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* Memory of one instance at rest, after the median-size message of the
 * corpus fed in 64 KiB chunks, and after reset. */
static void memory(const char *mode, unsigned flags, const char *corpus,
                   const unsigned char *buf, size_t len) {
  bench_counting alloc = {0, 0};
  char key[256];
  bench_streams s = bench_split(buf, len);
  size_t *sizes = malloc(s.n * sizeof *sizes);
  if (!sizes) bench_die("malloc");
  for (size_t i = 0; i < s.n; i++) sizes[i] = s.off[i + 1] - s.off[i];
  qsort(sizes, s.n, sizeof *sizes, cmp_size);
  size_t med = sizes[s.n / 2], best = 0;
  for (size_t i = 0; i < s.n; i++)
    if (s.off[i + 1] - s.off[i] == med) best = i;
  val *v = val_new(&alloc, flags);
  snprintf(key, sizeof key, "claude.%s.memory.%s.at_rest", mode, corpus);
  bench_metric(key, "%zu", sseval_claude_memory(v->c));
  s_val(v, buf + s.off[best], med, 65536);
  snprintf(key, sizeof key, "claude.%s.memory.%s.typical_stream_bytes", mode, corpus);
  bench_metric(key, "%zu", med);
  snprintf(key, sizeof key, "claude.%s.memory.%s.after_typical_stream", mode, corpus);
  bench_metric(key, "%zu", sseval_claude_memory(v->c));
  sseval_claude_reset(v->c);
  snprintf(key, sizeof key, "claude.%s.memory.%s.after_reset", mode, corpus);
  bench_metric(key, "%zu", sseval_claude_memory(v->c));
  val_free(v);
  free(sizes);
  free(s.off);
}

int main(int argc, char **argv) {
  bench_opts o;
  const char *cg;
  int i = bench_parse_opts(argc, argv, &o, &cg);
  size_t chunks[8] = {65536, 1024};
  int nchunks = 2;
  if (o.nchunks) {
    nchunks = o.nchunks;
    memcpy(chunks, o.chunks, sizeof chunks);
  }
  if (i >= argc) {
    fprintf(stderr, "usage: bench_claude [--smoke] [--reps N] [--budget S] [--chunks 65536,1024]"
                    " [--callgrind val_CHUNK|acc_CHUNK] CORPUS...\n");
    return 1;
  }
  static const struct {
    const char *mode;
    unsigned flags;
  } modes[] = {{"val", 0}, {"acc", SSEVAL_CLAUDE_ACCUMULATE}};
  int did_memory = 0;
  for (; i < argc; i++) {
    size_t len;
    unsigned char *buf = bench_load(argv[i], &len);
    const char *corpus = bench_basename(argv[i]);
    for (int m = 0; m < 2; m++) {
      bench_counting alloc = {0, 0};
      val *v = val_new(&alloc, modes[m].flags);
      val_prepare(v, buf, len);
      for (int k = 0; k < nchunks; k++) {
        char name[64], cn[32];
        snprintf(name, sizeof name, "%s_%s", modes[m].mode,
                 bench_chunk_name(chunks[k], cn, sizeof cn));
        if (cg) {
          if (strcmp(cg, name) != 0) continue;
          uint64_t ev = bench_region(s_val, v, buf, len, chunks[k]);
          printf("I\t%s\t%s\t%zu\t%llu\n", name, corpus, len, (unsigned long long)ev);
          report_bad(modes[m].mode, corpus, v);
          continue;
        }
        if (!bench_selected(&o, name)) continue;
        bench_measure(name, corpus, chunks[k], s_val, v, buf, len, &o);
        metrics(modes[m].mode, modes[m].flags, corpus, buf, len, chunks[k]);
      }
      val_free(v);
      if (!cg && !did_memory && !o.only) memory(modes[m].mode, modes[m].flags, corpus, buf, len);
    }
    did_memory = 1;
    free(buf);
  }
  return 0;
}
