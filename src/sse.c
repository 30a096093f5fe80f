/* SPDX-License-Identifier: MIT */
/*
 * src/sse.c - layer 1: the event-stream tokenizer (see include/sseval/sse.h).
 *
 * Data flow inside one feed call:
 *
 *   chunk --(line scan)--> complete lines --(field rules)--> event state
 *                                                     --(blank line)--> on_event
 *
 * Lines wholly inside the chunk are processed in place: field values are
 * spans into the chunk, so an event whose lines all sit in the chunk is
 * dispatched without a copy. A line cut by the end of the chunk is copied
 * into `line` and completed by the next feed. When a feed call returns with
 * an event half built, any of its values that still point into the chunk are
 * copied into owned buffers ("externalised"), because the chunk is the
 * caller's and may be gone by the next call.
 *
 * Line scan (eol_scan below): with SSE2 (every x86-64) the chunk is read in
 * batches of eight 64-byte blocks, each block turned once into a 64-bit
 * mask of its CR and LF positions (AVX2 where the CPU has it) and the
 * masks into a list of line-end offsets, taken in order. Without SSE2
 * (or with SSEVAL_SSE_NO_SIMD) the next CR of the chunk is found once with
 * memchr and cached, and each line end is a memchr for LF bounded by it.
 *
 * sseval_sse_feed is small: a tiny chunk inside a line (no line end in it,
 * room in `line`, as `tiny_lim` says) is appended at once; anything else
 * goes to feed_chunk, which runs the steps in order: the BOM (feed_bom); the
 * LF of a CRLF split across chunks; the line left from the previous chunk
 * (finish_pending_line); then the lines in the chunk (scan_lines), where
 * `data: ` and `event: ` lines take a hot path in line and the rest go
 * through cold_line. R10 and R11 are written once (first_data, event_type),
 * for that hot path and process_line alike.
 */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "internal.h"
#include "sseval/sse.h"

#if defined(__SSE2__) && !defined(SSEVAL_SSE_NO_SIMD)
#include <emmintrin.h>
#endif

enum { MODE_NONE = 0, MODE_SPAN, MODE_OWNED };

/* The callbacks, without the table's struct_size. */
typedef struct sse_cbs {
  int (*on_event)(void *user, const sseval_sse_event *ev);
  int (*on_retry)(void *user, uint64_t ms, uint64_t offset);
  int (*on_comment)(void *user, sseval_span text, uint64_t offset);
  int (*on_unknown_field)(void *user, sseval_span name, sseval_span value,
                          uint64_t offset);
} sse_cbs;

/* The counters of sseval_sse_stats the instance keeps: `lines` follows
 * from line_no and `allocations` from mem.calls. */
typedef struct sse_counts {
  uint64_t bytes, events, comments, bytes_copied, bytes_zero_copy;
} sse_counts;

/* Values of the event being built that point into the chunk of the
 * current feed call (MODE_SPAN): they live on feed_chunk's stack (passed
 * down as `cv`), since they are externalised before it returns. */
typedef struct chunk_vals {
  sseval_span data, type;
} chunk_vals;

/* An owned buffer; 32-bit sizes (the limits are clamped to match). */
typedef struct tbuf {
  char *ptr;
  uint32_t len, cap;
} tbuf;

/* The instance: 248 bytes with the default allocator (sseval_sse_memory of
 * an idle one), 32 more with a caller's (its copy follows the instance).
 * Wide fields first, then the 32-bit ones, then the flags, so that there
 * is no padding. */
struct sseval_sse {
  sse_cbs cb;
  void *user;
  const sseval_allocator *al; /* &sseval__default_allocator, or the copy
                                 after the instance (sse_with_allocator) */
  uint64_t line_no;    /* 1-based number of the line being read */
  uint64_t line_start; /* absolute offset of that line's first byte */
  tbuf line;           /* the current line when it straddles chunks */

  /* the event being built */
  uint64_t pending_fields; /* field lines since the last blank line */
  uint64_t ev_offset, ev_line;
  /* One owned buffer for the last event ID (R12; persists across events),
   * the type (MODE_OWNED) and the data (MODE_OWNED), in that order:
   * [0, id_len) the ID, [id_len, id_len + type_len) the type, the rest the
   * data. A type no longer in force may stay in its place until replaced
   * (the data starts after it all the same). */
  tbuf ev;
  uint64_t retry;

  sseval_error err;
  sse_counts st;

  uint32_t id_len, type_len;
  uint32_t data_lines;
  uint32_t max_line; /* the limits, clamped to 32 bits */
  uint32_t max_event;
  uint32_t calls; /* allocator calls (malloc + realloc) since new or reset */
  /* The tiny-chunk path of sseval_sse_feed appends chunks without a line
   * end to `line` while line.len stays <= tiny_lim; 0 when it must not run
   * (inside a feed call, after an error, with a BOM or CRLF pending, after
   * finish). It updates line.len only: feed_chunk subtracted line.len
   * from the byte counters when it enabled the path, and sync_tiny adds
   * line.len back. */
  uint32_t tiny_lim;

  unsigned char data_mode;   /* MODE_* */
  unsigned char type_mode;   /* MODE_*; NONE = default "message" */
  unsigned char after_cr;    /* previous chunk ended with a CR line end */
  unsigned char bom;         /* R2: BOM bytes matched at stream start (0-2);
                                3 once decided */
  unsigned char ended;       /* finish was called */
  unsigned char paused;      /* a callback asked to pause (this feed call) */
  unsigned char in_cb;       /* a user callback is running */
  unsigned char reentered;   /* it called feed, finish or reset */
  unsigned char line_failed; /* the line `line_no` was counted, then failed */
  unsigned char has_retry;   /* a valid retry field was seen */
};

/* ---- small helpers --------------------------------------------------------- */

/* Record the sticky error (the first one wins) with its kind. */
static sseval_status fail_kind(sseval_sse *p, sseval_status s,
                               sseval_sse_error_kind kind, const char *msg,
                               uint64_t offset, uint64_t line) {
  if (p->err.status == SSEVAL_OK) {
    p->err.status = s;
    p->err.message = msg;
    p->err.offset = offset;
    p->err.line = line;
    p->err.kind = (unsigned)kind;
  }
  return p->err.status;
}

static sseval_status fail(sseval_sse *p, sseval_status s, const char *msg,
                          uint64_t offset, uint64_t line) {
  return fail_kind(p, s, SSEVAL_SSE_ERR_NONE, msg, offset, line);
}

/* ---- memory ------------------------------------------------------------------ */

/* An instance with a caller's allocator keeps its copy right after it. */
typedef struct sse_with_allocator {
  struct sseval_sse s;
  sseval_allocator a;
} sse_with_allocator;

static size_t instance_size(const sseval_sse *p) {
  return p->al == &sseval__default_allocator ? sizeof(sseval_sse)
                                     : sizeof(sse_with_allocator);
}

/* Make room for `extra` more bytes in b: 128 bytes first, then doubling,
 * as sseval__buf_reserve does, within 32 bits. Returns 0 on allocation
 * failure (b unchanged). */
