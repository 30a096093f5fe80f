/* SPDX-License-Identifier: MIT */
/*
 * tools/cmd_check.c - `sseval check`: validate a Claude Messages stream and
 * rebuild the message; plus the report (human or JSON) that `sseval stream`
 * prints too.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int file_write(void *ctx, const char *bytes, size_t len) {
  return fwrite(bytes, 1, len, (FILE *)ctx) != len;
}

static void json_span_or_null(FILE *out, int has, sseval_span s) {
  if (has)
    cli_json_string(out, s.ptr, s.len);
  else
    fputs("null", out);
}

void cli_report_json(FILE *out, const sseval_claude *c,
                     const sseval_claude_result *r) {
  fputs("{\"verdict\":", out);
  cli_json_string(out, sseval_verdict_name(r->verdict),
                  strlen(sseval_verdict_name(r->verdict)));
  fputs(",\"rule\":", out);
  if (r->rule != SSEVAL_RULE_NONE)
    cli_json_string(out, sseval_rule_id(r->rule), strlen(sseval_rule_id(r->rule)));
  else
    fputs("null", out);
  if (r->has_offset && r->verdict != SSEVAL_VERDICT_COMPLETE)
    fprintf(out, ",\"offset\":%llu,\"line\":%llu,\"detail\":",
            (unsigned long long)r->offset, (unsigned long long)r->line);
  else
    fputs(",\"offset\":null,\"line\":null,\"detail\":", out);
  json_span_or_null(out, r->detail && r->detail[0],
                    (sseval_span){r->detail, r->detail ? strlen(r->detail) : 0});
  fputs(",\"error\":", out);
  if (r->has_error) {
    fputs("{\"type\":", out);
    json_span_or_null(out, r->error.type.len > 0, r->error.type);
    fputs(",\"message\":", out);
    cli_json_string(out, r->error.message.ptr, r->error.message.len);
    fprintf(out, ",\"retryable\":%s}", r->error.retryable ? "true" : "false");
  } else {
    fputs("null", out);
  }
  fputs(",\"message\":", out);
  sseval_claude_write_message_json(c, file_write, out);
  fprintf(out, ",\"events\":%llu,\"bytes\":%llu}\n",
          (unsigned long long)r->events, (unsigned long long)r->bytes);
}


/* A preview cut at a character boundary loses at most 3 bytes: one of 64
 * bytes or more still has more than the 60 the report shows when the text
 * is longer, so the report reads the same from it as from the whole text. */
_Static_assert(SSEVAL_CLAUDE_PREVIEW_BYTES >= 64,
               "the summary preview must cover the report's 60 bytes");

