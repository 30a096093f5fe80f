/* SPDX-License-Identifier: MIT */
/*
 * tests/test_sse_alloc.c - the tokenizer under allocation failure.
 *
 * For a few streams (lines straddling chunks, multi-line data, ids, a line
 * long enough to make buffers grow several times, CR endings, a BOM, a
 * partial tail) and several chunkings, a first run with a counting allocator
 * gives the good trace and the number of allocator calls. Then, for every k,
 * the allocator fails the k-th call (mode "once": only that call; mode
 * "from": that call and every later one), until a run no longer reaches k.
 * Every run must:
 *  - end in SSEVAL_E_NOMEM (from sseval_sse_new, feed or finish), or in
 *    success with the good trace when no call failed;
 *  - keep E_NOMEM sticky (feed and finish return it again) and keep the
 *    accessors usable;
 *  - have delivered, before the failure, exactly a prefix of the good trace;
 *  - be reusable after sseval_sse_reset (the same stream then gives the good
 *    trace);
 *  - leak nothing (live blocks back to 0 after sseval_sse_free) and pass the
 *    right sizes to realloc and free.
 */
#include "sse_ref.h"
#include "sseval/sse.h"
#include "test.h"

/* ---- the failing allocator ----------------------------------------------------- */

typedef struct failing {
  long live;          /* blocks held */
  uint64_t calls;     /* malloc + realloc calls */
  uint64_t fail_at;   /* 1-based call to fail; 0 = never */
  int fail_rest;      /* also fail every call after fail_at */
  int failed;         /* a call was failed */
  int size_mismatch;  /* realloc/free got a size that is not the block's */
} failing;

#define HDR 16

static int should_fail(failing *f) {
  f->calls++;
  if (f->fail_at &&
      (f->calls == f->fail_at || (f->fail_rest && f->calls > f->fail_at))) {
    f->failed = 1;
    return 1;
  }
  return 0;
}

