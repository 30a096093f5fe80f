/* SPDX-License-Identifier: MIT */
/*
 * src/claude.c - layer 2: the Claude Messages stream state machine.
 *
 * Data flow: bytes -> sseval_sse (layer 1) -> on_sse_event() here ->
 *   1. classify the SSE event name;
 *   2. walk the JSON payload once (src/json.c cursor): read the fields the
 *      schema needs, skip-and-validate the rest;
 *   3. apply the rules of docs/PROTOCOL.md in their evaluation order;
 *   4. deliver callbacks and feed the optional accumulator (src/accum.c).
 * The first problem is recorded in `res` and ends processing (sticky).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "accum.h"
#include "bits.h"
#include "internal.h"
#include "json.h"
#include "sseval/claude.h"
#include "types.h"

/* ---- tables: verdicts, rules, block types, error types ------------------------ */

const char *sseval_verdict_name(sseval_verdict v) {
  switch (v) {
#define SSEVAL_XX_(name, str, code)                                            \
  case SSEVAL_VERDICT_##name:                                                  \
    return str;
    SSEVAL_VERDICT_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  default:
    return "unknown";
  }
}

int sseval_verdict_exit_code(sseval_verdict v) {
  switch (v) {
#define SSEVAL_XX_(name, str, code)                                            \
  case SSEVAL_VERDICT_##name:                                                  \
    return code;
    SSEVAL_VERDICT_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  default:
    return 1;
  }
}

static const struct rule_row {
  const char *id;
  sseval_verdict verdict;
  const char *desc;
} rule_table[] = {
#define SSEVAL_XX_(name, id, verdict, desc) {id, SSEVAL_VERDICT_##verdict, desc},
    SSEVAL_RULE_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
};

const char *sseval_rule_id(sseval_rule r) {
  return (unsigned)r < SSEVAL_RULE_COUNT_ ? rule_table[r].id : "unknown";
}
sseval_verdict sseval_rule_verdict(sseval_rule r) {
  return (unsigned)r < SSEVAL_RULE_COUNT_ ? rule_table[r].verdict
                                          : SSEVAL_VERDICT_PROTOCOL_VIOLATION;
}
const char *sseval_rule_description(sseval_rule r) {
  return (unsigned)r < SSEVAL_RULE_COUNT_ ? rule_table[r].desc : "unknown rule";
}

static int span_is(const char *p, size_t n, const char *lit) {
  size_t l = strlen(lit);
  return n == l && memcmp(p, lit, l) == 0;
}

/* content_block.type -> block type (src/types.h). */
static sseval_block_type block_type_of(const char *p, size_t n) {
  static const char *const tool_results[] = {
#define SSEVAL__X(wire) wire,
      SSEVAL__TOOL_RESULT_NAMES(SSEVAL__X)
#undef SSEVAL__X
  };
  size_t i;
  for (i = 1; i <= (size_t)SSEVAL_BLOCK_FALLBACK; i++)
    if (sseval__block_specs[i].wire_len == n && n != 0 &&
        memcmp(sseval__block_specs[i].wire, p, n) == 0)
      return (sseval_block_type)i;
  for (i = 0; i < sizeof tool_results / sizeof tool_results[0]; i++)
    if (span_is(p, n, tool_results[i])) return SSEVAL_BLOCK_TOOL_RESULT;
  return SSEVAL_BLOCK_UNKNOWN;
}

/* A short escaped name ("t\u0065xt") decoded into buf, so that escapes
 * never change what a name means; long or plain names are returned as is. */
static sseval__jstr plain_name(const sseval__jstr *s, char *buf, size_t cap) {
  sseval__jstr r = *s;
  if (s->has_escapes && sseval__jstr_decoded_len(s) <= cap) {
    sseval__jdec d;
    sseval_span piece;
    size_t n = 0;
    sseval__jdec_init(&d, s);
    while (sseval__jdec_next(&d, &piece)) {
      memcpy(buf + n, piece.ptr, piece.len);
      n += piece.len;
    }
    r.ptr = buf;
    r.len = n;
    r.has_escapes = 0;
  }
  return r;
}

const char *sseval_block_type_name(sseval_block_type t) {
  return sseval__block_spec_of(t)->name;
}

static const struct {
  const char *type;
  int status;
  int retryable;
} error_types[] = {
    {"invalid_request_error", 400, 0}, {"authentication_error", 401, 0},
    {"billing_error", 402, 0},         {"permission_error", 403, 0},
    {"not_found_error", 404, 0},       {"request_too_large", 413, 0},
    {"rate_limit_error", 429, 1},      {"api_error", 500, 1},
    {"timeout_error", 504, 1},         {"overloaded_error", 529, 1},
};

int sseval_error_type_classify(sseval_span type, int *http_status) {
  size_t i;
  for (i = 0; i < sizeof error_types / sizeof error_types[0]; i++) {
    if (span_is(type.ptr, type.len, error_types[i].type)) {
      if (http_status) *http_status = error_types[i].status;
      return error_types[i].retryable;
    }
  }
  if (http_status) *http_status = 0;
  return 0;
}

/* ---- the event walker: one pass over the payload ------------------------------------ */

enum { K_STR, K_STR_OR_NULL, K_UINT, K_RAW };

typedef struct slot {
  unsigned char present, is_null, bad;
  sseval__jstr v; /* string value (K_STR*) or raw bytes (K_UINT, K_RAW) */
  uint64_t u;     /* K_UINT */
} slot;

typedef struct keyspec {
  const char *name;
  unsigned char len, kind;
} keyspec;

/* Read one member value into s according to kind. Returns 0 on a JSON
 * error (recorded in the cursor). A valid value of the wrong kind is
 * skipped and marked bad. */
static int read_value(sseval__jcur *cur, unsigned kind, slot *s) {
  sseval__jkind k = sseval__j_peek(cur);
  s->present = 1;
  if (k == SSEVAL__JK_ERROR) return 0;
  if ((kind == K_STR || kind == K_STR_OR_NULL) && k == SSEVAL__JK_STRING)
    return sseval__j_str(cur, &s->v);
  if (kind == K_STR_OR_NULL && k == SSEVAL__JK_NULL) {
    s->is_null = 1;
    return sseval__j_skip(cur, &s->v);
  }
  if (!sseval__j_skip(cur, &s->v)) return 0;
  if (kind == K_RAW) return 1;
  if (kind == K_UINT && k == SSEVAL__JK_NUMBER) {
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < s->v.len; i++) {
      unsigned d = (unsigned)(unsigned char)s->v.ptr[i] - '0';
      if (d > 9 || v > (UINT64_MAX - d) / 10) {
        s->bad = 1;
        return 1;
      }
      v = v * 10 + d;
    }
    s->u = v;
    return 1;
  }
  s->bad = 1;
  return 1;
}

/* Index of `key` in `keys` (nkeys when absent). Keys without escapes (all
 * real ones) are compared by length first, then with memcmp. */
static size_t key_index(const sseval__jstr *key, const keyspec *keys,
                        size_t nkeys) {
  size_t i;
  if (!key->has_escapes) {
    for (i = 0; i < nkeys; i++)
      if (keys[i].len == key->len && keys[i].name[0] == key->ptr[0] &&
          memcmp(keys[i].name, key->ptr, key->len) == 0)
        return i;
    return nkeys;
  }
  for (i = 0; i < nkeys; i++)
    if (sseval__jstr_eq(key, keys[i].name, keys[i].len)) return i;
  return nkeys;
}

/* Walk the members of the object the cursor has just entered, filling the
 * slots of known keys and skipping the rest. Returns 0 on a JSON error. */
static int walk_members(sseval__jcur *cur, const keyspec *keys, size_t nkeys,
                        slot *slots, uint32_t *unknown) {
  sseval__jstr key;
  int r;
  while ((r = sseval__j_obj_next(cur, &key)) == 1) {
    size_t i = key_index(&key, keys, nkeys);
    if (i < nkeys) {
      if (!read_value(cur, keys[i].kind, &slots[i])) return 0;
    } else {
      (*unknown)++;
      if (!sseval__j_skip(cur, NULL)) return 0;
    }
  }
  return r == 0;
}

/* Top-level keys */
enum { T_TYPE, T_INDEX, T_MESSAGE, T_BLOCK, T_DELTA, T_USAGE, T_ERROR, T_N };
static const keyspec top_keys[T_N] = {
    {"type", 4, K_STR},   {"index", 5, K_UINT}, {"message", 7, K_RAW},
    {"content_block", 13, K_RAW}, {"delta", 5, K_RAW}, {"usage", 5, K_RAW},
    {"error", 5, K_RAW}};
/* Keys of the nested objects (one table for all: each event only looks at
 * the slots that matter to it). The last ones are the delta fields of
 * src/types.h, slot DELTA_SLOT(D_x) for delta kind D_x (a delta without a
 * field has the key "", which no member name matches: key_index compares
 * the first byte, and an escaped name is never empty). */
enum {
  S_TYPE, S_ID, S_NAME, S_MODEL, S_USAGE, S_STOP_REASON, S_STOP_SEQUENCE,
  S_STOP_DETAILS, S_MESSAGE, S_DELTA_FIELDS,
  S_N = S_DELTA_FIELDS + D_COUNT_ - 1
};
#define DELTA_SLOT(dk) (S_DELTA_FIELDS + (dk) - 1)
static const keyspec sub_keys[S_N] = {
    {"type", 4, K_STR},
    {"id", 2, K_STR},
    {"name", 4, K_STR},
    {"model", 5, K_STR},
    {"usage", 5, K_RAW},
    {"stop_reason", 11, K_STR_OR_NULL},
    {"stop_sequence", 13, K_STR_OR_NULL},
    {"stop_details", 12, K_RAW},
    {"message", 7, K_STR},
#define SSEVAL__X(k, wire, field, fk, fam, dl, cb, fast)                       \
  {field, sizeof(field) - 1, fk},
    SSEVAL__DELTA_TYPES(SSEVAL__X)
#undef SSEVAL__X
};

typedef struct parsed {
  slot top[T_N];
  slot sub[S_N]; /* members of message / content_block / delta / error */
  int has_sub;
  int delta_kind;   /* D_* when the fast path already knows it, else -1 */
  uint32_t unknown; /* members of walked objects the schema does not know */
} parsed;

/* Walk a whole payload. Returns 1 when it is one valid JSON object. The
 * single nested object the event kind cares about (`sub_key`, or T_N for
 * none) is descended into; every other value is skipped and validated. */
static int walk_event(sseval__jcur *cur, int sub_key, parsed *ev) {
  sseval__jstr key;
  int r;
  memset(ev, 0, sizeof *ev);
  ev->delta_kind = -1;
  if (!sseval__j_obj_begin(cur)) return 0;
  while ((r = sseval__j_obj_next(cur, &key)) == 1) {
    size_t i = key_index(&key, top_keys, T_N);
    if (i == T_N) {
      ev->unknown++;
      if (!sseval__j_skip(cur, NULL)) return 0;
      continue;
    }
    if ((int)i == sub_key) { /* a repeated key (only where the cursor has no
                                key set: error bodies): the last one wins */
      slot *s = &ev->top[i];
      sseval__jkind k = sseval__j_peek(cur);
      memset(s, 0, sizeof *s);
      memset(ev->sub, 0, sizeof ev->sub);
      ev->has_sub = 0;
      s->present = 1;
      if (k == SSEVAL__JK_ERROR) return 0;
      if (k == SSEVAL__JK_OBJECT) {
        const unsigned char *start = cur->p;
        if (!sseval__j_obj_begin(cur)) return 0;
        if (!walk_members(cur, sub_keys, S_N, ev->sub, &ev->unknown)) return 0;
        s->v.ptr = (const char *)start;
        s->v.len = (size_t)(cur->p - start);
        ev->has_sub = 1;
        continue;
      }
      if (!sseval__j_skip(cur, &s->v)) return 0;
      s->bad = 1;
      continue;
    }
    memset(&ev->top[i], 0, sizeof ev->top[i]);
    if (!read_value(cur, top_keys[i].kind, &ev->top[i])) return 0;
  }
  if (r < 0) return 0;
  return sseval__j_end(cur);
}

/* Fast path for the shape of nearly every event of a real stream:
 *   {"type":"content_block_delta","index":N,"delta":{"type":"T","F":"..."}}
 * followed by optional whitespace (the API pads before the last brace).
 * After each of the two top-level commas any JSON whitespace may stand (a
 * relay that splits the data over several `data:` lines after commas: the
 * tokenizer joins them with LF). Every other byte outside the string is
 * matched literally and the string goes through the strict scanner, so a
 * match is valid JSON with exactly these members; anything else (other
 * order, spacing, fields) returns 0 and takes the general walker. Fills ev
 * exactly as walk_event would. */