static int reserve(sseval_sse *p, tbuf *b, size_t extra) {
  const size_t need = (size_t)b->len + extra;
  uint64_t cap;
  char *q;
  if (need <= b->cap) return 1;
  if (need < extra || (uint64_t)need > UINT32_MAX) return 0;
  cap = b->cap ? b->cap : 128;
  while (cap < need) cap *= 2;
  if (cap > UINT32_MAX) cap = UINT32_MAX;
  p->calls++;
  q = b->ptr ? (char *)p->al->realloc(p->al->ctx, b->ptr, b->cap, (size_t)cap)
             : (char *)p->al->malloc(p->al->ctx, (size_t)cap);
  if (!q) return 0;
  b->ptr = q;
  b->cap = (uint32_t)cap;
  return 1;
}

static void buf_free(sseval_sse *p, tbuf *b) {
  if (b->ptr) p->al->free(p->al->ctx, b->ptr, b->cap);
  b->ptr = NULL;
  b->len = b->cap = 0;
}

/* Append n bytes to b. Returns 0 on allocation failure. */
static int copy_in(sseval_sse *p, tbuf *b, const char *src, size_t n) {
  if (n > (size_t)(b->cap - b->len) && !reserve(p, b, n)) return 0;
  if (n) memcpy(b->ptr + b->len, src, n);
  b->len += (uint32_t)n;
  p->st.bytes_copied += n;
  return 1;
}

/* Replace the old_n bytes at `at` of the event buffer with src[0, n) (what
 * follows moves). Room is made first: on failure nothing changed. */
static int splice(sseval_sse *p, uint32_t at, uint32_t old_n, const char *src,
                  size_t n) {
  tbuf *const b = &p->ev;
  if (n > old_n && !reserve(p, b, n - old_n)) return 0;
  if (n != old_n)
    memmove(b->ptr + at + n, b->ptr + at + old_n, b->len - at - old_n);
  if (n) memcpy(b->ptr + at, src, n);
  b->len = (uint32_t)(b->len - old_n + n);
  p->st.bytes_copied += n;
  return 1;
}

/* Start the owned data: empty, after the ID and the type. */
static void data_restart(sseval_sse *p) { p->ev.len = p->id_len + p->type_len; }

/* R10 with an owned copy of the type. */
static int set_owned_type(sseval_sse *p, const char *val, size_t n) {
  if (!splice(p, p->id_len, p->type_len, val, n)) return 0;
  p->type_len = (uint32_t)n;
  p->type_mode = MODE_OWNED;
  return 1;
}

/* Every user callback runs as cb_result(p, USER_CB(p, call), ...): in_cb is
 * set while it runs, so that feed, finish and reset can refuse to run
 * inside it (they would rebuild the event being dispatched). */
#define USER_CB(p, call) ((p)->in_cb = 1, (call))

/* Handle a callback's return value. Returns 0 to go on, -1 on abort. */
static int cb_result(sseval_sse *p, int rc, uint64_t off, uint64_t line) {
  p->in_cb = 0;
  if (p->reentered) {
    p->reentered = 0;
    fail_kind(p, SSEVAL_E_MISUSE, SSEVAL_SSE_ERR_REENTERED,
              "feed, finish or reset called from inside a callback", off,
              line);
    return -1;
  }
  if (rc == SSEVAL_CB_OK) return 0;
  if (rc == SSEVAL_CB_PAUSE) {
    p->paused = 1;
    return 0;
  }
  fail(p, SSEVAL_E_CALLBACK, "a callback aborted parsing", off, line);
  return -1;
}

/* data_lines, data.len and type.len are meaningful only in the modes that
 * set them first, so clearing the modes is enough. */
static void clear_event(sseval_sse *p) {
  p->data_mode = MODE_NONE;
  p->type_mode = MODE_NONE;
  p->pending_fields = 0;
}

/* Copy values that point into the caller's chunk into owned buffers. */
static int externalise(sseval_sse *p, const chunk_vals *cv) {
  if (p->data_mode == MODE_SPAN) {
    data_restart(p);
    if (!copy_in(p, &p->ev, cv->data.ptr, cv->data.len)) return 0;
    p->data_mode = MODE_OWNED;
  }
  if (p->type_mode == MODE_SPAN &&
      !set_owned_type(p, cv->type.ptr, cv->type.len))
    return 0;
  return 1;
}

/* ---- the field rules (R5-R14) --------------------------------------------------- */

/* Where the owned buffer's bytes from `at` on start: NULL while nothing was
 * ever stored (an empty ID, type or data never allocates), never NULL + at
 * (undefined even for 0; found by fuzz_sse_reference on "data\r\r"). */
static const char *ev_at(const sseval_sse *p, uint32_t at) {
  return p->ev.ptr ? p->ev.ptr + at : NULL;
}

/* R14: the blank line at absolute offset line_off (p->line_no is its
 * number) dispatches the event being built. */
static int dispatch(sseval_sse *p, const chunk_vals *cv, uint64_t line_off) {
  sseval_sse_event ev;
  const unsigned data_mode = p->data_mode, type_mode = p->type_mode;
  int rc;
  clear_event(p);
  if (data_mode == MODE_NONE) return 0; /* R14b: nothing to dispatch */
  p->st.events++;
  if (data_mode == MODE_SPAN) {
    ev.data = cv->data;
    ev.flags = SSEVAL_SSE_DATA_ZERO_COPY;
    p->st.bytes_zero_copy += cv->data.len;
  } else {
    const uint32_t at = p->id_len + p->type_len;
    ev.data.ptr = ev_at(p, at);
    ev.data.len = p->ev.len - at;
    ev.flags = 0;
  }
  if (!p->cb.on_event) return 0;
  if (type_mode == MODE_SPAN) {
    ev.type = cv->type;
    ev.flags |= SSEVAL_SSE_TYPE_SET;
  } else if (type_mode == MODE_OWNED) {
    ev.type.ptr = ev_at(p, p->id_len);
    ev.type.len = p->type_len;
    ev.flags |= SSEVAL_SSE_TYPE_SET;
  } else {
    ev.type.ptr = "message";
    ev.type.len = 7;
  }
  ev.id.ptr = p->ev.ptr;
  ev.id.len = p->id_len;
  ev.offset = p->ev_offset;
  ev.line = p->ev_line;
  ev.end_offset = line_off + 1; /* past the blank line's CR or LF */
  ev.data_lines = p->data_lines;
  rc = USER_CB(p, p->cb.on_event(p->user, &ev));
  return cb_result(p, rc, line_off, p->line_no);
}

