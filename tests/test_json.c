/* SPDX-License-Identifier: MIT */
/*
 * tests/test_json.c - the strict JSON layer (src/json.h) and
 * sseval_partial_json_preview.
 *
 * Every expectation here was written by hand from RFC 8259 / RFC 3629 and
 * the error-position rule in src/json.c: the offset of the first byte that
 * no continuation could make valid ("unexpected end": the length).
 * Each table case runs through the cursor (skip + end) and the incremental
 * validator fed whole, byte by byte, at every 2-way split and (for short
 * texts) every 3-way split; all must give the same verdict, error kind,
 * message and position.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "sseval/claude.h"
#include "test.h"

/* ---- running one text through every reader ------------------------------ */

typedef struct res {
  int ok;
  sseval__jerr err;
  const char *msg;
  uint64_t pos;
} res;

/* 1: every reader runs with a key set attached (duplicate names checked). */
static int with_keys;
static sseval__mem keys_mem;

static res run_cursor(const void *s, size_t n, uint32_t maxd) {
  sseval__jcur c;
  sseval__jkeys keys;
  res r;
  sseval__jcur_init(&c, s, n, maxd);
  if (with_keys) {
    sseval__mem_init(&keys_mem, NULL);
    sseval__jkeys_init(&keys, &keys_mem);
    c.keys = &keys;
  }
  r.ok = sseval__j_skip(&c, NULL) && sseval__j_end(&c);
  r.err = c.err;
  r.msg = c.err_msg;
  r.pos = c.err_pos;
  if (with_keys) sseval__jkeys_free(&keys);
  return r;
}

static void stream_start(sseval__jstream *js, uint32_t maxd) {
  sseval__jstream_init(js, maxd);
  if (with_keys) {
    sseval__mem_init(&keys_mem, NULL);
    sseval__jkeys_init(&js->keys, &keys_mem);
  }
}

/* Feed [0,a) [a,b) [b,n) (empty pieces included), then finish. */
static res run_stream3(const void *sv, size_t n, uint32_t maxd, size_t a,
                       size_t b) {
  const char *s = (const char *)sv;
  sseval__jstream js;
  res r;
  int ok;
  stream_start(&js, maxd);
  ok = sseval__jstream_feed(&js, s, a);
  ok = sseval__jstream_feed(&js, s + a, b - a) && ok;
  ok = sseval__jstream_feed(&js, s + b, n - b) && ok;
  r.ok = sseval__jstream_finish(&js) && ok;
  r.err = js.err;
  r.msg = js.err_msg;
  r.pos = js.err_pos;
  sseval__jkeys_free(&js.keys);
  return r;
}

static res run_stream_bytes(const void *sv, size_t n, uint32_t maxd) {
  const char *s = (const char *)sv;
  sseval__jstream js;
  size_t i;
  res r;
  int ok = 1;
  stream_start(&js, maxd);
  for (i = 0; i < n; i++) ok = sseval__jstream_feed(&js, s + i, 1) && ok;
  r.ok = sseval__jstream_finish(&js) && ok;
  r.err = js.err;
  r.msg = js.err_msg;
  r.pos = js.err_pos;
  sseval__jkeys_free(&js.keys);
  return r;
}

static int same(res a, res b) {
  if (a.ok != b.ok) return 0;
  if (a.ok) return 1;
  return a.err == b.err && a.pos == b.pos && strcmp(a.msg, b.msg) == 0;
}

static void report(const char *file, int line, const char *how, const void *s,
                   size_t n, res got, res want) {
  test_failed_checks_++;
  fprintf(stderr, "%s:%d: [%s] %s: ", file, line, test_current_, how);
  test_print_bytes_(s, n);
  fprintf(stderr, "\n  got  ok=%d err=%d pos=%" PRIu64 " msg=\"%s\"\n", got.ok,
          (int)got.err, got.pos, got.ok ? "" : got.msg);
  fprintf(stderr, "  want ok=%d err=%d pos=%" PRIu64 " msg=\"%s\"\n", want.ok,
          (int)want.err, want.pos, want.ok ? "" : want.msg);
}

static void check_all_once(const char *file, int line, const void *s,
                           size_t n, uint32_t maxd, res want) {
  res got;
  size_t a, b;
  char how[64];
  got = run_cursor(s, n, maxd);
  if (!same(got, want)) report(file, line, "cursor", s, n, got, want);
  got = run_stream3(s, n, maxd, n, n);
  if (!same(got, want)) report(file, line, "stream whole", s, n, got, want);
  got = run_stream_bytes(s, n, maxd);
  if (!same(got, want)) report(file, line, "stream bytes", s, n, got, want);
  for (a = 0; a <= n; a++) {
    got = run_stream3(s, n, maxd, a, a);
    if (!same(got, want)) {
      snprintf(how, sizeof how, "stream split at %zu", a);
      report(file, line, how, s, n, got, want);
      break;
    }
  }
  if (n <= 24) {
    for (a = 0; a <= n; a++)
      for (b = a; b <= n; b++) {
        got = run_stream3(s, n, maxd, a, b);
        if (!same(got, want)) {
          snprintf(how, sizeof how, "stream split at %zu,%zu", a, b);
          report(file, line, how, s, n, got, want);
          a = n + 1;
          break;
        }
      }
  }
}

/* Every case runs without and with the duplicate-name check: a text
 * without repeated names gives the same result both ways. */
static void check_all(const char *file, int line, const void *s, size_t n,
                      uint32_t maxd, res want) {
  with_keys = 0;
  check_all_once(file, line, s, n, maxd, want);
  with_keys = 1;
  check_all_once(file, line, s, n, maxd, want);
  with_keys = 0;
}

/* A text whose only fault is a repeated name: valid without the check,
 * J_DUPKEY at the repeated name's closing quote with it. */
static void dup_(const char *file, int line, const char *s, size_t n,
                 uint64_t pos) {
  res want;
  want.ok = 1;
  want.err = SSEVAL__J_OK;
  want.msg = "";
  want.pos = 0;
  with_keys = 0;
  check_all_once(file, line, s, n, 64, want);
  want.ok = 0;
  want.err = SSEVAL__J_DUPKEY;
  want.msg = "duplicate member name";
  want.pos = pos;
  with_keys = 1;
  check_all_once(file, line, s, n, 64, want);
  with_keys = 0;
}

static void accept_(const char *file, int line, const char *s, size_t n,
                    uint32_t maxd) {
  res want;
  want.ok = 1;
  want.err = SSEVAL__J_OK;
  want.msg = "";
  want.pos = 0;
  check_all(file, line, s, n, maxd, want);
}

/*
 * One strictness case: the text (it may hold NUL bytes: sizeof - 1 is its
 * length), the depth limit, and what every reader must say. Each row runs
 * through check_all (or dup_ for a repeated name), and a failure names the
 * row's line.
 */
typedef struct jcase {
  const char *s;
  size_t n;
  uint32_t maxd;
  sseval__jerr err; /* SSEVAL__J_OK: valid; J_DUPKEY: dup_ */
  const char *msg;
  uint64_t pos;
  int line;
} jcase;

#define OK(lit) {lit, sizeof(lit) - 1, 64, SSEVAL__J_OK, "", 0, __LINE__}
#define OK_D(lit, d) {lit, sizeof(lit) - 1, d, SSEVAL__J_OK, "", 0, __LINE__}
#define BAD(lit, msg, pos)                                                     \
  {lit, sizeof(lit) - 1, 64, SSEVAL__J_SYNTAX, msg, pos, __LINE__}
#define DEEP(lit, d, pos)                                                      \
  {lit, sizeof(lit) - 1, d, SSEVAL__J_DEPTH, "too deeply nested", pos, __LINE__}
/* valid without the duplicate-name check, J_DUPKEY at pos with it */
#define DUP(lit, pos)                                                          \
  {lit, sizeof(lit) - 1, 64, SSEVAL__J_DUPKEY, "duplicate member name", pos,    \
   __LINE__}

static void check_table(const jcase *t, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    res want;
    if (t[i].err == SSEVAL__J_DUPKEY) {
      dup_(__FILE__, t[i].line, t[i].s, t[i].n, t[i].pos);
      continue;
    }
    want.ok = t[i].err == SSEVAL__J_OK;
    want.err = t[i].err;
    want.msg = t[i].msg;
    want.pos = t[i].pos;
    check_all(__FILE__, t[i].line, t[i].s, t[i].n, t[i].maxd, want);
  }
}
#define CHECK_TABLE(t) check_table(t, sizeof t / sizeof t[0])

/* messages, as json.c spells them */
#define M_END "unexpected end"
#define M_VALUE "expected a value"
#define M_KEY "expected a string key"
#define M_COLON "expected ':'"
#define M_AOBJ "expected ',' or '}'"
#define M_AARR "expected ',' or ']'"
#define M_EXTRA "extra data after value"
#define M_TRAIL "trailing comma"
#define M_SQUOTE "single quote"
#define M_COMMENT "comment"
#define M_LIT "invalid literal"
#define M_NUM "invalid number"
#define M_ZERO "leading zero"
#define M_CTRL "control character in string"
#define M_UTF8 "invalid UTF-8"
#define M_ESC "invalid escape"
#define M_UESC "invalid \\u escape"
#define M_SURR "lone surrogate"

/* ---- strictness, rule by rule ------------------------------------------- */