/* 1 when p[0, n) is lit[0, n), 8 <= n <= 40 (a constant once inlined, so
 * the tests on n fold away and the literal's words are immediates): 8-byte
 * words, the last one overlapping, no call to memcmp. */
static inline int lit_eq(const char *p, const char *lit, size_t n) {
  uint64_t diff = (sseval__load64le(p) ^ sseval__load64le(lit)) |
                  (sseval__load64le(p + n - 8) ^ sseval__load64le(lit + n - 8));
  if (n > 16) diff |= sseval__load64le(p + 8) ^ sseval__load64le(lit + 8);
  if (n > 24) diff |= sseval__load64le(p + 16) ^ sseval__load64le(lit + 16);
  if (n > 32) diff |= sseval__load64le(p + 24) ^ sseval__load64le(lit + 24);
  return diff == 0;
}

/* the fast rows' tails (fast_delta) are within what lit_eq compares */
#define SSEVAL__X(k, wire, field, fk, fam, dl, cb, fast)                       \
  _Static_assert(!(fast) || (sizeof(wire "\",\"" field "\":") - 1 >= 8 &&     \
                             sizeof(wire "\",\"" field "\":") - 1 <= 40),     \
                 "lit_eq compares 8 to 40 bytes");
SSEVAL__DELTA_TYPES(SSEVAL__X)
#undef SSEVAL__X

static int is_ws(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Skip JSON whitespace byte by byte (the rare, non-space cases). */
static const char *skip_ws_bytes(const char *p, const char *end) {
  while (p < end && is_ws(*p)) p++;
  return p;
}

#define SPACES8 UINT64_C(0x2020202020202020)

/* 1 when [p, end) is JSON whitespace, '}', JSON whitespace: the end of the
 * event object after the delta. The API pads with 0-15 spaces before the
 * brace: two overlapping 8-byte loads ending at the brace (the 8 bytes
 * before p are readable: the head of the shape); other padding takes the
 * byte loop. */
static int object_closes(const char *p, const char *end) {
  size_t n;
  if (end - p >= 1 && end[-1] == '}' && (n = (size_t)(end - 1 - p)) <= 16) {
    uint64_t last = sseval__load64le(end - 9) ^ SPACES8; /* bytes n-8..n-1 */
    if (n == 0) return 1;
    if (n <= 8 ? (last >> (64 - 8 * n)) == 0
               : last == 0 && sseval__load64le(p) == SPACES8)
      return 1;
  }
  p = skip_ws_bytes(p, end);
  if (p == end || *p != '}') return 0;
  return skip_ws_bytes(p + 1, end) == end;
}

static void set_slot(slot *s, const char *ptr, size_t len) {
  s->present = 1;
  s->is_null = 0;
  s->bad = 0;
  s->v.ptr = ptr;
  s->v.len = len;
  s->v.has_escapes = 0;
}

static int fast_delta(uint32_t max_depth, sseval_span data, parsed *ev) {
  static const char head[] = "{\"type\":\"content_block_delta\",";
  static const char index[] = "\"index\":";
  static const char mid[] = "\"delta\":{\"type\":\"";
  const char *p = data.ptr, *end = data.ptr + data.len, *num, *num_end;
  const char *delta_obj;
  uint64_t v = 0;
  size_t tail_len = 0, type_len = 0;
  int dk = D_NONE;
  slot *val;
  /* the shortest match: head, index, N, ',', mid, two letters */
  if (max_depth < 2 || /* the shape nests 2 deep: the walker reports */
      data.len < sizeof head + sizeof index + sizeof mid ||
      !lit_eq(p, head, sizeof head - 1))
    return 0;
  p += sizeof head - 1;
  if (is_ws(*p)) p = skip_ws_bytes(p, end);
  if ((size_t)(end - p) < sizeof index - 1 ||
      !lit_eq(p, index, sizeof index - 1))
    return 0;
  p += sizeof index - 1;
  num = p;
  if (p < end && *p == '0') {
    p++;
  } else {
    while (p < end && *p >= '0' && *p <= '9' && p - num < 18)
      v = v * 10 + (uint64_t)(*p++ - '0');
  }
  num_end = p;
  if (p == num || p == end || *p != ',') return 0;
  p++;
  if (p < end && is_ws(*p)) p = skip_ws_bytes(p, end);
  /* (mid and the two letters of the type fit: the shape is longer) */
  if ((size_t)(end - p) < sizeof mid + 1 || !lit_eq(p, mid, sizeof mid - 1))
    return 0;
  delta_obj = p + 8; /* the '{' after "delta": */
  p += sizeof mid - 1;
  /* the rows of src/types.h marked fast, tried in order: two letters, then
   * one compare of constant size (inlined) from the delta type to the value */
/* string literals pasted: no parentheses possible */
#define TAIL(wire, field) wire "\",\"" field "\":" /* NOLINT(bugprone-macro-parentheses) */
#define FAST_ROW_0(k, wire, field)
#define FAST_ROW_1(k, wire, field)                                             \
  if (p[0] == (wire)[0] && p[1] == (wire)[1] &&                                \
      (size_t)(end - p) > sizeof TAIL(wire, field) - 1 &&                      \
      lit_eq(p, TAIL(wire, field), sizeof TAIL(wire, field) - 1)) {            \
    dk = D_##k;                                                                \
    tail_len = sizeof TAIL(wire, field) - 1;                                   \
    type_len = sizeof(wire) - 1;                                               \
  } else
#define SSEVAL__X(k, wire, field, fk, fam, dl, cb, fast)                       \
  FAST_ROW_##fast(k, wire, field)
  SSEVAL__DELTA_TYPES(SSEVAL__X)
  return 0;
#undef SSEVAL__X
#undef FAST_ROW_0
#undef FAST_ROW_1
#undef TAIL
  /* ev is not cleared: every slot the delta handler reads is set below */
  set_slot(&ev->sub[S_TYPE], p, type_len);
  p += tail_len;
  if (*p != '"') return 0;
  val = &ev->sub[DELTA_SLOT(dk)];
  p = (const char *)sseval__j_str_at((const unsigned char *)data.ptr,
                                     (const unsigned char *)p,
                                     (const unsigned char *)end, &val->v);
  if (!p) return 0; /* the general walker reports */
  val->present = 1;
  val->is_null = 0;
  val->bad = 0;
  if (p == end || *p != '}') return 0;
  p++; /* end of the delta object */
  set_slot(&ev->top[T_DELTA], delta_obj, (size_t)(p - delta_obj));
  if (!object_closes(p, end)) return 0;
  ev->has_sub = 1;
  ev->delta_kind = dk;
  ev->unknown = 0;
  set_slot(&ev->top[T_TYPE], data.ptr + 9, 19);
  set_slot(&ev->top[T_INDEX], num, (size_t)(num_end - num));
  ev->top[T_INDEX].u = v;
  return 1;
}

/* ---- the instance ---------------------------------------------------------------- */

/* One entry of the block table: 16 bytes, not 24 (a server holding many
 * streams pays for the table's 8 slots in each). */
typedef struct block_state {
  uint64_t meta;       /* content bytes so far << 9 (never above the limits,
                          which are at most BLOCK_BYTES_MAX) | BLOCK_STOPPED
                          (0: open) | sseval_block_type */
  sseval__jstream *js; /* tool blocks while open: the input validator */
} block_state;
#define BLOCK_STOPPED UINT64_C(0x100)
#define BLOCK_TYPE(b) ((sseval_block_type)((b)->meta & 0xffu))
#define BLOCK_IS_STOPPED(b) (((b)->meta & BLOCK_STOPPED) != 0)
#define BLOCK_BYTES(b) ((size_t)((b)->meta >> 9))
#define BLOCK_BYTES_MAX ((UINT64_C(1) << 55) - 1u) /* 32 PiB */
_Static_assert(SSEVAL_BLOCK_FALLBACK < 256, "a block type fits a byte");

enum {
  E_UNKNOWN = 0, E_MESSAGE_START, E_BLOCK_START, E_BLOCK_DELTA, E_BLOCK_STOP,
  E_MESSAGE_DELTA, E_MESSAGE_STOP, E_PING, E_ERROR
};

/* What the body is (see "what the body is" below). */
enum {
  SNIFF_BOM = 0, /* at the start: maybe a BOM (sniff_len bytes of it seen) */
  SNIFF_LINE,    /* skipping blank lines */
  SNIFF_NAME,    /* the first line's first bytes (sniff_buf, sniff_len) */
  SNIFF_SSE,     /* an event stream */
  SNIFF_JSON,    /* a JSON body, collected in `body` */
  SNIFF_OTHER    /* not an event stream (verdict given) */
};

/* Buffers that most streams never use. */
typedef struct cold_bufs {
  sseval__buf detail;            /* the detail sentence of a problem */
  sseval__buf err_type, err_msg; /* the error event's strings (owned) */
  sseval__buf scratch2;          /* a second decoded string for callbacks */
  sseval__buf body;              /* SNIFF_JSON: the body, to classify */
} cold_bufs;

struct sseval_claude {
  const sseval_claude_callbacks *cb; /* no_callbacks, or the caller's table
                                        copied after the instance (same
                                        allocation): an idle validator
                                        without hooks holds no table */
  void *user;
  sseval__mem mem;
  unsigned flags;
  uint32_t max_depth, max_blocks, max_unknown;
  size_t max_block_bytes, max_tool_input;
  size_t max_line, max_event; /* the tokenizer's, for the detail sentence */
  sseval_sse *tok;

  /* protocol state */
  unsigned char seen_start, seen_delta, seen_stop, done, finished, pause_req;
  unsigned char external;
  unsigned char busy; /* an event is being processed (callbacks may run) */
  unsigned char last_stop_reason_cut; /* max_tokens / context window */
  unsigned char scanning; /* after a violation: looking for an error event */
  unsigned char in_feed;  /* inside sseval_claude_feed's tokenizer call */
  unsigned char sniff, sniff_len; /* what the body is (SNIFF_*), from its
                                     first bytes (feed only) */
  char sniff_buf[8];              /* the first line's first bytes */
  uint64_t enough_at; /* input bytes after which nothing more could be
                         learned (0: not yet known) */
  sseval_status status;               /* sticky status error */
  block_state *blocks;
  uint32_t nblocks, cap_blocks;
  sseval__jstream *free_js; /* one spare validator, reused across blocks */

  /* the event being processed */
  uint64_t ev_offset, ev_line;

  sseval_claude_result res;
  sseval__buf scratch; /* decoded strings for callbacks */
  struct cold_bufs *cold; /* the rarely used buffers, allocated on first
                             use (an idle instance stays small) */

  sseval__acc *acc;
  struct { /* the counters of sseval_claude_stats this layer keeps (events
              is res.events; the rest come from the allocator and the
              tokenizer) */
    uint64_t pings, unknown_events, unknown_deltas, unknown_blocks;
    uint64_t bytes_copied; /* decoded escapes */
  } st;
  sseval__jkeys keys; /* member names of the payload being walked */
};

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* The cold buffers, allocated on first use; NULL without memory. */
static cold_bufs *cold_of(sseval_claude *c) {
  if (!c->cold) {
    c->cold = (cold_bufs *)sseval__mem_alloc(&c->mem, sizeof *c->cold);
    if (c->cold) memset(c->cold, 0, sizeof *c->cold);
  }
  return c->cold;
}

/* Format the detail sentence into its own buffer, reserved only now so that
 * an idle instance stays small; without memory the rule's description is
 * the detail. */
static void set_detail_v(sseval_claude *c, sseval_rule rule, const char *fmt,
                         va_list ap) {
  enum { DETAIL_MAX = 256 };
  cold_bufs *k = cold_of(c);
  c->res.detail = sseval_rule_description(rule);
  if (!k || (k->detail.cap < DETAIL_MAX &&
             !sseval__buf_reserve(&k->detail, &c->mem, DETAIL_MAX))) {
    if (c->status == SSEVAL_OK) c->status = SSEVAL_E_NOMEM; /* verdict kept */
    return;
  }
  vsnprintf(k->detail.ptr, k->detail.cap, fmt, ap);
  c->res.detail = k->detail.ptr;
}

static PRINTF_LIKE(3, 4) void set_detail(sseval_claude *c, sseval_rule rule,
                                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_detail_v(c, rule, fmt, ap);
  va_end(ap);
}

/* Record the first problem, at byte `off` / line `line`. Always returns 0
 * so callers can `return problem_at(...)`. */
static int problem_v(sseval_claude *c, sseval_rule rule, uint64_t off,
                     uint64_t line, const char *fmt, va_list ap) {
  if (c->done) return 0;
  c->done = 1;
  c->res.rule = rule;
  c->res.verdict = sseval_rule_verdict(rule);
  c->res.has_offset = 1;
  c->res.offset = off;
  c->res.line = line;
  /* a violation may hide a later error event (a proxy that dropped part of
   * the stream, then relayed the API's error): keep looking for one */
  c->scanning = (c->res.verdict == SSEVAL_VERDICT_PROTOCOL_VIOLATION ||
                 c->res.verdict == SSEVAL_VERDICT_INVALID_JSON) &&
                !c->res.has_error;
  set_detail_v(c, rule, fmt, ap);
  return 0;
}

static PRINTF_LIKE(5, 6) int problem_at(sseval_claude *c, sseval_rule rule,
                                        uint64_t off, uint64_t line,
                                        const char *fmt, ...) {
  va_list ap;
  int r;
  va_start(ap, fmt);
  r = problem_v(c, rule, off, line, fmt, ap);
  va_end(ap);
  return r;
}

/* The first problem, at the event being processed. Returns 0. */
static PRINTF_LIKE(3, 4) int problemf(sseval_claude *c, sseval_rule rule,
                                      const char *fmt, ...) {
  va_list ap;
  int r;
  va_start(ap, fmt);
  r = problem_v(c, rule, c->ev_offset, c->ev_line, fmt, ap);
  va_end(ap);
  return r;
}

/* Callback plumbing: 0 = go on, -1 = abort (status recorded). */
static int cb_rc(sseval_claude *c, int rc) {
  if (rc == SSEVAL_CB_OK) return 0;
  if (rc == SSEVAL_CB_PAUSE) {
    c->pause_req = 1;
    return 0;
  }
  if (c->status == SSEVAL_OK) c->status = SSEVAL_E_CALLBACK;
  return -1;
}

static int nomem(sseval_claude *c) {
  if (c->status == SSEVAL_OK) c->status = SSEVAL_E_NOMEM;
  problemf(c, SSEVAL_RULE_OUT_OF_MEMORY,
             "Memory allocation failed while processing this event.");
  return -1;
}

/* A merging accumulator call's result: 1 fine, 0 no memory, -1 a merged
 * map would exceed max_unknown_fields. Returns 0 or -1. */
static int acc_rc(sseval_claude *c, int r) {
  if (r == 1) return 0;
  if (r == 0) return nomem(c);
  problemf(c, SSEVAL_RULE_TOO_MANY_FIELDS,
             "Merging this event's fields would give more than "
             "max_unknown_fields (%llu) distinct keys.", (unsigned long long)c->max_unknown);
  return -1;
}

static sseval_span span_of(const sseval__jstr *s) {
  sseval_span r;
  r.ptr = s->ptr;
  r.len = s->len;
  return r;
}

/* A decoded view of a validated string: zero-copy when it has no escapes,
 * else decoded into c->scratch (valid until the next call). */
static int decoded(sseval_claude *c, const sseval__jstr *s, sseval_span *out) {
  sseval__jdec d;
  sseval_span piece;
  if (!s->has_escapes) {
    *out = span_of(s);
    return 1;
  }
  c->scratch.len = 0;
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece))
    if (!sseval__buf_append(&c->scratch, &c->mem, piece.ptr, piece.len))
      return 0;
  c->st.bytes_copied += c->scratch.len;
  out->ptr = c->scratch.ptr;
  out->len = c->scratch.len;
  return 1;
}