static int is_digits(const char *s, size_t n, uint64_t *out) {
  uint64_t v = 0;
  size_t i;
  if (n == 0) return 0;
  for (i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d > 9) return 0;
    if (v > (UINT64_MAX - d) / 10) return 0; /* too large: ignored */
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

/* R10 and R11 are written once, here: the tokenizer's hot path (in
 * sseval_sse_feed) and process_line both call these. A value is kept as a
 * span when `in_chunk` (it points into the caller's chunk, valid until the
 * feed call returns) and copied otherwise. They return 0 on allocation
 * failure. */

/* A field line of the event being built: the first one gives its offset. */
static inline void field_line(sseval_sse *p, uint64_t off) {
  if (p->pending_fields++ == 0) {
    p->ev_offset = off;
    p->ev_line = p->line_no;
  }
}

/* R11: the event's first data line (the caller checked max_event_bytes). */
static inline int first_data(sseval_sse *p, chunk_vals *cv, const char *val,
                             size_t n, int in_chunk) {
  p->data_lines = 1;
  if (in_chunk) {
    cv->data.ptr = val;
    cv->data.len = n;
    p->data_mode = MODE_SPAN;
    return 1;
  }
  data_restart(p);
  if (!copy_in(p, &p->ev, val, n)) return 0;
  p->data_mode = MODE_OWNED;
  return 1;
}

/* R10: the event type; an empty value restores the default. */
static inline int event_type(sseval_sse *p, chunk_vals *cv, const char *val,
                             size_t n, int in_chunk) {
  if (n == 0) {
    p->type_mode = MODE_NONE;
  } else if (in_chunk) {
    cv->type.ptr = val;
    cv->type.len = n;
    p->type_mode = MODE_SPAN;
  } else if (!set_owned_type(p, val, n)) {
    return 0;
  }
  return 1;
}

/* One complete line (terminator excluded). `in_chunk` says whether `s`
 * points into the caller's chunk (may be kept as a span until the feed call
 * returns) or into the line buffer (must be copied). Returns 0 or -1 (error
 * already recorded). */
static int process_line(sseval_sse *p, chunk_vals *cv, const char *s, size_t n,
                        int in_chunk, uint64_t off) {
  const char *name, *val;
  size_t name_len, val_len;
  const char *colon;

  if (n == 0) return dispatch(p, cv, off); /* R5 */
  if (s[0] == ':') {                   /* R6 */
    p->st.comments++;
    if (p->cb.on_comment) {
      sseval_span t;
      t.ptr = s + 1;
      t.len = n - 1;
      return cb_result(p, USER_CB(p, p->cb.on_comment(p->user, t, off)), off,
                       p->line_no);
    }
    return 0;
  }
  /* R7 / R8: split name and value; "data:" and "event:" (nearly every
   * line of a real stream) without a memchr call */
  if (n >= 5 && memcmp(s, "data:", 5) == 0)
    colon = s + 4;
  else if (n >= 6 && memcmp(s, "event:", 6) == 0)
    colon = s + 5;
  else
    colon = (const char *)memchr(s, ':', n);
  name = s;
  if (colon) {
    name_len = (size_t)(colon - s);
    val = colon + 1;
    val_len = n - name_len - 1;
    if (val_len && val[0] == ' ') {
      val++;
      val_len--;
    }
  } else {
    name_len = n;
    val = s + n;
    val_len = 0;
  }
  field_line(p, off);
  /* R9: exact byte comparison of the name */
  if (name_len == 4 && memcmp(name, "data", 4) == 0) { /* R11 */
    if (p->data_mode == MODE_NONE) {
      if (val_len > p->max_event) goto too_big;
      if (!first_data(p, cv, val, val_len, in_chunk)) goto nomem;
    } else {
      size_t cur = p->data_mode == MODE_SPAN
                       ? cv->data.len
                       : (size_t)(p->ev.len - p->id_len - p->type_len);
      if (val_len + 1 > p->max_event - cur) goto too_big;
      if (!externalise(p, cv)) goto nomem;
      if (!copy_in(p, &p->ev, "\n", 1) || !copy_in(p, &p->ev, val, val_len))
        goto nomem;
      p->data_lines++;
    }
    return 0;
  }
  if (name_len == 5 && memcmp(name, "event", 5) == 0) { /* R10 */
    if (!event_type(p, cv, val, val_len, in_chunk)) goto nomem;
    return 0;
  }
  if (name_len == 2 && memcmp(name, "id", 2) == 0) { /* R12 */
    if (val_len && memchr(val, 0, val_len)) return 0;
    /* splice makes room first: a failed allocation keeps the previous ID */
    if (!splice(p, 0, p->id_len, val, val_len)) goto nomem;
    p->id_len = (uint32_t)val_len;
    return 0;
  }
  if (name_len == 5 && memcmp(name, "retry", 5) == 0) { /* R13 */
    uint64_t ms;
    if (!is_digits(val, val_len, &ms)) return 0;
    p->retry = ms;
    p->has_retry = 1;
    if (p->cb.on_retry)
      return cb_result(p, USER_CB(p, p->cb.on_retry(p->user, ms, off)), off,
                       p->line_no);
    return 0;
  }
  if (p->cb.on_unknown_field) {
    sseval_span nm, vl;
    nm.ptr = name;
    nm.len = name_len;
    vl.ptr = val;
    vl.len = val_len;
    return cb_result(p, USER_CB(p, p->cb.on_unknown_field(p->user, nm, vl, off)),
                     off, p->line_no);
  }
  return 0;
too_big:
  fail_kind(p, SSEVAL_E_LIMIT, SSEVAL_SSE_ERR_EVENT_TOO_LARGE,
            "event data exceeds max_event_bytes", off, p->line_no);
  return -1;
nomem:
  fail(p, SSEVAL_E_NOMEM, "out of memory", off, p->line_no);
  return -1;
}

/* ---- feed ------------------------------------------------------------------------- */

static sseval_status line_too_long(sseval_sse *p) {
  return fail_kind(p, SSEVAL_E_LIMIT, SSEVAL_SSE_ERR_LINE_TOO_LONG,
                   "line exceeds max_line_bytes", p->line_start + p->max_line,
                   p->line_no);
}

/* After a complete line: advance to the next one. */
static void next_line(sseval_sse *p, uint64_t start) {
  p->line_no++;
  p->line_start = start;
}

/* Finding line ends.
 *
 * With SSE2 (every x86-64) the chunk is read in 64-byte blocks, each turned
 * into a 64-bit mask of its CR and LF positions once, eight blocks (512
 * bytes) per call; the masks' set bits are written out as a list of
 * offsets, so a line end costs a load and an increment instead of a call.
 * AVX2 (one table compare per 32 bytes) where the CPU has it, checked at
 * run time, else SSE2 (four pairs of 16-byte compares). Elsewhere the
 * next CR of the chunk is found once with memchr and cached, and each line
 * end is a memchr for LF bounded by it (a stream without CR pays one extra
 * memchr pass over the chunk). */
#if defined(__SSE2__) && !defined(SSEVAL_SSE_NO_SIMD)
enum { SCAN_BATCH = 8 }; /* blocks whose line ends one call lists */

/* One call's work (kept apart from eol_scan, whose fields stay in
 * registers once find_eol is inlined): the offsets of the line ends of up
 * to eight blocks from the first block, in order. */
typedef struct eol_batch {
  const char *next; /* the end of the blocks described (at most end) */
  uint16_t pos[64 * SCAN_BATCH];
} eol_batch;

/* Line ends are taken in order from the batch's list: a line costs a load
 * and an increment, and the blocks without a line end cost nothing but
 * their mask. */
typedef struct eol_scan {
  const char *base;     /* the batch's first block */
  const char *end;      /* end of the chunk */
  const uint16_t *pp;   /* the next line end not consumed yet */
  const uint16_t *pend; /* past the batch's last line end */
  eol_batch *bt;
} eol_scan;

static inline uint64_t mask16(const char *b) {
  const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
  return (uint64_t)(unsigned)_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
}

static inline uint64_t mask64(const char *b) {
  return mask16(b) | mask16(b + 16) << 16 | mask16(b + 32) << 32 |
         mask16(b + 48) << 48;
}

/* Append the line ends of mask m (the block at offset at of the batch) to
 * pos[k...]; returns the new count. */
static inline size_t put_ends(uint16_t *pos, size_t k, uint64_t m,
                              unsigned at) {
  while (m) {
    pos[k++] = (uint16_t)(at + sseval__lowest_bit(m));
    m &= m - 1;
  }
  return k;
}

/* The line ends of the n blocks at b into pos (offsets from b); returns
 * how many. */
static size_t ends_sse2(const char *b, size_t n, uint16_t *pos) {
  size_t i, k = 0;
  for (i = 0; i < n; i++) k = put_ends(pos, k, mask64(b + 64 * i), 64u * (unsigned)i);
  return k;
}

#if defined(__x86_64__) && !defined(SSEVAL_NO_AVX2) &&                        \
    (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SSE_AVX2 1
/* One compare per 32 bytes: a byte is a line end when the table, indexed
 * by its low nibble, gives the byte back. The table holds LF at 10 and CR
 * at 13 and 0xFF elsewhere (no byte under 0x80 equals it; bytes from 0x80
 * on look up 0, which they are not). */
__attribute__((target("avx2"))) static size_t ends_avx2(const char *b, size_t n,
                                                        uint16_t *pos) {
  const __m256i tbl = _mm256_setr_epi8(
      -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, '\n', -1, -1, '\r', -1, -1, -1,
      -1, -1, -1, -1, -1, -1, -1, -1, -1, '\n', -1, -1, '\r', -1, -1);
  size_t i, k = 0;
  for (i = 0; i < n; i++, b += 64) {
    const __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)b);
    const __m256i hi =
        _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    const uint64_t ml = (uint32_t)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, lo), lo));
    const uint64_t mh = (uint32_t)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, hi), hi));
    k = put_ends(pos, k, ml | mh << 32, 64u * (unsigned)i);
  }
  return k;
}
#endif

