/* SPDX-License-Identifier: MIT */
/* examples/embed.c - embed the Claude stream machine: read a streaming
 * Messages API response body from FILE (or stdin), print the text as it
 * arrives, then the verdict. Exit status: as `sseval check` (0 = complete). */
#include <stdio.h>
#include <sseval/sseval.h>

static int on_text(void *user, uint32_t index, sseval_span piece) {
  (void)user; (void)index;
  fwrite(piece.ptr, 1, piece.len, stdout);
  return SSEVAL_CB_OK;
}

static int on_block_start(void *user, const sseval_block_info *b) {
  (void)user;
  if (b->tool_name.len) /* tool blocks: their input JSON follows as text */
    printf("\n[%.*s] ", (int)b->tool_name.len, b->tool_name.ptr);
  return SSEVAL_CB_OK;
}

int main(int argc, char **argv) {
  FILE *in = argc > 1 ? fopen(argv[1], "rb") : stdin;
  sseval_claude_callbacks cbs;
  sseval_claude *c;
  sseval_claude_result r;
  char buf[4096];
  size_t n;
  if (!in) { perror(argv[1]); return 1; }
  sseval_claude_callbacks_init(&cbs);
  cbs.on_text = on_text;
  cbs.on_tool_input = on_text;
  cbs.on_block_start = on_block_start;
  if (sseval_claude_new(&c, &cbs, NULL, NULL) != SSEVAL_OK) return 1;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (sseval_claude_feed(c, buf, n, NULL) != SSEVAL_OK) break;
  sseval_claude_finish(c, &r);
  printf("\n%s (%s) %s\n", sseval_verdict_name(r.verdict),
         sseval_rule_id(r.rule), r.detail);
  sseval_claude_free(c);
  if (in != stdin) fclose(in);
  return sseval_verdict_exit_code(r.verdict);
}
