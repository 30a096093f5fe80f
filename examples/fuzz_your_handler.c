/* SPDX-License-Identifier: MIT */
/*
 * examples/fuzz_your_handler.c - fuzz your own Claude stream handling, with
 * sseval as the oracle and the generator as the mutator (sseval/fuzzkit.h).
 *
 * naive_handle() below is a deliberately naive handler of the kind many
 * applications have: it reads `data:` lines, keeps the text of text_delta
 * events and calls the answer complete as soon as a message_delta carries a
 * stop_reason. It trusts a stream that ends without message_stop, so a
 * connection cut after message_delta gives a "complete" answer that is not.
 *
 * The property checked: when the handler says complete, sseval must not
 * say that a message which had started (message_start arrived) was cut
 * (verdict truncated). (The handler accepts other
 * broken streams too; a stricter property, "complete means sseval says
 * complete and the texts match", finds those as well.) With libFuzzer:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address -DSSEVAL_LIBFUZZER \
 *     examples/fuzz_your_handler.c -lsseval -o fuzz_your_handler
 *   ./fuzz_your_handler -max_len=65536
 *
 * finds the bug in seconds thanks to the custom mutator (docs/CONFORMANCE.md
 * has the measured times, with and without it). Built without
 * SSEVAL_LIBFUZZER, main() runs the same property over generated streams
 * mutated by sseval_fuzz_mutate and prints the first counterexample.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sseval/sseval.h>

typedef struct naive {
  int complete;
  char text[1 << 16];
  size_t text_len;
} naive;

/* Append the JSON string starting at s (after its opening quote), roughly
 * unescaped: the kind of shortcut a naive handler takes. */
static void naive_append(naive *h, const char *s, const char *end) {
  while (s < end && *s != '"') {
    if (*s == '\\' && s + 1 < end) s++;
    if (h->text_len < sizeof h->text) h->text[h->text_len++] = *s;
    s++;
  }
}

static void naive_handle(const uint8_t *data, size_t size, naive *h) {
  const char *p = (const char *)data, *end = p + size;
  memset(h, 0, sizeof *h);
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p)), *f;
    if (!eol) eol = end;
    if (eol - p > 6 && memcmp(p, "data: ", 6) == 0) {
      /* find "text_delta" ... "text":" on the line */
      char line[4096];
      size_t n = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) : sizeof line - 1;
      memcpy(line, p, n);
      line[n] = '\0';
      if (strstr(line, "\"text_delta\"") && (f = strstr(line, "\"text\":\"")) != NULL)
        naive_append(h, f + 8, line + n);
      if (strstr(line, "\"message_delta\"") && strstr(line, "\"stop_reason\":\""))
        h->complete = 1; /* the bug: trusts the stream without message_stop */
    }
    p = eol + 1;
  }
}

/* 1 when the handler and sseval disagree. */
static int disagree(const uint8_t *data, size_t size, sseval_oracle *o) {
  static naive h;
  int bad = 0;
  naive_handle(data, size, &h);
  if (sseval_oracle_run(data, size, NULL, o) != SSEVAL_OK) return 0;
  /* a real message (message_start arrived: the rebuilt message has an id)
   * that was cut, yet the handler calls it complete */
  if (h.complete && o->result.verdict == SSEVAL_VERDICT_TRUNCATED &&
      o->message_json && strncmp(o->message_json, "{\"id\":null", 10) != 0)
    bad = 1;
  return bad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sseval_oracle o;
  if (disagree(data, size, &o)) {
    fprintf(stderr, "the handler said complete; sseval says %s (%s) at byte %llu: %s\n",
            sseval_verdict_name(o.result.verdict), sseval_rule_id(o.result.rule),
            (unsigned long long)o.result.offset, o.result.detail);
    sseval_oracle_free(&o);
    abort();
  }
  sseval_oracle_free(&o);
  return 0;
}

#ifdef SSEVAL_LIBFUZZER
#ifndef SSEVAL_NO_CUSTOM_MUTATOR /* defined: plain libFuzzer, for comparison */
SSEVAL_FUZZKIT_LIBFUZZER_MUTATORS()
#endif
#else
/* Without libFuzzer: mutate generated streams until the property fails. */
int main(int argc, char **argv) {
  static uint8_t buf[1 << 16];
  size_t size = 0;
  unsigned i, tries = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
  for (i = 0; i < tries; i++) {
    sseval_oracle o;
    size = sseval_fuzz_mutate(buf, size, sizeof buf, i, NULL);
    if (disagree(buf, size, &o)) {
      printf("counterexample after %u mutations (%zu bytes): the handler says "
             "complete, sseval says %s (%s) at byte %llu\n",
             i + 1, size, sseval_verdict_name(o.result.verdict),
             sseval_rule_id(o.result.rule), (unsigned long long)o.result.offset);
      sseval_oracle_free(&o);
      return 0;
    }
    sseval_oracle_free(&o);
  }
  printf("no counterexample in %u mutations\n", tries);
  return 1;
}
#endif
