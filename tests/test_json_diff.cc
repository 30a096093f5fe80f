/* SPDX-License-Identifier: MIT */
/*
 * tests/test_json_diff.cc - differential test of the strict JSON layer
 * (src/json.h) against simdjson's DOM parser (a strict RFC 8259 parser).
 *
 * A seeded PRNG generates valid JSON texts (objects, arrays, strings with
 * every escape, surrogate pairs, raw UTF-8 of every length, numbers of every
 * shape, literals, all four whitespace bytes) and small corruptions of them
 * (byte flips, interesting bytes, truncations, deletions, duplications,
 * inserted commas, bad escapes, invalid UTF-8, lone surrogates, raw control
 * characters, a second value, nesting around the depth limit). For each:
 *  - the cursor (sseval__j_skip + sseval__j_end) and simdjson agree on
 *    accept / reject, except for the known differences below;
 *  - the incremental validator, fed whole, split at a random point, and in
 *    random small chunks, gives exactly the cursor's verdict, error kind,
 *    message and position;
 *  - for an accepted top-level string, the decoded value (sseval__jdec) is
 *    byte-identical to simdjson's; for an accepted top-level object, every
 *    key and every string member value is too, and sseval__jstr_eq agrees.
 *
 * Known, deliberate differences (excluded explicitly, and counted):
 *  1. Depth: sseval caps nesting at 512 (SSEVAL__JSTREAM_MAX_DEPTH; J_DEPTH),
 *     simdjson at 1024 (DEFAULT_MAX_DEPTH). A text that sseval rejects with
 *     J_DEPTH is excluded after checking that its nesting really is > 512.
 *  2. Number range: RFC 8259 sets no range and sseval checks syntax only;
 *     simdjson 3.0.1 rejects (NUMBER_ERROR) an integer outside
 *     [-2^63, 2^64 - 1] written without fraction or exponent, and a number
 *     whose double overflows (1e400). Excluded only when simdjson says
 *     NUMBER_ERROR and one of the text's numbers is really out of range.
 * No other difference was found.
 *
 * Runs N cases (default 200000; argv[1] overrides), seed argv[2].
 */
#include <simdjson.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "json.h"
}
#include "test.h"

namespace {

/* ---- PRNG (splitmix64) ---------------------------------------------------- */
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) {
    return (uint32_t)(next() % n);
  }
  bool chance(uint32_t pct) {
    return below(100) < pct;
  }
};

/* ---- generating valid JSON (iterative) ------------------------------------ */
struct Gen {
  Rng &r;
  std::string out;
  std::vector<std::pair<size_t, size_t>> strings; /* content spans */
  explicit Gen(Rng &rng) : r(rng) {}

