/* SPDX-License-Identifier: MIT */
/*
 * bench/bench_sse.c - layer 1 alone: the sseval tokenizer.
 *
 *   bench_sse [--smoke] [--reps N] [--budget S] [--chunks 65536,1024,1] CORPUS...
 *   bench_sse --callgrind tok_CHUNK CORPUS   one pass in bench_region
 *
 * Each corpus is fed as one stream (the tokenizer does not care where one
 * Claude message ends) in pieces of each chunk size, through one instance
 * that is reset between reps (reset keeps buffer capacity, as a connection
 * pool would). on_event touches the event: type and data lengths, first and
 * last data byte. Timed interleaved with memchr (see bench.h).
 *
 * Metrics (M records), from untimed passes with a counting allocator:
 *   sse.<corpus>.<chunk>.allocs_per_event   after one warm-up pass (goal 0)
 *   sse.<corpus>.<chunk>.bytes_copied / bytes_zero_copy / copied_pct
 *   sse.memory.<corpus>.at_rest (default allocator) / at_rest_own_allocator
 *     (a caller's allocator, which the instance copies) / after_stream_64k /
 *     _1k / _1b (first corpus)
 */
#include "bench.h"

#include "sseval/sse.h"

/* ---- the subject ------------------------------------------------------------------ */
typedef struct tok {
  sseval_sse *p;
  uint64_t events, sink;
} tok;

static int on_event(void *user, const sseval_sse_event *ev) {
  tok *t = user;
  t->events++;
  t->sink += ev->type.len + ev->data.len;
  if (ev->data.len)
    t->sink += (unsigned char)ev->data.ptr[0] + (unsigned char)ev->data.ptr[ev->data.len - 1];
  return SSEVAL_CB_OK;
}

static void check(sseval_status s, const char *what) {
  if (s != SSEVAL_OK) {
    fprintf(stderr, "bench_sse: %s: %s\n", what, sseval_status_name(s));
    exit(1);
  }
}

static int feed_sse(void *p, const unsigned char *buf, size_t n) {
  return (int)sseval_sse_feed((sseval_sse *)p, buf, n, NULL);
}

static void feed_all(tok *t, const unsigned char *buf, size_t len, size_t chunk) {
  sseval_sse_reset(t->p);
  check((sseval_status)bench_feed_chunks(feed_sse, t->p, buf, len, chunk), "feed");
  check(sseval_sse_finish(t->p, NULL), "finish");
}

static uint64_t s_tok(void *ctx, const unsigned char *buf, size_t len, size_t chunk) {
  tok *t = ctx;
  t->events = 0;
  feed_all(t, buf, len, chunk);
  bench_sink += t->sink;
  return t->events;
}

static tok *tok_new(bench_counting *alloc) {
  static sseval_allocator a;
  a.malloc = bench_c_malloc;
  a.realloc = bench_c_realloc;
  a.free = bench_c_free;
  a.ctx = alloc;
  tok *t = calloc(1, sizeof *t);
  if (!t) bench_die("calloc");
  sseval_sse_callbacks cb;
  sseval_sse_callbacks_init(&cb);
  cb.on_event = on_event;
  sseval_sse_options o;
  sseval_sse_options_init(&o);
  o.allocator = &a;
  check(sseval_sse_new(&t->p, &cb, t, &o), "new");
  return t;
}

static void tok_free(tok *t) {
  sseval_sse_free(t->p);
  free(t);
}

/* Untimed: allocations per event after warm-up, copies, memory. */
static void metrics(const char *corpus, const unsigned char *buf, size_t len,
                    size_t chunk) {
  bench_counting alloc = {0, 0};
  tok *t = tok_new(&alloc);
  char cn[32], key[256];
  bench_chunk_name(chunk, cn, sizeof cn);
  feed_all(t, buf, len, chunk); /* warm-up: buffers grow to their size */
  uint64_t calls0 = alloc.calls;
  t->events = 0;
  feed_all(t, buf, len, chunk);
  sseval_sse_stats st;
  sseval_sse_get_stats(t->p, &st);
  uint64_t calls = alloc.calls - calls0;
  snprintf(key, sizeof key, "sse.%s.%s.allocs_per_event", corpus, cn);
  bench_metric(key, "%.6f", t->events ? (double)calls / (double)t->events : 0.0);
  snprintf(key, sizeof key, "sse.%s.%s.allocs_steady", corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)calls);
  snprintf(key, sizeof key, "sse.%s.%s.events", corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)st.events);
  snprintf(key, sizeof key, "sse.%s.%s.bytes_copied", corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)st.bytes_copied);
  snprintf(key, sizeof key, "sse.%s.%s.bytes_zero_copy", corpus, cn);
  bench_metric(key, "%llu", (unsigned long long)st.bytes_zero_copy);
  snprintf(key, sizeof key, "sse.%s.%s.copied_pct_of_input", corpus, cn);
  bench_metric(key, "%.3f", len ? 100.0 * (double)st.bytes_copied / (double)len : 0.0);
  snprintf(key, sizeof key, "sse.%s.%s.memory_after", corpus, cn);
  bench_metric(key, "%zu", sseval_sse_memory(t->p));
  tok_free(t);
}

