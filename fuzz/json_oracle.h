/* SPDX-License-Identifier: MIT */
/*
 * fuzz/json_oracle.h - the strict JSON layer (src/json.h) and
 * sseval_partial_json_preview; the C part of fuzz_json, shared with
 * tests/test_fuzz_regressions.c (the simdjson part is in fuzz/fuzz_json.cc).
 *
 * json_check_c() on a body (the JSON text) checks:
 *  1. the cursor (skip + end), the incremental validator fed whole, fed in the
 *     control's chunking and (for short texts) byte by byte all give the same
 *     verdict, error kind, message and position;
 *  2. the independent checker of fuzz_common.h gives the same verdict, kind and
 *     position (the first byte no continuation could make valid);
 *  3. top_is_object / jstream_empty agree with the text;
 *  4. on a valid text, a walk with the cursor's readers (chosen by the control:
 *     descend, skip a whole subtree, read numbers with j_uint, probe with the
 *     wrong reader first and check the J_TYPE contract: the value is consumed,
 *     sseval__j_clear_type_error goes on) yields the same token list as the
 *     independent checker: same keys and strings decoded (sseval__jdec, and
 *     sseval__jstr_decoded_len / sseval__jstr_eq agree), same raw numbers,
 *     j_uint exactly for plain integers that fit uint64;
 *  5. sseval_partial_json_preview on the text and on prefixes cut at the
 *     control's chunk boundaries: E_INVALID exactly when the prefix is not a
 *     viable prefix (incremental validator), otherwise valid JSON; a complete
 *     text comes back unchanged (unless it is a bare number touching the
 *     end: null); a too small buffer gives E_LIMIT, the same length, and a
 *     prefix of the same output;
 *  6. with a key set attached (duplicate member names checked), the cursor
 *     and the incremental validator (whole, chunked, byte by byte) agree
 *     again, and with the independent checker run with its own duplicate
 *     check: J_DUPKEY exactly where it finds a repeated name (the name's
 *     closing quote) before any other error, otherwise the result of 1.
 *     res->keys_ok says whether the text passed with the check (the
 *     simdjson half compares it with the tree simdjson builds).
 *
 * Control: flags bit 0 max_depth = 1 + p0 % 16 (else 512); p1..p3 seed the
 * walk's choices; chunk sizes as usual.
 */
#ifndef SSEVAL_FUZZ_JSON_ORACLE_H
#define SSEVAL_FUZZ_JSON_ORACLE_H

#include "../src/json.h"
#include "fuzz_common.h"

typedef struct jo_result {
  int ok;           /* the library accepted the text */
  sseval__jerr err; /* its error kind */
  size_t pos;
  uint32_t max_depth;
  fz_buf tokens;    /* token list of a valid text (fz_json_tokens format) */
  int keys_ok;      /* accepted with duplicate names checked */
} jo_result;

typedef struct jo_outcome {
  int ok;
  sseval__jerr err;
  const char *msg;
  uint64_t pos;
} jo_outcome;

static void jo_same_outcome(const char *what, const jo_outcome *a,
                            const jo_outcome *b) {
  FZ_CHECK(a->ok == b->ok && a->err == b->err && a->pos == b->pos &&
               (a->ok || (a->msg && b->msg && strcmp(a->msg, b->msg) == 0)),
           "%s: cursor says ok=%d err=%d pos=%llu (%s), stream says ok=%d err=%d "
           "pos=%llu (%s)",
           what, a->ok, (int)a->err, (unsigned long long)a->pos,
           a->msg ? a->msg : "", b->ok, (int)b->err, (unsigned long long)b->pos,
           b->msg ? b->msg : "");
}

static sseval__mem jo_keys_mem;

static jo_outcome jo_stream(const fz_ctl *c, const unsigned char *s, size_t n,
                            uint32_t maxd, int how, int *top_obj, int *empty,
                            int keys) {
  sseval__jstream js;
  jo_outcome o;
  int ok = 1;
  sseval__jstream_init(&js, maxd);
  if (keys) {
    sseval__mem_init(&jo_keys_mem, NULL);
    sseval__jkeys_init(&js.keys, &jo_keys_mem);
  }
  if (how == 0) {
    unsigned char *q = fz_exact(s, n);
    ok = sseval__jstream_feed(&js, q, n);
    free(q);
  } else {
    fz_chunker k;
    size_t pos = 0;
    fz_chunker_init(&k, c);
    while (pos < n) {
      size_t m = how == 2 ? 1 : fz_next_chunk(&k, n - pos);
      unsigned char *q = fz_exact(s + pos, m);
      int r = sseval__jstream_feed(&js, q, m);
      free(q);
      if (!r) {
        ok = 0;
        FZ_CHECK(sseval__jstream_feed(&js, "1", 1) == 0, "jstream error not sticky");
        break;
      }
      pos += m;
    }
  }
  if (empty) *empty = sseval__jstream_empty(&js);
  o.ok = sseval__jstream_finish(&js) && ok;
  o.err = js.err;
  o.msg = js.err_msg;
  o.pos = js.err_pos;
  if (top_obj) *top_obj = js.top_is_object;
  sseval__jkeys_free(&js.keys);
  FZ_CHECK(!keys || jo_keys_mem.held == 0, "key set: %zu bytes left",
           jo_keys_mem.held);
  return o;
}