void cli_report_human(FILE *out, const sseval_claude *c,
                      const sseval_claude_result *r, const char *name) {
  sseval_message_view m;
  cli_text usage;
  uint32_t i, n = sseval_claude_block_count(c);
  sseval_claude_message(c, &m);
  /* every string from the input is written with cli_field: escaped */
  cli_field_str(out, name ? name : "stream");
  fprintf(out, ": %s", sseval_verdict_name(r->verdict));
  if (r->verdict == SSEVAL_VERDICT_COMPLETE)
    fputs(" - the stream is whole and valid\n", out);
  else if (r->rule != SSEVAL_RULE_NONE)
    fprintf(out, " (%s)\n", sseval_rule_id(r->rule));
  else
    putc('\n', out);
  if (m.id.len) {
    fputs("  message      ", out);
    cli_field(out, m.id.ptr, m.id.len);
    fputs(", model ", out);
    cli_field(out, m.model.ptr, m.model.len);
    putc('\n', out);
  }
  fputs("  stop reason  ", out);
  if (m.has_stop_reason)
    cli_field(out, m.stop_reason.ptr, m.stop_reason.len);
  else
    fputs("(none)", out);
  putc('\n', out);
  fprintf(out, "  blocks       %u\n", n);
  for (i = 0; i < n; i++) {
    if (i == 20 && n > 24) { /* a long answer: the first blocks and the last */
      fprintf(out, "    ... %u more blocks ...\n", n - 22);
      i = n - 2;
    }
    sseval_block_view b;
    sseval_claude_block(c, i, &b);
    fprintf(out, "    [%u] ", i);
    cli_field(out, b.type_name.ptr, b.type_name.len);
    fprintf(out, "%*s", b.type_name.len < 18 ? (int)(18 - b.type_name.len) : 0, "");
    switch (b.type) {
    case SSEVAL_BLOCK_TEXT:
    case SSEVAL_BLOCK_THINKING:
    { /* the length of the whole text; b.text may be only its beginning
       * (SSEVAL_CLAUDE_SUMMARY keeps SSEVAL_CLAUDE_PREVIEW_BYTES > 60) */
      size_t bytes = 0, chars = 0;
      sseval_claude_block_text_length(c, i, &bytes, &chars);
      fprintf(out, "%zu chars  ", chars);
      cli_preview(out, b.text, 60);
    }
      if (b.type == SSEVAL_BLOCK_THINKING)
        fprintf(out, "  signature %zu bytes", b.signature.len);
      if (b.citations_json.len) fputs("  +citations", out);
      break;
    case SSEVAL_BLOCK_TOOL_USE:
    case SSEVAL_BLOCK_SERVER_TOOL_USE:
    case SSEVAL_BLOCK_MCP_TOOL_USE:
      cli_field(out, b.tool_name.ptr, b.tool_name.len);
      fputs("  ", out);
      if (b.input_complete) {
        size_t k = b.input_json.len > 60 ? 60 : b.input_json.len;
        while (k > 0 && k < b.input_json.len &&
               ((unsigned char)b.input_json.ptr[k] & 0xC0) == 0x80)
          k--;
        fputs("input ", out);
        cli_field(out, b.input_json.ptr, k);
        if (k < b.input_json.len) fputs("...", out);
      } else {
        fprintf(out, "input unfinished (%zu bytes of partial_json)",
                b.partial_json.len);
      }
      break;
    default:
      fprintf(out, "%zu bytes as sent", b.start_json.len);
      break;
    }
    if (!b.stopped) fputs("  [never stopped]", out);
    putc('\n', out);
  }
  fputs("  usage        ", out);
  cli_text_init(&usage, out, CLI_TEXT_FIELD);
  sseval_claude_write_usage_json(c, cli_text_sink, &usage);
  cli_text_end(&usage);
  putc('\n', out);
  if (r->has_error) {
    fputs(r->rule == SSEVAL_RULE_ERROR_BODY ? "  error body   "
                                            : "  error event  ", out);
    cli_error_line(out, &r->error);
  }
  if (r->verdict != SSEVAL_VERDICT_COMPLETE)
  {
    fprintf(out, "  problem      at byte %llu, line %llu: ",
            (unsigned long long)r->offset, (unsigned long long)r->line);
    cli_field_str(out, r->detail ? r->detail : "");
    putc('\n', out);
  }
  fprintf(out, "  read         %llu events, %llu bytes\n",
          (unsigned long long)r->events, (unsigned long long)r->bytes);
}

static void check_usage(FILE *out) {
  fputs(
      "usage: sseval check [OPTIONS] [FILE]\n"
      "Validate a Claude Messages API stream (the body of a streaming\n"
      "response) and rebuild the message it carried. FILE absent or - reads\n"
      "standard input.\n\n"
      "  --json               print the JSON report instead of the human one\n"
      "  --chunk N            feed the parser N bytes at a time\n"
      "  --chunk random:SEED  feed it random chunk sizes (1..4096) from SEED\n"
      "  --max-line-bytes N   longest line accepted (default 1m)\n"
      "  --max-event-bytes N  largest event data accepted (default 1m)\n"
      "  --max-json-depth N   deepest JSON nesting accepted (default 64)\n"
      "  --max-blocks N       most content blocks (default 4096)\n"
      "  --max-block-bytes N  most content in one block (default 64m)\n"
      "  --max-tool-input-bytes N  largest tool input (default 16m)\n"
      "  --max-unknown-fields N    most unknown fields per event (default 1024)\n"
      "  --lenient-unnamed    accept events without an event: name (relays)\n\n"
      "Exit: 0 complete, 1 usage or I/O error, 2 truncated, 3 error_event,\n"
      "4 protocol_violation, 5 invalid_json, 6 limit_exceeded,\n"
      "7 not_event_stream (a JSON error body, a non-streaming message, HTML,\n"
      "binary). Reading stops once nothing more can be learned.\n",
      out);
}