/* Memory of one instance at rest, and after one typical stream (the message
 * of median size in the corpus) fed in 64 KiB, 1 KiB and 1 B chunks. */
static void memory(const char *corpus, const unsigned char *buf, size_t len) {
  bench_counting alloc = {0, 0};
  char key[256];
  tok *t = tok_new(&alloc);
  {
    sseval_sse *idle = NULL;
    check(sseval_sse_new(&idle, NULL, NULL, NULL), "new");
    snprintf(key, sizeof key, "sse.memory.%s.at_rest", corpus);
    bench_metric(key, "%zu", sseval_sse_memory(idle));
    sseval_sse_free(idle);
  }
  snprintf(key, sizeof key, "sse.memory.%s.at_rest_own_allocator", corpus);
  bench_metric(key, "%zu", sseval_sse_memory(t->p));
  bench_streams s = bench_split(buf, len);
  size_t *sizes = malloc(s.n * sizeof *sizes);
  if (!sizes) bench_die("malloc");
  for (size_t i = 0; i < s.n; i++) sizes[i] = s.off[i + 1] - s.off[i];
  /* index of the median-size message */
  size_t best = 0;
  {
    size_t *sorted = malloc(s.n * sizeof *sorted);
    if (!sorted) bench_die("malloc");
    memcpy(sorted, sizes, s.n * sizeof *sorted);
    for (size_t i = 1; i < s.n; i++) { /* insertion sort: n is small */
      size_t v = sorted[i], j = i;
      while (j > 0 && sorted[j - 1] > v) {
        sorted[j] = sorted[j - 1];
        j--;
      }
      sorted[j] = v;
    }
    size_t med = sorted[s.n / 2];
    for (size_t i = 0; i < s.n; i++)
      if (sizes[i] == med) best = i;
    free(sorted);
  }
  snprintf(key, sizeof key, "sse.memory.%s.typical_stream_bytes", corpus);
  bench_metric(key, "%zu", sizes[best]);
  static const size_t chunks[] = {65536, 1024, 1};
  static const char *const names[] = {"64k", "1k", "1b"};
  for (int k = 0; k < 3; k++) {
    tok *u = tok_new(&alloc);
    feed_all(u, buf + s.off[best], sizes[best], chunks[k]);
    snprintf(key, sizeof key, "sse.memory.%s.after_stream_%s", corpus, names[k]);
    bench_metric(key, "%zu", sseval_sse_memory(u->p));
    tok_free(u);
  }
  free(sizes);
  free(s.off);
  tok_free(t);
}

int main(int argc, char **argv) {
  bench_opts o;
  const char *cg;
  int i = bench_parse_opts(argc, argv, &o, &cg);
  size_t chunks[8] = {65536, 1024, 1};
  int nchunks = 3;
  if (o.nchunks) {
    nchunks = o.nchunks;
    memcpy(chunks, o.chunks, sizeof chunks);
  }
  if (i >= argc) {
    fprintf(stderr, "usage: bench_sse [--smoke] [--reps N] [--budget S] [--chunks 65536,1024,1]"
                    " [--callgrind tok_CHUNK] CORPUS...\n");
    return 1;
  }
  int did_memory = 0;
  for (; i < argc; i++) {
    size_t len;
    unsigned char *buf = bench_load(argv[i], &len);
    const char *corpus = bench_basename(argv[i]);
    bench_counting alloc = {0, 0};
    tok *t = tok_new(&alloc);
    for (int k = 0; k < nchunks; k++) {
      char name[64], cn[32];
      snprintf(name, sizeof name, "tok_%s", bench_chunk_name(chunks[k], cn, sizeof cn));
      if (cg) {
        if (strcmp(cg, name) != 0) continue;
        uint64_t ev = bench_region(s_tok, t, buf, len, chunks[k]);
        printf("I\t%s\t%s\t%zu\t%llu\n", name, corpus, len, (unsigned long long)ev);
        continue;
      }
      if (!bench_selected(&o, name)) continue;
      bench_opts ok = o;
      if (chunks[k] < 16 && ok.min_reps > 3) ok.min_reps = 3; /* slow: fewer reps */
      bench_measure(name, corpus, chunks[k], s_tok, t, buf, len, &ok);
      metrics(corpus, buf, len, chunks[k]);
    }
    if (!cg && !did_memory && !o.only) {
      memory(corpus, buf, len);
      did_memory = 1;
    }
    tok_free(t);
    free(buf);
  }
  return 0;
}
