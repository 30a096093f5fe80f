/* SPDX-License-Identifier: MIT */
/*
 * src/gen.c - the stream generator of sseval/gen.h: seeded valid streams,
 * broken streams with the report they must give, and the program decoder
 * for fuzzers; plus the fuzzing kit of sseval/fuzzkit.h built on them.
 * Deterministic: splitmix64 is the only source of choices.
 */
#include <string.h>

#include "internal.h"
#include "sseval/fuzzkit.h"
#include "sseval/gen.h"

/* ---- output buffers ---------------------------------------------------------------- */
typedef struct gbuf {
  char *p;
  size_t len, cap;
  sseval__mem *m;
  int *oom; /* set on allocation failure; appends stop */
} gbuf;

static void gb_init(gbuf *b, sseval__mem *m, int *oom) {
  b->p = NULL;
  b->len = b->cap = 0;
  b->m = m;
  b->oom = oom;
}

static void gb_free(gbuf *b) {
  if (b->p) sseval__mem_free(b->m, b->p, b->cap);
  b->p = NULL;
  b->len = b->cap = 0;
}

static int gb_reserve(gbuf *b, size_t n) {
  size_t cap;
  char *np;
  if (*b->oom) return 0;
  if (b->p && b->len + n + 1 <= b->cap) return 1;
  cap = b->cap ? b->cap : 256;
  while (cap < b->len + n + 1) {
    if (cap > ((size_t)-1) / 2) {
      *b->oom = 1;
      return 0;
    }
    cap *= 2;
  }
  np = b->p ? (char *)sseval__mem_realloc(b->m, b->p, b->cap, cap)
            : (char *)sseval__mem_alloc(b->m, cap);
  if (!np) {
    *b->oom = 1;
    return 0;
  }
  b->p = np;
  b->cap = cap;
  return 1;
}

/* Appends check the room left inline and call gb_reserve only to grow (a
 * buffer with p != NULL always has room for its NUL). */
