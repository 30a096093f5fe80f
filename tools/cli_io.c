/* SPDX-License-Identifier: MIT */
/*
 * tools/cli_io.c - input reading with --chunk, and JSON string output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_size(const char *arg, size_t *out) {
  char *end;
  unsigned long long v;
  if (!arg || !*arg || *arg == '-' || *arg == '+') return 0;
  errno = 0;
  v = strtoull(arg, &end, 10);
  if (errno || end == arg) return 0;
  if (*end == 'k' || *end == 'K' || *end == 'm' || *end == 'M') {
    unsigned long long mul = (*end == 'k' || *end == 'K') ? 1024ull : 1024ull * 1024ull;
    if (v > ~0ull / mul) return 0; /* the suffix would overflow: a bad value */
    v *= mul;
    end++;
  }
  if (*end || v == 0 || v > (unsigned long long)SIZE_MAX / 2) return 0;
  *out = (size_t)v;
  return 1;
}

int cli_parse_chunk(const char *arg, cli_chunking *out) {
  memset(out, 0, sizeof *out);
  if (strncmp(arg, "random:", 7) == 0) {
    char *end;
    const char *s = arg + 7;
    if (!*s || *s == '-' || *s == '+') return 0;
    errno = 0;
    out->seed = strtoull(s, &end, 10);
    if (errno || *end) return 0;
    out->mode = 2;
    return 1;
  }
  if (!cli_parse_size(arg, &out->size)) return 0;
  out->mode = 1;
  return 1;
}

/* splitmix64: a small reproducible generator for random chunk sizes */
static uint64_t next_rand(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int cli_read_input(const char *path, const cli_chunking *ch, cli_feed_fn feed,
                   void *ctx, uint64_t *total) {
  enum { READ_SIZE = 1 << 16 };
  FILE *f = stdin;
  char *buf;
  uint64_t rng = ch->seed, sum = 0;
  size_t pending = 0; /* random mode: bytes left in the current chunk size */
  int rc = 0, stop = 0;

  if (path && strcmp(path, "-") != 0) {
    f = fopen(path, "rb");
    if (!f) {
      fprintf(stderr, "sseval: cannot open %s: %s\n", path, strerror(errno));
      return -1;
    }
  }
  buf = (char *)malloc(READ_SIZE);
  if (!buf) {
    fprintf(stderr, "sseval: out of memory\n");
    if (f != stdin) fclose(f);
    return -1;
  }
  while (!stop) {
    size_t n = fread(buf, 1, READ_SIZE, f), i = 0;
    if (n == 0) break;
    sum += n;
    while (i < n && !stop) {
      size_t c = n - i;
      if (ch->mode == 1 && c > ch->size) c = ch->size;
      if (ch->mode == 2) {
        if (pending == 0) pending = (size_t)(next_rand(&rng) % 4096u) + 1;
        if (c > pending) c = pending;
        pending -= c;
      }
      if (feed(ctx, buf + i, c)) stop = 1;
      i += c;
    }
  }
  if (!stop && ferror(f)) {
    fprintf(stderr, "sseval: read error on %s: %s\n", path ? path : "stdin",
            strerror(errno));
    rc = -1;
  }
  free(buf);
  if (f != stdin) fclose(f);
  if (total) *total = sum;
  return rc;
}

void cli_json_string(FILE *out, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  putc('"', out);
  while (i < len) {
    size_t bad_len, bad = sseval_utf8_next_invalid(s + i, len - i, &bad_len);
    size_t stop = i + bad, j, run = i;
    for (j = i; j < stop; j++) {
      unsigned char c = (unsigned char)s[j];
      const char *esc = NULL;
      char u[6];
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      if (j > run) fwrite(s + run, 1, j - run, out);
      run = j + 1;
      switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      default:
        u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
        u[4] = hex[c >> 4]; u[5] = hex[c & 15];
        fwrite(u, 1, 6, out);
        continue;
      }
      fputs(esc, out);
    }
    if (stop > run) fwrite(s + run, 1, stop - run, out);
    if (bad_len) fputs("\xEF\xBF\xBD", out);
    i = stop + bad_len;
  }
  putc('"', out);
}

void cli_buf_add(cli_buf *b, const void *s, size_t n) {
  if (b->oom) return;
  if (n > SIZE_MAX / 2 - b->len - 1) {
    b->oom = 1;
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *np;
    while (cap < b->len + n + 1) cap *= 2;
    np = (char *)realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}
