// SPDX-License-Identifier: MIT
// tests/cpp_header_test.cpp - run by tests/cpp_header.sh (g++ and clang++,
// -std=c++17 -Wall -Wextra -Werror, ASan+UBSan, -fno-rtti). For every file
// named on the command line, sseval::stream and sseval::tokenizer are fed
// the bytes whole, byte by byte, in 3-, 7- and 61-byte chunks and split in
// two at every 97th byte; each run must give the same result, the same
// rebuilt message and the same text pieces (collected by capturing lambdas)
// as the C API fed whole, and the tokenizer's event count must match.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <sseval/sseval.hpp>

static int failures = 0, checks = 0;
#define CHECK(c, what)                                                           \
  do {                                                                           \
    checks++;                                                                    \
    if (!(c)) {                                                                  \
      failures++;                                                                \
      std::printf("FAIL %s: %s (line %d)\n", what, #c, __LINE__);               \
    }                                                                            \
  } while (0)

static int sink(void *ctx, const char *b, size_t n) {
  static_cast<std::string *>(ctx)->append(b, n);
  return 0;
}

struct outcome {
  sseval::result r;
  sseval::message m;
  std::string text;
  size_t events = 0;
};

template <class Chunker> static outcome run(const std::string &in, Chunker next) {
  outcome o;
  sseval::stream s;
  s.on_text([&o](uint32_t, std::string_view t) { o.text.append(t); })
      .on_tool_input([&o](uint32_t i, std::string_view t) -> int {
        o.text += "[" + std::to_string(i) + "]";
        o.text.append(t);
        return SSEVAL_CB_OK;
      });
  sseval::tokenizer t;
  t.on_event([&o](const sseval::event &e) {
    if (!e.type.empty()) o.events++;
  });
  if (s.open() != SSEVAL_OK || t.open() != SSEVAL_OK) return o;
  size_t pos = 0, k = 0;
  while (pos < in.size()) {
    size_t n = next(k++, in.size() - pos);
    std::string_view chunk(in.data() + pos, n);
    s.feed(chunk);
    if (t) t.feed(chunk);
    pos += n;
  }
  o.r = s.finish();
  t.finish();
  o.m = s.get_message();
  // moving the owners keeps working (the C side's user pointer is stable)
  sseval::stream moved = std::move(s);
  CHECK(static_cast<bool>(moved) && !s, "move");
  return o;
}

static bool read_file(const char *path, std::string &out) {
  std::FILE *f = std::fopen(path, "rb");
  if (!f) return false;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return true;
}

int main(int argc, char **argv) {
  for (int a = 1; a < argc; a++) {
    std::string in;
    if (!read_file(argv[a], in)) { std::printf("FAIL cannot read %s\n", argv[a]); return 1; }
    // the C API, whole: the reference
    sseval_claude_options o;
    sseval_claude_options_init(&o);
    o.flags = SSEVAL_CLAUDE_ACCUMULATE;
    sseval_claude *c = nullptr;
    sseval_claude_result cr;
    std::string cjson;
    if (sseval_claude_new(&c, nullptr, nullptr, &o) != SSEVAL_OK) return 1;
    sseval_claude_feed(c, in.data(), in.size(), nullptr);
    sseval_claude_finish(c, &cr);
    sseval_claude_write_message_json(c, sink, &cjson);
    sseval_claude_free(c);

    outcome whole = run(in, [](size_t, size_t left) { return left; });
    CHECK(whole.r.verdict == cr.verdict && whole.r.rule == cr.rule, argv[a]);
    CHECK(whole.r.offset == cr.offset && whole.r.events == cr.events, argv[a]);
    CHECK(whole.m.json == cjson, argv[a]);
    CHECK(whole.events >= whole.r.events || whole.r.verdict != SSEVAL_VERDICT_COMPLETE, argv[a]);
    std::string blocks_text;
    for (const sseval::block &b : whole.m.blocks)
      if (b.type == SSEVAL_BLOCK_TEXT) blocks_text += b.text;
    CHECK(whole.text.find('[') != std::string::npos || whole.text == blocks_text, argv[a]);
    if (cjson.find("\"output_tokens\"") != std::string::npos)
      CHECK(whole.m.usage.has_output_tokens, argv[a]);

    std::vector<outcome> runs;
    runs.push_back(run(in, [](size_t, size_t) { return size_t(1); }));
    for (size_t step : {size_t(3), size_t(7), size_t(61)})
      runs.push_back(run(in, [step](size_t, size_t left) { return left < step ? left : step; }));
    for (size_t cut = 1; cut < in.size(); cut += 97)
      runs.push_back(run(in, [cut](size_t k, size_t left) { return k == 0 ? cut : left; }));
    for (const outcome &x : runs) {
      CHECK(x.r.verdict == whole.r.verdict && x.r.rule == whole.r.rule, argv[a]);
      CHECK(x.r.offset == whole.r.offset && x.r.line == whole.r.line, argv[a]);
      CHECK(x.r.detail == whole.r.detail && x.r.bytes == whole.r.bytes, argv[a]);
      CHECK(x.m.json == whole.m.json && x.text == whole.text, argv[a]);
      CHECK(x.events == whole.events, argv[a]);
    }
  }
  std::printf("%d checks over %d files, %d failed\n", checks, argc - 1, failures);
  return failures ? 1 : 0;
}
