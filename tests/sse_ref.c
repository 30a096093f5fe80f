/* SPDX-License-Identifier: MIT */
/*
 * tests/sse_ref.c - the reference tokenizer (see sse_ref.h). Shares no code
 * with src/. Every step mirrors a sentence of the WHATWG algorithm; nothing
 * here is fast, and nothing needs to be.
 */
#include "sse_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- R1: the WHATWG UTF-8 decoder ---------------------------------------------- */

typedef struct ref_cp {
  uint32_t cp;  /* code point (U+FFFD for an error) */
  int err;      /* 1 when this is a decoder error, not a real character */
  uint64_t off; /* byte offset of its first byte */
} ref_cp;

/* The Encoding Standard's "UTF-8 decoder", literally: bytes needed, bytes
 * seen, lower and upper boundary; a byte outside the boundaries is an error
 * and is processed again as the start of something new; end of input with
 * bytes needed is one error. Writes one ref_cp per code point or error. */
static size_t ref_decode(const unsigned char *s, size_t n, ref_cp *out) {
  size_t i = 0, k = 0;
  while (i < n) {
    unsigned b = s[i];
    size_t start = i;
    unsigned needed, seen = 0, lower = 0x80, upper = 0xBF;
    uint32_t cp;
    int error = 0;
    if (b <= 0x7F) {
      out[k].cp = b;
      out[k].err = 0;
      out[k].off = i;
      k++;
      i++;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      needed = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      if (b == 0xE0) lower = 0xA0;
      if (b == 0xED) upper = 0x9F;
      needed = 2;
      cp = b & 0xF;
    } else if (b >= 0xF0 && b <= 0xF4) {
      if (b == 0xF0) lower = 0x90;
      if (b == 0xF4) upper = 0x8F;
      needed = 3;
      cp = b & 0x7;
    } else {
      out[k].cp = 0xFFFD;
      out[k].err = 1;
      out[k].off = i;
      k++;
      i++;
      continue;
    }
    i++;
    while (seen < needed) {
      if (i >= n || s[i] < lower || s[i] > upper) {
        error = 1; /* s[i] (if any) is not consumed: it is processed again */
        break;
      }
      lower = 0x80;
      upper = 0xBF;
      cp = (cp << 6) | (s[i] & 0x3F);
      seen++;
      i++;
    }
    out[k].cp = error ? 0xFFFD : cp;
    out[k].err = error;
    out[k].off = start;
    k++;
  }
  return k;
}