/* The mask of the block at b, shorter than 64 bytes (it ends at end). */
static uint64_t tail_mask(const char *b, const char *end) {
  if (end - b < 16) { /* a few bytes (tiny chunks): test them one by one */
    uint64_t m = 0;
    unsigned i;
    for (i = 0; b + i < end; i++)
      if (b[i] == '\n' || b[i] == '\r') m |= (uint64_t)1 << i;
    return m;
  }
  {
    char tmp[64]; /* a short tail: pad with bytes that are not line ends */
    memset(tmp, 0, sizeof tmp);
    memcpy(tmp, b, (size_t)(end - b));
    return mask64(tmp);
  }
}

/* Make the line-end list of the blocks from blk on (blk < end) into bt;
 * returns how many line ends it holds (maybe none). */
static size_t refill(eol_batch *bt, const char *blk, const char *end) {
  const size_t full = (size_t)(end - blk) >> 6;
  size_t count, k;
  if (full == 0) {
    bt->next = end;
    return put_ends(bt->pos, 0, tail_mask(blk, end), 0);
  }
  count = full < SCAN_BATCH ? full : SCAN_BATCH;
  bt->next = blk + 64 * count;
#ifdef SSE_AVX2
  if (__builtin_cpu_supports("avx2")) {
    k = ends_avx2(blk, count, bt->pos);
#ifndef NDEBUG /* debug builds (the tests): the SSE2 path must agree */
    {
      uint16_t check[64 * SCAN_BATCH];
      assert(ends_sse2(blk, count, check) == k);
      assert(memcmp(check, bt->pos, k * sizeof check[0]) == 0);
    }
#endif
  } else
#endif
    k = ends_sse2(blk, count, bt->pos);
  return k;
}

/* Make the next batch, from blk on (blk < end). */
static inline void next_batch(eol_scan *sc, const char *blk) {
  sc->base = blk;
  sc->pp = sc->bt->pos;
  sc->pend = sc->pp + refill(sc->bt, blk, sc->end);
}

static void scan_init(eol_scan *sc, eol_batch *bt, const char *s,
                      const char *end) {
  sc->end = end;
  sc->bt = bt;
  sc->base = s;
  sc->pp = sc->pend = bt->pos;
  bt->next = s;
}

/* The next line end not consumed yet (the first CR or LF at or after the
 * position the lines were consumed to), or NULL. `s` is that position
 * (used by the portable scanner). */
static inline const char *find_eol(eol_scan *sc, const char *s) {
  (void)s;
  while (sc->pp == sc->pend) {
    if (sc->bt->next == sc->end) return NULL;
    next_batch(sc, sc->bt->next);
  }
  return sc->base + *sc->pp;
}

/* find_eol for the loop of scan_lines: 1 with *eol set, or 0 (none). */
static inline int next_eol(eol_scan *sc, const char *s, const char **eol) {
  (void)s;
  while (sc->pp == sc->pend) {
    if (sc->bt->next == sc->end) return 0;
    next_batch(sc, sc->bt->next);
  }
  *eol = sc->base + *sc->pp;
  return 1;
}

/* The line end find_eol returned is consumed. */
static inline void consume_eol(eol_scan *sc) { sc->pp++; }

/* The LF after the CR just consumed (eol + 1 < end) is consumed too: the
 * next line end of the list, or the first of the next batch's. */
static void consume_lf(eol_scan *sc, const char *eol) {
  (void)eol;
  if (sc->pp == sc->pend) next_batch(sc, sc->bt->next);
  sc->pp++;
}
#else
typedef struct eol_scan {
  const char *blk; /* the cached next CR; NULL = not searched yet */
  const char *end; /* end of the chunk */
} eol_scan;
typedef struct eol_batch {
  char unused;
} eol_batch;

static void scan_init(eol_scan *sc, eol_batch *bt, const char *s,
                      const char *end) {
  sc->end = end;
  sc->blk = NULL; /* the cached next CR; NULL = not searched yet */
  (void)bt;
  (void)s;
}

/* The first CR or LF at or after s, or NULL. */
static inline const char *find_eol(eol_scan *sc, const char *s) {
  const char *lf;
  if (s >= sc->end) return NULL;
  if (!sc->blk || sc->blk < s) {
    sc->blk = (const char *)memchr(s, '\r', (size_t)(sc->end - s));
    if (!sc->blk) sc->blk = sc->end;
  }
  lf = (const char *)memchr(s, '\n', (size_t)(sc->blk - s));
  if (lf) return lf;
  return sc->blk < sc->end ? sc->blk : NULL;
}

static inline int next_eol(eol_scan *sc, const char *s, const char **eol) {
  return (*eol = find_eol(sc, s)) != NULL;
}

/* Line ends are found from the position on: nothing to consume. */
static inline void consume_eol(eol_scan *sc) { (void)sc; }
static void consume_lf(eol_scan *sc, const char *eol) {
  (void)sc;
  (void)eol;
}
#endif