TEST(literals) {
  static const jcase t[] = {
      OK("true"),
      OK("false"),
      OK("null"),
      OK(" [true,false,null] "),
      BAD("tru", M_END, 3),
      BAD("t", M_END, 1),
      BAD("True", M_LIT, 0),
      BAD("tRue", M_LIT, 1),
      BAD("trux", M_LIT, 3),
      BAD("tru e", M_LIT, 3),
      BAD("nul", M_END, 3),
      BAD("nulL", M_LIT, 3),
      BAD("nulll", M_LIT, 4),
      BAD("true1", M_LIT, 4),
      BAD("falsey", M_LIT, 5),
      BAD("[true.]", M_LIT, 5),
      BAD("NaN", M_LIT, 0),
      BAD("nan", M_LIT, 1),
      BAD("Infinity", M_LIT, 0),
      BAD("[undefined]", M_LIT, 1),
      BAD("{\"a\":none}", M_LIT, 6),
      BAD("-Infinity", M_NUM, 1),
  };
  CHECK_TABLE(t);
}

TEST(numbers) {
  static const jcase t[] = {
      OK("0"),
      OK("-0"),
      OK("1"),
      OK("-1"),
      OK("1234567890"),
      OK("1.5"),
      OK("0.0"),
      OK("-0.25"),
      OK("1e5"),
      OK("1E5"),
      OK("1e+5"),
      OK("1e-5"),
      OK("0e0"),
      OK("-0.0E-0"),
      OK("1.5e300"),
      OK("1e400"), /* syntax only: RFC 8259 sets no range */
      OK("18446744073709551616"), /* 2^64: valid JSON */
      OK("-123456789012345678901234567890"),
      OK("[0,-0,1e1,0.5]"),
      OK("{\"a\":0}"),
      OK("1 "),
      OK("\t1\r\n"),
      BAD("01", M_ZERO, 1),
      BAD("00", M_ZERO, 1),
      BAD("-01", M_ZERO, 2),
      BAD("[01]", M_ZERO, 2),
      BAD("+1", M_NUM, 0),
      BAD(".5", M_NUM, 0),
      BAD("-.5", M_NUM, 1),
      BAD("1.", M_END, 2),
      BAD("1.x", M_NUM, 2),
      BAD("[1.]", M_NUM, 3),
      BAD("1.e5", M_NUM, 2),
      BAD("1e", M_END, 2),
      BAD("1e+", M_END, 3),
      BAD("1ex", M_NUM, 2),
      BAD("1e+x", M_NUM, 3),
      BAD("1E.5", M_NUM, 2),
      BAD("1e++5", M_NUM, 3),
      BAD("1.5.3", M_NUM, 3),
      BAD("1e5e3", M_NUM, 3),
      BAD("1e5.3", M_NUM, 3),
      BAD("1-2", M_NUM, 1),
      BAD("1+2", M_NUM, 1),
      BAD("0x10", M_NUM, 1),
      BAD("1a", M_NUM, 1),
      BAD("-", M_END, 1),
      BAD("- 1", M_NUM, 1),
      BAD("--1", M_NUM, 1),
      BAD("-a", M_NUM, 1),
      BAD("[1,-]", M_NUM, 4),
      BAD("{\"a\":1.}", M_NUM, 7),
  };
  CHECK_TABLE(t);
}

TEST(structure) {
  static const jcase t[] = {
      OK("[]"),
      OK("{}"),
      OK("[ ]"),
      OK("{ }"),
      OK("[1,2,3]"),
      OK("[[[]]]"),
      OK("[{}]"),
      OK("[{},[],\"\",0,true]"),
      OK("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}"),
      OK("{\"\":0}"),
      /* duplicate names: RFC 8259 SHOULD, not MUST: valid without a key set */
      DUP("{\"a\":1,\"a\":2}", 9),
      OK(" \t\n\r[ 1 , 2 ] \t\n\r"),
      OK("{ \"a\" : 1 , \"b\" : 2 }"),
      OK("{\"type\":\"ping\"                    }"), /* padded, as recorded */
      BAD("", M_END, 0),
      BAD("   ", M_END, 3),
      BAD("[", M_END, 1),
      BAD("{", M_END, 1),
      BAD("[1", M_END, 2),
      BAD("[1,", M_END, 3),
      BAD("{\"a\"", M_END, 4),
      BAD("{\"a\":", M_END, 5),
      BAD("{\"a\":1", M_END, 6),
      BAD("{\"a\":1,", M_END, 7),
      BAD("]", M_VALUE, 0),
      BAD("}", M_VALUE, 0),
      BAD(":", M_VALUE, 0),
      BAD(",", M_VALUE, 0),
      BAD("[}", M_VALUE, 1),
      BAD("{]", M_KEY, 1),
      BAD("[1 2]", M_AARR, 3),
      BAD("[1}", M_AARR, 2),
      BAD("[1:2]", M_AARR, 2),
      BAD("{\"a\" 1}", M_COLON, 5),
      BAD("{\"a\",1}", M_COLON, 4),
      BAD("{\"a\":1 \"b\":2}", M_AOBJ, 7),
      BAD("{\"a\":1]", M_AOBJ, 6),
      BAD("{\"a\":1:2}", M_AOBJ, 6),
      BAD("{1:2}", M_KEY, 1),
      BAD("{a:1}", M_KEY, 1),
      BAD("{\"a\":}", M_VALUE, 5),
      BAD("{\"a\"::1}", M_VALUE, 5),
      BAD("[,1]", M_VALUE, 1),
      BAD("[1,,2]", M_VALUE, 3),
      BAD("{,}", M_KEY, 1),
      BAD("{\"a\":1,,}", M_KEY, 7),
      BAD("{\"a\":1,2}", M_KEY, 7),
  };
  CHECK_TABLE(t);
}

TEST(trailing_commas) {
  static const jcase t[] = {
      BAD("[1,]", M_TRAIL, 3),
      BAD("[1, ]", M_TRAIL, 4),
      BAD("[[],]", M_TRAIL, 4),
      BAD("{\"a\":1,}", M_TRAIL, 7),
      BAD("{\"a\":1 , }", M_TRAIL, 9),
      BAD("[{\"a\":[1,]}]", M_TRAIL, 9),
  };
  CHECK_TABLE(t);
}

TEST(second_value) {
  static const jcase t[] = {
      BAD("1 2", M_EXTRA, 2),
      BAD("{}{}", M_EXTRA, 2),
      BAD("[]]", M_EXTRA, 2),
      BAD("\"a\"\"b\"", M_EXTRA, 3),
      BAD("\"a\" x", M_EXTRA, 4),
      BAD("1,", M_EXTRA, 1),
      BAD("{} x", M_EXTRA, 3),
      BAD("null null", M_EXTRA, 5),
      BAD("1\0", M_EXTRA, 1),
      BAD("[]\0", M_EXTRA, 2),
  };
  CHECK_TABLE(t);
}

TEST(single_quotes_and_comments) {
  static const jcase t[] = {
      BAD("'a'", M_SQUOTE, 0),
      BAD("{'a':1}", M_SQUOTE, 1),
      BAD("[\"a\",'b']", M_SQUOTE, 5),
      BAD("{\"a\":1,'b':2}", M_SQUOTE, 7),
      BAD("/*x*/1", M_COMMENT, 0),
      BAD("[1/*x*/]", M_COMMENT, 2),
      BAD("[1,/*x*/2]", M_COMMENT, 3),
      BAD("1 // c", M_COMMENT, 2),
      BAD("{\"a\"/**/:1}", M_COMMENT, 4),
      BAD("{\"a\":1/**/}", M_COMMENT, 6),
      BAD("{/**/}", M_COMMENT, 1),
      BAD("# c\n1", M_VALUE, 0),
  };
  CHECK_TABLE(t);
}

TEST(whitespace) {
  static const jcase t[] = {
      OK(" 1"),
      OK("\t1"),
      OK("\n1"),
      OK("\r1"),
      BAD("\f1", M_VALUE, 0),
      BAD("\v1", M_VALUE, 0),
      BAD("[1,\f2]", M_VALUE, 3),
      BAD("\xC2\xA0 1", M_VALUE, 0), /* U+00A0 */
      BAD("\xEF\xBB\xBF{}", M_VALUE, 0), /* a BOM is not JSON whitespace */
      BAD("1\f", M_EXTRA, 1),
      BAD("{\"a\"\f:1}", M_COLON, 4),
  };
  CHECK_TABLE(t);
}

