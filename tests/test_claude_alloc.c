/* SPDX-License-Identifier: MIT */
/*
 * tests/test_claude_alloc.c - allocation failure, exhaustively.
 *
 * For every bundled stream, fed whole and in small chunks, through
 * sseval_claude with SSEVAL_CLAUDE_ACCUMULATE (and through a bare
 * sseval_sse): a clean run counts the allocator calls N; then for every k in
 * 1..N a fresh instance whose allocator fails exactly the k-th call must
 *  - fail creation with SSEVAL_E_NOMEM and nothing held, or
 *  - return SSEVAL_E_NOMEM from feed or finish (sticky: every later call
 *    returns it too), with the verdict limit_exceeded / out_of_memory,
 *  - keep every accessor usable (block views, message, the JSON writers,
 *    stats, memory) on what was accumulated so far,
 *  - after sseval_claude_reset, with the allocator healthy again, read the
 *    same stream to exactly the clean run's result and message JSON,
 *  - and, once freed, hold no byte: the hooks count live bytes and blocks,
 *    and check that realloc/free receive the size of each block (the
 *    documented contract pool allocators rely on).
 * The test build runs under ASan + LeakSanitizer, which also catches a
 * double free or a use after free on any of these paths.
 */
#include <stdint.h>

#include "fixture_list.h"
#include "sseval/sseval.h"
#include "test.h"

/* ---- the failing, counting allocator -------------------------------------- */
typedef struct hooks_state {
  uint64_t calls;   /* malloc + realloc calls */
  uint64_t fail_at; /* 1-based call that fails; 0 = none */
  int failed;       /* the failure was injected */
  size_t live_bytes, live_blocks;
  unsigned long size_mismatches;
} hooks_state;

/* 16-byte header keeps the returned pointer aligned for anything. */
typedef union hdr {
  size_t size;
  max_align_t align_;
} hdr;

static int should_fail(hooks_state *h) {
  h->calls++;
  if (h->fail_at && h->calls == h->fail_at) {
    h->failed = 1;
    return 1;
  }
  return 0;
}

static void *h_malloc(void *ctx, size_t size) {
  hooks_state *h = (hooks_state *)ctx;
  hdr *p;
  if (should_fail(h)) return NULL;
  p = (hdr *)malloc(sizeof(hdr) + size);
  if (!p) return NULL;
  p->size = size;
  h->live_bytes += size;
  h->live_blocks++;
  return p + 1;
}

static void *h_realloc(void *ctx, void *ptr, size_t old_size, size_t size) {
  hooks_state *h = (hooks_state *)ctx;
  hdr *p = (hdr *)ptr - 1, *q;
  if (should_fail(h)) return NULL;
  if (p->size != old_size) h->size_mismatches++;
  q = (hdr *)realloc(p, sizeof(hdr) + size);
  if (!q) return NULL;
  h->live_bytes = h->live_bytes - q->size + size;
  q->size = size;
  return q + 1;
}

static void h_free(void *ctx, void *ptr, size_t size) {
  hooks_state *h = (hooks_state *)ctx;
  hdr *p;
  if (!ptr) return;
  p = (hdr *)ptr - 1;
  /* sseval__mem_alloc asks for 1 byte when it needs 0: accept that pair. */
  if (p->size != size && !(p->size == 1 && size == 0)) h->size_mismatches++;
  h->live_bytes -= p->size;
  h->live_blocks--;
  free(p);
}

static sseval_allocator make_alloc(hooks_state *h) {
  sseval_allocator a;
  a.malloc = h_malloc;
  a.realloc = h_realloc;
  a.free = h_free;
  a.ctx = h;
  return a;
}

/* ---- one run ------------------------------------------------------------------- */
typedef struct outcome {
  sseval_status create;       /* sseval_claude_new */
  sseval_status first_error;  /* first non-OK status of feed/finish */
  int sticky_ok;              /* every call after it returned the same */
  sseval_claude_result r;
  char detail[512];           /* r.detail, copied: it dies with the instance */
  sink message;               /* write_message_json */
  uint64_t blocks;
} outcome;

static sseval_claude_options acc_opts(const sseval_allocator *a) {
  sseval_claude_options o;
  sseval_claude_options_init(&o);
  o.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  o.allocator = a;
  return o;
}

