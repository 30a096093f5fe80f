/* SPDX-License-Identifier: MIT */
/*
 * tools/cli_text.c - writing bytes that came from the input or the network
 * where a person reads them: the one place the sseval command decides what
 * reaches a terminal.
 *
 * Three modes (cli.h):
 *  - RAW: byte for byte (answer text to a pipe or a file).
 *  - TERMINAL: text shown live on a terminal. Newline and tab pass; every
 *    other C0 control, DEL, the C1 controls U+0080..U+009F (U+009B is a
 *    one-character CSI on some terminals), the bidi controls (U+061C,
 *    U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and bytes that are not
 *    UTF-8 are written as visible escapes (\x1b, \u009b, \u202e, \xff), so
 *    no escape sequence from the network can set a title, move the cursor
 *    or reorder what the report says.
 *  - FIELD: one line of a report (ids, names, types, messages, file
 *    names): as TERMINAL, and newline, tab and backslash are escaped too
 *    (\n, \t, \\) so the field stays on its line and an escape shown can
 *    always be told from one that was sent. Used whatever the output is.
 *
 * A UTF-8 sequence split across two writes is held (at most 3 bytes) and
 * judged whole; cli_text_end flushes what is left.
 */
#include <string.h>

#include "cli.h"

void cli_text_init(cli_text *t, FILE *out, int mode) {
  memset(t, 0, sizeof *t);
  t->out = out;
  t->mode = mode;
}

/* Length of the UTF-8 sequence at p (1..4) with its code point, 0 if the
 * n bytes available are a valid but incomplete prefix, -1 if p[0] does not
 * start a valid sequence (overlong, surrogate, > U+10FFFF, bad byte). */
static int utf8_seq(const unsigned char *p, size_t n, unsigned long *cp) {
  unsigned char c = p[0];
  int len, i;
  unsigned long v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    v = c & 0x1Fu;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    v = c & 0x0Fu;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    v = c & 0x07u;
    min = 0x10000;
  } else {
    return -1;
  }
  for (i = 1; i < len; i++) {
    if ((size_t)i >= n) return 0;
    if ((p[i] & 0xC0) != 0x80) return -1;
    v = (v << 6) | (p[i] & 0x3Fu);
    /* reject overlong / surrogate / too large as soon as the second byte
     * tells, so a bad prefix is never held */
    if (i == 1 && ((len == 3 && c == 0xE0 && p[1] < 0xA0) ||
                   (len == 3 && c == 0xED && p[1] > 0x9F) ||
                   (len == 4 && c == 0xF0 && p[1] < 0x90) ||
                   (len == 4 && c == 0xF4 && p[1] > 0x8F)))
      return -1;
  }
  if (v < min) return -1;
  *cp = v;
  return len;
}

static int is_bidi_control(unsigned long cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Write one complete unit (a valid sequence, or one invalid byte). */
static void put_unit(cli_text *t, const unsigned char *p, int len, int valid,
                     unsigned long cp) {
  FILE *out = t->out;
  if (!valid) {
    fprintf(out, "\\x%02x", p[0]);
    return;
  }
  if (t->mode == CLI_TEXT_FIELD) {
    if (cp == '\n') {
      fputs("\\n", out);
      return;
    }
    if (cp == '\t') {
      fputs("\\t", out);
      return;
    }
    if (cp == '\\') {
      fputs("\\\\", out);
      return;
    }
  }
  if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F) {
    if (cp == '\r')
      fputs("\\r", out);
    else
      fprintf(out, "\\x%02lx", cp);
    return;
  }
  if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
    fprintf(out, "\\u%04lx", cp);
    return;
  }
  fwrite(p, 1, (size_t)len, out);
}

/* Write units from p[0..n); returns the bytes left unwritten at the end
 * (an incomplete sequence, 0..3 bytes) when `hold`, else 0. */
static size_t put_units(cli_text *t, const unsigned char *p, size_t n, int hold) {
  size_t i = 0, run = 0;
  while (i < n) {
    unsigned long cp = 0;
    int len;
    /* fast path: printable ASCII (and backslash outside FIELD) */
    if (p[i] >= 0x20 && p[i] < 0x7F && !(p[i] == '\\' && t->mode == CLI_TEXT_FIELD)) {
      i++;
      continue;
    }
    if (i > run) fwrite(p + run, 1, i - run, t->out);
    len = utf8_seq(p + i, n - i, &cp);
    if (len == 0) {
      if (hold) return n - i;
      len = -1; /* cut at the very end: the bytes are shown escaped */
    }
    if (len < 0) {
      put_unit(t, p + i, 1, 0, 0);
      i++;
    } else {
      put_unit(t, p + i, len, 1, cp);
      i += (size_t)len;
    }
    run = i;
  }
  if (i > run) fwrite(p + run, 1, i - run, t->out);
  return 0;
}

void cli_text_write(cli_text *t, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  if (len == 0) return;
  t->last = s[len - 1];
  t->wrote = 1;
  if (t->mode == CLI_TEXT_RAW) {
    fwrite(s, 1, len, t->out);
    return;
  }
  /* complete a sequence held from the previous write */
  while (t->held && len) {
    unsigned long cp;
    int r;
    t->hold[t->held++] = *p++;
    len--;
    r = utf8_seq(t->hold, t->held, &cp);
    if (r == 0 && t->held < 4) continue;
    if (r > 0) {
      put_unit(t, t->hold, r, 1, cp);
      t->held = 0;
    } else {
      /* not a sequence after all: the first byte is bad, the rest is
       * judged again */
      unsigned char rest[4];
      size_t k = t->held - 1;
      put_unit(t, t->hold, 1, 0, 0);
      memcpy(rest, t->hold + 1, k);
      t->held = 0;
      t->held = put_units(t, rest, k, 1);
      if (t->held) memmove(t->hold, rest + (k - t->held), t->held);
    }
  }
  if (len) {
    size_t left = put_units(t, p, len, 1);
    if (left) {
      memcpy(t->hold, p + len - left, left);
      t->held = left;
    }
  }
}

void cli_text_end(cli_text *t) {
  if (t->held) {
    unsigned char rest[4];
    size_t k = t->held;
    memcpy(rest, t->hold, k);
    t->held = 0;
    put_units(t, rest, k, 0);
  }
}

void cli_field(FILE *out, const char *s, size_t len) {
  cli_text t;
  cli_text_init(&t, out, CLI_TEXT_FIELD);
  cli_text_write(&t, s, len);
  cli_text_end(&t);
}

void cli_field_str(FILE *out, const char *s) { cli_field(out, s, s ? strlen(s) : 0); }

void cli_preview(FILE *out, sseval_span s, size_t max) {
  size_t n = s.len;
  if (n > max) {
    n = max;
    while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80) n--;
  }
  putc('"', out);
  cli_field(out, s.ptr, n);
  putc('"', out);
  if (n < s.len) fputs("...", out);
}

void cli_error_line(FILE *out, const sseval_api_error *e) {
  if (e->type.len)
    cli_field(out, e->type.ptr, e->type.len);
  else
    fputs("unknown", out);
  fprintf(out, " (%s): ", e->retryable ? "retryable" : "not retryable");
  cli_preview(out, e->message, 200);
  putc('\n', out);
}

int cli_text_sink(void *ctx, const char *bytes, size_t len) {
  cli_text_write((cli_text *)ctx, bytes, len);
  return 0;
}