/* Past a line end at eol: a CR swallows a directly following LF (R3); a CR
 * that ends the chunk leaves after_cr set for the next feed. `paused`: a
 * callback paused on this line. */
static const char *skip_eol(sseval_sse *p, const char *eol, const char *end,
                            int paused) {
  const char *next = eol + 1;
  if (*eol == '\r') {
    /* a pause stops right after the CR, so that *consumed is the event's
     * end_offset whatever the chunking; the LF is swallowed on resume */
    if (next < end && !paused) {
      if (*next == '\n') next++;
    } else {
      p->after_cr = 1;
    }
  }
  return next;
}

/* Count the bytes the tiny path appended since feed_chunk last ran, and
 * stop it until feed_chunk enables it again. */
static void sync_tiny(sseval_sse *p) {
  if (p->tiny_lim) {
    p->st.bytes += p->line.len;
    p->st.bytes_copied += p->line.len;
    p->tiny_lim = 0;
  }
}

/* The bytes the tiny path appended and sync_tiny has not counted yet. */
static size_t tiny_pending(const sseval_sse *p) {
  return p->tiny_lim ? p->line.len : 0;
}

/* The steps of feed_chunk. Each takes the position `*sp` in the chunk
 * [b0, end) whose first byte is at absolute offset `base`, moves it past
 * what it consumed, and returns 0 to go on, 1 when the chunk is used up (no
 * error), or -1 on an error (recorded in p->err). */

/* R2: drop one EF BB BF at the very start, byte-wise so that a BOM split
 * across chunks is recognised. */
static int feed_bom(sseval_sse *p, const char **sp, const char *end,
                    const char *b0, uint64_t base) {
  static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
  const char *s = *sp;
  while (s < end && p->bom < 3 && (unsigned char)*s == bom[p->bom]) {
    p->bom++;
    s++;
  }
  *sp = s;
  if (p->bom == 3) {
    p->line_start = base + (uint64_t)(s - b0); /* line 1 starts after it */
    return 0;
  }
  if (s == end) return 1; /* all of this chunk may still be a BOM */
  /* not a BOM: the bytes matched are line content */
  if (p->bom > p->max_line) {
    line_too_long(p);
    return -1;
  }
  if (!copy_in(p, &p->line, (const char *)bom, p->bom)) {
    fail(p, SSEVAL_E_NOMEM, "out of memory", 0, 1);
    return -1;
  }
  p->bom = 3;
  return 0;
}

/* Complete the line left over from the previous chunk. */
/* The first line end in [s, end), or NULL, by the line scan (kept out of
 * its callers, whose frames stay small without the batch). */
static const char *first_eol(const char *s, const char *end) {
  eol_scan sc;
  eol_batch bt;
  scan_init(&sc, &bt, s, end);
  return find_eol(&sc, s);
}

/* The first line end in [s, end) (a few bytes), or NULL. */
static inline const char *small_eol(const char *s, const char *end) {
  for (; s < end; s++)
    if ((unsigned char)*s <= '\r' && (*s == '\n' || *s == '\r')) return s;
  return NULL;
}

static int finish_pending_line(sseval_sse *p, chunk_vals *cv, const char **sp,
                               const char *end, const char *b0, uint64_t base) {
  const char *s = *sp, *eol;
  size_t take, n;
  /* small chunks: look at the bytes directly */
  eol = end - s < 64 ? small_eol(s, end) : first_eol(s, end);
  take = (size_t)((eol ? eol : end) - s);
  if (take > p->max_line - p->line.len) {
    line_too_long(p);
    return -1;
  }
  if (!copy_in(p, &p->line, s, take)) {
    fail(p, SSEVAL_E_NOMEM, "out of memory", p->line_start, p->line_no);
    return -1;
  }
  if (!eol) {
    *sp = end;
    return 1;
  }
  n = p->line.len;
  p->line.len = 0;
  if (process_line(p, cv, p->line.ptr, n, 0, p->line_start) < 0) {
    p->line_failed = 1;
    return -1;
  }
  *sp = s = skip_eol(p, eol, end, p->paused);
  next_line(p, base + (uint64_t)(s - b0));
  return 0;
}

/* A line wholly inside the chunk that the hot paths of scan_lines do not
 * take: a blank line dispatches, anything else goes through process_line.
 * p->line_no and p->line_start describe the line. Returns 0 or -1. */
static int cold_line(sseval_sse *p, chunk_vals *cv, const char *s, size_t n) {
  int r = n == 0 ? dispatch(p, cv, p->line_start)
                 : process_line(p, cv, s, n, 1, p->line_start);
  if (r < 0) p->line_failed = 1;
  return r;
}

/* An event begun in scan_lines and held in locals: while every line of an
 * event is an `event: ` or a `data: ` line inside the chunk (every Claude
 * event), nothing is stored in the instance until the blank line
 * dispatches it straight from here. The event handed to on_event is built
 * as the lines come (`ev`: type and flags, data, offset, line, data_lines),
 * so that the blank line adds only the ID and its own offset. Data lines
 * after the first are kept as spans (up to LOCAL_DATA_LINES lines in all)
 * and joined into the owned data by one copy at dispatch (join_local). Any
 * other line first commits the event to the instance (commit_local), where
 * the per-line rules go on. */
enum { LOCAL_DATA_LINES = 8 };
typedef struct local_ev {
  sseval_sse_event ev; /* data.ptr NULL: no data line yet */
  uint64_t fields;     /* field lines taken; 0: no local event */
  size_t joined;       /* length of the joined data (LFs included), from
                          the second data line on */
  sseval_span more[LOCAL_DATA_LINES - 1]; /* the data lines after the first */
} local_ev;

/* The first field line of a local event, at offset off (number line_no). */
static inline void start_local(local_ev *le, uint64_t off, uint64_t line_no) {
  le->ev.offset = off;
  le->ev.line = line_no;
  le->ev.type.ptr = "message";
  le->ev.type.len = 7;
  le->ev.flags = SSEVAL_SSE_DATA_ZERO_COPY;
  le->ev.data.ptr = NULL;
}

/* R11 for a local event of several data lines: its values joined with LF
 * into the owned data, after the ID and the type (le->ev.data then points
 * there). Returns 0 on allocation failure. */
static int join_local(sseval_sse *p, local_ev *le) {
  const uint32_t k = le->ev.data_lines;
  uint32_t i;
  char *d;
  data_restart(p);
  if (le->joined > (size_t)(p->ev.cap - p->ev.len) &&
      !reserve(p, &p->ev, le->joined))
    return 0;
  d = p->ev.ptr + p->ev.len;
  le->ev.data.ptr = (const char *)memcpy(d, le->ev.data.ptr, le->ev.data.len);
  d += le->ev.data.len;
  for (i = 0; i + 1 < k; i++) { /* each value is a span of the chunk */
    *d++ = '\n';
    memcpy(d, le->more[i].ptr, le->more[i].len);
    d += le->more[i].len;
  }
  le->ev.data.len = le->joined;
  le->ev.flags &= ~(unsigned)SSEVAL_SSE_DATA_ZERO_COPY;
  p->ev.len += (uint32_t)le->joined;
  p->st.bytes_copied += le->joined;
  return 1;
}

