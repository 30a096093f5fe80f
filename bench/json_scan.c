/* SPDX-License-Identifier: MIT */
/*
 * bench/json_scan.c - the strict JSON layer alone (src/json.h) on one
 * Claude event payload repeated over 64 MiB, one payload per line, against
 * the memchr('\n') loop over the same buffer (bench.h).
 *
 *   json_scan [--smoke] [--reps N] [--budget S] [PAYLOAD]
 *   json_scan --callgrind SUBJECT [PAYLOAD]    one pass in bench_region
 *
 * PAYLOAD defaults to a content_block_delta text event. Subjects:
 *   json_skip     sseval__j_skip + sseval__j_end on each payload (validate)
 *   json_walk     a schema-first read: type, index, delta.type, delta.text
 *                 through obj_begin / obj_next / jstr_eq / j_str / j_uint
 *   json_stream   the incremental validator fed each payload whole
 * Payload boundaries are known (fixed stride): this is the JSON cost alone.
 */
#include "bench.h"

#include <inttypes.h>

#include "json.h"

static const char default_payload[] =
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
    "\"text_delta\",\"text\":\"Hello, world! This is a token-sized piece of "
    "text.\"}}";

typedef struct ctx {
  size_t stride; /* payload + '\n' */
} ctx;

static uint64_t run_skip(void *vc, const unsigned char *buf, size_t len,
                         size_t chunk) {
  const ctx *c = vc;
  uint64_t ok = 0;
  (void)chunk;
  for (size_t i = 0; i + c->stride <= len; i += c->stride) {
    sseval__jcur cur;
    sseval__jcur_init(&cur, buf + i, c->stride - 1, 64);
    ok += (uint64_t)(sseval__j_skip(&cur, NULL) && sseval__j_end(&cur));
  }
  return ok;
}

static uint64_t run_walk(void *vc, const unsigned char *buf, size_t len,
                         size_t chunk) {
  const ctx *c = vc;
  uint64_t ok = 0, sum = 0;
  (void)chunk;
  for (size_t i = 0; i + c->stride <= len; i += c->stride) {
    sseval__jcur cur;
    sseval__jstr key, v;
    uint64_t idx = 0;
    int r;
    sseval__jcur_init(&cur, buf + i, c->stride - 1, 64);
    if (!sseval__j_obj_begin(&cur)) continue;
    while ((r = sseval__j_obj_next(&cur, &key)) == 1) {
      if (sseval__jstr_eq(&key, "type", 4)) {
        if (sseval__j_str(&cur, &v)) sum += v.len;
      } else if (sseval__jstr_eq(&key, "index", 5)) {
        if (sseval__j_uint(&cur, &idx)) sum += idx;
      } else if (sseval__jstr_eq(&key, "delta", 5) &&
                 sseval__j_peek(&cur) == SSEVAL__JK_OBJECT) {
        if (!sseval__j_obj_begin(&cur)) break;
        while (sseval__j_obj_next(&cur, &key) == 1) {
          if (sseval__j_peek(&cur) == SSEVAL__JK_STRING &&
              sseval__j_str(&cur, &v))
            sum += v.len;
          else if (!sseval__j_skip(&cur, NULL))
            break;
        }
      } else if (!sseval__j_skip(&cur, NULL)) {
        break;
      }
    }
    ok += (uint64_t)(r == 0 && sseval__j_end(&cur));
  }
  bench_sink += sum;
  return ok;
}

static uint64_t run_stream(void *vc, const unsigned char *buf, size_t len,
                           size_t chunk) {
  const ctx *c = vc;
  uint64_t ok = 0;
  (void)chunk;
  for (size_t i = 0; i + c->stride <= len; i += c->stride) {
    sseval__jstream js;
    sseval__jstream_init(&js, 64);
    sseval__jstream_feed(&js, buf + i, c->stride - 1);
    ok += (uint64_t)sseval__jstream_finish(&js);
  }
  return ok;
}

int main(int argc, char **argv) {
  bench_opts o;
  const char *cg = NULL;
  int a = bench_parse_opts(argc, argv, &o, &cg);
  const char *payload = a < argc ? argv[a] : default_payload;
  size_t pl = strlen(payload);
  ctx c = { pl + 1 };
  size_t len = ((size_t)64 << 20) / c.stride * c.stride;
  unsigned char *buf = aligned_alloc(64, (len + 64 + 63) & ~(size_t)63);
  if (!buf) bench_die("aligned_alloc");
  for (size_t i = 0; i < len; i += c.stride) {
    memcpy(buf + i, payload, pl);
    buf[i + pl] = '\n';
  }
  memset(buf + len, 0, 64);

  static const struct {
    const char *name;
    bench_fn fn;
  } subj[] = { { "json_skip", run_skip },
               { "json_walk", run_walk },
               { "json_stream", run_stream } };
  const size_t nsubj = sizeof subj / sizeof subj[0];
  uint64_t want = (uint64_t)(len / c.stride);

  if (cg) {
    for (size_t s = 0; s < nsubj; s++)
      if (!strcmp(cg, subj[s].name)) {
        printf("I\t%s\tpayload\t%zu\n", subj[s].name, len);
        bench_sink += bench_region(subj[s].fn, &c, buf, len, 0);
        free(buf);
        return 0;
      }
    fprintf(stderr, "json_scan: unknown subject %s\n", cg);
    free(buf);
    return 2;
  }
  fprintf(stderr,
          "json_scan: payload %zu bytes, %" PRIu64 " payloads, %.1f MiB\n", pl,
          want, (double)len / 1048576.0);
  for (size_t s = 0; s < nsubj; s++) {
    uint64_t got = subj[s].fn(&c, buf, len, 0);
    if (got != want) {
      fprintf(stderr,
              "json_scan: %s accepted %" PRIu64 " of %" PRIu64 " payloads\n",
              subj[s].name, got, want);
      free(buf);
      return 1;
    }
    bench_measure(subj[s].name, "payload", 0, subj[s].fn, &c, buf, len, &o);
  }
  free(buf);
  return 0;
}
