/* SPDX-License-Identifier: MIT */
/*
 * fuzz/replay.h - replay fuzz inputs through the oracles without libFuzzer
 * (tests/test_fuzz_regressions.c, tests/test_fuzz_regressions_json.cc).
 *
 * The files of a directory run one after another in a forked child (one
 * sanitized process for the lot: a process per file spent most of the time
 * starting and leak-checking processes). A crash or a broken oracle (abort)
 * fails that file only and the report names it: the child tells the parent
 * through a pipe which file it is on, and the others run again in a new
 * child; a leak, found by LeakSanitizer when the child exits, is pinned on
 * its file by running each file of the lot in a child of its own. Regression
 * inputs (tests/fuzz_regressions/<target>/) must all pass, except those
 * listed in tests/fuzz_regressions/KNOWN_OPEN (bugs reported, not fixed
 * yet): those are run and reported, and a pass is announced so the line can
 * be removed. The committed corpora (fuzz/corpus/<target>/) are replayed
 * too, with SSEVAL_FUZZ_AVOID set to the KNOWN_OPEN tags (so a corpus input
 * that meets an open bug does not fail the suite twice).
 *
 * KNOWN_OPEN: one line per open bug: `<tag> <target>/<file> <description>`;
 * '#' starts a comment line.
 */
#ifndef SSEVAL_FUZZ_REPLAY_H
#define SSEVAL_FUZZ_REPLAY_H

#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_common.h"

typedef void (*fr_oracle)(const uint8_t *data, size_t size);

typedef struct fr_stats {
  int passed, failed, xfailed, xpassed;
} fr_stats;

static char fr_known[8192]; /* the KNOWN_OPEN file */
static char fr_tags[2048];  /* its tags, comma separated */

static void fr_load_known(const char *src) {
  char path[2048];
  FILE *f;
  size_t n;
  const char *line;
  snprintf(path, sizeof path, "%s/tests/fuzz_regressions/KNOWN_OPEN", src);
  fr_known[0] = fr_tags[0] = '\0';
  f = fopen(path, "rb");
  if (!f) return;
  n = fread(fr_known, 1, sizeof fr_known - 1, f);
  fr_known[n] = '\0';
  fclose(f);
  for (line = fr_known; *line;) {
    const char *eol = strchr(line, '\n');
    size_t len = eol ? (size_t)(eol - line) : strlen(line);
    if (len && line[0] != '#') {
      const char *sp = (const char *)memchr(line, ' ', len);
      size_t tl = sp ? (size_t)(sp - line) : len;
      if (strlen(fr_tags) + tl + 2 < sizeof fr_tags) {
        if (fr_tags[0]) strcat(fr_tags, ",");
        strncat(fr_tags, line, tl);
      }
    }
    line = eol ? eol + 1 : line + len;
  }
}

/* Is "<target>/<file>" listed in KNOWN_OPEN? */
static int fr_is_known(const char *rel) {
  const char *line;
  size_t rl = strlen(rel);
  for (line = fr_known; *line;) {
    const char *eol = strchr(line, '\n');
    size_t len = eol ? (size_t)(eol - line) : strlen(line);
    const char *sp = line[0] == '#' ? NULL : (const char *)memchr(line, ' ', len);
    if (sp && (size_t)(line + len - sp - 1) >= rl && memcmp(sp + 1, rel, rl) == 0 &&
        (sp + 1 + rl == line + len || sp[1 + rl] == ' ' || sp[1 + rl] == '\t'))
      return 1;
    line = eol ? eol + 1 : line + len;
  }
  return 0;
}

static int fr_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole file in an exact-size buffer (ASan sees a read past its end);
 * NULL when it cannot be read. */