TEST(strings_and_escapes) {
  static const jcase t[] = {
      OK("\"\""),
      OK("\"a\""),
      OK("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""),
      OK("\"/\""),
      OK("\"\\u0000\""),
      OK("\"\\u00e9\\u00E9\\uFFFF\\uffff\\u0041\""),
      OK("\"\\uD83D\\uDE00\""),
      OK("\"\\ud83d\\ude00\""),
      OK("\"\\uDBFF\\uDFFF\\uD800\\uDC00\""),
      OK("\"\\uD7FF\\uE000\""), /* just outside the surrogate range */
      OK("\"\x7f\""), /* DEL is not a control character here */
      OK("\"a very long plain ASCII string, longer than eight bytes\""),
      OK("\"0123456\\\"89abcdef\\\\0123\\u0041\""),
      OK("{\"ke\\\"y\":\"v\\u00e9\"}"),
      BAD("\"", M_END, 1),
      BAD("\"abc", M_END, 4),
      BAD("\"abcdefghijklmnop", M_END, 17),
      BAD("\"\\", M_END, 2),
      BAD("\"\\u", M_END, 3),
      BAD("\"\\u00", M_END, 5),
      BAD("\"\\x\"", M_ESC, 2),
      BAD("\"\\a\"", M_ESC, 2),
      BAD("\"\\'\"", M_ESC, 2),
      BAD("\"\\U0041\"", M_ESC, 2),
      BAD("\"\\0\"", M_ESC, 2),
      BAD("\"\\ \"", M_ESC, 2),
      BAD("\"\\u00g0\"", M_UESC, 5),
      BAD("\"\\u12\"", M_UESC, 5),
      BAD("\"\\uZZZZ\"", M_UESC, 3),
      BAD("\"\\u 123\"", M_UESC, 3),
      BAD("\"abcdefghij\\q\"", M_ESC, 12),
  };
  CHECK_TABLE(t);
}

TEST(control_characters) {
  static const jcase t[] = {
      BAD("\"a\x01" "b\"", M_CTRL, 2),
      BAD("\"\t\"", M_CTRL, 1),
      BAD("\"\n\"", M_CTRL, 1),
      BAD("\"\r\"", M_CTRL, 1),
      BAD("\"\0\"", M_CTRL, 1),
      BAD("\"\x1f\"", M_CTRL, 1),
      BAD("\"0123456789\x1f\"", M_CTRL, 11), /* found by the 8-byte scan */
      BAD("{\"a\x02\":1}", M_CTRL, 3), /* in a key too */
  };
  CHECK_TABLE(t);
}

TEST(surrogates) {
  static const jcase t[] = {
      /* a high surrogate must be followed by exactly \u[dD][c-fC-F]XX */
      BAD("\"\\ud800\"", M_SURR, 7),
      BAD("\"\\uD800x\"", M_SURR, 7),
      BAD("\"\\ud800\\n\"", M_SURR, 8),
      BAD("\"\\ud800\\u0041\"", M_SURR, 9),
      BAD("\"\\ud800\\ud800\"", M_SURR, 10),
      BAD("\"\\ud800\\udbff\"", M_SURR, 10),
      BAD("\"\\ud800\\uZ\"", M_UESC, 9),
      BAD("\"\\ud800\\udZ\"", M_UESC, 10),
      BAD("\"\\ud800\\udcZ0\"", M_UESC, 11),
      BAD("\"\\ud800", M_END, 7),
      BAD("\"\\ud800\\", M_END, 8),
      BAD("\"\\ud800\\u", M_END, 9),
      BAD("\"\\ud800\\udc0", M_END, 12),
      /* a low surrogate can never come first: the error is at its 2nd digit */
      BAD("\"\\udc00\"", M_SURR, 4),
      BAD("\"\\uDFFF\"", M_SURR, 4),
      BAD("\"\\udc00\\ud800\"", M_SURR, 4),
      BAD("[\"ok\",\"\\ude00\"]", M_SURR, 10),
  };
  CHECK_TABLE(t);
}

TEST(utf8) {
  static const jcase t[] = {
      OK("\"\xC3\xA9\""), /* U+00E9 */
      OK("\"\xC2\x80\xDF\xBF\""), /* U+0080, U+07FF */
      OK("\"\xE0\xA0\x80\xE2\x82\xAC\""), /* U+0800, U+20AC */
      OK("\"\xED\x9F\xBF\xEE\x80\x80\""), /* U+D7FF, U+E000 */
      OK("\"\xEF\xBF\xBF\""), /* U+FFFF */
      OK("\"\xF0\x90\x80\x80\""), /* U+10000 */
      OK("\"\xF0\x9F\x98\x80\""), /* U+1F600 */
      OK("\"\xF4\x8F\xBF\xBF\""), /* U+10FFFF */
      OK("\"plain then \xC3\xA9 then plain again, long enough\""),
      OK("{\"cl\xC3\xA9\":\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\"}"),
      BAD("\"\x80\"", M_UTF8, 1), /* lone continuation byte */
      BAD("\"\xBF\"", M_UTF8, 1),
      BAD("\"\xC0\x80\"", M_UTF8, 1), /* overlong NUL */
      BAD("\"\xC1\xBF\"", M_UTF8, 1), /* overlong */
      BAD("\"\xE0\x80\x80\"", M_UTF8, 2), /* overlong 3-byte */
      BAD("\"\xE0\x9F\xBF\"", M_UTF8, 2),
      BAD("\"\xED\xA0\x80\"", M_UTF8, 2), /* U+D800 encoded */
      BAD("\"\xED\xBF\xBF\"", M_UTF8, 2), /* U+DFFF encoded */
      BAD("\"\xF0\x80\x80\x80\"", M_UTF8, 2),
      BAD("\"\xF0\x8F\xBF\xBF\"", M_UTF8, 2),
      BAD("\"\xF4\x90\x80\x80\"", M_UTF8, 2), /* U+110000 */
      BAD("\"\xF5\x80\x80\x80\"", M_UTF8, 1),
      BAD("\"\xFE\"", M_UTF8, 1),
      BAD("\"\xFF\"", M_UTF8, 1),
      BAD("\"\xC3\"", M_UTF8, 2), /* truncated: at the quote */
      BAD("\"\xE2\x82\"", M_UTF8, 3),
      BAD("\"\xF0\x9F\x98\"", M_UTF8, 4),
      BAD("\"\xE2\x82x\"", M_UTF8, 3),
      BAD("\"\xE2\x28\xA1\"", M_UTF8, 2),
      BAD("\"\xC3\xA9\xA9\"", M_UTF8, 3),
      BAD("\"\xC3", M_END, 2),
      BAD("\"\xF0\x9F\x98", M_END, 4),
      BAD("\"0123456789\xC3\xC3\"", M_UTF8, 12),
      BAD("[1,\xC3\xA9]", M_VALUE, 3), /* outside a string */
      BAD("{\"a\":1}\xC3\xA9", M_EXTRA, 7),
  };
  CHECK_TABLE(t);
}

TEST(depth) {
  static const jcase t[] = {
      OK_D("1", 1),
      OK_D("[]", 1),
      OK_D("[1,{}]", 2),
      OK_D("[[[1]]]", 3),
      OK_D("{\"a\":{\"b\":{\"c\":{}}}}", 4),
      OK_D("[[],[],[[]]]", 3),
      DEEP("[[],[],[[]]]", 2, 8),
      DEEP("[[]]", 1, 1),
      DEEP("[[[[1]]]]", 3, 3),
      DEEP("{\"a\":{\"b\":{\"c\":{}}}}", 3, 15),
      DEEP("[[],[],[[]]]", 1, 1),
      DEEP("[{},[{}]]", 2, 5),
      /* the limit is clamped to 1..512 */
      OK_D("[]", 0),
      DEEP("[[]]", 0, 1),
  };
  CHECK_TABLE(t);
}

TEST(depth_512) {
  static char buf[2 * 513];
  res r;
  memset(buf, '[', 512);
  memset(buf + 512, ']', 512);
  accept_(__FILE__, __LINE__, buf, 1024, 512);
  accept_(__FILE__, __LINE__, buf, 1024, 100000); /* clamped to 512 */
  memset(buf, '[', 513);
  memset(buf + 513, ']', 513);
  r = run_cursor(buf, 1026, 512);
  CHECK(!r.ok && r.err == SSEVAL__J_DEPTH && r.pos == 512);
  r = run_stream3(buf, 1026, 512, 300, 700);
  CHECK(!r.ok && r.err == SSEVAL__J_DEPTH && r.pos == 512);
  r = run_cursor(buf, 1026, 511);
  CHECK(!r.ok && r.err == SSEVAL__J_DEPTH && r.pos == 511);
}

/* Claude-shaped payloads through every reader. */
TEST(claude_payloads) {
  static const jcase t[] = {
      OK("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":" "\"text_delta\",\"text\":\"Hello, world! This is a token-sized " "piece of text.\"}}"),
      OK("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":" "\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":" "[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_" "tokens\":25,\"output_tokens\":1}}}"),
      OK("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":" "\"input_json_delta\",\"partial_json\":\"{\\\"location\\\": \\\"San " "Fra\"}}                 "),
      OK("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"," "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}"),
  };
  CHECK_TABLE(t);
}

/* ---- the cursor API ------------------------------------------------------ */

TEST(cursor_walk) {
  static const char js[] =
      "{\"type\":\"content_block_delta\", \"index\" : 7 ,\"delta\":{\"type\":"
      "\"text_delta\",\"text\":\"Hi \\u00e9\"},\"extra\":[1,{\"x\":null}]}  ";
  sseval__jcur c;
  sseval__jstr k, v, raw;
  uint64_t u = 0;
  sseval__jcur_init(&c, js, sizeof js - 1, 8);
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_OBJECT);
  CHECK(sseval__j_obj_begin(&c) == 1);
  CHECK(c.depth == 1);
  CHECK(sseval__j_obj_next(&c, &k) == 1);
  CHECK_STR(k.ptr, k.len, "type");
  CHECK(k.has_escapes == 0);
  CHECK(sseval__jstr_eq(&k, "type", 4));
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_STRING);
  CHECK(sseval__j_str(&c, &v) == 1);
  CHECK_STR(v.ptr, v.len, "content_block_delta");
  CHECK(sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__jstr_eq(&k, "index", 5));
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_NUMBER);
  CHECK(sseval__j_uint(&c, &u) == 1);
  CHECK_EQ_U64(u, 7);
  CHECK(sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__jstr_eq(&k, "delta", 5));
  CHECK(sseval__j_obj_begin(&c) == 1);
  CHECK(c.depth == 2);
  CHECK(sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_str(&c, &v) == 1);
  CHECK(sseval__jstr_eq(&v, "text_delta", 10));
  CHECK(sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__jstr_eq(&k, "text", 4));
  CHECK(sseval__j_str(&c, &v) == 1);
  CHECK(v.has_escapes == 1);
  CHECK_STR(v.ptr, v.len, "Hi \\u00e9");
  CHECK(sseval__jstr_eq(&v, "Hi \xC3\xA9", 5));
  CHECK_EQ_U64(sseval__jstr_decoded_len(&v), 5);
  CHECK(sseval__j_obj_next(&c, &k) == 0);
  CHECK(c.depth == 1);
  CHECK(sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__jstr_eq(&k, "extra", 5));
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_ARRAY);
  CHECK(sseval__j_skip(&c, &raw) == 1);
  CHECK_STR(raw.ptr, raw.len, "[1,{\"x\":null}]");
  CHECK(c.depth == 1);
  CHECK(sseval__j_obj_next(&c, &k) == 0);
  CHECK(c.depth == 0);
  CHECK(sseval__j_end(&c) == 1);
  CHECK(c.err == SSEVAL__J_OK);
}