/* The cursor (skip + end) over an exactly sized copy; keys: with a key set. */
static jo_outcome jo_cursor(const unsigned char *s, size_t n, uint32_t maxd,
                            int keys) {
  sseval__jcur cur;
  sseval__jkeys ks;
  jo_outcome o;
  unsigned char *q = fz_exact(s, n);
  sseval__jcur_init(&cur, q, n, maxd);
  if (keys) {
    sseval__mem_init(&jo_keys_mem, NULL);
    sseval__jkeys_init(&ks, &jo_keys_mem);
    cur.keys = &ks;
  }
  o.ok = sseval__j_skip(&cur, NULL) && sseval__j_end(&cur);
  o.err = cur.err;
  o.msg = cur.err_msg;
  o.pos = cur.err_pos;
  if (keys) {
    sseval__jkeys_free(&ks);
    FZ_CHECK(jo_keys_mem.held == 0, "key set: %zu bytes left", jo_keys_mem.held);
  }
  free(q);
  return o;
}

/* ---- the structured walk ------------------------------------------------------------- */

typedef struct jo_walk {
  sseval__jcur *cur;
  fz_buf *out;
  uint64_t rng;
  const unsigned char *base;
  size_t n;
} jo_walk;

static unsigned jo_rand(jo_walk *w) {
  w->rng = w->rng * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)(w->rng >> 33);
}

static void jo_decode_into(const sseval__jstr *s, fz_buf *out) {
  sseval__jdec d;
  sseval_span piece;
  size_t before = out->len;
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece)) {
    FZ_CHECK(piece.len > 0 && piece.ptr, "jdec: empty piece");
    FZ_CHECK(fz_utf8_valid(piece.ptr, piece.len), "jdec piece is not valid UTF-8");
    fz_buf_add(out, piece.ptr, piece.len);
  }
  FZ_CHECK(sseval__jstr_decoded_len(s) == out->len - before,
           "jstr_decoded_len %zu, decoded %zu bytes", sseval__jstr_decoded_len(s),
           out->len - before);
  if (!s->has_escapes)
    FZ_CHECK(out->len - before == s->len &&
                 (!s->len || memcmp(out->p + before, s->ptr, s->len) == 0),
             "has_escapes = 0 but decoding changed the string");
}

static void jo_emit_str(jo_walk *w, const char *tag, const sseval__jstr *s) {
  fz_buf d;
  fz_buf_init(&d);
  jo_decode_into(s, &d);
  fzj_tok(w->out, tag, d.p ? d.p : "", d.len);
  if (tag[0] == 'K') {
    FZ_CHECK(sseval__jstr_eq(s, d.p ? d.p : "", d.len),
             "jstr_eq(key, its decoded value) is 0");
    fz_buf_byte(&d, 'x');
    FZ_CHECK(!sseval__jstr_eq(s, d.p, d.len), "jstr_eq matches a longer key");
    if (d.len > 1) {
      d.p[0] = (char)(d.p[0] ^ 1);
      FZ_CHECK(!sseval__jstr_eq(s, d.p, d.len - 1), "jstr_eq ignores a byte");
    }
  }
  fz_buf_free(&d);
}

/* 1 if raw is a plain non-negative integer; *v its value, *fits 0 if > max */
static int jo_plain_uint(const char *raw, size_t n, uint64_t *v, int *fits) {
  size_t i;
  *v = 0;
  *fits = 1;
  if (n == 0) return 0;
  for (i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)raw[i] - '0';
    if (d > 9) return 0;
    if (*v > (UINT64_MAX - d) / 10) *fits = 0;
    else *v = *v * 10 + d;
  }
  return 1;
}

static int jo_value(jo_walk *w, uint32_t depth);

