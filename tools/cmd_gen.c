/* SPDX-License-Identifier: MIT */
/*
 * tools/cmd_gen.c - `sseval gen`: write generated Claude streams (sseval/gen.h)
 * with the report `sseval check --json` must give for each.
 *
 * The sidecar is sseval's own report for the stream, written only after the
 * validator agreed with what the generator stated on its own (verdict, rule,
 * offset): a disagreement is a bug in one of the two and stops the run.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#define gen_mkdir(d) _mkdir(d)
#else
#include <sys/stat.h>
#define gen_mkdir(d) mkdir((d), 0777)
#endif

#include "cli.h"

static void gen_usage(FILE *out) {
  fputs(
      "usage: sseval gen [OPTIONS] [--out DIR]\n"
      "Generate Claude Messages streams, valid or broken, deterministically\n"
      "from seeds (generator format 2). With --out, write NAME.sse and\n"
      "NAME.expected.json (the JSON report `sseval check` must give for it, plus\n"
      "\"check_options\": the check arguments it assumes); without --out, write\n"
      "one stream to standard output.\n\n"
      "  --seed N           first seed (default 1); stream i uses seed N + i\n"
      "  --count K          number of seeds (default 1)\n"
      "  --shape S          realistic (default), single, longlines, small_events,\n"
      "                     cr, crlf, multiline, longtext, tiny\n"
      "  --size BYTES       grow each stream to about this size (e.g. 64k, 4m)\n"
      "  --broken RULE      break each stream so sseval reports RULE (a rule id,\n"
      "                     or error_event); `any`: a breakage picked by the seed;\n"
      "                     `all`: every breakage for every seed\n"
      "  --list             print the breakages and shapes, then exit\n"
      "  --concat           stdout: the streams of all K seeds back to back\n"
      "                     (a benchmark corpus; split at `event: message_start`)\n"
      "  --out DIR          write files into DIR (created if missing)\n"
      "  --quiet            no progress on standard error\n\n"
      "Exit: 0 written, 1 usage or I/O error, 3 the validator disagreed with the\n"
      "generator (a bug: please report the seed).\n",
      out);
}

static int report_to_string(const sseval_claude *c, const sseval_claude_result *r,
                            char **out, size_t *len) {
  FILE *t = tmpfile();
  long n;
  if (!t) return 0;
  cli_report_json(t, c, r);
  n = ftell(t);
  if (n <= 0 || fseek(t, 0, SEEK_SET) != 0) {
    fclose(t);
    return 0;
  }
  *out = (char *)malloc((size_t)n + 1);
  if (!*out || fread(*out, 1, (size_t)n, t) != (size_t)n) {
    free(*out);
    *out = NULL; /* the caller frees it too */
    fclose(t);
    return 0;
  }
  (*out)[n] = '\0';
  *len = (size_t)n;
  fclose(t);
  return 1;
}

/* Validate s with the limits it names; 1 when sseval agrees with the
 * generator. With `sidecar`, write the sidecar JSON there. */