typedef int (*piece_cb)(void *user, uint32_t index, sseval_span piece);
typedef int (*piece_store)(sseval__acc *a, uint32_t index, const char *p,
                           size_t n);

/* The callback a delta kind's row names (src/types.h); never D_NONE. */
static piece_cb callback_of(const sseval_claude *c, unsigned dk) {
  piece_cb cb;
  memcpy(&cb, (const char *)c->cb + sseval__delta_specs[dk].callback,
         sizeof cb);
  return cb;
}

/* Deliver a string's decoded pieces to a content callback and the
 * accumulator. Returns 0 or -1. */
/* Each decoded piece is stored (when accumulating) and then delivered, so
 * after an abort the message holds exactly the pieces the callback saw. */
static int deliver_pieces_to(sseval_claude *c, uint32_t index,
                             const sseval__jstr *s, piece_cb cb,
                             piece_store store) {
  sseval__jdec d;
  sseval_span piece;
  if (!cb && !c->acc) return 0; /* nobody wants the pieces: no decoding */
  if (!s->has_escapes) { /* one zero-copy piece */
    if (s->len == 0) return 0;
    if (c->acc && !store(c->acc, index, s->ptr, s->len)) return nomem(c);
    if (cb) {
      piece.ptr = s->ptr;
      piece.len = s->len;
      if (cb_rc(c, cb(c->user, index, piece)) < 0) return -1;
    }
    return 0;
  }
  if (!cb) { /* the accumulator alone: decode straight into it */
    size_t from_escapes;
    if (!sseval__acc_append_decoded(c->acc, index, s, &from_escapes))
      return nomem(c);
    c->st.bytes_copied += from_escapes;
    return 0;
  }
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece)) {
    if (piece.ptr < s->ptr || piece.ptr >= s->ptr + s->len)
      c->st.bytes_copied += piece.len;
    if (c->acc && !store(c->acc, index, piece.ptr, piece.len)) return nomem(c);
    if (cb && cb_rc(c, cb(c->user, index, piece)) < 0) return -1;
  }
  return 0;
}

static int deliver_pieces(sseval_claude *c, uint32_t index,
                          const sseval__jstr *s, piece_cb cb) {
  if (!cb && !c->acc) return 0; /* (before the call: nearly every delta of a
                                   validate-only stream) */
  return deliver_pieces_to(c, index, s, cb, sseval__acc_append);
}

/* ---- usage counters ---------------------------------------------------------------- */
/* The API sends every usage counter as a non-negative integer. In
 * message_start's message.usage and message_delta's usage, every member whose
 * (unescaped) name ends in "_tokens" or "_requests", at any depth (the
 * top-level counters, cache_creation.ephemeral_*_input_tokens,
 * output_tokens_details.thinking_tokens, server_tool_use.*_requests, each
 * iterations entry), must be a JSON integer without sign, fraction or
 * exponent that fits in 64 bits, or null ("not reported": the API's schemas
 * declare input_tokens and the cache counters number|null), except the
 * top-level output_tokens, which both schemas declare a number. The usage
 * value has been validated as JSON, so this scan only tells tokens apart. */

/* The decoded length of a member name and its last (up to 16) bytes. */
static size_t name_tail(const sseval__jstr *k, char tail[16], size_t *tn) {
  sseval__jdec d;
  sseval_span piece;
  size_t total = 0, i;
  if (!k->has_escapes) {
    *tn = k->len < 16 ? k->len : 16;
    memcpy(tail, k->ptr + k->len - *tn, *tn);
    return k->len;
  }
  *tn = 0;
  sseval__jdec_init(&d, k);
  while (sseval__jdec_next(&d, &piece))
    for (i = 0; i < piece.len; i++, total++) { /* a rolling window */
      if (*tn == 16) {
        memmove(tail, tail + 1, 15);
        *tn = 15;
      }
      tail[(*tn)++] = piece.ptr[i];
    }
  return total;
}

static int tail_is(const char *tail, size_t tn, const char *suffix) {
  size_t n = strlen(suffix);
  return tn >= n && memcmp(tail + tn - n, suffix, n) == 0;
}

/* Why the raw value v (valid JSON, n bytes) is not a counter; NULL if it is. */
static const char *counter_fault(const char *v, size_t n, int null_ok) {
  size_t i;
  if (v[0] == 'n') return null_ok ? NULL : "null";
  if (v[0] == '"') return "a string";
  if (v[0] == '-') return "a negative number";
  if (v[0] < '0' || v[0] > '9') return "not a number";
  for (i = 0; i < n; i++)
    if (v[i] < '0' || v[i] > '9') return "not an integer";
  if (n > 20 || (n == 20 && memcmp(v, "18446744073709551615", 20) > 0))
    return "larger than 2^64-1";
  return NULL;
}

static const char *skip_ws_to(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

/* Check a usage value (the raw span; absent when its length is 0). Returns
 * 1 when it is fine, else records event_field_invalid and returns 0. */
static int check_usage(sseval_claude *c, const char *event,
                       const sseval__jstr *u) {
  const char *p, *end;
  int depth = 0;
  if (u->len == 0) return 1; /* absent: ptr may be NULL */
  p = u->ptr;
  end = p + u->len;
  if (*p != '{')
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                    "%s: usage must be an object.", event);
  while (p < end) {
    const char *ks, *ke, *q, *v;
    sseval__jstr key;
    char tail[16], shown[41];
    size_t tn, len, i;
    const char *why;
    if (*p == '{' || *p == '[') depth++;
    else if (*p == '}' || *p == ']') depth--;
    if (*p != '"') {
      p++;
      continue;
    }
    ks = ++p;
    key.has_escapes = 0;
    while (*p != '"') { /* valid JSON: a string always closes */
      if (*p == '\\') {
        key.has_escapes = 1;
        p++;
      }
      p++;
    }
    ke = p++;
    q = skip_ws_to(p, end);
    if (q == end || *q != ':') continue; /* a string value */
    key.ptr = ks;
    key.len = (size_t)(ke - ks);
    key.dlen = 0;
    len = name_tail(&key, tail, &tn);
    if (!tail_is(tail, tn, "_tokens") && !tail_is(tail, tn, "_requests")) {
      p = q + 1;
      continue;
    }
    v = skip_ws_to(q + 1, end);
    for (p = v; p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
                *p != '\t' && *p != '\n' && *p != '\r';
         p++)
      if (*p == '"' || *p == '{' || *p == '[') break;
    why = counter_fault(v, (size_t)(p - v),
                        !(depth == 1 && len == 13 && tail_is(tail, tn, "output_tokens")));
    if (!why) continue;
    /* the name, when it is plain and short, else a generic one */
    for (i = 0; i < key.len && i < sizeof shown - 1 && !key.has_escapes; i++) {
      char ch = ks[i];
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || ch == '_'))
        break;
      shown[i] = ch;
    }
    if (i != key.len) memcpy(shown, "a counter", (i = 9));
    shown[i] = '\0';
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                    "%s: usage counter %s is %s; every *_tokens and "
                    "*_requests counter must be a non-negative integer "
                    "below 2^64 (null where not reported).",
                    event, shown, why);
  }
  return 1;
}

/* ---- per-event handlers ----------------------------------------------------------- */

static int on_message_start(sseval_claude *c, parsed *ev) {
  const slot *s = ev->sub;
  sseval_message_info mi;
  if (!ev->has_sub)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                      "message_start has no \"message\" object.");
  if ((s[S_ID].present && s[S_ID].bad) || (s[S_MODEL].present && s[S_MODEL].bad))
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                      "message_start: message.id and message.model must be "
                      "strings.");
  if (!check_usage(c, "message_start", &s[S_USAGE].v)) return 0;
  c->seen_start = 1;
  if (c->acc && acc_rc(c, sseval__acc_message_start(c->acc, &s[S_ID].v,
                                                     &s[S_MODEL].v,
                                                     &s[S_USAGE].v,
                                                     &ev->top[T_MESSAGE].v)) < 0)
    return -1;
  if (c->cb->on_message_start) {
    memset(&mi, 0, sizeof mi);
    mi.usage_json = span_of(&s[S_USAGE].v);
    mi.raw_json = span_of(&ev->top[T_MESSAGE].v);
    if (!decoded(c, &s[S_MODEL].v, &mi.model)) return nomem(c);
    if (s[S_ID].v.has_escapes) { /* rare: keep the model out of scratch */
      cold_bufs *k = cold_of(c);
      if (!k) return nomem(c);
      k->scratch2.len = 0;
      if (!sseval__buf_append(&k->scratch2, &c->mem, mi.model.ptr,
                              mi.model.len))
        return nomem(c);
      mi.model.ptr = k->scratch2.ptr;
    }
    if (!decoded(c, &s[S_ID].v, &mi.id)) return nomem(c);
    return cb_rc(c, c->cb->on_message_start(c->user, &mi));
  }
  return 0;
}

static int grow_blocks(sseval_claude *c) {
  uint32_t cap = c->cap_blocks ? c->cap_blocks * 2 : 8;
  block_state *nb;
  if (cap > c->max_blocks) cap = c->max_blocks;
  nb = (block_state *)sseval__mem_realloc(&c->mem, c->blocks,
                                          c->cap_blocks * sizeof *nb,
                                          cap * sizeof *nb);
  if (!nb) return 0;
  c->blocks = nb;
  c->cap_blocks = cap;
  return 1;
}