/* Try the wrong reader on a copy of the cursor: J_TYPE, value consumed. */
static void jo_probe(jo_walk *w, sseval__jkind k) {
  sseval__jcur a = *w->cur, b = *w->cur;
  sseval__jstr raw, tmp;
  uint64_t u;
  int r;
  unsigned which = jo_rand(w) % 4;
  FZ_CHECK(sseval__j_skip(&b, &raw), "skip failed on a valid value");
  if (which == 0 && k != SSEVAL__JK_OBJECT) r = sseval__j_obj_begin(&a);
  else if (which == 1 && k != SSEVAL__JK_ARRAY) r = sseval__j_arr_begin(&a);
  else if (which == 2 && k != SSEVAL__JK_STRING) r = sseval__j_str(&a, &tmp);
  else if (which == 3 && k != SSEVAL__JK_NUMBER) r = sseval__j_uint(&a, &u);
  else return;
  FZ_CHECK(r == 0 && a.err == SSEVAL__J_TYPE,
           "wrong reader on a valid value: returned %d, err %d (want J_TYPE)", r,
           (int)a.err);
  FZ_CHECK(a.p == b.p, "J_TYPE did not consume the value (at %zu, skip ends at %zu)",
           (size_t)(a.p - a.base), (size_t)(b.p - b.base));
  FZ_CHECK(a.depth == b.depth, "J_TYPE changed the depth");
  FZ_CHECK(sseval__j_clear_type_error(&a) == 1 && a.err == SSEVAL__J_OK,
           "clear_type_error failed");
}

static int jo_value(jo_walk *w, uint32_t depth) {
  sseval__jcur *c = w->cur;
  sseval__jkind k = sseval__j_peek(c);
  unsigned choice = jo_rand(w);
  FZ_CHECK(k != SSEVAL__JK_ERROR, "peek failed inside a valid text");
  if (choice % 5 == 0) jo_probe(w, k);
  if (choice % 7 == 1) { /* skip the whole value; tokens from its raw bytes */
    sseval__jstr raw;
    unsigned char *q;
    FZ_CHECK(sseval__j_skip(c, &raw), "skip failed on a valid value");
    FZ_CHECK((const unsigned char *)raw.ptr >= w->base &&
                 (const unsigned char *)raw.ptr + raw.len <= w->base + w->n,
             "skip: raw span outside the buffer");
    q = fz_exact(raw.ptr, raw.len);
    FZ_CHECK(fz_json_tokens(q, raw.len, 1000, w->out) == FZJ_OK,
             "skip: raw span is not one valid value");
    FZ_CHECK(raw.len && q[0] > ' ' && q[raw.len - 1] > ' ',
             "skip: raw span has surrounding whitespace");
    free(q);
    return 1;
  }
  switch (k) {
  case SSEVAL__JK_OBJECT: {
    sseval__jstr key;
    int r;
    FZ_CHECK(sseval__j_obj_begin(c), "obj_begin failed on an object");
    FZ_CHECK(c->depth == depth + 1, "depth after obj_begin");
    fzj_tok(w->out, "{", NULL, 0);
    while ((r = sseval__j_obj_next(c, &key)) == 1) {
      jo_emit_str(w, "K", &key);
      if (!jo_value(w, depth + 1)) return 0;
    }
    FZ_CHECK(r == 0, "obj_next error inside a valid text");
    FZ_CHECK(c->depth == depth, "depth after the object");
    fzj_tok(w->out, "}", NULL, 0);
    return 1;
  }
  case SSEVAL__JK_ARRAY: {
    int r;
    FZ_CHECK(sseval__j_arr_begin(c), "arr_begin failed on an array");
    fzj_tok(w->out, "[", NULL, 0);
    while ((r = sseval__j_arr_next(c)) == 1)
      if (!jo_value(w, depth + 1)) return 0;
    FZ_CHECK(r == 0, "arr_next error inside a valid text");
    FZ_CHECK(c->depth == depth, "depth after the array");
    fzj_tok(w->out, "]", NULL, 0);
    return 1;
  }
  case SSEVAL__JK_STRING: {
    sseval__jstr s;
    FZ_CHECK(sseval__j_str(c, &s), "j_str failed on a string");
    jo_emit_str(w, "S", &s);
    return 1;
  }
  case SSEVAL__JK_NUMBER: {
    sseval__jcur copy = *c;
    sseval__jstr raw;
    uint64_t u = 0, want;
    int fits, plain;
    FZ_CHECK(sseval__j_skip(&copy, &raw), "skip failed on a number");
    fzj_tok(w->out, "N", raw.ptr, raw.len);
    if (choice & 8) {
      *c = copy;
      return 1;
    }
    plain = jo_plain_uint(raw.ptr, raw.len, &want, &fits);
    if (plain && fits) {
      FZ_CHECK(sseval__j_uint(c, &u) == 1 && u == want,
               "j_uint on %.*s gave %llu", (int)(raw.len > 40 ? 40 : raw.len), raw.ptr,
               (unsigned long long)u);
    } else {
      FZ_CHECK(sseval__j_uint(c, &u) == 0 && c->err == SSEVAL__J_TYPE,
               "j_uint accepted %.*s", (int)(raw.len > 40 ? 40 : raw.len), raw.ptr);
      FZ_CHECK(sseval__j_clear_type_error(c), "clear_type_error after j_uint");
    }
    FZ_CHECK(c->p == copy.p, "j_uint and skip end at different places");
    return 1;
  }
  default: {
    sseval__jstr raw;
    FZ_CHECK(sseval__j_skip(c, &raw), "skip failed on a literal");
    fzj_tok(w->out, k == SSEVAL__JK_TRUE ? "t" : k == SSEVAL__JK_FALSE ? "f" : "n",
            NULL, 0);
    FZ_CHECK(raw.len == (k == SSEVAL__JK_FALSE ? 5u : 4u), "literal raw length");
    return 1;
  }
  }
}