/* Hand a local event to the instance, as the per-line rules would have
 * built it (field_line, first_data and the joining of R11, event_type).
 * Returns 0 on allocation failure. */
static int commit_local(sseval_sse *p, chunk_vals *cv, local_ev *le) {
  p->pending_fields = le->fields;
  p->ev_offset = le->ev.offset;
  p->ev_line = le->ev.line;
  le->fields = 0;
  if (le->ev.flags & SSEVAL_SSE_TYPE_SET)
    event_type(p, cv, le->ev.type.ptr, le->ev.type.len, 1);
  if (!le->ev.data.ptr) return 1;
  if (le->ev.data_lines == 1) {
    first_data(p, cv, le->ev.data.ptr, le->ev.data.len, 1);
    return 1;
  }
  if (!join_local(p, le)) return 0;
  p->data_mode = MODE_OWNED;
  p->data_lines = le->ev.data_lines;
  return 1;
}

/* R14 for a local event: the blank line at offset off (number line_no).
 * Returns 0 to go on, 1 when the callback paused, -1 when it aborted (or
 * out of memory). */
static int dispatch_local(sseval_sse *p, local_ev *le, uint64_t off,
                          uint64_t line_no) {
  int rc;
  le->fields = 0;
  if (!le->ev.data.ptr) return 0; /* R14b: nothing to dispatch */
  p->st.events++;
  if (le->ev.data_lines == 1) {
    p->st.bytes_zero_copy += le->ev.data.len;
  } else if (!join_local(p, le)) {
    fail(p, SSEVAL_E_NOMEM, "out of memory", off, line_no);
    return -1;
  }
  if (!p->cb.on_event) return 0;
  le->ev.id.ptr = p->ev.ptr;
  le->ev.id.len = p->id_len;
  le->ev.end_offset = off + 1;
  p->line_no = line_no; /* the stats read it inside the callback */
  rc = USER_CB(p, p->cb.on_event(p->user, &le->ev));
  if (rc == SSEVAL_CB_OK && !p->reentered) {
    p->in_cb = 0;
    return 0;
  }
  return cb_result(p, rc, off, line_no) < 0 ? -1 : 1;
}

/* A line of the chunk at s, n bytes, as the hot paths take it (its
 * absolute offset is at0 + s, computed only where needed). Returns 1 when
 * done (into the local event or the instance), 0 when the line must go to
 * cold_line. */
static inline int hot_line(sseval_sse *p, chunk_vals *cv, local_ev *le,
                           const char *s, size_t n, uint64_t at0,
                           uint64_t line_no) {
  if (n >= 6 && memcmp(s, "data: ", 6) == 0 && n - 6 <= p->max_event) {
    const size_t v = n - 6;
    if (le->fields != 0) {
      if (le->ev.data.ptr) { /* a further data line (R11: joined) */
        const uint32_t k = le->ev.data_lines;
        if (k == LOCAL_DATA_LINES ||
            v + 1 > p->max_event - (k == 1 ? le->ev.data.len : le->joined))
          return 0; /* the rules join it (or refuse it) */
        if (k == 1) le->joined = le->ev.data.len;
        le->more[k - 1].ptr = s + 6;
        le->more[k - 1].len = v;
        le->ev.data_lines = k + 1;
        le->joined += v + 1;
        le->fields++;
        return 1;
      }
    } else if (p->pending_fields == 0) {
      start_local(le, at0 + (uint64_t)(uintptr_t)s, line_no);
    } else { /* the instance's event, begun in an earlier chunk */
      if (p->data_mode != MODE_NONE) return 0;
      p->pending_fields++;
      first_data(p, cv, s + 6, v, 1); /* in the chunk: cannot fail */
      return 1;
    }
    le->fields++;
    le->ev.data.ptr = s + 6;
    le->ev.data.len = v;
    le->ev.data_lines = 1; /* `joined` is set by a second one */
    return 1;
  }
  if (n >= 7 && memcmp(s, "event: ", 7) == 0) { /* a named event's type (R10) */
    if (le->fields != 0 || p->pending_fields == 0) {
      if (le->fields++ == 0)
        start_local(le, at0 + (uint64_t)(uintptr_t)s, line_no);
      if (n > 7) {
        le->ev.type.ptr = s + 7;
        le->ev.type.len = n - 7;
        le->ev.flags = SSEVAL_SSE_DATA_ZERO_COPY | SSEVAL_SSE_TYPE_SET;
      } else { /* empty: the default again */
        le->ev.type.ptr = "message";
        le->ev.type.len = 7;
        le->ev.flags = SSEVAL_SSE_DATA_ZERO_COPY;
      }
      return 1;
    }
    p->pending_fields++;
    event_type(p, cv, s + 7, n - 7, 1);
    return 1;
  }
  return 0;
}

/* The line at *sp where scan_lines stopped: longer than max_line (its end
 * at eol) or cut by the chunk end (eol NULL), when it is copied into `line`
 * for the next feed. p->line_start and p->line_no describe it. */
static inline int stop_line(sseval_sse *p, const char **sp, const char *end,
                     const char *eol) {
  const size_t n = (size_t)((eol ? eol : end) - *sp);
  if (n > p->max_line) {
    line_too_long(p);
    return -1;
  }
  if (!copy_in(p, &p->line, *sp, n)) {
    fail(p, SSEVAL_E_NOMEM, "out of memory", p->line_start, p->line_no);
    return -1;
  }
  *sp = end;
  return 0;
}

/* The lines wholly inside the chunk, processed in place, until the chunk
 * ends (a cut last line is copied into `line`) or a callback pauses. The
 * line number and the line's start live in locals and are stored only
 * where a callee reads them. The chunk's end is found by the line scan
 * (no line end left), not tested per line. */
static int scan_lines(sseval_sse *p, chunk_vals *cv, const char **sp,
                      const char *end, const char *b0, uint64_t base) {
  const char *s = *sp;
  /* the absolute offset of a byte at q is at0 + (uintptr_t)q */
  const uint64_t at0 = base - (uint64_t)(uintptr_t)b0;
  const size_t max_line = p->max_line;
  uint64_t line_no = p->line_no;
  const char *eol = NULL;
  local_ev le;
  eol_scan sc;
  eol_batch bt;
  int r = 0, stopped = 0;
  if (p->paused) return 0; /* the caller checked s < end */
  le.fields = 0;
  scan_init(&sc, &bt, s, end);
  for (;;) {
    const char *next;
    size_t n;
    if (!next_eol(&sc, s, &eol)) { /* cut */
      eol = NULL;
      stopped = 1;
      break;
    }
    n = (size_t)(eol - s);
    if (n > max_line) { /* too long */
      stopped = 1;
      break;
    }
    consume_eol(&sc);
    if (!hot_line(p, cv, &le, s, n, at0, line_no)) {
      const uint64_t off = at0 + (uint64_t)(uintptr_t)s;
      int rl;
      if (n == 0 && le.fields != 0) {
        rl = dispatch_local(p, &le, off, line_no);
      } else {
        p->line_no = line_no;
        p->line_start = off;
        if (le.fields != 0 && !commit_local(p, cv, &le)) {
          fail(p, SSEVAL_E_NOMEM, "out of memory", off, line_no);
          rl = -1;
        } else {
          rl = cold_line(p, cv, s, n);
          if (rl == 0 && p->paused) rl = 1;
        }
      }
      if (rl != 0) {
        if (rl < 0) {
          p->line_failed = 1;
          r = -1;
          break;
        }
        s = skip_eol(p, eol, end, 1); /* paused */
        line_no++;
        break;
      }
    }
    next = eol + 1; /* past the line end (R3) */
    if (*eol == '\r') {
      if (next >= end) {
        p->after_cr = 1; /* the LF may come first in the next chunk */
      } else if (*next == '\n') {
        next++;
        consume_lf(&sc, eol);
      }
    }
    s = next;
    line_no++;
  }
  p->line_no = line_no;
  p->line_start = at0 + (uint64_t)(uintptr_t)s;
  if (le.fields != 0 && !commit_local(p, cv, &le)) {
    fail(p, SSEVAL_E_NOMEM, "out of memory", p->line_start, line_no);
    r = -1;
  } else if (stopped && s != end) {
    r = stop_line(p, &s, end, eol);
  }
  *sp = s;
  return r;
}