static int on_block_start(sseval_claude *c, parsed *ev) {
  const slot *s = ev->sub;
  const slot *ix = &ev->top[T_INDEX];
  block_state *b;
  sseval_block_type type;
  if (!ix->present || ix->bad)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                      "content_block_start needs a non-negative integer "
                      "\"index\".");
  if (ix->u < c->nblocks)
    return problemf(c, SSEVAL_RULE_BLOCK_START_INDEX_DUPLICATE,
                      "content_block_start repeats index %llu; each block "
                      "index must be started once.", (unsigned long long)ix->u);
  if (ix->u > c->nblocks)
    return problemf(c, SSEVAL_RULE_BLOCK_START_INDEX_GAP,
                      "content_block_start skips to index %llu; blocks must "
                      "start at 0, 1, 2, ... in order.", (unsigned long long)ix->u);
  if (!ev->has_sub || !s[S_TYPE].present || s[S_TYPE].bad)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                      "content_block_start needs a \"content_block\" object "
                      "with a string \"type\".");
  if (c->nblocks >= c->max_blocks)
    return problemf(c, SSEVAL_RULE_TOO_MANY_BLOCKS,
                      "More than %llu content blocks (max_blocks).", (unsigned long long)c->max_blocks);
  if (c->nblocks == c->cap_blocks && !grow_blocks(c)) return nomem(c);
  {
    char buf[64];
    sseval__jstr name = plain_name(&s[S_TYPE].v, buf, sizeof buf);
    type = block_type_of(name.ptr, name.len);
  }
  b = &c->blocks[c->nblocks];
  b->meta = (uint64_t)type; /* open, no content yet */
  b->js = NULL;
  if (sseval__block_is_tool(type)) {
    if (c->free_js) {
      b->js = c->free_js;
      c->free_js = NULL;
    } else {
      b->js = (sseval__jstream *)sseval__mem_alloc(&c->mem, sizeof *b->js);
      if (!b->js) return nomem(c);
      sseval__jstream_init(b->js, c->max_depth);
      sseval__jkeys_init(&b->js->keys, &c->mem); /* duplicate names checked */
    }
    sseval__jstream_restart(b->js, c->max_depth);
  }
  c->nblocks++;
  if (type == SSEVAL_BLOCK_UNKNOWN) c->st.unknown_blocks++;
  if (c->acc && !sseval__acc_block_start(c->acc, type, &s[S_TYPE].v,
                                         &s[S_ID].v, &s[S_NAME].v,
                                         &ev->top[T_BLOCK].v))
    return nomem(c);
  if (c->cb->on_block_start) {
    sseval_block_info bi;
    memset(&bi, 0, sizeof bi);
    bi.index = (uint32_t)ix->u;
    bi.type = type;
    bi.type_name = span_of(&s[S_TYPE].v);
    if (sseval__block_is_tool(type)) { /* unescaped, like every string handed out */
      if (!decoded(c, &s[S_ID].v, &bi.tool_id)) return nomem(c);
      bi.tool_name = span_of(&s[S_NAME].v);
      if (s[S_NAME].v.has_escapes) {
        sseval__jdec d;
        sseval_span piece;
        cold_bufs *k = cold_of(c);
        if (!k) return nomem(c);
        k->scratch2.len = 0;
        sseval__jdec_init(&d, &s[S_NAME].v);
        while (sseval__jdec_next(&d, &piece))
          if (!sseval__buf_append(&k->scratch2, &c->mem, piece.ptr, piece.len))
            return nomem(c);
        bi.tool_name.ptr = k->scratch2.ptr;
        bi.tool_name.len = k->scratch2.len;
      }
    }
    bi.raw_json = span_of(&ev->top[T_BLOCK].v);
    if (cb_rc(c, c->cb->on_block_start(c->user, &bi)) < 0) return -1;
  }
  /* initial content carried by the start event (normally ""): the field
   * of the block family's delta, when that delta delivers pieces */
  {
    unsigned fam = sseval__block_spec_of(type)->family;
    const slot *init = &s[DELTA_SLOT(fam)];
    if (fam != D_NONE && sseval__delta_specs[fam].delivery == DL_PIECES &&
        init->present && !init->bad && init->v.len)
      return deliver_pieces(c, (uint32_t)ix->u, &init->v,
                            callback_of(c, fam));
  }
  return 0;
}


/* delta.type -> D_* (D_NONE for a type this version does not know). */
static int delta_kind_of(const sseval__jstr *raw) {
  char buf[64];
  sseval__jstr name = plain_name(raw, buf, sizeof buf);
  int dk;
  for (dk = 1; dk < D_COUNT_; dk++)
    if (span_is(name.ptr, name.len, sseval__delta_specs[dk].wire)) return dk;
  return D_NONE;
}

/* Validate the decoded fragment of a tool block's input incrementally, then
 * deliver it. */
static int deliver_tool_input(sseval_claude *c, block_state *b, uint32_t index,
                              const sseval__jstr *v, piece_cb cb) {
  sseval__jdec d;
  sseval_span piece;
  int invalid = 0;
  if (!v->has_escapes) {
    if (!sseval__jstream_feed(b->js, v->ptr, v->len)) invalid = 1;
  } else {
    sseval__jdec_init(&d, v);
    while (!invalid && sseval__jdec_next(&d, &piece))
      if (!sseval__jstream_feed(b->js, piece.ptr, piece.len)) invalid = 1;
  }
  if (deliver_pieces(c, index, v, cb) < 0) return -1;
  if (invalid && b->js->err == SSEVAL__J_NOMEM) return nomem(c);
  if (invalid && b->js->err == SSEVAL__J_DUPKEY)
    return problemf(c, SSEVAL_RULE_DUPLICATE_KEY,
                    "The tool input of this block repeats a member name in "
                    "one object (at byte %llu of the concatenated "
                    "partial_json); parsers disagree on which value counts.",
                    (unsigned long long)b->js->err_pos);
  if (invalid)
    return problemf(c,
                    b->js->err == SSEVAL__J_DEPTH ? SSEVAL_RULE_JSON_TOO_DEEP
                                                  : SSEVAL_RULE_TOOL_INPUT_INVALID,
                    "The tool input of this block is not valid JSON (%s at "
                    "byte %llu of the concatenated partial_json).",
                    b->js->err_msg, (unsigned long long)b->js->err_pos);
  return 0;
}

/* Deliver a known delta that fits its block, as its row in src/types.h
 * says: count its piece against the limits, then hand it on. */
static int deliver_delta(sseval_claude *c, const parsed *ev, block_state *b,
                         uint32_t index, int dk) {
  const sseval__delta_spec *spec = &sseval__delta_specs[dk];
  const sseval__jstr *whole = &ev->top[T_DELTA].v;
  piece_cb cb = callback_of(c, (unsigned)dk);
  const slot *val;
  size_t n;
  if (!spec->field_len) { /* no field of its own: its members merge */
    if (spec->delivery != DL_MERGE) return 0;
    if (c->acc &&
        acc_rc(c, sseval__acc_merge_fields(c->acc, index, whole)) < 0)
      return -1;
    return cb ? cb_rc(c, cb(c->user, index, span_of(whole))) : 0;
  }
  val = &ev->sub[DELTA_SLOT(dk)];
  if (!val->present || val->bad)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                    "This delta needs its \"%s\" field (index %lu).",
                    spec->field, (unsigned long)index);
  /* content bytes: decoded strings, raw citation objects */
  n = val->v.has_escapes && spec->delivery != DL_CITATION
          ? sseval__jstr_decoded_len(&val->v)
          : val->v.len;
  if (n > c->max_block_bytes - BLOCK_BYTES(b))
    return problemf(c, SSEVAL_RULE_BLOCK_TOO_LARGE,
                    "Block %lu grew past max_block_bytes.",
                    (unsigned long)index);
  if (spec->delivery == DL_TOOL_INPUT && n > c->max_tool_input - BLOCK_BYTES(b))
    return problemf(c, SSEVAL_RULE_TOOL_INPUT_TOO_LARGE,
                    "The tool input of block %lu grew past "
                    "max_tool_input_bytes.", (unsigned long)index);
  b->meta += (uint64_t)n << 9;
  if (spec->delivery == DL_PIECES) /* nearly every delta: no jump table */
    return deliver_pieces(c, index, &val->v, cb);
  switch (spec->delivery) {
  case DL_TOOL_INPUT:
    return deliver_tool_input(c, b, index, &val->v, cb);
  case DL_SIGNATURE: /* replaces the block's signature, piece by piece */
    if (c->acc && !sseval__acc_signature_begin(c->acc, index)) return nomem(c);
    return deliver_pieces_to(c, index, &val->v, cb,
                             sseval__acc_signature_append);
  case DL_CITATION:
    if (c->acc && !sseval__acc_citation(c->acc, index, &val->v))
      return nomem(c);
    return cb ? cb_rc(c, cb(c->user, index, span_of(&val->v))) : 0;
  default:
    return 0;
  }
}

/* content_block_delta: validate the event, look the delta type up, deliver. */
static int on_block_delta(sseval_claude *c, parsed *ev) {
  const slot *s = ev->sub;
  const slot *ix = &ev->top[T_INDEX];
  block_state *b;
  uint32_t index;
  int dk;
  if (!ix->present || ix->bad)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                    "content_block_delta needs a non-negative integer "
                    "\"index\".");
  if (!ev->has_sub || !s[S_TYPE].present || s[S_TYPE].bad)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                    "content_block_delta needs a \"delta\" object with a "
                    "string \"type\".");
  if (ix->u >= c->nblocks)
    return problemf(c, SSEVAL_RULE_DELTA_FOR_UNOPENED_BLOCK,
                    "content_block_delta for index %llu, which was never "
                    "started by content_block_start.",
                    (unsigned long long)ix->u);
  index = (uint32_t)ix->u;
  b = &c->blocks[index];
  if (BLOCK_IS_STOPPED(b))
    return problemf(c, SSEVAL_RULE_DELTA_AFTER_BLOCK_STOP,
                    "content_block_delta for index %lu after its "
                    "content_block_stop.", (unsigned long)index);
  dk = ev->delta_kind >= 0 ? ev->delta_kind : delta_kind_of(&s[S_TYPE].v);
  if (dk == D_NONE || BLOCK_TYPE(b) == SSEVAL_BLOCK_UNKNOWN) {
    c->st.unknown_deltas++;
    if (c->cb->on_unknown_delta)
      return cb_rc(c, c->cb->on_unknown_delta(c->user, index,
                                             span_of(&s[S_TYPE].v),
                                             span_of(&ev->top[T_DELTA].v)));
    return 0;
  }
  if (sseval__delta_specs[dk].family !=
      sseval__block_spec_of(BLOCK_TYPE(b))->family)
    return problemf(c, SSEVAL_RULE_DELTA_TYPE_MISMATCH,
                    "A delta of this type cannot apply to a %s block at "
                    "index %lu.",
                    sseval_block_type_name(BLOCK_TYPE(b)),
                    (unsigned long)index);
  return deliver_delta(c, ev, b, index, dk);
}

static void free_js(sseval_claude *c, sseval__jstream *js) {
  sseval__jkeys_free(&js->keys);
  sseval__mem_free(&c->mem, js, sizeof *js);
}

static void release_js(sseval_claude *c, block_state *b) {
  if (!b->js) return;
  if (!c->free_js)
    c->free_js = b->js;
  else
    free_js(c, b->js);
  b->js = NULL;
}

static int on_block_stop(sseval_claude *c, parsed *ev) {
  const slot *ix = &ev->top[T_INDEX];
  block_state *b;
  uint32_t index;
  int complete = 0;
  if (!ix->present || ix->bad)
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                      "content_block_stop needs a non-negative integer "
                      "\"index\".");
  if (ix->u >= c->nblocks)
    return problemf(c, SSEVAL_RULE_STOP_FOR_UNOPENED_BLOCK,
                      "content_block_stop for index %llu, which was never "
                      "started.", (unsigned long long)ix->u);
  index = (uint32_t)ix->u;
  b = &c->blocks[index];
  if (BLOCK_IS_STOPPED(b))
    return problemf(c, SSEVAL_RULE_DUPLICATE_BLOCK_STOP,
                      "A second content_block_stop for index %llu.", (unsigned long long)ix->u);
  if (b->js) {
    if (!sseval__jstream_empty(b->js)) {
      if (!sseval__jstream_finish(b->js) || !b->js->top_is_object) {
        if (c->acc) sseval__acc_block_stop(c->acc, index, 0);
        b->meta |= BLOCK_STOPPED;
        release_js(c, b);
        return problemf(c, SSEVAL_RULE_TOOL_INPUT_INVALID,
                          "At content_block_stop the tool input of block "
                          "%llu is not one complete JSON object.", (unsigned long long)ix->u);
      }
      complete = 1;
    } else {
      complete = 1; /* empty: the start's input ({}) stands */
    }
    release_js(c, b);
  }
  b->meta |= BLOCK_STOPPED;
  if (c->acc) sseval__acc_block_stop(c->acc, index, complete);
  if (c->cb->on_block_stop)
    return cb_rc(c, c->cb->on_block_stop(c->user, index));
  return 0;
}