/* ---- partial_json_preview --------------------------------------------------------------- */

static void jo_preview(const unsigned char *s, size_t n, int complete) {
  sseval__jstream js;
  int viable, top_number = 0;
  size_t need = 0, need2 = 0, i = 0, cap;
  char *out;
  sseval_status st;
  unsigned char *q = fz_exact(s, n);
  sseval__jstream_init(&js, SSEVAL__JSTREAM_MAX_DEPTH);
  viable = sseval__jstream_feed(&js, q, n);
  cap = 3 * n + 2 * SSEVAL__JSTREAM_MAX_DEPTH + 16;
  out = (char *)fz_xmalloc(cap);
  st = sseval_partial_json_preview(q, n, out, cap, &need);
  if (!viable) {
    FZ_CHECK(st == SSEVAL_E_INVALID, "preview of a non-viable prefix: %s",
             sseval_status_name(st));
  } else {
    size_t pos = 0;
    FZ_CHECK(st == SSEVAL_OK && need <= cap, "preview of a viable prefix: %s",
             sseval_status_name(st));
    {
      unsigned char *o = fz_exact(out, need);
      int e = fz_json_check(o, need, 1000, &pos);
      FZ_CHECK(e == FZJ_OK, "preview output is not valid JSON (at %zu): %.*s", pos,
               (int)(need > 300 ? 300 : need), out);
      free(o);
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      i++;
    if (i < n && (s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))) {
      size_t j = n;
      while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\n' ||
                       s[j - 1] == '\r'))
        j--;
      top_number = j == n;
    }
    if (complete && !top_number && i < n)
      FZ_CHECK(need == n && memcmp(out, s, n) == 0,
               "preview changed a complete text: %.*s", (int)(need > 300 ? 300 : need),
               out);
    if (need > 0) { /* too small a buffer */
      char *small = (char *)fz_xmalloc(need - 1);
      st = sseval_partial_json_preview(q, n, small, need - 1, &need2);
      FZ_CHECK(st == SSEVAL_E_LIMIT && need2 == need,
               "preview with %zu bytes: %s, out_len %zu (need %zu)", need - 1,
               sseval_status_name(st), need2, need);
      FZ_CHECK(need < 2 || memcmp(small, out, need - 1) == 0,
               "preview into a small buffer wrote something else");
      free(small);
    }
  }
  free(out);
  free(q);
}

/* ---- the whole C oracle --------------------------------------------------------------------- */

