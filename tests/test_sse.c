/* SPDX-License-Identifier: MIT */
/*
 * tests/test_sse.c - the tokenizer (layer 1) suite.
 *
 *  1. Golden cases: every tests/sse_cases/NAME.txt file (format below), written
 *     by hand from docs/PROTOCOL.md. Each input is checked against the
 *     reference tokenizer (tests/sse_ref.c, so the hand-written expectations
 *     and the reference check each other) and then run through the real
 *     tokenizer whole, byte by byte, at every 2-way split (every 3-way split
 *     for short inputs), in seeded random chunkings, and with every callback
 *     pausing: the trace must be identical every time.
 *  2. Generated streams over an alphabet of interesting pieces, compared with
 *     the reference under random chunkings.
 *  3. API tests: pause, abort, reset, finish/tail, misuse, limits, zero copy,
 *     stats, bounded memory, zero allocation in the steady state, and
 *     sseval_utf8_next_invalid.
 *
 * Every chunk is handed to the tokenizer in its own malloc'd block of exactly
 * its size, freed as soon as the feed call returns, so ASan catches a read
 * past the chunk and any span kept into a chunk after its feed call.
 *
 * Case files: `test_sse [CASE_DIR]`; default $SSEVAL_SRC/tests/sse_cases,
 * else SSEVAL_SOURCE_DIR/tests/sse_cases (a compile definition of the CMake
 * build), else the sse_cases directory next to this source file.
 *
 *   # comment
 *   === case name
 *   opts max_line=N max_event=N     (optional; 0 or absent = default)
 *   in  <bytes>        input, concatenated over `in` lines, no implicit
 *                      newline; escapes \r \n \t \0 \s (space) \\ \xhh
 *                      \u{hex} (UTF-8); trailing blanks are ignored
 *   out <trace line>   expected trace, in order (format: sse_ref.h); quoted
 *                      strings take the same escapes
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>

#include "casefile.h"
#include "sse_ref.h"
#include "sseval/sse.h"
#include "test.h"

/* ---- small utilities ----------------------------------------------------------- */

static int mem_has(const void *hay, size_t n, const void *needle, size_t m) {
  size_t i;
  if (m == 0) return 1;
  for (i = 0; i + m <= n; i++)
    if (memcmp((const char *)hay + i, needle, m) == 0) return 1;
  return 0;
}

/* ---- counting allocator ----------------------------------------------------------- */

typedef struct counting {
  long live;          /* blocks currently allocated */
  uint64_t calls;     /* malloc + realloc calls */
  uint64_t frees;
  size_t live_bytes;
  int size_mismatch;  /* realloc/free got a size that is not the block's */
} counting;

#define HDR 16

static void *c_malloc(void *ctx, size_t n) {
  counting *c = (counting *)ctx;
  unsigned char *p = (unsigned char *)malloc(n + HDR);
  c->calls++;
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  c->live++;
  c->live_bytes += n;
  return p + HDR;
}