static int validate(const sseval_gen_stream *s, const sseval_gen_options *o,
                    FILE *sidecar) {
  sseval_claude *c;
  sseval_claude_options co = s->check;
  sseval_claude_result r;
  const char *rid;
  int ok;
  size_t i;
  co.flags |= SSEVAL_CLAUDE_ACCUMULATE;
  if (sseval_claude_new(&c, NULL, NULL, &co) != SSEVAL_OK) return 0;
  sseval_claude_feed(c, s->bytes, s->len, NULL);
  sseval_claude_finish(c, &r);
  rid = r.rule == SSEVAL_RULE_NONE ? NULL : sseval_rule_id(r.rule);
  ok = r.verdict == s->verdict &&
       ((!rid && !s->rule_id) || (rid && s->rule_id && strcmp(rid, s->rule_id) == 0)) &&
       (!s->has_offset || (r.has_offset && r.offset == s->offset));
  if (!ok) {
    fprintf(stderr,
            "sseval gen: seed %llu (%s): sseval reports %s %s at byte %llu but "
            "the generator stated %s %s at byte %llu\n",
            (unsigned long long)o->seed, s->mutation, sseval_verdict_name(r.verdict),
            rid ? rid : "-", (unsigned long long)r.offset,
            sseval_verdict_name(s->verdict), s->rule_id ? s->rule_id : "-",
            (unsigned long long)s->offset);
  } else if (sidecar) {
    char *rep = NULL;
    size_t n = 0;
    fputs("{\"generator\":{\"format\":", sidecar);
    fprintf(sidecar, "%d,\"seed\":%llu,\"shape\":\"%s\",\"size\":%llu,\"broken\":",
            SSEVAL_GEN_FORMAT, (unsigned long long)o->seed,
            sseval_gen_shape_name(o->shape), (unsigned long long)o->size);
    if (o->broken)
      cli_json_string(sidecar, o->broken, strlen(o->broken));
    else
      fputs("null", sidecar);
    fputs(",\"mutation\":", sidecar);
    cli_json_string(sidecar, s->mutation, strlen(s->mutation));
    fputs("},\"check_options\":[", sidecar);
    for (i = 0; i < s->check_argc; i++) {
      if (i) putc(',', sidecar);
      cli_json_string(sidecar, s->check_args[i], strlen(s->check_args[i]));
    }
    putc(']', sidecar);
    if (report_to_string(c, &r, &rep, &n) && n > 1 && rep[0] == '{') {
      putc(',', sidecar);
      fwrite(rep + 1, 1, n - 1, sidecar);
    } else {
      ok = 0;
    }
    free(rep);
  }
  sseval_claude_free(c);
  return ok;
}

static int write_file(const char *path, const char *bytes, size_t len) {
  FILE *f = fopen(path, "wb");
  int ok;
  if (!f) {
    fprintf(stderr, "sseval gen: cannot write %s: %s\n", path, strerror(errno));
    return 0;
  }
  ok = fwrite(bytes, 1, len, f) == len;
  /* closed exactly once, whether the write failed or not */
  if (fclose(f) != 0) ok = 0;
  if (!ok) fprintf(stderr, "sseval gen: cannot write %s: %s\n", path, strerror(errno));
  return ok;
}

static int make_dir(const char *dir) {
  if (gen_mkdir(dir) != 0 && errno != EEXIST) {
    fprintf(stderr, "sseval gen: cannot create %s: %s\n", dir, strerror(errno));
    return 0;
  }
  return 1;
}