/* Touch everything a caller may read after a failure. */
static void read_everything(const sseval_claude *c, outcome *out) {
  uint32_t i, n = sseval_claude_block_count(c);
  sseval_message_view mv;
  sseval_claude_stats st;
  sink usage;
  volatile size_t sum = 0;
  memset(&usage, 0, sizeof usage);
  for (i = 0; i < n; i++) {
    sseval_block_view b;
    if (sseval_claude_block(c, i, &b) == SSEVAL_OK)
      sum += b.text.len + b.input_json.len + b.partial_json.len +
             b.start_json.len + b.signature.len + b.citations_json.len +
             (b.text.len ? (unsigned char)b.text.ptr[b.text.len - 1] : 0u);
  }
  sseval_claude_message(c, &mv);
  sum += mv.id.len + mv.model.len;
  sseval_claude_get_stats(c, &st);
  sum += (size_t)st.allocations + sseval_claude_memory(c);
  sseval_claude_write_usage_json(c, sink_write, &usage);
  sink_free(&usage);
  out->message.len = 0;
  sseval_claude_write_message_json(c, sink_write, &out->message);
  out->blocks = n;
  (void)sum;
}

/* Feed f in `chunk`-byte pieces (0 = whole); record the first error and
 * whether it stayed sticky. */
static void feed_all(sseval_claude *c, const fixture *f, size_t chunk,
                     outcome *out) {
  size_t off = 0;
  out->first_error = SSEVAL_OK;
  out->sticky_ok = 1;
  while (off < f->len) {
    size_t n = chunk && f->len - off > chunk ? chunk : f->len - off;
    size_t used = 0;
    sseval_status st = sseval_claude_feed(c, f->data + off, n, &used);
    if (out->first_error != SSEVAL_OK) {
      if (st != out->first_error) out->sticky_ok = 0;
    } else if (st != SSEVAL_OK) {
      out->first_error = st;
    }
    off += n;
  }
  {
    sseval_status st = sseval_claude_finish(c, &out->r);
    snprintf(out->detail, sizeof out->detail, "%s", out->r.detail);
    out->r.detail = out->detail;
    if (out->first_error != SSEVAL_OK) {
      if (st != out->first_error) out->sticky_ok = 0;
    } else if (st != SSEVAL_OK) {
      out->first_error = st;
    }
  }
}

static int same_result(const sseval_claude_result *a,
                       const sseval_claude_result *b) {
  return a->verdict == b->verdict && a->rule == b->rule &&
         a->has_offset == b->has_offset && a->offset == b->offset &&
         a->line == b->line && a->events == b->events && a->bytes == b->bytes &&
         a->has_error == b->has_error && strcmp(a->detail, b->detail) == 0;
}

static unsigned long cases_run, creation_failures;