static void gb_add(gbuf *b, const void *s, size_t n) {
  if ((!b->p || n >= b->cap - b->len) && !gb_reserve(b, n)) return;
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void gb_str(gbuf *b, const char *s) { gb_add(b, s, strlen(s)); }

static void gb_byte(gbuf *b, unsigned c) {
  if ((!b->p || b->cap - b->len < 2) && !gb_reserve(b, 1)) return;
  b->p[b->len++] = (char)c;
  b->p[b->len] = '\0';
}

/* v in decimal into buf (at least 21 bytes). */
static void u64_to(char *buf, uint64_t v) {
  char tmp[24];
  int i = 23;
  tmp[i] = '\0';
  do {
    tmp[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  memcpy(buf, tmp + i, (size_t)(24 - i));
}

/* v in decimal to w (no NUL); returns the end. */
static char *u64_dec(char *w, uint64_t v) {
  char tmp[24];
  int i = 24;
  do {
    tmp[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  memcpy(w, tmp + i, (size_t)(24 - i));
  return w + (24 - i);
}

static void gb_u64(gbuf *b, uint64_t v) {
  char tmp[24];
  gb_add(b, tmp, (size_t)(u64_dec(tmp, v) - tmp));
}

/* Replace b[at, at + del) with ins[0, n). */
static void gb_splice(gbuf *b, size_t at, size_t del, const char *ins, size_t n) {
  if (n > del && !gb_reserve(b, n - del)) return;
  if (*b->oom) return;
  memmove(b->p + at + n, b->p + at + del, b->len - at - del);
  if (n) memcpy(b->p + at, ins, n);
  b->len = b->len - del + n;
  b->p[b->len] = '\0';
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0], lo = 0x80, hi = 0xBF;
  size_t need, k;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n < need + 1) return 0;
  for (k = 1; k <= need; k++) {
    unsigned d = s[k];
    if (d < (k == 1 ? lo : 0x80u) || d > (k == 1 ? hi : 0xBFu)) return 0;
  }
  return need + 1;
}

static const char hexd[] = "0123456789abcdef";

/* \uXXXX for v to w; returns the end. */
static char *u4_to(char *w, unsigned v) {
  w[0] = '\\';
  w[1] = 'u';
  w[2] = hexd[(v >> 12) & 15];
  w[3] = hexd[(v >> 8) & 15];
  w[4] = hexd[(v >> 4) & 15];
  w[5] = hexd[v & 15];
  return w + 6;
}

/* Bytes a JSON string carries as they are: 1 (ASCII), 2 (non-ASCII: as
 * they are unless uesc), 0 (escaped). */
static const unsigned char json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Write s[0..n) (valid UTF-8) escaped to w, which has room for 6 n bytes
 * (the longest escape: \u00XX for one byte); returns the end. */
static char *json_escape_to(char *w, const unsigned char *s, size_t n,
                            int short_esc, int uesc) {
  size_t i = 0;
  unsigned keep = uesc ? 1u : 3u; /* the json_plain values kept as they are */
  while (i < n) {
    unsigned c = s[i];
    if (json_plain[c] & keep) {
      *w++ = (char)c;
      i++;
    } else if (c == '"' || c == '\\') {
      *w++ = '\\';
      *w++ = (char)c;
      i++;
    } else if (c < 0x20) {
      if (short_esc && (c == '\n' || c == '\t' || c == '\r')) {
        *w++ = '\\';
        *w++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
      } else {
        w = u4_to(w, c);
      }
      i++;
    } else {
      size_t k = utf8_seq(s + i, n - i), j;
      unsigned cp;
      if (!k) { /* never generated; keep the byte */
        *w++ = (char)c;
        i++;
        continue;
      }
      cp = k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
      for (j = 1; j < k; j++) cp = cp << 6 | (s[i + j] & 0x3Fu);
      if (cp >= 0x10000) {
        w = u4_to(w, 0xD800 + ((cp - 0x10000) >> 10));
        w = u4_to(w, 0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        w = u4_to(w, cp);
      }
      i += k;
    }
  }
  return w;
}

/* Append s[0..n) (valid UTF-8) as the contents of a JSON string. `short_esc`:
 * \n \t \r as two-character escapes (else \u00XX); `uesc`: non-ASCII as \u
 * escapes (surrogate pairs above U+FFFF), as some encoders write it. */
static void json_escape(gbuf *b, const unsigned char *s, size_t n, int short_esc,
                        int uesc) {
  char *w;
  if (n > ((size_t)-1) / 8 || !gb_reserve(b, 6 * n)) return;
  w = json_escape_to(b->p + b->len, s, n, short_esc, uesc);
  b->len = (size_t)(w - b->p);
  b->p[b->len] = '\0';
}

/* ==== the seeded generator ========================================================= */

/* splitmix64, from its published definition. */
static uint64_t sm64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Event kinds and block kinds of the log. */
enum { EK_MSTART, EK_BSTART, EK_DELTA, EK_BSTOP, EK_MDELTA, EK_MSTOP, EK_PING };
enum { BK_TEXT, BK_THINKING, BK_REDACTED, BK_TOOL, BK_RESULT, BK_COMPACTION };
/* How a delta counts toward max_block_bytes: not at all, content, tool input. */
enum { DC_NONE, DC_CONTENT, DC_INPUT };

/* One event written, as the log the mutations work on. */
typedef struct gev {
  size_t start, end;   /* bytes [start, end) of the stream */
  size_t json, jlen;   /* its payload in the json log (broken mode) */
  size_t data_len;     /* the dispatched data length (lines joined) */
  uint32_t block;      /* block index (block events) */
  unsigned char kind;  /* EK_* */
  unsigned char count; /* DC_* */
  size_t n;            /* bytes counted toward the block limits */
} gev;

typedef struct sg {
  uint64_t s;
  gbuf *out;
  gbuf js, piece, tool, evs, jlog, blocks;
  const char *eol;
  int multiline, small, longlines, longtext, keep_json;
  size_t target;
  int oom;
  int reason_cut; /* max_tokens / model_context_window_exceeded: the last
                     block may stay open at message_stop */
  sseval__mem *m;
} sg;

static uint32_t below(sg *g, uint32_t n) { return n ? (uint32_t)(sm64(&g->s) % n) : 0; }
static uint32_t range(sg *g, uint32_t lo, uint32_t hi) { return lo + below(g, hi - lo + 1); }
static int chance(sg *g, unsigned per_mille) { return below(g, 1000) < per_mille; }

static size_t g_nev(const sg *g) { return g->evs.len / sizeof(gev); }
static gev *g_ev(const sg *g, size_t i) { return (gev *)(void *)g->evs.p + i; }
static size_t g_nblocks(const sg *g) { return g->blocks.len; }
static unsigned g_btype(const sg *g, size_t i) { return (unsigned char)g->blocks.p[i]; }

/* Raw UTF-8 tokens as a tokenizer cuts prose, markdown and code; escapes are
 * applied when written. Frequent tokens appear several times. With their
 * lengths: piece_raw appends one per draw. */
typedef struct token {
  char s[16]; /* zero-padded: copied 16 bytes at a time */
  unsigned char len;
} token;
/* (a string literal initialising an array cannot be parenthesised) */
#define T(lit) {lit, sizeof(lit) - 1} /* NOLINT(bugprone-macro-parentheses) */
static const token tokens[] = {
    T(" the"), T(" the"), T(" the"), T(" of"), T(" of"), T(" and"), T(" and"), T(" to"),
    T(" to"), T(" a"), T(" a"), T(" in"), T(" in"), T(" is"), T(" is"), T(" that"),
    T(" for"), T(" it"), T(" as"), T(" with"), T(" on"), T(" be"), T(" this"),
    T(" are"), T(" by"), T(" you"), T(" can"), T(" or"), T(" an"), T(" at"), T(" from"),
    T(" which"), T(" not"), T(" have"), T(" will"), T(" one"), T(" all"), T(" more"),
    T(" when"), T(" there"), T(" use"), T(" each"), T(" your"), T(" we"), T(" how"),
    T(" if"), T(" its"), T(" about"), T(" into"), T(" than"), T(" then"), T(" them"),
    T(" these"), T(" some"), T(" would"), T(" make"), T(" like"), T(" time"),
    T(" only"), T(" new"), T(" also"), T(" way"), T(" first"), T(" data"), T(" stream"),
    T(" event"), T(" parser"), T(" buffer"), T(" value"), T(" function"), T(" return"),
    T(" error"), T(" state"), T(" message"), T(" model"), T(" token"), T(" input"),
    T(" output"), T(" example"), T(" request"), T(" response"), T(" server"),
    T(" client"), T(" important"), T(" consider"), T(" however"), T(" because"),
    T(" different"), T(" approach"), T(" structure"), T(" performance"),
    T(" implementation"), T(" memory"), T(" allocation"), T(" bytes"), T(" chunk"),
    T(" line"), T(" field"), T(" JSON"), T(" UTF"), T("-8"), T("ing"), T("ed"), T("s"),
    T("ly"), T("tion"), T("er"), T("ation"), T("ment"), T("ness"), T("able"), T("al"),
    T("ize"), T("ous"), T("ive"), T("est"), T("."), T("."), T("."), T(","), T(","),
    T(","), T(":"), T(";"), T("?"), T("!"), T(" ("), T(")"), T(" -"), T(" \""), T("\""),
    T("'s"), T("'t"), T(" `"), T("`"), T("**"), T("**"), T(" *"), T("\n"), T("\n"),
    T("\n\n"), T("\n\n"), T("\n-"), T("\n1"), T("\n2"), T("\n3"), T(".\n\n"),
    T(":\n\n"), T("\n```"), T("c\n"), T("```\n"), T("    "), T("  "), T("\t"), T(" {"),
    T("}"), T(" ="), T(" =="), T(" !="), T(" ->"), T("();"), T("[i]"), T(" \\n"),
    T(" C:\\\\Users"), T("\\"), T(" /path/to"), T("/file"), T(".c"), T(" 0"), T(" 1"),
    T(" 42"), T(" 3.14"), T(" 2025"), T(" 64"), T(" KiB"), T(" %"), T("\r\n"),
    T(" \x01"), T("</"), T(" caf\xc3\xa9"), T(" na\xc3\xafve"),
    T(" r\xc3\xa9sum\xc3\xa9"), T(" \xe2\x80\x94"), T("\xe2\x80\x94"),
    T(" \xe2\x80\x9c"), T("\xe2\x80\x9d"), T(" \xe2\x80\xa6"), T("\xe2\x80\x99s"),
    T(" \xc3\xa9"), T(" \xe6\x97\xa5\xe6\x9c\xac"), T("\xe8\xaa\x9e"),
    T("\xe3\x81\xae"), T("\xe3\x81\xa7\xe3\x81\x99"), T("\xe3\x80\x82"),
    T(" \xe4\xb8\xad\xe6\x96\x87"),
    T(" \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"), T(" \xce\xbb"),
    T(" \xce\xa3"), T(" \xc2\xb1"), T(" \xc2\xb0\x43"), T(" \xe2\x82\xac"),
    T(" \xe2\x9c\x93"), T(" \xf0\x9f\x98\x80"), T(" \xf0\x9f\x9a\x80"),
    T("\xf0\x9f\x91\x8d"), T(" \xc3\xbc\x62\x65r"), T(" Stra\xc3\x9f\x65"),
    T(" \xc3\xb8"), T("\xe2\x80\xa8"),
};
#undef T
#define NTOKENS ((uint32_t)(sizeof tokens / sizeof tokens[0]))

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void rand_chars(sg *g, gbuf *b, uint32_t alen, size_t n) {
  size_t i;
  if (!gb_reserve(b, n)) return;
  for (i = 0; i < n; i++) b->p[b->len++] = b64[below(g, alen)];
  b->p[b->len] = '\0';
}

/* Pieces of one or two tokens appended to t until it holds `want` bytes
 * (at least one piece). */
static void pieces_raw(sg *g, gbuf *t, size_t want) {
  char *w, *end;
  /* a piece adds at most 2 * 16 bytes: room for all of them at once */
  if (want > ((size_t)-1) / 2 || !gb_reserve(t, want + 64)) return;
  w = t->p + t->len;
  end = t->p + (want > t->len ? want : t->len + 1);
  do {
    unsigned n = chance(g, 180) ? 2 : 1, i;
    for (i = 0; i < n; i++) {
      const token *k = &tokens[below(g, NTOKENS)];
      memcpy(w, k->s, 16);
      w += k->len;
    }
  } while (w < end);
  t->len = (size_t)(w - t->p);
  t->p[t->len] = '\0';
}

/* A token-sized piece of raw text: one token, sometimes two. */
static void piece_raw(sg *g, gbuf *t) { pieces_raw(g, t, 0); }

static void pad(sg *g, gbuf *b) {
  unsigned n = g->small ? 0 : below(g, 16);
  gb_add(b, "               ", n);
}

/* Write one event (name + payload) to `dst` in the stream's framing;
 * returns the dispatched data length. */
static size_t frame_event(const sg *g, gbuf *dst, const char *name,
                          const char *json, size_t n, sg *rng) {
  size_t start = 0, i, data = n;
  int in_str = 0;
  if (!g->multiline) { /* one reservation, then plain copies */
    size_t nl = strlen(name), el = strlen(g->eol), need = 7 + nl + 6 + n + 3 * el;
    char *w;
    if ((!dst->p || need >= dst->cap - dst->len) && !gb_reserve(dst, need)) return n;
    w = dst->p + dst->len;
    memcpy(w, "event: ", 7);
    memcpy(w + 7, name, nl);
    w += 7 + nl;
    memcpy(w, g->eol, el);
    memcpy(w + el, "data: ", 6);
    w += el + 6;
    memcpy(w, json, n);
    w += n;
    for (i = 0; i < 2 * el; i++) w[i] = g->eol[i % el];
    dst->len += need;
    dst->p[dst->len] = '\0';
    return n;
  }
  gb_str(dst, "event: ");
  gb_str(dst, name);
  gb_str(dst, g->eol);
  if (g->multiline) {
    /* split after commas between the payload's members: the data lines
     * are joined with LF, JSON whitespace there, so the payload is the
     * same JSON value (and no nested value's raw text changes) */
    int depth = 0;
    for (i = 0; i < n; i++) {
      char c = json[i];
      if (in_str) {
        if (c == '\\') i++;
        else if (c == '"') in_str = 0;
      } else if (c == '"') {
        in_str = 1;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 1 && chance(rng, 600)) {
        gb_str(dst, "data: ");
        gb_add(dst, json + start, i + 1 - start);
        gb_str(dst, g->eol);
        start = i + 1;
        data++;
      }
    }
  }
  gb_str(dst, "data: ");
  gb_add(dst, json + start, n - start);
  gb_str(dst, g->eol);
  gb_str(dst, g->eol);
  return data;
}

/* Emit the payload in g->js as event `name`, logging it. */
static void emit(sg *g, const char *name, unsigned kind, uint32_t block,
                 unsigned count, size_t n) {
  gev e;
  if (!g->keep_json) { /* a valid stream: no mutation reads the log */
    frame_event(g, g->out, name, g->js.p, g->js.len, g);
    return;
  }
  memset(&e, 0, sizeof e);
  e.start = g->out->len;
  e.kind = (unsigned char)kind;
  e.block = block;
  e.count = (unsigned char)count;
  e.n = n;
  e.json = g->jlog.len;
  e.jlen = g->js.len;
  gb_add(&g->jlog, g->js.p, g->js.len);
  e.data_len = frame_event(g, g->out, name, g->js.p, g->js.len, g);
  e.end = g->out->len;
  gb_add(&g->evs, &e, sizeof e);
}

static void ping(sg *g) {
  g->js.len = 0;
  gb_str(&g->js, "{\"type\": \"ping\"}");
  emit(g, "ping", EK_PING, 0, DC_NONE, 0);
}

static void maybe_ping(sg *g) {
  if (chance(g, g->small ? 200 : 30)) ping(g);
}

static const char *const models[] = {
    "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805",
    "claude-haiku-4-5-20251001", "claude-sonnet-4-20250514"};

static void message_start(sg *g) {
  gbuf *j = &g->js;
  j->len = 0;
  gb_str(j, "{\"type\":\"message_start\",\"message\":{\"model\":\"");
  gb_str(j, models[below(g, 4)]);
  gb_str(j, "\",\"id\":\"msg_01");
  rand_chars(g, j, 62, 22);
  gb_str(j, "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
            "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":");
  gb_u64(j, range(g, 10, 90000));
  gb_str(j, ",\"cache_creation_input_tokens\":");
  gb_u64(j, below(g, 2) ? 0 : range(g, 100, 5000));
  gb_str(j, ",\"cache_read_input_tokens\":");
  gb_u64(j, below(g, 2) ? 0 : range(g, 100, 50000));
  gb_str(j, ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
            "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":");
  gb_u64(j, range(g, 1, 5));
  gb_str(j, ",\"service_tier\":\"standard\"}}");
  pad(g, j);
  gb_byte(j, '}');
  emit(g, "message_start", EK_MSTART, 0, DC_NONE, 0);
}

/* content_block_start of the next block; `cb` is the content_block object. */
static uint32_t block_start(sg *g, unsigned kind, const char *cb, size_t cblen) {
  uint32_t index = (uint32_t)g_nblocks(g);
  gbuf *j = &g->js;
  j->len = 0;
  gb_str(j, "{\"type\":\"content_block_start\",\"index\":");
  gb_u64(j, index);
  gb_str(j, ",\"content_block\":");
  gb_add(j, cb, cblen);
  pad(g, j);
  gb_byte(j, '}');
  gb_byte(&g->blocks, kind);
  emit(g, "content_block_start", EK_BSTART, index, DC_NONE, 0);
  return index;
}

static void block_stop(sg *g, uint32_t index) {
  gbuf *j = &g->js;
  j->len = 0;
  gb_str(j, "{\"type\":\"content_block_stop\",\"index\":");
  gb_u64(j, index);
  pad(g, j);
  gb_byte(j, '}');
  emit(g, "content_block_stop", EK_BSTOP, index, DC_NONE, 0);
}

/* content_block_delta {"type":dtype, field: "<raw, escaped>"}. */
static void delta_str(sg *g, uint32_t index, const char *dtype, const char *field,
                      const char *raw, size_t rawlen, unsigned count) {
  static const char head[] = "{\"type\":\"content_block_delta\",\"index\":";
  static const char mid[] = ",\"delta\":{\"type\":\"";
  gbuf *j = &g->js;
  size_t dl = strlen(dtype), fl = strlen(field);
  int uesc, short_esc;
  unsigned npad;
  char *w;
  /* the hottest event: written with one reservation (6 bytes per raw byte
   * at most once escaped, 24 for the index, 15 of padding) */
  j->len = 0;
  if (rawlen > ((size_t)-1) / 8 || !gb_reserve(j, 6 * rawlen + dl + fl + 128)) return;
  w = j->p;
  memcpy(w, head, sizeof head - 1);
  w = u64_dec(w + sizeof head - 1, index);
  memcpy(w, mid, sizeof mid - 1);
  w += sizeof mid - 1;
  memcpy(w, dtype, dl);
  w += dl;
  memcpy(w, "\",\"", 3);
  memcpy(w + 3, field, fl);
  w += 3 + fl;
  memcpy(w, "\":\"", 3);
  w += 3;
  /* two draws, in this order: as separate statements, since the order in
   * which a call's arguments are evaluated is unspecified (C11 6.5.2.2p10)
   * and gcc and clang differ; this is the order gcc used for format 1 */
  uesc = !g->longlines && chance(g, 20);
  short_esc = !chance(g, 100);
  w = json_escape_to(w, (const unsigned char *)raw, rawlen, short_esc, uesc);
  *w++ = '"';
  *w++ = '}';
  npad = g->small ? 0 : below(g, 16); /* as pad() */
  memset(w, ' ', npad);
  w += npad;
  *w++ = '}';
  j->len = (size_t)(w - j->p);
  j->p[j->len] = '\0';
  emit(g, "content_block_delta", EK_DELTA, index, count, rawlen);
}

static uint32_t n_deltas(sg *g, uint32_t lo, uint32_t hi) {
  uint32_t a = range(g, lo, hi), c = range(g, lo, hi); /* short, long tail */
  return a < c ? a : c;
}

static void next_piece(sg *g) {
  g->piece.len = 0;
  if (g->longlines) {
    size_t want = range(g, 8u << 10, 384u << 10), left;
    left = g->target > g->out->len + 600 ? g->target - g->out->len - 600 : 1;
    if (want > left) want = left;
    pieces_raw(g, &g->piece, want);
  } else if (g->longtext) {
    pieces_raw(g, &g->piece, range(g, 8u << 10, 64u << 10));
  } else {
    piece_raw(g, &g->piece);
  }
}

/* A text or thinking block streamed piece by piece. */
static void text_like_block(sg *g, int thinking, int citations) {
  uint32_t index, n, i;
  static const char tstart[] = "{\"type\":\"text\",\"text\":\"\"}";
  static const char cstart[] = "{\"citations\":[],\"type\":\"text\",\"text\":\"\"}";
  static const char kstart[] = "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}";
  if (thinking)
    index = block_start(g, BK_THINKING, kstart, sizeof kstart - 1);
  else if (citations)
    index = block_start(g, BK_TEXT, cstart, sizeof cstart - 1);
  else
    index = block_start(g, BK_TEXT, tstart, sizeof tstart - 1);
  if (index == 0 && chance(g, 500)) ping(g);
  n = g->longlines  ? range(g, 2, 6)
      : g->longtext ? range(g, 4, 40)
      : g->small   ? n_deltas(g, 50, 400)
      : thinking   ? n_deltas(g, 20, 700)
                   : n_deltas(g, 10, 1400);
  for (i = 0; i < n && !g->oom; i++) {
    if (i && g->target && g->out->len + 400 >= g->target) break; /* sized */
    next_piece(g);
    delta_str(g, index, thinking ? "thinking_delta" : "text_delta",
              thinking ? "thinking" : "text", g->piece.p, g->piece.len, DC_CONTENT);
    if (citations && chance(g, 30)) {
      gbuf *j = &g->js;
      size_t c0, k;
      j->len = 0;
      gb_str(j, "{\"type\":\"content_block_delta\",\"index\":");
      gb_u64(j, index);
      gb_str(j, ",\"delta\":{\"type\":\"citations_delta\",\"citation\":");
      c0 = j->len;
      gb_str(j, "{\"type\":\"web_search_result_location\",\"cited_text\":\"");
      g->piece.len = 0;
      for (k = range(g, 5, 40); k > 0; k--) piece_raw(g, &g->piece);
      json_escape(j, (const unsigned char *)g->piece.p, g->piece.len, 1, 0);
      gb_str(j, "\",\"url\":\"https://example.com/article/");
      gb_u64(j, below(g, 100000));
      gb_str(j, "\",\"title\":\"Example article ");
      gb_u64(j, below(g, 1000));
      gb_str(j, " | Example News\",\"encrypted_index\":\"");
      rand_chars(g, j, 64, range(g, 120, 200));
      gb_str(j, "=\"}");
      k = j->len - c0; /* the citation object as sent: counted raw */
      gb_byte(j, '}');
      pad(g, j);
      gb_byte(j, '}');
      emit(g, "content_block_delta", EK_DELTA, index, DC_CONTENT, k);
    }
    maybe_ping(g);
  }
  if (thinking) {
    /* as recorded: an empty thinking delta, then the signature */
    delta_str(g, index, "thinking_delta", "thinking", "", 0, DC_CONTENT);
    g->piece.len = 0;
    rand_chars(g, &g->piece, 64, range(g, 300, 900) & ~3u);
    delta_str(g, index, "signature_delta", "signature", g->piece.p, g->piece.len,
              DC_CONTENT);
  }
  block_stop(g, index);
}

/* The raw JSON text of a tool input: strings with escapes and non-ASCII,
 * numbers, literals, nesting. */
static void tool_input_text(sg *g, gbuf *t, int server) {
  uint32_t k;
  if (server) {
    gb_str(t, "{\"query\": \"");
    g->piece.len = 0;
    for (k = range(g, 3, 10); k > 0; k--) piece_raw(g, &g->piece);
    json_escape(t, (const unsigned char *)g->piece.p, g->piece.len, 1, chance(g, 300));
    gb_str(t, "\"}");
    return;
  }
  gb_str(t, "{\"path\": \"/home/user/project/src/file_");
  gb_u64(t, below(g, 1000));
  gb_str(t, ".c\", \"content\": \"");
  g->piece.len = 0;
  for (k = g->longlines ? range(g, 200, 4000) : range(g, 1, 120); k > 0; k--)
    piece_raw(g, &g->piece);
  json_escape(t, (const unsigned char *)g->piece.p, g->piece.len, 1, chance(g, 300));
  gb_str(t, "\", \"line\": ");
  gb_u64(t, below(g, 5000));
  gb_str(t, ", \"ratio\": ");
  gb_u64(t, below(g, 10));
  gb_byte(t, '.');
  gb_u64(t, below(g, 1000));
  gb_str(t, ", \"exp\": -1.5e-");
  gb_u64(t, range(g, 1, 9));
  gb_str(t, below(g, 2) ? ", \"dry_run\": true" : ", \"dry_run\": false");
  gb_str(t, ", \"tags\": [\"a\", \"b\\u00e9\", \"\\ud83d\\ude00\", null, true], "
            "\"opts\": {\"depth\": ");
  gb_u64(t, below(g, 10));
  gb_str(t, ", \"nested\": {\"k\": []}}}");
}

/* A tool_use / server_tool_use block with its input streamed in pieces cut
 * anywhere but inside a UTF-8 sequence. */
static void tool_block(sg *g, int server, const char *server_name) {
  gbuf *cb = &g->tool;
  uint32_t index;
  size_t i, t0;
  cb->len = 0;
  if (server) {
    gb_str(cb, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01");
    rand_chars(g, cb, 62, 22);
    gb_str(cb, "\",\"name\":\"");
    gb_str(cb, server_name);
    gb_str(cb, "\",\"input\":{}}");
  } else {
    gb_str(cb, "{\"type\":\"tool_use\",\"id\":\"toolu_01");
    rand_chars(g, cb, 62, 22);
    gb_str(cb, below(g, 2) ? "\",\"name\":\"str_replace_based_edit_tool\",\"input\":{}}"
                           : "\",\"name\":\"get_weather\",\"input\":{}}");
  }
  index = block_start(g, BK_TOOL, cb->p, cb->len);
  cb->len = 0;
  t0 = 0;
  tool_input_text(g, cb, server);
  delta_str(g, index, "input_json_delta", "partial_json", "", 0, DC_INPUT);
  for (i = t0; i < cb->len && !g->oom;) {
    size_t n = g->longlines ? range(g, 4000, 60000) : range(g, 1, 24);
    size_t j = i + n < cb->len ? i + n : cb->len;
    while (j < cb->len && ((unsigned char)cb->p[j] & 0xC0) == 0x80) j++;
    delta_str(g, index, "input_json_delta", "partial_json", cb->p + i, j - i, DC_INPUT);
    i = j;
    maybe_ping(g);
  }
  block_stop(g, index);
}

/* A server tool result block (complete in its start event). */
static void result_block(sg *g, unsigned which) {
  gbuf *c = &g->tool;
  uint32_t i, n, index;
  c->len = 0;
  switch (which) {
  case 0: /* web search */
    gb_str(c, "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_01");
    rand_chars(g, c, 62, 22);
    gb_str(c, "\",\"content\":[");
    for (i = 0, n = range(g, 2, 5); i < n; i++) {
      gb_str(c, i ? ",{\"type\":\"web_search_result\",\"title\":\"Result "
                  : "{\"type\":\"web_search_result\",\"title\":\"Result ");
      gb_u64(c, i);
      gb_str(c, " \xe2\x80\x94 example\",\"url\":\"https://example.org/");
      gb_u64(c, below(g, 100000));
      gb_str(c, "\",\"encrypted_content\":\"");
      rand_chars(g, c, 64, range(g, 200, 1200));
      gb_str(c, "\",\"page_age\":null}");
    }
    gb_str(c, "]}");
    break;
  case 1: /* web fetch */
    gb_str(c, "{\"type\":\"web_fetch_tool_result\",\"tool_use_id\":\"srvtoolu_01");
    rand_chars(g, c, 62, 22);
    gb_str(c, "\",\"content\":{\"type\":\"web_fetch_result\",\"url\":\"https://example.org/"
              "docs\",\"retrieved_at\":\"2025-11-14T23:34:21.151000+00:00\",\"content\":"
              "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":"
              "\"text/plain\",\"data\":\"");
    g->piece.len = 0;
    for (n = range(g, 20, 200); n > 0; n--) piece_raw(g, &g->piece);
    json_escape(c, (const unsigned char *)g->piece.p, g->piece.len, 1, 0);
    gb_str(c, "\"},\"title\":\"Docs\",\"citations\":{\"enabled\":true}}}}");
    break;
  case 2: /* code execution */
    gb_str(c, "{\"type\":\"bash_code_execution_tool_result\",\"tool_use_id\":\"srvtoolu_01");
    rand_chars(g, c, 62, 22);
    gb_str(c, "\",\"content\":{\"type\":\"bash_code_execution_result\",\"stdout\":\"");
    gb_u64(c, below(g, 1000000));
    gb_str(c, "\\n\",\"stderr\":\"\",\"return_code\":0,\"content\":[]}}");
    break;
  default: /* tool search */
    gb_str(c, "{\"type\":\"tool_search_tool_result\",\"tool_use_id\":\"srvtoolu_01");
    rand_chars(g, c, 62, 22);
    gb_str(c, "\",\"content\":{\"type\":\"tool_search_tool_search_result\","
              "\"tool_references\":[{\"type\":\"tool_reference\",\"tool_name\":"
              "\"get_weather\"}]}}");
    break;
  }
  index = block_start(g, BK_RESULT, c->p, c->len);
  block_stop(g, index);
}

static void redacted_block(sg *g) {
  gbuf *c = &g->tool;
  c->len = 0;
  gb_str(c, "{\"type\":\"redacted_thinking\",\"data\":\"");
  rand_chars(g, c, 64, range(g, 100, 600) & ~3u);
  gb_str(c, "\"}");
  block_stop(g, block_start(g, BK_REDACTED, c->p, c->len));
}

static void compaction_block(sg *g) {
  static const char cstart[] = "{\"type\":\"compaction\",\"content\":\"\"}";
  uint32_t index = block_start(g, BK_COMPACTION, cstart, sizeof cstart - 1);
  gbuf *j = &g->js;
  uint32_t k;
  j->len = 0;
  gb_str(j, "{\"type\":\"content_block_delta\",\"index\":");
  gb_u64(j, index);
  gb_str(j, ",\"delta\":{\"type\":\"compaction_delta\",\"content\":\"");
  g->piece.len = 0;
  for (k = range(g, 10, 80); k > 0; k--) piece_raw(g, &g->piece);
  json_escape(j, (const unsigned char *)g->piece.p, g->piece.len, 1, 0);
  gb_str(j, "\"}");
  pad(g, j);
  gb_byte(j, '}');
  emit(g, "content_block_delta", EK_DELTA, index, DC_NONE, 0);
  block_stop(g, index);
}

static const char *const stop_reasons[] = {
    "end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn",
    "refusal", "model_context_window_exceeded"};

static void message_end(sg *g, const char *reason, int server_tools) {
  gbuf *j = &g->js;
  g->reason_cut = strcmp(reason, "max_tokens") == 0 ||
                  strcmp(reason, "model_context_window_exceeded") == 0;
  j->len = 0;
  gb_str(j, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"");
  gb_str(j, reason);
  gb_str(j, "\",\"stop_sequence\":");
  gb_str(j, strcmp(reason, "stop_sequence") == 0 ? "\"\\n\\nHuman:\"" : "null");
  if (strcmp(reason, "refusal") == 0)
    gb_str(j, ",\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\","
              "\"explanation\":null}");
  gb_str(j, "},\"usage\":{\"input_tokens\":");
  gb_u64(j, range(g, 10, 90000));
  gb_str(j, ",\"cache_creation_input_tokens\":");
  gb_u64(j, below(g, 2) ? 0 : range(g, 100, 5000));
  gb_str(j, ",\"cache_read_input_tokens\":");
  gb_u64(j, below(g, 2) ? 0 : range(g, 100, 50000));
  gb_str(j, ",\"output_tokens\":");
  gb_u64(j, range(g, 1, 20000));
  if (server_tools) {
    gb_str(j, ",\"server_tool_use\":{\"web_search_requests\":");
    gb_u64(j, range(g, 0, 3));
    gb_str(j, ",\"web_fetch_requests\":");
    gb_u64(j, range(g, 0, 2));
    gb_byte(j, '}');
  }
  gb_byte(j, '}');
  pad(g, j);
  gb_byte(j, '}');
  emit(g, "message_delta", EK_MDELTA, 0, DC_NONE, 0);
  j->len = 0;
  gb_str(j, "{\"type\":\"message_stop\"");
  pad(g, j);
  gb_byte(j, '}');
  emit(g, "message_stop", EK_MSTOP, 0, DC_NONE, 0);
}

/* What a breakage needs in the message. */
enum { NEED_TOOL = 1, NEED_TWO_BLOCKS = 2 };

/* One message: a scenario of blocks (size 0) or blocks until the target. */
static void message(sg *g, unsigned need) {
  const char *reason = "end_turn";
  int server = 0;
  message_start(g);
  if (chance(g, 300)) ping(g);
  if (g->target) {
    while (g->out->len + 512 < g->target && g_nblocks(g) < 4000 && !g->oom) {
      uint32_t r = below(g, 100);
      if (g->longtext) {
        text_like_block(g, r < 20, 0);
      } else if (g->small || g->longlines || r < 55) {
        text_like_block(g, 0, 0);
      } else if (r < 70) {
        text_like_block(g, 1, 0);
      } else if (r < 80) {
        tool_block(g, 0, NULL);
        reason = "tool_use";
      } else if (r < 90) {
        tool_block(g, 1, "web_search");
        result_block(g, 0);
        text_like_block(g, 0, 1);
        server = 1;
      } else if (r < 93) {
        redacted_block(g);
      } else if (r < 95) {
        compaction_block(g);
      } else {
        tool_block(g, 1, r < 97 ? "web_fetch" : "bash_code_execution");
        result_block(g, r < 97 ? 1 : 2);
        server = 1;
      }
    }
  } else {
    uint32_t r = below(g, 100);
    if (r < 30) {
      text_like_block(g, 1, 0);
      text_like_block(g, 0, 0);
    } else if (r < 40) {
      text_like_block(g, 0, 0);
      tool_block(g, 1, "web_search");
      result_block(g, 0);
      text_like_block(g, 0, 1);
      server = 1;
    } else if (r < 48) {
      if (chance(g, 500)) text_like_block(g, 0, 0);
      tool_block(g, 0, NULL);
      if (chance(g, 400)) tool_block(g, 0, NULL);
      reason = "tool_use";
    } else if (r < 54) {
      tool_block(g, 1, "web_fetch");
      result_block(g, 1);
      text_like_block(g, 0, 0);
      server = 1;
    } else if (r < 60) {
      text_like_block(g, 0, 0);
      tool_block(g, 1, "bash_code_execution");
      result_block(g, 2);
      text_like_block(g, 0, 0);
      server = 1;
    } else if (r < 64) {
      tool_block(g, 1, "tool_search_tool_regex");
      result_block(g, 3);
      tool_block(g, 0, NULL);
      reason = "tool_use";
    } else if (r < 68) {
      redacted_block(g);
      text_like_block(g, 0, 0);
    } else if (r < 72) {
      compaction_block(g);
      text_like_block(g, 0, 0);
    } else if (r < 76) {
      text_like_block(g, 0, 0);
      tool_block(g, 1, "web_search");
      result_block(g, 0);
      reason = "pause_turn";
      server = 1;
    } else {
      text_like_block(g, 0, 0);
      reason = stop_reasons[below(g, 7)];
      if (strcmp(reason, "tool_use") == 0 || strcmp(reason, "pause_turn") == 0)
        reason = "end_turn";
    }
  }
  if (need & NEED_TOOL) {
    size_t i;
    int has = 0;
    for (i = 0; i < g_nblocks(g); i++) has |= g_btype(g, i) == BK_TOOL;
    if (!has) tool_block(g, 0, NULL);
  }
  while ((need & NEED_TWO_BLOCKS) && g_nblocks(g) < 2) text_like_block(g, 0, 0);
  message_end(g, reason, server);
}

/* ---- broken streams ------------------------------------------------------------------ */

typedef struct expect {
  sseval_rule rule;    /* SSEVAL_RULE_NONE with error_event */
  const char *rule_id; /* NULL: sseval_rule_id(rule) */
  sseval_verdict verdict;
  uint64_t offset;
  const char *mutation;
  const char *opt;     /* a limit option ("--max-blocks") or NULL */
  size_t opt_value;
} expect;

static const char *const event_names[] = {
    "message_start", "content_block_start", "content_block_delta",
    "content_block_stop", "message_delta", "message_stop", "ping"};

static const char *kind_name(unsigned kind) { return event_names[kind]; }

/* Index of the first event of kind `kind` (for block `block` when >= 0). */
static size_t find_ev(const sg *g, unsigned kind, long block) {
  size_t i, n = g_nev(g);
  for (i = 0; i < n; i++) {
    const gev *e = g_ev(g, i);
    if (e->kind == kind && (block < 0 || e->block == (uint32_t)block)) return i;
  }
  return n;
}

static size_t mstop_ev(const sg *g) { return find_ev(g, EK_MSTOP, -1); }

/* Blocks started by the events [0, i]. */
static uint32_t started_upto(const sg *g, size_t i) {
  uint32_t k = 0;
  size_t j;
  for (j = 0; j <= i; j++) k += g_ev(g, j)->kind == EK_BSTART;
  return k;
}

/* Insert event (name, json) at byte `at`; returns `at`. */
static uint64_t insert_event(sg *g, size_t at, const char *name, const char *json,
                             size_t n) {
  gbuf tmp;
  gb_init(&tmp, g->m, &g->oom);
  frame_event(g, &tmp, name, json, n, g);
  gb_splice(g->out, at, 0, tmp.p, tmp.len);
  gb_free(&tmp);
  return at;
}

/* Replace event i with (name, json). */
static void replace_event(sg *g, size_t i, const char *name, const char *json,
                          size_t n) {
  gev *e = g_ev(g, i);
  size_t at = e->start, del = e->end - e->start;
  gbuf tmp;
  gb_init(&tmp, g->m, &g->oom);
  frame_event(g, &tmp, name, json, n, g);
  gb_splice(g->out, at, del, tmp.p, tmp.len);
  gb_free(&tmp);
}

static void delete_event(sg *g, size_t i) {
  gev *e = g_ev(g, i);
  gb_splice(g->out, e->start, e->end - e->start, NULL, 0);
}

static const char *ev_json(const sg *g, size_t i) { return g->jlog.p + g_ev(g, i)->json; }

/* The payload of event i with the index member's value replaced by `v`
 * (NULL: the member removed), into g->js. */
static void json_with_index(sg *g, size_t i, const char *v) {
  const char *j = ev_json(g, i), *p;
  size_t n = g_ev(g, i)->jlen, at, end;
  p = strstr(j, ",\"index\":");
  g->js.len = 0;
  at = (size_t)(p - j);
  end = at + 9;
  while (end < n && j[end] >= '0' && j[end] <= '9') end++;
  gb_add(&g->js, j, v ? at + 9 : at);
  if (v) gb_str(&g->js, v);
  gb_add(&g->js, j + end, n - end);
}

/* The payload of event i with `ins` inserted before its closing brace. */
static void json_with_member(sg *g, size_t i, const char *ins, size_t insn) {
  const char *j = ev_json(g, i);
  size_t n = g_ev(g, i)->jlen;
  g->js.len = 0;
  gb_add(&g->js, j, n - 1);
  gb_add(&g->js, ins, insn);
  gb_byte(&g->js, '}');
}

/* A random event index in [lo, hi). */
static size_t pick(sg *g, size_t lo, size_t hi) {
  return hi > lo ? lo + below(g, (uint32_t)(hi - lo)) : lo;
}

/* A random event in [lo, hi) that is not a ping (sseval reads nothing of
 * a ping's data; a message always has events other than pings). */
static size_t pick_data(sg *g, size_t lo, size_t hi) {
  size_t i;
  do i = pick(g, lo, hi); while (g_ev(g, i)->kind == EK_PING);
  return i;
}

/* A random block of one of the kinds in `mask` (1 << BK_*); -1 if none. */
static long pick_block(sg *g, unsigned mask) {
  size_t i, n = 0, k;
  for (i = 0; i < g_nblocks(g); i++) n += (mask >> g_btype(g, i)) & 1u;
  if (!n) return -1;
  k = below(g, (uint32_t)n);
  for (i = 0; i < g_nblocks(g); i++)
    if (((mask >> g_btype(g, i)) & 1u) && k-- == 0) return (long)i;
  return -1;
}

/* A delta of `dtype` for block `index` (text field "x"), into g->js. */
static void make_delta(sg *g, uint32_t index, const char *delta) {
  g->js.len = 0;
  gb_str(&g->js, "{\"type\":\"content_block_delta\",\"index\":");
  gb_u64(&g->js, index);
  gb_str(&g->js, ",\"delta\":");
  gb_str(&g->js, delta);
  gb_byte(&g->js, '}');
}

/* An input_json_delta of block `index` carrying raw[0, n), into g->js. */
static void input_delta(sg *g, uint32_t index, const char *raw, size_t n) {
  g->js.len = 0;
  gb_str(&g->js, "{\"type\":\"content_block_delta\",\"index\":");
  gb_u64(&g->js, index);
  gb_str(&g->js, ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"");
  json_escape(&g->js, (const unsigned char *)raw, n, 1, 0);
  gb_str(&g->js, "\"}}");
}

static void make_stop(sg *g, uint32_t index) {
  g->js.len = 0;
  gb_str(&g->js, "{\"type\":\"content_block_stop\",\"index\":");
  gb_u64(&g->js, index);
  gb_byte(&g->js, '}');
}

/* A delta that fits a block of kind bk (or any, for other kinds). */
static const char *fitting_delta(unsigned bk) {
  switch (bk) {
  case BK_THINKING: return "{\"type\":\"thinking_delta\",\"thinking\":\"x\"}";
  case BK_TOOL: return "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}";
  case BK_COMPACTION: return "{\"type\":\"compaction_delta\",\"content\":\"x\"}";
  default: return "{\"type\":\"text_delta\",\"text\":\"x\"}";
  }
}

/* Line lengths: the first line longer than L + 2 with no line before it of
 * length within 2 of L (so the answer does not depend on whether a limit
 * counts the line end). Returns the byte where that line starts or -1. */
static long first_long_line(const sg *g, size_t L) {
  const char *p = g->out->p;
  size_t i = 0, n = g->out->len;
  while (i < n) {
    size_t s = i, len;
    while (i < n && p[i] != '\n' && p[i] != '\r') i++;
    len = i - s;
    if (len > L + 2) return (long)s;
    if (len + 2 >= L) return -1; /* ambiguous */
    if (i < n && p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') i++;
    i++;
  }
  return -1;
}

/* The event holding byte `at`. */
static size_t ev_at(const sg *g, size_t at) {
  size_t i, n = g_nev(g);
  for (i = 0; i < n; i++)
    if (at < g_ev(g, i)->end) return i;
  return n ? n - 1 : 0;
}

static size_t max_line_len(const sg *g) {
  const char *p = g->out->p;
  size_t i = 0, n = g->out->len, best = 0;
  while (i < n) {
    size_t s = i;
    while (i < n && p[i] != '\n' && p[i] != '\r') i++;
    if (i - s > best) best = i - s;
    i++;
  }
  return best;
}

/* Simulate max_block_bytes (input = 0) or max_tool_input_bytes (input = 1)
 * = limit: the event of the first delta over it, or -1. */
static long first_over(const sg *g, size_t limit, int input) {
  size_t i, n = g_nev(g), nb = g_nblocks(g);
  size_t *used;
  long hit = -1;
  used = (size_t *)sseval__mem_alloc(g->m, (nb ? nb : 1) * sizeof *used);
  if (!used) return -2;
  memset(used, 0, (nb ? nb : 1) * sizeof *used);
  for (i = 0; i < n && hit < 0; i++) {
    const gev *e = g_ev(g, i);
    if (e->kind != EK_DELTA || e->count == DC_NONE) continue;
    if (input && e->count != DC_INPUT) continue;
    if (e->n > limit - used[e->block]) hit = (long)i;
    used[e->block] += e->n;
  }
  sseval__mem_free(g->m, used, (nb ? nb : 1) * sizeof *used);
  return hit;
}

static size_t block_total(const sg *g, int input) {
  size_t i, n = g_nev(g), best = 0, b, nb = g_nblocks(g);
  for (b = 0; b < nb; b++) {
    size_t t = 0;
    for (i = 0; i < n; i++) {
      const gev *e = g_ev(g, i);
      if (e->kind == EK_DELTA && e->block == b && e->count != DC_NONE &&
          (!input || e->count == DC_INPUT))
        t += e->n;
    }
    if (t > best) best = t;
  }
  return best;
}

#define PROBLEM(r, m) (x->rule = SSEVAL_RULE_##r, x->mutation = (m))

/* Apply breakage `which` (an index into breakages[]) to the message in g. */
static int apply_breakage(sg *g, const char *which, expect *x) {
  size_t nev = g_nev(g), ms = mstop_ev(g), i, j;
  long b;
  x->rule_id = NULL;
  x->opt = NULL;
  x->verdict = SSEVAL_VERDICT_PROTOCOL_VIOLATION;
  if (strcmp(which, "event_name_missing") == 0) {
    i = pick(g, 0, nev);
    gb_splice(g->out, g_ev(g, i)->start,
              7 + strlen(kind_name(g_ev(g, i)->kind)) + strlen(g->eol), NULL, 0);
    x->offset = g_ev(g, i)->start;
    PROBLEM(EVENT_NAME_MISSING, "event_line_removed");
  } else if (strcmp(which, "event_data_not_json") == 0) {
    unsigned v = below(g, 4);
    i = pick_data(g, 0, nev);
    g->js.len = 0;
    if (v == 0) { /* cut inside the JSON */
      gb_add(&g->js, ev_json(g, i), 1 + below(g, (uint32_t)g_ev(g, i)->jlen - 1));
      x->mutation = "json_cut";
    } else if (v == 1) {
      gb_str(&g->js, "Internal server error");
      x->mutation = "json_replaced_by_text";
    } else if (v == 2) { /* a trailing comma */
      json_with_member(g, i, ",", 1);
      x->mutation = "json_trailing_comma";
    } else { /* a byte that is not UTF-8 in a string */
      json_with_member(g, i, ",\"x\":\"\xc3(\"", 8);
      x->mutation = "json_invalid_utf8";
    }
    replace_event(g, i, kind_name(g_ev(g, i)->kind), g->js.p, g->js.len);
    x->offset = g_ev(g, i)->start;
    x->rule = SSEVAL_RULE_EVENT_DATA_NOT_JSON;
    x->verdict = SSEVAL_VERDICT_INVALID_JSON;
  } else if (strcmp(which, "event_type_mismatch") == 0) {
    unsigned k;
    i = pick_data(g, 0, nev);
    k = (g_ev(g, i)->kind + 1 + below(g, 5)) % 6; /* not ping */
    g->js.len = 0;
    gb_add(&g->js, ev_json(g, i), g_ev(g, i)->jlen);
    replace_event(g, i, kind_name(k), g->js.p, g->js.len);
    x->offset = g_ev(g, i)->start;
    PROBLEM(EVENT_TYPE_MISMATCH, "event_renamed");
  } else if (strcmp(which, "event_field_invalid") == 0) {
    static const char *const bad[] = {"\"0\"", "null", "-1", "1.5", NULL};
    unsigned v = below(g, 5);
    do i = pick(g, 1, ms); while (g_ev(g, i)->kind != EK_BSTART &&
                                  g_ev(g, i)->kind != EK_DELTA &&
                                  g_ev(g, i)->kind != EK_BSTOP);
    json_with_index(g, i, bad[v]);
    replace_event(g, i, kind_name(g_ev(g, i)->kind), g->js.p, g->js.len);
    x->offset = g_ev(g, i)->start;
    PROBLEM(EVENT_FIELD_INVALID, bad[v] ? "index_of_wrong_type" : "index_missing");
  } else if (strcmp(which, "event_after_message_stop") == 0) {
    static const unsigned k[] = {EK_MDELTA, EK_MSTOP, EK_BSTOP, EK_MSTART};
    size_t e = find_ev(g, k[below(g, 4)], -1);
    g->js.len = 0;
    gb_add(&g->js, ev_json(g, e), g_ev(g, e)->jlen);
    x->offset = insert_event(g, g->out->len, kind_name(g_ev(g, e)->kind), g->js.p,
                             g->js.len);
    PROBLEM(EVENT_AFTER_MESSAGE_STOP, "event_after_message_stop");
  } else if (strcmp(which, "duplicate_message_start") == 0) {
    i = pick(g, 0, ms);
    g->js.len = 0;
    gb_add(&g->js, ev_json(g, 0), g_ev(g, 0)->jlen);
    x->offset = insert_event(g, g_ev(g, i)->end, "message_start", g->js.p, g->js.len);
    PROBLEM(DUPLICATE_MESSAGE_START, "message_start_repeated");
  } else if (strcmp(which, "event_before_message_start") == 0) {
    if (below(g, 2)) {
      i = pick(g, 1, nev);
      while (g_ev(g, i)->kind == EK_PING) i++;
      g->js.len = 0;
      gb_add(&g->js, ev_json(g, i), g_ev(g, i)->jlen);
      x->offset = insert_event(g, 0, kind_name(g_ev(g, i)->kind), g->js.p, g->js.len);
      x->mutation = "event_before_message_start";
    } else {
      i = 1;
      while (g_ev(g, i)->kind == EK_PING) i++;
      x->offset = g_ev(g, i)->start - g_ev(g, 0)->end;
      delete_event(g, 0);
      x->mutation = "message_start_removed";
    }
    x->rule = SSEVAL_RULE_EVENT_BEFORE_MESSAGE_START;
  } else if (strcmp(which, "block_start_index_gap") == 0) {
    char num[24];
    b = (long)pick(g, 0, g_nblocks(g));
    i = find_ev(g, EK_BSTART, b);
    u64_to(num, (uint64_t)b + 1 + below(g, 3));
    json_with_index(g, i, num);
    replace_event(g, i, "content_block_start", g->js.p, g->js.len);
    x->offset = g_ev(g, i)->start;
    PROBLEM(BLOCK_START_INDEX_GAP, "block_index_skipped");
  } else if (strcmp(which, "block_start_index_duplicate") == 0) {
    b = (long)pick(g, 0, g_nblocks(g));
    i = find_ev(g, EK_BSTART, b);
    j = pick(g, i, ms);
    g->js.len = 0;
    gb_add(&g->js, ev_json(g, i), g_ev(g, i)->jlen);
    x->offset = insert_event(g, g_ev(g, j)->end, "content_block_start", g->js.p,
                             g->js.len);
    PROBLEM(BLOCK_START_INDEX_DUPLICATE, "block_start_repeated");
  } else if (strcmp(which, "delta_for_unopened_block") == 0) {
    i = pick(g, 0, ms);
    make_delta(g, started_upto(g, i) + below(g, 3), fitting_delta(BK_TEXT));
    x->offset = insert_event(g, g_ev(g, i)->end, "content_block_delta", g->js.p,
                             g->js.len);
    PROBLEM(DELTA_FOR_UNOPENED_BLOCK, "delta_for_unopened_block");
  } else if (strcmp(which, "delta_after_block_stop") == 0) {
    b = (long)pick(g, 0, g_nblocks(g));
    i = pick(g, find_ev(g, EK_BSTOP, b), ms);
    make_delta(g, (uint32_t)b, fitting_delta(g_btype(g, (size_t)b)));
    x->offset = insert_event(g, g_ev(g, i)->end, "content_block_delta", g->js.p,
                             g->js.len);
    PROBLEM(DELTA_AFTER_BLOCK_STOP, "delta_after_block_stop");
  } else if (strcmp(which, "delta_type_mismatch") == 0) {
    static const char *const wrong[] = {
        "{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}", /* text */
        "{\"type\":\"text_delta\",\"text\":\"x\"}",               /* thinking */
        "", "{\"type\":\"thinking_delta\",\"thinking\":\"x\"}",  /* tool */
        "", "{\"type\":\"signature_delta\",\"signature\":\"x\"}"}; /* compaction */
    b = pick_block(g, 1u << BK_TEXT | 1u << BK_THINKING | 1u << BK_TOOL |
                          1u << BK_COMPACTION);
    i = pick(g, find_ev(g, EK_BSTART, b), find_ev(g, EK_BSTOP, b));
    make_delta(g, (uint32_t)b, wrong[g_btype(g, (size_t)b)]);
    x->offset = insert_event(g, g_ev(g, i)->end, "content_block_delta", g->js.p,
                             g->js.len);
    PROBLEM(DELTA_TYPE_MISMATCH, "delta_of_wrong_type");
  } else if (strcmp(which, "stop_for_unopened_block") == 0) {
    i = pick(g, 0, ms);
    make_stop(g, started_upto(g, i) + below(g, 3));
    x->offset = insert_event(g, g_ev(g, i)->end, "content_block_stop", g->js.p,
                             g->js.len);
    PROBLEM(STOP_FOR_UNOPENED_BLOCK, "stop_for_unopened_block");
  } else if (strcmp(which, "duplicate_block_stop") == 0) {
    b = (long)pick(g, 0, g_nblocks(g));
    i = pick(g, find_ev(g, EK_BSTOP, b), ms);
    make_stop(g, (uint32_t)b);
    x->offset = insert_event(g, g_ev(g, i)->end, "content_block_stop", g->js.p,
                             g->js.len);
    PROBLEM(DUPLICATE_BLOCK_STOP, "block_stop_repeated");
  } else if (strcmp(which, "tool_input_invalid") == 0) {
    size_t last = 0, pieces = 0;
    b = pick_block(g, 1u << BK_TOOL);
    for (i = find_ev(g, EK_BSTART, b); i < nev && g_ev(g, i)->kind != EK_BSTOP; i++)
      if (g_ev(g, i)->kind == EK_DELTA && g_ev(g, i)->n) {
        last = i;
        pieces++;
      }
    j = find_ev(g, EK_BSTOP, b);
    /* (without its only piece the input would be empty: valid, {}) */
    if (below(g, 2) || pieces < 2) { /* one closing brace too many */
      make_delta(g, (uint32_t)b, "{\"type\":\"input_json_delta\",\"partial_json\":\"}\"}");
      x->offset = insert_event(g, g_ev(g, last)->end, "content_block_delta",
                               g->js.p, g->js.len);
      x->mutation = "tool_input_extra_brace";
    } else { /* the last piece lost: incomplete at the stop */
      x->offset = g_ev(g, j)->start - (g_ev(g, last)->end - g_ev(g, last)->start);
      delete_event(g, last);
      x->mutation = "tool_input_cut";
    }
    x->rule = SSEVAL_RULE_TOOL_INPUT_INVALID;
    x->verdict = SSEVAL_VERDICT_INVALID_JSON;
  } else if (strcmp(which, "missing_message_delta") == 0) {
    i = find_ev(g, EK_MDELTA, -1);
    x->offset = g_ev(g, ms)->start - (g_ev(g, i)->end - g_ev(g, i)->start);
    delete_event(g, i);
    PROBLEM(MISSING_MESSAGE_DELTA, "message_delta_removed");
  } else if (strcmp(which, "block_open_at_message_stop") == 0) {
    /* after a cut stop reason the last block may stay open: another one */
    b = (long)pick(g, 0, g_nblocks(g) - (g->reason_cut ? 1 : 0));
    i = find_ev(g, EK_BSTOP, b);
    x->offset = g_ev(g, ms)->start - (g_ev(g, i)->end - g_ev(g, i)->start);
    delete_event(g, i);
    PROBLEM(BLOCK_OPEN_AT_MESSAGE_STOP, "block_stop_removed");
  } else if (strcmp(which, "eof_inside_event") == 0) {
    unsigned v = below(g, 5);
    size_t cut = 0;
    const gev *e;
    i = pick(g, 0, nev);
    e = g_ev(g, i);
    x->mutation = "cut_inside_event";
    if (v == 0) { /* inside the field name */
      cut = e->start + 1 + below(g, 5);
      x->mutation = "cut_inside_field_name";
    } else if (v == 1) { /* between the data line and the blank line */
      cut = e->end - strlen(g->eol);
      x->mutation = "cut_before_blank_line";
    } else if (v == 2) { /* inside a UTF-8 sequence */
      size_t k;
      for (k = e->start; k < e->end && !cut; k++)
        if (((unsigned char)g->out->p[k] & 0xC0) == 0x80) cut = k;
      for (k = g_ev(g, 0)->end; k < g->out->len && !cut; k++)
        if (((unsigned char)g->out->p[k] & 0xC0) == 0x80) cut = k;
      x->mutation = "cut_inside_utf8";
    } else if (v == 3) { /* inside a tool input piece */
      b = pick_block(g, 1u << BK_TOOL);
      if (b >= 0) {
        size_t k = find_ev(g, EK_BSTART, b) + 2;
        if (k < nev && g_ev(g, k)->kind == EK_DELTA && g_ev(g, k)->n) e = g_ev(g, k);
        if (e->end - e->start > 100)
          cut = e->start + 60 + below(g, (uint32_t)(e->end - e->start - 62));
        x->mutation = "cut_inside_tool_input";
      }
    }
    if (!cut) cut = e->start + 1 + below(g, (uint32_t)(e->end - e->start - 2));
    g->out->len = cut;
    g->out->p[cut] = '\0';
    x->offset = cut;
    x->rule = SSEVAL_RULE_EOF_INSIDE_EVENT;
    x->verdict = SSEVAL_VERDICT_TRUNCATED;
  } else if (strcmp(which, "eof_before_message_stop") == 0) {
    i = pick(g, 0, ms);
    x->offset = g_ev(g, i)->end;
    g->out->len = g_ev(g, i)->end;
    g->out->p[g->out->len] = '\0';
    x->rule = SSEVAL_RULE_EOF_BEFORE_MESSAGE_STOP;
    x->mutation = i + 1 == ms ? "cut_before_message_stop" : "cut_between_events";
    x->verdict = SSEVAL_VERDICT_TRUNCATED;
  } else if (strcmp(which, "line_too_long") == 0) {
    size_t M = max_line_len(g), L = 0;
    long at = -1;
    unsigned t;
    for (t = 0; t < 20 && at < 0; t++) {
      L = 8 + below(g, (uint32_t)(M > 16 ? M - 16 : 1));
      at = first_long_line(g, L);
    }
    if (at < 0) {
      L = 8;
      at = first_long_line(g, L);
    }
    x->offset = g_ev(g, ev_at(g, (size_t)at))->start;
    x->opt = "--max-line-bytes";
    x->opt_value = L;
    x->rule = SSEVAL_RULE_LINE_TOO_LONG;
    x->mutation = "small_max_line_bytes";
    x->verdict = SSEVAL_VERDICT_LIMIT_EXCEEDED;
  } else if (strcmp(which, "event_too_large") == 0) {
    size_t M = 0, E = 0;
    long at = -1;
    unsigned t;
    for (i = 0; i < nev; i++)
      if (g_ev(g, i)->data_len > M) M = g_ev(g, i)->data_len;
    for (t = 0; t < 20 && at < 0; t++) {
      E = 8 + below(g, (uint32_t)(M > 16 ? M - 16 : 1));
      for (i = 0; i < nev; i++) {
        size_t d = g_ev(g, i)->data_len;
        if (d > E + 2) {
          at = (long)i;
          break;
        }
        if (d + 2 >= E) break;
      }
    }
    if (at < 0) {
      E = 8;
      at = 0;
    }
    x->offset = g_ev(g, (size_t)at)->start;
    x->opt = "--max-event-bytes";
    x->opt_value = E;
    x->rule = SSEVAL_RULE_EVENT_TOO_LARGE;
    x->mutation = "small_max_event_bytes";
    x->verdict = SSEVAL_VERDICT_LIMIT_EXCEEDED;
  } else if (strcmp(which, "json_too_deep") == 0) {
    char deep[220];
    memcpy(deep, ",\"deep\":", 8);
    memset(deep + 8, '[', 100);
    memset(deep + 108, ']', 100);
    i = pick_data(g, 0, nev);
    json_with_member(g, i, deep, 208);
    replace_event(g, i, kind_name(g_ev(g, i)->kind), g->js.p, g->js.len);
    x->offset = g_ev(g, i)->start;
    x->rule = SSEVAL_RULE_JSON_TOO_DEEP;
    x->mutation = "nesting_100_deep";
    x->verdict = SSEVAL_VERDICT_LIMIT_EXCEEDED;
  } else if (strcmp(which, "too_many_blocks") == 0) {
    uint32_t k = 1 + below(g, (uint32_t)g_nblocks(g) - 1);
    x->offset = g_ev(g, find_ev(g, EK_BSTART, (long)k))->start;
    x->opt = "--max-blocks";
    x->opt_value = k;
    x->rule = SSEVAL_RULE_TOO_MANY_BLOCKS;
    x->mutation = "small_max_blocks";
    x->verdict = SSEVAL_VERDICT_LIMIT_EXCEEDED;
  } else if (strcmp(which, "block_too_large") == 0 ||
             strcmp(which, "tool_input_too_large") == 0) {
    int input = which[0] == 't';
    size_t total = block_total(g, input), lim;
    long at;
    lim = 1 + below(g, (uint32_t)(total > 2 ? total - 1 : 1));
    at = first_over(g, lim, input);
    if (at < 0) return at == -2 ? -1 : -3;
    x->offset = g_ev(g, (size_t)at)->start;
    x->opt = input ? "--max-tool-input-bytes" : "--max-block-bytes";
    x->opt_value = lim;
    x->rule = input ? SSEVAL_RULE_TOOL_INPUT_TOO_LARGE : SSEVAL_RULE_BLOCK_TOO_LARGE;
    x->mutation = input ? "small_max_tool_input_bytes" : "small_max_block_bytes";
    x->verdict = SSEVAL_VERDICT_LIMIT_EXCEEDED;
  } else if (strcmp(which, "too_many_fields") == 0) {
    gbuf f;
    unsigned k, n = 1025 + below(g, 100);
    gb_init(&f, g->m, &g->oom);
    for (k = 0; k < n; k++) {
      gb_str(&f, ",\"u");
      gb_u64(&f, k);
      gb_str(&f, "\":0");
    }
    i = pick_data(g, 0, nev);
    json_with_member(g, i, f.p ? f.p : "", f.len);
    gb_free(&f);
    replace_event(g, i, kind_name(g_ev(g, i)->kind), g->js.p, g->js.len);
    x->offset = g_ev(g, i)->start;
    x->rule = SSEVAL_RULE_TOO_MANY_FIELDS;
    x->mutation = "unknown_fields_over_1024";
    x->verdict = SSEVAL_VERDICT_LIMIT_EXCEEDED;
  } else if (strcmp(which, "duplicate_key") == 0) {
    /* a member name repeated in one object: in an event's data (at the top,
     * written with an escape, or in a nested object) or in a tool input */
    static const char *const inputs[] = {
        "{\"path\": \"/tmp/a.c\", \"line\": 7, \"path\": \"/etc/passwd\"}",
        "{\"query\": \"weather\", \"query\": \"news\"}",
        "{\"opts\": {\"depth\": 1, \"nested\": {}, \"depth\": 2}}",
        "{\"path\": \"a\", \"p\\u0061th\": \"b\"}"};
    unsigned v = below(g, 4);
    b = v == 3 ? pick_block(g, 1u << BK_TOOL) : -1;
    if (b >= 0) {
      const char *t = inputs[below(g, 4)];
      size_t n = strlen(t), q = 0, k, at, len1;
      /* the repeat is found at the closing quote of the last member name */
      for (k = 0; k + 1 < n; k++)
        if (t[k] == '"' && t[k + 1] == ':') q = k;
      i = find_ev(g, EK_BSTART, b);
      j = find_ev(g, EK_BSTOP, b);
      /* the block's input pieces (after its first, empty one) replaced by
       * this input, in two pieces cut at any byte */
      while (j-- > i + 2)
        if (g_ev(g, j)->kind == EK_DELTA) delete_event(g, j);
      at = g_ev(g, i + 1)->end;
      k = 1 + below(g, (uint32_t)(n - 1));
      input_delta(g, (uint32_t)b, t, k);
      len1 = g->out->len;
      insert_event(g, at, "content_block_delta", g->js.p, g->js.len);
      len1 = g->out->len - len1;
      input_delta(g, (uint32_t)b, t + k, n - k);
      insert_event(g, at + len1, "content_block_delta", g->js.p, g->js.len);
      x->offset = k > q ? at : at + len1;
      x->mutation = "tool_input_duplicate_name";
    } else {
      static const char *const extra[] = {",\"type\":\"", ",\"\\u0074ype\":\"",
                                          ",\"meta\":{\"k\":1,\"n\":[],\"k\":2}"};
      i = pick_data(g, 0, nev);
      if (v == 3) v = 0; /* no tool block */
      g->tool.len = 0;
      gb_str(&g->tool, extra[v]);
      if (v < 2) { /* "type" again, with the same value */
        gb_str(&g->tool, kind_name(g_ev(g, i)->kind));
        gb_byte(&g->tool, '"');
      }
      json_with_member(g, i, g->tool.p, g->tool.len);
      replace_event(g, i, kind_name(g_ev(g, i)->kind), g->js.p, g->js.len);
      x->offset = g_ev(g, i)->start;
      x->mutation = v == 0   ? "data_duplicate_name"
                    : v == 1 ? "data_duplicate_escaped_name"
                             : "data_duplicate_nested_name";
    }
    x->rule = SSEVAL_RULE_DUPLICATE_KEY;
    x->verdict = SSEVAL_VERDICT_INVALID_JSON;
  } else if (strcmp(which, "error_body") == 0) {
    /* the JSON error body of a failed request instead of a stream */
    static const char *const errs[] = {
        "overloaded_error\",\"message\":\"Overloaded",
        "api_error\",\"message\":\"Internal server error",
        "rate_limit_error\",\"message\":\"This request would exceed your "
        "organization\u2019s rate limit of 450,000 input tokens per minute.",
        "invalid_request_error\",\"message\":\"max_tokens: Field required",
        "authentication_error\",\"message\":\"invalid x-api-key",
        "permission_error\",\"message\":\"Your API key does not have "
        "permission to use the specified resource.",
        "not_found_error\",\"message\":\"model: claude-x",
        "request_too_large\",\"message\":\"Request exceeds the maximum "
        "allowed number of bytes."};
    unsigned v = below(g, 4);
    g->out->len = 0;
    if (v == 1) gb_str(g->out, "\xef\xbb\xbf"); /* a BOM */
    if (v == 2) gb_str(g->out, g->eol);         /* a blank line */
    gb_str(g->out, "{\"type\":\"error\",\"error\":{\"type\":\"");
    gb_str(g->out, errs[below(g, 8)]);
    gb_str(g->out, "\"}");
    if (v != 3) {
      gb_str(g->out, ",\"request_id\":\"req_011C");
      rand_chars(g, g->out, 62, 21);
      gb_byte(g->out, '"');
    }
    gb_byte(g->out, '}');
    if (v == 0) gb_str(g->out, g->eol);
    x->offset = 0;
    x->rule = SSEVAL_RULE_ERROR_BODY;
    x->mutation = "error_body";
    x->verdict = SSEVAL_VERDICT_NOT_EVENT_STREAM;
  } else if (strcmp(which, "message_body") == 0) {
    /* the body of a non-streaming request: one message object */
    unsigned v = below(g, 3), k;
    g->out->len = 0;
    if (v == 1) gb_str(g->out, "\xef\xbb\xbf");
    gb_str(g->out, "{\"model\":\"");
    gb_str(g->out, models[below(g, 4)]);
    gb_str(g->out, "\",\"id\":\"msg_01");
    rand_chars(g, g->out, 62, 22);
    gb_str(g->out, "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":"
                   "[{\"type\":\"text\",\"text\":\"");
    g->piece.len = 0;
    for (k = range(g, 1, 200); k > 0; k--) piece_raw(g, &g->piece);
    json_escape(g->out, (const unsigned char *)g->piece.p, g->piece.len, 1, 0);
    gb_str(g->out, "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                   "\"usage\":{\"input_tokens\":");
    gb_u64(g->out, range(g, 10, 90000));
    gb_str(g->out, ",\"output_tokens\":");
    gb_u64(g->out, range(g, 1, 20000));
    gb_str(g->out, "}}");
    if (v == 2) gb_str(g->out, g->eol);
    x->offset = 0;
    x->rule = SSEVAL_RULE_MESSAGE_BODY;
    x->mutation = "message_body";
    x->verdict = SSEVAL_VERDICT_NOT_EVENT_STREAM;
  } else if (strcmp(which, "not_event_stream") == 0) {
    /* a body whose first line is no event-stream line, or other JSON */
    unsigned v = below(g, 5);
    static const char *const head[] = {
        "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
        "<body>\n<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n",
        "upstream connect error or disconnect/reset before headers. reset "
        "reason: connection termination",
        "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", /* gzip, not decoded */
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        "cache-control: no-cache\r\n\r\n", /* headers saved with the body */
        "{\"detail\":\"Not Found\"}"};
    static const char *const names[] = {"html_body", "text_body", "gzip_body",
                                        "headers_before_stream", "other_json_body"};
    if (v == 0 || v == 3) { /* before the stream */
      gb_splice(g->out, 0, 0, head[v], strlen(head[v]));
    } else {
      g->out->len = 0;
      if (v == 4 && below(g, 2)) gb_str(g->out, g->eol); /* a blank line first */
      gb_str(g->out, head[v]);
      if (v == 2) rand_chars(g, g->out, 64, range(g, 20, 400));
    }
    x->offset = 0;
    x->rule = SSEVAL_RULE_NOT_EVENT_STREAM;
    x->mutation = names[v];
    x->verdict = SSEVAL_VERDICT_NOT_EVENT_STREAM;
  } else if (strcmp(which, "error_event") == 0) {
    static const char *const errs[] = {
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"},\"request_id\":\"req_011CQ\"}",
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Rate limited \\u2014 slow down\"}}",
        "{\"type\":\"error\",\"error\":{\"details\":null,\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"};
    const char *e = errs[below(g, 4)];
    i = pick(g, 1, ms + 1);
    x->offset = g_ev(g, i)->start;
    if (below(g, 2)) { /* the stream ends with it */
      g->out->len = g_ev(g, i)->start;
      x->mutation = "error_event_ends_stream";
    } else {
      x->mutation = "error_event_mid_stream";
    }
    insert_event(g, (size_t)x->offset, "error", e, strlen(e));
    x->rule = SSEVAL_RULE_NONE;
    x->verdict = SSEVAL_VERDICT_ERROR_EVENT;
  } else {
    return -2;
  }
  return g->oom ? -1 : 0;
}
#undef PROBLEM

static const char *const breakages[] = {
    "event_name_missing", "event_data_not_json", "event_type_mismatch",
    "event_field_invalid", "event_after_message_stop", "duplicate_message_start",
    "event_before_message_start", "block_start_index_gap",
    "block_start_index_duplicate", "delta_for_unopened_block",
    "delta_after_block_stop", "delta_type_mismatch", "stop_for_unopened_block",
    "duplicate_block_stop", "tool_input_invalid", "missing_message_delta",
    "block_open_at_message_stop", "eof_inside_event", "eof_before_message_stop",
    "line_too_long", "event_too_large", "json_too_deep", "too_many_blocks",
    "block_too_large", "tool_input_too_large", "too_many_fields",
    "duplicate_key", "error_body", "message_body", "not_event_stream",
    "error_event"};
#define NBREAKAGES (sizeof breakages / sizeof breakages[0])

const char *sseval_gen_breakage(size_t i) {
  return i < NBREAKAGES ? breakages[i] : NULL;
}

static const char *const shape_names[] = {"realistic", "single", "longlines",
                                          "small_events", "cr", "crlf",
                                          "multiline", "longtext", "tiny"};

const char *sseval_gen_shape_name(sseval_gen_shape s) {
  return (unsigned)s < SSEVAL_GEN_SHAPE_COUNT_ ? shape_names[s] : NULL;
}

int sseval_gen_shape_parse(const char *name, sseval_gen_shape *out) {
  unsigned i;
  if (!name) return 0;
  for (i = 0; i < SSEVAL_GEN_SHAPE_COUNT_; i++)
    if (strcmp(name, shape_names[i]) == 0) {
      *out = (sseval_gen_shape)i;
      return 1;
    }
  return 0;
}

void sseval_gen_options_init(sseval_gen_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->shape = SSEVAL_GEN_REALISTIC;
}

void sseval_gen_stream_init(sseval_gen_stream *s) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  sseval_claude_options_init(&s->check);
}

void sseval_gen_stream_free(sseval_gen_stream *s) {
  sseval__mem m;
  if (!s) return;
  if (s->bytes && sseval__mem_init(&m, s->allocator_))
    sseval__mem_free(&m, s->bytes, s->cap_);
  s->bytes = NULL;
  s->len = s->cap_ = 0;
}

/* Take over / give back the stream's buffer as a gbuf. */
static void take_buf(sseval_gen_stream *s, gbuf *b, sseval__mem *m, int *oom,
                     const sseval_allocator *a) {
  gb_init(b, m, oom);
  if (s->bytes && s->allocator_ == a) {
    b->p = s->bytes;
    b->cap = s->cap_;
  } else {
    sseval_gen_stream_free(s);
  }
  s->bytes = NULL;
  s->cap_ = 0;
}

static sseval_status give_buf(sseval_gen_stream *s, gbuf *b, int oom,
                              const sseval_allocator *a) {
  if (!b->p && !oom) gb_add(b, "", 0);
  s->bytes = b->p;
  s->len = b->len;
  s->cap_ = b->cap;
  s->allocator_ = a;
  if (oom) {
    sseval_gen_stream_free(s);
    return SSEVAL_E_NOMEM;
  }
  return SSEVAL_OK;
}

static void set_expect(sseval_gen_stream *s, const expect *x) {
  sseval_claude_options_init(&s->check);
  s->has_expect = 1;
  s->verdict = x->verdict;
  s->rule = x->rule;
  s->rule_id = x->rule_id ? x->rule_id
               : x->rule != SSEVAL_RULE_NONE ? sseval_rule_id(x->rule)
                                             : NULL;
  s->has_offset = x->verdict != SSEVAL_VERDICT_COMPLETE;
  s->offset = s->has_offset ? x->offset : 0;
  s->mutation = x->mutation;
  s->check_argc = 0;
  s->args_buf_[0] = '\0';
  if (x->opt) {
    u64_to(s->args_buf_, x->opt_value);
    s->check_args[0] = x->opt;
    s->check_args[1] = s->args_buf_;
    s->check_argc = 2;
    if (strcmp(x->opt, "--max-line-bytes") == 0) s->check.max_line_bytes = x->opt_value;
    else if (strcmp(x->opt, "--max-event-bytes") == 0) s->check.max_event_bytes = x->opt_value;
    else if (strcmp(x->opt, "--max-blocks") == 0) s->check.max_blocks = (uint32_t)x->opt_value;
    else if (strcmp(x->opt, "--max-block-bytes") == 0) s->check.max_block_bytes = x->opt_value;
    else s->check.max_tool_input_bytes = x->opt_value;
  }
}

sseval_status sseval_gen_generate(const sseval_gen_options *opts,
                                  sseval_gen_stream *out) {
  sseval__mem m;
  sg g;
  gbuf ob;
  expect x;
  const char *which = NULL;
  unsigned need = 0;
  int rc = 0;
  if (!opts || !out || opts->struct_size < sizeof *opts ||
      (unsigned)opts->shape >= SSEVAL_GEN_SHAPE_COUNT_)
    return SSEVAL_E_MISUSE;
  if (!sseval__mem_init(&m, opts->allocator)) return SSEVAL_E_MISUSE;
  memset(&g, 0, sizeof g);
  g.s = opts->seed;
  if (opts->broken && opts->broken[0]) {
    size_t k;
    if (opts->shape == SSEVAL_GEN_TINY) return SSEVAL_E_MISUSE;
    if (strcmp(opts->broken, "any") == 0) {
      which = breakages[sm64(&g.s) % NBREAKAGES];
    } else {
      for (k = 0; k < NBREAKAGES && !which; k++)
        if (strcmp(opts->broken, breakages[k]) == 0) which = breakages[k];
      if (!which) return SSEVAL_E_MISUSE;
    }
    if (!strcmp(which, "tool_input_invalid") || !strcmp(which, "tool_input_too_large"))
      need |= NEED_TOOL;
    if (!strcmp(which, "too_many_blocks") || !strcmp(which, "block_open_at_message_stop"))
      need |= NEED_TWO_BLOCKS;
    g.keep_json = 1;
  }
  g.m = &m;
  g.oom = 0;
  take_buf(out, &ob, &m, &g.oom, opts->allocator);
  ob.len = 0;
  g.out = &ob;
  gb_init(&g.js, &m, &g.oom);
  gb_init(&g.piece, &m, &g.oom);
  gb_init(&g.tool, &m, &g.oom);
  gb_init(&g.evs, &m, &g.oom);
  gb_init(&g.jlog, &m, &g.oom);
  gb_init(&g.blocks, &m, &g.oom);
  g.eol = opts->shape == SSEVAL_GEN_CR ? "\r" : opts->shape == SSEVAL_GEN_CRLF ? "\r\n" : "\n";
  g.multiline = opts->shape == SSEVAL_GEN_MULTILINE;
  g.small = opts->shape == SSEVAL_GEN_SMALL_EVENTS;
  g.longlines = opts->shape == SSEVAL_GEN_LONGLINES;
  g.longtext = opts->shape == SSEVAL_GEN_LONGTEXT;
  g.target = opts->size;
  if (!g.target && opts->shape == SSEVAL_GEN_SINGLE) g.target = 1u << 20;
  if (!g.target && (g.longlines || g.longtext)) g.target = 4u << 20;
  memset(&x, 0, sizeof x);
  x.verdict = SSEVAL_VERDICT_COMPLETE;
  x.mutation = "valid";
  if (opts->shape == SSEVAL_GEN_TINY) {
    size_t want = g.target ? g.target : 64u << 10;
    while (ob.len < want && !g.oom) {
      gb_str(&ob, "data: ");
      gb_u64(&ob, below(&g, 1000));
      gb_str(&ob, "\n\n");
    }
    x.rule = SSEVAL_RULE_EVENT_NAME_MISSING;
    x.verdict = SSEVAL_VERDICT_PROTOCOL_VIOLATION;
    x.mutation = "tiny";
  } else {
    message(&g, need);
    if (which && !g.oom) rc = apply_breakage(&g, which, &x);
  }
  gb_free(&g.js);
  gb_free(&g.piece);
  gb_free(&g.tool);
  gb_free(&g.evs);
  gb_free(&g.jlog);
  gb_free(&g.blocks);
  if (rc == -3 || rc == -2) { /* cannot happen with the needs above */
    give_buf(out, &ob, 0, opts->allocator);
    return SSEVAL_E_MISUSE;
  }
  set_expect(out, &x);
  return give_buf(out, &ob, g.oom, opts->allocator);
}

/* ==== the program decoder (sseval_gen_program) ======================================= */
/*
 * Bytes read as opcodes; see sseval/gen.h. This decoder's output for a given
 * program is part of the stable format (fuzz corpora are stored programs).
 */
#define CG_MAX_BLOCKS 24
#define CG_MAX_OUT ((size_t)256 * 1024)
#define CG_MAX_EVENTS 600

enum {
  CGB_TEXT, CGB_THINKING, CGB_REDACTED, CGB_TOOL, CGB_SERVER_TOOL, CGB_MCP_TOOL,
  CGB_COMPACTION, CGB_RESULT, CGB_FALLBACK, CGB_UNKNOWN, CGB_N
};

typedef struct cg {
  const unsigned char *p, *end;
  gbuf *out;
  unsigned events;
  int started;
  unsigned nblocks;
  unsigned char btype[CG_MAX_BLOCKS];
  unsigned char bopen[CG_MAX_BLOCKS];
  gbuf tool[CG_MAX_BLOCKS]; /* generated tool input, streamed in pieces */
  size_t tool_pos[CG_MAX_BLOCKS];
  unsigned eol;      /* 0 LF, 1 CRLF, 2 CR */
  unsigned corrupt;  /* pending corruption of the next event (kind + 1) */
  unsigned carg, carg2;
  const char *index_override;
  int drop_field; /* the next delta lacks its content field */
  sseval__mem *m;
  int *oom;
} cg;

static unsigned cg_u8(cg *g) { return g->p < g->end ? *g->p++ : 0; }

static const char *const cg_good_frag[] = {
    "Hello", " world", "!", "\\n", "\\\"quoted\\\"", "\\\\", "\\u00e9",
    "\\ud83d\\ude00", "\xc3\xa9", "\xf0\x9f\x98\x80", "\\t", "\\/",
    "{\\\"k\\\": 1}", "\\u0000", "\xe6\x97\xa5\xe6\x9c\xac", "    ", "\\r\\n",
    "\\b\\f", "\\u2028", "x", "The weather in Paris", "\\uD834\\uDD1E", "0",
    "\\u001f", "\xef\xbb\xbf", "\xdf\xbf", "\xf4\x8f\xbf\xbf", "a\\\\b"};
static const char *const cg_bad_frag[] = {
    "\\ud800", "\x01", "\xff", "\\x", "\xc3", "\"", "\\udc00", "\xed\xa0\x80",
    "\\u12", "\x7f\x80", "\\ud800\\u0041", "\xf5\x80\x80\x80", "\n"};
#define CG_NGOOD (sizeof cg_good_frag / sizeof cg_good_frag[0])
#define CG_NBAD (sizeof cg_bad_frag / sizeof cg_bad_frag[0])

/* A JSON string token (with quotes) of 0..4 fragments. */
static void cg_str(cg *g, gbuf *b) {
  unsigned n = cg_u8(g) % 5, k;
  gb_byte(b, '"');
  for (k = 0; k < n; k++) {
    unsigned v = cg_u8(g);
    gb_str(b, v < 244 ? cg_good_frag[v % CG_NGOOD] : cg_bad_frag[v % CG_NBAD]);
  }
  gb_byte(b, '"');
}

static const char *const cg_numbers[] = {
    "0", "1", "-1", "3.14", "1e10", "12345678901234567890", "-0.5E-3", "42",
    "1E+2", "0.0", "-0", "7"};
static const char *const cg_keys[] = {"location", "unit", "query", "n",
                                      "list", "nested", "", "k\\u00e9y",
                                      "path", "command"};

/* A JSON value (raw text) for tool input. Containers open only below depth
 * 3, so at most 3 are open at once: an explicit stack, no recursion. The
 * bytes read and written are those of the recursive definition: a value
 * reads its selector byte v, a container then its length byte, and each
 * member of an object its key byte before its value. */
#define CG_JDEPTH 3
static void cg_jvalue(cg *g, gbuf *b, unsigned depth) {
  struct {
    unsigned v, n, k, depth;
    int obj;
  } st[CG_JDEPTH];
  size_t top = 0;
  for (;;) {
    unsigned v = cg_u8(g);
    switch (depth >= CG_JDEPTH ? v % 5 : v % 7) {
    case 0: cg_str(g, b); break;
    case 1: gb_str(b, cg_numbers[cg_u8(g) % 12]); break;
    case 2: gb_str(b, "true"); break;
    case 3: gb_str(b, "null"); break;
    case 4: gb_str(b, (v & 8) ? "false" : "\"\""); break;
    default: /* 5: an array, 6: an object (only when depth < CG_JDEPTH) */
      st[top].v = v;
      st[top].n = cg_u8(g) % 4;
      st[top].k = 0;
      st[top].depth = depth;
      st[top].obj = v % 7 == 6;
      gb_byte(b, st[top].obj ? '{' : '[');
      top++;
      break;
    }
    /* the next member of the innermost open container, closing full ones */
    for (;;) {
      if (top == 0) return;
      if (st[top - 1].k < st[top - 1].n) break;
      top--;
      gb_byte(b, st[top].obj ? '}' : ']');
    }
    if (st[top - 1].obj) {
      if (st[top - 1].k) gb_str(b, ", ");
      gb_byte(b, '"');
      gb_str(b, cg_keys[cg_u8(g) % 10]);
      gb_str(b, (st[top - 1].v & 16) ? "\": " : "\":");
    } else if (st[top - 1].k) {
      gb_str(b, (st[top - 1].v & 16) ? ", " : ",");
    }
    st[top - 1].k++;
    depth = st[top - 1].depth + 1;
  }
}

/* The whole input of a tool block (an object; rarely something else). */
static void cg_tool_input(cg *g, gbuf *b) {
  unsigned v = cg_u8(g), n = 1 + v % 3, k;
  if (v >= 250) {
    cg_jvalue(g, b, 1); /* not an object: tool_input_invalid */
    return;
  }
  gb_byte(b, '{');
  for (k = 0; k < n; k++) {
    if (k) gb_str(b, ", ");
    gb_byte(b, '"');
    gb_str(b, cg_keys[cg_u8(g) % 10]);
    gb_str(b, "\": ");
    cg_jvalue(g, b, 1);
  }
  gb_byte(b, '}');
  if (v >= 245) b->len -= 1; /* cut: invalid at stop */
}

/* ---- emitting events -------------------------------------------------------------- */

static const char *cg_eol(const cg *g) {
  return g->eol == 1 ? "\r\n" : g->eol == 2 ? "\r" : "\n";
}

static const char *const cg_event_names[] = {
    "message_start", "content_block_start", "content_block_delta",
    "content_block_stop", "message_delta", "message_stop", "ping", "error",
    "future_event"};
static const char *const cg_insert_tok[] = {",", "}", "]", "\"", ":", "null",
                                            "1", " ", "\\", "{", "[", "\xff",
                                            "\n", "\t", "tru", "-"};

/* Write one event (applying a pending corruption to it). */
static void cg_emit(cg *g, const char *name, gbuf *data) {
  unsigned kind = g->corrupt;
  unsigned a = g->carg, a2 = g->carg2;
  const char *eol = cg_eol(g);
  int times = 1, blank = 1, t;
  g->corrupt = 0;
  g->events++;
  if (kind) {
    size_t len = data->len;
    switch (kind - 1) {
    case 0: /* flip a bit */
      if (len) data->p[a % len] = (char)((unsigned char)data->p[a % len] ^ (1u << (a2 % 8)));
      break;
    case 1: /* delete a byte */
      if (len) {
        size_t at = a % len;
        memmove(data->p + at, data->p + at + 1, len - at - 1);
        data->len--;
      }
      break;
    case 2: { /* insert a token */
      gbuf nb;
      size_t at = len ? a % (len + 1) : 0;
      gb_init(&nb, g->m, g->oom);
      gb_add(&nb, data->p, at);
      gb_str(&nb, cg_insert_tok[a2 % 16]);
      gb_add(&nb, data->p + at, len - at);
      gb_free(data);
      *data = nb;
      break;
    }
    case 3: /* cut */
      if (len) data->len = a % len;
      break;
    case 4: /* wrong event name */
      name = cg_event_names[a % 9];
      break;
    case 5: /* no event: line */
      name = NULL;
      break;
    case 7: /* empty event: name (the type becomes "message") */
      name = "";
      break;
    case 8: /* the event twice */
      times = 2;
      break;
    case 9: { /* SSE noise before the event */
      static const char *const noise[] = {": keep-alive", "id: 42", "retry: 3000",
                                          "x-unknown: 1", ":", "id", "retry: x"};
      gb_str(g->out, noise[a % 7]);
      gb_str(g->out, eol);
      break;
    }
    case 10: /* no blank line after it */
      blank = 0;
      break;
    case 11: /* padding before the closing brace (real streams do this) */
      if (len && data->p[len - 1] == '}') {
        unsigned k;
        data->len--;
        for (k = 0; k < 1 + a % 40; k++) gb_byte(data, ' ');
        gb_byte(data, '}');
      }
      break;
    default: /* 6: data over several lines (a newline inside the JSON) */
      break;
    }
  }
  for (t = 0; t < times; t++) {
    if (name) {
      gb_str(g->out, *name ? "event: " : "event:");
      gb_str(g->out, name);
      gb_str(g->out, eol);
    }
    gb_str(g->out, "data: ");
    if (kind == 7 && data->len) { /* split over two data lines */
      size_t at = a % data->len;
      gb_add(g->out, data->p, at);
      gb_str(g->out, eol);
      gb_str(g->out, (a2 & 1) ? "data:" : "data: ");
      gb_add(g->out, data->p + at, data->len - at);
    } else {
      gb_add(g->out, data->p, data->len);
    }
    gb_str(g->out, eol);
    if (blank) gb_str(g->out, eol);
  }
}

static void cg_index(cg *g, gbuf *d, unsigned index) {
  gb_str(d, ",\"index\":");
  if (g->index_override) {
    gb_str(d, g->index_override);
    g->index_override = NULL;
  } else {
    gb_u64(d, index);
  }
}

/* A usage object with 0..23 members (exercises the merged-map index). */
static void cg_big_usage(cg *g, gbuf *d) {
  static const char *const keys[] = {
      "input_tokens", "output_tokens", "cache_read_input_tokens",
      "cache_creation_input_tokens", "server_tool_use", "service_tier",
      "out\\u0070ut_tokens", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8",
      "k9", "cache_creation", "output_tokens_details", "", "x\\ty"};
  unsigned n = cg_u8(g) % 24, k;
  gb_byte(d, '{');
  for (k = 0; k < n; k++) {
    unsigned v = cg_u8(g);
    if (k) gb_byte(d, ',');
    gb_byte(d, '"');
    gb_str(d, keys[v % 20]);
    gb_str(d, "\":");
    gb_str(d, (v & 0x60) == 0x60 ? "null" : (v & 0x40) ? "{\"a\":[1]}" : cg_numbers[v % 12]);
  }
  gb_byte(d, '}');
}

static void cg_message_start(cg *g) {
  gbuf d;
  unsigned v = cg_u8(g);
  static const char *const ids[] = {"\"msg_019Q1hrJbZG26Fb9BQhrkHEr\"",
                                    "\"msg_\\u0030\\u00e9\"", "\"\"", "123",
                                    "\"msg_01\xf0\x9f\x98\x80\""};
  static const char *const cg_models[] = {"\"claude-sonnet-4-5\"",
                                       "\"claude-opus-4-1-20250805\"",
                                       "\"claude\\/x\"", "null"};
  gb_init(&d, g->m, g->oom);
  gb_str(&d, "{\"type\":\"message_start\",\"message\":{");
  if ((v & 3) != 3) {
    gb_str(&d, "\"id\":");
    gb_str(&d, ids[v < 230 ? (v >> 2) % 3 : (v >> 2) % 5]);
    gb_str(&d, ",");
  }
  gb_str(&d, "\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  gb_str(&d, cg_models[v < 240 ? (v >> 4) % 3 : 3]);
  gb_str(&d, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                 "\"usage\":{\"input_tokens\":");
  gb_str(&d, cg_numbers[cg_u8(g) % 12]);
  gb_str(&d, ",\"cache_creation_input_tokens\":0,\"output_tokens\":1}");
  if (v & 128) { /* a second usage member: the last one wins */
    gb_str(&d, ",\"usage\":");
    cg_big_usage(g, &d);
  }
  if (v & 64) gb_str(&d, ",\"container\":null");
  gb_str(&d, "}}");
  cg_emit(g, "message_start", &d);
  gb_free(&d);
  g->started = 1;
}

static void cg_ensure_started(cg *g) {
  if (!g->started) cg_message_start(g);
}

static void cg_block_start(cg *g, unsigned type) {
  gbuf d;
  unsigned i = g->nblocks, v = cg_u8(g);
  gb_init(&d, g->m, g->oom);
  gb_str(&d, "{\"type\":\"content_block_start\"");
  cg_index(g, &d, i);
  gb_str(&d, ",\"content_block\":");
  switch (type) {
  case CGB_TEXT:
    gb_str(&d, "{\"type\":\"text\",\"text\":");
    if (v & 1) cg_str(g, &d);
    else gb_str(&d, "\"\"");
    if (v & 2) gb_str(&d, ",\"citations\":[]");
    gb_str(&d, "}");
    break;
  case CGB_THINKING:
    gb_str(&d, "{\"type\":\"thinking\",\"thinking\":");
    if (v & 1) cg_str(g, &d);
    else gb_str(&d, "\"\"");
    gb_str(&d, ",\"signature\":\"\"}");
    break;
  case CGB_REDACTED:
    gb_str(&d, "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT\"}");
    break;
  case CGB_TOOL:
  case CGB_SERVER_TOOL:
  case CGB_MCP_TOOL:
    gb_str(&d, type == CGB_TOOL ? "{\"type\":\"tool_use\",\"id\":\"toolu_01NRLabsLyVHZPKxbKvkfSMn\",\"name\":"
                   : type == CGB_SERVER_TOOL ? "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_014\",\"name\":"
                                             : "{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_1\",\"server_name\":\"s\",\"name\":");
    gb_str(&d, (v & 1) ? "\"get_weather\"" : "\"web_\\u0073earch\"");
    if (v & 2) gb_str(&d, ",\"caller\":{\"type\":\"direct\"}");
    gb_str(&d, (v & 4) ? ",\"input\":{}}" : (v & 8) ? "}" : ",\"input\":{\"pre\":[1]}}");
    break;
  case CGB_COMPACTION:
    gb_str(&d, "{\"type\":\"compaction\",\"content\":\"\"}");
    break;
  case CGB_RESULT:
    gb_str(&d, "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_014\",\"content\":[{\"type\":\"web_search_result\",\"title\":");
    cg_str(g, &d);
    gb_str(&d, ",\"url\":\"https://example.com/\",\"page_age\":null}]}");
    break;
  case CGB_FALLBACK:
    gb_str(&d, "{\"type\":\"fallback\",\"text\":\"\"}");
    break;
  default:
    gb_str(&d, (v & 1) ? "{\"type\":\"future_block\",\"x\":[1,{\"y\":null}]}"
                           : "{\"type\":\"te\\u0078t\",\"text\":\"\"}");
  }
  gb_str(&d, "}");
  cg_emit(g, "content_block_start", &d);
  gb_free(&d);
  if (i < CG_MAX_BLOCKS) {
    g->btype[i] = (unsigned char)type;
    g->bopen[i] = 1;
    g->tool[i].len = 0;
    g->tool_pos[i] = 0;
    if (type == CGB_TOOL || type == CGB_SERVER_TOOL || type == CGB_MCP_TOOL)
      cg_tool_input(g, &g->tool[i]);
    g->nblocks++;
  }
}

/* A block index for a delta or stop: mostly an open block. */
static unsigned cg_pick_block(cg *g) {
  unsigned v = cg_u8(g), open = 0, i;
  for (i = 0; i < g->nblocks; i++) open += g->bopen[i];
  if (v < 220 && open) {
    unsigned k = v % open;
    for (i = 0; i < g->nblocks; i++)
      if (g->bopen[i] && k-- == 0) return i;
  }
  return v % (g->nblocks + 2);
}

/* Next piece of a tool block's input (cut at a character boundary). */
static void cg_tool_piece(cg *g, unsigned i, gbuf *d, size_t want, int uesc) {
  gbuf *t = &g->tool[i];
  size_t at = g->tool_pos[i], n = want;
  if (at >= t->len) return; /* nothing left (or nothing generated) */
  if (at + n > t->len) n = t->len - at;
  while (at + n < t->len && ((unsigned char)t->p[at + n] & 0xC0) == 0x80) n++;
  json_escape(d, (const unsigned char *)t->p + at, n, 0, uesc);
  g->tool_pos[i] = at + n;
}

static void cg_delta(cg *g, unsigned i, unsigned which) {
  gbuf d;
  unsigned type = i < g->nblocks && i < CG_MAX_BLOCKS ? g->btype[i] : CGB_TEXT;
  unsigned v = cg_u8(g);
  gb_init(&d, g->m, g->oom);
  gb_str(&d, "{\"type\":\"content_block_delta\"");
  cg_index(g, &d, i);
  gb_str(&d, ",\"delta\":");
  if (v >= 248) type = v % CGB_N; /* a delta that may not fit the block */
  if (g->drop_field) { /* a known delta without its field */
    static const char *const bare[] = {
        "{\"type\":\"text_delta\"}", "{\"type\":\"input_json_delta\",\"partial_json\":1}",
        "{\"type\":\"thinking_delta\",\"thinking\":null}", "{\"type\":\"signature_delta\"}",
        "{\"type\":\"citations_delta\"}", "{\"type\":\"compaction_delta\"}",
        "{\"type\":\"text_delta\",\"text\":[]}", "{\"type\":7}"};
    g->drop_field = 0;
    gb_str(&d, bare[v % 8]);
    type = CGB_N; /* nothing more */
  }
  switch (type) {
  case CGB_N:
    break;
  case CGB_TEXT:
  case CGB_FALLBACK:
    if (which % 5 == 4) {
      gb_str(&d, "{\"type\":\"citations_delta\",\"citation\":{\"type\":\"char_location\",\"cited_text\":");
      cg_str(g, &d);
      gb_str(&d, ",\"document_index\":0,\"start_char_index\":0,\"end_char_index\":5}}");
    } else {
      gb_str(&d, "{\"type\":\"text_delta\",\"text\":");
      cg_str(g, &d);
      gb_str(&d, "}");
    }
    break;
  case CGB_THINKING:
  case CGB_REDACTED:
    if (which % 4 == 3) {
      gb_str(&d, (v & 1) ? "{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3h\"}"
                             : "{\"type\":\"signature_delta\",\"signature\":\"Sig\\u002f2\"}");
    } else {
      gb_str(&d, "{\"type\":\"thinking_delta\",\"thinking\":");
      cg_str(g, &d);
      gb_str(&d, "}");
    }
    break;
  case CGB_TOOL:
  case CGB_SERVER_TOOL:
  case CGB_MCP_TOOL:
    gb_str(&d, "{\"type\":\"input_json_delta\",\"partial_json\":\"");
    if (i < CG_MAX_BLOCKS && i < g->nblocks)
      cg_tool_piece(g, i, &d, which % 13, v & 2);
    gb_str(&d, "\"}");
    break;
  case CGB_COMPACTION:
    gb_str(&d, "{\"type\":\"compaction_delta\",\"content\":");
    cg_str(g, &d);
    if (v & 4) gb_str(&d, ",\"encrypted_content\":\"Eu8B\",\"n\":[1]");
    gb_str(&d, "}");
    break;
  default:
    gb_str(&d, (v & 1) ? "{\"type\":\"future_delta\",\"v\":[1,2]}"
                           : "{\"type\":\"text_\\u0064elta\",\"text\":\"x\"}");
  }
  gb_str(&d, "}");
  cg_emit(g, "content_block_delta", &d);
  gb_free(&d);
}

static void cg_block_stop(cg *g, unsigned i) {
  gbuf d;
  gb_init(&d, g->m, g->oom);
  gb_str(&d, "{\"type\":\"content_block_stop\"");
  cg_index(g, &d, i);
  gb_str(&d, "}");
  cg_emit(g, "content_block_stop", &d);
  gb_free(&d);
  if (i < g->nblocks && i < CG_MAX_BLOCKS) g->bopen[i] = 0;
}

static void cg_message_delta(cg *g) {
  gbuf d;
  unsigned v = cg_u8(g);
  static const char *const reasons[] = {
      "\"end_turn\"", "\"max_tokens\"", "\"tool_use\"", "\"stop_sequence\"",
      "\"pause_turn\"", "\"refusal\"", "\"model_context_window_exceeded\"",
      "null", "\"\\u0065nd_turn\"", "\"max_tok\\u0065ns\""};
  static const char *const usages[] = {
      "{\"output_tokens\":15}",
      "{\"input_tokens\":null,\"output_tokens\":7,\"server_tool_use\":{\"web_search_requests\":1}}",
      "{}", "{\"output_tokens\":1,\"output_tokens\":2}",
      "{\"cache_read_input_tokens\":5,\"output_tokens\":3}"};
  gb_init(&d, g->m, g->oom);
  gb_str(&d, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
  gb_str(&d, reasons[v % 10]);
  gb_str(&d, ",\"stop_sequence\":");
  if (v & 16) cg_str(g, &d);
  else gb_str(&d, "null");
  if (v & 32)
    gb_str(&d, ",\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\",\"explanation\":null}");
  gb_str(&d, "}");
  if (!(v & 64) || (v & 128)) {
    unsigned u = cg_u8(g);
    gb_str(&d, ",\"usage\":");
    if (u % 6 == 5) cg_big_usage(g, &d);
    else gb_str(&d, usages[u % 6]);
  }
  gb_str(&d, "}");
  cg_emit(g, "message_delta", &d);
  gb_free(&d);
}

static void cg_simple(cg *g, const char *name, const char *json) {
  gbuf d;
  gb_init(&d, g->m, g->oom);
  gb_str(&d, json);
  cg_emit(g, name, &d);
  gb_free(&d);
}

static void cg_error(cg *g) {
  gbuf d;
  unsigned v = cg_u8(g);
  static const char *const types[] = {
      "overloaded_error", "api_error", "rate_limit_error", "invalid_request_error",
      "authentication_error", "billing_error", "permission_error",
      "not_found_error", "request_too_large", "timeout_error", "weird_error",
      "overloaded_\\u0065rror"};
  gb_init(&d, g->m, g->oom);
  if (v % 8 == 7) {
    gb_str(&d, "Internal server error \xff");
  } else {
    gb_str(&d, "{\"type\":\"error\",\"error\":{\"type\":\"");
    gb_str(&d, types[(v >> 3) % 12]);
    gb_str(&d, "\"");
    if (v & 1) {
      gb_str(&d, ",\"message\":");
      cg_str(g, &d);
    }
    gb_str(&d, "}");
    if (v & 2) gb_str(&d, ",\"request_id\":\"req_011CQ\"");
    gb_str(&d, "}");
  }
  cg_emit(g, "error", &d);
  gb_free(&d);
}

/* Close every open block (finishing tool input), then message_delta and
 * message_stop. */
static void cg_finish(cg *g) {
  unsigned i;
  cg_ensure_started(g);
  for (i = 0; i < g->nblocks && i < CG_MAX_BLOCKS; i++) {
    if (!g->bopen[i]) continue;
    if (g->tool_pos[i] < g->tool[i].len) {
      gbuf d;
      gb_init(&d, g->m, g->oom);
      gb_str(&d, "{\"type\":\"content_block_delta\",\"index\":");
      gb_u64(&d, i);
      gb_str(&d, ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"");
      cg_tool_piece(g, i, &d, g->tool[i].len, 0);
      gb_str(&d, "\"}}");
      cg_emit(g, "content_block_delta", &d);
      gb_free(&d);
    }
    cg_block_stop(g, i);
  }
  cg_simple(g, "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
            "\"stop_sequence\":null},\"usage\":{\"output_tokens\":42}}");
  cg_simple(g, "message_stop", "{\"type\":\"message_stop\"}");
}

/* Decode `prog` into a stream appended to *out. */
static void cg_generate(const unsigned char *prog, size_t n, int autofinish,
                        gbuf *out) {
  cg g;
  unsigned i;
  memset(&g, 0, sizeof g);
  g.p = prog;
  g.end = prog + n;
  g.out = out;
  g.m = out->m;
  g.oom = out->oom;
  for (i = 0; i < CG_MAX_BLOCKS; i++) gb_init(&g.tool[i], g.m, g.oom);
  if (n && prog[0] == 0xEF) gb_str(out, "\xef\xbb\xbf"); /* a BOM */
  while (g.p < g.end && out->len < CG_MAX_OUT && g.events < CG_MAX_EVENTS) {
    unsigned op = cg_u8(&g) % 16, v;
    switch (op) {
    case 0: cg_message_start(&g); break;
    case 1:
    case 2:
      cg_ensure_started(&g);
      cg_block_start(&g, cg_u8(&g) % CGB_N);
      break;
    case 3:
    case 4:
    case 5:
      cg_ensure_started(&g);
      if (!g.nblocks) cg_block_start(&g, op == 5 ? CGB_TOOL : CGB_TEXT);
      v = cg_u8(&g);
      cg_delta(&g, cg_pick_block(&g), v);
      break;
    case 6: cg_block_stop(&g, cg_pick_block(&g)); break;
    case 7: cg_ensure_started(&g); cg_message_delta(&g); break;
    case 8: cg_simple(&g, "message_stop", "{\"type\":\"message_stop\"}"); break;
    case 9: cg_simple(&g, "ping", "{\"type\": \"ping\"}"); break;
    case 10: cg_error(&g); break;
    case 11:
      v = cg_u8(&g);
      cg_simple(&g, (v & 1) ? "future_event" : "message_ping",
                (v & 2) ? "{\"type\":\"future_event\",\"x\":1}" : "not json \x80");
      break;
    case 12:
      v = cg_u8(&g);
      if (v % 14 == 13) {
        static const char *const idx[] = {"-1", "\"0\"", "1.0", "18446744073709551616",
                                          "null", "99", "1e0", "4294967296",
                                          "0", "00"};
        g.index_override = idx[cg_u8(&g) % 10];
      } else {
        g.corrupt = 1 + v % 13;
        if (g.corrupt == 13) { /* kind 12: the next delta without its field */
          g.corrupt = 0;
          g.drop_field = 1;
        }
        g.carg = cg_u8(&g);
        g.carg |= cg_u8(&g) << 8;
        g.carg2 = cg_u8(&g);
      }
      break;
    case 13:
      v = cg_u8(&g);
      if (v < 64) g.eol = v % 3;
      else if (v < 128) gb_str(out, ": ping\n");
      else gb_str(out, cg_eol(&g)); /* a stray blank line */
      break;
    case 14: { /* raw bytes */
      unsigned k = cg_u8(&g) % 32;
      while (k-- && g.p < g.end) gb_byte(out, cg_u8(&g));
      break;
    }
    default: cg_finish(&g); break;
    }
  }
  if (autofinish) cg_finish(&g);
  for (i = 0; i < CG_MAX_BLOCKS; i++) gb_free(&g.tool[i]);
}


sseval_status sseval_gen_program(const void *program, size_t len, unsigned flags,
                                 sseval_gen_stream *out) {
  sseval__mem m;
  gbuf ob;
  int oom = 0;
  if (!out || (!program && len)) return SSEVAL_E_MISUSE;
  sseval__mem_init(&m, NULL);
  take_buf(out, &ob, &m, &oom, NULL);
  ob.len = 0;
  cg_generate((const unsigned char *)program, len,
              (flags & SSEVAL_GEN_PROGRAM_FINISH) != 0, &ob);
  out->has_expect = 0;
  out->mutation = "program";
  out->rule_id = NULL;
  out->check_argc = 0;
  sseval_claude_options_init(&out->check);
  return give_buf(out, &ob, oom, NULL);
}

/* ==== the fuzzing kit (sseval/fuzzkit.h) ============================================== */

static int sink_buf(void *ctx, const char *bytes, size_t len) {
  gbuf *b = (gbuf *)ctx;
  gb_add(b, bytes, len);
  return *b->oom;
}

void sseval_oracle_free(sseval_oracle *o) {
  sseval__mem m;
  if (!o) return;
  sseval__mem_init(&m, NULL);
  if (o->message_json) sseval__mem_free(&m, o->message_json, o->message_len + 1);
  if (o->text) sseval__mem_free(&m, o->text, o->text_len + 1);
  if (o->detail_) sseval__mem_free(&m, o->detail_, strlen(o->detail_) + 1);
  if (o->error_)
    sseval__mem_free(&m, o->error_,
                     o->result.error.type.len + o->result.error.message.len + 2);
  memset(o, 0, sizeof *o);
}

/* Hand the gbuf's bytes over as an exactly sized copy. */
static char *gb_take(gbuf *b, size_t *len) {
  char *p = NULL;
  if (!*b->oom) {
    p = (char *)sseval__mem_alloc(b->m, b->len + 1);
    if (p) {
      if (b->len) memcpy(p, b->p, b->len);
      p[b->len] = '\0';
      *len = b->len;
    } else {
      *b->oom = 1;
    }
  }
  gb_free(b);
  return p;
}

sseval_status sseval_oracle_run(const void *bytes, size_t len,
                                const sseval_claude_options *opts,
                                sseval_oracle *out) {
  sseval_claude_options co;
  sseval_claude *c;
  sseval__mem m;
  gbuf msg, text;
  int oom = 0;
  uint32_t i;
  sseval_status st;
  if (!out) return SSEVAL_E_MISUSE;
  memset(out, 0, sizeof *out);
  if (!bytes && len) return SSEVAL_E_MISUSE;
  if (opts) co = *opts;
  else sseval_claude_options_init(&co);
  co.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  st = sseval_claude_new(&c, NULL, NULL, &co);
  if (st != SSEVAL_OK) return st;
  sseval_claude_feed(c, bytes, len, NULL);
  st = sseval_claude_finish(c, &out->result);
  sseval__mem_init(&m, NULL);
  gb_init(&msg, &m, &oom);
  gb_init(&text, &m, &oom);
  sseval_claude_write_message_json(c, sink_buf, &msg);
  for (i = 0; i < sseval_claude_block_count(c); i++) {
    sseval_block_view v;
    if (sseval_claude_block(c, i, &v) == SSEVAL_OK && v.type == SSEVAL_BLOCK_TEXT)
      gb_add(&text, v.text.ptr, v.text.len);
  }
  out->message_json = gb_take(&msg, &out->message_len);
  out->text = gb_take(&text, &out->text_len);
  {
    size_t dl = out->result.detail ? strlen(out->result.detail) : 0;
    out->detail_ = (char *)sseval__mem_alloc(&m, dl + 1);
    if (out->detail_) {
      if (dl) memcpy(out->detail_, out->result.detail, dl);
      out->detail_[dl] = '\0';
    } else {
      oom = 1;
    }
    out->result.detail = out->detail_ ? out->detail_ : "";
  }
  {
    sseval_api_error *e = &out->result.error;
    out->error_ = (char *)sseval__mem_alloc(&m, e->type.len + e->message.len + 2);
    if (out->error_) {
      if (e->type.len) memcpy(out->error_, e->type.ptr, e->type.len);
      out->error_[e->type.len] = '\0';
      if (e->message.len)
        memcpy(out->error_ + e->type.len + 1, e->message.ptr, e->message.len);
      out->error_[e->type.len + 1 + e->message.len] = '\0';
      e->type.ptr = out->error_;
      e->message.ptr = out->error_ + e->type.len + 1;
    } else {
      oom = 1;
      e->type.len = e->message.len = 0;
      e->type.ptr = e->message.ptr = "";
    }
  }
  sseval_claude_free(c);
  if (oom) {
    sseval_oracle_free(out);
    return SSEVAL_E_NOMEM;
  }
  return st == SSEVAL_E_NOMEM ? st : SSEVAL_OK;
}

#define FK_MAX_EVENTS 1024

/* Event boundaries: ends of blank lines (LF LF, CR CR, CRLF CRLF). Fills
 * at[0..n) with the offsets where events start (at[0] = 0). */
static size_t fk_events(const uint8_t *d, size_t size, size_t *at) {
  size_t n = 1, i;
  at[0] = 0;
  for (i = 1; i < size && n < FK_MAX_EVENTS; i++) {
    int lf = d[i] == '\n' && d[i - 1] == '\n';
    int cr = d[i] == '\r' && d[i - 1] == '\r' && (i + 1 >= size || d[i + 1] != '\n');
    int crlf = d[i] == '\n' && i >= 3 && d[i - 1] == '\r' && d[i - 2] == '\n' &&
               d[i - 3] == '\r';
    if (lf || cr || crlf) at[n++] = i + 1;
  }
  if (at[n - 1] >= size && n > 1) n--;
  return n;
}

/* A generated stream of at most about `max` bytes into s. */
static int fk_generate(uint64_t *rs, size_t max, sseval_gen_stream *s, int broken) {
  sseval_gen_options o;
  sseval_gen_options_init(&o);
  o.seed = sm64(rs);
  if (max >= (256u << 10)) {
    o.shape = (sseval_gen_shape)(sm64(rs) % SSEVAL_GEN_TINY);
    o.size = o.shape == SSEVAL_GEN_SINGLE || o.shape == SSEVAL_GEN_LONGLINES ||
                     o.shape == SSEVAL_GEN_SMALL_EVENTS
                 ? max / 2
                 : 0;
  } else {
    o.shape = SSEVAL_GEN_SMALL_EVENTS;
    o.size = max * 3 / 4 > 600 ? max * 3 / 4 : 600;
  }
  o.broken = broken ? "any" : NULL;
  return sseval_gen_generate(&o, s) == SSEVAL_OK;
}

size_t sseval_fuzz_mutate(uint8_t *data, size_t size, size_t max_size,
                          unsigned int seed, sseval_byte_mutator bytes) {
  uint64_t rs = (uint64_t)seed * 0x9E3779B97F4A7C15ull ^ size;
  unsigned r = (unsigned)(sm64(&rs) % 8);
  size_t at[FK_MAX_EVENTS], n, k, a, b;
  sseval_gen_stream s;
  if (!data || max_size == 0) return 0;
  if (size > max_size) size = max_size;
  if (r >= 6 && bytes) return bytes(data, size, max_size);
  n = size ? fk_events(data, size, at) : 0;
  sseval_gen_stream_init(&s);
  if (r < 2 || n < 2) { /* a fresh stream */
    if (!fk_generate(&rs, max_size, &s, (int)(sm64(&rs) & 1))) return size;
    size = s.len < max_size ? s.len : max_size;
    memcpy(data, s.bytes, size);
    sseval_gen_stream_free(&s);
    return size;
  }
  k = (size_t)(sm64(&rs) % n);
  if (sm64(&rs) & 1) /* half the time one of the last events: where cuts hurt */
    k = n - 1 - (size_t)(sm64(&rs) % (n < 4 ? n : 4));
  a = at[k];
  b = k + 1 < n ? at[k + 1] : size;
  switch (sm64(&rs) % 6) {
  case 0: /* drop event k */
    memmove(data + a, data + b, size - b);
    return size - (b - a);
  case 1: /* event k twice */
    if (size + (b - a) > max_size) return size;
    memmove(data + b + (b - a), data + b, size - b);
    memmove(data + b, data + a, b - a);
    return size + (b - a);
  case 2: /* swap events k and k + 1 */
    if (k + 1 < n) {
      size_t c = k + 2 < n ? at[k + 2] : size, i;
      for (i = 0; i < b - a; i++) { /* rotate [a, c) left by b - a */
        uint8_t t = data[a];
        memmove(data + a, data + a + 1, c - a - 1);
        data[c - 1] = t;
      }
    }
    return size;
  case 3: /* cut at an event boundary */
    return a ? a : size;
  case 4: /* cut inside event k */
    return b - a > 1 ? a + 1 + (size_t)(sm64(&rs) % (b - a - 1)) : size;
  default: { /* an event of another stream at boundary k */
    size_t m, at2[FK_MAX_EVENTS], j, e0, e1;
    if (!fk_generate(&rs, max_size < 4096 ? 4096 : max_size, &s, (int)(sm64(&rs) & 1)))
      return size;
    m = fk_events((const uint8_t *)s.bytes, s.len, at2);
    j = (size_t)(sm64(&rs) % m);
    e0 = at2[j];
    e1 = j + 1 < m ? at2[j + 1] : s.len;
    if (size + (e1 - e0) <= max_size) {
      memmove(data + a + (e1 - e0), data + a, size - a);
      memcpy(data + a, s.bytes + e0, e1 - e0);
      size += e1 - e0;
    }
    sseval_gen_stream_free(&s);
    return size;
  }
  }
}

size_t sseval_fuzz_crossover(const uint8_t *a, size_t a_len, const uint8_t *b,
                             size_t b_len, uint8_t *out, size_t max_out,
                             unsigned int seed) {
  uint64_t rs = (uint64_t)seed * 0xBF58476D1CE4E5B9ull ^ a_len ^ (b_len << 20);
  size_t at[FK_MAX_EVENTS], n, cut_a, cut_b, len;
  if (!out || !max_out || (!a && a_len) || (!b && b_len)) return 0;
  n = a_len ? fk_events(a, a_len, at) : 0;
  cut_a = n ? at[sm64(&rs) % n] : 0;
  if (!cut_a) cut_a = a_len;
  n = b_len ? fk_events(b, b_len, at) : 0;
  cut_b = n ? at[sm64(&rs) % n] : 0;
  if (cut_a > max_out) cut_a = max_out;
  len = cut_a;
  if (len) memcpy(out, a, len);
  if (b_len > cut_b) {
    size_t m = b_len - cut_b;
    if (m > max_out - len) m = max_out - len;
    if (m) memcpy(out + len, b + cut_b, m);
    len += m;
  }
  return len;
}