TEST(cursor_empty_object_and_arrays) {
  sseval__jcur c;
  sseval__jstr k, v;
  uint64_t u = 0;
  static const char js[] = " { } ";
  static const char arr[] = "[ \"a\" , [ ] ,3 ]";
  sseval__jcur_init(&c, js, sizeof js - 1, 4);
  CHECK(sseval__j_obj_begin(&c) == 1);
  CHECK(sseval__j_obj_next(&c, &k) == 0);
  CHECK(sseval__j_end(&c) == 1);

  sseval__jcur_init(&c, arr, sizeof arr - 1, 4);
  CHECK(sseval__j_arr_begin(&c) == 1);
  CHECK(sseval__j_arr_next(&c) == 1);
  CHECK(sseval__j_str(&c, &v) == 1);
  CHECK_STR(v.ptr, v.len, "a");
  CHECK(sseval__j_arr_next(&c) == 1);
  CHECK(sseval__j_arr_begin(&c) == 1);
  CHECK(sseval__j_arr_next(&c) == 0);
  CHECK(sseval__j_arr_next(&c) == 1);
  CHECK(sseval__j_uint(&c, &u) == 1);
  CHECK_EQ_U64(u, 3);
  CHECK(sseval__j_arr_next(&c) == 0);
  CHECK(sseval__j_end(&c) == 1);

  sseval__jcur_init(&c, "[1,]", 4, 4);
  CHECK(sseval__j_arr_begin(&c) == 1);
  CHECK(sseval__j_arr_next(&c) == 1);
  CHECK(sseval__j_uint(&c, &u) == 1);
  CHECK(sseval__j_arr_next(&c) == -1);
  CHECK(c.err == SSEVAL__J_SYNTAX && c.err_pos == 3);
  CHECK(strcmp(c.err_msg, M_TRAIL) == 0);
}

TEST(cursor_obj_next_errors) {
  sseval__jcur c;
  sseval__jstr k;
  uint64_t u;
  static const char a[] = "{\"a\":1,}";
  static const char b[] = "{\"a\":1 \"b\":2}";
  static const char d[] = "{\"a\" 1}";
  static const char e[] = "{\"a\":1";
  sseval__jcur_init(&c, a, sizeof a - 1, 4);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_uint(&c, &u) == 1);
  CHECK(sseval__j_obj_next(&c, &k) == -1);
  CHECK(c.err_pos == 7 && strcmp(c.err_msg, M_TRAIL) == 0);
  CHECK(sseval__j_obj_next(&c, &k) == -1); /* sticky */
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_ERROR);
  CHECK(c.err_pos == 7);

  sseval__jcur_init(&c, b, sizeof b - 1, 4);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_uint(&c, &u) == 1);
  CHECK(sseval__j_obj_next(&c, &k) == -1);
  CHECK(c.err_pos == 7 && strcmp(c.err_msg, M_AOBJ) == 0);

  sseval__jcur_init(&c, d, sizeof d - 1, 4);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == -1);
  CHECK(c.err_pos == 5 && strcmp(c.err_msg, M_COLON) == 0);

  sseval__jcur_init(&c, e, sizeof e - 1, 4);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_uint(&c, &u) == 1);
  CHECK(sseval__j_obj_next(&c, &k) == -1);
  CHECK(c.err_pos == 6 && strcmp(c.err_msg, M_END) == 0);

  /* obj_next outside any object */
  sseval__jcur_init(&c, "1", 1, 4);
  CHECK(sseval__j_obj_next(&c, &k) == -1);
  CHECK(c.err == SSEVAL__J_SYNTAX);

  /* depth through the cursor */
  sseval__jcur_init(&c, "{\"a\":{\"b\":{}}}", 14, 2);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_obj_begin(&c) == 0);
  CHECK(c.err == SSEVAL__J_DEPTH && c.err_pos == 10);
  /* ... and skip counts the cursor's open containers */
  sseval__jcur_init(&c, "{\"a\":{\"b\":{}}}", 14, 2);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_skip(&c, NULL) == 0);
  CHECK(c.err == SSEVAL__J_DEPTH && c.err_pos == 10);
  sseval__jcur_init(&c, "{\"a\":{\"b\":{}}}", 14, 3);
  CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
  CHECK(sseval__j_skip(&c, NULL) == 1);
  CHECK(c.depth == 1);
  CHECK(sseval__j_obj_next(&c, &k) == 0 && sseval__j_end(&c) == 1);
}

TEST(cursor_type_errors) {
  sseval__jcur c;
  sseval__jstr s;
  uint64_t u = 99;
  /* J_TYPE: the value was valid and has been consumed */
  sseval__jcur_init(&c, " [1,{}] ", 8, 4);
  CHECK(sseval__j_obj_begin(&c) == 0);
  CHECK(c.err == SSEVAL__J_TYPE && c.err_pos == 1);
  CHECK(sseval__j_end(&c) == 0); /* sticky */
  CHECK(sseval__j_clear_type_error(&c) == 1);
  CHECK(c.err == SSEVAL__J_OK);
  CHECK(sseval__j_end(&c) == 1);
  /* an invalid value of the wrong type is a syntax error */
  sseval__jcur_init(&c, "[1,]", 4, 4);
  CHECK(sseval__j_obj_begin(&c) == 0);
  CHECK(c.err == SSEVAL__J_SYNTAX && c.err_pos == 3);
  CHECK(sseval__j_clear_type_error(&c) == 0);
  CHECK(c.err == SSEVAL__J_SYNTAX);

  sseval__jcur_init(&c, "12", 2, 4);
  CHECK(sseval__j_str(&c, &s) == 0 && c.err == SSEVAL__J_TYPE);
  sseval__jcur_init(&c, "tru", 3, 4);
  CHECK(sseval__j_str(&c, &s) == 0 && c.err == SSEVAL__J_SYNTAX);
  CHECK(c.err_pos == 3);
  sseval__jcur_init(&c, "\"x\"", 3, 4);
  CHECK(sseval__j_uint(&c, &u) == 0 && c.err == SSEVAL__J_TYPE);

  /* unsigned integers */
#define UINT_OK(lit, val)                                                      \
  do {                                                                         \
    sseval__jcur_init(&c, lit, sizeof(lit) - 1, 4);                            \
    u = 1;                                                                     \
    CHECK(sseval__j_uint(&c, &u) == 1);                                        \
    CHECK_EQ_U64(u, val);                                                      \
    CHECK(sseval__j_end(&c) == 1);                                             \
  } while (0)
#define UINT_TYPE(lit)                                                         \
  do {                                                                         \
    sseval__jcur_init(&c, lit, sizeof(lit) - 1, 4);                            \
    CHECK(sseval__j_uint(&c, &u) == 0);                                        \
    CHECK(c.err == SSEVAL__J_TYPE && c.err_pos == 0);                          \
    CHECK(sseval__j_clear_type_error(&c) == 1);                                \
    CHECK(sseval__j_end(&c) == 1);                                             \
  } while (0)
  UINT_OK("0", 0);
  UINT_OK("7", 7);
  UINT_OK("1234567890123", 1234567890123u);
  UINT_OK("18446744073709551615", UINT64_MAX);
  UINT_TYPE("18446744073709551616");
  UINT_TYPE("99999999999999999999");
  UINT_TYPE("100000000000000000000");
  UINT_TYPE("-1");
  UINT_TYPE("-0");
  UINT_TYPE("1.0");
  UINT_TYPE("1e2");
  UINT_TYPE("null");
  UINT_TYPE("{}");
  sseval__jcur_init(&c, "01", 2, 4);
  CHECK(sseval__j_uint(&c, &u) == 0 && c.err == SSEVAL__J_SYNTAX);
  CHECK(c.err_pos == 1 && strcmp(c.err_msg, M_ZERO) == 0);
  sseval__jcur_init(&c, "{\"a\":1x}", 8, 4);
  {
    sseval__jstr k;
    CHECK(sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, &k) == 1);
    CHECK(sseval__j_uint(&c, &u) == 0 && c.err_pos == 6);
    CHECK(strcmp(c.err_msg, M_NUM) == 0);
  }
#undef UINT_OK
#undef UINT_TYPE
}