static void claude_exhaustive(const fixture *f, size_t chunk) {
  hooks_state h;
  sseval_allocator a;
  sseval_claude_options o;
  sseval_claude *c = NULL;
  outcome clean;
  uint64_t n, k;
  char where[512];

  snprintf(where, sizeof where, "%s (chunk %zu)", fixture_name(f), chunk);
  memset(&h, 0, sizeof h);
  memset(&clean, 0, sizeof clean);
  a = make_alloc(&h);
  o = acc_opts(&a);
  CHECK(sseval_claude_new(&c, NULL, NULL, &o) == SSEVAL_OK);
  if (!c) return;
  feed_all(c, f, chunk, &clean);
  read_everything(c, &clean);
  CHECK(clean.first_error == SSEVAL_OK);
  sseval_claude_free(c);
  n = h.calls;
  CHECK(h.live_bytes == 0 && h.live_blocks == 0);
  CHECK(h.size_mismatches == 0);
  if (n == 0) {
    fprintf(stderr, "%s: no allocation at all?\n", where);
    CHECK(n > 0);
  }

  for (k = 1; k <= n; k++) {
    outcome o2;
    int bad = 0;
    memset(&h, 0, sizeof h);
    memset(&o2, 0, sizeof o2);
    h.fail_at = k;
    c = NULL;
    cases_run++;
    o2.create = sseval_claude_new(&c, NULL, NULL, &o);
    if (o2.create != SSEVAL_OK) {
      creation_failures++;
      if (o2.create != SSEVAL_E_NOMEM || c != NULL || h.live_blocks != 0) {
        fprintf(stderr, "%s: k=%llu: sseval_claude_new returned %s, out=%p, "
                "%zu blocks held\n", where, (unsigned long long)k,
                sseval_status_name(o2.create), (void *)c, h.live_blocks);
        CHECK(0);
      }
      continue;
    }
    feed_all(c, f, chunk, &o2);
    read_everything(c, &o2);
    if (!h.failed) {
      fprintf(stderr, "%s: k=%llu: only %llu allocations this time\n", where,
              (unsigned long long)k, (unsigned long long)h.calls);
      bad = 1;
    } else if (o2.first_error != SSEVAL_E_NOMEM) {
      fprintf(stderr, "%s: k=%llu: the failed allocation gave status %s\n",
              where, (unsigned long long)k,
              sseval_status_name(o2.first_error));
      bad = 1;
    } else if (!o2.sticky_ok) {
      fprintf(stderr, "%s: k=%llu: E_NOMEM was not sticky\n", where,
              (unsigned long long)k);
      bad = 1;
    } else if (o2.r.rule != SSEVAL_RULE_OUT_OF_MEMORY &&
               clean.r.rule == SSEVAL_RULE_NONE) {
      fprintf(stderr, "%s: k=%llu: verdict %s / %s, expected out_of_memory\n",
              where, (unsigned long long)k, sseval_verdict_name(o2.r.verdict),
              sseval_rule_id(o2.r.rule));
      bad = 1;
    } else if (o2.r.rule == SSEVAL_RULE_OUT_OF_MEMORY &&
               o2.r.verdict != SSEVAL_VERDICT_LIMIT_EXCEEDED) {
      fprintf(stderr, "%s: k=%llu: out_of_memory with verdict %s\n", where,
              (unsigned long long)k, sseval_verdict_name(o2.r.verdict));
      bad = 1;
    }
    /* The instance is reusable after the failure. */
    h.fail_at = 0;
    sseval_claude_reset(c);
    {
      outcome again;
      memset(&again, 0, sizeof again);
      feed_all(c, f, chunk, &again);
      read_everything(c, &again);
      if (again.first_error != SSEVAL_OK || !same_result(&again.r, &clean.r) ||
          again.message.len != clean.message.len ||
          memcmp(again.message.ptr, clean.message.ptr, clean.message.len) != 0) {
        fprintf(stderr, "%s: k=%llu: after reset the same stream reads "
                "differently (%s/%s, status %s)\n", where,
                (unsigned long long)k, sseval_verdict_name(again.r.verdict),
                sseval_rule_id(again.r.rule),
                sseval_status_name(again.first_error));
        bad = 1;
      }
      sink_free(&again.message);
    }
    sseval_claude_free(c);
    if (h.live_bytes != 0 || h.live_blocks != 0) {
      fprintf(stderr, "%s: k=%llu: leaked %zu bytes in %zu blocks\n", where,
              (unsigned long long)k, h.live_bytes, h.live_blocks);
      bad = 1;
    }
    if (h.size_mismatches) {
      fprintf(stderr, "%s: k=%llu: %lu realloc/free calls with a wrong size\n",
              where, (unsigned long long)k, h.size_mismatches);
      bad = 1;
    }
    sink_free(&o2.message);
    if (bad) {
      CHECK(!bad);
      break; /* one report per fixture and chunking is enough */
    }
  }
  sink_free(&clean.message);
}

/* The tokenizer alone, 3-byte chunks. */
static int sse_count_event(void *user, const sseval_sse_event *ev) {
  (void)ev;
  (*(uint64_t *)user)++;
  return SSEVAL_CB_OK;
}