/* scan_lines for a chunk of a few bytes (a byte-at-a-time transport's
 * line ends): no batch to set up, every line through cold_line. */
static int scan_small(sseval_sse *p, chunk_vals *cv, const char **sp,
                      const char *end, const char *b0, uint64_t base) {
  const char *s = *sp, *eol;
  int r = 0;
  while (s < end && !p->paused) {
    eol = small_eol(s, end);
    if (!eol || (size_t)(eol - s) > p->max_line) { /* cut, or too long */
      r = stop_line(p, &s, end, eol) < 0 ? -1 : 0;
      break;
    }
    if (cold_line(p, cv, s, (size_t)(eol - s)) < 0) {
      r = -1;
      break;
    }
    s = skip_eol(p, eol, end, p->paused);
    next_line(p, base + (uint64_t)(s - b0));
  }
  *sp = s; /* on an error, the start of the line that failed (as scan_lines) */
  return r;
}

/* sseval_sse_feed past its tiny-chunk path: the steps in order. */
static sseval_status feed_chunk(sseval_sse *p, const void *buf, size_t len,
                                size_t *consumed) {
  static const char nothing[1] = {0};
  /* a NULL buffer is only valid with len 0 (checked below); never do
   * arithmetic on it */
  const char *const b0 = buf ? (const char *)buf : nothing;
  const char *s = b0, *const end = buf ? b0 + len : b0;
  uint64_t base;
  sseval_status rc = SSEVAL_OK;
  chunk_vals vals = {{NULL, 0}, {NULL, 0}};
  int r = 0;

  sync_tiny(p); /* callbacks may run: the tiny path must not */
  base = p->st.bytes;
  if (p->in_cb) { /* called from inside a callback: refused, state kept */
    p->reentered = 1;
    if (consumed) *consumed = 0;
    return SSEVAL_E_MISUSE;
  }
  if (consumed) *consumed = 0;
  if (p->err.status != SSEVAL_OK) return p->err.status;
  if (p->ended)
    return fail(p, SSEVAL_E_MISUSE, "feed after finish", base, p->line_no);
  if (len == 0) return SSEVAL_OK;
  if (!buf) return fail(p, SSEVAL_E_MISUSE, "NULL buffer", base, p->line_no);
  p->paused = 0;

  if (p->bom < 3) r = feed_bom(p, &s, end, b0, base);
  if (r == 0 && p->after_cr) { /* R3: the LF of a CRLF split across chunks */
    p->after_cr = 0;
    if (*s == '\n') s++;
    p->line_start = base + (uint64_t)(s - b0);
  }
  if (r == 0 && p->line.len > 0 && s < end)
    r = finish_pending_line(p, &vals, &s, end, b0, base);
  if (r == 0 && s < end)
    r = end - s < 16 ? scan_small(p, &vals, &s, end, b0, base)
                     : scan_lines(p, &vals, &s, end, b0, base);
  if (r < 0) rc = p->err.status;

  if (rc == SSEVAL_OK &&
      (p->data_mode == MODE_SPAN || p->type_mode == MODE_SPAN) &&
      !externalise(p, &vals))
    rc = fail(p, SSEVAL_E_NOMEM, "out of memory", p->line_start, p->line_no);
  if (consumed) *consumed = (size_t)(s - b0);
  p->st.bytes = base + (uint64_t)(s - b0);
  if (rc == SSEVAL_OK) {
    if (p->paused) rc = SSEVAL_PAUSED;
    if (p->bom == 3 && !p->after_cr) { /* the tiny path may take what follows */
      p->tiny_lim = p->line.cap < p->max_line ? p->line.cap : p->max_line;
      if (p->tiny_lim) { /* sync_tiny adds line.len back */
        p->st.bytes -= p->line.len;
        p->st.bytes_copied -= p->line.len;
      }
    }
  }
  return rc;
}

/* Tiny chunks inside a line (a byte-at-a-time transport) are appended to
 * the pending line here, with no more than one test at entry; everything
 * else, and any chunk holding a line end, goes to feed_chunk. Kept small so
 * that a call costs little more than the copy. */
sseval_status sseval_sse_feed(sseval_sse *p, const void *buf, size_t len,
                              size_t *consumed) {
  const size_t grown = p->line.len + len;
  if (len == 1 && buf) { /* one byte: no loop */
    const unsigned char ch = *(const unsigned char *)buf;
    const uint32_t n = p->line.len;
    if (n < p->tiny_lim && (ch > '\r' || (ch != '\n' && ch != '\r'))) {
      p->line.ptr[n] = (char)ch;
      p->line.len = n + 1; /* <= tiny_lim */
      if (consumed) *consumed = 1;
      return SSEVAL_OK;
    }
    return feed_chunk(p, buf, len, consumed);
  }
  if (len - 1 < 15 && buf && grown <= p->tiny_lim) {
    const char *const b = (const char *)buf;
    char *const dst = p->line.ptr + p->line.len;
    size_t i = 0;
    do {
      const char ch = b[i];
      if ((unsigned char)ch <= '\r' && (ch == '\n' || ch == '\r'))
        return feed_chunk(p, buf, len, consumed);
      dst[i] = ch;
    } while (++i < len);
    p->line.len = (uint32_t)grown; /* <= tiny_lim */
    if (consumed) *consumed = len;
    return SSEVAL_OK;
  }
  return feed_chunk(p, buf, len, consumed);
}

