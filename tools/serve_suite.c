/* SPDX-License-Identifier: MIT */
/*
 * tools/serve_suite.c - `sseval serve --suite`: run a client once per
 * scenario against the server and grade what it did, from what the server
 * saw (requests, their spacing) and what the client said (exit code, text).
 * The scenarios and their checks are in docs/SERVE.md.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"

/* What a scenario expects of the client. */
enum { ANY = 0, MUST = 1, SHOULD = 2 };
enum { OUT_SUCCEED = 1, OUT_FAIL, OUT_EITHER };

typedef struct suite_case {
  const char *name;
  const char *spec;
  const char *why;    /* what it checks, for the table's notes */
  int retry;          /* MUST/SHOULD retry; negative: must/should NOT retry */
  long min_wait_ms;   /* the first retry waits at least this long */
  long max_wait_ms;   /* ... and at most this long (should; 0 = no check) */
  int outcome;        /* OUT_* */
  int outcome_level;  /* MUST or SHOULD */
  int self_end;       /* MUST/SHOULD end by itself (not killed) */
  int jitter;         /* check the waits for jitter (should) */
} suite_case;

#define NO_RETRY(level) (-(level))
static const suite_case CASES[] = {
    {"ok", "ok", "a plain answer", NO_RETRY(MUST), 0, 0, OUT_SUCCEED, MUST, MUST, 0},
    {"529-then-ok", "529,ok", "overloaded: retry", MUST, 0, 0, OUT_SUCCEED, MUST, MUST, 0},
    {"529-twice", "529,529,ok", "two retries, backoff with jitter", MUST, 0, 0,
     OUT_SUCCEED, MUST, MUST, 1},
    {"500-then-ok", "500,ok", "api_error: retry", MUST, 0, 0, OUT_SUCCEED, MUST, MUST, 0},
    {"504-then-ok", "504,ok", "timeout_error: retry", MUST, 0, 0, OUT_SUCCEED, MUST, MUST, 0},
    {"429-retry-after", "429&retry-after=2,ok", "wait retry-after (2 s)", MUST, 2000, 0,
     OUT_SUCCEED, MUST, MUST, 0},
    {"429-retry-after-ms", "429&retry-after-ms=300&retry-after=30,ok",
     "retry-after-ms wins over retry-after", MUST, 300, 10000, OUT_SUCCEED, MUST, MUST, 0},
    {"408-then-ok", "408,ok", "request timeout: retry", SHOULD, 0, 0, OUT_SUCCEED, SHOULD,
     MUST, 0},
    {"400", "400", "invalid_request_error: never retry", NO_RETRY(MUST), 0, 0, OUT_FAIL,
     MUST, MUST, 0},
    {"401", "401", "authentication_error: never retry", NO_RETRY(MUST), 0, 0, OUT_FAIL,
     MUST, MUST, 0},
    {"403", "403", "permission_error: never retry", NO_RETRY(MUST), 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"404", "404", "not_found_error: never retry", NO_RETRY(MUST), 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"413", "413", "request_too_large: never retry", NO_RETRY(MUST), 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"529-should-retry-false", "529&x-should-retry=false",
     "x-should-retry: false overrides the status", NO_RETRY(MUST), 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"400-should-retry-true", "400&x-should-retry=true,ok",
     "x-should-retry: true overrides the status", SHOULD, 0, 0, OUT_SUCCEED, SHOULD, MUST,
     0},
    {"529-forever", "529", "gives up after its retries", SHOULD, 0, 0, OUT_FAIL, MUST,
     SHOULD, 0},
    {"error-event", "error:50%", "mid-stream error event noticed", ANY, 0, 0, OUT_FAIL,
     MUST, MUST, 0},
    {"error-event-then-ok", "error:50%,ok", "error event: retry or fail, never a partial "
     "answer", ANY, 0, 0, OUT_EITHER, MUST, MUST, 0},
    {"cut-40%", "cut:40%", "clean end at 40% noticed", ANY, 0, 0, OUT_FAIL, MUST, MUST, 0},
    {"cut-40%-then-ok", "cut:40%,ok", "cut: retry or fail, never a partial answer", ANY,
     0, 0, OUT_EITHER, MUST, MUST, 0},
    {"reset-40%", "reset:40%", "connection reset at 40% noticed", ANY, 0, 0, OUT_FAIL,
     MUST, MUST, 0},
    {"cut-in-event", "cut:event", "cut inside an event noticed", ANY, 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"cut-in-tool-input", "cut:tool&stream=tool", "cut inside a tool input noticed", ANY,
     0, 0, OUT_FAIL, MUST, MUST, 0},
    {"cut-before-stop", "cut:stop", "no message_stop: not complete", ANY, 0, 0, OUT_FAIL,
     MUST, MUST, 0},
    {"stall-forever", "stall:50%", "a stalled stream noticed", ANY, 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"stall-3s", "stall:50%&ms=3000", "a 3 s pause mid-stream tolerated", ANY, 0, 0,
     OUT_SUCCEED, SHOULD, MUST, 0},
    {"stall-headers", "stallhead", "no response headers noticed", ANY, 0, 0, OUT_FAIL,
     MUST, MUST, 0},
    {"slow-drip", "drip&bytes=8&ms=5", "8 bytes every 5 ms", ANY, 0, 0, OUT_SUCCEED, MUST,
     MUST, 0},
    {"endless-pings", "pings&ms=200", "pings without end: not an answer", ANY, 0, 0,
     OUT_FAIL, MUST, SHOULD, 0},
    {"html-body", "html", "a proxy's HTML page: not an answer", ANY, 0, 0, OUT_FAIL, MUST,
     MUST, 0},
    {"gzip-body", "gzip", "an unasked-for gzip body: decoded or refused", ANY, 0, 0,
     OUT_EITHER, MUST, MUST, 0},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

typedef struct check {
  const char *name;
  int level;
  int pass;
  char detail[160];
} check;

typedef struct case_result {
  const suite_case *c;
  int exit_code;  /* -1: killed by the suite */
  uint64_t ms;
  size_t requests;
  long waits[8];
  size_t nwaits;
  char ends[160];
  check checks[8];
  int nchecks;
  int verdict; /* 0 pass, 1 warn, 2 fail */
  char *out;
  size_t out_len;
} case_result;

static void add_check(case_result *r, const char *name, int level, int pass,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#include <stdarg.h>
static void add_check(case_result *r, const char *name, int level, int pass,
                      const char *fmt, ...) {
  check *k;
  va_list ap;
  if (r->nchecks >= 8) return;
  k = &r->checks[r->nchecks++];
  k->name = name;
  k->level = level;
  k->pass = pass;
  va_start(ap, fmt);
  vsnprintf(k->detail, sizeof k->detail, fmt, ap);
  va_end(ap);
  if (!pass && level == MUST) r->verdict = 2;
  else if (!pass && r->verdict == 0) r->verdict = 1;
}

/* Run `cmd` with the env of the contract; collect stdout; kill the process
 * group after timeout_ms. */
static int run_client(const char *cmd, unsigned port, const char *req_path,
                      uint64_t timeout_ms, int verbose, case_result *r) {
  int fd[2];
  pid_t pid;
  sv_buf out = {0};
  uint64_t t0 = sv_now_ms();
  int status = 0, done = 0, eof = 0;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
  if (pipe(fd) != 0) return -1;
  pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    int devnull;
    setpgid(0, 0);
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    if (!verbose && (devnull = open("/dev/null", O_WRONLY)) >= 0) dup2(devnull, 2);
    /* loopback only, whatever proxy the machine is set up with */
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("ANTHROPIC_BASE_URL", url, 1);
    setenv("ANTHROPIC_API_KEY", "sk-ant-sseval-serve-dummy", 1);
    setenv("SSEVAL_SERVE_REQUEST", req_path, 1);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  setpgid(pid, pid);
  close(fd[1]);
  while (!done) {
    struct pollfd p;
    uint64_t now = sv_now_ms();
    if (now - t0 > timeout_ms) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      r->exit_code = -1;
      break;
    }
    p.fd = fd[0];
    p.events = POLLIN;
    if (!eof && poll(&p, 1, 50) > 0) {
      char buf[4096];
      ssize_t n = read(fd[0], buf, sizeof buf);
      if (n > 0) sv_add(&out, buf, (size_t)n);
      else eof = 1;
    } else if (eof) {
      struct timespec ts = {0, 20 * 1000000L};
      nanosleep(&ts, NULL);
    }
    if (waitpid(pid, &status, WNOHANG) == pid) {
      /* drain what is left */
      for (;;) {
        char buf[4096];
        ssize_t n;
        struct pollfd q;
        q.fd = fd[0];
        q.events = POLLIN;
        if (poll(&q, 1, 100) <= 0) break;
        n = read(fd[0], buf, sizeof buf);
        if (n <= 0) break;
        sv_add(&out, buf, (size_t)n);
      }
      r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      done = 1;
    }
  }
  kill(-pid, SIGKILL); /* anything it left behind */
  close(fd[0]);
  r->ms = sv_now_ms() - t0;
  r->out = out.p;
  r->out_len = out.len;
  return 0;
}

static size_t trim_end(const char *s, size_t n) {
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
    n--;
  return n;
}

/* The answer's text appears whole in what the client printed (a client
 * that printed a partial answer before retrying prints it again). */
static int right_text(const case_result *r, const sv_stream *st) {
  size_t tn = trim_end(st->text, st->text_len), i;
  if (!r->out || r->out_len < tn) return 0;
  for (i = 0; i + tn <= r->out_len; i++)
    if (memcmp(r->out + i, st->text, tn) == 0) return 1;
  return 0;
}

static void grade(case_result *r, const sv_attempt *at, size_t nat, const sv_stream *st,
                  uint64_t client_timeout_ms) {
  const suite_case *c = r->c;
  size_t i;
  int ok_exit = r->exit_code == 0, text = right_text(r, st);
  r->requests = nat;
  for (i = 1; i < nat && r->nwaits < 8; i++)
    r->waits[r->nwaits++] = (long)(at[i].t_ms - at[i - 1].t_ms);
  r->ends[0] = '\0';
  for (i = 0; i < nat; i++) {
    size_t l = strlen(r->ends);
    snprintf(r->ends + l, sizeof r->ends - l, "%s%d/%s", i ? " " : "", at[i].status,
             at[i].end);
  }
  if (c->retry > 0)
    add_check(r, "retried", c->retry, nat >= 2, "%zu request(s)", nat);
  if (c->retry < 0)
    add_check(r, "no retry", -c->retry, nat == 1, "%zu request(s)", nat);
  if (c->min_wait_ms && nat >= 2)
    add_check(r, "waited retry-after", MUST, r->waits[0] >= c->min_wait_ms,
              "waited %ld ms, at least %ld ms asked", r->waits[0], c->min_wait_ms);
  if (c->max_wait_ms && nat >= 2)
    add_check(r, "not too long", SHOULD, r->waits[0] <= c->max_wait_ms,
              "waited %ld ms (retry-after-ms asked %ld ms)", r->waits[0],
              c->min_wait_ms);
  if (c->jitter && r->nwaits >= 1) {
    int exact = 1;
    for (i = 0; i < r->nwaits; i++) {
      long nominal = 500L << i;
      long d = r->waits[i] - nominal;
      if (d < 0) d = -d;
      if (d * 50 > nominal) exact = 0; /* more than 2% away */
    }
    add_check(r, "jitter", SHOULD, !exact, "waits %ld%s%ld ms", r->waits[0],
              r->nwaits > 1 ? ", " : "", r->nwaits > 1 ? r->waits[1] : 0L);
  }
  if (c->self_end)
    add_check(r, "ended by itself", c->self_end, r->exit_code != -1,
              r->exit_code == -1 ? "killed after %llu s" : "in %llu ms",
              r->exit_code == -1 ? (unsigned long long)(client_timeout_ms / 1000u)
                                 : (unsigned long long)r->ms);
  switch (c->outcome) {
  case OUT_SUCCEED:
    add_check(r, "complete answer", c->outcome_level, ok_exit && text,
              ok_exit ? (text ? "exit 0, right text" : "exit 0, WRONG text")
                      : "exit %d", r->exit_code);
    break;
  case OUT_FAIL:
    add_check(r, "noticed", c->outcome_level, !ok_exit,
              ok_exit ? "exit 0: claimed a complete answer" : "exit %d", r->exit_code);
    break;
  case OUT_EITHER:
    add_check(r, "no partial answer", c->outcome_level, !ok_exit || text,
              ok_exit ? (text ? "exit 0, right text" : "exit 0 with a PARTIAL/WRONG text")
                      : "exit %d (failed, not wrong)", r->exit_code);
    break;
  }
}

static const char *level_name(int l) { return l == MUST ? "must" : "should"; }

static void print_table(FILE *out, const case_result *rs, size_t n, const char *client) {
  size_t i;
  int j;
  unsigned pass = 0, warn = 0, fail = 0;
  fprintf(out, "client: %s\n\n", client);
  fprintf(out, "%-24s %-40s %4s %5s %7s  %s\n", "scenario", "steps", "reqs", "exit",
          "grade", "notes");
  for (i = 0; i < n; i++) {
    const case_result *r = &rs[i];
    char ex[16], notes[512];
    size_t l = 0;
    notes[0] = '\0';
    if (r->exit_code < 0) snprintf(ex, sizeof ex, "kill");
    else snprintf(ex, sizeof ex, "%d", r->exit_code);
    for (j = 0; j < r->nchecks; j++) {
      const check *k = &r->checks[j];
      if (k->pass) continue;
      l += (size_t)snprintf(notes + l, l < sizeof notes ? sizeof notes - l : 0,
                            "%s%s %s: %s", l ? "; " : "", k->level == MUST ? "MISSED" : "warn",
                            k->name, k->detail);
      if (l >= sizeof notes) l = sizeof notes - 1;
    }
    if (!notes[0]) snprintf(notes, sizeof notes, "%s", r->c->why);
    fprintf(out, "%-24s %-40s %4zu %5s %7s  %s\n", r->c->name, r->c->spec, r->requests,
            ex, r->verdict == 2 ? "FAIL" : r->verdict == 1 ? "warn" : "pass", notes);
    if (r->verdict == 2) fail++;
    else if (r->verdict == 1) warn++;
    else pass++;
  }
  fprintf(out, "\n%u scenarios: %u pass, %u warn (a should missed), %u FAIL (a must "
               "missed)\n", (unsigned)n, pass, warn, fail);
}

static void print_json(FILE *out, const case_result *rs, size_t n, const char *client) {
  size_t i;
  int j;
  sv_buf b = {0};
  unsigned fail = 0;
  sv_str(&b, "{\"client\":");
  sv_json_str(&b, client, strlen(client));
  sv_str(&b, ",\"scenarios\":[");
  for (i = 0; i < n; i++) {
    const case_result *r = &rs[i];
    size_t w;
    if (i) sv_str(&b, ",");
    sv_str(&b, "{\"name\":");
    sv_json_str(&b, r->c->name, strlen(r->c->name));
    sv_str(&b, ",\"steps\":");
    sv_json_str(&b, r->c->spec, strlen(r->c->spec));
    sv_fmt(&b, ",\"requests\":%zu,\"exit\":", r->requests);
    if (r->exit_code < 0) sv_str(&b, "null,\"killed\":true");
    else sv_fmt(&b, "%d,\"killed\":false", r->exit_code);
    sv_fmt(&b, ",\"duration_ms\":%llu,\"waits_ms\":[", (unsigned long long)r->ms);
    for (w = 0; w < r->nwaits; w++) sv_fmt(&b, "%s%ld", w ? "," : "", r->waits[w]);
    sv_str(&b, "],\"responses\":");
    sv_json_str(&b, r->ends, strlen(r->ends));
    sv_fmt(&b, ",\"grade\":\"%s\",\"checks\":[",
           r->verdict == 2 ? "fail" : r->verdict == 1 ? "warn" : "pass");
    for (j = 0; j < r->nchecks; j++) {
      const check *k = &r->checks[j];
      sv_fmt(&b, "%s{\"check\":\"%s\",\"level\":\"%s\",\"pass\":%s,\"detail\":",
             j ? "," : "", k->name, level_name(k->level), k->pass ? "true" : "false");
      sv_json_str(&b, k->detail, strlen(k->detail));
      sv_str(&b, "}");
    }
    sv_str(&b, "]}");
    if (r->verdict == 2) fail++;
  }
  sv_fmt(&b, "],\"failed\":%u}\n", fail);
  if (!b.oom) fwrite(b.p, 1, b.len, out);
  sv_free(&b);
}

static void suite_usage(FILE *out) {
  fputs(
      "usage: sseval serve --suite [--client CMD] [--json] [OPTIONS]\n"
      "Grade a client: run CMD (with /bin/sh) once per scenario with\n"
      "ANTHROPIC_BASE_URL pointing at this server, a dummy ANTHROPIC_API_KEY and\n"
      "SSEVAL_SERVE_REQUEST (a request body file). The client exits 0 when it\n"
      "believes it got a complete answer and prints the answer's text.\n\n"
      "  --client CMD          default: this sseval's `stream`\n"
      "  --json                JSON instead of the table\n"
      "  --json-file FILE      the table, and the JSON into FILE\n"
      "  --only A,B            run only these scenarios\n"
      "  --list                list the scenarios\n"
      "  --client-timeout S    kill a client after S seconds (default 30)\n"
      "  --verbose             let the client's stderr through\n\n"
      "Exit: 0 every must-check passed, 1 usage or setup error, 2 a must-check\n"
      "failed.\n",
      out);
}

static int selected(const char *only, const char *name) {
  const char *p = only;
  size_t n = strlen(name);
  if (!only) return 1;
  while (*p) {
    const char *c = strchr(p, ',');
    size_t l = c ? (size_t)(c - p) : strlen(p);
    if (l == n && memcmp(p, name, n) == 0) return 1;
    if (!c) break;
    p = c + 1;
  }
  return 0;
}

int cli_serve_suite(int argc, char **argv, const sv_config *base) {
  const char *client = NULL, *only = NULL, *json_file = NULL;
  char self[4096], defcmd[4400], req_path[64], err[256];
  int json = 0, verbose = 0, i, fd, rc = 0;
  uint64_t client_timeout_ms = 30000;
  sv_config cfg = *base;
  sv_server *srv = NULL;
  sv_stream text, tool;
  case_result *rs;
  size_t n = 0, k;
  ssize_t sl;
  static const char REQ[] =
      "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"messages\":"
      "[{\"role\":\"user\",\"content\":\"Say something short.\"}]}\n";

  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--suite") == 0) continue;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      suite_usage(stdout);
      return 0;
    } else if (strcmp(a, "--json") == 0) {
      json = 1;
    } else if (strcmp(a, "--verbose") == 0) {
      verbose = 1;
    } else if (strcmp(a, "--list") == 0) {
      for (k = 0; k < NCASES; k++)
        printf("%-24s %-40s %s\n", CASES[k].name, CASES[k].spec, CASES[k].why);
      return 0;
    } else if (strcmp(a, "--client") == 0 && i + 1 < argc) {
      client = argv[++i];
    } else if (strcmp(a, "--json-file") == 0 && i + 1 < argc) {
      json_file = argv[++i];
    } else if (strcmp(a, "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else if (strcmp(a, "--client-timeout") == 0 && i + 1 < argc) {
      char *end;
      unsigned long v = strtoul(argv[++i], &end, 10);
      if (*end || v == 0 || v > 3600) {
        fprintf(stderr, "sseval serve --suite: bad --client-timeout\n");
        return 1;
      }
      client_timeout_ms = (uint64_t)v * 1000u;
    } else if (strcmp(a, "--port") == 0 || strcmp(a, "--bind") == 0 ||
               strcmp(a, "--pace") == 0 || strcmp(a, "--threads") == 0 ||
               strcmp(a, "--stall-max") == 0 || strcmp(a, "--log") == 0) {
      i++; /* read by cli_serve */
    } else if (strcmp(a, "--log-json") == 0 || strcmp(a, "--quiet") == 0) {
    } else {
      fprintf(stderr, "sseval serve --suite: unknown option '%s'\n", a);
      suite_usage(stderr);
      return 1;
    }
  }
  if (!client) {
    sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
      fprintf(stderr, "sseval serve --suite: give --client (cannot find this sseval)\n");
      return 1;
    }
    self[sl] = '\0';
    snprintf(defcmd, sizeof defcmd,
             "'%s' stream --request \"$SSEVAL_SERVE_REQUEST\" --base-url "
             "\"$ANTHROPIC_BASE_URL\" --timeout 5",
             self);
    client = defcmd;
  }
  snprintf(req_path, sizeof req_path, "/tmp/sseval-serve-req.XXXXXX");
  fd = mkstemp(req_path);
  if (fd < 0 || write(fd, REQ, sizeof REQ - 1) != (ssize_t)(sizeof REQ - 1)) {
    fprintf(stderr, "sseval serve --suite: cannot write a request file\n");
    if (fd >= 0) close(fd);
    return 1;
  }
  close(fd);
  if (sv_stream_builtin(&text, "text", 0, err, sizeof err) != 0 ||
      sv_stream_builtin(&tool, "tool", 0, err, sizeof err) != 0) {
    fprintf(stderr, "sseval serve --suite: %s\n", err);
    unlink(req_path);
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  cfg.port = 0;
  cfg.scenario = NULL;
  cfg.stream = &text;
  cfg.gen = 0;
  /* "forever" outlasts the client's time */
  cfg.stall_max_ms = client_timeout_ms + 5000u;
  if (!cfg.log || cfg.log == stderr) cfg.log = verbose ? stderr : NULL;
  if (sv_server_start(&srv, &cfg) != 0) {
    sv_stream_free(&text);
    sv_stream_free(&tool);
    unlink(req_path);
    return 1;
  }
  rs = (case_result *)calloc(NCASES, sizeof *rs);
  for (k = 0; k < NCASES && rs; k++) {
    sv_scenario sc;
    sv_attempt at[16];
    size_t nat;
    int w;
    case_result *r;
    const sv_stream *st;
    if (!selected(only, CASES[k].name)) continue;
    r = &rs[n++];
    r->c = &CASES[k];
    if (sv_scenario_parse(&sc, CASES[k].spec, err, sizeof err) != 0) {
      fprintf(stderr, "sseval serve --suite: %s\n", err);
      rc = 1;
      break;
    }
    st = strstr(CASES[k].spec, "stream=tool") ? &tool : &text;
    sv_server_set_scenario(srv, &sc, &text);
    if (!json) {
      fprintf(stderr, "sseval serve --suite: %s ...\n", CASES[k].name);
    }
    if (run_client(client, sv_server_port(srv), req_path, client_timeout_ms, verbose,
                   r) != 0) {
      fprintf(stderr, "sseval serve --suite: cannot run the client\n");
      sv_scenario_free(&sc);
      rc = 1;
      break;
    }
    /* the server ends what the client left open before grading */
    for (w = 0; w < 300 && sv_server_open(srv) > 0; w++) {
      struct timespec ts = {0, 10 * 1000000L};
      nanosleep(&ts, NULL);
    }
    nat = sv_server_attempts(srv, at, 16);
    grade(r, at, nat, st, client_timeout_ms);
    sv_server_set_scenario(srv, NULL, NULL);
    sv_scenario_free(&sc);
  }
  sv_server_stop(srv);
  if (rs && rc == 0) {
    if (json) print_json(stdout, rs, n, client);
    else print_table(stdout, rs, n, client);
    if (json_file) {
      FILE *jf = fopen(json_file, "w");
      if (jf) {
        print_json(jf, rs, n, client);
        fclose(jf);
      } else {
        fprintf(stderr, "sseval serve --suite: cannot write %s\n", json_file);
        rc = 1;
      }
    }
    for (k = 0; k < n && rc == 0; k++)
      if (rs[k].verdict == 2) rc = 2;
  }
  for (k = 0; rs && k < n; k++) free(rs[k].out);
  free(rs);
  sv_stream_free(&text);
  sv_stream_free(&tool);
  unlink(req_path);
  return rs ? rc : 1;
}