static void sse_exhaustive(const fixture *f, size_t chunk) {
  hooks_state h;
  sseval_allocator a;
  sseval_sse_options o;
  sseval_sse_callbacks cbs;
  uint64_t n, k, events = 0;
  sseval_sse *p = NULL;

  memset(&h, 0, sizeof h);
  a = make_alloc(&h);
  sseval_sse_options_init(&o);
  o.allocator = &a;
  sseval_sse_callbacks_init(&cbs);
  cbs.on_event = sse_count_event;
  CHECK(sseval_sse_new(&p, &cbs, &events, &o) == SSEVAL_OK);
  if (!p) return;
  {
    size_t off = 0;
    while (off < f->len) {
      size_t m = f->len - off > chunk ? chunk : f->len - off;
      CHECK(sseval_sse_feed(p, f->data + off, m, NULL) == SSEVAL_OK);
      off += m;
    }
  }
  sseval_sse_free(p);
  n = h.calls;
  CHECK(h.live_blocks == 0 && h.size_mismatches == 0);
  for (k = 1; k <= n; k++) {
    sseval_status first = SSEVAL_OK, st;
    size_t off = 0;
    memset(&h, 0, sizeof h);
    h.fail_at = k;
    p = NULL;
    cases_run++;
    st = sseval_sse_new(&p, &cbs, &events, &o);
    if (st != SSEVAL_OK) {
      CHECK(st == SSEVAL_E_NOMEM && p == NULL && h.live_blocks == 0);
      continue;
    }
    while (off < f->len) {
      size_t m = f->len - off > chunk ? chunk : f->len - off;
      st = sseval_sse_feed(p, f->data + off, m, NULL);
      if (first == SSEVAL_OK)
        first = st;
      else
        CHECK(st == first);
      off += m;
    }
    st = sseval_sse_finish(p, NULL);
    CHECK(first == SSEVAL_E_NOMEM);
    CHECK(st == SSEVAL_E_NOMEM);
    CHECK(sseval_sse_error(p)->status == SSEVAL_E_NOMEM);
    sseval_sse_reset(p);
    h.fail_at = 0;
    CHECK(sseval_sse_feed(p, f->data, f->len, NULL) == SSEVAL_OK);
    sseval_sse_free(p);
    CHECK(h.live_bytes == 0 && h.live_blocks == 0 && h.size_mismatches == 0);
  }
}

static fixture_list fixtures;

TEST(claude_whole) {
  size_t i;
  for (i = 0; i < fixtures.n; i++) claude_exhaustive(&fixtures.v[i], 0);
}

TEST(claude_byte_by_byte) {
  size_t i;
  for (i = 0; i < fixtures.n; i++) claude_exhaustive(&fixtures.v[i], 1);
}

TEST(claude_chunks_of_3) {
  size_t i;
  for (i = 0; i < fixtures.n; i++) claude_exhaustive(&fixtures.v[i], 3);
}

TEST(claude_chunks_of_61) {
  size_t i;
  for (i = 0; i < fixtures.n; i++) claude_exhaustive(&fixtures.v[i], 61);
}

TEST(tokenizer_chunks_of_3) {
  size_t i;
  for (i = 0; i < fixtures.n; i++) sse_exhaustive(&fixtures.v[i], 3);
}

/* Creation itself: every allocation new makes can fail, options or not. */
TEST(creation) {
  uint64_t k;
  for (k = 1; k <= 16; k++) {
    hooks_state h;
    sseval_allocator a;
    sseval_claude_options o;
    sseval_claude *c = NULL;
    sseval_status st;
    memset(&h, 0, sizeof h);
    h.fail_at = k;
    a = make_alloc(&h);
    o = acc_opts(&a);
    st = sseval_claude_new(&c, NULL, NULL, &o);
    CHECK(st == SSEVAL_OK || (st == SSEVAL_E_NOMEM && c == NULL));
    sseval_claude_free(c);
    CHECK(h.live_blocks == 0 && h.live_bytes == 0);
  }
}

int main(void) {
  fixtures = fixture_list_load(SSEVAL_SOURCE_DIR);
  if (fixtures.n == 0) {
    fprintf(stderr, "no fixtures under %s/tests/fixtures/claude\n",
            SSEVAL_SOURCE_DIR);
    return 1;
  }
  RUN(creation);
  RUN(claude_whole);
  RUN(claude_byte_by_byte);
  RUN(claude_chunks_of_3);
  RUN(claude_chunks_of_61);
  RUN(tokenizer_chunks_of_3);
  printf("%zu fixtures, %lu failure cases (%lu at creation)\n", fixtures.n,
         cases_run, creation_failures);
  fixture_list_free(&fixtures);
  return test_summary();
}