static void *c_realloc(void *ctx, void *ptr, size_t old, size_t n) {
  counting *c = (counting *)ctx;
  unsigned char *p;
  size_t had = 0;
  c->calls++;
  if (ptr) {
    memcpy(&had, (unsigned char *)ptr - HDR, sizeof had);
    if (had != old) c->size_mismatch = 1;
  } else if (old != 0) {
    c->size_mismatch = 1;
  }
  p = (unsigned char *)realloc(ptr ? (unsigned char *)ptr - HDR : NULL,
                               n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  if (!ptr) c->live++;
  c->live_bytes = c->live_bytes - had + n;
  return p + HDR;
}

static void c_free(void *ctx, void *ptr, size_t n) {
  counting *c = (counting *)ctx;
  size_t had;
  if (!ptr) return;
  memcpy(&had, (unsigned char *)ptr - HDR, sizeof had);
  if (had != n) c->size_mismatch = 1;
  c->frees++;
  c->live--;
  c->live_bytes -= had;
  free((unsigned char *)ptr - HDR);
}

static sseval_allocator counting_allocator(counting *c) {
  sseval_allocator a;
  memset(c, 0, sizeof *c);
  a.malloc = c_malloc;
  a.realloc = c_realloc;
  a.free = c_free;
  a.ctx = c;
  return a;
}

/* ---- the traced run of the real tokenizer ---------------------------------------- */

enum { CB_EVENT = 1, CB_RETRY, CB_COMMENT, CB_UNKNOWN };

typedef struct frun {
  sseref_buf *trace;
  const unsigned char *cur; /* the chunk being fed */
  size_t cur_len;
  int pause_all;            /* return SSEVAL_CB_PAUSE from every callback */
  int last_cb;              /* CB_* of the last callback */
  uint64_t last_end;        /* end_offset of the last event */
  uint64_t events;
  uint64_t zero_copy_events;
  char problem[512];        /* first invariant broken, if any */
} frun;

static void run_problem(frun *r, const char *fmt, ...) {
  va_list ap;
  if (r->problem[0]) return;
  va_start(ap, fmt);
  vsnprintf(r->problem, sizeof r->problem, fmt, ap);
  va_end(ap);
}

static int span_ok(sseval_span s) { return s.len == 0 || s.ptr != NULL; }

static int f_event(void *user, const sseval_sse_event *ev) {
  frun *r = (frun *)user;
  size_t i, lfs = 0;
  if (!span_ok(ev->type) || !span_ok(ev->data) || !span_ok(ev->id))
    run_problem(r, "event span with NULL ptr");
  for (i = 0; i < ev->data.len; i++)
    if (ev->data.ptr[i] == '\n') lfs++;
  if (ev->data_lines != lfs + 1)
    run_problem(r, "data_lines %u for data with %zu LFs", ev->data_lines, lfs);
  if (ev->flags & SSEVAL_SSE_TYPE_SET) {
    if (ev->type.len == 0) run_problem(r, "TYPE_SET with an empty type");
  } else if (ev->type.len != 7 || memcmp(ev->type.ptr, "message", 7) != 0) {
    run_problem(r, "type without TYPE_SET is not \"message\"");
  }
  if (ev->flags & SSEVAL_SSE_DATA_ZERO_COPY) {
    r->zero_copy_events++;
    if (ev->data.len &&
        (ev->data.ptr < (const char *)r->cur ||
         ev->data.ptr + ev->data.len > (const char *)r->cur + r->cur_len))
      run_problem(r, "DATA_ZERO_COPY but data is not inside the fed chunk");
  }
  if (ev->end_offset <= ev->offset)
    run_problem(r, "end_offset %" PRIu64 " <= offset %" PRIu64,
                ev->end_offset, ev->offset);
  sseref_trace_event(r->trace, ev->type.ptr, ev->type.len, ev->data.ptr,
                     ev->data.len, ev->id.ptr, ev->id.len, ev->offset,
                     ev->line, ev->end_offset);
  r->events++;
  r->last_cb = CB_EVENT;
  r->last_end = ev->end_offset;
  return r->pause_all ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

static int f_retry(void *user, uint64_t ms, uint64_t offset) {
  frun *r = (frun *)user;
  sseref_trace_retry(r->trace, ms, offset);
  r->last_cb = CB_RETRY;
  return r->pause_all ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

static int f_comment(void *user, sseval_span text, uint64_t offset) {
  frun *r = (frun *)user;
  if (!span_ok(text)) run_problem(r, "comment span with NULL ptr");
  sseref_trace_comment(r->trace, text.ptr, text.len, offset);
  r->last_cb = CB_COMMENT;
  return r->pause_all ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

static int f_unknown(void *user, sseval_span name, sseval_span value,
                     uint64_t offset) {
  frun *r = (frun *)user;
  if (!span_ok(name) || !span_ok(value)) run_problem(r, "unknown span NULL");
  sseref_trace_unknown(r->trace, name.ptr, name.len, value.ptr, value.len,
                       offset);
  r->last_cb = CB_UNKNOWN;
  return r->pause_all ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

static void trace_callbacks(sseval_sse_callbacks *cbs) {
  sseval_sse_callbacks_init(cbs);
  cbs->on_event = f_event;
  cbs->on_retry = f_retry;
  cbs->on_comment = f_comment;
  cbs->on_unknown_field = f_unknown;
}

/* Feed `in` cut at the chunk sizes sizes[0..n) (summing to len) into a fresh
 * tokenizer; append the trace to *trace. Problems with the API contract
 * (offsets, consumed, sticky errors) are written into the trace as
 * "!problem" lines, so they show up as a mismatch. */
static sseval_sse_stats last_stats; /* of the last run_fast without error */
static uint64_t last_end_line;      /* its tail.end_line */

static void run_fast(const unsigned char *in, size_t len, const size_t *sizes,
                     size_t n, size_t max_line, size_t max_event,
                     int pause_all, sseref_buf *trace) {
  sseval_sse *p = NULL;
  sseval_sse_callbacks cbs;
  sseval_sse_options opts;
  sseval_sse_tail tail;
  sseval_sse_stats st;
  frun r;
  size_t k, pos = 0;
  sseval_status s = SSEVAL_OK;
  int failed = 0;

  memset(&r, 0, sizeof r);
  memset(&last_stats, 0xFF, sizeof last_stats);
  last_end_line = (uint64_t)-1;
  r.trace = trace;
  r.pause_all = pause_all;
  trace_callbacks(&cbs);
  sseval_sse_options_init(&opts);
  opts.max_line_bytes = max_line;
  opts.max_event_bytes = max_event;
  if (sseval_sse_new(&p, &cbs, &r, &opts) != SSEVAL_OK) {
    sseref_buf_str(trace, "!problem sseval_sse_new failed\n");
    return;
  }
  for (k = 0; k < n && !failed; k++) {
    size_t rem = sizes[k];
    unsigned char *chunk = (unsigned char *)xmalloc(rem);
    uint64_t base = pos;
    int rounds = 0;
    memcpy(chunk, in + pos, rem);
    for (;;) {
      size_t consumed = (size_t)-1;
      r.cur = chunk;
      r.cur_len = rem;
      r.last_cb = 0;
      s = sseval_sse_feed(p, chunk, rem, &consumed);
      if (s == SSEVAL_PAUSED) {
        unsigned char *rest;
        if (consumed > rem || (consumed == 0 && r.last_cb == 0)) {
          sseref_buf_str(trace, "!problem PAUSED with a bad consumed\n");
          failed = 1;
          break;
        }
        if (sseval_sse_offset(p) != base + consumed)
          sseref_buf_str(trace, "!problem offset after pause != consumed\n");
        /* paused at an event: consumed ends just past its blank line (for a
         * CRLF blank line, past the CR, or past the LF when it was there) */
        if (r.last_cb == CB_EVENT && base + consumed != r.last_end &&
            !(base + consumed == r.last_end + 1 && r.last_end >= 1 &&
              r.last_end < len && in[r.last_end - 1] == '\r' &&
              in[r.last_end] == '\n'))
          sseref_buf_str(trace,
                         "!problem paused event: consumed != end_offset\n");
        if (++rounds > 100000) {
          sseref_buf_str(trace, "!problem endless pause\n");
          failed = 1;
          break;
        }
        /* resume from a copy of the rest; the old buffer is gone */
        rest = (unsigned char *)xmalloc(rem - consumed);
        memcpy(rest, chunk + consumed, rem - consumed);
        memset(chunk, 'Z', rem);
        free(chunk);
        chunk = rest;
        base += consumed;
        rem -= consumed;
        continue;
      }
      if (s == SSEVAL_OK) {
        if (consumed != rem)
          sseref_buf_str(trace, "!problem OK but consumed != len\n");
        if (sseval_sse_offset(p) != base + rem)
          sseref_buf_str(trace, "!problem offset after feed != bytes fed\n");
      } else {
        const sseval_error *e = sseval_sse_error(p);
        size_t c2 = 0;
        if (e->status != s)
          sseref_buf_str(trace, "!problem sseval_sse_error disagrees\n");
        sseref_trace_error(trace, sseval_status_name(s), e->offset, e->line);
        if (sseval_sse_feed(p, "\n", 1, &c2) != s)
          sseref_buf_str(trace, "!problem error is not sticky (feed)\n");
        if (sseval_sse_finish(p, &tail) != s)
          sseref_buf_str(trace, "!problem error is not sticky (finish)\n");
        failed = 1;
      }
      break;
    }
    memset(chunk, 'X', rem);
    free(chunk);
    pos += sizes[k];
  }
  if (!failed) {
    memset(&tail, 0xA5, sizeof tail);
    s = sseval_sse_finish(p, &tail);
    if (s != SSEVAL_OK) {
      const sseval_error *e = sseval_sse_error(p);
      sseref_trace_error(trace, sseval_status_name(s), e->offset, e->line);
    } else {
      sseref_trace_tail(trace, tail.discarded, tail.pending_fields,
                        tail.partial_line_bytes, tail.offset, tail.line);
      if (tail.discarded != 0 && tail.discarded != 1)
        sseref_buf_str(trace, "!problem tail.discarded is not 0/1\n");
      sseval_sse_get_stats(p, &st);
      last_stats = st;
      last_end_line = tail.end_line;
      if (tail.end_offset != len)
        sseref_buf_str(trace, "!problem tail.end_offset != input length\n");
      if (st.bytes != len) sseref_buf_str(trace, "!problem stats.bytes\n");
      if (st.events != r.events)
        sseref_buf_str(trace, "!problem stats.events\n");
    }
    if (sseval_sse_feed(p, "x", 1, NULL) != SSEVAL_E_MISUSE)
      sseref_buf_str(trace, "!problem feed after finish is not E_MISUSE\n");
  }
  if (r.problem[0]) {
    sseref_buf_str(trace, "!problem ");
    sseref_buf_str(trace, r.problem);
    sseref_buf_str(trace, "\n");
  }
  sseval_sse_free(p);
}

/* ---- golden cases --------------------------------------------------------------- */

typedef struct gcase {
  char name[160];
  char where[300];
  sseref_buf input;
  sseref_buf expect; /* canonical trace */
  size_t max_line, max_event;
  int bad; /* the file itself is malformed */
  sseref_counts counts; /* the reference's counters */
  int has_error;        /* the expected trace ends in an error */
} gcase;

/* Canonicalise one expected trace line; returns 0 if malformed. */
static int canon_line(const char *s, const char *end, sseref_buf *out) {
  int first = 1;
  while (s < end) {
    const char *tok = s;
    while (s < end && *s == ' ') s++;
    if (s >= end) break;
    if (!first) sseref_buf_add(out, " ", 1);
    tok = s;
    while (s < end && *s != ' ' && *s != '=') s++;
    sseref_buf_add(out, tok, (size_t)(s - tok));
    if (s < end && *s == '=') {
      sseref_buf_add(out, "=", 1);
      s++;
      if (s < end && *s == '"') {
        sseref_buf val;
        sseref_buf_init(&val);
        s = casefile_unescape(s + 1, end, 1, &val);
        if (!s) {
          sseref_buf_free(&val);
          return 0;
        }
        s++; /* closing quote */
        sseref_buf_quote(out, val.p, val.len);
        sseref_buf_free(&val);
      } else {
        tok = s;
        while (s < end && *s != ' ') s++;
        sseref_buf_add(out, tok, (size_t)(s - tok));
      }
    }
    first = 0;
  }
  sseref_buf_add(out, "\n", 1);
  return 1;
}

static size_t parse_size(const char *s, const char *key) {
  const char *k = strstr(s, key);
  if (!k) return 0;
  return (size_t)strtoull(k + strlen(key), NULL, 10);
}

static gcase *load_cases(const char *path, size_t *count, gcase *cases,
                         size_t *cap) {
  FILE *f = fopen(path, "rb");
  char line[8192];
  int lineno = 0;
  gcase *cur = NULL;
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    test_failed_checks_++;
    return cases;
  }
  while (fgets(line, sizeof line, f)) {
    size_t n = strlen(line);
    lineno++;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0 || line[0] == '#') continue;
    if (strncmp(line, "=== ", 4) == 0) {
      if (*count == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        cases = (gcase *)realloc(cases, *cap * sizeof *cases);
        if (!cases) abort();
      }
      cur = &cases[(*count)++];
      memset(cur, 0, sizeof *cur);
      snprintf(cur->name, sizeof cur->name, "%.150s", line + 4);
      snprintf(cur->where, sizeof cur->where, "%.250s:%d", path, lineno);
      sseref_buf_init(&cur->input);
      sseref_buf_init(&cur->expect);
      sseref_buf_add(&cur->input, "", 0);
      sseref_buf_add(&cur->expect, "", 0);
      continue;
    }
    if (!cur) {
      fprintf(stderr, "%s:%d: text before the first === case\n", path, lineno);
      test_failed_checks_++;
      continue;
    }
    if (strncmp(line, "opts ", 5) == 0) {
      cur->max_line = parse_size(line, "max_line=");
      cur->max_event = parse_size(line, "max_event=");
    } else if (strncmp(line, "in", 2) == 0 && (line[2] == ' ' || !line[2])) {
      const char *s = line + 2;
      while (*s == ' ') s++;
      while (n > 2 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        line[--n] = 0;
      if (!casefile_unescape(s, line + n, 0, &cur->input)) cur->bad = lineno;
    } else if (strncmp(line, "out ", 4) == 0) {
      if (!canon_line(line + 4, line + n, &cur->expect)) cur->bad = lineno;
    } else {
      cur->bad = lineno;
    }
  }
  fclose(f);
  return cases;
}

static char case_dir[1024];
static gcase *cases;
static size_t ncases, ccap;

static void load_case_file(const char *path, void *ctx) {
  (void)ctx;
  cases = load_cases(path, &ncases, cases, &ccap);
}

static void load_all_cases(void) {
  if (casefile_each(case_dir, load_case_file, NULL) < 0) test_failed_checks_++;
}

/* Compare a trace with the expected one; report the first differing line. */
static int same_trace(const gcase *c, const char *what, const sseref_buf *got,
                      const sseref_buf *want) {
  const char *g = got->p ? got->p : "", *w = want->p ? want->p : "";
  if (strcmp(g, w) == 0) return 1;
  test_failed_checks_++;
  fprintf(stderr, "%s: [%s] %s: trace differs\n  expected:\n%s  got:\n%s",
          c->where, c->name, what, w, g);
  return 0;
}

TEST(golden_cases_load) {
  size_t i;
  load_all_cases();
  CHECK(ncases >= 100);
  for (i = 0; i < ncases; i++) {
    if (cases[i].bad) {
      fprintf(stderr, "%s: [%s] malformed line %d\n", cases[i].where,
              cases[i].name, cases[i].bad);
      test_failed_checks_++;
    }
    if (cases[i].expect.len == 0) {
      fprintf(stderr, "%s: [%s] no expected trace\n", cases[i].where,
              cases[i].name);
      test_failed_checks_++;
    }
  }
}

/* The hand-written expectations and the reference agree. */
TEST(golden_cases_vs_reference) {
  size_t i;
  for (i = 0; i < ncases; i++) {
    sseref_buf t;
    sseref_opts o;
    o.max_line = cases[i].max_line;
    o.max_event = cases[i].max_event;
    sseref_buf_init(&t);
    sseref_buf_add(&t, "", 0);
    sseref_run_counts(cases[i].input.p, cases[i].input.len, &o, &t,
                      &cases[i].counts);
    cases[i].has_error = strstr(t.p, "\nerror ") != NULL ||
                         strncmp(t.p, "error ", 6) == 0;
    same_trace(&cases[i], "reference tokenizer", &t, &cases[i].expect);
    sseref_buf_free(&t);
  }
}

static int run_and_compare(const gcase *c, const test_chunking *ch, int pause_all) {
  sseref_buf t;
  int ok;
  char what[160];
  sseref_buf_init(&t);
  sseref_buf_add(&t, "", 0);
  run_fast((const unsigned char *)c->input.p, c->input.len, ch->sizes, ch->n,
           c->max_line, c->max_event, pause_all, &t);
  snprintf(what, sizeof what, "sseval, %s%s", ch->desc,
           pause_all ? ", pausing at every callback" : "");
  ok = same_trace(c, what, &t, &c->expect);
  if (ok && !c->has_error &&
      (last_stats.lines != c->counts.lines ||
       last_stats.comments != c->counts.comments ||
       last_stats.events != c->counts.events ||
       last_end_line != c->counts.end_line)) {
    test_failed_checks_++;
    fprintf(stderr,
            "%s: [%s] %s: stats lines=%" PRIu64 " comments=%" PRIu64
            " events=%" PRIu64 " tail.end_line=%" PRIu64 ", expected %" PRIu64
            " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
            c->where, c->name, what, last_stats.lines, last_stats.comments,
            last_stats.events, last_end_line, c->counts.lines,
            c->counts.comments, c->counts.events, c->counts.end_line);
    ok = 0;
  }
  sseref_buf_free(&t);
  return ok;
}

static int golden_check(void *ctx, const test_chunking *ch, int pause) {
  return run_and_compare((const gcase *)ctx, ch, pause);
}

/* The real tokenizer under every chunking the brief asks for: whole, byte
 * by byte, bytes between empty feeds, every cut, every two cuts of a short
 * case, random chunks; then pausing at every callback (resuming from a copy
 * of the rest) whole, byte by byte and in random chunks. */
TEST(golden_cases_all_chunkings) {
  static const test_chunk_plan plain = {
      TC_WHOLE | TC_BYTES | TC_BYTES_EMPTY | TC_CUTS | TC_CUT_PAIRS, 0, 1, 40,
      {{20, 0, 0}, {0, 0, 0}}};
  static const test_chunk_plan paused = {TC_WHOLE | TC_BYTES, 1, 1, 0,
                                         {{5, 0, 1}, {0, 0, 0}}};
  size_t i;
  for (i = 0; i < ncases; i++) {
    gcase *c = &cases[i];
    rng_state = 0x1234567u + i;
    if (test_every_chunking(c->input.len, &plain, golden_check, c))
      test_every_chunking(c->input.len, &paused, golden_check, c);
  }
}

/* ---- generated streams vs the reference -------------------------------------------- */

static const char *const pieces[] = {
    "data", "data", "data", "event", "id", "retry", ":", ":", " ", " ", "\r",
    "\n", "\n", "\n", "\r\n", "\xEF\xBB\xBF", "\xEF", "\xBB\xBF", "\0", "\xFF",
    "0", "7", "42", "18446744073709551616", "a", "Z", "\t", "data:", "data: ",
    "\n\n", "\xC3\xA9", "\xE2\x80\xA8", "\xF0\x9F", "\x80", "\xC2\x85",
    "id:", "event:", "retry:", "+", "\v", "\f", "DATA", "ids"};

static size_t piece_len(size_t i) {
  /* "\0" is one byte; everything else is a C string */
  if (pieces[i][0] == '\0') return 1;
  return strlen(pieces[i]);
}

static void gen_stream(sseref_buf *b, size_t npieces) {
  size_t i;
  size_t np = sizeof pieces / sizeof pieces[0];
  sseref_buf_clear(b);
  sseref_buf_add(b, "", 0);
  for (i = 0; i < npieces; i++) {
    size_t k = rng_below(np);
    sseref_buf_add(b, pieces[k], piece_len(k));
  }
}

static void diff_generated(const sseref_buf *in, size_t max_line,
                           size_t max_event, int *reported) {
  sseref_buf ref, got;
  sseref_opts o;
  test_chunking ch;
  int way;
  o.max_line = max_line;
  o.max_event = max_event;
  sseref_buf_init(&ref);
  sseref_buf_add(&ref, "", 0);
  sseref_run(in->p, in->len, &o, &ref);
  tc_init(&ch, in->len);
  for (way = 0; way < 4; way++) {
    if (way == 0) tc_whole(&ch, in->len);
    else if (way == 1) tc_fixed(&ch, in->len, 1);
    else tc_random(&ch, in->len, 1 + in->len / 4);
    sseref_buf_init(&got);
    sseref_buf_add(&got, "", 0);
    run_fast((const unsigned char *)in->p, in->len, ch.sizes, ch.n, max_line,
             max_event, way == 3, &got);
    if (strcmp(got.p, ref.p) != 0) {
      test_failed_checks_++;
      if ((*reported)++ < 5) {
        sseref_buf q;
        sseref_buf_init(&q);
        sseref_buf_quote(&q, in->p, in->len);
        fprintf(stderr,
                "generated stream %s (max_line=%zu max_event=%zu), %s%s:\n"
                "  reference:\n%s  sseval:\n%s",
                q.p, max_line, max_event, ch.desc,
                way == 3 ? ", pausing" : "", ref.p, got.p);
        sseref_buf_free(&q);
      }
      sseref_buf_free(&got);
      break;
    }
    sseref_buf_free(&got);
  }
  tc_free(&ch);
  sseref_buf_free(&ref);
}

TEST(generated_vs_reference) {
  sseref_buf in;
  int i, reported = 0;
  sseref_buf_init(&in);
  rng_state = 20240601u;
  for (i = 0; i < 4000; i++) {
    gen_stream(&in, rng_below(40));
    diff_generated(&in, 0, 0, &reported);
  }
  sseref_buf_free(&in);
}

/* Longer streams (a few kB): line ends at every position of a 64-byte
 * block, lines spanning blocks, chunks of every alignment. */
TEST(generated_vs_reference_long) {
  sseref_buf in;
  int i, reported = 0;
  sseref_buf_init(&in);
  rng_state = 4096u;
  for (i = 0; i < 300; i++) {
    gen_stream(&in, 200 + rng_below(800));
    diff_generated(&in, 0, 0, &reported);
  }
  sseref_buf_free(&in);
}

TEST(generated_vs_reference_small_limits) {
  sseref_buf in;
  int i, reported = 0;
  sseref_buf_init(&in);
  static const char *const starts[] = {"\xEF", "\xEF\xBB", "\xEF\xBB\xBF",
                                       "\r", "\n"};
  rng_state = 777u;
  for (i = 0; i < 2000; i++) {
    size_t max_line = rng_below(2) ? 1 + rng_below(4) : 1 + rng_below(24);
    gen_stream(&in, rng_below(40));
    if (rng_below(4) == 0) {
      /* a start that exercises the BOM and line-ending state first */
      sseref_buf t;
      const char *st = starts[rng_below(sizeof starts / sizeof starts[0])];
      sseref_buf_init(&t);
      sseref_buf_str(&t, st);
      sseref_buf_add(&t, in.p, in.len);
      sseref_buf_clear(&in);
      sseref_buf_add(&in, t.p, t.len);
      sseref_buf_free(&t);
    }
    diff_generated(&in, max_line, 1 + rng_below(24), &reported);
  }
  sseref_buf_free(&in);
}

/* Events of `data: ` lines (the tokenizer's hot path keeps up to eight of
 * an event's data lines as spans and joins them at dispatch): many data
 * lines per event, mixed with the lines that end the hot path (id,
 * comments, `data:` without the space, other fields), every line ending,
 * long lines across 64-byte blocks and 512-byte batches, default and
 * small limits (max_event_bytes met on the second or a later line). */
static void gen_data_stream(sseref_buf *b, size_t nlines) {
  static const char *const ends[] = {"\n", "\n", "\n", "\r\n", "\r"};
  static const char *const others[] = {"event: e", "event: ", "id: 5",
                                       ":c",       "data:x",  "data",
                                       "retry: 9", "x: y"};
  size_t i, j;
  sseref_buf_clear(b);
  sseref_buf_add(b, "", 0);
  for (i = 0; i < nlines; i++) {
    size_t k = rng_below(16);
    if (k < 9) {
      size_t n = rng_below(4) == 0 ? rng_below(140) : rng_below(8);
      sseref_buf_str(b, "data: ");
      for (j = 0; j < n; j++) sseref_buf_add(b, &"ab\xC3\xA9 {}:"[rng_below(8)], 1);
    } else if (k < 13) {
      /* a blank line: dispatch */
    } else {
      sseref_buf_str(b, others[rng_below(sizeof others / sizeof others[0])]);
    }
    sseref_buf_str(b, ends[rng_below(sizeof ends / sizeof ends[0])]);
  }
}

TEST(generated_data_lines_vs_reference) {
  sseref_buf in;
  int i, reported = 0;
  sseref_buf_init(&in);
  rng_state = 9090u;
  for (i = 0; i < 1500; i++) {
    gen_data_stream(&in, 1 + rng_below(i % 4 == 0 ? 400 : 40));
    if (i % 3 == 0)
      diff_generated(&in, 1 + rng_below(200), 1 + rng_below(60), &reported);
    else
      diff_generated(&in, 0, 0, &reported);
  }
  sseref_buf_free(&in);
}

/* ---- API tests ------------------------------------------------------------------------ */

typedef struct rec {
  sseref_buf trace;
  int pause_on_event;     /* pause at event number N (1-based); 0 never */
  int abort_on;           /* CB_* kind that aborts */
  int pause_on;           /* CB_* kind that pauses (every time) */
  uint64_t events;
  uint64_t last_end;
  unsigned last_flags;
  const char *cur;
  size_t cur_len;
  int zero_copy_inside;   /* every ZERO_COPY event's data was inside cur */
  uint64_t zero_copy_events;
  uint32_t last_data_lines;
} rec;

static void rec_init(rec *r) {
  memset(r, 0, sizeof *r);
  sseref_buf_init(&r->trace);
  sseref_buf_add(&r->trace, "", 0);
  r->zero_copy_inside = 1;
}

static int r_event(void *user, const sseval_sse_event *ev) {
  rec *r = (rec *)user;
  r->events++;
  r->last_end = ev->end_offset;
  r->last_flags = ev->flags;
  r->last_data_lines = ev->data_lines;
  if (ev->flags & SSEVAL_SSE_DATA_ZERO_COPY) {
    r->zero_copy_events++;
    if (!r->cur || ev->data.ptr < r->cur ||
        ev->data.ptr + ev->data.len > r->cur + r->cur_len)
      r->zero_copy_inside = 0;
  }
  sseref_trace_event(&r->trace, ev->type.ptr, ev->type.len, ev->data.ptr,
                     ev->data.len, ev->id.ptr, ev->id.len, ev->offset,
                     ev->line, ev->end_offset);
  if (r->abort_on == CB_EVENT) return SSEVAL_CB_ABORT;
  if (r->pause_on == CB_EVENT) return SSEVAL_CB_PAUSE;
  if (r->pause_on_event && (uint64_t)r->pause_on_event == r->events)
    return SSEVAL_CB_PAUSE;
  return SSEVAL_CB_OK;
}

static int r_retry(void *user, uint64_t ms, uint64_t offset) {
  rec *r = (rec *)user;
  sseref_trace_retry(&r->trace, ms, offset);
  if (r->abort_on == CB_RETRY) return SSEVAL_CB_ABORT;
  return r->pause_on == CB_RETRY ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

static int r_comment(void *user, sseval_span text, uint64_t offset) {
  rec *r = (rec *)user;
  sseref_trace_comment(&r->trace, text.ptr, text.len, offset);
  if (r->abort_on == CB_COMMENT) return SSEVAL_CB_ABORT;
  return r->pause_on == CB_COMMENT ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

static int r_unknown(void *user, sseval_span name, sseval_span value,
                     uint64_t offset) {
  rec *r = (rec *)user;
  sseref_trace_unknown(&r->trace, name.ptr, name.len, value.ptr, value.len,
                       offset);
  if (r->abort_on == CB_UNKNOWN) return SSEVAL_CB_ABORT;
  return r->pause_on == CB_UNKNOWN ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
}

/* r cleared, and a tokenizer whose callbacks record into it; NULL (a failed
 * check) when it cannot be made. */
static sseval_sse *rec_new(rec *r, size_t max_line, size_t max_event,
                           const sseval_allocator *a) {
  sseval_sse *p = NULL;
  sseval_sse_callbacks cbs;
  sseval_sse_options o;
  rec_init(r);
  sseval_sse_callbacks_init(&cbs);
  cbs.on_event = r_event;
  cbs.on_retry = r_retry;
  cbs.on_comment = r_comment;
  cbs.on_unknown_field = r_unknown;
  sseval_sse_options_init(&o);
  o.max_line_bytes = max_line;
  o.max_event_bytes = max_event;
  o.allocator = a;
  if (sseval_sse_new(&p, &cbs, r, &o) != SSEVAL_OK) p = NULL;
  CHECK(p != NULL);
  return p;
}

/* feed, tracking the current buffer for the zero-copy check */
static sseval_status rfeed(sseval_sse *p, rec *r, const void *buf, size_t len,
                           size_t *consumed) {
  r->cur = (const char *)buf;
  r->cur_len = len;
  return sseval_sse_feed(p, buf, len, consumed);
}

static sseval_status feed_str(sseval_sse *p, rec *r, const char *s) {
  size_t c;
  return rfeed(p, r, s, strlen(s), &c);
}

/* Feed `s` in chunks of `step` bytes, each in its own malloc'd block. */
static sseval_status feed_chunked(sseval_sse *p, rec *r, const char *s,
                                  size_t len, size_t step) {
  size_t pos = 0;
  sseval_status st = SSEVAL_OK;
  while (pos < len && st == SSEVAL_OK) {
    size_t m = len - pos < step ? len - pos : step, c;
    char *b = (char *)xmalloc(m);
    memcpy(b, s + pos, m);
    st = rfeed(p, r, b, m, &c);
    free(b);
    pos += m;
  }
  return st;
}

/* A canonical trace of a stream through a fresh tokenizer fed whole. */
static void whole_trace(const char *s, size_t len, sseref_buf *out) {
  rec r;
  sseval_sse *p;
  sseval_sse_tail tail;
  size_t c;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) abort();
  rfeed(p, &r, s, len, &c);
  sseval_sse_finish(p, &tail);
  sseref_trace_tail(&r.trace, tail.discarded, tail.pending_fields,
                    tail.partial_line_bytes, tail.offset, tail.line);
  sseref_buf_str(out, r.trace.p);
  sseref_buf_free(&r.trace);
  sseval_sse_free(p);
}

TEST(utf8_next_invalid_examples) {
  static const struct {
    const char *s;
    size_t len, at, ilen;
  } v[] = {
      {"", 0, 0, 0},
      {"abc", 3, 3, 0},
      {"\xC3\xA9", 2, 2, 0},                 /* U+00E9 */
      {"\xEF\xBB\xBF", 3, 3, 0},             /* U+FEFF */
      {"\xEF\xBF\xBD", 3, 3, 0},             /* U+FFFD itself is valid */
      {"\xED\x9F\xBF", 3, 3, 0},             /* U+D7FF, last before surrogates */
      {"\xEE\x80\x80", 3, 3, 0},             /* U+E000 */
      {"\xF0\x90\x80\x80", 4, 4, 0},         /* U+10000 */
      {"\xF4\x8F\xBF\xBF", 4, 4, 0},         /* U+10FFFF */
      {"\xF0\x9F\x98\x80", 4, 4, 0},         /* U+1F600 */
      {"\x80", 1, 0, 1},                     /* lone continuation */
      {"\xFF", 1, 0, 1},
      {"\xFE", 1, 0, 1},
      {"\xC0\xAF", 2, 0, 1},                 /* C0 is never a lead: 2 errors */
      {"\xC1\xBF", 2, 0, 1},
      {"\xE0\x80", 2, 0, 1},                 /* E0 needs A0..BF: E0 | 80 */
      {"\xE0\x80\x80", 3, 0, 1},
      {"\xE0\x9F\xBF", 3, 0, 1},             /* overlong 3-byte */
      {"\xED\xA0\x80", 3, 0, 1},             /* surrogate: ED | A0 | 80 */
      {"\xED\xBF\xBF", 3, 0, 1},
      {"\xF0\x80\x80", 3, 0, 1},             /* F0 needs 90..BF */
      {"\xF0\x8F\xBF\xBF", 4, 0, 1},         /* overlong 4-byte */
      {"\xF4\x90", 2, 0, 1},                 /* F4 needs 80..8F */
      {"\xF4\x90\x80\x80", 4, 0, 1},         /* > U+10FFFF */
      {"\xF5\x80\x80\x80", 4, 0, 1},
      {"\xF0\x9F\x98", 3, 0, 3},             /* truncated 4-byte at end: 1 */
      {"\xF0\x9F", 2, 0, 2},
      {"\xE2\x82", 2, 0, 2},                 /* truncated 3-byte at end */
      {"\xC2", 1, 0, 1},
      {"\xE2\x82" "A", 3, 0, 2},             /* cut by an ASCII byte */
      {"\xF0\x9F\x98" "A", 4, 0, 3},
      {"\xC2" "A", 2, 0, 1},
      {"\xE2\x82\xE2\x82\xAC", 5, 0, 2},     /* E2 82 | then E2 82 AC ok */
      {"ab\xC3\xA9" "c\xFF" "d", 7, 5, 1},
      {"\xC3\xA9\xE0\xA0", 4, 2, 2},         /* E0 A0 truncated */
      {"a\xF4\x8F\xBF", 4, 1, 3},
      {"x\xED\x9F", 3, 1, 2},
  };
  size_t i;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    size_t il = 99;
    size_t at = sseval_utf8_next_invalid(v[i].s, v[i].len, &il);
    size_t ril = 99, rat = sseref_first_invalid(v[i].s, v[i].len, &ril);
    if (at != v[i].at || il != v[i].ilen) {
      test_failed_checks_++;
      fprintf(stderr,
              "utf8_next_invalid example %zu: got at=%zu len=%zu, expected "
              "at=%zu len=%zu\n",
              i, at, il, v[i].at, v[i].ilen);
    }
    if (rat != v[i].at || ril != v[i].ilen) {
      test_failed_checks_++;
      fprintf(stderr, "reference decoder disagrees on example %zu\n", i);
    }
  }
}

/* Whole-string replacement counts from the Encoding Standard's decoder:
 * errors (walking sseval_utf8_next_invalid) and U+FFFD in the reference's
 * decoding (a real U+FFFD in the input is not an error). */
TEST(utf8_replacement_counts) {
  static const struct {
    const char *s;
    size_t len;
    size_t errors, fffd;
  } v[] = {
      {"\xF0\x80\x80", 3, 3, 3},     {"\xE0\x80", 2, 2, 2},
      {"\xED\xA0\x80", 3, 3, 3},     {"\xF4\x90", 2, 2, 2},
      {"\xC0\xAF", 2, 2, 2},         {"\xF0\x9F\x98", 3, 1, 1},
      {"\xF4\x90\x80\x80", 4, 4, 4}, {"\xE1\x80" "A", 3, 1, 1},
      {"\x80\x80\x80", 3, 3, 3},     {"\xEF\xBF\xBD", 3, 0, 1},
      {"\xF0\x9F\x98\xF0\x9F\x98\x80", 7, 1, 1},
  };
  size_t i;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    size_t pos = 0, n = 0, rounds = 0, k, m, r = 0;
    unsigned char out[64];
    while (pos < v[i].len && rounds++ < 100) {
      size_t il = 0;
      size_t at = sseval_utf8_next_invalid(v[i].s + pos, v[i].len - pos, &il);
      if (at >= v[i].len - pos || il == 0) break;
      n++;
      pos += at + il;
    }
    if (n != v[i].errors) {
      test_failed_checks_++;
      fprintf(stderr, "replacement count for example %zu: %zu, expected %zu\n",
              i, n, v[i].errors);
    }
    m = sseref_fffd(v[i].s, v[i].len, out);
    for (k = 0; k + 3 <= m; k++)
      if (out[k] == 0xEF && out[k + 1] == 0xBF && out[k + 2] == 0xBD) r++;
    if (r != v[i].fffd) {
      test_failed_checks_++;
      fprintf(stderr, "reference U+FFFD count for %zu: %zu, expected %zu\n", i,
              r, v[i].fffd);
    }
  }
}

TEST(utf8_next_invalid_vs_reference) {
  static const unsigned char alpha[] = {0x41, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                        0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1,
                                        0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
                                        0x00, 0x0A};
  unsigned char s[8];
  int i, reported = 0;
  rng_state = 99;
  for (i = 0; i < 200000; i++) {
    size_t n = rng_below(8), k, il = 77, ril = 77, at, rat;
    for (k = 0; k < n; k++) s[k] = alpha[rng_below(sizeof alpha)];
    at = sseval_utf8_next_invalid(s, n, &il);
    rat = sseref_first_invalid(s, n, &ril);
    if (at != rat || il != ril) {
      test_failed_checks_++;
      if (reported++ < 5) {
        fprintf(stderr, "utf8_next_invalid on");
        for (k = 0; k < n; k++) fprintf(stderr, " %02X", s[k]);
        fprintf(stderr, ": got at=%zu len=%zu, reference at=%zu len=%zu\n",
                at, il, rat, ril);
      }
    }
  }
}

TEST(pause_from_on_event) {
  static const char s[] = "data:a\n\ndata:b\n\n";
  rec r;
  sseval_sse *p;
  size_t c = 99;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  r.pause_on_event = 1;
  CHECK_EQ_U64(rfeed(p, &r, s, 16, &c), SSEVAL_PAUSED);
  CHECK_EQ_U64(c, 8);
  CHECK_EQ_U64(r.events, 1);
  CHECK_EQ_U64(sseval_sse_offset(p), 8);
  CHECK_EQ_U64(rfeed(p, &r, s + 8, 8, &c), SSEVAL_OK);
  CHECK_EQ_U64(c, 8);
  CHECK_EQ_U64(r.events, 2);
  CHECK_STR(r.trace.p, r.trace.len,
            "event type=\"message\" data=\"a\" id=\"\" offset=0 line=1 end=8\n"
            "event type=\"message\" data=\"b\" id=\"\" offset=8 line=3 end=16\n");
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

/* Pause in a chunk whose rest holds half an event; the rest is moved to a
 * new buffer (the old one is freed) before resuming. */
TEST(pause_then_resume_from_moved_rest) {
  static const char s1[] = "data:x";
  static const char s2[] = "y\nid:7\n\nevent:t\ndata:p\ndata:q\nda";
  static const char s3[] = "ta:r\n\n";
  rec r;
  sseval_sse *p;
  size_t c = 0, l2 = strlen(s2);
  char *b;
  sseref_buf want;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  r.pause_on_event = 1;
  b = (char *)xmalloc(6);
  memcpy(b, s1, 6);
  CHECK_EQ_U64(rfeed(p, &r, b, 6, &c), SSEVAL_OK);
  free(b);
  b = (char *)xmalloc(l2);
  memcpy(b, s2, l2);
  CHECK_EQ_U64(rfeed(p, &r, b, l2, &c), SSEVAL_PAUSED);
  CHECK_EQ_U64(c, 8); /* "y\nid:7\n\n" */
  CHECK_EQ_U64(r.last_end, 14);
  {
    char *rest = (char *)xmalloc(l2 - c);
    memcpy(rest, b + c, l2 - c);
    memset(b, '#', l2);
    free(b);
    b = rest;
  }
  CHECK_EQ_U64(rfeed(p, &r, b, l2 - 8, &c), SSEVAL_OK);
  CHECK_EQ_U64(c, l2 - 8);
  free(b);
  b = (char *)xmalloc(6);
  memcpy(b, s3, 6);
  CHECK_EQ_U64(rfeed(p, &r, b, 6, &c), SSEVAL_OK);
  free(b);
  CHECK(sseval_sse_finish(p, NULL) == SSEVAL_OK);
  sseref_buf_init(&want);
  sseref_buf_str(&want,
                 "event type=\"message\" data=\"xy\" id=\"7\" offset=0 line=1 "
                 "end=14\n"
                 "event type=\"t\" data=\"p\\x0aq\\x0ar\" id=\"7\" offset=14 "
                 "line=4 end=44\n");
  CHECK_STR(r.trace.p, r.trace.len, want.p);
  sseref_buf_free(&want);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

TEST(pause_from_other_callbacks) {
  static const char s[] = ":c\nretry:5\nfoo:bar\ndata:d\n\n";
  int kind;
  for (kind = CB_RETRY; kind <= CB_UNKNOWN; kind++) {
    rec r;
    sseval_sse *p;
    size_t c = 0, pos = 0, len = strlen(s);
    int rounds = 0;
    sseval_status st;
    p = rec_new(&r, 0, 0, NULL);
    if (!p) return;
    r.pause_on = kind;
    do {
      st = rfeed(p, &r, s + pos, len - pos, &c);
      pos += c;
      CHECK_EQ_U64(sseval_sse_offset(p), pos);
      if (st == SSEVAL_PAUSED) {
        /* paused just after the triggering line */
        if (kind == CB_COMMENT) CHECK_EQ_U64(pos, 3);
        if (kind == CB_RETRY) CHECK_EQ_U64(pos, 11);
        if (kind == CB_UNKNOWN) CHECK_EQ_U64(pos, 19);
      }
    } while (st == SSEVAL_PAUSED && ++rounds < 10);
    CHECK_EQ_U64(st, SSEVAL_OK);
    CHECK_EQ_U64(rounds, 1);
    CHECK_EQ_U64(r.events, 1);
    sseval_sse_free(p);
    sseref_buf_free(&r.trace);
  }
}

/* Where a feed stops on an error: at the start of the line that failed
 * (the blank line that dispatched an aborted event, the comment, retry or
 * unknown field whose callback aborted, the data line past
 * max_event_bytes), or, when that line began in an earlier feed (already
 * consumed, held in the line buffer), at the start of the feed that ended
 * it; through *consumed and sseval_sse_offset alike, for every chunk size
 * and for the input cut in two at every point (chunks under 16 bytes take
 * their own scan, which once stopped where the chunk began, whatever line
 * failed). */
TEST(error_offset_any_chunking) {
  static const char s[] = ":c\nretry:5\nfoo:bar\ndata:d\n\ndata:eeeeee\n\n";
  static const struct {
    int abort_on;
    size_t max_event;
    sseval_status st;
    uint64_t at, eol; /* the failed line's start and its line end */
  } want[] = {
      {CB_EVENT, 0, SSEVAL_E_CALLBACK, 26, 26}, /* the blank line after data:d */
      {CB_COMMENT, 0, SSEVAL_E_CALLBACK, 0, 2},
      {CB_RETRY, 0, SSEVAL_E_CALLBACK, 3, 10},
      {CB_UNKNOWN, 0, SSEVAL_E_CALLBACK, 11, 18},
      {0, 3, SSEVAL_E_LIMIT, 27, 38}, /* data:eeeeee: 6 bytes of data over 3 */
  };
  size_t k, plan, len = sizeof s - 1;
  for (k = 0; k < sizeof want / sizeof want[0]; k++)
    for (plan = 0; plan < 2 * len; plan++) {
      /* chunks of `chunk` bytes, then two feeds cut at `chunk` */
      const int split = plan >= len;
      const size_t chunk = plan % len + 1;
      rec r;
      sseval_sse *p = rec_new(&r, 0, want[k].max_event, NULL);
      sseval_status st = SSEVAL_OK;
      size_t pos = 0;
      /* the start of the feed that holds the failed line's end */
      uint64_t at = split ? (want[k].eol >= chunk ? chunk : 0)
                          : want[k].eol / chunk * chunk;
      if (at < want[k].at) at = want[k].at;
      if (!p) return;
      r.abort_on = want[k].abort_on;
      while (pos < len && st == SSEVAL_OK) {
        size_t n = split ? (pos < chunk ? chunk - pos : len - pos)
                         : (len - pos < chunk ? len - pos : chunk),
               c = 0;
        st = rfeed(p, &r, s + pos, n, &c);
        pos += c;
      }
      if (st != want[k].st || pos != at || sseval_sse_offset(p) != at)
        fprintf(stderr, "case %zu, %s %zu: status %d, stopped at %zu\n", k,
                split ? "cut at" : "chunks of", chunk, (int)st, pos);
      CHECK_EQ_U64(st, want[k].st);
      CHECK_EQ_U64(pos, at);
      CHECK_EQ_U64(sseval_sse_offset(p), at);
      sseval_sse_free(p);
      sseref_buf_free(&r.trace);
    }
}

TEST(abort_is_sticky) {
  static const char s[] = ":c\nretry:5\nfoo:bar\ndata:d\n\ndata:e\n\n";
  int kind;
  for (kind = CB_EVENT; kind <= CB_UNKNOWN; kind++) {
    rec r;
    sseval_sse *p;
    size_t c = 0;
    sseval_sse_tail tail;
    p = rec_new(&r, 0, 0, NULL);
    if (!p) return;
    r.abort_on = kind;
    CHECK_EQ_U64(feed_str(p, &r, s), SSEVAL_E_CALLBACK);
    CHECK_EQ_U64(sseval_sse_error(p)->status, SSEVAL_E_CALLBACK);
    CHECK(sseval_sse_error(p)->message != NULL);
    CHECK_EQ_U64(r.events, kind == CB_EVENT ? 1 : 0);
    CHECK_EQ_U64(rfeed(p, &r, "data:x\n\n", 8, &c), SSEVAL_E_CALLBACK);
    CHECK_EQ_U64(r.events, kind == CB_EVENT ? 1 : 0);
    CHECK_EQ_U64(sseval_sse_finish(p, &tail), SSEVAL_E_CALLBACK);
    CHECK_EQ_U64(sseval_sse_feed(p, "x", 1, NULL), SSEVAL_E_CALLBACK);
    /* reset clears it */
    sseval_sse_reset(p);
    r.abort_on = 0;
    CHECK_EQ_U64(sseval_sse_error(p)->status, SSEVAL_OK);
    CHECK_EQ_U64(feed_str(p, &r, "data:z\n\n"), SSEVAL_OK);
    CHECK_EQ_U64(r.events, kind == CB_EVENT ? 2 : 1);
    sseval_sse_free(p);
    sseref_buf_free(&r.trace);
  }
}

static const char reuse_stream[] =
    "\xEF\xBB\xBF:hello\nretry: 1\nretry:250\nid:1\nevent:a\ndata:first line "
    "of a longer event\ndata:second\n\nid:2\n\ndata:third\r\n\r\nevent:b\rdata:"
    "x\r\rdata:unterminated";

TEST(reset_reuse_without_allocating) {
  counting cnt;
  sseval_allocator a = counting_allocator(&cnt);
  rec r;
  sseval_sse *p;
  sseval_sse_tail t1, t2;
  sseref_buf first;
  uint64_t calls;
  size_t len = strlen(reuse_stream);
  uint64_t ms = 0;
  sseval_sse_stats st;
  p = rec_new(&r, 0, 0, &a);
  if (!p) return;
  CHECK_EQ_U64(feed_chunked(p, &r, reuse_stream, len, 1), SSEVAL_OK);
  CHECK_EQ_U64(sseval_sse_finish(p, &t1), SSEVAL_OK);
  sseref_buf_init(&first);
  sseref_buf_str(&first, r.trace.p);
  CHECK(sseval_sse_retry(p, &ms) == 1);
  CHECK_EQ_U64(ms, 250);
  CHECK_STR(sseval_sse_last_event_id(p).ptr, sseval_sse_last_event_id(p).len,
            "2");

  sseval_sse_reset(p);
  calls = cnt.calls;
  ms = 12345;
  CHECK(sseval_sse_retry(p, &ms) == 0);
  CHECK_EQ_U64(ms, 12345);
  CHECK_EQ_U64(sseval_sse_last_event_id(p).len, 0);
  CHECK_EQ_U64(sseval_sse_offset(p), 0);
  CHECK_EQ_U64(sseval_sse_error(p)->status, SSEVAL_OK);
  sseval_sse_get_stats(p, &st);
  CHECK_EQ_U64(st.bytes, 0);
  CHECK_EQ_U64(st.lines, 0);
  CHECK_EQ_U64(st.events, 0);
  CHECK_EQ_U64(st.comments, 0);
  CHECK_EQ_U64(st.bytes_copied, 0);
  sseref_buf_clear(&r.trace);
  sseref_buf_add(&r.trace, "", 0);
  CHECK_EQ_U64(feed_chunked(p, &r, reuse_stream, len, 1), SSEVAL_OK);
  CHECK_EQ_U64(sseval_sse_finish(p, &t2), SSEVAL_OK);
  CHECK_STR(r.trace.p, r.trace.len, first.p);
  CHECK_EQ_U64(cnt.calls, calls); /* no allocation on the second stream */
  CHECK_EQ_U64(t1.discarded, t2.discarded);
  CHECK_EQ_U64(t1.partial_line_bytes, t2.partial_line_bytes);
  CHECK_EQ_U64(t1.offset, t2.offset);
  CHECK_EQ_U64(t1.line, t2.line);
  sseval_sse_free(p);
  CHECK_EQ_U64(cnt.live, 0);
  CHECK(!cnt.size_mismatch);
  sseref_buf_free(&first);
  sseref_buf_free(&r.trace);
}

/* Reset forgets a half-read line, a pending CR, a pending event and the
 * BOM state. */
TEST(reset_clears_partial_state) {
  rec r;
  sseval_sse *p;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  /* a CR at the end: after reset, the next LF is a line of its own */
  CHECK_EQ_U64(feed_str(p, &r, "id:9\ndata:a\r"), SSEVAL_OK);
  sseval_sse_reset(p);
  CHECK_EQ_U64(feed_str(p, &r, "\ndata:b\n\n"), SSEVAL_OK);
  CHECK_STR(r.trace.p, r.trace.len,
            "event type=\"message\" data=\"b\" id=\"\" offset=1 line=2 "
            "end=9\n");
  /* a BOM is dropped again at the start of the new stream */
  sseval_sse_reset(p);
  sseref_buf_clear(&r.trace);
  sseref_buf_add(&r.trace, "", 0);
  CHECK_EQ_U64(feed_str(p, &r, "\xEF\xBB\xBF" "data:c\n\n"), SSEVAL_OK);
  CHECK_STR(r.trace.p, r.trace.len,
            "event type=\"message\" data=\"c\" id=\"\" offset=3 line=1 "
            "end=11\n");
  /* a half line and a pending event are forgotten */
  sseval_sse_reset(p);
  sseref_buf_clear(&r.trace);
  sseref_buf_add(&r.trace, "", 0);
  CHECK_EQ_U64(feed_str(p, &r, "event:e\ndata:x\nda"), SSEVAL_OK);
  sseval_sse_reset(p);
  CHECK_EQ_U64(feed_str(p, &r, "ta:y\n\n"), SSEVAL_OK);
  CHECK_STR(r.trace.p, r.trace.len,
            "unknown name=\"ta\" value=\"y\" offset=0\n");
  /* after finish and after a limit error, reset makes it usable again */
  sseval_sse_finish(p, NULL);
  CHECK_EQ_U64(feed_str(p, &r, "data:z\n\n"), SSEVAL_E_MISUSE);
  sseval_sse_reset(p);
  sseref_buf_clear(&r.trace);
  sseref_buf_add(&r.trace, "", 0);
  CHECK_EQ_U64(feed_str(p, &r, "data:z\n\n"), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 3);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

TEST(finish_reports_tail) {
  static const struct {
    const char *s;
    int discarded;
    uint64_t fields, partial, offset, line, events;
  } v[] = {
      {"", 0, 0, 0, 0, 0, 0},
      {"data:a\n\n", 0, 0, 0, 0, 0, 1},
      {"data:a\n", 1, 1, 0, 0, 1, 0},
      {"data:a\n\nid:1\nevent:x\ndata:b", 1, 2, 6, 8, 3, 1},
      {"data:a\n\n:comment\n", 0, 0, 0, 0, 0, 1},
      {"data:a\n\n:comment", 1, 0, 8, 8, 3, 1},
      {"retry:5", 1, 0, 7, 0, 1, 0},
      {"data:a\r", 1, 1, 0, 0, 1, 0},
      {"data:a\r\n", 1, 1, 0, 0, 1, 0},
      {":c\r\nid:1\r\n:c\r\nda", 1, 1, 2, 4, 2, 0},
      {"x\n\n\n\r\r\n", 0, 0, 0, 0, 0, 0},
  };
  size_t i;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    size_t step;
    for (step = 1; step <= 3; step++) {
      rec r;
      sseval_sse *p;
      sseval_sse_tail t;
      p = rec_new(&r, 0, 0, NULL);
      if (!p) return;
      feed_chunked(p, &r, v[i].s, strlen(v[i].s), step == 3 ? 1000 : step);
      memset(&t, 0x5A, sizeof t);
      CHECK_EQ_U64(sseval_sse_finish(p, &t), SSEVAL_OK);
      if (t.discarded != v[i].discarded ||
          t.pending_fields != v[i].fields ||
          t.partial_line_bytes != v[i].partial ||
          (v[i].discarded && (t.offset != v[i].offset || t.line != v[i].line))) {
        test_failed_checks_++;
        fprintf(stderr,
                "finish_reports_tail %zu (step %zu): got discarded=%d "
                "fields=%" PRIu64 " partial=%" PRIu64 " offset=%" PRIu64
                " line=%" PRIu64 "\n",
                i, step, t.discarded, t.pending_fields, t.partial_line_bytes,
                t.offset, t.line);
      }
      CHECK_EQ_U64(r.events, v[i].events);
      /* feed after finish is misuse until reset */
      CHECK_EQ_U64(sseval_sse_feed(p, "data:q\n\n", 8, NULL), SSEVAL_E_MISUSE);
      CHECK_EQ_U64(sseval_sse_feed(p, "", 0, NULL), SSEVAL_E_MISUSE);
      CHECK_EQ_U64(r.events, v[i].events);
      sseval_sse_free(p);
      sseref_buf_free(&r.trace);
    }
  }
}

TEST(new_and_misuse) {
  sseval_sse *p = NULL;
  sseval_sse_callbacks cbs;
  sseval_sse_options o;
  sseval_allocator a;
  counting cnt;
  size_t c = 5;

  sseval_sse_options_init(&o);
  CHECK_EQ_U64(o.struct_size, sizeof o);
  CHECK_EQ_U64(o.max_line_bytes, SSEVAL_SSE_DEFAULT_MAX_LINE);
  CHECK_EQ_U64(o.max_event_bytes, SSEVAL_SSE_DEFAULT_MAX_EVENT);
  CHECK(o.allocator == NULL);
  memset(&cbs, 0x7F, sizeof cbs);
  sseval_sse_callbacks_init(&cbs);
  CHECK_EQ_U64(cbs.struct_size, sizeof cbs);
  CHECK(cbs.on_event == NULL && cbs.on_retry == NULL &&
        cbs.on_comment == NULL && cbs.on_unknown_field == NULL);

  CHECK_EQ_U64(sseval_sse_new(NULL, NULL, NULL, NULL), SSEVAL_E_MISUSE);
  o.struct_size = 1;
  CHECK_EQ_U64(sseval_sse_new(&p, NULL, NULL, &o), SSEVAL_E_STRUCT_SIZE);
  sseval_sse_options_init(&o);
  cbs.struct_size = 1;
  CHECK_EQ_U64(sseval_sse_new(&p, &cbs, NULL, &o), SSEVAL_E_STRUCT_SIZE);
  sseval_sse_callbacks_init(&cbs);
  a = counting_allocator(&cnt);
  a.free = NULL;
  o.allocator = &a;
  CHECK_EQ_U64(sseval_sse_new(&p, &cbs, NULL, &o), SSEVAL_E_MISUSE);
  a = counting_allocator(&cnt);
  a.malloc = NULL;
  CHECK_EQ_U64(sseval_sse_new(&p, &cbs, NULL, &o), SSEVAL_E_MISUSE);
  CHECK_EQ_U64(cnt.live, 0);

  /* no callbacks at all, NULL options */
  p = NULL;
  CHECK_EQ_U64(sseval_sse_new(&p, NULL, NULL, NULL), SSEVAL_OK);
  CHECK(p != NULL);
  if (!p) return;
  CHECK_EQ_U64(sseval_sse_error(p)->status, SSEVAL_OK);
  CHECK(sseval_sse_error(p)->message != NULL);
  CHECK_EQ_U64(sseval_sse_feed(p, "data:x\n\nretry:5\n:c\nq:1\n", 23, &c),
               SSEVAL_OK);
  CHECK_EQ_U64(c, 23);
  c = 5;
  CHECK_EQ_U64(sseval_sse_feed(p, "", 0, &c), SSEVAL_OK);
  CHECK_EQ_U64(c, 0);
  CHECK_EQ_U64(sseval_sse_feed(p, NULL, 0, NULL), SSEVAL_OK);
  CHECK_EQ_U64(sseval_sse_feed(p, "data:y\n\n", 8, NULL), SSEVAL_OK);
  CHECK_EQ_U64(sseval_sse_offset(p), 31);
  CHECK_EQ_U64(sseval_sse_finish(p, NULL), SSEVAL_OK);
  CHECK_EQ_U64(sseval_sse_feed(p, "x", 1, &c), SSEVAL_E_MISUSE);
  sseval_sse_free(p);
  sseval_sse_free(NULL);
}

TEST(retry_and_last_event_id_getters) {
  rec r;
  sseval_sse *p;
  uint64_t ms = 77;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  CHECK(sseval_sse_retry(p, &ms) == 0);
  CHECK_EQ_U64(ms, 77);
  CHECK_EQ_U64(sseval_sse_last_event_id(p).len, 0);
  CHECK_EQ_U64(feed_str(p, &r, "retry:+5\nretry:  10\nretry:1_000\n"),
               SSEVAL_OK);
  CHECK(sseval_sse_retry(p, &ms) == 0);
  CHECK_EQ_U64(feed_str(p, &r, "retry:0030\nid:abc\n"), SSEVAL_OK);
  CHECK(sseval_sse_retry(p, &ms) == 1);
  CHECK_EQ_U64(ms, 30);
  CHECK_STR(sseval_sse_last_event_id(p).ptr, sseval_sse_last_event_id(p).len,
            "abc");
  CHECK_EQ_U64(feed_str(p, &r, "retry:99999999999999999999\n"), SSEVAL_OK);
  CHECK(sseval_sse_retry(p, &ms) == 1);
  CHECK_EQ_U64(ms, 30);
  CHECK_STR(sseval_sse_last_event_id(p).ptr, sseval_sse_last_event_id(p).len,
            "abc");
  {
    size_t c;
    CHECK_EQ_U64(rfeed(p, &r, "id:a\0b\n", 7, &c), SSEVAL_OK);
  }
  CHECK_STR(sseval_sse_last_event_id(p).ptr, sseval_sse_last_event_id(p).len,
            "abc");
  /* a partial retry line is never processed (R4) */
  CHECK_EQ_U64(feed_str(p, &r, "id\nretry:40"), SSEVAL_OK);
  CHECK_EQ_U64(sseval_sse_last_event_id(p).len, 0);
  CHECK_EQ_U64(sseval_sse_finish(p, NULL), SSEVAL_OK);
  CHECK(sseval_sse_retry(p, &ms) == 1);
  CHECK_EQ_U64(ms, 30);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

TEST(event_flags_and_data_lines) {
  rec r;
  sseval_sse *p;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  CHECK_EQ_U64(feed_str(p, &r, "data:a\n\n"), SSEVAL_OK);
  CHECK(!(r.last_flags & SSEVAL_SSE_TYPE_SET));
  CHECK_EQ_U64(r.last_data_lines, 1);
  CHECK_EQ_U64(feed_str(p, &r, "event:message\ndata:a\n\n"), SSEVAL_OK);
  CHECK(r.last_flags & SSEVAL_SSE_TYPE_SET);
  CHECK_EQ_U64(feed_str(p, &r, "event:x\nevent:\ndata:a\ndata\ndata:\n\n"),
               SSEVAL_OK);
  CHECK(!(r.last_flags & SSEVAL_SSE_TYPE_SET));
  CHECK(!(r.last_flags & SSEVAL_SSE_DATA_ZERO_COPY));
  CHECK_EQ_U64(r.last_data_lines, 3);
  CHECK_EQ_U64(r.events, 3);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

/* ---- limits --------------------------------------------------------------------- */

static char *repeat_char(char c, size_t n, const char *prefix,
                         const char *suffix) {
  size_t lp = strlen(prefix), ls = strlen(suffix);
  char *s = (char *)xmalloc(lp + n + ls + 1);
  memcpy(s, prefix, lp);
  memset(s + lp, c, n);
  memcpy(s + lp + n, suffix, ls);
  s[lp + n + ls] = 0;
  return s;
}

/* Feed with several chunkings; every one must give `want_status` at
 * `want_offset` (when an error) and `want_events` events. */
static void limit_run(const char *s, size_t len, size_t max_line,
                      size_t max_event, sseval_status want_status,
                      uint64_t want_offset, uint64_t want_line,
                      uint64_t want_events, const char *label) {
  static const size_t steps[] = {(size_t)-1, 65536, 4096, 7, 0};
  size_t k;
  for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
    rec r;
    sseval_sse *p;
    sseval_status st;
    size_t step = steps[k];
    p = rec_new(&r, max_line, max_event, NULL);
    if (!p) return;
    if (step == 0) {
      /* random chunking */
      size_t pos = 0;
      rng_state = 4242 + len;
      st = SSEVAL_OK;
      while (pos < len && st == SSEVAL_OK) {
        size_t m = 1 + rng_below(9000);
        if (m > len - pos) m = len - pos;
        st = feed_chunked(p, &r, s + pos, m, m);
        pos += m;
      }
    } else {
      st = feed_chunked(p, &r, s, len, step);
    }
    if (st != want_status || r.events != want_events ||
        (st != SSEVAL_OK && (sseval_sse_error(p)->offset != want_offset ||
                             sseval_sse_error(p)->line != want_line))) {
      test_failed_checks_++;
      fprintf(stderr,
              "[%s] %s, chunks of %zu: got %s offset=%" PRIu64 " line=%" PRIu64
              " events=%" PRIu64 "; expected %s offset=%" PRIu64
              " line=%" PRIu64 " events=%" PRIu64 "\n",
              test_current_, label, step, sseval_status_name(st),
              sseval_sse_error(p)->offset, sseval_sse_error(p)->line,
              r.events, sseval_status_name(want_status), want_offset,
              want_line, want_events);
    }
    sseval_sse_free(p);
    sseref_buf_free(&r.trace);
  }
}

TEST(limits_default_line) {
  const size_t M = SSEVAL_SSE_DEFAULT_MAX_LINE;
  /* "data:" + payload: exactly 1 MiB of line is accepted */
  char *s = repeat_char('a', M - 5, "data:", "\n\n");
  limit_run(s, M + 2, 0, 0, SSEVAL_OK, 0, 0, 1, "line of exactly max");
  free(s);
  /* one more byte fails at the first byte beyond the limit */
  s = repeat_char('a', M - 4, "data:", "\n\n");
  limit_run(s, M + 3, 0, 0, SSEVAL_E_LIMIT, M, 1, 0, "line of max+1");
  free(s);
  /* CRLF terminator does not count */
  s = repeat_char('a', M - 5, "data:", "\r\n\r\n");
  limit_run(s, M + 4, 0, 0, SSEVAL_OK, 0, 0, 1, "max line with CRLF");
  free(s);
  /* a comment line is a line too */
  s = repeat_char('c', M, ":", "\ndata:x\n\n");
  limit_run(s, M + 10, 0, 0, SSEVAL_E_LIMIT, M, 1, 0, "long comment");
  free(s);
  /* the limit is on the line, not the stream: an earlier event dispatches */
  s = repeat_char('b', M + 10, "data:x\n\nid:1\ndata:", "\n\n");
  limit_run(s, strlen(s), 0, 0, SSEVAL_E_LIMIT, 13 + M, 4, 1,
            "long line after an event");
  free(s);
}

TEST(limits_default_event) {
  const size_t M = SSEVAL_SSE_DEFAULT_MAX_EVENT;
  /* 1024 data lines of 1023 bytes: joined 1024*1023 + 1023 LFs = 1 MiB - 1 */
  size_t i, n = 1024, L = 1023, pos = 0, len;
  char *s = (char *)xmalloc(n * (L + 6) + 64);
  for (i = 0; i < n; i++) {
    memcpy(s + pos, "data:", 5);
    memset(s + pos + 5, 'a' + (int)(i % 26), L);
    s[pos + 5 + L] = '\n';
    pos += L + 6;
  }
  memcpy(s + pos, "\n", 1);
  len = pos + 1;
  limit_run(s, len, 0, 0, SSEVAL_OK, 0, 0, 1, "event of max-1");
  /* an empty data line adds its LF: max-1 + 1 = exactly max: accepted */
  memcpy(s + pos, "data\n\n", 6);
  len = pos + 6;
  limit_run(s, len, 0, 0, SSEVAL_OK, 0, 0, 1, "event of exactly max");
  /* "data:z" adds LF + 1 = max + 1: fails at that data line */
  memcpy(s + pos, "data:z\n\n", 8);
  len = pos + 8;
  limit_run(s, len, 0, 0, SSEVAL_E_LIMIT, pos, n + 1, 0, "event of max+1");
  /* exactly max, then one more empty data line: fails at the second */
  memcpy(s + pos, "data:\ndata\n\n", 13);
  len = pos + 13;
  limit_run(s, len, 0, 0, SSEVAL_E_LIMIT, pos + 6, n + 2, 0,
            "empty data line past max");
  (void)M;
  free(s);
}

TEST(limits_large_event_grows_to_bound) {
  /* the peers' "token too long": a 3 MiB line with a 4 MiB bound works */
  size_t n = 3u << 20;
  char *s = repeat_char('q', n, "event:big\ndata:", "\n\n");
  limit_run(s, strlen(s), 4u << 20, 4u << 20, SSEVAL_OK, 0, 0, 1,
            "3 MiB line, 4 MiB limits");
  free(s);
  /* and a 200 KiB data line with the defaults */
  s = repeat_char('r', 200u << 10, "data:", "\n\n");
  limit_run(s, strlen(s), 0, 0, SSEVAL_OK, 0, 0, 1, "200 KiB line");
  free(s);
}

TEST(limits_small_every_chunking) {
  /* max_line 8: "data:abc" (8) ok; "data:abcd" (9) fails at offset 8 of
   * its line */
  static const char s[] = "data:abc\n\nid:xyz\ndata:abcd\n\n";
  size_t len = strlen(s), a;
  for (a = 0; a <= len; a++) {
    rec r;
    sseval_sse *p;
    sseval_status st;
    p = rec_new(&r, 8, 0, NULL);
    if (!p) return;
    st = feed_chunked(p, &r, s, a, a ? a : 1);
    if (st == SSEVAL_OK) st = feed_chunked(p, &r, s + a, len - a, 1);
    CHECK_EQ_U64(st, SSEVAL_E_LIMIT);
    CHECK_EQ_U64(sseval_sse_error(p)->offset, 17 + 8);
    CHECK_EQ_U64(sseval_sse_error(p)->line, 4);
    CHECK_EQ_U64(r.events, 1);
    CHECK_EQ_U64(sseval_sse_finish(p, NULL), SSEVAL_E_LIMIT);
    sseval_sse_free(p);
    sseref_buf_free(&r.trace);
  }
}

TEST(limits_at_size_max) {
  static const char s[] = "data:abc\ndata:def\n\n:comment\nid:1\n\n"
                          "data:ghi\n\n";
  rec r;
  sseval_sse *p;
  p = rec_new(&r, (size_t)-1, (size_t)-1, NULL);
  if (!p) return;
  CHECK_EQ_U64(feed_chunked(p, &r, s, sizeof s - 1, 3), SSEVAL_OK);
  CHECK_EQ_U64(feed_str(p, &r, s), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 4);
  CHECK_EQ_U64(sseval_sse_finish(p, NULL), SSEVAL_OK);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

/* A 1 GiB stream without a newline, fed in 64 KiB chunks from one generated
 * repeating chunk: stops with E_LIMIT at the line limit, memory bounded. */
TEST(no_newline_stream_is_bounded) {
  static const char *const prefixes[] = {"", "data:", ":", "\xEF\xBB\xBFx"};
  size_t v;
  for (v = 0; v < sizeof prefixes / sizeof prefixes[0]; v++) {
    const size_t CH = 64u << 10;
    char *chunk = repeat_char('z', CH, "", "");
    size_t i, maxmem = 0, lp = strlen(prefixes[v]);
    sseval_status st = SSEVAL_OK;
    uint64_t fed = 0;
    rec r;
    sseval_sse *p;
    p = rec_new(&r, 0, 0, NULL);
    if (!p) {
      free(chunk);
      return;
    }
    memcpy(chunk, prefixes[v], lp);
    for (i = 0; i < 16384 && st == SSEVAL_OK; i++) { /* 16384 * 64 KiB */
      size_t c = 0, m;
      st = rfeed(p, &r, chunk, CH, &c);
      fed += CH;
      m = sseval_sse_memory(p);
      if (m > maxmem) maxmem = m;
      if (i == 0) memset(chunk, 'z', lp);
    }
    CHECK_EQ_U64(st, SSEVAL_E_LIMIT);
    CHECK(fed <= (2u << 20));
    /* the line starts after a BOM, at 0 otherwise */
    CHECK_EQ_U64(sseval_sse_error(p)->offset,
                 (v == 3 ? 3 : 0) + SSEVAL_SSE_DEFAULT_MAX_LINE);
    CHECK(maxmem < (3u << 20));
    CHECK_EQ_U64(r.events, 0);
    sseval_sse_free(p);
    sseref_buf_free(&r.trace);
    free(chunk);
  }
}

TEST(many_data_lines_without_blank_line_are_bounded) {
  /* "data:....\n" forever: the event limit stops it, memory bounded */
  const size_t CH = 64u << 10;
  char *chunk = (char *)xmalloc(CH);
  size_t i, maxmem = 0;
  sseval_status st = SSEVAL_OK;
  rec r;
  sseval_sse *p;
  for (i = 0; i < CH; i += 64) {
    memcpy(chunk + i, "data:", 5);
    memset(chunk + i + 5, 'd', 58);
    chunk[i + 63] = '\n';
  }
  p = rec_new(&r, 0, 0, NULL);
  if (!p) {
    free(chunk);
    return;
  }
  for (i = 0; i < 16384 && st == SSEVAL_OK; i++) {
    size_t c;
    st = rfeed(p, &r, chunk, CH, &c);
    if (sseval_sse_memory(p) > maxmem) maxmem = sseval_sse_memory(p);
  }
  CHECK_EQ_U64(st, SSEVAL_E_LIMIT);
  /* each line adds 58 + 1 bytes (first: 58). Line k (0-based) brings the
   * joined size to 59k + 58; the first k with 59k + 58 > 2^20 is 17772 */
  CHECK_EQ_U64(sseval_sse_error(p)->offset, (uint64_t)17772 * 64);
  CHECK_EQ_U64(sseval_sse_error(p)->line, 17773);
  CHECK(maxmem < (4u << 20));
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
  free(chunk);
}

/* ---- zero copy, stats, allocation ---------------------------------------------------- */

TEST(zero_copy_whole_chunk) {
  static const char s[] =
      "event:content_block_delta\ndata:{\"type\":\"x\"}\n\n:ping\n"
      "data:second\n\nevent:e\r\ndata:third\r\n\r\n";
  rec r;
  sseval_sse *p;
  sseval_sse_stats st;
  char *b = (char *)xmalloc(sizeof s - 1);
  memcpy(b, s, sizeof s - 1);
  p = rec_new(&r, 0, 0, NULL);
  if (!p) {
    free(b);
    return;
  }
  CHECK_EQ_U64(rfeed(p, &r, b, sizeof s - 1, NULL), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 3);
  CHECK_EQ_U64(r.zero_copy_events, 3);
  CHECK(r.zero_copy_inside);
  sseval_sse_get_stats(p, &st);
  CHECK_EQ_U64(st.bytes_copied, 0);
  CHECK_EQ_U64(st.bytes_zero_copy, 12 + 6 + 5);
  CHECK_EQ_U64(st.bytes, sizeof s - 1);
  CHECK_EQ_U64(st.events, 3);
  CHECK_EQ_U64(st.comments, 1);
  CHECK_EQ_U64(st.lines, 9);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
  free(b);
}

TEST(zero_copy_many_events_no_copies) {
  /* 2000 Claude-shaped events fed whole: nothing copied */
  sseref_buf s;
  int i;
  rec r;
  sseval_sse *p;
  sseval_sse_stats st;
  sseref_buf_init(&s);
  for (i = 0; i < 2000; i++) {
    char line[160];
    snprintf(line, sizeof line,
             "event: content_block_delta\ndata: {\"type\":\"content_block_"
             "delta\",\"index\":0,\"delta\":{\"text\":\"%d\"}}\n\n",
             i);
    sseref_buf_str(&s, line);
  }
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  CHECK_EQ_U64(rfeed(p, &r, s.p, s.len, NULL), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 2000);
  CHECK_EQ_U64(r.zero_copy_events, 2000);
  CHECK(r.zero_copy_inside);
  sseval_sse_get_stats(p, &st);
  CHECK_EQ_U64(st.bytes_copied, 0);
  CHECK_EQ_U64(st.events, 2000);
  CHECK_EQ_U64(st.lines, 6000);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
  sseref_buf_free(&s);
}

TEST(one_byte_chunks_copy) {
  static const char s[] = "event:t\ndata:hello\n\n";
  rec r;
  sseval_sse *p;
  sseval_sse_stats st;
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  CHECK_EQ_U64(feed_chunked(p, &r, s, sizeof s - 1, 1), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 1);
  CHECK_EQ_U64(r.zero_copy_events, 0);
  sseval_sse_get_stats(p, &st);
  CHECK(st.bytes_copied >= 5);
  CHECK_EQ_U64(st.bytes_zero_copy, 0);
  /* an event split over two chunks: no ZERO_COPY flag either */
  CHECK_EQ_U64(feed_chunked(p, &r, s, sizeof s - 1, 12), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 2);
  CHECK_EQ_U64(r.zero_copy_events, 0);
  /* multi-line data is joined in an owned buffer */
  CHECK_EQ_U64(feed_str(p, &r, "data:a\ndata:b\n\n"), SSEVAL_OK);
  CHECK_EQ_U64(r.events, 3);
  CHECK_EQ_U64(r.zero_copy_events, 0);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
  /* `data: ` lines of one chunk too (joined at dispatch): the joined
   * bytes are counted as copied, none as zero-copy */
  p = rec_new(&r, 0, 0, NULL);
  if (!p) return;
  CHECK_EQ_U64(feed_str(p, &r, "event: t\ndata: ab\ndata: c\ndata: \n\n"),
               SSEVAL_OK);
  CHECK_EQ_U64(r.events, 1);
  CHECK_EQ_U64(r.zero_copy_events, 0);
  sseval_sse_get_stats(p, &st);
  CHECK_EQ_U64(st.bytes_copied, 5); /* "ab\nc\n" */
  CHECK_EQ_U64(st.bytes_zero_copy, 0);
  sseval_sse_free(p);
  sseref_buf_free(&r.trace);
}

TEST(stats_counters) {
  static const char s[] = "data:a\n\n:c\ndata:bb\n\nretry:3\r\n:d\rdat";
  rec r;
  sseval_sse *p;
  sseval_sse_stats st;
  counting cnt;
  sseval_allocator a = counting_allocator(&cnt);
  p = rec_new(&r, 0, 0, &a);
  if (!p) return;
  CHECK_EQ_U64(rfeed(p, &r, s, sizeof s - 1, NULL), SSEVAL_OK);
  sseval_sse_get_stats(p, &st);
  CHECK_EQ_U64(st.bytes, sizeof s - 1);
  CHECK_EQ_U64(st.lines, 7);
  CHECK_EQ_U64(st.events, 2);
  CHECK_EQ_U64(st.comments, 2);
  CHECK_EQ_U64(st.bytes_zero_copy, 3);
  CHECK_EQ_U64(st.allocations, cnt.calls);
  CHECK(sseval_sse_memory(p) > 0);
  sseval_sse_free(p);
  CHECK_EQ_U64(cnt.live, 0);
  CHECK(!cnt.size_mismatch);
  sseref_buf_free(&r.trace);
}

TEST(steady_state_allocates_nothing) {
  /* events of every shape the tokenizer copies for: multi-line data, ids,
   * types, lines straddling chunks, CRLF split between chunks */
  sseref_buf one;
  counting cnt;
  sseval_allocator a = counting_allocator(&cnt);
  rec r;
  sseval_sse *p;
  int i;
  uint64_t calls_after_warmup = 0;
  sseval_sse_stats st;
  sseref_buf_init(&one);
  sseref_buf_str(&one,
                 "event:content_block_delta\r\nid:evt-000123\r\ndata:{\"a\":1,"
                 "\"b\":\"0123456789012345678901234567890123456789\"}\r\n"
                 "data:second line\r\n:keepalive\r\n\r\nretry:1000\n"
                 "data:plain\n\n");
  p = rec_new(&r, 0, 0, &a);
  if (!p) return;
  for (i = 0; i < 3000; i++) {
    size_t step = 1 + (size_t)(i % 13);
    CHECK(feed_chunked(p, &r, one.p, one.len, step) == SSEVAL_OK);
    if (i == 50) calls_after_warmup = cnt.calls;
  }
  CHECK_EQ_U64(r.events, 6000);
  CHECK_EQ_U64(cnt.calls, calls_after_warmup);
  sseval_sse_get_stats(p, &st);
  CHECK_EQ_U64(st.allocations, cnt.calls);
  sseval_sse_free(p);
  CHECK_EQ_U64(cnt.live, 0);
  CHECK(!cnt.size_mismatch);
  sseref_buf_free(&one);
  sseref_buf_free(&r.trace);
}

TEST(idle_instance_memory) {
  sseval_sse *p = NULL;
  size_t m;
  CHECK_EQ_U64(sseval_sse_new(&p, NULL, NULL, NULL), SSEVAL_OK);
  if (!p) return;
  m = sseval_sse_memory(p);
  CHECK(m > 0);
  /* docs/performance.md goal: <= 256 B per idle tokenizer (informational) */
  if (m > 256)
    fprintf(stderr, "note: idle tokenizer holds %zu bytes (goal <= 256)\n", m);
  sseval_sse_free(p);
}

/* The trace of a stream is the same fed whole as through whole_trace: a
 * sanity check of the helpers themselves. */
TEST(helpers_agree_with_reference) {
  sseref_buf a, b;
  sseref_opts o = {0, 0};
  sseref_buf_init(&a);
  sseref_buf_init(&b);
  sseref_buf_add(&a, "", 0);
  sseref_buf_add(&b, "", 0);
  whole_trace(reuse_stream, strlen(reuse_stream), &a);
  sseref_run(reuse_stream, strlen(reuse_stream), &o, &b);
  CHECK_STR(a.p, a.len, b.p);
  CHECK(mem_has(b.p, b.len, "retry ms=250", 12));
  sseref_buf_free(&a);
  sseref_buf_free(&b);
}

int main(int argc, char **argv) {
  size_t i;
  casefile_dir(case_dir, sizeof case_dir, argc, argv, "sse_cases");
  RUN(golden_cases_load);
  RUN(golden_cases_vs_reference);
  RUN(golden_cases_all_chunkings);
  RUN(generated_vs_reference);
  RUN(generated_vs_reference_long);
  RUN(generated_vs_reference_small_limits);
  RUN(utf8_next_invalid_examples);
  RUN(utf8_replacement_counts);
  RUN(utf8_next_invalid_vs_reference);
  RUN(pause_from_on_event);
  RUN(pause_then_resume_from_moved_rest);
  RUN(pause_from_other_callbacks);
  RUN(abort_is_sticky);
  RUN(error_offset_any_chunking);
  RUN(reset_reuse_without_allocating);
  RUN(reset_clears_partial_state);
  RUN(finish_reports_tail);
  RUN(new_and_misuse);
  RUN(retry_and_last_event_id_getters);
  RUN(event_flags_and_data_lines);
  RUN(limits_default_line);
  RUN(limits_default_event);
  RUN(limits_large_event_grows_to_bound);
  RUN(limits_small_every_chunking);
  RUN(limits_at_size_max);
  RUN(no_newline_stream_is_bounded);
  RUN(many_data_lines_without_blank_line_are_bounded);
  RUN(zero_copy_whole_chunk);
  RUN(zero_copy_many_events_no_copies);
  RUN(one_byte_chunks_copy);
  RUN(stats_counters);
  RUN(steady_state_allocates_nothing);
  RUN(idle_instance_memory);
  RUN(helpers_agree_with_reference);
  printf("%zu golden cases from %s\n", ncases, case_dir);
  for (i = 0; i < ncases; i++) {
    sseref_buf_free(&cases[i].input);
    sseref_buf_free(&cases[i].expect);
  }
  free(cases);
  return test_summary();
}