static void *fa_malloc(void *ctx, size_t n) {
  failing *f = (failing *)ctx;
  unsigned char *p;
  if (should_fail(f)) return NULL;
  p = (unsigned char *)malloc(n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  f->live++;
  return p + HDR;
}

static void *fa_realloc(void *ctx, void *ptr, size_t old, size_t n) {
  failing *f = (failing *)ctx;
  unsigned char *p;
  size_t had = 0;
  if (ptr) {
    memcpy(&had, (unsigned char *)ptr - HDR, sizeof had);
    if (had != old) f->size_mismatch = 1;
  }
  if (should_fail(f)) return NULL; /* the old block stays valid */
  p = (unsigned char *)realloc(ptr ? (unsigned char *)ptr - HDR : NULL,
                               n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  if (!ptr) f->live++;
  return p + HDR;
}

static void fa_free(void *ctx, void *ptr, size_t n) {
  failing *f = (failing *)ctx;
  size_t had;
  if (!ptr) return;
  memcpy(&had, (unsigned char *)ptr - HDR, sizeof had);
  if (had != n) f->size_mismatch = 1;
  f->live--;
  free((unsigned char *)ptr - HDR);
}

/* ---- tracing callbacks ------------------------------------------------------------ */

static int t_event(void *user, const sseval_sse_event *ev) {
  sseref_trace_event((sseref_buf *)user, ev->type.ptr, ev->type.len,
                     ev->data.ptr, ev->data.len, ev->id.ptr, ev->id.len,
                     ev->offset, ev->line, ev->end_offset);
  return SSEVAL_CB_OK;
}

static int t_retry(void *user, uint64_t ms, uint64_t offset) {
  sseref_trace_retry((sseref_buf *)user, ms, offset);
  return SSEVAL_CB_OK;
}

static int t_comment(void *user, sseval_span text, uint64_t offset) {
  sseref_trace_comment((sseref_buf *)user, text.ptr, text.len, offset);
  return SSEVAL_CB_OK;
}

static int t_unknown(void *user, sseval_span name, sseval_span value,
                     uint64_t offset) {
  sseref_trace_unknown((sseref_buf *)user, name.ptr, name.len, value.ptr,
                       value.len, offset);
  return SSEVAL_CB_OK;
}

/* Feed s in chunks of `step` (each in its own malloc'd block), then finish;
 * append the trace (events..., then the tail) to *t. Returns the first
 * non-OK status, or OK. */
static sseval_status feed_all(sseval_sse *p, const char *s, size_t len,
                              size_t step, sseref_buf *t) {
  size_t pos = 0;
  sseval_status st = SSEVAL_OK;
  sseval_sse_tail tail;
  while (pos < len) {
    size_t m = len - pos < step ? len - pos : step, c = 0;
    char *b = (char *)malloc(m);
    if (!b) abort();
    memcpy(b, s + pos, m);
    st = sseval_sse_feed(p, b, m, &c);
    free(b);
    if (st != SSEVAL_OK) return st;
    pos += m;
  }
  st = sseval_sse_finish(p, &tail);
  if (st != SSEVAL_OK) return st;
  sseref_trace_tail(t, tail.discarded, tail.pending_fields,
                    tail.partial_line_bytes, tail.offset, tail.line);
  return SSEVAL_OK;
}

static sseval_sse *make(failing *f, sseval_allocator *a, sseref_buf *t,
                        sseval_status *st) {
  sseval_sse *p = NULL;
  sseval_sse_callbacks cbs;
  sseval_sse_options o;
  a->malloc = fa_malloc;
  a->realloc = fa_realloc;
  a->free = fa_free;
  a->ctx = f;
  sseval_sse_callbacks_init(&cbs);
  cbs.on_event = t_event;
  cbs.on_retry = t_retry;
  cbs.on_comment = t_comment;
  cbs.on_unknown_field = t_unknown;
  sseval_sse_options_init(&o);
  o.allocator = a;
  *st = sseval_sse_new(&p, &cbs, t, &o);
  return *st == SSEVAL_OK ? p : NULL;
}

/* The good run: its trace and allocator calls. */
static uint64_t good_run(const char *s, size_t len, size_t step,
                         sseref_buf *good) {
  failing f;
  sseval_allocator a;
  sseval_status st;
  sseval_sse *p;
  memset(&f, 0, sizeof f);
  p = make(&f, &a, good, &st);
  CHECK(p != NULL);
  if (!p) return 0;
  CHECK_EQ_U64(feed_all(p, s, len, step, good), SSEVAL_OK);
  sseval_sse_free(p);
  CHECK_EQ_U64(f.live, 0);
  CHECK(!f.size_mismatch);
  return f.calls;
}

static int is_prefix(const sseref_buf *a, const sseref_buf *b) {
  const char *pa = a->p ? a->p : "", *pb = b->p ? b->p : "";
  return strncmp(pa, pb, strlen(pa)) == 0;
}

static int reports;

static void fail_report(const char *label, size_t step, int rest, uint64_t k,
                        const char *what) {
  test_failed_checks_++;
  if (reports++ < 20)
    fprintf(stderr, "%s, chunks of %zu, failing call %" PRIu64 "%s: %s\n",
            label, step, k, rest ? " and after" : "", what);
}

static void every_k(const char *label, const char *s, size_t len,
                    size_t step) {
  sseref_buf good;
  uint64_t total, k;
  int rest;
  sseref_buf_init(&good);
  sseref_buf_add(&good, "", 0);
  total = good_run(s, len, step, &good);
  CHECK(total > 0);
  if (getenv("SSEVAL_TEST_VERBOSE"))
    fprintf(stderr, "%s, chunks of %zu: %" PRIu64 " allocator calls\n", label,
            step, total);
  for (rest = 0; rest <= 1; rest++) {
    for (k = 1; k <= total + 1; k++) {
      failing f;
      sseval_allocator a;
      sseval_status st;
      sseval_sse *p;
      sseref_buf t;
      memset(&f, 0, sizeof f);
      f.fail_at = k;
      f.fail_rest = rest;
      sseref_buf_init(&t);
      sseref_buf_add(&t, "", 0);
      p = make(&f, &a, &t, &st);
      if (!p) {
        if (st != SSEVAL_E_NOMEM)
          fail_report(label, step, rest, k, "sseval_sse_new: not E_NOMEM");
        if (!f.failed)
          fail_report(label, step, rest, k, "new failed without a failure");
      } else {
        st = feed_all(p, s, len, step, &t);
        if (st == SSEVAL_OK) {
          if (f.failed)
            fail_report(label, step, rest, k,
                        "an allocation failed but the run succeeded");
          if (strcmp(t.p, good.p) != 0)
            fail_report(label, step, rest, k, "trace differs from good run");
        } else {
          const sseval_error *e = sseval_sse_error(p);
          sseval_sse_stats stt;
          if (st != SSEVAL_E_NOMEM)
            fail_report(label, step, rest, k, "error other than E_NOMEM");
          if (!f.failed)
            fail_report(label, step, rest, k, "E_NOMEM without a failure");
          if (e->status != SSEVAL_E_NOMEM || e->message == NULL)
            fail_report(label, step, rest, k, "sseval_sse_error wrong");
          if (e->offset > len)
            fail_report(label, step, rest, k, "error offset past the input");
          if (!is_prefix(&t, &good))
            fail_report(label, step, rest, k,
                        "events before the failure are not a prefix");
          /* sticky, accessors usable */
          if (sseval_sse_feed(p, "data:x\n\n", 8, NULL) != SSEVAL_E_NOMEM)
            fail_report(label, step, rest, k, "E_NOMEM not sticky (feed)");
          if (sseval_sse_finish(p, NULL) != SSEVAL_E_NOMEM)
            fail_report(label, step, rest, k, "E_NOMEM not sticky (finish)");
          (void)sseval_sse_offset(p);
          (void)sseval_sse_last_event_id(p);
          (void)sseval_sse_memory(p);
          sseval_sse_get_stats(p, &stt);
          if (stt.bytes > len)
            fail_report(label, step, rest, k, "stats.bytes past the input");
        }
        /* reusable after reset, once memory is back */
        sseval_sse_reset(p);
        f.fail_at = 0;
        sseref_buf_clear(&t);
        sseref_buf_add(&t, "", 0);
        if (feed_all(p, s, len, step, &t) != SSEVAL_OK ||
            strcmp(t.p, good.p) != 0)
          fail_report(label, step, rest, k, "not reusable after reset");
        sseval_sse_free(p);
      }
      if (f.live != 0) fail_report(label, step, rest, k, "leak");
      if (f.size_mismatch)
        fail_report(label, step, rest, k, "wrong size passed back");
      sseref_buf_free(&t);
      if (!f.failed) break; /* the run no longer reaches call k */
    }
  }
  sseref_buf_free(&good);
}

static char *make_stream(int which, size_t *len) {
  sseref_buf b;
  size_t i;
  sseref_buf_init(&b);
  switch (which) {
  case 0: /* straddling lines, multi-line data, ids, types, comments */
    sseref_buf_str(&b, "id:1\nevent:first\ndata:line one\ndata:line two\n\n"
                       ":comment\r\nid:evt-0002\r\nretry:1500\r\n"
                       "data:{\"type\":\"content_block_delta\"}\r\n\r\n"
                       "event:third\ndata:x\ndata:\ndata:y\nfoo:bar\n\n");
    break;
  case 1: /* long lines: buffers grow several times */
    sseref_buf_str(&b, "event:big\ndata:");
    for (i = 0; i < 5000; i++) sseref_buf_add(&b, "y", 1);
    sseref_buf_str(&b, "\ndata:");
    for (i = 0; i < 3000; i++) sseref_buf_add(&b, "z", 1);
    sseref_buf_str(&b, "\nid:");
    for (i = 0; i < 700; i++) sseref_buf_add(&b, "i", 1);
    sseref_buf_str(&b, "\n\n");
    break;
  case 3: /* `data: ` lines joined by the hot path of the tokenizer (one
             copy at dispatch), one committed midway by an id line, nine
             data lines (more than it keeps), CRLF */
    sseref_buf_str(&b, "event: a\ndata: one\ndata: two\ndata: three\n\n"
                       "data: 1\ndata: 2\nid: 7\ndata: 3\n\n"
                       "data: 1\ndata: 2\ndata: 3\ndata: 4\ndata: 5\n"
                       "data: 6\ndata: 7\ndata: 8\ndata: 9\n\n"
                       "event: b\r\ndata: x\r\ndata: y\r\n\r\n");
    break;
  default: /* BOM, CR endings, unknown fields, a partial tail */
    sseref_buf_str(&b, "\xEF\xBB\xBF" "event:e\rdata:a\xff\rDATA:b\r\r"
                       "id\rdata:c\r\n\r\nevent:half\ndata:never");
    break;
  }
  *len = b.len;
  return b.p;
}

TEST(fail_every_allocation) {
  static const size_t steps[] = {1, 3, 7, 61, 100000};
  int which;
  size_t k;
  for (which = 0; which < 4; which++) {
    size_t len;
    char *s = make_stream(which, &len);
    char label[32];
    snprintf(label, sizeof label, "stream %d", which);
    for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
      every_k(label, s, len, steps[k]);
    }
    free(s);
  }
}

/* sseval_sse_new alone: failing its first allocation returns E_NOMEM and
 * leaves *out alone or NULL; nothing leaks. */
TEST(new_fails_cleanly) {
  failing f;
  sseval_allocator a;
  sseval_sse_options o;
  sseval_sse *p = NULL;
  sseval_status st;
  memset(&f, 0, sizeof f);
  f.fail_at = 1;
  f.fail_rest = 1;
  a.malloc = fa_malloc;
  a.realloc = fa_realloc;
  a.free = fa_free;
  a.ctx = &f;
  sseval_sse_options_init(&o);
  o.allocator = &a;
  st = sseval_sse_new(&p, NULL, NULL, &o);
  CHECK_EQ_U64(st, SSEVAL_E_NOMEM);
  CHECK_STR(sseval_status_name(st), strlen(sseval_status_name(st)), "E_NOMEM");
  CHECK(p == NULL);
  CHECK_EQ_U64(f.live, 0);
}

/* "A hook may return NULL: the library then fails the call with
 * SSEVAL_E_NOMEM and leaves the instance consistent (accumulated data is
 * kept)": an id line whose copy fails must not lose the last event ID in
 * force before it. */
TEST(nomem_keeps_last_event_id) {
  failing f;
  sseval_allocator a;
  sseval_status st;
  sseval_sse *p;
  sseref_buf t;
  sseref_buf big;
  size_t i;
  sseval_span id;
  memset(&f, 0, sizeof f);
  sseref_buf_init(&t);
  sseref_buf_init(&big);
  p = make(&f, &a, &t, &st);
  if (!p) {
    CHECK(p != NULL);
    return;
  }
  CHECK_EQ_U64(sseval_sse_feed(p, "id:first\ndata:a\n\n", 17, NULL),
               SSEVAL_OK);
  sseref_buf_str(&big, "id:");
  for (i = 0; i < 100000; i++) sseref_buf_add(&big, "x", 1);
  sseref_buf_str(&big, "\n");
  f.fail_at = f.calls + 1; /* every allocation from now on fails */
  f.fail_rest = 1;
  st = sseval_sse_feed(p, big.p, big.len, NULL);
  CHECK_EQ_U64(st, SSEVAL_E_NOMEM);
  id = sseval_sse_last_event_id(p);
  CHECK_STR(id.ptr, id.len, "first");
  sseval_sse_free(p);
  CHECK_EQ_U64(f.live, 0);
  sseref_buf_free(&t);
  sseref_buf_free(&big);
}

int main(void) {
  RUN(fail_every_allocation);
  RUN(new_fails_cleanly);
  RUN(nomem_keeps_last_event_id);
  return test_summary();
}