  void ws() {
    static const char *const w[] = { "",   "",   "",      "",    " ",
                                     "\n", "\t", "\r\n ", "    " };
    if (r.chance(25)) out += w[r.below(9)];
  }
  void utf8(uint32_t cp) {
    if (cp < 0x80) {
      out += (char)cp;
    } else if (cp < 0x800) {
      out += (char)(0xC0 | (cp >> 6));
      out += (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += (char)(0xE0 | (cp >> 12));
      out += (char)(0x80 | ((cp >> 6) & 0x3F));
      out += (char)(0x80 | (cp & 0x3F));
    } else {
      out += (char)(0xF0 | (cp >> 18));
      out += (char)(0x80 | ((cp >> 12) & 0x3F));
      out += (char)(0x80 | ((cp >> 6) & 0x3F));
      out += (char)(0x80 | (cp & 0x3F));
    }
  }
  void hex4(uint32_t v) {
    static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
    const char *h = r.chance(50) ? lo : up;
    for (int i = 3; i >= 0; i--) out += h[(v >> (4 * i)) & 15];
  }
  uint32_t bmp_non_surrogate() {
    for (;;) {
      uint32_t cp = r.chance(50) ? r.below(0x800) : r.below(0x10000);
      if (cp < 0xD800 || cp > 0xDFFF) return cp;
    }
  }
  void string() {
    out += '"';
    size_t begin = out.size();
    uint32_t pieces = r.below(6);
    if (r.chance(10)) pieces += 10;
    for (uint32_t i = 0; i < pieces; i++) {
      switch (r.below(9)) {
      case 0:
      case 1:
      case 2: { /* plain ASCII run */
        uint32_t n = r.below(r.chance(20) ? 60 : 12);
        for (uint32_t k = 0; k < n; k++) {
          char ch = (char)(0x20 + r.below(0x5F));
          if (ch == '"' || ch == '\\') ch = 'x';
          out += ch;
        }
        break;
      }
      case 3: {
        static const char *const e[] = { "\\\"", "\\\\", "\\/", "\\b",
                                         "\\f",  "\\n",  "\\r", "\\t" };
        out += e[r.below(8)];
        break;
      }
      case 4:
        out += "\\u";
        hex4(bmp_non_surrogate());
        break;
      case 5: { /* a surrogate pair */
        uint32_t cp = 0x10000 + r.below(0x100000);
        out += "\\u";
        hex4(0xD800 + ((cp - 0x10000) >> 10));
        out += "\\u";
        hex4(0xDC00 + ((cp - 0x10000) & 0x3FF));
        break;
      }
      case 6: utf8(bmp_non_surrogate() | 0x80); break;
      case 7: utf8(0x10000 + r.below(0x100000)); break;
      default: out += r.chance(50) ? "\x7f" : " "; break;
      }
    }
    strings.emplace_back(begin, out.size());
    out += '"';
  }
  void number() {
    if (r.chance(30)) out += '-';
    if (r.chance(25)) {
      out += '0';
    } else {
      uint32_t n = 1 + r.below(r.chance(20) ? 15 : 4);
      out += (char)('1' + r.below(9));
      for (uint32_t i = 1; i < n; i++) out += (char)('0' + r.below(10));
    }
    if (r.chance(30)) {
      out += '.';
      uint32_t n = 1 + r.below(6);
      for (uint32_t i = 0; i < n; i++) out += (char)('0' + r.below(10));
    }
    if (r.chance(20)) {
      out += r.chance(50) ? 'e' : 'E';
      uint32_t k = r.below(3);
      if (k == 1) out += '+';
      if (k == 2) out += '-';
      uint32_t e = r.below(r.chance(10) ? 280 : 30);
      out += std::to_string(e);
    }
  }
  void scalar() {
    switch (r.below(6)) {
    case 0:
    case 1: string(); break;
    case 2:
    case 3: number(); break;
    case 4: out += r.chance(50) ? "true" : "false"; break;
    default: out += "null"; break;
    }
  }
  /* one value, containers nested up to maxd, without recursion */
  void value(uint32_t maxd) {
    struct Frame {
      bool obj;
      uint32_t left;
      bool first;
    };
    std::vector<Frame> st;
    for (;;) {
      /* emit one value: a scalar, or open a container */
      if (st.size() < maxd && r.chance(st.empty() ? 70 : 35)) {
        bool obj = r.chance(50);
        out += obj ? '{' : '[';
        ws();
        st.push_back(Frame{ obj, r.below(r.chance(10) ? 12 : 5), true });
      } else {
        scalar();
      }
      /* close finished containers, then start the next member */
      for (;;) {
        if (st.empty()) return;
        Frame &f = st.back();
        if (f.left == 0) {
          ws();
          out += f.obj ? '}' : ']';
          st.pop_back();
          continue;
        }
        if (!f.first) {
          ws();
          out += ',';
        }
        ws();
        f.first = false;
        f.left--;
        if (f.obj) {
          string();
          ws();
          out += ':';
          ws();
        }
        break;
      }
    }
  }
};

/* ---- running sseval ---------------------------------------------------------- */
struct Res {
  int ok;
  sseval__jerr err;
  const char *msg;
  uint64_t pos;
};

Res cursor_run(const std::string &s) {
  sseval__jcur c;
  sseval__jcur_init(&c, s.data(), s.size(), SSEVAL__JSTREAM_MAX_DEPTH);
  Res r;
  r.ok = sseval__j_skip(&c, nullptr) && sseval__j_end(&c);
  r.err = c.err;
  r.msg = c.err_msg;
  r.pos = c.err_pos;
  return r;
}

Res stream_run(const std::string &s, Rng &rng, int mode) {
  sseval__jstream js;
  sseval__jstream_init(&js, SSEVAL__JSTREAM_MAX_DEPTH);
  size_t i = 0, n = s.size();
  if (mode == 0) {
    sseval__jstream_feed(&js, s.data(), n);
  } else if (mode == 1) {
    size_t cut = n ? rng.below((uint32_t)n + 1) : 0;
    sseval__jstream_feed(&js, s.data(), cut);
    sseval__jstream_feed(&js, s.data() + cut, n - cut);
  } else {
    while (i < n) {
      size_t k = 1 + rng.below(7);
      if (k > n - i) k = n - i;
      sseval__jstream_feed(&js, s.data() + i, k);
      i += k;
    }
  }
  Res r;
  r.ok = sseval__jstream_finish(&js);
  r.err = js.err;
  r.msg = js.err_msg;
  r.pos = js.err_pos;
  return r;
}

bool same(const Res &a, const Res &b) {
  if (a.ok != b.ok) return false;
  return a.ok || (a.err == b.err && a.pos == b.pos && !strcmp(a.msg, b.msg));
}

/* ---- explaining a known difference ------------------------------------------ */
/* Nesting depth of a text (brackets outside strings). */
size_t max_nesting(const std::string &s) {
  size_t d = 0, m = 0;
  bool in = false;
  for (size_t i = 0; i < s.size(); i++) {
    char ch = s[i];
    if (in) {
      if (ch == '\\')
        i++;
      else if (ch == '"')
        in = false;
    } else if (ch == '"') {
      in = true;
    } else if (ch == '[' || ch == '{') {
      if (++d > m) m = d;
    } else if ((ch == ']' || ch == '}') && d) {
      d--;
    }
  }
  return m;
}

/* A number token that simdjson 3.0.1 rejects although it is valid JSON: an
 * integer outside [-2^63, 2^64-1], or a number whose double overflows. */
bool has_out_of_range_number(const std::string &s) {
  bool in = false;
  for (size_t i = 0; i < s.size(); i++) {
    char ch = s[i];
    if (in) {
      if (ch == '\\')
        i++;
      else if (ch == '"')
        in = false;
      continue;
    }
    if (ch == '"') {
      in = true;
      continue;
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
      size_t j = i;
      bool is_int = true;
      while (j < s.size() && strchr("+-0123456789.eE", s[j]) && s[j]) {
        if (s[j] == '.' || s[j] == 'e' || s[j] == 'E') is_int = false;
        j++;
      }
      std::string tok = s.substr(i, j - i);
      if (is_int) {
        bool neg = tok[0] == '-';
        std::string digits = neg ? tok.substr(1) : tok;
        const char *lim = neg ? "9223372036854775808" : "18446744073709551615";
        if (digits.size() > strlen(lim) ||
            (digits.size() == strlen(lim) && digits > lim))
          return true;
      } else {
        errno = 0;
        double v = strtod(tok.c_str(), nullptr);
        if (std::isinf(v) || (errno == ERANGE && std::fabs(v) > 1.0))
          return true;
      }
      i = j - 1;
    }
  }
  return false;
}

/* ---- decoding with sseval ------------------------------------------------------ */
std::string decode(const sseval__jstr &s) {
  std::string out;
  sseval__jdec d;
  sseval_span sp;
  sseval__jdec_init(&d, &s);
  while (sseval__jdec_next(&d, &sp)) out.append(sp.ptr, sp.len);
  return out;
}

struct Counts {
  uint64_t cases = 0, valid = 0, invalid = 0, depth_excluded = 0,
           range_excluded = 0, strings_compared = 0, members_compared = 0,
           failures = 0;
};

void fail(Counts &k, const char *what, const std::string &s, uint64_t i,
          const Res *a, const Res *b) {
  k.failures++;
  test_failed_checks_++;
  if (k.failures > 20) return;
  fprintf(stderr, "case %" PRIu64 ": %s: ", i, what);
  test_print_bytes_(s.data(), s.size());
  fputc('\n', stderr);
  if (a)
    fprintf(stderr, "  cursor ok=%d err=%d pos=%" PRIu64 " msg=%s\n", a->ok,
            (int)a->err, a->pos, a->msg);
  if (b)
    fprintf(stderr, "  other  ok=%d err=%d pos=%" PRIu64 " msg=%s\n", b->ok,
            (int)b->err, b->pos, b->msg);
}

/* Compare decoded strings / keys of an accepted top-level string or object. */
void compare_values(Counts &k, const std::string &s, uint64_t idx,
                    simdjson::dom::element el) {
  sseval__jcur c;
  sseval__jcur_init(&c, s.data(), s.size(), SSEVAL__JSTREAM_MAX_DEPTH);
  sseval__jkind kind = sseval__j_peek(&c);
  if (kind == SSEVAL__JK_STRING) {
    sseval__jstr v;
    std::string_view sv;
    if (!sseval__j_str(&c, &v) || el.get_string().get(sv)) {
      fail(k, "string not read", s, idx, nullptr, nullptr);
      return;
    }
    std::string mine = decode(v);
    if (mine != sv || sseval__jstr_decoded_len(&v) != sv.size())
      fail(k, "decoded string differs", s, idx, nullptr, nullptr);
    k.strings_compared++;
  } else if (kind == SSEVAL__JK_OBJECT) {
    simdjson::dom::object obj;
    if (el.get_object().get(obj) || !sseval__j_obj_begin(&c)) {
      fail(k, "object not read", s, idx, nullptr, nullptr);
      return;
    }
    auto it = obj.begin();
    sseval__jstr key;
    int r;
    while ((r = sseval__j_obj_next(&c, &key)) == 1) {
      if (it == obj.end()) {
        fail(k, "more members than simdjson", s, idx, nullptr, nullptr);
        return;
      }
      std::string_view want = it.key();
      std::string mine = decode(key);
      if (mine != want || !sseval__jstr_eq(&key, want.data(), want.size()) ||
          (want.size() && sseval__jstr_eq(&key, want.data(), want.size() - 1)))
        fail(k, "decoded key differs", s, idx, nullptr, nullptr);
      if (sseval__j_peek(&c) == SSEVAL__JK_STRING) {
        sseval__jstr v;
        std::string_view sv;
        if (!sseval__j_str(&c, &v) || it.value().get_string().get(sv) ||
            decode(v) != sv)
          fail(k, "decoded member differs", s, idx, nullptr, nullptr);
      } else if (!sseval__j_skip(&c, nullptr)) {
        fail(k, "member skip failed", s, idx, nullptr, nullptr);
        return;
      }
      k.members_compared++;
      ++it;
    }
    if (r != 0 || it != obj.end() || !sseval__j_end(&c))
      fail(k, "object walk differs", s, idx, nullptr, nullptr);
  }
}

/* ---- corruptions ---------------------------------------------------------- */
void corrupt(Rng &r, Gen &g, std::string &s) {
  static const char interesting[] = "\"\\,:[]{} 0-.eE+t'/\x00\x1f\x7f";
  size_t n = s.size();
  auto pos = [&](size_t m) { return m ? (size_t)r.below((uint32_t)m) : 0; };
  auto in_string =
      [&]() -> size_t { /* an offset inside a string's content */
                        if (g.strings.empty()) return std::string::npos;
                        auto sp =
                            g.strings[r.below((uint32_t)g.strings.size())];
                        return sp.first +
                               r.below((uint32_t)(sp.second - sp.first + 1));
  };
  switch (r.below(16)) {
  case 0:
    if (n) s[pos(n)] = (char)r.below(256);
    break;
  case 1:
  case 2:
    if (n) s[pos(n)] = interesting[r.below(sizeof interesting - 1)];
    break;
  case 3: s.resize(pos(n + 1)); break;
  case 4:
    if (n) s.erase(pos(n), 1);
    break;
  case 5:
    if (n) {
      size_t p = pos(n);
      s.insert(p, 1, s[p]);
    }
    break;
  case 6: { /* a comma before a closer */
    std::vector<size_t> cl;
    for (size_t i = 0; i < n; i++)
      if (s[i] == ']' || s[i] == '}') cl.push_back(i);
    if (!cl.empty()) s.insert(cl[r.below((uint32_t)cl.size())], ",");
    break;
  }
  case 7: { /* bad escape */
    static const char *const e[] = { "\\x",     "\\u12", "\\uZZZZ", "\\'",
                                     "\\U0041", "\\",    "\\u12g4", "\\0" };
    size_t p = in_string();
    if (p != std::string::npos) s.insert(p, e[r.below(8)]);
    break;
  }
  case 8: { /* invalid UTF-8 */
    static const char *const u[] = { "\xC0\x80",     "\xE0\x80\x80",
                                     "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                     "\xF8",         "\x80",
                                     "\xC3",         "\xE2\x82",
                                     "\xFE",         "\xF0\x8F\xBF\xBF",
                                     "\xC1\xBF",     "\xF0\x9F\x98" };
    size_t p = in_string();
    if (p != std::string::npos) s.insert(p, u[r.below(12)]);
    break;
  }
  case 9: { /* lone or reversed surrogates */
    static const char *const u[] = { "\\ud800",        "\\udc00",
                                     "\\uDBFF\\u0041", "\\udc00\\ud800",
                                     "\\ud800\\ud800", "\\uD83D",
                                     "\\uDE00x",       "\\ud800\\n" };
    size_t p = in_string();
    if (p != std::string::npos) s.insert(p, u[r.below(8)]);
    break;
  }
  case 10: { /* raw control character in a string */
    size_t p = in_string();
    if (p != std::string::npos) s.insert(p, 1, (char)r.below(0x20));
    break;
  }
  case 11: { /* nesting around the limit */
    uint32_t k = 500 + r.below(25);
    std::string pre, post;
    for (uint32_t i = 0; i < k; i++) {
      if (r.chance(50)) {
        pre += "[";
        post += "]";
      } else {
        pre += "{\"k\":";
        post += "}";
      }
    }
    std::string tail(post.rbegin(), post.rend());
    s = pre + s + tail;
    break;
  }
  case 12: /* a second value */ s += r.chance(50) ? " 1" : "{}"; break;
  case 13: { /* random byte inserted */
    s.insert(pos(n + 1), 1, (char)r.below(256));
    break;
  }
  case 14: { /* odd-but-valid tail or head whitespace, or a bad one */
    static const char *const w[] = { " ",        "\f",           "\v",
                                     "\xC2\xA0", "\xEF\xBB\xBF", "\r\n" };
    if (r.chance(50))
      s.insert(0, w[r.below(6)]);
    else
      s += w[r.below(6)];
    break;
  }
  default: { /* a number's neighbourhood */
    static const char *const t[] = {
      "01",  "-",  "1.",    ".5",    "1e",  "+1",
      "1e+", "-0", "0.0e0", "1E400", "NaN", "tru"
    };
    s.insert(pos(n + 1), t[r.below(12)]);
    break;
  }
  }
  g.strings.clear(); /* the spans no longer hold after an edit */
}

} // namespace

