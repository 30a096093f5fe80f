// SPDX-License-Identifier: MIT
// examples/cpp_stream.cpp - the Claude stream machine from C++17 through
// <sseval/sseval.hpp>: read a streaming Messages API response body from FILE
// (or stdin), print the text as it arrives, then the verdict, the blocks and
// the token counts. Exit status: as `sseval check` (0 = complete).
#include <cstdio>
#include <string_view>

#include <sseval/sseval.hpp>

int main(int argc, char **argv) {
  std::FILE *in = argc > 1 ? std::fopen(argv[1], "rb") : stdin;
  if (!in) { std::perror(argv[1]); return 1; }
  size_t pieces = 0;
  sseval::stream s;
  s.on_text([&](uint32_t, std::string_view t) { // a lambda with a capture
     std::fwrite(t.data(), 1, t.size(), stdout);
     pieces++;
   })
   .on_error_event([](std::string_view type, std::string_view msg, bool retry) {
     std::fprintf(stderr, "error event %.*s%s: %.*s\n", (int)type.size(), type.data(),
                  retry ? " (retryable)" : "", (int)msg.size(), msg.data());
   });
  if (s.open() != SSEVAL_OK) return 1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0)
    if (s.feed(std::string_view(buf, n)) != SSEVAL_OK) break;
  if (in != stdin) std::fclose(in);
  sseval::result r = s.finish();
  sseval::message m = s.get_message();
  std::printf("\n%.*s (%.*s) %s\n", (int)r.verdict_name().size(), r.verdict_name().data(),
              (int)r.rule_id().size(), r.rule_id().data(), r.detail.c_str());
  for (const sseval::block &b : m.blocks)
    std::printf("  block %s%s%s\n", b.type_name.c_str(), b.tool_name.empty() ? "" : " ",
                b.tool_name.c_str());
  if (m.usage.has_output_tokens)
    std::printf("  output_tokens %llu, %zu text pieces\n",
                (unsigned long long)m.usage.output_tokens, pieces);
  return r.exit_code();
}
