/* SPDX-License-Identifier: MIT */
/*
 * tools/sseval.c - the sseval command: entry point and `sseval events`.
 *
 *   sseval events [OPTIONS] [FILE]   one JSON line per dispatched event
 *   sseval check  [OPTIONS] [FILE]   validate a Claude stream (cmd_check.c)
 *   sseval stream [OPTIONS]          live client over libcurl (cmd_stream.c)
 *   sseval gen    [OPTIONS]          generate valid and broken streams (cmd_gen.c)
 *   sseval serve  [OPTIONS]          API stand-in on libmicrohttpd (cmd_serve.c)
 *
 * The contract is docs/CLI.md; extend it, never
 * break it.
 *
 * Built two ways (CMakeLists.txt, "the CLI"): `sseval` itself has events,
 * check and gen and links neither libcurl nor libmicrohttpd, whose 33 shared
 * libraries would otherwise be loaded at every start (about 20 ms of CPU
 * per run, most of a `check` on a small stream); its `stream` and `serve`
 * run `sseval-net` (SSEVAL_NET_HELPER), the same program with every command
 * compiled in, installed in libexec.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef SSEVAL_NET_HELPER
#include <unistd.h>
#endif

#include "cli.h"

static void usage(FILE *out) {
  fputs("usage: sseval events [OPTIONS] [FILE]   tokenize an event stream\n"
        "       sseval check  [OPTIONS] [FILE]   validate a Claude Messages "
        "stream\n"
        "       sseval stream [OPTIONS]          live client (libcurl)\n"
        "       sseval gen    [OPTIONS]          generate test streams\n"
        "       sseval serve  [OPTIONS]          fault-injecting API stand-in "
        "(libmicrohttpd)\n"
        "       sseval --version | --help | <subcommand> --help\n",
        out);
}

static void events_usage(FILE *out) {
  fputs(
      "usage: sseval events [OPTIONS] [FILE]\n"
      "Tokenize an event stream (WHATWG rules) and print one compact JSON line\n"
      "per dispatched event: {\"event\":...,\"data\":...,\"id\":...}, and\n"
      "{\"retry\":N} where a retry field sets the reconnection time.\n"
      "FILE absent or - reads standard input.\n\n"
      "  --chunk N            feed the parser N bytes at a time\n"
      "  --chunk random:SEED  feed it random chunk sizes (1..4096) from SEED\n"
      "  --max-line-bytes N   longest line accepted (default 1m)\n"
      "  --max-event-bytes N  largest event data accepted (default 1m)\n\n"
      "Exit: 0 input read, 1 usage or I/O error, 6 a limit was exceeded.\n",
      out);
}

typedef struct events_ctx {
  sseval_sse *p;
  FILE *out;
  int stopped;
} events_ctx;

static int ev_event(void *user, const sseval_sse_event *ev) {
  events_ctx *c = (events_ctx *)user;
  fputs("{\"event\":", c->out);
  cli_json_string(c->out, ev->type.ptr, ev->type.len);
  fputs(",\"data\":", c->out);
  cli_json_string(c->out, ev->data.ptr, ev->data.len);
  fputs(",\"id\":", c->out);
  cli_json_string(c->out, ev->id.ptr, ev->id.len);
  fputs("}\n", c->out);
  return SSEVAL_CB_OK;
}

static int ev_retry(void *user, uint64_t ms, uint64_t offset) {
  events_ctx *c = (events_ctx *)user;
  (void)offset;
  fprintf(c->out, "{\"retry\":%llu}\n", (unsigned long long)ms);
  return SSEVAL_CB_OK;
}

static int ev_feed(void *ctx, const char *buf, size_t len) {
  events_ctx *c = (events_ctx *)ctx;
  return sseval_sse_feed(c->p, buf, len, NULL) != SSEVAL_OK;
}

int cli_events(int argc, char **argv) {
  cli_chunking ch;
  sseval_sse_options opts;
  sseval_sse_callbacks cbs;
  events_ctx ctx;
  const char *path = NULL;
  const sseval_error *err;
  int i, rc, io;

  memset(&ch, 0, sizeof ch);
  sseval_sse_options_init(&opts);
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      events_usage(stdout);
      return 0;
    } else if (strcmp(a, "--chunk") == 0 && i + 1 < argc) {
      if (!cli_parse_chunk(argv[++i], &ch)) {
        fprintf(stderr, "sseval events: bad --chunk value '%s'\n", argv[i]);
        return 1;
      }
    } else if (strcmp(a, "--max-line-bytes") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &opts.max_line_bytes)) {
        fprintf(stderr, "sseval events: bad --max-line-bytes '%s'\n", argv[i]);
        return 1;
      }
    } else if (strcmp(a, "--max-event-bytes") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &opts.max_event_bytes)) {
        fprintf(stderr, "sseval events: bad --max-event-bytes '%s'\n", argv[i]);
        return 1;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "sseval events: unknown option '%s'\n", a);
      events_usage(stderr);
      return 1;
    } else if (!path) {
      path = a;
    } else {
      fprintf(stderr, "sseval events: more than one FILE given\n");
      return 1;
    }
  }

  sseval_sse_callbacks_init(&cbs);
  cbs.on_event = ev_event;
  cbs.on_retry = ev_retry;
  ctx.out = stdout;
  ctx.stopped = 0;
  if (sseval_sse_new(&ctx.p, &cbs, &ctx, &opts) != SSEVAL_OK) {
    fprintf(stderr, "sseval events: out of memory\n");
    return 1;
  }
  io = cli_read_input(path, &ch, ev_feed, &ctx, NULL);
  if (io == 0) sseval_sse_finish(ctx.p, NULL);
  err = sseval_sse_error(ctx.p);
  rc = io ? 1 : 0;
  if (err->status == SSEVAL_E_LIMIT) {
    fprintf(stderr, "sseval events: %s (limit %zu bytes) at byte offset %llu, "
            "line %llu\n", err->message,
            strstr(err->message, "line") ? opts.max_line_bytes
                                         : opts.max_event_bytes,
            (unsigned long long)err->offset, (unsigned long long)err->line);
    rc = 6;
  } else if (err->status != SSEVAL_OK) {
    fprintf(stderr, "sseval events: %s at byte offset %llu\n", err->message,
            (unsigned long long)err->offset);
    rc = 1;
  }
  sseval_sse_free(ctx.p);
  if (fflush(stdout) != 0) {
    perror("sseval events: write error");
    rc = 1;
  }
  return rc;
}

#ifdef SSEVAL_NET_HELPER
/* Runs `sseval-net` with our own arguments (argv[0] included, so that its
 * messages still say "sseval"): first where it is installed relative to this
 * executable (SSEVAL_NET_HELPER_REL: bindir to libexecdir, so a moved install
 * tree still works), then beside it (the build tree), then at the absolute
 * install path (SSEVAL_NET_HELPER_PATH). Returns only when none could run. */