static int on_message_delta(sseval_claude *c, parsed *ev, sseval_span data) {
  const slot *s = ev->sub;
  sseval_delta_info di;
  sseval__jstr whole;
  if (!ev->has_sub || (s[S_STOP_REASON].present && s[S_STOP_REASON].bad) ||
      (s[S_STOP_SEQUENCE].present && s[S_STOP_SEQUENCE].bad))
    return problemf(c, SSEVAL_RULE_EVENT_FIELD_INVALID,
                      "message_delta needs a \"delta\" object whose "
                      "stop_reason and stop_sequence are strings or null.");
  if (!check_usage(c, "message_delta", &ev->top[T_USAGE].v)) return 0;
  c->seen_delta = 1;
  memset(&whole, 0, sizeof whole); /* the payload, for its top-level fields */
  whole.ptr = data.ptr;
  whole.len = data.len;
  if (s[S_STOP_REASON].present && s[S_STOP_REASON].is_null) {
    c->last_stop_reason_cut = 0; /* overwritten by null, as in the message */
  } else if (s[S_STOP_REASON].present) {
    char buf[64];
    sseval__jstr name = plain_name(&s[S_STOP_REASON].v, buf, sizeof buf);
    const sseval__jstr *r = &name;
    c->last_stop_reason_cut =
        (unsigned char)(span_is(r->ptr, r->len, "max_tokens") ||
                        span_is(r->ptr, r->len, "model_context_window_exceeded"));
  }
  if (c->acc &&
      acc_rc(c, sseval__acc_message_delta(
                    c->acc,
                    s[S_STOP_REASON].present ? &s[S_STOP_REASON].v : NULL,
                    s[S_STOP_REASON].is_null,
                    s[S_STOP_SEQUENCE].present ? &s[S_STOP_SEQUENCE].v : NULL,
                    s[S_STOP_SEQUENCE].is_null,
                    &ev->top[T_DELTA].v, &whole,
                    ev->top[T_USAGE].present ? &ev->top[T_USAGE].v : NULL)) < 0)
    return -1;
  if (c->cb->on_message_delta) {
    memset(&di, 0, sizeof di);
    di.has_stop_reason = s[S_STOP_REASON].present && !s[S_STOP_REASON].is_null;
    di.has_stop_sequence =
        s[S_STOP_SEQUENCE].present && !s[S_STOP_SEQUENCE].is_null;
    if (di.has_stop_reason) {
      di.stop_reason = span_of(&s[S_STOP_REASON].v);
      if (s[S_STOP_REASON].v.has_escapes) { /* rare: decode via scratch2 */
        sseval__jdec d;
        sseval_span piece;
        cold_bufs *k = cold_of(c);
        if (!k) return nomem(c);
        k->scratch2.len = 0;
        sseval__jdec_init(&d, &s[S_STOP_REASON].v);
        while (sseval__jdec_next(&d, &piece))
          if (!sseval__buf_append(&k->scratch2, &c->mem, piece.ptr, piece.len))
            return nomem(c);
        di.stop_reason.ptr = k->scratch2.ptr;
        di.stop_reason.len = k->scratch2.len;
      }
    }
    if (di.has_stop_sequence) {
      if (!decoded(c, &s[S_STOP_SEQUENCE].v, &di.stop_sequence))
        return nomem(c);
    }
    di.usage_json = span_of(&ev->top[T_USAGE].v);
    di.delta_json = span_of(&ev->top[T_DELTA].v);
    return cb_rc(c, c->cb->on_message_delta(c->user, &di));
  }
  return 0;
}

static int on_message_stop(sseval_claude *c) {
  uint32_t i, open = 0, last_open = 0;
  if (!c->seen_delta)
    return problemf(c, SSEVAL_RULE_MISSING_MESSAGE_DELTA,
                      "message_stop arrived without any message_delta, so "
                      "the stop reason and final usage are missing.");
  for (i = 0; i < c->nblocks; i++)
    if (!BLOCK_IS_STOPPED(&c->blocks[i])) {
      open++;
      last_open = i;
    }
  if (open > 0) {
    int allowed = open == 1 && last_open == c->nblocks - 1 &&
                  c->last_stop_reason_cut;
    if (!allowed)
      return problemf(c, SSEVAL_RULE_BLOCK_OPEN_AT_MESSAGE_STOP,
                        "Block %llu is still open at message_stop.", (unsigned long long)last_open);
    /* max_tokens cut the last block: it stays unfinished */
    release_js(c, &c->blocks[last_open]);
  }
  c->seen_stop = 1;
  if (c->cb->on_message_stop)
    return cb_rc(c, c->cb->on_message_stop(c->user));
  return 0;
}

/* Read an `error` event's data into the cold err_type / err_msg and the
 * result's error (has_error). Data that is not the documented shape gives
 * an empty type and the raw data as the message. Returns 0 or -1 (no
 * memory). */
static int read_error(sseval_claude *c, sseval_span data) {
  sseval__jcur cur;
  parsed ev;
  sseval_api_error *e = &c->res.error;
  cold_bufs *k;
  int ok;
  sseval__jcur_init(&cur, data.ptr, data.len, c->max_depth);
  sseval__jkeys_clear(&c->keys); /* a repeated name: not the documented shape */
  cur.keys = &c->keys;
  ok = walk_event(&cur, T_ERROR, &ev) && ev.has_sub &&
       ev.sub[S_TYPE].present && !ev.sub[S_TYPE].bad;
  /* no memory for the key set is no verdict on the shape */
  if (cur.err == SSEVAL__J_NOMEM) return nomem(c);
  if (!(k = cold_of(c))) return nomem(c);
  k->err_type.len = k->err_msg.len = 0;
  if (ok) {
    sseval_span t, m;
    if (!decoded(c, &ev.sub[S_TYPE].v, &t) ||
        !sseval__buf_append(&k->err_type, &c->mem, t.ptr, t.len))
      return nomem(c);
    if (ev.sub[S_MESSAGE].present && !ev.sub[S_MESSAGE].bad) {
      if (!decoded(c, &ev.sub[S_MESSAGE].v, &m) ||
          !sseval__buf_append(&k->err_msg, &c->mem, m.ptr, m.len))
        return nomem(c);
    }
  } else if (!sseval__buf_append(&k->err_msg, &c->mem, data.ptr, data.len)) {
    return nomem(c);
  }
  memset(e, 0, sizeof *e);
  e->type.ptr = k->err_type.ptr;
  e->type.len = k->err_type.len;
  e->message.ptr = k->err_msg.ptr;
  e->message.len = k->err_msg.len;
  e->retryable = sseval_error_type_classify(e->type, &e->http_status);
  c->res.has_error = 1;
  return 0;
}

/* " (TYPE)" for a detail sentence, or "" when the type is unknown. */
static const char *error_type_note(const sseval_api_error *e, char *buf,
                                   size_t cap) {
  snprintf(buf, cap, "%s%.*s%s", e->type.len ? " (" : "",
           (int)(e->type.len > 64 ? 64 : e->type.len),
           e->type.ptr ? e->type.ptr : "", e->type.len ? ")" : "");
  return buf;
}

/* An `error` event: terminal. */
static int on_error(sseval_claude *c, sseval_span data) {
  const sseval_api_error *e = &c->res.error;
  char tb[80];
  if (read_error(c, data) < 0) return -1;
  c->done = 1;
  c->res.verdict = SSEVAL_VERDICT_ERROR_EVENT;
  c->res.rule = SSEVAL_RULE_NONE;
  c->res.has_offset = 1;
  c->res.offset = c->ev_offset;
  c->res.line = c->ev_line;
  set_detail(c, SSEVAL_RULE_NONE,
             "The server sent an error event%s mid-stream; %s",
             error_type_note(e, tb, sizeof tb),
             e->retryable ? "retrying the request can succeed."
                          : "retrying the same request will not help.");
  if (c->cb->on_error_event) return cb_rc(c, c->cb->on_error_event(c->user, e));
  return 0;
}

/* An `error` event after message_stop: the message was already whole, so
 * the event is what it is for any other known event (a violation of the
 * stream's end), not an error verdict that would make a caller retry a
 * request that succeeded. The error is still reported. */
static int on_error_after_stop(sseval_claude *c, sseval_span data) {
  char tb[80];
  if (read_error(c, data) < 0) return -1;
  problemf(c, SSEVAL_RULE_EVENT_AFTER_MESSAGE_STOP,
           "An error event%s arrived after message_stop; the message was "
           "already complete, so do not retry it.",
           error_type_note(&c->res.error, tb, sizeof tb));
  if (c->cb->on_error_event)
    return cb_rc(c, c->cb->on_error_event(c->user, &c->res.error));
  return 0;
}

static int event_kind(const char *p, size_t n) {
  switch (n) { /* memcmp with constant sizes compiles to a few loads */
  case 4: return memcmp(p, "ping", 4) == 0 ? E_PING : E_UNKNOWN;
  case 5: return memcmp(p, "error", 5) == 0 ? E_ERROR : E_UNKNOWN;
  case 12: return memcmp(p, "message_stop", 12) == 0 ? E_MESSAGE_STOP : E_UNKNOWN;
  case 13:
    if (memcmp(p, "message_start", 13) == 0) return E_MESSAGE_START;
    if (memcmp(p, "message_delta", 13) == 0) return E_MESSAGE_DELTA;
    return E_UNKNOWN;
  case 18:
    return memcmp(p, "content_block_stop", 18) == 0 ? E_BLOCK_STOP : E_UNKNOWN;
  case 19:
    if (memcmp(p, "content_block_delta", 19) == 0) return E_BLOCK_DELTA;
    if (memcmp(p, "content_block_start", 19) == 0) return E_BLOCK_START;
    return E_UNKNOWN;
  default: return E_UNKNOWN;
  }
}

static const char *event_name_of(int kind) {
  switch (kind) {
  case E_MESSAGE_START: return "message_start";
  case E_BLOCK_START: return "content_block_start";
  case E_BLOCK_DELTA: return "content_block_delta";
  case E_BLOCK_STOP: return "content_block_stop";
  case E_MESSAGE_DELTA: return "message_delta";
  default: return "message_stop";
  }
}

/* The nested object each event kind reads. */
static int sub_key_of(int kind) {
  switch (kind) {
  case E_MESSAGE_START: return T_MESSAGE;
  case E_BLOCK_START: return T_BLOCK;
  case E_BLOCK_DELTA:
  case E_MESSAGE_DELTA: return T_DELTA;
  default: return T_N;
  }
}

/* Lenient mode: the name of an unnamed event from data.type (decoded into
 * buf when it was written with escapes). */
static int name_from_data(sseval_claude *c, sseval_span data, char *buf,
                          size_t cap, sseval_span *out) {
  sseval__jcur cur;
  parsed ev;
  sseval__jstr name;
  sseval__jcur_init(&cur, data.ptr, data.len, c->max_depth);
  if (!walk_event(&cur, T_N, &ev)) return 0;
  if (!ev.top[T_TYPE].present || ev.top[T_TYPE].bad) return 0;
  name = plain_name(&ev.top[T_TYPE].v, buf, cap);
  if (name.has_escapes) return 0; /* too long to be a known name */
  *out = span_of(&name);
  return 1;
}