TEST(cursor_peek) {
  sseval__jcur c;
  static const struct {
    const char *s;
    sseval__jkind k;
  } t[] = {
    { " {", SSEVAL__JK_OBJECT }, { "[", SSEVAL__JK_ARRAY },
    { "\"", SSEVAL__JK_STRING }, { "-", SSEVAL__JK_NUMBER },
    { "0", SSEVAL__JK_NUMBER },  { "9", SSEVAL__JK_NUMBER },
    { "t", SSEVAL__JK_TRUE },    { "f", SSEVAL__JK_FALSE },
    { "n", SSEVAL__JK_NULL },    { "", SSEVAL__JK_ERROR },
    { " ", SSEVAL__JK_ERROR },   { "x", SSEVAL__JK_ERROR },
    { "]", SSEVAL__JK_ERROR },
  };
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    sseval__jcur_init(&c, t[i].s, strlen(t[i].s), 4);
    CHECK(sseval__j_peek(&c) == t[i].k);
    CHECK((c.err != SSEVAL__J_OK) == (t[i].k == SSEVAL__JK_ERROR));
  }
  sseval__jcur_init(&c, " ", 1, 4);
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_ERROR);
  CHECK(c.err_pos == 1 && strcmp(c.err_msg, M_END) == 0);
  sseval__jcur_init(&c, NULL, 0, 4); /* NULL, 0 is a valid empty buffer */
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_ERROR && c.err_pos == 0);
  sseval__jcur_init(&c, "  'a'", 5, 4);
  CHECK(sseval__j_peek(&c) == SSEVAL__JK_ERROR);
  CHECK(c.err_pos == 2 && strcmp(c.err_msg, M_SQUOTE) == 0);
}

TEST(skip_raw) {
  sseval__jcur c;
  sseval__jstr raw;
  static const char js[] = "  {\"a\" : [1, 2]}  ";
  sseval__jcur_init(&c, js, sizeof js - 1, 4);
  CHECK(sseval__j_skip(&c, &raw) == 1);
  CHECK_STR(raw.ptr, raw.len, "{\"a\" : [1, 2]}");
  CHECK(sseval__j_end(&c) == 1);
  sseval__jcur_init(&c, " -1.5e3 ", 8, 4);
  CHECK(sseval__j_skip(&c, &raw) == 1);
  CHECK_STR(raw.ptr, raw.len, "-1.5e3");
  sseval__jcur_init(&c, "\"a\\nb\"", 6, 4);
  CHECK(sseval__j_skip(&c, &raw) == 1);
  CHECK_STR(raw.ptr, raw.len, "\"a\\nb\"");
}

/* ---- keys with escapes and decoding ------------------------------------ */

static int read_key(const char *js, size_t n, sseval__jstr *k) {
  sseval__jcur c;
  sseval__jcur_init(&c, js, n, 4);
  return sseval__j_obj_begin(&c) && sseval__j_obj_next(&c, k) == 1;
}
#define KEY(lit, k) read_key(lit, sizeof(lit) - 1, k)