int cli_gen(int argc, char **argv) {
  sseval_gen_options o;
  sseval_gen_stream s;
  const char *out_dir = NULL, *broken = NULL;
  uint64_t seed = 1, count = 1, k;
  size_t size = 0, nb = 0, b, written = 0;
  unsigned long long bytes = 0;
  int i, concat = 0, quiet = 0, rc = 0;
  sseval_gen_shape shape = SSEVAL_GEN_REALISTIC;

  while (sseval_gen_breakage(nb)) nb++;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    char *end;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      gen_usage(stdout);
      return 0;
    } else if (strcmp(a, "--list") == 0) {
      for (b = 0; b < nb; b++) printf("broken %s\n", sseval_gen_breakage(b));
      for (b = 0; b < SSEVAL_GEN_SHAPE_COUNT_; b++)
        printf("shape %s\n", sseval_gen_shape_name((sseval_gen_shape)b));
      return 0;
    } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
      errno = 0;
      seed = strtoull(argv[++i], &end, 10);
      if (errno || *end || !argv[i][0] || argv[i][0] == '-') goto bad_value;
    } else if (strcmp(a, "--count") == 0 && i + 1 < argc) {
      errno = 0;
      count = strtoull(argv[++i], &end, 10);
      if (errno || *end || !argv[i][0] || argv[i][0] == '-' || count == 0)
        goto bad_value;
    } else if (strcmp(a, "--shape") == 0 && i + 1 < argc) {
      if (!sseval_gen_shape_parse(argv[++i], &shape)) goto bad_value;
    } else if (strcmp(a, "--size") == 0 && i + 1 < argc) {
      if (!cli_parse_size(argv[++i], &size)) goto bad_value;
    } else if (strcmp(a, "--broken") == 0 && i + 1 < argc) {
      broken = argv[++i];
      if (strcmp(broken, "all") != 0 && strcmp(broken, "any") != 0) {
        for (b = 0; b < nb && strcmp(broken, sseval_gen_breakage(b)) != 0; b++) {
        }
        if (b == nb) {
          fprintf(stderr, "sseval gen: no breakage '%s' (see --list)\n", broken);
          return 1;
        }
      }
    } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (strcmp(a, "--concat") == 0) {
      concat = 1;
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else {
      fprintf(stderr, "sseval gen: unknown option '%s'\n", a);
      gen_usage(stderr);
      return 1;
    }
  }
  if (broken && shape == SSEVAL_GEN_TINY) {
    fprintf(stderr, "sseval gen: the tiny shape cannot be broken\n");
    return 1;
  }
  if (!out_dir && (count > 1 || (broken && strcmp(broken, "all") == 0)) && !concat) {
    fprintf(stderr, "sseval gen: several streams need --out DIR (or --concat)\n");
    return 1;
  }
  if (out_dir && !make_dir(out_dir)) return 1;

  sseval_gen_stream_init(&s);
  for (k = 0; k < count && rc == 0; k++) {
    size_t nbrk = broken && strcmp(broken, "all") == 0 ? nb : 1;
    for (b = 0; b < nbrk && rc == 0; b++) {
      sseval_gen_options_init(&o);
      o.seed = seed + k;
      o.shape = shape;
      o.size = size;
      o.broken = nbrk > 1 ? sseval_gen_breakage(b) : broken;
      if (sseval_gen_generate(&o, &s) != SSEVAL_OK) {
        fprintf(stderr, "sseval gen: out of memory\n");
        rc = 1;
        break;
      }
      bytes += s.len;
      if (out_dir) {
        char path[4096];
        FILE *f;
        int n = snprintf(path, sizeof path, "%s/%s-s%llu-%s.sse", out_dir,
                         sseval_gen_shape_name(shape), (unsigned long long)o.seed,
                         o.broken ? o.broken : "valid");
        if (n < 0 || (size_t)n >= sizeof path - 20) {
          fprintf(stderr, "sseval gen: path too long\n");
          rc = 1;
          break;
        }
        if (!write_file(path, s.bytes, s.len)) {
          rc = 1;
          break;
        }
        memcpy(path + n - 4, ".expected.json", 15);
        f = fopen(path, "wb");
        if (!f) {
          fprintf(stderr, "sseval gen: cannot write %s: %s\n", path, strerror(errno));
          rc = 1;
          break;
        }
        if (!validate(&s, &o, f)) rc = 3;
        if (fclose(f) != 0) rc = 1;
      } else {
        if (s.verdict != SSEVAL_VERDICT_COMPLETE || s.check_argc) {
          /* the stream only: say what it is */
          if (!quiet) {
            size_t a;
            fprintf(stderr, "sseval gen: seed %llu: expect %s %s at byte %llu",
                    (unsigned long long)o.seed, sseval_verdict_name(s.verdict),
                    s.rule_id ? s.rule_id : "-", (unsigned long long)s.offset);
            for (a = 0; a < s.check_argc; a++) fprintf(stderr, " %s", s.check_args[a]);
            putc('\n', stderr);
          }
        }
        if (!validate(&s, &o, NULL)) rc = 3;
        if (fwrite(s.bytes, 1, s.len, stdout) != s.len) rc = 1;
      }
      written++;
      if (!quiet && out_dir && written % 100 == 0)
        fprintf(stderr, "sseval gen: %zu streams, %llu bytes\n", written, bytes);
    }
  }
  sseval_gen_stream_free(&s);
  if (fflush(stdout) != 0) {
    perror("sseval gen: write error");
    rc = 1;
  }
  if (!quiet && rc == 0)
    fprintf(stderr, "sseval gen: %zu stream%s, %llu bytes%s%s\n", written,
            written == 1 ? "" : "s", bytes, out_dir ? " in " : "", out_dir ? out_dir : "");
  return rc;
bad_value:
  fprintf(stderr, "sseval gen: bad value for %s: '%s'\n", argv[i - 1], argv[i]);
  return 1;
}