static int process_event(sseval_claude *c, const sseval_sse_event *sev) {
  sseval_span name = sev->type;
  sseval__jcur cur;
  parsed ev;
  int kind, fast;
  char name_buf[64];

  c->ev_offset = sev->offset;
  c->ev_line = sev->line;
  if (!(sev->flags & SSEVAL_SSE_TYPE_SET)) {
    if (!(c->flags & SSEVAL_CLAUDE_LENIENT_UNNAMED) ||
        !name_from_data(c, sev->data, name_buf, sizeof name_buf, &name))
      return problemf(c, SSEVAL_RULE_EVENT_NAME_MISSING,
                        "An event with data but no \"event:\" name line; the "
                        "API names every event.");
  }
  kind = event_kind(name.ptr, name.len);
  if (kind == E_PING) {
    c->st.pings++;
    return c->cb->on_ping ? cb_rc(c, c->cb->on_ping(c->user)) : 0;
  }
  if (kind == E_UNKNOWN) {
    c->st.unknown_events++;
    return c->cb->on_unknown_event
               ? cb_rc(c, c->cb->on_unknown_event(c->user, name, sev->data))
               : 0;
  }
  if (kind == E_ERROR)
    return c->seen_stop ? on_error_after_stop(c, sev->data)
                        : on_error(c, sev->data);

  fast = kind == E_BLOCK_DELTA && fast_delta(c->max_depth, sev->data, &ev);
  if (!fast) { /* (the fast shape cannot repeat a name) */
    sseval__jcur_init(&cur, sev->data.ptr, sev->data.len, c->max_depth);
    sseval__jkeys_clear(&c->keys);
    cur.keys = &c->keys;
  }
  if (!fast && !walk_event(&cur, sub_key_of(kind), &ev)) {
    if (cur.err == SSEVAL__J_NOMEM) return nomem(c);
    if (cur.err == SSEVAL__J_DUPKEY)
      return problemf(c, SSEVAL_RULE_DUPLICATE_KEY,
                      "The data of this event repeats a member name in one "
                      "object (at byte %llu of the data); parsers disagree "
                      "on which value counts.",
                      (unsigned long long)cur.err_pos);
    if (cur.err == SSEVAL__J_DEPTH)
      return problemf(c, SSEVAL_RULE_JSON_TOO_DEEP,
                        "The data of this event nests deeper than "
                        "max_json_depth (%llu).", (unsigned long long)c->max_depth);
    return problemf(c, SSEVAL_RULE_EVENT_DATA_NOT_JSON,
                      "The data of this event is not a JSON object (%s at "
                      "byte %llu of the data).", cur.err == SSEVAL__J_TYPE ? "not an object" : cur.err_msg, (unsigned long long)cur.err_pos);
  }
  if (ev.unknown > c->max_unknown)
    return problemf(c, SSEVAL_RULE_TOO_MANY_FIELDS,
                      "This event carries more unknown fields than "
                      "max_unknown_fields (%llu).", (unsigned long long)c->max_unknown);
  if (!fast && ev.top[T_TYPE].present &&
      (ev.top[T_TYPE].bad ||
       !sseval__jstr_eq(&ev.top[T_TYPE].v, name.ptr, name.len)))
    return problemf(c, SSEVAL_RULE_EVENT_TYPE_MISMATCH,
                      "The data's \"type\" differs from the event name "
                      "\"%s\"; the event's meaning is ambiguous.", event_name_of(kind));
  if (c->seen_stop)
    return problemf(c, SSEVAL_RULE_EVENT_AFTER_MESSAGE_STOP,
                      "An event arrived after message_stop, which ends the "
                      "message.");
  if (kind == E_MESSAGE_START) {
    if (c->seen_start)
      return problemf(c, SSEVAL_RULE_DUPLICATE_MESSAGE_START,
                        "A second message_start; one stream carries one "
                        "message.");
    return on_message_start(c, &ev);
  }
  if (!c->seen_start)
    return problemf(c, SSEVAL_RULE_EVENT_BEFORE_MESSAGE_START,
                      "A content or message event before message_start.");
  switch (kind) {
  case E_BLOCK_START: return on_block_start(c, &ev);
  case E_BLOCK_DELTA: return on_block_delta(c, &ev);
  case E_BLOCK_STOP: return on_block_stop(c, &ev);
  case E_MESSAGE_DELTA: return on_message_delta(c, &ev, sev->data);
  default: return on_message_stop(c);
  }
}

/* feed, finish, reset (and this) called from inside a callback: refused,
 * and the call that ran the callback stops with SSEVAL_E_MISUSE. Returns 1
 * when c is busy. */
static int reentered(sseval_claude *c) {
  if (!c->busy) return 0;
  c->status = SSEVAL_E_MISUSE; /* overrides E_OK and E_CALLBACK alike */
  return 1;
}

int sseval_claude_on_sse_event(sseval_claude *c, const sseval_sse_event *sev) {
  if (reentered(c)) return SSEVAL_CB_ABORT;
  if (c->status != SSEVAL_OK) return SSEVAL_CB_ABORT;
  if (c->done) { /* after the verdict: only a later error event is read */
    if (!c->scanning || !(sev->flags & SSEVAL_SSE_TYPE_SET) ||
        event_kind(sev->type.ptr, sev->type.len) != E_ERROR)
      return SSEVAL_CB_OK;
    c->scanning = 0;
    if (read_error(c, sev->data) < 0) return SSEVAL_CB_ABORT;
    /* nothing more to learn: feed stops its scan here (and knows where);
     * an outside tokenizer is not paused by events it was not told of */
    return c->in_feed ? SSEVAL_CB_PAUSE : SSEVAL_CB_OK;
  }
  c->res.events++;
  c->busy = 1;
  if (c->cb->on_sse_event &&
      cb_rc(c, c->cb->on_sse_event(c->user, sev)) < 0) {
    c->busy = 0;
    return SSEVAL_CB_ABORT;
  }
  process_event(c, sev);
  c->busy = 0;
  if (c->status != SSEVAL_OK) return SSEVAL_CB_ABORT;
  if (c->done) { /* verdict reached: stop tokenizing (same counts for every
                    chunking); feed drains the rest */
    c->pause_req = 0;
    return SSEVAL_CB_PAUSE;
  }
  if (c->pause_req) {
    c->pause_req = 0;
    return SSEVAL_CB_PAUSE;
  }
  return SSEVAL_CB_OK;
}

static int tok_on_event(void *user, const sseval_sse_event *ev) {
  return sseval_claude_on_sse_event((sseval_claude *)user, ev);
}

/* ---- lifecycle ------------------------------------------------------------------ */

void sseval_claude_callbacks_init(sseval_claude_callbacks *cbs) {
  if (!cbs) return;
  memset(cbs, 0, sizeof *cbs);
  cbs->struct_size = sizeof *cbs;
}

void sseval_claude_options_init(sseval_claude_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->max_line_bytes = SSEVAL_SSE_DEFAULT_MAX_LINE;
  o->max_event_bytes = SSEVAL_SSE_DEFAULT_MAX_EVENT;
  o->max_json_depth = SSEVAL_CLAUDE_DEFAULT_MAX_JSON_DEPTH;
  o->max_blocks = SSEVAL_CLAUDE_DEFAULT_MAX_BLOCKS;
  o->max_block_bytes = SSEVAL_CLAUDE_DEFAULT_MAX_BLOCK_BYTES;
  o->max_tool_input_bytes = SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES;
  o->max_unknown_fields = SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS;
}

static void init_state(sseval_claude *c) {
  uint32_t i;
  for (i = 0; i < c->nblocks; i++) release_js(c, &c->blocks[i]);
  c->nblocks = 0;
  c->seen_start = c->seen_delta = c->seen_stop = 0;
  c->done = c->finished = c->pause_req = c->busy = 0;
  c->last_stop_reason_cut = 0;
  c->scanning = 0;
  c->enough_at = 0;
  c->sniff = SNIFF_BOM;
  c->sniff_len = 0;
  if (c->cold) c->cold->body.len = 0;
  c->status = SSEVAL_OK;
  memset(&c->res, 0, sizeof c->res);
  c->res.verdict = SSEVAL_VERDICT_COMPLETE;
  c->res.rule = SSEVAL_RULE_NONE;
  c->res.detail = "";
  if (c->cold) c->cold->err_type.len = c->cold->err_msg.len = 0;
  memset(&c->st, 0, sizeof c->st);
}

/* The size of the options struct as first released (0.1.0): the end of its
 * last 0.1.0 field. A program built against those headers passes this size;
 * fields added later then take their defaults. Never change it (the
 * callbacks' twin is public, SSEVAL_CLAUDE_CALLBACKS_V1_SIZE in claude.h,
 * because the curl binding checks it too; tests/test_abi.c holds the 0.1.0
 * layouts). */
#define OPTIONS_V1_SIZE                                                        \
  (offsetof(sseval_claude_options, max_unknown_fields) +                       \
   sizeof(((sseval_claude_options *)0)->max_unknown_fields))

/* The callbacks of an instance created without hooks (all NULL). */
static const sseval_claude_callbacks no_callbacks;

/* One allocation: the instance, then its copy of the callback table when
 * any hook is set. The table is aligned: the instance's size is a multiple
 * of its alignment, which includes the pointers the table holds. */
static size_t instance_size(int hooks) {
  return sizeof(sseval_claude) + (hooks ? sizeof(sseval_claude_callbacks) : 0);
}

sseval_status sseval_claude_new(sseval_claude **out,
                                const sseval_claude_callbacks *cbs, void *user,
                                const sseval_claude_options *opts) {
  sseval__mem mem;
  sseval_claude *c;
  sseval_claude_options o;
  sseval_claude_callbacks table;
  sseval_sse_callbacks tcb;
  sseval_sse_options topts;
  sseval_status st;
  int hooks;
  if (!out) return SSEVAL_E_MISUSE;
  *out = NULL;
  if (cbs && cbs->struct_size < SSEVAL_CLAUDE_CALLBACKS_V1_SIZE) return SSEVAL_E_STRUCT_SIZE;
  sseval_claude_options_init(&o);
  if (opts) {
    if (opts->struct_size < OPTIONS_V1_SIZE) return SSEVAL_E_STRUCT_SIZE;
    memcpy(&o, opts,
           opts->struct_size < sizeof o ? opts->struct_size : sizeof o);
  }
  if (!sseval__mem_init(&mem, o.allocator)) return SSEVAL_E_MISUSE;
  sseval_claude_callbacks_init(&table);
  if (cbs)
    memcpy(&table, cbs,
           cbs->struct_size < sizeof table ? cbs->struct_size : sizeof table);
  table.struct_size = 0; /* (no_callbacks' value: compared below) */
  hooks = memcmp(&table, &no_callbacks, sizeof table) != 0;
  c = (sseval_claude *)sseval__mem_alloc(&mem, instance_size(hooks));
  if (!c) return SSEVAL_E_NOMEM;
  memset(c, 0, sizeof *c);
  c->mem = mem;
  c->cb = &no_callbacks;
  if (hooks) {
    table.struct_size = sizeof table;
    memcpy(c + 1, &table, sizeof table);
    c->cb = (const sseval_claude_callbacks *)(const void *)(c + 1);
  }
  c->user = user;
  c->flags = o.flags;
  c->max_depth = o.max_json_depth ? o.max_json_depth
                                  : SSEVAL_CLAUDE_DEFAULT_MAX_JSON_DEPTH;
  if (c->max_depth > SSEVAL__JSTREAM_MAX_DEPTH)
    c->max_depth = SSEVAL__JSTREAM_MAX_DEPTH;
  c->max_blocks = o.max_blocks ? o.max_blocks : SSEVAL_CLAUDE_DEFAULT_MAX_BLOCKS;
  c->max_block_bytes = o.max_block_bytes ? o.max_block_bytes
                                         : SSEVAL_CLAUDE_DEFAULT_MAX_BLOCK_BYTES;
#if SIZE_MAX > 0x7fffffffffffffu
  /* a block entry counts 55 bits of content (block_state) */
  if (c->max_block_bytes > BLOCK_BYTES_MAX)
    c->max_block_bytes = (size_t)BLOCK_BYTES_MAX;
#endif
  c->max_tool_input = o.max_tool_input_bytes
                          ? o.max_tool_input_bytes
                          : SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES;
  c->max_unknown = o.max_unknown_fields ? o.max_unknown_fields
                                        : SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS;
  c->max_line = o.max_line_bytes ? o.max_line_bytes : SSEVAL_SSE_DEFAULT_MAX_LINE;
  c->max_event =
      o.max_event_bytes ? o.max_event_bytes : SSEVAL_SSE_DEFAULT_MAX_EVENT;
  sseval_sse_callbacks_init(&tcb);
  tcb.on_event = tok_on_event;
  sseval_sse_options_init(&topts);
  topts.max_line_bytes = c->max_line;
  topts.max_event_bytes = c->max_event;
  topts.allocator = o.allocator;
  st = sseval_sse_new(&c->tok, &tcb, c, &topts);
  if (st != SSEVAL_OK) {
    sseval__mem_free(&c->mem, c, instance_size(hooks));
    return st;
  }
  sseval__jkeys_init(&c->keys, &c->mem);
  if (c->flags & SSEVAL_CLAUDE_ACCUMULATE) {
    c->acc = sseval__acc_new(&c->mem, c->max_unknown,
                             (c->flags & SSEVAL_CLAUDE_SUMMARY) != 0);
    if (!c->acc) {
      sseval_sse_free(c->tok);
      sseval__mem_free(&c->mem, c, instance_size(hooks));
      return SSEVAL_E_NOMEM;
    }
  }
  init_state(c);
  *out = c;
  return SSEVAL_OK;
}