static unsigned char *fr_read(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  unsigned char *data, *exact;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  data = (unsigned char *)fz_xmalloc(n > 0 ? (size_t)n : 1);
  if (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  *size = n > 0 ? (size_t)n : 0;
  exact = fz_exact(data, *size);
  free(data);
  return exact;
}

static void fr_child_env(int avoid_known) {
  if (avoid_known && fr_tags[0]) setenv("SSEVAL_FUZZ_AVOID", fr_tags, 1);
  else unsetenv("SSEVAL_FUZZ_AVOID");
}

/* Run fn on one file in a child. Returns 1 when it passed. */
static int fr_run_file(const char *path, fr_oracle fn, int avoid_known) {
  pid_t pid;
  int status = 0;
  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid == 0) {
    size_t size;
    unsigned char *data = fr_read(path, &size);
    if (!data) exit(2);
    fr_child_env(avoid_known);
    fz_context_name = path;
    fn(data, size);
    free(data);
    exit(0); /* not _exit: LeakSanitizer checks at exit */
  }
  if (pid < 0) {
    perror("fork");
    return 0;
  }
  if (waitpid(pid, &status, 0) < 0) return 0;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Run fn on paths[i] for every i with state[i] == 0, in one child; set
 * state[i] to 1 (passed) or 2 (failed). The child writes i before and
 * i | FR_DONE after each file; when it dies inside a file, that file fails
 * and the rest (those before it too: their leaks are only seen at a clean
 * exit) run again in a new child. */
#define FR_DONE 0x80000000u
static void fr_run_batch(char **paths, size_t n, fr_oracle fn, int avoid_known,
                         unsigned char *state) {
  for (;;) {
    int fd[2], status = 0;
    pid_t pid;
    uint32_t rec;
    long cur = -1;
    size_t i, left = 0;
    for (i = 0; i < n; i++) left += state[i] == 0;
    if (!left) return;
    if (n > FR_DONE || pipe(fd) != 0) break; /* one child per file instead */
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
      close(fd[0]);
      fr_child_env(avoid_known);
      for (i = 0; i < n; i++) {
        size_t size;
        unsigned char *data;
        if (state[i]) continue;
        rec = (uint32_t)i;
        if (write(fd[1], &rec, sizeof rec) != (ssize_t)sizeof rec) _exit(3);
        data = fr_read(paths[i], &size);
        if (!data) exit(2);
        fz_context_name = paths[i];
        fn(data, size);
        free(data);
        rec = (uint32_t)i | FR_DONE;
        if (write(fd[1], &rec, sizeof rec) != (ssize_t)sizeof rec) _exit(3);
      }
      close(fd[1]);
      exit(0); /* not _exit: LeakSanitizer checks at exit */
    }
    close(fd[1]);
    if (pid < 0) {
      close(fd[0]);
      perror("fork");
      break;
    }
    while (read(fd[0], &rec, sizeof rec) == (ssize_t)sizeof rec)
      cur = (rec & FR_DONE) ? -1 : (long)rec;
    close(fd[0]);
    if (waitpid(pid, &status, 0) < 0) break;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && cur < 0) {
      for (i = 0; i < n; i++)
        if (!state[i]) state[i] = 1;
      return;
    }
    if (cur < 0) break; /* failed at exit (a leak): find the file */
    state[cur] = 2;
  }
  for (size_t i = 0; i < n; i++)
    if (!state[i]) state[i] = fr_run_file(paths[i], fn, avoid_known) ? 1 : 2;
}

/* Replay every file of src/<sub>/<target>/; `regressions` selects the
 * KNOWN_OPEN handling (else: a corpus, known tags avoided). */
static void fr_run_dir(const char *src, const char *sub, const char *target,
                       fr_oracle fn, int regressions, fr_stats *st) {
  char dir[2048];
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  unsigned char *state;
  size_t n = 0, cap = 0, i;
  snprintf(dir, sizeof dir, "%s/%s/%s", src, sub, target);
  d = opendir(dir);
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = (char **)realloc(names, cap * sizeof *names);
      if (!names) abort();
    }
    names[n] = (char *)fz_xmalloc(strlen(dir) + strlen(e->d_name) + 2);
    sprintf(names[n], "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, fr_cmp);
  /* regular files; KNOWN_OPEN ones (expected to fail) each alone */
  state = (unsigned char *)fz_xmalloc(n);
  for (i = 0; i < n; i++) {
    struct stat sb;
    const char *rel = names[i] + strlen(dir) - strlen(target);
    if (stat(names[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
      state[i] = 3; /* not a file */
    } else if (regressions && fr_is_known(rel)) {
      state[i] = fr_run_file(names[i], fn, 0) ? 1 : 2;
      state[i] |= 4;
    } else {
      state[i] = 0;
    }
  }
  fr_run_batch(names, n, fn, !regressions, state);
  for (i = 0; i < n; i++) {
    const char *rel = names[i] + strlen(dir) - strlen(target);
    int ok = (state[i] & 3) == 1, known = (state[i] & 4) != 0;
    if ((state[i] & 3) == 3) continue;
    if (ok && !known) {
      st->passed++;
    } else if (ok) {
      st->xpassed++;
      fprintf(stderr, "NOTE %s passes now: remove it from KNOWN_OPEN\n", rel);
    } else if (known) {
      st->xfailed++;
      fprintf(stderr, "known open (listed in KNOWN_OPEN): %s\n", rel);
    } else {
      st->failed++;
      fprintf(stderr, "FAIL %s/%s (replay: the output above)\n", sub, rel);
    }
  }
  for (i = 0; i < n; i++) free(names[i]);
  free(names);
  free(state);
}

static const char *fr_source_dir(const char *fallback) {
  const char *s = getenv("SSEVAL_SRC");
  return s && *s ? s : fallback;
}

/* Replay a target's regressions and corpus; print a summary line. */
static void fr_target(const char *src, const char *target, fr_oracle fn,
                      fr_stats *total) {
  fr_stats st;
  memset(&st, 0, sizeof st);
  fr_run_dir(src, "tests/fuzz_regressions", target, fn, 1, &st);
  fr_run_dir(src, "fuzz/corpus", target, fn, 0, &st);
  printf("%-20s %4d passed, %d failed, %d known open, %d known open now passing\n",
         target, st.passed, st.failed, st.xfailed, st.xpassed);
  total->passed += st.passed;
  total->failed += st.failed;
  total->xfailed += st.xfailed;
  total->xpassed += st.xpassed;
}

#endif /* SSEVAL_FUZZ_REPLAY_H */
