/* SPDX-License-Identifier: MIT */
/*
 * fuzz/json_simdjson.h - (C++) the simdjson half of the fuzz_json oracle, on
 * top of the C oracle in fuzz/json_oracle.h; shared by fuzz/fuzz_json.cc and
 * tests/test_fuzz_regressions_json.cc.
 *
 * For every input: the library and simdjson accept or reject alike, and on a
 * valid text they see the same tree: same keys in the same order, same
 * decoded strings byte for byte, same numbers (integers exactly, others as
 * the same double). Deliberate differences (docs/FUZZING.md):
 *  - numbers outside what simdjson represents (an integer beyond
 *    [INT64_MIN, UINT64_MAX], a decimal that overflows a double) are valid
 *    RFC 8259 JSON and the library accepts them; simdjson rejects them with
 *    NUMBER_ERROR. Checked: simdjson may reject for that reason
 *    only when the text really has such a number;
 *  - nesting: the library's limit is a parameter (512 here, or a small one
 *    chosen by the input); where it reports J_DEPTH simdjson is not asked;
 *  - repeated member names: simdjson keeps every member of an object, the
 *    library with a key set rejects the second occurrence of a name. So on a
 *    text both accept, the library with a key set accepts it exactly when
 *    no object of simdjson's tree has two members of the same name.
 */
#ifndef SSEVAL_FUZZ_JSON_SIMDJSON_H
#define SSEVAL_FUZZ_JSON_SIMDJSON_H

#include <simdjson.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

extern "C" {
#include "json_oracle.h"
}

namespace {

void tok(std::string &out, const char *tag, const std::string_view *payload) {
  fz_buf b;
  fz_buf_init(&b);
  fz_buf_str(&b, tag);
  if (payload) fz_buf_quote(&b, payload->data(), payload->size());
  fz_buf_byte(&b, '\n');
  out.append(b.p, b.len);
  fz_buf_free(&b);
}

void walk(simdjson::dom::element e, std::string &out) {
  char num[64];
  switch (e.type()) {
  case simdjson::dom::element_type::OBJECT:
    tok(out, "{", nullptr);
    for (auto field : simdjson::dom::object(e)) {
      std::string_view k = field.key;
      tok(out, "K", &k);
      walk(field.value, out);
    }
    tok(out, "}", nullptr);
    break;
  case simdjson::dom::element_type::ARRAY:
    tok(out, "[", nullptr);
    for (auto v : simdjson::dom::array(e)) walk(v, out);
    tok(out, "]", nullptr);
    break;
  case simdjson::dom::element_type::STRING: {
    std::string_view s = e.get_string().value_unsafe();
    tok(out, "S", &s);
    break;
  }
  case simdjson::dom::element_type::INT64:
    snprintf(num, sizeof num, "I%" PRId64 "\n", e.get_int64().value_unsafe());
    out += num;
    break;
  case simdjson::dom::element_type::UINT64:
    snprintf(num, sizeof num, "I%" PRIu64 "\n", e.get_uint64().value_unsafe());
    out += num;
    break;
  case simdjson::dom::element_type::DOUBLE:
    snprintf(num, sizeof num, "D%a\n", e.get_double().value_unsafe());
    out += num;
    break;
  case simdjson::dom::element_type::BOOL:
    tok(out, e.get_bool().value_unsafe() ? "t" : "f", nullptr);
    break;
  default:
    tok(out, "n", nullptr);
  }
}

/* 1 when some object of the tree repeats a member name. */
bool has_repeated_name(simdjson::dom::element e) {
  if (e.type() == simdjson::dom::element_type::OBJECT) {
    std::set<std::string_view> seen;
    for (auto field : simdjson::dom::object(e)) {
      if (!seen.insert(field.key).second) return true;
      if (has_repeated_name(field.value)) return true;
    }
  } else if (e.type() == simdjson::dom::element_type::ARRAY) {
    for (auto v : simdjson::dom::array(e))
      if (has_repeated_name(v)) return true;
  }
  return false;
}

/* Unquote a payload written by fz_buf_quote. */
std::string unquote(const std::string &q) {
  std::string r;
  for (size_t i = 1; i + 1 < q.size(); i++) {
    if (q[i] != '\\') {
      r += q[i];
    } else if (q[i + 1] == 'x') {
      r += (char)strtol(q.substr(i + 2, 2).c_str(), nullptr, 16);
      i += 3;
    } else {
      r += q[i + 1];
      i++;
    }
  }
  return r;
}

/* The library-side token list with numbers written the way simdjson types
 * them. Sets *out_of_range when a number is beyond simdjson's range. */
std::string normalise(const fz_buf &tokens, bool *out_of_range) {
  std::string in(tokens.p ? tokens.p : "", tokens.len), out;
  size_t pos = 0;
  *out_of_range = false;
  while (pos < in.size()) {
    size_t eol = in.find('\n', pos);
    std::string line = in.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line[0] != 'N') {
      out += line;
      out += '\n';
      continue;
    }
    std::string raw = unquote(line.substr(1));
    char num[64];
    if (raw.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      if (raw[0] == '-') {
        long long v = strtoll(raw.c_str(), nullptr, 10);
        if (errno == ERANGE) *out_of_range = true;
        snprintf(num, sizeof num, "I%lld\n", v);
      } else {
        unsigned long long v = strtoull(raw.c_str(), nullptr, 10);
        if (errno == ERANGE) *out_of_range = true;
        snprintf(num, sizeof num, "I%llu\n", v);
      }
    } else {
      double d = strtod(raw.c_str(), nullptr);
      if (std::isinf(d)) *out_of_range = true;
      snprintf(num, sizeof num, "D%a\n", d);
    }
    out += num;
  }
  return out;
}

}  // namespace


