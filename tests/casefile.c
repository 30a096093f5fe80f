/* SPDX-License-Identifier: MIT */
/* tests/casefile.c - the case-file plumbing of tests/casefile.h. */
#include "casefile.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void casefile_dir(char *buf, size_t size, int argc, char **argv, const char *sub) {
  const char *src = getenv("SSEVAL_SRC");
  const char *file = __FILE__;
  const char *slash = strrchr(file, '/');
  if (argc > 1)
    snprintf(buf, size, "%s", argv[1]);
  else if (src && *src)
    snprintf(buf, size, "%s/tests/%s", src, sub);
  else if (slash)
    snprintf(buf, size, "%.*s/%s", (int)(slash - file), file, sub);
  else
    snprintf(buf, size, "%s", sub);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int casefile_each(const char *dir, void (*load)(const char *path, void *ctx), void *ctx) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t nn = 0, i;
  if (!d) {
    fprintf(stderr, "cannot open the case directory %s\n", dir);
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name), sz = strlen(dir) + l + 2;
    char **nn_names;
    if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0) continue;
    nn_names = (char **)realloc(names, (nn + 1) * sizeof *names);
    if (!nn_names) abort();
    names = nn_names;
    names[nn] = (char *)malloc(sz);
    if (!names[nn]) abort();
    snprintf(names[nn], sz, "%s/%s", dir, e->d_name);
    nn++;
  }
  closedir(d);
  if (nn) qsort(names, nn, sizeof *names, cmp_str);
  for (i = 0; i < nn; i++) {
    load(names[i], ctx);
    free(names[i]);
  }
  free(names);
  return (int)nn;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void add_utf8(bytebuf *b, uint32_t cp) {
  unsigned char o[4];
  size_t n;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    n = 1;
  } else if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  bytebuf_add(b, o, n);
}

const char *casefile_unescape(const char *s, const char *end, int quoted, bytebuf *out) {
  while (s < end) {
    if (quoted && *s == '"') return s;
    if (*s != '\\') {
      bytebuf_add(out, s, 1);
      s++;
      continue;
    }
    if (s + 1 >= end) return NULL;
    s++;
    switch (*s) {
    case 'r': bytebuf_add(out, "\r", 1); s++; break;
    case 'n': bytebuf_add(out, "\n", 1); s++; break;
    case 't': bytebuf_add(out, "\t", 1); s++; break;
    case '0': bytebuf_add(out, "", 1); s++; break;
    case 's': bytebuf_add(out, " ", 1); s++; break;
    case '\\': bytebuf_add(out, "\\", 1); s++; break;
    case '"': bytebuf_add(out, "\"", 1); s++; break;
    case 'x': {
      int h, l;
      unsigned char c;
      if (end - s < 3) return NULL;
      h = hexval(s[1]);
      l = hexval(s[2]);
      if (h < 0 || l < 0) return NULL;
      c = (unsigned char)(h * 16 + l);
      bytebuf_add(out, &c, 1);
      s += 3;
      break;
    }
    case 'u': {
      uint32_t cp = 0;
      if (s + 1 >= end || s[1] != '{') return NULL;
      s += 2;
      while (s < end && *s != '}') {
        int v = hexval(*s);
        if (v < 0 || cp > 0x10FFFF) return NULL;
        cp = cp * 16 + (uint32_t)v;
        s++;
      }
      if (s >= end || cp > 0x10FFFF) return NULL;
      s++;
      add_utf8(out, cp);
      break;
    }
    default:
      return NULL;
    }
  }
  return quoted ? NULL : s;
}
