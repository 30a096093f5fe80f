/* SPDX-License-Identifier: MIT */
/*
 * tests/test_strscan.c - the whole-string scanner of src/simd.c: every
 * implementation this machine runs (avx2, sse2, portable) must give exactly
 * the answer of a plain reference written here (decode each code point,
 * check it by its value), on exhaustive short strings placed across the
 * 16/32/64-byte block edges and on long generated ones; and never read past
 * the end of the buffer (each input sits in a heap block of its exact size,
 * so ASan sees any overread).
 */
#include "simd.h"

#include "json.h"
#include "test.h"

/* ---- the reference ---------------------------------------------------------------- */
static int ref_hex(unsigned c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
  return -1;
}

static long ref_u(const unsigned char *q, const unsigned char *end) { /* q at 'u' */
  long v = 0;
  int i;
  if (end - q < 5) return -1;
  for (i = 1; i <= 4; i++) {
    int h = ref_hex(q[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

static size_t ref_utf8_len(unsigned long cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* 1 with the closing quote, the decoded length and the escape flag, or 0. */
static int ref_scan(const unsigned char *p, const unsigned char *end,
                    sseval__strscan *out) {
  const unsigned char *q = p;
  size_t dlen = 0;
  int esc = 0;
  while (q < end) {
    unsigned c = *q;
    if (c == '"') {
      out->close = q;
      out->decoded_len = dlen;
      out->has_escapes = esc;
      return 1;
    }
    if (c < 0x20) return 0;
    if (c == '\\') {
      esc = 1;
      if (end - q < 2) return 0;
      if (strchr("\"\\/bfnrt", q[1]) && q[1]) {
        q += 2;
        dlen++;
        continue;
      }
      if (q[1] != 'u') return 0;
      long cp = ref_u(q + 1, end);
      if (cp < 0) return 0;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return 0;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - q < 12 || q[6] != '\\' || q[7] != 'u') return 0;
        long lo = ref_u(q + 7, end);
        if (lo < 0xDC00 || lo > 0xDFFF) return 0;
        q += 12;
        dlen += 4;
        continue;
      }
      q += 6;
      dlen += ref_utf8_len((unsigned long)cp);
      continue;
    }
    if (c < 0x80) {
      q++;
      dlen++;
      continue;
    }
    /* decode one sequence by its lead, then judge the code point */
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || c > 0xF7 || (size_t)(end - q) < n) return 0;
    unsigned long cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < n; i++) {
      if ((q[i] & 0xC0) != 0x80) return 0;
      cp = cp << 6 | (q[i] & 0x3F);
    }
    if (ref_utf8_len(cp) != n || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    q += n;
    dlen += n;
  }
  return 0;
}

/* ---- comparing -------------------------------------------------------------------- */
static const sseval__simd_impl impls[] = {SSEVAL__SIMD_PORTABLE, SSEVAL__SIMD_SSE2,
                                          SSEVAL__SIMD_AVX2, SSEVAL__SIMD_BEST};
static const char *const impl_names[] = {"portable", "sse2", "avx2", "best"};
static unsigned long compared;

/* sseval__unescape of a valid string against json.c's piece decoder, into a
 * heap block of exactly the decoded length. */
static void check_unescape(const unsigned char *s, size_t len, size_t dlen) {
  sseval__jstr js;
  sseval__jdec d;
  sseval_span piece;
  unsigned char *want = malloc(dlen + 1), *got = malloc(dlen ? dlen : 1);
  size_t n = 0, esc = 0, from_esc = 99;
  if (!want || !got) abort();
  memset(&js, 0, sizeof js);
  js.ptr = (const char *)s;
  js.len = len;
  js.has_escapes = memchr(s, '\\', len) != NULL;
  sseval__jdec_init(&d, &js);
  while (sseval__jdec_next(&d, &piece)) {
    CHECK(n + piece.len <= dlen);
    if (n + piece.len > dlen) break;
    memcpy(want + n, piece.ptr, piece.len);
    if (piece.ptr < js.ptr || piece.ptr >= js.ptr + js.len) esc += piece.len;
    n += piece.len;
  }
  CHECK_EQ_U64(n, dlen);
  CHECK_EQ_U64(sseval__unescape(s, len, got, dlen, &from_esc), dlen);
  CHECK(memcmp(got, want, n) == 0);
  CHECK_EQ_U64(from_esc, esc);
  free(want);
  free(got);
}

/* s[0..n) in a heap block of exactly n bytes, scanned by every path. */
static void compare(const unsigned char *s, size_t n) {
  unsigned char *b = malloc(n ? n : 1);
  sseval__strscan want, got;
  int rw, rg;
  size_t k;
  if (!b) abort();
  memcpy(b, s, n);
  rw = ref_scan(b, b + n, &want);
  if (rw) check_unescape(b, (size_t)(want.close - b), want.decoded_len);
  for (k = 0; k < sizeof impls / sizeof impls[0]; k++) {
    if (!sseval__simd_available(impls[k])) continue;
    memset(&got, 0, sizeof got);
    rg = k == 3 ? sseval__str_scan(b, b + n, &got)
                : sseval__str_scan_with(impls[k], b, b + n, &got);
    compared++;
    if (rg != rw || (rw && (got.close != want.close || got.decoded_len != want.decoded_len ||
                            got.has_escapes != want.has_escapes))) {
      fprintf(stderr, "%s: got %d (close %td, dlen %zu, esc %d), want %d (close %td, "
                      "dlen %zu, esc %d) on %zu bytes:",
              impl_names[k], rg, rg ? got.close - b : -1, got.decoded_len, got.has_escapes,
              rw, rw ? want.close - b : -1, want.decoded_len, want.has_escapes, n);
      for (size_t i = 0; i < n && i < 200; i++) fprintf(stderr, " %02x", b[i]);
      fputc('\n', stderr);
      CHECK(0);
      break;
    }
  }
  free(b);
}

/* Bytes that matter to the rules: quote, backslash, escape letters, hex
 * digits of surrogates, control bytes, every UTF-8 boundary value. */
static const unsigned char alphabet[] = {
    '"', '\\', 'u', 'n', '/', 'x', 'd', 'D', 'c', '8', '0', 'f', 'A', 0x1F, 0x20, 0x7F,
    0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF,
    0xF0, 0xF4, 0xF5, 0xFF};
#define NA (sizeof alphabet)

/* Every string of 1..3 alphabet bytes, after `pre` plain bytes, followed by
 * a quote or not, so each case meets the block edges at every phase. */
TEST(exhaustive_short_across_block_edges) {
  static const size_t pres[] = {0, 13, 14, 15, 29, 30, 31, 61, 62, 63, 64};
  unsigned char s[128];
  for (size_t pi = 0; pi < sizeof pres / sizeof pres[0]; pi++) {
    size_t pre = pres[pi];
    memset(s, 'a', pre);
    for (size_t len = 1; len <= 3; len++) {
      size_t total = 1;
      for (size_t i = 0; i < len; i++) total *= NA;
      for (size_t code = 0; code < total; code++) {
        size_t c = code;
        for (size_t i = 0; i < len; i++, c /= NA) s[pre + i] = alphabet[c % NA];
        compare(s, pre + len);
        s[pre + len] = '"';
        compare(s, pre + len + 1);
        memcpy(s + pre + len, "tail\"", 5);
        compare(s, pre + len + 5);
      }
    }
  }
}

/* Pieces of text, valid and invalid, joined at random into long strings. */
static const char *const pieces[] = {
    "plain text ", "a", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u00e9", "\\u20AC",
    "\\ud83d\\ude00", "\\uD83D\\uDE80", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
    "\xf0\x9f\x98\x80", "\xd0\x9f\xd1\x80\xd0\xb8", "    ", "{\"k\": [1, 2]}",
    "0123456789abcdef0123456789abcdef", "\\u0000", "\\u007f", "\\u0800", "\xef\xbf\xbf",
    "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80"};
static const char *const bad[] = {
    "\\x", "\\u12", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\ud800x", "\xc3", "\xc0\x80",
    "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80", "\x01",
    "\x1f", "\xe6\x97", "\xf0\x9f\x98", "\xff", "\\", "\\U0041", "\\u00G0"};

static unsigned long rng = 0x9E3779B97F4A7C15ul;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

TEST(generated_long_strings) {
  static unsigned char s[8192];
  for (int iter = 0; iter < 6000; iter++) {
    size_t n = 0, target = 1 + rnd(iter < 3000 ? 300 : 4000);
    int with_bad = rnd(4) == 0;
    while (n < target) {
      const char *pc = with_bad && rnd(40) == 0 ? bad[rnd(sizeof bad / sizeof bad[0])]
                                                 : pieces[rnd(sizeof pieces / sizeof pieces[0])];
      size_t l = strlen(pc);
      if (n + l > sizeof s - 8) break;
      memcpy(s + n, pc, l);
      n += l;
    }
    s[n++] = '"';
    compare(s, n);
    compare(s, n - 1);       /* not closed */
    compare(s, n - 1 - rnd((unsigned)(n < 20 ? n - 1 : 20))); /* cut anywhere near the end */
  }
}

/* A quote right after every possible cut UTF-8 sequence and escape, at every
 * position of a 64-byte block. */
TEST(cut_sequences_at_every_offset) {
  static const char *const cut[] = {"\xc3", "\xe6\x97", "\xf0\x9f\x98", "\xf0", "\\u00",
                                    "\\ud83d", "\\ud83d\\u", "\\"};
  unsigned char s[200];
  for (size_t k = 0; k < sizeof cut / sizeof cut[0]; k++) {
    for (size_t pre = 0; pre < 70; pre++) {
      size_t l = strlen(cut[k]);
      memset(s, 'b', pre);
      memcpy(s + pre, cut[k], l);
      s[pre + l] = '"';
      memcpy(s + pre + l + 1, "\xa9 after", 8);
      compare(s, pre + l + 9);
      compare(s, pre + l);
    }
  }
}

/* Every code point as one \uXXXX escape (lower and upper case hex) inside
 * a string long enough for the 64-byte blocks: the four digits are read and
 * valued at once (src/simd.c hex4_swar), and the decoded length depends on
 * the value (1, 2 or 3 bytes; surrogates alone are invalid). */
TEST(every_u_escape_value) {
  static const char hex[2][17] = {"0123456789abcdef", "0123456789ABCDEF"};
  unsigned char s[128];
  memset(s, 'a', sizeof s);
  for (unsigned cp = 0; cp < 0x10000u; cp++) {
    for (int c = 0; c < 2; c++) {
      if (c && !((cp >> 8 | cp >> 4 | cp) & 0xAu)) continue; /* no letter to case */
      s[40] = '\\';
      s[41] = 'u';
      for (int i = 0; i < 4; i++) s[42 + i] = (unsigned char)hex[c][(cp >> (12 - 4 * i)) & 0xFu];
      s[90] = '"';
      compare(s, 91);
    }
  }
}

/* Each byte value as each hex digit of a lone escape and of both halves of
 * a surrogate pair, with the escape at offsets that put it inside a block,
 * at its end and across two blocks. */
TEST(every_byte_as_a_hex_digit) {
  static const char *const escs[] = {"\\u00e9", "\\ud83d\\ude00"};
  static const size_t offs[] = {0, 30, 57, 58, 60, 61, 62, 63};
  unsigned char s[200];
  for (size_t e = 0; e < 2; e++) {
    const size_t l = strlen(escs[e]);
    for (size_t oi = 0; oi < sizeof offs / sizeof offs[0]; oi++) {
      for (size_t d = 0; d < l; d++) {
        if (escs[e][d] == '\\' || escs[e][d] == 'u') continue;
        for (unsigned b = 0; b < 256; b++) {
          memset(s, 'a', sizeof s);
          memcpy(s + offs[oi], escs[e], l);
          s[offs[oi] + d] = (unsigned char)b;
          s[150] = '"';
          compare(s, 151);
        }
      }
    }
  }
}

/* A quote after a run of 1..6 backslashes at every position of two blocks:
 * an odd run escapes it (the string goes on past it: the block step must
 * not stop there), an even one leaves it closing the string. */
TEST(quotes_after_backslash_runs) {
  unsigned char s[256];
  for (size_t run = 1; run <= 6; run++) {
    for (size_t pre = 0; pre < 130; pre++) {
      memset(s, 'b', sizeof s);
      memset(s + pre, '\\', run);
      s[pre + run] = '"';
      s[pre + run + 90] = '"';
      compare(s, pre + run + 91);
      s[pre + run + 40] = 0x1F; /* and a control byte after it */
      compare(s, pre + run + 91);
    }
  }
}

TEST(paths_are_named_and_the_best_is_available) {
  const char *name = sseval__simd_name();
  CHECK(!strcmp(name, "avx2") || !strcmp(name, "sse2") || !strcmp(name, "portable"));
  CHECK(sseval__simd_available(SSEVAL__SIMD_BEST));
  CHECK(sseval__simd_available(SSEVAL__SIMD_PORTABLE));
#if defined(SSEVAL_JSON_NO_SIMD)
  CHECK(!strcmp(name, "portable"));
#endif
}

int main(void) {
  RUN(paths_are_named_and_the_best_is_available);
  RUN(exhaustive_short_across_block_edges);
  RUN(generated_long_strings);
  RUN(cut_sequences_at_every_offset);
  RUN(every_u_escape_value);
  RUN(every_byte_as_a_hex_digit);
  RUN(quotes_after_backslash_runs);
  fprintf(stderr, "test_strscan: %s path, %lu comparisons\n", sseval__simd_name(), compared);
  return test_summary();
}