static size_t ref_encode(uint32_t cp, unsigned char *o) {
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

static ref_cp *ref_decode_alloc(const void *s, size_t n, size_t *count) {
  ref_cp *cps = (ref_cp *)malloc((n ? n : 1) * sizeof *cps);
  if (!cps) abort();
  *count = ref_decode((const unsigned char *)s, n, cps);
  return cps;
}

size_t sseref_fffd(const void *s, size_t n, unsigned char *out) {
  size_t count, i, o = 0;
  ref_cp *cps = ref_decode_alloc(s, n, &count);
  for (i = 0; i < count; i++) o += ref_encode(cps[i].cp, out + o);
  free(cps);
  return o;
}

size_t sseref_first_invalid(const void *s, size_t n, size_t *invalid_len) {
  size_t count, i, at = n;
  ref_cp *cps = ref_decode_alloc(s, n, &count);
  *invalid_len = 0;
  for (i = 0; i < count; i++) {
    if (cps[i].err) {
      /* the error covers the bytes up to where the next item starts */
      uint64_t next = i + 1 < count ? cps[i + 1].off : n;
      at = (size_t)cps[i].off;
      *invalid_len = (size_t)(next - cps[i].off);
      break;
    }
  }
  free(cps);
  return at;
}

void sseref_buf_quote_text(sseref_buf *b, const void *s, size_t n) {
  unsigned char *tmp = (unsigned char *)malloc(3 * n + 1);
  size_t m;
  if (!tmp) abort();
  m = sseref_fffd(s, n, tmp);
  sseref_buf_quote(b, tmp, m);
  free(tmp);
}

/* ---- trace lines -------------------------------------------------------------- */

void sseref_trace_event(sseref_buf *t, const void *type, size_t type_len,
                        const void *data, size_t data_len, const void *id,
                        size_t id_len, uint64_t offset, uint64_t line,
                        uint64_t end) {
  sseref_buf_str(t, "event type=");
  sseref_buf_quote_text(t, type, type_len);
  sseref_buf_str(t, " data=");
  sseref_buf_quote_text(t, data, data_len);
  sseref_buf_str(t, " id=");
  sseref_buf_quote_text(t, id, id_len);
  sseref_buf_str(t, " offset=");
  sseref_buf_u64(t, offset);
  sseref_buf_str(t, " line=");
  sseref_buf_u64(t, line);
  sseref_buf_str(t, " end=");
  sseref_buf_u64(t, end);
  sseref_buf_str(t, "\n");
}

void sseref_trace_retry(sseref_buf *t, uint64_t ms, uint64_t offset) {
  sseref_buf_str(t, "retry ms=");
  sseref_buf_u64(t, ms);
  sseref_buf_str(t, " offset=");
  sseref_buf_u64(t, offset);
  sseref_buf_str(t, "\n");
}

void sseref_trace_comment(sseref_buf *t, const void *s, size_t n,
                          uint64_t offset) {
  sseref_buf_str(t, "comment text=");
  sseref_buf_quote_text(t, s, n);
  sseref_buf_str(t, " offset=");
  sseref_buf_u64(t, offset);
  sseref_buf_str(t, "\n");
}

void sseref_trace_unknown(sseref_buf *t, const void *name, size_t name_len,
                          const void *value, size_t value_len,
                          uint64_t offset) {
  sseref_buf_str(t, "unknown name=");
  sseref_buf_quote_text(t, name, name_len);
  sseref_buf_str(t, " value=");
  sseref_buf_quote_text(t, value, value_len);
  sseref_buf_str(t, " offset=");
  sseref_buf_u64(t, offset);
  sseref_buf_str(t, "\n");
}

void sseref_trace_error(sseref_buf *t, const char *status, uint64_t offset,
                        uint64_t line) {
  sseref_buf_str(t, "error ");
  sseref_buf_str(t, status);
  sseref_buf_str(t, " offset=");
  sseref_buf_u64(t, offset);
  sseref_buf_str(t, " line=");
  sseref_buf_u64(t, line);
  sseref_buf_str(t, "\n");
}

void sseref_trace_tail(sseref_buf *t, int discarded, uint64_t fields,
                       uint64_t partial, uint64_t offset, uint64_t line) {
  sseref_buf_str(t, "tail discarded=");
  sseref_buf_u64(t, discarded ? 1u : 0u);
  if (discarded || fields || partial) {
    sseref_buf_str(t, " fields=");
    sseref_buf_u64(t, fields);
    sseref_buf_str(t, " partial=");
    sseref_buf_u64(t, partial);
  }
  if (discarded) {
    sseref_buf_str(t, " offset=");
    sseref_buf_u64(t, offset);
    sseref_buf_str(t, " line=");
    sseref_buf_u64(t, line);
  }
  sseref_buf_str(t, "\n");
}

/* ---- the algorithm ------------------------------------------------------------- */

/* A growable array of code points ("a buffer" in the spec's words). */
typedef struct ref_str {
  uint32_t *cp;
  size_t len, cap;
} ref_str;

static void str_push(ref_str *s, uint32_t c) {
  if (s->len == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->cp = (uint32_t *)realloc(s->cp, s->cap * sizeof *s->cp);
    if (!s->cp) abort();
  }
  s->cp[s->len++] = c;
}

static void str_set(ref_str *s, const uint32_t *c, size_t n) {
  size_t i;
  s->len = 0;
  for (i = 0; i < n; i++) str_push(s, c[i]);
}

static int str_eq(const uint32_t *c, size_t n, const char *ascii) {
  size_t i, m = strlen(ascii);
  if (n != m) return 0;
  for (i = 0; i < n; i++)
    if (c[i] != (unsigned char)ascii[i]) return 0;
  return 1;
}

/* Encode code points as UTF-8 into a fresh malloc'd array. */
static unsigned char *str_utf8(const uint32_t *c, size_t n, size_t *out_len) {
  unsigned char *o = (unsigned char *)malloc(4 * n + 1);
  size_t i, k = 0;
  if (!o) abort();
  for (i = 0; i < n; i++) k += ref_encode(c[i], o + k);
  *out_len = k;
  return o;
}

/* Raw input bytes of the code points cps[a..b) of a line whose terminator
 * is at raw offset `term` (sizes are limits on raw bytes). */
static uint64_t raw_bytes(const ref_cp *cps, size_t a, size_t b, uint64_t term) {
  return a < b ? term - cps[a].off : 0;
}

typedef struct ref_state {
  sseref_buf *out;
  size_t max_line, max_event;
  /* the spec's buffers */
  ref_str data;      /* values, each followed by LF */
  ref_str type;      /* event type buffer */
  ref_str last_id;   /* last event ID buffer */
  /* bookkeeping for the library's positions and sizes */
  uint64_t data_raw;     /* raw bytes of the data values joined with LF */
  uint64_t data_fields;  /* data fields in the block */
  uint64_t fields;       /* field lines in the block (not comments) */
  uint64_t block_off, block_line;
  int failed;
  sseref_counts counts;
} ref_state;

static void emit_u(ref_state *st, void (*fn)(sseref_buf *, const void *,
                                             size_t, uint64_t),
                   const uint32_t *c, size_t n, uint64_t off) {
  size_t blen;
  unsigned char *b = str_utf8(c, n, &blen);
  fn(st->out, b, blen, off);
  free(b);
}

/* "Process the field" for one line with a name and a value. */
static void process_field(ref_state *st, const uint32_t *name, size_t nlen,
                          const uint32_t *value, size_t vlen,
                          uint64_t value_raw, uint64_t off, uint64_t line) {
  size_t i;
  if (str_eq(name, nlen, "event")) {
    str_set(&st->type, value, vlen);
  } else if (str_eq(name, nlen, "data")) {
    uint64_t joined = st->data_fields ? st->data_raw + 1 + value_raw : value_raw;
    if (joined > st->max_event) {
      sseref_trace_error(st->out, "E_LIMIT", off, line);
      st->failed = 1;
      return;
    }
    st->data_raw = joined;
    st->data_fields++;
    for (i = 0; i < vlen; i++) str_push(&st->data, value[i]);
    str_push(&st->data, 0x0A);
  } else if (str_eq(name, nlen, "id")) {
    int has_nul = 0;
    for (i = 0; i < vlen; i++)
      if (value[i] == 0) has_nul = 1;
    if (!has_nul) str_set(&st->last_id, value, vlen);
  } else if (str_eq(name, nlen, "retry")) {
    int ok = vlen > 0;
    uint64_t ms = 0;
    for (i = 0; i < vlen && ok; i++) {
      uint64_t d;
      if (value[i] < '0' || value[i] > '9') {
        ok = 0;
        break;
      }
      d = value[i] - '0';
      if (ms > (UINT64_MAX - d) / 10) ok = 0; /* Decisions: too large */
      else ms = ms * 10 + d;
    }
    if (ok) sseref_trace_retry(st->out, ms, off);
  } else {
    size_t a, b;
    unsigned char *nb = str_utf8(name, nlen, &a);
    unsigned char *vb = str_utf8(value, vlen, &b);
    sseref_trace_unknown(st->out, nb, a, vb, b, off);
    free(nb);
    free(vb);
  }
}

/* "Dispatch the event" (R14). */
static void dispatch(ref_state *st, uint64_t end) {
  if (st->data.len == 0) {
    st->type.len = 0;
  } else {
    size_t tl, dl, il;
    unsigned char *t, *d, *id;
    st->data.len--; /* (c) one trailing LF */
    if (st->type.len) {
      t = str_utf8(st->type.cp, st->type.len, &tl);
    } else {
      static const uint32_t message[] = {'m', 'e', 's', 's', 'a', 'g', 'e'};
      t = str_utf8(message, 7, &tl);
    }
    d = str_utf8(st->data.cp, st->data.len, &dl);
    id = str_utf8(st->last_id.cp, st->last_id.len, &il);
    /* The trace writer decodes again; the text is valid UTF-8 already, so
     * that is the identity. */
    sseref_trace_event(st->out, t, tl, d, dl, id, il, st->block_off,
                       st->block_line, end);
    st->counts.events++;
    free(t);
    free(d);
    free(id);
  }
  st->data.len = 0;
  st->type.len = 0;
  st->data_raw = 0;
  st->data_fields = 0;
  st->fields = 0;
}

/* One complete line: code points cps[a..b), first byte at `off` (raw), the
 * terminator at raw offset `term`, number `line`. */
static void process_line(ref_state *st, const ref_cp *cps, size_t a, size_t b,
                         uint64_t off, uint64_t term, uint64_t line) {
  size_t n = b - a, i, colon = n;
  uint32_t *c = (uint32_t *)malloc((n ? n : 1) * sizeof *c);
  if (!c) abort();
  for (i = 0; i < n; i++) c[i] = cps[a + i].cp;

  st->counts.lines++;
  if (n == 0) {
    dispatch(st, term + 1);
  } else if (c[0] == ':') {
    st->counts.comments++;
    emit_u(st, sseref_trace_comment, c + 1, n - 1, off);
  } else {
    const uint32_t *value;
    size_t vlen;
    uint64_t value_raw;
    for (i = 0; i < n; i++)
      if (c[i] == ':') {
        colon = i;
        break;
      }
    if (colon < n) {
      size_t v = colon + 1;
      if (v < n && c[v] == 0x20) v++;
      value = c + v;
      vlen = n - v;
      value_raw = raw_bytes(cps, a + v, b, term);
    } else {
      value = c + n;
      vlen = 0;
      value_raw = 0;
    }
    if (st->fields++ == 0) {
      st->block_off = off;
      st->block_line = line;
    }
    process_field(st, c, colon, value, vlen, value_raw, off, line);
  }
  free(c);
}

void sseref_run(const void *input, size_t len, const sseref_opts *opts,
                sseref_buf *out) {
  sseref_run_counts(input, len, opts, out, NULL);
}

void sseref_run_counts(const void *input, size_t len, const sseref_opts *opts,
                       sseref_buf *out, sseref_counts *counts) {
  size_t count, i, start;
  ref_cp *cps = ref_decode_alloc(input, len, &count);
  ref_state st;
  uint64_t line = 1;

  memset(&st, 0, sizeof st);
  st.out = out;
  st.max_line = opts && opts->max_line ? opts->max_line : (size_t)1 << 20;
  st.max_event = opts && opts->max_event ? opts->max_event : (size_t)1 << 20;

  /* R2: one U+FEFF at the very start is dropped (decoding) */
  start = (count > 0 && cps[0].cp == 0xFEFF) ? 1 : 0;

  i = start;
  for (;;) {
    size_t a = i;
    uint64_t off = a < count ? cps[a].off : len;
    /* collect the line */
    while (i < count && cps[i].cp != 0x0D && cps[i].cp != 0x0A) i++;
    if (i >= count) {
      /* R4: no terminator: never processed (only measured) */
      uint64_t partial = len - off;
      if (partial > st.max_line) {
        sseref_trace_error(out, "E_LIMIT", off + st.max_line, line);
        break;
      }
      if (st.fields || partial) {
        if (st.fields)
          sseref_trace_tail(out, 1, st.fields, partial, st.block_off,
                            st.block_line);
        else
          sseref_trace_tail(out, 1, 0, partial, off, line);
      } else {
        sseref_trace_tail(out, 0, 0, 0, 0, 0);
      }
      break;
    }
    if (cps[i].off - off > st.max_line) {
      sseref_trace_error(out, "E_LIMIT", off + st.max_line, line);
      break;
    }
    process_line(&st, cps, a, i, off, cps[i].off, line);
    if (st.failed) break;
    /* R3: CRLF is one terminator; CR and LF alone are one each */
    if (cps[i].cp == 0x0D && i + 1 < count && cps[i + 1].cp == 0x0A) i++;
    i++;
    line++;
  }

  st.counts.end_line = line;
  if (counts) *counts = st.counts;
  free(cps);
  free(st.data.cp);
  free(st.type.cp);
  free(st.last_id.cp);
}