static int run_net_helper(char **argv) {
  char self[4096], path[4096 + 64];
  const char *tried[3];
  int ntried = 0, i;
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    char *slash;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash) {
      *slash = '\0';
      snprintf(path, sizeof path, "%s/%s", self, SSEVAL_NET_HELPER_REL);
      execv(path, argv);
      tried[ntried++] = SSEVAL_NET_HELPER_REL;
      snprintf(path, sizeof path, "%s/sseval-net", self);
      execv(path, argv);
      tried[ntried++] = "sseval-net beside sseval";
    }
  }
  execv(SSEVAL_NET_HELPER_PATH, argv);
  tried[ntried++] = SSEVAL_NET_HELPER_PATH;
  fprintf(stderr, "sseval %s: cannot run its helper sseval-net (%s); looked for", argv[1],
          strerror(errno));
  for (i = 0; i < ntried; i++) fprintf(stderr, "%s %s", i ? "," : "", tried[i]);
  fputc('\n', stderr);
  return 1;
}
#endif

int main(int argc, char **argv) {
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  if (argc < 2) {
    usage(stderr);
    return 1;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("sseval %s\n", sseval_version_string());
    return 0;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "events") == 0) return cli_events(argc - 2, argv + 2);
  if (strcmp(argv[1], "check") == 0) return cli_check(argc - 2, argv + 2);
  if (strcmp(argv[1], "gen") == 0) return cli_gen(argc - 2, argv + 2);
#ifdef SSEVAL_NET_HELPER
  if (strcmp(argv[1], "stream") == 0 || strcmp(argv[1], "serve") == 0)
    return run_net_helper(argv);
#endif
#ifdef SSEVAL_HAVE_CURL
  if (strcmp(argv[1], "stream") == 0) return cli_stream(argc - 2, argv + 2);
#else
  if (strcmp(argv[1], "stream") == 0) {
    fprintf(stderr, "sseval stream: this build has no libcurl support\n");
    return 1;
  }
#endif
#ifdef SSEVAL_HAVE_MHD
  if (strcmp(argv[1], "serve") == 0) return cli_serve(argc - 2, argv + 2);
#else
  if (strcmp(argv[1], "serve") == 0) {
    fprintf(stderr, "sseval serve: this build has no libmicrohttpd support\n");
    return 1;
  }
#endif
  fprintf(stderr, "sseval: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 1;
}