typedef struct check_ctx {
  sseval_claude *c;
  int failed;
} check_ctx;

static int check_feed(void *ctx, const char *buf, size_t len) {
  check_ctx *k = (check_ctx *)ctx;
  sseval_status st = sseval_claude_feed(k->c, buf, len, NULL);
  if (st != SSEVAL_OK) {
    k->failed = 1;
    return 1;
  }
  /* stop reading once nothing more can be learned (a limit, an error
   * event, not an event stream; after a violation, a later error event) */
  return !sseval_claude_wants_more(k->c, NULL);
}

int cli_check(int argc, char **argv) {
  cli_chunking ch;
  sseval_claude_options opts;
  check_ctx k;
  sseval_claude_result r;
  const char *path = NULL;
  int i, json = 0, io;

  memset(&ch, 0, sizeof ch);
  sseval_claude_options_init(&opts);
  opts.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    size_t v;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      check_usage(stdout);
      return 0;
    } else if (strcmp(a, "--json") == 0) {
      json = 1;
    } else if (strcmp(a, "--lenient-unnamed") == 0) {
      opts.flags |= SSEVAL_CLAUDE_LENIENT_UNNAMED;
    } else if (strcmp(a, "--chunk") == 0 && i + 1 < argc) {
      if (!cli_parse_chunk(argv[++i], &ch)) {
        fprintf(stderr, "sseval check: bad --chunk value '%s'\n", argv[i]);
        return 1;
      }
    } else if (strcmp(a, "--max-line-bytes") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &opts.max_line_bytes)) goto bad_value;
    } else if (strcmp(a, "--max-event-bytes") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &opts.max_event_bytes)) goto bad_value;
    } else if (strcmp(a, "--max-json-depth") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &v) || v > 512) goto bad_value;
      opts.max_json_depth = (uint32_t)v;
    } else if (strcmp(a, "--max-blocks") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &v) || v > UINT32_MAX) goto bad_value;
      opts.max_blocks = (uint32_t)v;
    } else if (strcmp(a, "--max-block-bytes") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &opts.max_block_bytes)) goto bad_value;
    } else if (strcmp(a, "--max-tool-input-bytes") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &opts.max_tool_input_bytes)) goto bad_value;
    } else if (strcmp(a, "--max-unknown-fields") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &v) || v > UINT32_MAX) goto bad_value;
      opts.max_unknown_fields = (uint32_t)v;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "sseval check: unknown option '%s'\n", a);
      check_usage(stderr);
      return 1;
    } else if (!path) {
      path = a;
    } else {
      fprintf(stderr, "sseval check: more than one FILE given\n");
      return 1;
    }
  }
  /* the human report shows each block's size and first 60 bytes: keep
   * only that of the text (not megabytes of it); --json needs it all */
  if (!json) opts.flags |= SSEVAL_CLAUDE_SUMMARY;
  if (sseval_claude_new(&k.c, NULL, NULL, &opts) != SSEVAL_OK) {
    fprintf(stderr, "sseval check: out of memory\n");
    return 1;
  }
  k.failed = 0;
  io = cli_read_input(path, &ch, check_feed, &k, NULL);
  if (io != 0) {
    sseval_claude_free(k.c);
    return 1;
  }
  sseval_claude_finish(k.c, &r);
  /* the bytes that decided: the same whatever the chunking, also when the
   * reading stopped early */
  sseval_claude_wants_more(k.c, &r.bytes);
  if (json)
    cli_report_json(stdout, k.c, &r);
  else
    cli_report_human(stdout, k.c, &r, path && strcmp(path, "-") ? path : "stdin");
  sseval_claude_free(k.c);
  if (fflush(stdout) != 0) {
    perror("sseval check: write error");
    return 1;
  }
  return sseval_verdict_exit_code(r.verdict);
bad_value:
  fprintf(stderr, "sseval check: bad value for %s: '%s'\n", argv[i - 1], argv[i]);
  return 1;
}