int main(int argc, char **argv) {
  uint64_t cases = argc > 1 ? strtoull(argv[1], nullptr, 10) : 200000;
  uint64_t seed = argc > 2 ? strtoull(argv[2], nullptr, 10) : 20240601;
  Rng rng{ seed };
  Counts k;
  simdjson::dom::parser parser;
  test_current_ = "json_diff";

  for (uint64_t i = 0; i < cases; i++) {
    Gen g(rng);
    if (rng.chance(25)) {
      g.ws();
      g.string(); /* top-level strings: decoded values compared */
      g.ws();
    } else {
      g.ws();
      g.value(rng.chance(10) ? 12 : 5);
      g.ws();
    }
    std::string s = g.out;
    bool corrupted = rng.chance(60);
    if (corrupted) {
      corrupt(rng, g, s);
      if (rng.chance(15)) corrupt(rng, g, s);
    }
    k.cases++;

    Res cur = cursor_run(s);
    for (int mode = 0; mode < 3; mode++) {
      Res st = stream_run(s, rng, mode);
      if (!same(cur, st))
        fail(k,
             mode == 0   ? "stream (whole) differs from cursor"
             : mode == 1 ? "stream (2 pieces) differs from cursor"
                         : "stream (small chunks) differs from cursor",
             s, i, &cur, &st);
    }
    if (!corrupted && !cur.ok)
      fail(k, "generated text rejected", s, i, &cur, nullptr);

    simdjson::padded_string ps(s.data(), s.size());
    simdjson::dom::element el;
    simdjson::error_code e = parser.parse(ps).get(el);
    bool sj_ok = e == simdjson::SUCCESS;

    if (cur.ok == sj_ok) {
      if (cur.ok) {
        k.valid++;
        compare_values(k, s, i, el);
      } else {
        k.invalid++;
      }
      continue;
    }
    if (!cur.ok && cur.err == SSEVAL__J_DEPTH &&
        max_nesting(s) > SSEVAL__JSTREAM_MAX_DEPTH) {
      k.depth_excluded++; /* difference 1 */
      continue;
    }
    if (cur.ok && e == simdjson::NUMBER_ERROR && has_out_of_range_number(s)) {
      k.range_excluded++; /* difference 2 */
      continue;
    }
    fail(k,
         cur.ok ? "sseval accepts, simdjson rejects"
                : "sseval rejects, simdjson accepts",
         s, i, &cur, nullptr);
    if (!cur.ok && k.failures <= 20) fprintf(stderr, "  simdjson: OK\n");
    if (cur.ok && k.failures <= 20)
      fprintf(stderr, "  simdjson: %s\n", simdjson::error_message(e));
  }

  printf("json_diff: %" PRIu64 " cases (seed %" PRIu64 "): %" PRIu64
         " valid, %" PRIu64 " invalid, excluded %" PRIu64
         " (depth > 512) + %" PRIu64 " (number range); %" PRIu64
         " top-level strings and %" PRIu64
         " object members decoded and compared; %" PRIu64 " failures\n",
         k.cases, seed, k.valid, k.invalid, k.depth_excluded, k.range_excluded,
         k.strings_compared, k.members_compared, k.failures);
  /* the known differences themselves, pinned */
  {
    static const char *const range[] = { "1e400", "-1E+400",
                                         "18446744073709551616",
                                         "-9223372036854775809",
                                         "[123456789012345678901234567890]" };
    for (const char *t : range) {
      std::string s(t);
      simdjson::padded_string ps(s.data(), s.size());
      simdjson::dom::element el;
      CHECK(cursor_run(s).ok);
      CHECK(parser.parse(ps).get(el) == simdjson::NUMBER_ERROR);
      CHECK(has_out_of_range_number(s));
    }
    sseval__jstr raw;
    sseval__jcur c;
    sseval__jcur_init(&c, " [1] ", 5, 4);
    CHECK(sseval__j_skip(&c, &raw));
    CHECK_MEM(raw.ptr, raw.len, "[1]", 3);
    std::string deep(600, '[');
    deep += std::string(600, ']');
    Res r = cursor_run(deep);
    simdjson::padded_string ps(deep.data(), deep.size());
    simdjson::dom::element el;
    CHECK(!r.ok && r.err == SSEVAL__J_DEPTH && r.pos == 512);
    CHECK(parser.parse(ps).get(el) == simdjson::SUCCESS);
  }
  CHECK(k.failures == 0);
  CHECK(k.valid > cases / 4 && k.invalid > cases / 4);
  if (k.failures == 0)
    test_cases_passed_++;
  else
    test_cases_failed_++;
  return test_summary();
}