/* fuzz_json: the C oracle, then simdjson */
inline void json_check(const uint8_t *data, size_t size) {
  static simdjson::dom::parser parser;
  static bool allocated = false;
  jo_result r;
  if (!allocated) {
    FZ_CHECK(parser.allocate(1 << 20, 1024) == simdjson::SUCCESS,
             "simdjson allocate");
    allocated = true;
  }
  json_check_c(data, size, &r);
  if (r.ok || r.err != SSEVAL__J_DEPTH) {
    fz_ctl c;
    fz_ctl_parse(&c, data, size);
    simdjson::padded_string ps(reinterpret_cast<const char *>(c.body), c.body_len);
    simdjson::dom::element e;
    simdjson::error_code err = c.body_len > parser.capacity()
                                   ? simdjson::CAPACITY
                                   : parser.parse(ps).get(e);
    if (err == simdjson::CAPACITY || err == simdjson::DEPTH_ERROR) {
      /* not comparable */
    } else if (r.ok) {
      bool out_of_range = false;
      std::string mine = normalise(r.tokens, &out_of_range);
      if (err) {
        FZ_CHECK(out_of_range && err == simdjson::NUMBER_ERROR,
                 "the library accepts a text simdjson rejects: %s",
                 simdjson::error_message(err));
      } else {
        std::string theirs;
        FZ_CHECK(!out_of_range, "simdjson accepted an out-of-range number");
        FZ_CHECK(r.keys_ok == !has_repeated_name(e),
                 "with a key set the library %s a text in whose simdjson tree "
                 "%s",
                 r.keys_ok ? "accepts" : "rejects",
                 r.keys_ok ? "an object repeats a name" : "no name repeats");
        walk(e, theirs);
        if (mine != theirs) {
          fz_buf a, b;
          fz_buf_init(&a);
          fz_buf_init(&b);
          fz_buf_add(&a, mine.data(), mine.size());
          fz_buf_add(&b, theirs.data(), theirs.size());
          fz_fail_diff("the library vs simdjson: different values", "sseval", &a,
                       "simdjson", &b);
        }
      }
    } else {
      FZ_CHECK(err != simdjson::SUCCESS,
               "simdjson accepts a text the library rejects (err %d at %zu)",
               (int)r.err, r.pos);
    }
  }
  fz_buf_free(&r.tokens);
}

#endif /* SSEVAL_FUZZ_JSON_SIMDJSON_H */