static void json_check_c(const uint8_t *data, size_t size, jo_result *res) {
  fz_ctl c;
  const unsigned char *s;
  size_t n, ipos = 0;
  uint32_t maxd;
  sseval__jcur cur;
  jo_outcome oc, os;
  int top_obj = 0, empty = 0, ie;
  unsigned char *q;

  fz_ctl_parse(&c, data, size);
  s = c.body;
  n = c.body_len;
  maxd = (c.flags & 1u) ? 1 + c.p[0] % 16 : SSEVAL__JSTREAM_MAX_DEPTH;
  memset(res, 0, sizeof *res);
  fz_buf_init(&res->tokens);
  res->max_depth = maxd;

  /* 1. cursor vs the incremental validator, several ways */
  oc = jo_cursor(s, n, maxd, 0);
  FZ_CHECK(oc.ok == (oc.err == SSEVAL__J_OK), "cursor ok/err disagree");
  FZ_CHECK(oc.err != SSEVAL__J_TYPE, "J_TYPE from skip");
  FZ_CHECK(oc.err != SSEVAL__J_DUPKEY && oc.err != SSEVAL__J_NOMEM,
           "names checked without a key set");
  os = jo_stream(&c, s, n, maxd, 0, &top_obj, &empty, 0);
  jo_same_outcome("whole feed", &oc, &os);
  os = jo_stream(&c, s, n, maxd, 1, NULL, NULL, 0);
  jo_same_outcome("chunked feed", &oc, &os);
  if (n <= 2048) {
    os = jo_stream(&c, s, n, maxd, 2, NULL, NULL, 0);
    jo_same_outcome("byte-by-byte feed", &oc, &os);
  }
  /* 2. the independent checker */
  ie = fz_json_check(s, n, maxd, &ipos);
  FZ_CHECK((ie == FZJ_OK) == oc.ok &&
               (oc.ok || (ie == FZJ_DEPTH) == (oc.err == SSEVAL__J_DEPTH)) &&
               (oc.ok || ipos == oc.pos),
           "library: ok=%d err=%d pos=%llu (%s); independent checker: %s at %zu",
           oc.ok, (int)oc.err, (unsigned long long)oc.pos, oc.msg ? oc.msg : "",
           ie == FZJ_OK ? "ok" : ie == FZJ_DEPTH ? "depth" : "syntax", ipos);
  /* 3. top_is_object / empty */
  {
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      i++;
    FZ_CHECK(empty == (i == n), "jstream_empty is %d", empty);
    if (i < n && (oc.ok || oc.pos > i))
      FZ_CHECK(top_obj == (s[i] == '{'), "top_is_object is %d", top_obj);
  }
  res->ok = oc.ok;
  res->err = oc.err;
  res->pos = (size_t)oc.pos;
  /* 4. the structured walk */
  if (oc.ok) {
    fz_buf mine;
    jo_walk w;
    q = fz_exact(s, n);
    fz_buf_init(&mine);
    FZ_CHECK(fz_json_tokens(q, n, maxd, &res->tokens) == FZJ_OK, "tokens");
    sseval__jcur_init(&cur, q, n, maxd);
    w.cur = &cur;
    w.out = &mine;
    w.rng = (uint64_t)c.p[1] << 16 | (uint64_t)c.p[2] << 8 | c.p[3];
    w.base = q;
    w.n = n;
    FZ_CHECK(jo_value(&w, 0), "walk failed");
    FZ_CHECK(sseval__j_end(&cur), "j_end failed after the walk");
    fz_same("cursor walk vs the independent checker's tokens", "independent",
            &res->tokens, "cursor", &mine);
    fz_buf_free(&mine);
    free(q);
  }
  /* 6. duplicate names */
  {
    jo_outcome kc = jo_cursor(s, n, maxd, 1), ks;
    size_t dpos = 0;
    int de = fz_json_check_dup(s, n, maxd, &dpos);
    ks = jo_stream(&c, s, n, maxd, 0, NULL, NULL, 1);
    jo_same_outcome("whole feed, key set", &kc, &ks);
    ks = jo_stream(&c, s, n, maxd, 1, NULL, NULL, 1);
    jo_same_outcome("chunked feed, key set", &kc, &ks);
    if (n <= 2048) {
      ks = jo_stream(&c, s, n, maxd, 2, NULL, NULL, 1);
      jo_same_outcome("byte-by-byte feed, key set", &kc, &ks);
    }
    if (de == FZJ_DUP)
      FZ_CHECK(!kc.ok && kc.err == SSEVAL__J_DUPKEY && kc.pos == dpos,
               "key set: ok=%d err=%d pos=%llu; independent checker: a "
               "repeated name at %zu",
               kc.ok, (int)kc.err, (unsigned long long)kc.pos, dpos);
    else
      FZ_CHECK(kc.ok == oc.ok && kc.err == oc.err && kc.pos == oc.pos,
               "key set: ok=%d err=%d pos=%llu; without: ok=%d err=%d "
               "pos=%llu; independent checker: no repeated name first",
               kc.ok, (int)kc.err, (unsigned long long)kc.pos, oc.ok,
               (int)oc.err, (unsigned long long)oc.pos);
    res->keys_ok = kc.ok;
  }
  /* 5. preview, on the text and on prefixes at the chunk boundaries */
  jo_preview(s, n, oc.ok);
  if (c.nchunks) {
    fz_chunker k;
    size_t pos = 0, rounds = 0;
    fz_chunker_init(&k, &c);
    while (pos < n && rounds++ < 8) {
      pos += fz_next_chunk(&k, n - pos);
      if (pos < n) jo_preview(s, pos, 0);
    }
  }
}

#endif /* SSEVAL_FUZZ_JSON_ORACLE_H */