void sseval_claude_free(sseval_claude *c) {
  sseval__mem mem;
  uint32_t i;
  if (!c) return;
  for (i = 0; i < c->nblocks; i++) release_js(c, &c->blocks[i]);
  if (c->free_js) free_js(c, c->free_js);
  sseval__jkeys_free(&c->keys);
  sseval__mem_free(&c->mem, c->blocks, c->cap_blocks * sizeof *c->blocks);
  sseval__buf_free(&c->scratch, &c->mem);
  if (c->cold) {
    sseval__buf_free(&c->cold->err_type, &c->mem);
    sseval__buf_free(&c->cold->err_msg, &c->mem);
    sseval__buf_free(&c->cold->detail, &c->mem);
    sseval__buf_free(&c->cold->scratch2, &c->mem);
    sseval__buf_free(&c->cold->body, &c->mem);
    sseval__mem_free(&c->mem, c->cold, sizeof *c->cold);
  }
  if (c->acc) sseval__acc_free(c->acc);
  sseval_sse_free(c->tok);
  mem = c->mem;
  sseval__mem_free(&mem, c, instance_size(c->cb != &no_callbacks));
}

void sseval_claude_reset(sseval_claude *c) {
  if (!c || reentered(c)) return;
  init_state(c);
  sseval_sse_reset(c->tok);
  if (c->acc) sseval__acc_reset(c->acc);
  c->mem.calls = 0;
}

/* Map a tokenizer error into the verdict. */
static void tok_error(sseval_claude *c) {
  const sseval_error *e = sseval_sse_error(c->tok);
  if (e->status == SSEVAL_E_LIMIT) {
    int line = e->kind == SSEVAL_SSE_ERR_LINE_TOO_LONG;
    sseval_sse_tail t; /* where the offending (undispatched) event starts */
    sseval_sse_finish(c->tok, &t);
    if (line)
      problem_at(c, SSEVAL_RULE_LINE_TOO_LONG, t.offset, t.line,
                 "A line is longer than max_line_bytes (%llu bytes); raise "
                 "the limit if this stream is legitimate.",
                 (unsigned long long)c->max_line);
    else
      problem_at(c, SSEVAL_RULE_EVENT_TOO_LARGE, t.offset, t.line,
                 "An event's data is larger than max_event_bytes (%llu "
                 "bytes); raise the limit if this stream is legitimate.",
                 (unsigned long long)c->max_event);
  } else if (e->status == SSEVAL_E_NOMEM) {
    if (c->status == SSEVAL_OK) c->status = SSEVAL_E_NOMEM;
    problem_at(c, SSEVAL_RULE_OUT_OF_MEMORY, e->offset, e->line,
               "Memory allocation failed.");
  }
}

/* ---- what the body is ------------------------------------------------------------- */
/*
 * The first line of an event stream (after an optional BOM and blank lines)
 * is a comment or a field the API sends: `event`, `data`, `id`, `retry`,
 * followed by ':' or the end of the line. Anything else (an HTML page, a
 * JSON body, binary, a plain-text error) is not an event stream. The
 * decision needs at most the first 7 bytes of that line, so it is the same
 * whatever the chunking.
 */
static int is_field_prefix(const char *p, size_t n, int whole) {
  static const char *const names[] = {"event", "data", "id", "retry"};
  size_t i;
  for (i = 0; i < 4; i++) {
    size_t l = strlen(names[i]);
    if (whole ? n == l && memcmp(p, names[i], l) == 0
              : n <= l && memcmp(p, names[i], n) == 0)
      return 1;
  }
  return 0;
}

static void not_event_stream(sseval_claude *c, sseval_rule rule,
                             const char *detail) {
  c->sniff = SNIFF_OTHER;
  c->done = 1;
  c->scanning = 0;
  c->res.rule = rule;
  c->res.verdict = SSEVAL_VERDICT_NOT_EVENT_STREAM;
  c->res.has_offset = 1;
  c->res.offset = 0;
  c->res.line = 1;
  c->res.detail = detail; /* fixed sentences: nothing to allocate */
}

/* Look at buf until the body's kind is known. Returns how many bytes come
 * before a JSON body's first byte (len when there is none). */
static size_t sniff(sseval_claude *c, const char *buf, size_t len) {
  static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
  size_t i;
  for (i = 0; i < len && c->sniff < SNIFF_SSE; i++) {
    unsigned char b = (unsigned char)buf[i];
    if (c->sniff == SNIFF_BOM) {
      if (b == bom[c->sniff_len]) {
        if (++c->sniff_len == 3) {
          c->sniff = SNIFF_LINE;
          c->sniff_len = 0;
        }
        continue;
      }
      if (c->sniff_len) break; /* a cut BOM: binary */
      c->sniff = SNIFF_LINE;
    }
    if (c->sniff == SNIFF_LINE) {
      if (b == '\n' || b == '\r') continue;
      if (b == '{' || b == '[') {
        c->sniff = SNIFF_JSON;
        return i;
      }
      c->sniff = SNIFF_NAME;
    }
    /* SNIFF_NAME */
    if (b == ':' || b == '\n' || b == '\r') {
      c->sniff = c->sniff_len == 0 || is_field_prefix(c->sniff_buf,
                                                      c->sniff_len, 1)
                     ? SNIFF_SSE
                     : SNIFF_NAME; /* an unknown field first: see below */
      if (c->sniff == SNIFF_SSE) return len;
      break;
    }
    c->sniff_buf[c->sniff_len++] = (char)b;
    if (!is_field_prefix(c->sniff_buf, c->sniff_len, 0)) break;
  }
  if (i < len && c->sniff < SNIFF_SSE) {
    c->enough_at = c->res.bytes + i + 1;
    not_event_stream(c, SSEVAL_RULE_NOT_EVENT_STREAM,
                     "The body is not an event stream: its first line is not "
                     "an event-stream field (an HTML page, a plain-text or "
                     "binary body?); do not retry it as a cut stream.");
  }
  return len;
}

/* A JSON body: collect it (up to max_event_bytes) for finish; `base` is
 * the input offset of buf. */
static sseval_status collect_body(sseval_claude *c, const char *buf,
                                  size_t len, uint64_t base) {
  const size_t have = c->cold ? c->cold->body.len : 0;
  cold_bufs *k;
  if (len > c->max_event - have) {
    c->enough_at = base + (c->max_event - have) + 1;
    not_event_stream(c, SSEVAL_RULE_NOT_EVENT_STREAM,
                     "The body is JSON larger than max_event_bytes, not an "
                     "event stream; do not retry it as a cut stream.");
    return SSEVAL_OK;
  }
  if (!(k = cold_of(c)) || !sseval__buf_append(&k->body, &c->mem, buf, len)) {
    c->status = SSEVAL_E_NOMEM;
    problem_at(c, SSEVAL_RULE_OUT_OF_MEMORY, 0, 1,
               "Memory allocation failed.");
    return SSEVAL_E_NOMEM;
  }
  return SSEVAL_OK;
}

/* At finish: what the collected JSON body is. */
static void classify_body(sseval_claude *c) {
  sseval__jcur cur;
  parsed ev;
  sseval_api_error e;
  char scratch[1];
  cold_bufs *k = c->cold; /* (the body is collected there) */
  const char *body = k ? k->body.ptr : NULL;
  const size_t body_len = k ? k->body.len : 0;
  if (sseval_parse_error_body(body, body_len, scratch, 0, &e) == SSEVAL_OK) {
    /* parse again into owned buffers (the result's strings live here) */
    sseval__jcur_init(&cur, body, body_len, c->max_depth);
    if (k && walk_event(&cur, T_ERROR, &ev)) {
      sseval_span t, m;
      k->err_type.len = k->err_msg.len = 0;
      memset(&t, 0, sizeof t);
      m = t;
      if ((decoded(c, &ev.sub[S_TYPE].v, &t) &&
           sseval__buf_append(&k->err_type, &c->mem, t.ptr, t.len)) &&
          (!ev.sub[S_MESSAGE].present || ev.sub[S_MESSAGE].bad ||
           (decoded(c, &ev.sub[S_MESSAGE].v, &m) &&
            sseval__buf_append(&k->err_msg, &c->mem, m.ptr, m.len)))) {
        memset(&c->res.error, 0, sizeof c->res.error);
        c->res.error.type.ptr = k->err_type.ptr;
        c->res.error.type.len = k->err_type.len;
        c->res.error.message.ptr = k->err_msg.ptr;
        c->res.error.message.len = k->err_msg.len;
        c->res.error.retryable =
            sseval_error_type_classify(c->res.error.type,
                                       &c->res.error.http_status);
        c->res.has_error = 1;
      }
    }
    not_event_stream(c, SSEVAL_RULE_ERROR_BODY,
                     "The body is a JSON error (the response of a failed "
                     "request), not an event stream; see error.");
    return;
  }
  sseval__jcur_init(&cur, body, body_len, c->max_depth);
  if (walk_event(&cur, T_N, &ev) && ev.top[T_TYPE].present &&
      !ev.top[T_TYPE].bad && sseval__jstr_eq(&ev.top[T_TYPE].v, "message", 7)) {
    not_event_stream(c, SSEVAL_RULE_MESSAGE_BODY,
                     "The body is a whole message as the non-streaming API "
                     "returns it, not an event stream (was stream: true "
                     "sent?).");
    return;
  }
  not_event_stream(c, SSEVAL_RULE_NOT_EVENT_STREAM,
                   "The body starts like JSON but is not an error or a "
                   "message, and not an event stream; do not retry it as a "
                   "cut stream.");
}

int sseval_claude_wants_more(const sseval_claude *c, uint64_t *enough_at) {
  int more = !c->finished && c->status == SSEVAL_OK && (!c->done || c->scanning);
  if (enough_at)
    *enough_at = more ? 0 : c->enough_at ? c->enough_at : c->res.bytes;
  return more;
}

/* After the verdict: read the rest of buf (at input offset `base`) for a
 * later error event (names only). Returns SSEVAL_OK, or E_NOMEM. */
static sseval_status scan_rest(sseval_claude *c, const void *buf, size_t len,
                               uint64_t base) {
  size_t used = 0;
  sseval_status st;
  if (!c->scanning) {
    if (!c->enough_at) c->enough_at = base; /* the verdict's event ended here */
    return SSEVAL_OK;
  }
  if (len == 0) return SSEVAL_OK;
  c->in_feed = 1;
  st = sseval_sse_feed(c->tok, buf, len, &used);
  c->in_feed = 0;
  if (st == SSEVAL_OK) return SSEVAL_OK;
  if (st == SSEVAL_PAUSED) { /* the error event was found */
    c->enough_at = base + used;
    return SSEVAL_OK;
  }
  c->scanning = 0; /* a limit (or no memory) ends the scan; verdict kept */
  c->enough_at = sseval_sse_error(c->tok)->offset;
  if (st == SSEVAL_E_NOMEM || c->status != SSEVAL_OK) {
    if (c->status == SSEVAL_OK) c->status = SSEVAL_E_NOMEM;
    return c->status;
  }
  return SSEVAL_OK;
}

sseval_status sseval_claude_feed(sseval_claude *c, const void *buf, size_t len,
                                 size_t *consumed) {
  sseval_status st;
  size_t used = 0;
  if (consumed) *consumed = 0;
  if (reentered(c)) return SSEVAL_E_MISUSE;
  if (c->status != SSEVAL_OK) return c->status;
  if (c->finished) return SSEVAL_E_MISUSE;
  if (!buf) { /* no bytes; and no arithmetic on a null pointer below */
    buf = "";
    len = 0;
  }
  if (c->sniff != SNIFF_SSE && !c->done) {
    size_t k = c->sniff == SNIFF_JSON ? 0 : sniff(c, (const char *)buf, len);
    if (c->sniff == SNIFF_JSON && !c->done) {
      st = collect_body(c, (const char *)buf + k, len - k, c->res.bytes + k);
      c->res.bytes += len;
      if (consumed) *consumed = len;
      return st;
    }
  }
  if (c->done) { /* the verdict is in: drain (looking for an error event) */
    st = scan_rest(c, buf, len, c->res.bytes);
    c->res.bytes += len;
    if (consumed) *consumed = len;
    return st;
  }
  st = sseval_sse_feed(c->tok, buf, len, &used);
  c->res.bytes += used;
  if (consumed) *consumed = used;
  if (st == SSEVAL_E_CALLBACK) return c->status != SSEVAL_OK ? c->status : st;
  if (st == SSEVAL_E_LIMIT || st == SSEVAL_E_NOMEM) {
    if (!c->done) c->enough_at = sseval_sse_error(c->tok)->offset;
    tok_error(c);
    c->res.bytes += len - used;
    if (consumed) *consumed = len;
    /* E_NOMEM from the tokenizer, or from reserving the detail sentence */
    return st == SSEVAL_E_NOMEM ? SSEVAL_E_NOMEM : c->status;
  }
  if ((st == SSEVAL_OK || st == SSEVAL_PAUSED) && c->done) {
    /* the verdict is in: count the rest as drained */
    st = scan_rest(c, (const char *)buf + used, len - used, c->res.bytes);
    c->res.bytes += len - used;
    if (consumed) *consumed = len;
    return st;
  }
  return st;
}

