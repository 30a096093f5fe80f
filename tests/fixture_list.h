/* SPDX-License-Identifier: MIT */
/*
 * tests/fixture_list.h - header-only helpers for the suites that run over
 * every bundled stream: the .sse and .txt files under tests/fixtures/claude
 * (sorted, recursive), a whole-file reader, and a growable byte sink for the
 * JSON writers. Static functions only: the other C files in tests/ are
 * linked into every test, so a header keeps these private to their users.
 */
#ifndef SSEVAL_TESTS_FIXTURE_LIST_H
#define SSEVAL_TESTS_FIXTURE_LIST_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
  char *path;
  unsigned char *data;
  size_t len;
} fixture;

typedef struct fixture_list {
  fixture *v;
  size_t n, cap;
} fixture_list;

static int fixture_cmp_(const void *a, const void *b) {
  return strcmp(((const fixture *)a)->path, ((const fixture *)b)->path);
}

static int fixture_is_stream_(const char *name) {
  size_t n = strlen(name);
  return (n > 4 && strcmp(name + n - 4, ".sse") == 0) ||
         (n > 4 && strcmp(name + n - 4, ".txt") == 0);
}

static unsigned char *fixture_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0;
  if (!f) return NULL;
  for (;;) {
    size_t r;
    if (n == cap) {
      unsigned char *nb;
      cap = cap ? cap * 2 : 65536;
      nb = (unsigned char *)realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  fclose(f);
  *len = n;
  return buf;
}

static void fixture_walk_(fixture_list *l, const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    size_t plen;
    char *p;
    if (e->d_name[0] == '.') continue;
    plen = strlen(dir) + strlen(e->d_name) + 2;
    p = (char *)malloc(plen);
    if (!p) break;
    snprintf(p, plen, "%s/%s", dir, e->d_name);
    {
      DIR *sub = opendir(p);
      if (sub) {
        closedir(sub);
        fixture_walk_(l, p);
        free(p);
        continue;
      }
    }
    if (!fixture_is_stream_(e->d_name)) {
      free(p);
      continue;
    }
    if (l->n == l->cap) {
      fixture *nv;
      l->cap = l->cap ? l->cap * 2 : 32;
      nv = (fixture *)realloc(l->v, l->cap * sizeof *nv);
      if (!nv) {
        free(p);
        break;
      }
      l->v = nv;
    }
    l->v[l->n].path = p;
    l->v[l->n].data = fixture_read_file(p, &l->v[l->n].len);
    if (!l->v[l->n].data) {
      free(p);
      continue;
    }
    l->n++;
  }
  closedir(d);
}

/* Every stream fixture under <root>/tests/fixtures/claude, sorted by path. */
static fixture_list fixture_list_load(const char *root) {
  fixture_list l;
  char dir[4096];
  memset(&l, 0, sizeof l);
  snprintf(dir, sizeof dir, "%s/tests/fixtures/claude", root);
  fixture_walk_(&l, dir);
  if (l.n) qsort(l.v, l.n, sizeof *l.v, fixture_cmp_);
  return l;
}

static void fixture_list_free(fixture_list *l) {
  size_t i;
  for (i = 0; i < l->n; i++) {
    free(l->v[i].path);
    free(l->v[i].data);
  }
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* The path relative to the fixtures root, for messages. */
static const char *fixture_name(const fixture *f) {
  const char *s = strstr(f->path, "fixtures/claude/");
  return s ? s + 16 : f->path;
}

/* A growable byte sink usable as sseval_write_fn. */
typedef struct sink {
  char *ptr;
  size_t len, cap;
} sink;

static int sink_write(void *ctx, const char *bytes, size_t len) {
  sink *s = (sink *)ctx;
  if (s->len + len > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    char *np;
    while (cap < s->len + len) cap *= 2;
    np = (char *)realloc(s->ptr, cap);
    if (!np) return 1;
    s->ptr = np;
    s->cap = cap;
  }
  if (len) memcpy(s->ptr + s->len, bytes, len);
  s->len += len;
  return 0;
}

static void sink_free(sink *s) {
  free(s->ptr);
  memset(s, 0, sizeof *s);
}

#endif