sseval_status sseval_sse_finish(sseval_sse *p, sseval_sse_tail *tail) {
  sseval_sse_tail t;
  memset(&t, 0, sizeof t);
  if (p->in_cb) { /* called from inside a callback: refused, state kept */
    p->reentered = 1;
    if (tail) *tail = t;
    return SSEVAL_E_MISUSE;
  }
  sync_tiny(p); /* no more feeding */
  if (p->pending_fields > 0) {
    t.pending_fields = p->pending_fields;
    t.offset = p->ev_offset;
    t.line = p->ev_line;
  } else {
    t.offset = p->line_start;
    t.line = p->line_no;
  }
  /* bytes held as a possible BOM at the very start are a partial line too */
  t.partial_line_bytes = p->line.len + (p->bom < 3 ? p->bom : 0u);
  t.end_offset = p->st.bytes;
  t.end_line = p->line_no;
  t.discarded = (p->pending_fields > 0 || t.partial_line_bytes > 0) ? 1 : 0;
  if (tail) *tail = t;
  if (p->err.status == SSEVAL_OK && !p->ended && p->bom > 0 && p->bom < 3 &&
      p->bom > p->max_line) {
    /* the stream ended inside what might have been a BOM: those bytes are
     * line content after all, and more than max_line_bytes of it */
    line_too_long(p);
    if (tail) tail->discarded = 0, tail->partial_line_bytes = 0;
  }
  if (p->err.status != SSEVAL_OK) return p->err.status;
  if (p->ended)
    return fail(p, SSEVAL_E_MISUSE, "finish called twice", p->st.bytes,
                p->line_no);
  p->ended = 1;
  p->line.len = 0; /* R15: whatever is pending is discarded */
  clear_event(p);
  return SSEVAL_OK;
}

/* ---- lifecycle and accessors ---------------------------------------------------- */

void sseval_sse_callbacks_init(sseval_sse_callbacks *cbs) {
  if (!cbs) return;
  memset(cbs, 0, sizeof *cbs);
  cbs->struct_size = sizeof *cbs;
}

void sseval_sse_options_init(sseval_sse_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->max_line_bytes = SSEVAL_SSE_DEFAULT_MAX_LINE;
  opts->max_event_bytes = SSEVAL_SSE_DEFAULT_MAX_EVENT;
}

static void init_state(sseval_sse *p) {
  p->line_no = 1;
  p->line_start = 0;
  p->line.len = 0;
  p->after_cr = 0;
  p->bom = 0;
  p->ended = 0;
  p->paused = 0;
  p->in_cb = p->reentered = 0;
  p->line_failed = 0;
  p->tiny_lim = 0;
  clear_event(p);
  p->ev_offset = p->ev_line = 0;
  p->ev.len = p->id_len = p->type_len = 0;
  p->retry = 0;
  p->has_retry = 0;
  memset(&p->err, 0, sizeof p->err);
  p->err.message = "";
  memset(&p->st, 0, sizeof p->st);
}

/* The 0.1.0 layouts (tests/test_abi.c): never change these definitions. */
#define SSE_OPTIONS_V1_SIZE                                                    \
  (offsetof(sseval_sse_options, allocator) + sizeof(void *))
#define SSE_CALLBACKS_V1_SIZE                                                  \
  (offsetof(sseval_sse_callbacks, on_unknown_field) +                          \
   sizeof(((sseval_sse_callbacks *)0)->on_unknown_field))

/* A limit as the instance keeps it (its buffers have 32-bit sizes). */
static uint32_t limit32(size_t v, size_t dflt) {
  if (v == 0) v = dflt;
  return (uint64_t)v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

sseval_status sseval_sse_new(sseval_sse **out, const sseval_sse_callbacks *cbs,
                             void *user, const sseval_sse_options *opts) {
  const sseval_allocator *al = &sseval__default_allocator;
  sseval_sse *p;
  sseval_sse_options o;
  if (!out) return SSEVAL_E_MISUSE;
  *out = NULL;
  /* ABI: sizes down to the first released layout (0.1.0: the end of the
   * last 0.1.0 field) are accepted; fields a smaller struct lacks take their
   * defaults */
  if (cbs && cbs->struct_size < SSE_CALLBACKS_V1_SIZE)
    return SSEVAL_E_STRUCT_SIZE;
  sseval_sse_options_init(&o);
  if (opts) {
    if (opts->struct_size < SSE_OPTIONS_V1_SIZE) return SSEVAL_E_STRUCT_SIZE;
    memcpy(&o, opts, opts->struct_size < sizeof o ? opts->struct_size : sizeof o);
  }
  if (o.allocator) {
    sse_with_allocator *w;
    al = o.allocator;
    if (!al->malloc || !al->realloc || !al->free) return SSEVAL_E_MISUSE;
    w = (sse_with_allocator *)al->malloc(al->ctx, sizeof *w);
    if (!w) return SSEVAL_E_NOMEM;
    memset(w, 0, sizeof *w);
    w->a = *al;
    p = &w->s;
    p->al = &w->a;
  } else {
    p = (sseval_sse *)malloc(sizeof *p);
    if (!p) return SSEVAL_E_NOMEM;
    memset(p, 0, sizeof *p);
    p->al = &sseval__default_allocator;
  }
  p->calls = 1;
  {
    sseval_sse_callbacks c;
    sseval_sse_callbacks_init(&c);
    if (cbs)
      memcpy(&c, cbs, cbs->struct_size < sizeof c ? cbs->struct_size : sizeof c);
    p->cb.on_event = c.on_event;
    p->cb.on_retry = c.on_retry;
    p->cb.on_comment = c.on_comment;
    p->cb.on_unknown_field = c.on_unknown_field;
  }
  p->user = user;
  p->max_line = limit32(o.max_line_bytes, SSEVAL_SSE_DEFAULT_MAX_LINE);
  p->max_event = limit32(o.max_event_bytes, SSEVAL_SSE_DEFAULT_MAX_EVENT);
  init_state(p);
  *out = p;
  return SSEVAL_OK;
}

void sseval_sse_free(sseval_sse *p) {
  sseval_allocator a;
  if (!p) return;
  buf_free(p, &p->line);
  buf_free(p, &p->ev);
  a = *p->al; /* the copy goes with the instance */
  a.free(a.ctx, p, instance_size(p));
}

void sseval_sse_reset(sseval_sse *p) {
  if (!p) return;
  if (p->in_cb) { /* called from inside a callback: refused */
    p->reentered = 1;
    return;
  }
  init_state(p);
  p->calls = 0;
}

const sseval_error *sseval_sse_error(const sseval_sse *p) { return &p->err; }

uint64_t sseval_sse_offset(const sseval_sse *p) {
  return p->st.bytes + tiny_pending(p);
}

sseval_span sseval_sse_last_event_id(const sseval_sse *p) {
  sseval_span s;
  s.ptr = p->ev.ptr;
  s.len = p->id_len;
  return s;
}

int sseval_sse_retry(const sseval_sse *p, uint64_t *ms) {
  if (!p->has_retry) return 0;
  if (ms) *ms = p->retry;
  return 1;
}

void sseval_sse_get_stats(const sseval_sse *p, sseval_sse_stats *out) {
  out->bytes = p->st.bytes + tiny_pending(p);
  out->events = p->st.events;
  out->comments = p->st.comments;
  out->bytes_copied = p->st.bytes_copied + tiny_pending(p);
  out->bytes_zero_copy = p->st.bytes_zero_copy;
  /* every complete line advanced line_no, except one whose processing
   * failed or whose callback is running now (counted already) */
  out->lines = p->line_no - 1 + (p->line_failed | p->in_cb);
  out->allocations = p->calls;
}

size_t sseval_sse_memory(const sseval_sse *p) {
  return instance_size(p) + p->line.cap + p->ev.cap;
}