static sseval_status finish_common(sseval_claude *c, const sseval_sse_tail *t,
                                   uint64_t end_off, uint64_t end_line,
                                   sseval_claude_result *out) {
  if (reentered(c)) return SSEVAL_E_MISUSE;
  if (c->finished) { /* a sticky status error takes precedence */
    if (out) sseval_claude_get_result(c, out);
    return c->status != SSEVAL_OK ? c->status : SSEVAL_E_MISUSE;
  }
  c->finished = 1;
  c->scanning = 0;
  if (!c->done && c->sniff == SNIFF_JSON) classify_body(c);
  /* no message_stop: truncated, also when a callback aborted the reading
   * (the message did not arrive whole; the status says why it stopped) */
  if (!c->done && !c->seen_stop) {
    /* fixed sentences: finish allocates nothing */
    c->done = 1;
    c->res.rule = t->discarded ? SSEVAL_RULE_EOF_INSIDE_EVENT
                               : SSEVAL_RULE_EOF_BEFORE_MESSAGE_STOP;
    c->res.verdict = SSEVAL_VERDICT_TRUNCATED;
    c->res.has_offset = 1;
    c->res.offset = end_off;
    c->res.line = end_line;
    c->res.detail =
        end_off == 0
            ? "The body was empty: no event arrived (the connection closed "
              "before the response body); retry the request."
        : t->discarded
            ? "The body ended inside an unfinished event (no blank line "
              "after it) before message_stop: the stream was cut."
            : "The body ended before message_stop: the stream was cut; "
              "retry the request or keep the partial message.";
  }
  if (out) sseval_claude_get_result(c, out);
  return c->status;
}

sseval_status sseval_claude_finish(sseval_claude *c, sseval_claude_result *out) {
  sseval_sse_tail t;
  memset(&t, 0, sizeof t);
  if (reentered(c)) return SSEVAL_E_MISUSE;
  if (!c->finished && sseval_sse_finish(c->tok, &t) == SSEVAL_E_LIMIT &&
      !c->done)
    tok_error(c); /* a limit only end of input could reveal */
  return finish_common(c, &t, c->res.bytes, t.end_line ? t.end_line : 1, out);
}

sseval_status sseval_claude_finish_external(sseval_claude *c,
                                            const sseval_sse_tail *tail,
                                            sseval_claude_result *out) {
  sseval_sse_tail t;
  if (tail)
    t = *tail;
  else
    memset(&t, 0, sizeof t);
  return finish_common(c, &t, t.end_offset, t.end_line ? t.end_line : 1, out);
}

void sseval_claude_get_result(const sseval_claude *c,
                              sseval_claude_result *out) {
  *out = c->res;
  out->finished = c->finished;
  if (out->detail == NULL) out->detail = "";
}

/* ---- accessors ---------------------------------------------------------------------- */

uint32_t sseval_claude_block_count(const sseval_claude *c) {
  return c->acc ? sseval__acc_count(c->acc) : 0;
}

sseval_status sseval_claude_block(const sseval_claude *c, uint32_t i,
                                  sseval_block_view *out) {
  if (!c->acc || !sseval__acc_block(c->acc, i, out)) return SSEVAL_E_MISUSE;
  return SSEVAL_OK;
}

sseval_status sseval_claude_block_text_length(const sseval_claude *c,
                                              uint32_t i, size_t *bytes,
                                              size_t *chars) {
  if (!c->acc || !bytes || !chars) return SSEVAL_E_MISUSE;
  return sseval__acc_text_length(c->acc, i, bytes, chars) ? SSEVAL_OK
                                                          : SSEVAL_E_MISUSE;
}

void sseval_claude_message(const sseval_claude *c, sseval_message_view *out) {
  memset(out, 0, sizeof *out);
  if (c->acc) sseval__acc_message(c->acc, out);
}

sseval_status sseval_claude_write_message_json(const sseval_claude *c,
                                               sseval_write_fn write,
                                               void *ctx) {
  if (!c->acc) return SSEVAL_E_MISUSE;
  return sseval__acc_write(c->acc, write, ctx);
}

sseval_status sseval_claude_write_usage_json(const sseval_claude *c,
                                             sseval_write_fn write, void *ctx) {
  if (!c->acc) return SSEVAL_E_MISUSE;
  return sseval__acc_write_usage(c->acc, write, ctx);
}

/* sseval_claude_message_json: a sink that fills a caller's buffer. */
typedef struct buf_sink {
  char *out;
  size_t cap, len;
} buf_sink;
static int to_buf(void *ctx, const char *bytes, size_t len) {
  buf_sink *b = (buf_sink *)ctx;
  if (b->len < b->cap) {
    size_t n = b->cap - b->len < len ? b->cap - b->len : len;
    memcpy(b->out + b->len, bytes, n);
  }
  b->len += len;
  return 0;
}

sseval_status sseval_claude_message_json(const sseval_claude *c, char *out,
                                         size_t out_cap, size_t *out_len) {
  buf_sink b;
  sseval_status st;
  if (!out_len || (!out && out_cap)) return SSEVAL_E_MISUSE;
  *out_len = 0;
  b.out = out;
  b.cap = out_cap;
  b.len = 0;
  st = sseval_claude_write_message_json(c, to_buf, &b);
  if (st != SSEVAL_OK) return st;
  *out_len = b.len;
  if (b.len >= out_cap) {
    if (out_cap) out[out_cap - 1] = '\0';
    return SSEVAL_E_LIMIT;
  }
  out[b.len] = '\0';
  return SSEVAL_OK;
}

/* sseval_claude_usage: scans the compact usage JSON our writer produces, in
 * whatever pieces the writer hands out, for the top-level counters. */
typedef struct usage_scan {
  sseval_usage u;
  int depth, in_str, esc, in_key, key_next;
  int want; /* 1..4: the counter whose value comes next, 0: none */
  char key[40];
  size_t klen;
  int num;           /* reading the digits of a wanted value */
  int num_ok;        /* digits only so far */
  uint64_t v;
} usage_scan;
static void usage_store(usage_scan *s) {
  if (s->num_ok) {
    switch (s->want) {
    case 1: s->u.has_input_tokens = 1; s->u.input_tokens = s->v; break;
    case 2: s->u.has_output_tokens = 1; s->u.output_tokens = s->v; break;
    case 3:
      s->u.has_cache_creation_input_tokens = 1;
      s->u.cache_creation_input_tokens = s->v;
      break;
    default:
      s->u.has_cache_read_input_tokens = 1;
      s->u.cache_read_input_tokens = s->v;
    }
  }
  s->num = 0;
  s->want = 0;
}
static int usage_piece(void *ctx, const char *p, size_t n) {
  usage_scan *s = (usage_scan *)ctx;
  static const char *const names[] = {"input_tokens", "output_tokens",
                                      "cache_creation_input_tokens",
                                      "cache_read_input_tokens"};
  size_t i, k;
  for (i = 0; i < n; i++) {
    char ch = p[i];
    if (s->in_str) {
      if (s->esc) s->esc = 0;
      else if (ch == '\\') s->esc = 1;
      else if (ch == '"') {
        s->in_str = 0;
        if (s->in_key) {
          s->in_key = 0;
          s->want = 0;
          for (k = 0; k < 4; k++)
            if (s->klen == strlen(names[k]) &&
                memcmp(s->key, names[k], s->klen) == 0)
              s->want = (int)k + 1;
        }
        continue;
      }
      if (s->in_key) {
        if (s->klen < sizeof s->key) s->key[s->klen] = ch;
        s->klen++;
      }
      continue;
    }
    if (s->num) {
      if (ch >= '0' && ch <= '9') {
        unsigned d = (unsigned)(ch - '0');
        if (s->v > (UINT64_MAX - d) / 10) s->num_ok = 0;
        else s->v = s->v * 10 + d;
        continue;
      }
      if (ch == ',' || ch == '}') usage_store(s);
      else s->num_ok = 0;
    }
    if (ch == '"') {
      s->in_str = 1;
      s->in_key = s->key_next; /* the string after '{' or ',' at depth 1 */
      s->key_next = 0;
      s->klen = 0;
      continue;
    }
    if (ch == '{' || ch == '[') s->depth++;
    else if (ch == '}' || ch == ']') s->depth--;
    s->key_next = s->depth == 1 && (ch == '{' || ch == ',');
    if (ch == ':' && s->depth == 1 && s->want) {
      s->num = 1;
      s->num_ok = 1;
      s->v = 0;
    }
  }
  return 0;
}

sseval_status sseval_claude_usage(const sseval_claude *c, sseval_usage *out,
                                  size_t out_size) {
  usage_scan s;
  sseval_status st;
  if (!out) return SSEVAL_E_MISUSE;
  memset(&s, 0, sizeof s);
  st = sseval_claude_write_usage_json(c, usage_piece, &s);
  if (st != SSEVAL_OK) memset(&s.u, 0, sizeof s.u);
  memcpy(out, &s.u, out_size < sizeof s.u ? out_size : sizeof s.u);
  return st == SSEVAL_OK ? SSEVAL_OK : SSEVAL_E_MISUSE;
}

void sseval_claude_get_stats(const sseval_claude *c, sseval_claude_stats *out) {
  sseval_sse_stats ts;
  sseval_sse_get_stats(c->tok, &ts);
  memset(out, 0, sizeof *out);
  out->events = c->res.events;
  out->pings = c->st.pings;
  out->unknown_events = c->st.unknown_events;
  out->unknown_deltas = c->st.unknown_deltas;
  out->unknown_blocks = c->st.unknown_blocks;
  out->bytes_copied = c->st.bytes_copied;
  out->allocations = c->mem.calls + ts.allocations;
  out->bytes_copied += ts.bytes_copied;
  out->bytes_zero_copy = ts.bytes_zero_copy;
}

size_t sseval_claude_memory(const sseval_claude *c) {
  return c->mem.held + sseval_sse_memory(c->tok);
}

/* ---- non-streaming error bodies ---------------------------------------------------- */
/* Append the decoded value of a validated string to scratch, as much as fits
 * (cut at a UTF-8 boundary: decoded pieces are valid UTF-8). */
static sseval_span copy_decoded(const sseval__jstr *s, char *scratch,
                                size_t cap, size_t *used) {
  sseval__jdec d;
  sseval_span piece, out;
  out.ptr = scratch ? scratch + *used : NULL;
  out.len = 0;
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece)) {
    size_t n = piece.len;
    int full = n > cap - *used;
    if (full) {
      n = cap - *used;
      while (n > 0 && ((unsigned char)piece.ptr[n] & 0xC0) == 0x80) n--;
    }
    if (n) memcpy(scratch + *used, piece.ptr, n);
    *used += n;
    out.len += n;
    if (full) break;
  }
  return out;
}

sseval_status sseval_parse_error_body(const void *body, size_t len,
                                      char *scratch, size_t scratch_cap,
                                      sseval_api_error *out) {
  sseval__jcur cur;
  parsed ev;
  size_t used = 0, n;
  if (!out) return SSEVAL_E_MISUSE;
  memset(out, 0, sizeof *out);
  if ((!body && len) || (!scratch && scratch_cap)) return SSEVAL_E_MISUSE;
  sseval__jcur_init(&cur, body, len, SSEVAL_CLAUDE_DEFAULT_MAX_JSON_DEPTH);
  if (walk_event(&cur, T_ERROR, &ev) && ev.has_sub &&
      ev.sub[S_TYPE].present && !ev.sub[S_TYPE].bad &&
      (!ev.top[T_TYPE].present ||
       (!ev.top[T_TYPE].bad &&
        sseval__jstr_eq(&ev.top[T_TYPE].v, "error", 5)))) {
    out->type = copy_decoded(&ev.sub[S_TYPE].v, scratch, scratch_cap, &used);
    if (ev.sub[S_MESSAGE].present && !ev.sub[S_MESSAGE].bad)
      out->message =
          copy_decoded(&ev.sub[S_MESSAGE].v, scratch, scratch_cap, &used);
    out->retryable = sseval_error_type_classify(out->type, &out->http_status);
    return SSEVAL_OK;
  }
  n = len < scratch_cap ? len : scratch_cap;
  if (n) memcpy(scratch, body, n);
  out->message.ptr = n ? scratch : NULL;
  out->message.len = n;
  return SSEVAL_E_INVALID;
}