TEST(key_equality) {
  sseval__jstr k;
  CHECK(KEY("{\"\\u0074ype\":1}", &k) && k.has_escapes == 1);
  CHECK(sseval__jstr_eq(&k, "type", 4));
  CHECK(!sseval__jstr_eq(&k, "typ", 3));
  CHECK(!sseval__jstr_eq(&k, "types", 5));
  CHECK(!sseval__jstr_eq(&k, "Type", 4));
  CHECK(KEY("{\"\\u0074\\u0079\\u0070\\u0065\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "type", 4));
  CHECK(KEY("{\"ty\\\"pe\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "ty\"pe", 5));
  CHECK(!sseval__jstr_eq(&k, "ty\\\"pe", 7));
  CHECK(KEY("{\"a\\/b\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "a/b", 3));
  CHECK(KEY("{\"\\ud83d\\ude00\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "\xF0\x9F\x98\x80", 4));
  CHECK(KEY("{\"t\\u0000\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "t\0", 2));
  CHECK(!sseval__jstr_eq(&k, "t", 1));
  CHECK(KEY("{\"typ\":1}", &k) && k.has_escapes == 0);
  CHECK(!sseval__jstr_eq(&k, "type", 4));
  CHECK(KEY("{\"\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "", 0));
  CHECK(!sseval__jstr_eq(&k, "a", 1));
  CHECK(KEY("{\"\\n\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "\n", 1));
  CHECK(!sseval__jstr_eq(&k, "", 0));
  CHECK(KEY("{\"caf\xC3\xA9\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "caf\xC3\xA9", 5));
  CHECK(KEY("{\"caf\\u00e9\":1}", &k));
  CHECK(sseval__jstr_eq(&k, "caf\xC3\xA9", 5));
}

/* Decode a string value completely; checks every piece is non-empty. */
static size_t decode_all(const char *js, size_t n, char *out, size_t cap,
                         size_t *pieces) {
  sseval__jcur c;
  sseval__jstr s;
  sseval__jdec d;
  sseval_span sp;
  size_t k = 0;
  *pieces = 0;
  sseval__jcur_init(&c, js, n, 4);
  if (!sseval__j_str(&c, &s) || !sseval__j_end(&c)) return (size_t)-1;
  sseval__jdec_init(&d, &s);
  while (sseval__jdec_next(&d, &sp)) {
    CHECK(sp.len > 0);
    if (k + sp.len > cap) return (size_t)-1;
    memcpy(out + k, sp.ptr, sp.len);
    k += sp.len;
    (*pieces)++;
  }
  CHECK_EQ_U64(sseval__jstr_decoded_len(&s), k);
  return k;
}

#define DECODES(lit, exp)                                                      \
  do {                                                                         \
    char out_[256];                                                            \
    size_t np_,                                                                \
        n_ = decode_all(lit, sizeof(lit) - 1, out_, sizeof out_, &np_);        \
    CHECK(n_ != (size_t)-1);                                                   \
    if (n_ != (size_t)-1) CHECK_MEM(out_, n_, exp, sizeof(exp) - 1);           \
  } while (0)

TEST(decode) {
  size_t np;
  char out[64];
  DECODES("\"\"", "");
  DECODES("\"abc\"", "abc");
  DECODES("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
  DECODES("\"\\u0000\"", "\0");
  DECODES("\"\\u0041\\u007f\"", "A\x7f");
  DECODES("\"\\u0080\"", "\xC2\x80");
  DECODES("\"\\u00e9\\u00E9\"", "\xC3\xA9\xC3\xA9");
  DECODES("\"\\u07FF\"", "\xDF\xBF");
  DECODES("\"\\u0800\"", "\xE0\xA0\x80");
  DECODES("\"\\u20ac\"", "\xE2\x82\xAC");
  DECODES("\"\\uD7FF\"", "\xED\x9F\xBF");
  DECODES("\"\\uE000\"", "\xEE\x80\x80");
  DECODES("\"\\uFFFF\"", "\xEF\xBF\xBF");
  DECODES("\"\\uD800\\uDC00\"", "\xF0\x90\x80\x80"); /* U+10000 */
  DECODES("\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80"); /* U+1F600 */
  DECODES("\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80");
  DECODES("\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
  DECODES("\"a\\nb\\u00e9\\ud83d\\ude00c\"", "a\n"
                                             "b\xC3\xA9\xF0\x9F\x98\x80"
                                             "c");
  DECODES("\"\xC3\xA9\\n\xF0\x9F\x98\x80\"", "\xC3\xA9\n\xF0\x9F\x98\x80");
  /* pieces: raw runs point into the buffer; escapes coalesce in scratch */
  CHECK(decode_all("\"ab\\n\\t\\u00e9cd\"", 16, out, sizeof out, &np) == 8);
  CHECK_MEM(out, 8,
            "ab\n\t\xC3\xA9"
            "cd",
            8);
  CHECK_EQ_U64(np, 3);
  /* 7 escapes of 3 bytes: scratch holds two per piece, none is split */
  CHECK(decode_all("\"\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\"", 44,
                   out, sizeof out, &np) == 21);
  CHECK_EQ_U64(np, 4);
  {
    size_t i;
    for (i = 0; i < 21; i += 3) CHECK_MEM(out + i, 3, "\xE2\x82\xAC", 3);
  }
  CHECK(decode_all("\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\"", 38, out,
                   sizeof out, &np) == 12);
  CHECK_MEM(out, 12, "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 12);
  CHECK_EQ_U64(np, 2);
}

/* ---- the incremental validator API ----------------------------------- */

TEST(stream_api) {
  sseval__jstream js;
  sseval__jstream_init(&js, 8);
  CHECK(sseval__jstream_empty(&js));
  CHECK(sseval__jstream_feed(&js, NULL, 0) == 1);
  CHECK(sseval__jstream_feed(&js, " \n", 2) == 1);
  CHECK(sseval__jstream_empty(&js));
  CHECK(js.pos == 2);
  CHECK(sseval__jstream_finish(&js) == 0);
  CHECK(js.err == SSEVAL__J_SYNTAX && js.err_pos == 2);
  CHECK(strcmp(js.err_msg, M_END) == 0);
  CHECK(sseval__jstream_empty(&js)); /* still "nothing but whitespace" */

  sseval__jstream_init(&js, 8);
  CHECK(sseval__jstream_feed(&js, " {\"a\"", 5) == 1);
  CHECK(!sseval__jstream_empty(&js));
  CHECK(js.top_is_object == 1);
  CHECK(js.depth == 1);
  CHECK(sseval__jstream_feed(&js, ":[1,", 4) == 1);
  CHECK(js.depth == 2);
  CHECK(sseval__jstream_feed(&js, "2]}", 3) == 1);
  CHECK(js.depth == 0);
  CHECK(js.pos == 12);
  CHECK(sseval__jstream_finish(&js) == 1);
  CHECK(sseval__jstream_finish(&js) == 1);

  sseval__jstream_init(&js, 8);
  CHECK(sseval__jstream_feed(&js, "[1]", 3) == 1);
  CHECK(js.top_is_object == 0);
  CHECK(sseval__jstream_feed(&js, " x", 2) == 0);
  CHECK(js.err_pos == 4 && strcmp(js.err_msg, M_EXTRA) == 0);
  CHECK(sseval__jstream_feed(&js, "1", 1) == 0); /* sticky */
  CHECK(sseval__jstream_finish(&js) == 0);
  CHECK(js.err_pos == 4);

  sseval__jstream_init(&js, 8);
  CHECK(sseval__jstream_feed(&js, "x", 1) == 0);
  CHECK(!sseval__jstream_empty(&js));

  sseval__jstream_init(&js, 8);
  CHECK(sseval__jstream_feed(&js, "12", 2) == 1);
  CHECK(sseval__jstream_feed(&js, "3", 1) == 1);
  CHECK(sseval__jstream_finish(&js) == 1);
}

/* tool input as the API streams it: pieces cut anywhere */
TEST(stream_tool_input_pieces) {
  static const char *const pieces[] = { "",
                                        "{\"loc",
                                        "ation\": \"San",
                                        " Francisco, CA\", \"u",
                                        "nit\": \"f",
                                        "ahr\\u00",
                                        "e9nheit\", \"emoji\": \"\\ud83d",
                                        "\\ude00\", \"n\": -1",
                                        "2.5e",
                                        "+3, \"t\": tr",
                                        "ue, \"c\": \"caf\xC3",
                                        "\xA9\"}" };
  sseval__jstream js;
  size_t i;
  int ok = 1;
  sseval__jstream_init(&js, 64);
  for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
    ok = sseval__jstream_feed(&js, pieces[i], strlen(pieces[i])) && ok;
  CHECK(ok);
  CHECK(sseval__jstream_finish(&js) == 1);
  CHECK(js.top_is_object);
}

/* ---- preview ------------------------------------------------------------ */

static void preview_(const char *file, int line, const char *in, size_t n,
                     const char *want) {
  char out[2048];
  size_t len = 12345;
  sseval_status st = sseval_partial_json_preview(in, n, out, sizeof out, &len);
  if (st != SSEVAL_OK || len != strlen(want) || memcmp(out, want, len) != 0) {
    test_failed_checks_++;
    fprintf(stderr, "%s:%d: [%s] preview of ", file, line, test_current_);
    test_print_bytes_(in, n);
    fprintf(stderr, " status %d:\n  got      ", (int)st);
    test_print_bytes_(out, st == SSEVAL_OK ? len : 0);
    fprintf(stderr, "\n  expected ");
    test_print_bytes_(want, strlen(want));
    fputc('\n', stderr);
    return;
  }
  {
    res r = run_cursor(out, len, 512);
    if (!r.ok) {
      test_failed_checks_++;
      fprintf(stderr, "%s:%d: preview output is not JSON\n", file, line);
    }
  }
}
#define PREVIEW(in, want) preview_(__FILE__, __LINE__, in, sizeof(in) - 1, want)

TEST(preview_cases) {
  /* empty or whitespace-only: the empty object (what the API means by an
   * empty partial_json) */
  PREVIEW("", "{}");
  PREVIEW(" \n", "{}");
  /* objects and dangling keys */
  PREVIEW("{", "{}");
  PREVIEW(" { ", " { }");
  PREVIEW("{\"", "{}");
  PREVIEW("{\"ke", "{}");
  PREVIEW("{\"key\"", "{}");
  PREVIEW("{\"key\":", "{}");
  PREVIEW("{\"key\": ", "{}");
  PREVIEW("{\"key\":\"", "{\"key\":\"\"}");
  PREVIEW("{\"key\":\"val", "{\"key\":\"val\"}");
  PREVIEW("{\"key\":\"val\"", "{\"key\":\"val\"}");
  PREVIEW("{\"key\":\"val\",", "{\"key\":\"val\"}");
  PREVIEW("{\"key\":\"val\", \"n", "{\"key\":\"val\"}");
  PREVIEW("{\"key\":\"val\", \"n\":", "{\"key\":\"val\"}");
  PREVIEW("{\"key\":\"val\" ", "{\"key\":\"val\" }");
  /* cut numbers and literals are dropped with their member */
  PREVIEW("{\"a\":1", "{}");
  PREVIEW("{\"a\":1,\"b\":2", "{\"a\":1}");
  PREVIEW("{\"a\":1 ", "{\"a\":1 }");
  PREVIEW("{\"a\":-", "{}");
  PREVIEW("{\"a\":1.", "{}");
  PREVIEW("{\"a\":1e", "{}");
  PREVIEW("{\"a\":1.5e+3", "{}");
  PREVIEW("{\"a\":tr", "{}");
  PREVIEW("{\"a\":nul", "{}");
  PREVIEW("{\"a\":true", "{\"a\":true}");
  PREVIEW("{\"a\":false", "{\"a\":false}");
  PREVIEW("{\"a\":null", "{\"a\":null}");
  PREVIEW("{\"x\":\"y\",\"a\":fal", "{\"x\":\"y\"}");
  /* arrays */
  PREVIEW("[", "[]");
  PREVIEW("[1", "[]");
  PREVIEW("[1,", "[1]");
  PREVIEW("[1,2", "[1]");
  PREVIEW("[1 ,", "[1 ]");
  PREVIEW("[\"a\",\"b", "[\"a\",\"b\"]");
  PREVIEW("[[", "[[]]");
  PREVIEW("[[1],[2,", "[[1],[2]]");
  PREVIEW("{\"a\":[", "{\"a\":[]}");
  PREVIEW("{\"a\":[1,2", "{\"a\":[1]}");
  PREVIEW("{\"a\":[1,2,", "{\"a\":[1,2]}");
  PREVIEW("{\"a\":[\"x\",\"y", "{\"a\":[\"x\",\"y\"]}");
  PREVIEW("{\"a\":[{\"b\":", "{\"a\":[{}]}");
  PREVIEW("{\"a\":{\"b\":{\"c\":\"d", "{\"a\":{\"b\":{\"c\":\"d\"}}}");
  PREVIEW("{\"a\":{\"b\":{}", "{\"a\":{\"b\":{}}}");
  PREVIEW("{\"a\":{\"b\":{}}", "{\"a\":{\"b\":{}}}");
  /* strings cut inside an escape, a surrogate pair or a UTF-8 sequence */
  PREVIEW("{\"a\":\"x\\", "{\"a\":\"x\"}");
  PREVIEW("{\"a\":\"x\\n", "{\"a\":\"x\\n\"}");
  PREVIEW("{\"a\":\"x\\u", "{\"a\":\"x\"}");
  PREVIEW("{\"a\":\"x\\u00", "{\"a\":\"x\"}");
  PREVIEW("{\"a\":\"x\\u00e9", "{\"a\":\"x\\u00e9\"}");
  PREVIEW("{\"a\":\"\\ud83d", "{\"a\":\"\"}");
  PREVIEW("{\"a\":\"\\ud83d\\", "{\"a\":\"\"}");
  PREVIEW("{\"a\":\"\\ud83d\\u", "{\"a\":\"\"}");
  PREVIEW("{\"a\":\"\\ud83d\\ude0", "{\"a\":\"\"}");
  PREVIEW("{\"a\":\"\\ud83d\\ude00", "{\"a\":\"\\ud83d\\ude00\"}");
  PREVIEW("{\"a\":\"x\xE2", "{\"a\":\"x\"}");
  PREVIEW("{\"a\":\"x\xE2\x82", "{\"a\":\"x\"}");
  PREVIEW("{\"a\":\"x\xE2\x82\xAC", "{\"a\":\"x\xE2\x82\xAC\"}");
  PREVIEW("{\"a\":\"x\\\"", "{\"a\":\"x\\\"\"}");
  PREVIEW("{\"a\\", "{}");
  /* complete texts come back unchanged */
  PREVIEW("{\"a\":1}", "{\"a\":1}");
  PREVIEW("{\"a\":1} \n", "{\"a\":1} \n");
  /* top level scalars */
  PREVIEW("\"ab", "\"ab\"");
  PREVIEW("\"ab\\", "\"ab\"");
  PREVIEW("12", "null");
  PREVIEW(" -", "null");
  PREVIEW("tr", "null");
  PREVIEW("true", "true");
  PREVIEW("12 ", "12 ");
}

TEST(preview_errors_and_limits) {
  char out[16];
  size_t len = 0;
  static char deep[1100];
  static char big[1100];
  /* not a prefix of valid JSON */
  CHECK(sseval_partial_json_preview("{\"a\":tx", 7, out, sizeof out, &len) ==
        SSEVAL_E_INVALID);
  CHECK(sseval_partial_json_preview("{\"a\":1}}", 8, out, sizeof out, &len) ==
        SSEVAL_E_INVALID);
  CHECK(sseval_partial_json_preview("[1,]", 4, out, sizeof out, &len) ==
        SSEVAL_E_INVALID);
  CHECK(sseval_partial_json_preview("{\"a\":\"\\ud800\\n", 14, out, sizeof out,
                                    &len) == SSEVAL_E_INVALID);
  /* misuse */
  CHECK(sseval_partial_json_preview("{", 1, out, sizeof out, NULL) ==
        SSEVAL_E_MISUSE);
  CHECK(sseval_partial_json_preview(NULL, 1, out, sizeof out, &len) ==
        SSEVAL_E_MISUSE);
  CHECK(sseval_partial_json_preview("{", 1, NULL, 4, &len) == SSEVAL_E_MISUSE);
  CHECK(sseval_partial_json_preview(NULL, 0, out, sizeof out, &len) ==
        SSEVAL_OK);
  CHECK_STR(out, len, "{}");
  /* size query, short buffer */
  CHECK(sseval_partial_json_preview("{\"a\":[\"xy", 9, NULL, 0, &len) ==
        SSEVAL_E_LIMIT);
  CHECK_EQ_U64(len, 12);
  memset(out, '#', sizeof out);
  CHECK(sseval_partial_json_preview("{\"a\":[\"xy", 9, out, 10, &len) ==
        SSEVAL_E_LIMIT);
  CHECK_EQ_U64(len, 12);
  CHECK_MEM(out, 11, "{\"a\":[\"xy\"#", 11);
  CHECK(sseval_partial_json_preview("{\"a\":[\"xy", 9, out, 12, &len) ==
        SSEVAL_OK);
  CHECK_STR(out, len, "{\"a\":[\"xy\"]}");
  CHECK(sseval_partial_json_preview("", 0, out, 1, &len) == SSEVAL_E_LIMIT);
  CHECK_EQ_U64(len, 2);
  CHECK(sseval_partial_json_preview("1", 1, out, 3, &len) == SSEVAL_E_LIMIT);
  CHECK_EQ_U64(len, 4);
  /* nesting: 512 open arrays close; 513 are beyond the validator's limit */
  memset(deep, '[', 512);
  CHECK(sseval_partial_json_preview(deep, 512, big, sizeof big, &len) ==
        SSEVAL_OK);
  CHECK_EQ_U64(len, 1024);
  CHECK(big[511] == '[' && big[512] == ']' && big[1023] == ']');
  memset(deep, '[', 513);
  CHECK(sseval_partial_json_preview(deep, 513, big, sizeof big, &len) ==
        SSEVAL_E_INVALID);
  /* objects and arrays mixed deeply: closers in the right order */
  {
    size_t i, n = 0;
    for (i = 0; i < 40; i++) {
      memcpy(deep + n, i % 2 ? "[" : "{\"k\":", i % 2 ? 1 : 5);
      n += i % 2 ? 1 : 5;
    }
    CHECK(sseval_partial_json_preview(deep, n, big, sizeof big, &len) ==
          SSEVAL_OK);
    CHECK_EQ_U64(len, n + 40);
    for (i = 0; i < 40; i++) CHECK(big[n + i] == (i % 2 ? '}' : ']'));
  }
}

/* Every prefix of a set of valid documents previews to valid JSON, and the
 * full document previews to itself. */
TEST(preview_every_prefix) {
  static const char *const docs[] = {
    "{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}",
    ("{\"a\":[1,-2.5e+3,true,false,null,{\"b\":\"c\\u00e9\\ud83d\\ude00\"}],"
     "\"d\":{}, \"e\":[], \"f\":\"\xE6\x97\xA5\\n\"}"),
    "[ {\"x\" : [ [ ] , { } ] } , \"y\" , 0 ]",
    "\"just a string \\\" with \\\\ escapes\"",
    "  {\"nested\":{\"deeper\":{\"deepest\":[1,2,3]}}}  ",
  };
  size_t d;
  for (d = 0; d < sizeof docs / sizeof docs[0]; d++) {
    const char *doc = docs[d];
    size_t n = strlen(doc), i;
    for (i = 0; i <= n; i++) {
      char out[512];
      size_t len = 0;
      sseval_status st =
          sseval_partial_json_preview(doc, i, out, sizeof out, &len);
      CHECK(st == SSEVAL_OK);
      if (st == SSEVAL_OK) {
        res r = run_cursor(out, len, 512);
        if (!r.ok) {
          test_failed_checks_++;
          fprintf(stderr, "prefix %zu of doc %zu: invalid preview ", i, d);
          test_print_bytes_(out, len);
          fputc('\n', stderr);
        }
      }
      if (i == n) CHECK_STR(out, len, doc);
    }
  }
}

/* ---- duplicate member names (with a key set) ----------------------------- */

TEST(duplicate_names) {
  static const jcase t[] = {
      /* the position is the repeated name's closing quote */
      DUP("{\"a\":1,\"a\":2}", 9),
      DUP("{\"type\":\"tool_use\",\"type\":\"text\"}", 24),
      DUP("{\"cmd\":\"ls\",\"cmd\":\"rm -rf /\"}", 16),
      /* names are compared after unescaping */
      DUP("{\"type\":1,\"\\u0074ype\":2}", 20),
      DUP("{\"\\u0074ype\":1,\"type\":2}", 20),
      DUP("{\"a\\/b\":1,\"a/b\":2}", 14),
      DUP("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", 23),
      DUP("{\"\xc3\xa9\":1,\"\\u00e9\":2}", 15),
      DUP("{\"\\n\":1,\"\\u000a\":2}", 15),
      DUP("{\"\":1,\"\":2}", 7),
      /* in nested objects, at any depth, inside arrays, with spaces */
      DUP("{\"a\":{\"b\":1,\"b\":2}}", 14),
      DUP("[1,{\"x\":[{\"y\":0,\"y\":0}]}]", 18),
      DUP("{ \"a\" : 1 , \"b\" : 2 , \"a\" : 3 }", 24),
      /* the outer object's repeat after an inner object closed */
      DUP("{\"a\":{\"a\":1,\"b\":2},\"b\":3,\"a\":4}", 27),
      /* the same name in sibling or nested objects is no repeat */
      OK("{\"a\":{\"a\":{\"a\":1}},\"b\":{\"a\":2}}"),
      OK("[{\"a\":1},{\"a\":1}]"),
      OK("{\"a\":1,\"A\":2,\"a \":3,\"ab\":4,\"b\":5}"),
      OK("{\"\\u0074ype\":1,\"typ\":2,\"types\":3}"),
      /* a syntax error before the repeat wins; a repeat before one wins */
      BAD("{\"a\":1 \"a\":2}", M_AOBJ, 7),
  };
  CHECK_TABLE(t);
  {
    static const char s[] = "{\"a\":1,\"a\":2,}";
    res want;
    want.ok = 0;
    want.err = SSEVAL__J_DUPKEY;
    want.msg = "duplicate member name";
    want.pos = 9;
    with_keys = 1;
    check_all_once(__FILE__, __LINE__, s, sizeof s - 1, 64, want);
    with_keys = 0;
  }
}

/* Many names: the table grows and rebuilds; repeats are found far apart. */
TEST(duplicate_names_many) {
  static char buf[400000];
  size_t n = 0, i;
  buf[n++] = '{';
  for (i = 0; i < 10000; i++)
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"k%zu\":{\"k%zu\":0}",
                          i ? "," : "", i, i);
  buf[n++] = '}';
  with_keys = 1;
  CHECK(run_cursor(buf, n, 64).ok);
  CHECK(run_stream3(buf, n, 64, n / 3, n / 2).ok);
  n--; /* repeat the first name at the end */
  n += (size_t)snprintf(buf + n, sizeof buf - n, ",\"k0\":1}");
  {
    res r = run_cursor(buf, n, 64);
    CHECK(!r.ok && r.err == SSEVAL__J_DUPKEY && r.pos == n - 4);
    r = run_stream3(buf, n, 64, 1, n / 2);
    CHECK(!r.ok && r.err == SSEVAL__J_DUPKEY && r.pos == n - 4);
  }
  with_keys = 0;
}

/* {"m0":0,"m1":0,...} with `total` members, member i written escaped
 * ("\u006di") when i % 3 == 1, and after member total / 2 a nested object
 * holding names of the outer one; open (no closing brace). Returns the
 * length. */
static size_t many_members(char *buf, size_t cap, size_t total) {
  size_t n = 0, i;
  buf[n++] = '{';
  for (i = 0; i < total; i++) {
    /* "\u006d" is "m" */
    n += (size_t)snprintf(buf + n, cap - n, "%s\"%s%zu\":0", i ? "," : "",
                          i % 3 == 1 ? "\\u006d" : "m", i);
    if (i == total / 2)
      n += (size_t)snprintf(buf + n, cap - n,
                            ",\"n\":{\"m0\":{\"m0\":1,\"n\":2},\"n\":[{\"n\":3}]}");
  }
  return n;
}

/* Past SSEVAL__JKEYS_LINEAR names in one object, names are found through
 * the hash index: a repeat of every member, before and after the index is
 * built, names pointed at or copied (escaped) on either side, while nested
 * objects opened and closed around it. */
TEST(duplicate_names_index) {
  static const size_t totals[] = {1, 2, SSEVAL__JKEYS_LINEAR - 1,
                                  SSEVAL__JKEYS_LINEAR,
                                  SSEVAL__JKEYS_LINEAR + 1,
                                  2 * SSEVAL__JKEYS_LINEAR + 3};
  char buf[1024];
  size_t t, j, n, m;
  for (t = 0; t < sizeof totals / sizeof totals[0]; t++) {
    size_t total = totals[t];
    n = many_members(buf, sizeof buf, total);
    buf[n] = '}';
    accept_(__FILE__, __LINE__, buf, n + 1, 64);
    /* every member repeated as the last one, plain or escaped */
    for (j = 0; j < total; j++) {
      m = n + (size_t)snprintf(buf + n, sizeof buf - n, ",\"%s%zu",
                               j % 2 ? "m" : "\\u006d", j);
      buf[m] = '"';
      memcpy(buf + m + 1, ":1}", 3);
      dup_(__FILE__, __LINE__, buf, m + 4, m);
    }
    /* "n" is a member too (the nested object's name) */
    if (total >= 1) {
      m = n + (size_t)snprintf(buf + n, sizeof buf - n, ",\"n\":1}");
      dup_(__FILE__, __LINE__, buf, m, m - 4);
    }
  }
}

/* One key set over many walks, cleared between them as the Claude layer
 * does: the index built by a large object (and left on by a failed walk
 * with objects open) is no trace in the next walk. */
static res walk_reusing(sseval__jkeys *ks, const char *s) {
  sseval__jcur c;
  res r;
  sseval__jcur_init(&c, s, strlen(s), 64);
  sseval__jkeys_clear(ks);
  c.keys = ks;
  r.ok = sseval__j_skip(&c, NULL) && sseval__j_end(&c);
  r.err = c.err;
  r.msg = c.err_msg;
  r.pos = c.err_pos;
  return r;
}

static res stream_reusing(sseval__jstream *js, const char *s) {
  res r;
  int ok;
  sseval__jstream_restart(js, 64);
  ok = sseval__jstream_feed(js, s, strlen(s));
  r.ok = sseval__jstream_finish(js) && ok;
  r.err = js->err;
  r.msg = js->err_msg;
  r.pos = js->err_pos;
  return r;
}

TEST(duplicate_names_reuse) {
  char big[1024], bad[1100];
  sseval__mem mem;
  sseval__jkeys ks;
  sseval__jstream js;
  size_t n = many_members(big, sizeof big, 40), i;
  res r;
  big[n] = '}';
  big[n + 1] = '\0';
  snprintf(bad, sizeof bad, "%.*s,\"x\":{\"y\":[{\"a\":1,\"a\":2}]}}", (int)n,
           big);
  sseval__mem_init(&mem, NULL);
  sseval__jkeys_init(&ks, &mem);
  sseval__jstream_init(&js, 64);
  sseval__jkeys_init(&js.keys, &mem);
  for (i = 0; i < 2; i++) {
    r = walk_reusing(&ks, big);
    CHECK(r.ok);
    r = walk_reusing(&ks, bad);
    CHECK(!r.ok && r.err == SSEVAL__J_DUPKEY && r.pos == n + 20);
    r = walk_reusing(&ks, "{\"a\":1,\"b\":{\"a\":1},\"a\":3}");
    CHECK(!r.ok && r.err == SSEVAL__J_DUPKEY && r.pos == 21);
    r = walk_reusing(&ks, "{\"a\":{\"b\":1},\"b\":2}");
    CHECK(r.ok);
    r = stream_reusing(&js, big);
    CHECK(r.ok);
    r = stream_reusing(&js, bad);
    CHECK(!r.ok && r.err == SSEVAL__J_DUPKEY && r.pos == n + 20);
    r = stream_reusing(&js, "{\"a\":1,\"b\":{\"a\":1},\"a\":3}");
    CHECK(!r.ok && r.err == SSEVAL__J_DUPKEY && r.pos == 21);
    r = stream_reusing(&js, "{\"a\":{\"b\":1},\"b\":2}");
    CHECK(r.ok);
  }
  sseval__jkeys_free(&ks);
  sseval__jkeys_free(&js.keys);
}

/* What a key set keeps between events of a Claude stream (100,000 streams
 * in one process pay it each): message_start as the API sends it, with
 * usage's nested objects (23 records open at most), fits the first 24
 * records; plain names are spans (no arena), objects under 16 names are
 * compared one by one (no index). An escaped name brings the arena. */
TEST(duplicate_names_memory) {
  static const char start[] =
      "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
      "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
      "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
      "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":0,"
      "\"cache_read_input_tokens\":0,\"cache_creation\":{"
      "\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},"
      "\"output_tokens\":1,\"service_tier\":\"standard\","
      "\"server_tool_use\":{\"web_search_requests\":0,"
      "\"web_fetch_requests\":0}}}}";
  sseval__mem mem;
  sseval__jkeys ks;
  sseval__mem_init(&mem, NULL);
  sseval__jkeys_init(&ks, &mem);
  CHECK(walk_reusing(&ks, start).ok);
  CHECK(ks.n == 0 && ks.cap == SSEVAL__JKEYS_INITIAL && ks.cap == 24);
  CHECK(ks.arena == NULL && ks.ix == NULL && !ks.indexed);
  CHECK(walk_reusing(&ks, "{\"a\":{\"\\u0062\":1}}").ok);
  CHECK(ks.arena != NULL && ks.ix == NULL);
  sseval__jkeys_free(&ks);
}

/* ---- sseval_json_object_members (public) ---------------------------------- */

typedef struct members_seen {
  int n, stop_at;
  char log[512]; /* "name=value|" per member, names as written */
  int stream_named;
} members_seen;

static int collect_member(void *user, const sseval_json_member *m) {
  members_seen *s = (members_seen *)user;
  size_t at = strlen(s->log);
  snprintf(s->log + at, sizeof s->log - at, "%.*s=%.*s|", (int)m->name.len,
           m->name.ptr, (int)m->value.len, m->value.ptr);
  /* the member runs from the name's quote to the value's last byte */
  CHECK(m->member.ptr + 1 == m->name.ptr && m->member.ptr[0] == '"');
  CHECK(m->member.ptr + m->member.len == m->value.ptr + m->value.len);
  if (sseval_json_name_is(m, "stream")) s->stream_named++;
  return ++s->n == s->stop_at;
}

static sseval_status members_of(const char *text, members_seen *s, int stop_at) {
  memset(s, 0, sizeof *s);
  s->stop_at = stop_at;
  return sseval_json_object_members(text, strlen(text), collect_member, s);
}

TEST(object_members) {
  members_seen s;
  /* values as written, whitespace around values not part of them */
  CHECK(members_of(" {\"model\" : \"m\\u00e9\", \"stream\":true,\n"
                   "\"messages\":[{\"a\":1}],\"n\":-1.5e3 } ",
                   &s, 0) == SSEVAL_OK);
  CHECK(strcmp(s.log, "model=\"m\\u00e9\"|stream=true|messages=[{\"a\":1}]|"
                      "n=-1.5e3|") == 0);
  CHECK(s.n == 4 && s.stream_named == 1);
  /* a name written with escapes compares by its characters; repeats are
   * handed out as they come */
  CHECK(members_of("{\"\\u0073tream\":false,\"stream\":1,\"streams\":0}", &s,
                   0) == SSEVAL_OK);
  CHECK(s.n == 3 && s.stream_named == 2);
  CHECK(members_of("{}", &s, 0) == SSEVAL_OK && s.n == 0);
  /* the callback stops the walk */
  CHECK(members_of("{\"a\":1,\"b\":2,\"c\":3}", &s, 2) == SSEVAL_E_CALLBACK);
  CHECK(s.n == 2 && strcmp(s.log, "a=1|b=2|") == 0);
}

TEST(object_members_invalid) {
  static const char *const bad[] = {
      "",           "   ",         "[]",          "\"s\"",       "1",
      "{",          "{\"a\":1",    "{\"a\":1,}",  "{\"a\"}",     "{\"a\":}",
      "{} {}",      "{}x",         "{'a':1}",     "{\"a\":01}",  "{\"a\":tru}",
      "{\"a\":\"\x01\"}", "{\"a\":\"\xc3\"}", "{\"a\":[1,]}",
  };
  size_t i;
  members_seen s;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sseval_status st = members_of(bad[i], &s, 0);
    if (st != SSEVAL_E_INVALID) fprintf(stderr, "case %zu: %s\n", i, bad[i]);
    CHECK(st == SSEVAL_E_INVALID);
  }
  /* members before the fault were handed out, as documented */
  CHECK(members_of("{\"a\":1,\"b\":}", &s, 0) == SSEVAL_E_INVALID && s.n == 1);
  /* nesting: 512 levels inside the object are too deep, 511 are fine */
  {
    static char deep[2 * 520 + 16];
    size_t k, n = 0;
    for (int depth = 511; depth <= 512; depth++) {
      n = 0;
      memcpy(deep, "{\"a\":", 5);
      n = 5;
      for (k = 0; k < (size_t)depth; k++) deep[n++] = '[';
      for (k = 0; k < (size_t)depth; k++) deep[n++] = ']';
      deep[n++] = '}';
      deep[n] = '\0';
      CHECK(members_of(deep, &s, 0) ==
            (depth == 511 ? SSEVAL_OK : SSEVAL_E_INVALID));
    }
  }
  CHECK(sseval_json_object_members(NULL, 1, collect_member, &s) ==
        SSEVAL_E_MISUSE);
  CHECK(sseval_json_object_members("{}", 2, NULL, NULL) == SSEVAL_E_MISUSE);
  CHECK(sseval_json_object_members(NULL, 0, collect_member, &s) ==
        SSEVAL_E_INVALID);
  CHECK(sseval_json_name_is(NULL, "a") == 0);
}

int main(void) {
  RUN(duplicate_names);
  RUN(duplicate_names_many);
  RUN(duplicate_names_index);
  RUN(duplicate_names_reuse);
  RUN(duplicate_names_memory);
  RUN(literals);
  RUN(numbers);
  RUN(structure);
  RUN(trailing_commas);
  RUN(second_value);
  RUN(single_quotes_and_comments);
  RUN(whitespace);
  RUN(strings_and_escapes);
  RUN(control_characters);
  RUN(surrogates);
  RUN(utf8);
  RUN(depth);
  RUN(depth_512);
  RUN(claude_payloads);
  RUN(cursor_walk);
  RUN(cursor_empty_object_and_arrays);
  RUN(cursor_obj_next_errors);
  RUN(cursor_type_errors);
  RUN(cursor_peek);
  RUN(skip_raw);
  RUN(key_equality);
  RUN(decode);
  RUN(stream_api);
  RUN(stream_tool_input_pieces);
  RUN(preview_cases);
  RUN(preview_errors_and_limits);
  RUN(preview_every_prefix);
  RUN(object_members);
  RUN(object_members_invalid);
  return test_summary();
}
