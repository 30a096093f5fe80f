/* SPDX-License-Identifier: MIT */
/*
 * bench/gen.c - deterministic generator of Claude Messages stream corpora.
 *
 *   gen [--shape S] [--size N[k|m]] [--seed N] [-o FILE] [--quiet]
 *
 * Writes an event stream modelled on the real recordings in
 * shared/fixtures/claude/recorded: `event: NAME` + `data: JSON` + blank line,
 * JSON exactly as the API sends it (no spaces, except `{"type": "ping"}`),
 * 0..15 spaces of padding before the closing brace of most payloads, text
 * and thinking deltas of token-sized pieces with JSON escapes and non-ASCII
 * text, signature deltas, tool_use / server_tool_use blocks streamed as
 * input_json_delta fragments (cut anywhere, even inside an escape of the
 * input JSON text), web_search_tool_result blocks, citations_delta, pings,
 * message_delta usage. Same seed, same shape, same size: same bytes.
 *
 * Shapes (all but `tiny` are valid Claude streams, message after message):
 *   realistic  many messages of realistic sizes (the anchor corpus of
 *              docs/performance.md: ~127 bytes/event, ~96% content_block_delta)
 *   single     one message of the requested size (for `sseval check`)
 *   cr         realistic with CR-only line ends
 *   crlf       realistic with CRLF line ends
 *   multiline  realistic, each payload split over several `data:` lines
 *   longlines  messages whose deltas carry 8 KiB..512 KiB of text each
 *   longtext   one message of text blocks whose deltas carry 8..64 KiB of
 *              text each (escapes, non-ASCII): `sseval check` on long lines
 *   tiny       `data: N` events of a few bytes (tokenizer only; not Claude)
 *
 * A stream boundary is a line starting `event: message_start`; the benches
 * split the corpus there and feed each message as its own stream. The size
 * is reached by whole messages (single: by blocks), so files end with a
 * complete message. Statistics go to stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG: splitmix64 ------------------------------------------------------ */
static uint64_t rng_s;
static uint64_t rnd(void) {
  uint64_t z = (rng_s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static uint32_t range(uint32_t lo, uint32_t hi) { return lo + below(hi - lo + 1); }
static int chance(unsigned per_mille) { return below(1000) < per_mille; }

/* ---- output buffer ----------------------------------------------------------- */
typedef struct buf {
  char *p;
  size_t len, cap;
} buf;
static void b_reserve(buf *b, size_t n) {
  if (b->len + n <= b->cap) return;
  size_t c = b->cap ? b->cap : 4096;
  while (c < b->len + n) c *= 2;
  char *q = realloc(b->p, c);
  if (!q) {
    fprintf(stderr, "gen: out of memory\n");
    exit(1);
  }
  b->p = q;
  b->cap = c;
}
static void b_put(buf *b, const char *s, size_t n) {
  b_reserve(b, n);
  memcpy(b->p + b->len, s, n);
  b->len += n;
}
static void b_str(buf *b, const char *s) { b_put(b, s, strlen(s)); }
static void b_ch(buf *b, char c) { b_put(b, &c, 1); }
static void b_fmt(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void b_fmt(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  b_reserve(b, (size_t)n + 1);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  b->len += (size_t)n;
}

/* ---- shapes --------------------------------------------------------------- */
enum shape { REALISTIC, SINGLE, CR, CRLF, MULTILINE, LONGLINES, TINY, LONGTEXT };
static enum shape shape = REALISTIC;
static const char *eol = "\n";

/* ---- statistics --------------------------------------------------------------- */
static uint64_t st_events, st_cbd, st_data_bytes, st_lines, st_messages, st_blocks,
    st_pings;

/* ---- the vocabulary --------------------------------------------------------- */
/* Raw UTF-8 tokens as a tokenizer would cut English prose, markdown and code.
 * Frequent tokens appear several times. Escapes are applied when writing. */
static const char *const tokens[] = {
    " the", " the", " the", " of", " of", " and", " and", " to", " to", " a",
    " a", " in", " in", " is", " is", " that", " for", " it", " as", " with",
    " on", " be", " this", " are", " by", " you", " can", " or", " an", " at",
    " from", " which", " not", " have", " will", " one", " all", " more",
    " when", " there", " use", " each", " your", " we", " how", " if", " its",
    " about", " into", " than", " then", " them", " these", " some", " would",
    " make", " like", " time", " only", " new", " also", " way", " first",
    " data", " stream", " event", " parser", " buffer", " value", " function",
    " return", " error", " state", " message", " model", " token", " input",
    " output", " example", " request", " response", " server", " client",
    " important", " consider", " however", " because", " example", " different",
    " approach", " structure", " performance", " implementation", " memory",
    " allocation", " bytes", " chunk", " line", " field", " JSON", " UTF", "-8",
    "ing", "ed", "s", "ly", "tion", "er", "ation", "ment", "ness", "able",
    "al", "ize", "ous", "ive", "est",
    ".", ".", ".", ",", ",", ",", ":", ";", "?", "!", " (", ")", " -", " \"",
    "\"", "'s", "'t", " `", "`", "**", "**", " *", "\n", "\n", "\n\n", "\n\n",
    "\n-", "\n1", "\n2", "\n3", ".\n\n", ":\n\n", "\n```", "c\n", "```\n",
    "    ", "  ", "\t", " {", "}", " =", " ==", " !=", " ->", "();", "[i]",
    " \\n", " C:\\\\Users", "\\", " /path/to", "/file", ".c", " 0", " 1", " 42",
    " 3.14", " 2025", " 64", " KiB", " %",
    /* non-ASCII: accents, punctuation, CJK, Cyrillic, Greek, emoji */
    " café", " naïve", " résumé", " —", "—", " “", "”", " …", "’s", " é",
    " 日本", "語", "の", "です", "。", " 中文", "测试", " Привет", " мир",
    " λ", " Σ", " ±", " °C", " €", " ✓", " 😀", " 🚀", "👍", " über",
    " Straße", " señor", " ø",
};
#define NTOKENS (sizeof tokens / sizeof tokens[0])

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b62[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static void rand_chars(buf *b, const char *alphabet, size_t alen, size_t n) {
  b_reserve(b, n);
  for (size_t i = 0; i < n; i++) b->p[b->len++] = alphabet[below((uint32_t)alen)];
}

/* Decode one UTF-8 sequence (input is our own valid UTF-8). */
static uint32_t utf8_dec(const unsigned char *s, size_t *n) {
  if (s[0] < 0x80) {
    *n = 1;
    return s[0];
  }
  if (s[0] < 0xE0) {
    *n = 2;
    return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if (s[0] < 0xF0) {
    *n = 3;
    return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
           (s[2] & 0x3F);
  }
  *n = 4;
  return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
         ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Write raw UTF-8 text as JSON string content. `uesc`: write non-ASCII as
 * \uXXXX escapes (surrogate pairs above the BMP), as some encoders do. */
static void json_escape(buf *b, const char *s, size_t n, int uesc) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned char c = u[i];
    if (c == '"') {
      b_put(b, "\\\"", 2);
      i++;
    } else if (c == '\\') {
      b_put(b, "\\\\", 2);
      i++;
    } else if (c == '\n') {
      b_put(b, "\\n", 2);
      i++;
    } else if (c == '\t') {
      b_put(b, "\\t", 2);
      i++;
    } else if (c == '\r') {
      b_put(b, "\\r", 2);
      i++;
    } else if (c < 0x20) {
      b_fmt(b, "\\u%04x", c);
      i++;
    } else if (c >= 0x80 && uesc) {
      size_t k;
      uint32_t cp = utf8_dec(u + i, &k);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        b_fmt(b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
      } else {
        b_fmt(b, "\\u%04x", cp);
      }
      i += k;
    } else {
      b_ch(b, (char)c);
      i++;
    }
  }
}

/* A token-sized piece of raw text: one token, sometimes two. */
static void piece_raw(buf *t) {
  unsigned n = chance(180) ? 2 : 1;
  for (unsigned i = 0; i < n; i++) b_str(t, tokens[below(NTOKENS)]);
}

/* ---- events ------------------------------------------------------------------ */
static buf out;

static void pad(buf *b) {
  unsigned n = below(16);
  for (unsigned i = 0; i < n; i++) b_ch(b, ' ');
}

/* Emit one event whose JSON payload is json[0..n). */
static void emit(const char *name, const char *json, size_t n) {
  st_events++;
  st_data_bytes += n;
  if (strcmp(name, "content_block_delta") == 0) st_cbd++;
  b_str(&out, "event: ");
  b_str(&out, name);
  b_str(&out, eol);
  st_lines += 3;
  if (shape != MULTILINE) {
    b_str(&out, "data: ");
    b_put(&out, json, n);
    b_str(&out, eol);
  } else {
    /* Split at commas outside strings: LF is JSON whitespace there, so the
     * joined data (lines joined with LF) is the same JSON value. */
    size_t start = 0;
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
      char c = json[i];
      if (in_str) {
        if (c == '\\')
          i++;
        else if (c == '"')
          in_str = 0;
      } else if (c == '"') {
        in_str = 1;
      } else if (c == ',' && chance(500)) {
        b_str(&out, "data: ");
        b_put(&out, json + start, i + 1 - start);
        b_str(&out, eol);
        st_lines++;
        start = i + 1;
      }
    }
    b_str(&out, "data: ");
    b_put(&out, json + start, n - start);
    b_str(&out, eol);
  }
  b_str(&out, eol);
}

static buf js; /* the payload being built */

static void emit_js(const char *name) { emit(name, js.p, js.len); }

static void ping(void) {
  st_pings++;
  emit("ping", "{\"type\": \"ping\"}", 16);
}
static void maybe_ping(void) {
  if (chance(30)) ping();
}

static const char *const models[] = {"claude-sonnet-4-5-20250929",
                                      "claude-opus-4-1-20250805",
                                      "claude-haiku-4-5-20251001",
                                      "claude-sonnet-4-20250514"};

static void message_start(void) {
  st_messages++;
  js.len = 0;
  b_fmt(&js,
        "{\"type\":\"message_start\",\"message\":{\"model\":\"%s\",\"id\":\"msg_01",
        models[below(4)]);
  rand_chars(&js, b62, 62, 22);
  b_fmt(&js,
        "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
        "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":%u,"
        "\"cache_creation_input_tokens\":%u,\"cache_read_input_tokens\":%u,"
        "\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
        "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":%u,"
        "\"service_tier\":\"standard\"}}",
        range(10, 90000), below(2) ? 0 : range(100, 5000),
        below(2) ? 0 : range(100, 50000), range(1, 5));
  pad(&js);
  b_ch(&js, '}');
  emit_js("message_start");
}

static void block_start_json(unsigned index, const char *content_block) {
  js.len = 0;
  b_fmt(&js, "{\"type\":\"content_block_start\",\"index\":%u,\"content_block\":%s",
        index, content_block);
  pad(&js);
  b_ch(&js, '}');
  emit_js("content_block_start");
  st_blocks++;
}

static void block_stop(unsigned index) {
  js.len = 0;
  b_fmt(&js, "{\"type\":\"content_block_stop\",\"index\":%u", index);
  pad(&js);
  b_ch(&js, '}');
  emit_js("content_block_stop");
}

/* content_block_delta with delta {"type":dtype,field:"<escaped raw>"} */
static void delta_str(unsigned index, const char *dtype, const char *field,
                      const char *raw, size_t rawlen, int do_pad) {
  js.len = 0;
  b_fmt(&js,
        "{\"type\":\"content_block_delta\",\"index\":%u,\"delta\":{\"type\":\"%s\","
        "\"%s\":\"",
        index, dtype, field);
  json_escape(&js, raw, rawlen, chance(20));
  b_str(&js, "\"}");
  if (do_pad) pad(&js);
  b_ch(&js, '}');
  emit_js("content_block_delta");
}

static buf piece;

static unsigned n_deltas(unsigned lo, unsigned hi) {
  /* Skewed towards short blocks, with a long tail. */
  unsigned a = range(lo, hi), c = range(lo, hi);
  return a < c ? a : c;
}

static void long_piece(void) {
  size_t target = range(8 << 10, 512 << 10);
  while (piece.len < target) piece_raw(&piece);
}

/* longtext: raw text of lo..hi bytes once escaped (the escaped form is what
 * the line carries), tokens with their escapes and non-ASCII. */
static void text_piece(size_t lo, size_t hi) {
  size_t target = range((uint32_t)lo, (uint32_t)hi), esc = 0;
  while (piece.len + esc < target) {
    size_t before = piece.len;
    piece_raw(&piece);
    for (size_t i = before; i < piece.len; i++) {
      char c = piece.p[i];
      esc += c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\r';
    }
  }
}

/* A text or thinking block streamed token by token. */
static void text_like_block(unsigned index, int thinking, int citations) {
  if (thinking)
    block_start_json(index, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
  else if (citations)
    block_start_json(index, "{\"citations\":[],\"type\":\"text\",\"text\":\"\"}");
  else
    block_start_json(index, "{\"type\":\"text\",\"text\":\"\"}");
  if (index == 0 && chance(500)) ping();
  unsigned n = shape == LONGLINES  ? range(2, 6)
               : shape == LONGTEXT ? range(4, 40)
               : thinking          ? n_deltas(20, 700)
                                 : n_deltas(10, 1400);
  for (unsigned i = 0; i < n; i++) {
    piece.len = 0;
    if (shape == LONGLINES)
      long_piece();
    else if (shape == LONGTEXT)
      text_piece(8 << 10, 64 << 10);
    else
      piece_raw(&piece);
    delta_str(index, thinking ? "thinking_delta" : "text_delta",
              thinking ? "thinking" : "text", piece.p, piece.len, 1);
    if (citations && chance(8)) {
      js.len = 0;
      b_fmt(&js,
            "{\"type\":\"content_block_delta\",\"index\":%u,\"delta\":{\"type\":"
            "\"citations_delta\",\"citation\":{\"type\":\"web_search_result_location\","
            "\"cited_text\":\"",
            index);
      piece.len = 0;
      unsigned k = range(5, 40);
      for (unsigned j = 0; j < k; j++) piece_raw(&piece);
      json_escape(&js, piece.p, piece.len, 0);
      b_fmt(&js,
            "\",\"url\":\"https://example.com/article/%u\",\"title\":\"Example "
            "article %u | Example News\",\"encrypted_index\":\"",
            below(100000), below(1000));
      rand_chars(&js, b64, 64, range(120, 200));
      b_str(&js, "=\"}}");
      pad(&js);
      b_ch(&js, '}');
      emit_js("content_block_delta");
    }
    maybe_ping();
  }
  if (thinking) {
    /* As recorded: an empty thinking delta, then the signature. */
    js.len = 0;
    b_fmt(&js,
          "{\"type\":\"content_block_delta\",\"index\":%u,\"delta\":{\"type\":"
          "\"thinking_delta\",\"thinking\":\"\"}}",
          index);
    emit_js("content_block_delta");
    piece.len = 0;
    rand_chars(&piece, b64, 64, range(300, 900) & ~3u);
    delta_str(index, "signature_delta", "signature", piece.p, piece.len, 1);
  }
  block_stop(index);
}

/* The raw JSON text of a tool input: keys, strings with escapes, numbers,
 * literals, nesting. */
static void tool_input_text(buf *t, int server) {
  if (server) {
    b_str(t, "{\"query\": \"");
    piece.len = 0;
    unsigned k = range(3, 10);
    for (unsigned j = 0; j < k; j++) piece_raw(&piece);
    json_escape(t, piece.p, piece.len, 0);
    b_str(t, "\"}");
    return;
  }
  b_fmt(t, "{\"path\": \"/home/user/project/src/file_%u.c\", \"content\": \"",
        below(1000));
  piece.len = 0;
  unsigned k = shape == LONGLINES ? range(200, 4000) : range(10, 300);
  for (unsigned j = 0; j < k; j++) piece_raw(&piece);
  json_escape(t, piece.p, piece.len, chance(50));
  b_fmt(t,
        "\", \"line\": %u, \"ratio\": %u.%u, \"exp\": -1.5e-%u, \"dry_run\": %s, "
        "\"tags\": [\"a\", \"b\\u00e9\", null, true], \"opts\": {\"depth\": %u, "
        "\"nested\": {\"k\": []}}}",
        below(5000), below(10), below(1000), range(1, 9),
        below(2) ? "true" : "false", below(10));
}

static void tool_block(unsigned index, int server) {
  char start[256];
  js.len = 0;
  if (server) {
    snprintf(start, sizeof start,
             "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01%.22s\",\"name\":"
             "\"web_search\",\"input\":{}}",
             "AbCdEfGhIjKlMnOpQrStUv");
  } else {
    char id[23];
    for (int i = 0; i < 22; i++) id[i] = b62[below(62)];
    id[22] = 0;
    snprintf(start, sizeof start,
             "{\"type\":\"tool_use\",\"id\":\"toolu_01%s\",\"name\":\"%s\",\"input\":{}}",
             id, below(2) ? "str_replace_based_edit_tool" : "get_weather");
  }
  block_start_json(index, start);
  buf t = {0};
  tool_input_text(&t, server);
  delta_str(index, "input_json_delta", "partial_json", "", 0, 1);
  /* Fragments cut anywhere but inside a UTF-8 sequence. */
  size_t i = 0;
  while (i < t.len) {
    size_t n = shape == LONGLINES ? range(4000, 60000) : range(1, 24);
    size_t j = i + n < t.len ? i + n : t.len;
    while (j < t.len && ((unsigned char)t.p[j] & 0xC0) == 0x80) j++;
    delta_str(index, "input_json_delta", "partial_json", t.p + i, j - i, 1);
    i = j;
    maybe_ping();
  }
  free(t.p);
  block_stop(index);
}

static void search_result_block(unsigned index) {
  buf c = {0};
  b_fmt(&c,
        "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_01%.22s\","
        "\"content\":[",
        "AbCdEfGhIjKlMnOpQrStUv");
  unsigned n = range(2, 5);
  for (unsigned i = 0; i < n; i++) {
    b_fmt(&c,
          "%s{\"type\":\"web_search_result\",\"title\":\"Result %u — example\","
          "\"url\":\"https://example.org/%u\",\"encrypted_content\":\"",
          i ? "," : "", i, below(100000));
    rand_chars(&c, b64, 64, range(200, 1200));
    b_str(&c, "\",\"page_age\":null}");
  }
  b_str(&c, "]}");
  b_ch(&c, 0);
  block_start_json(index, c.p);
  free(c.p);
  block_stop(index);
}

static void message_end(unsigned out_tokens, int tool) {
  js.len = 0;
  b_fmt(&js,
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\","
        "\"stop_sequence\":null},\"usage\":{\"input_tokens\":%u,"
        "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
        "\"output_tokens\":%u}",
        tool ? "tool_use" : "end_turn", range(10, 90000), out_tokens);
  pad(&js);
  b_ch(&js, '}');
  emit_js("message_delta");
  js.len = 0;
  b_str(&js, "{\"type\":\"message_stop\"");
  pad(&js);
  b_ch(&js, '}');
  emit_js("message_stop");
}

/* One message: a scenario of blocks. Returns nothing; appends to `out`. */
static void message(size_t single_target) {
  uint64_t ev0 = st_events;
  message_start();
  unsigned idx = 0;
  int tool = 0;
  if (single_target) {
    /* One long message: blocks until the size is reached. */
    while (out.len < single_target) {
      unsigned r = below(100);
      if (shape == LONGTEXT)
        text_like_block(idx++, r < 20, 0); /* text, some thinking */
      else if (r < 20)
        text_like_block(idx++, 1, 0);
      else if (r < 80)
        text_like_block(idx++, 0, 0);
      else if (r < 90)
        tool_block(idx++, 0);
      else {
        tool_block(idx++, 1);
        search_result_block(idx++);
        text_like_block(idx++, 0, 1);
      }
      if (idx > 4000) break; /* stay under the default max_blocks */
    }
  } else {
    unsigned r = below(100);
    if (r < 35) text_like_block(idx++, 1, 0); /* extended thinking */
    if (r >= 35 && r < 45) {                  /* web search with citations */
      text_like_block(idx++, 0, 0);
      tool_block(idx++, 1);
      search_result_block(idx++);
      text_like_block(idx++, 0, 1);
    } else {
      text_like_block(idx++, 0, 0);
    }
    if (chance(300)) {
      unsigned k = range(1, 3);
      for (unsigned i = 0; i < k; i++) tool_block(idx++, 0);
      tool = 1;
    }
  }
  message_end((unsigned)(st_events - ev0), tool);
}

static size_t parse_size(const char *s) {
  char *end;
  double v = strtod(s, &end);
  if (*end == 'k' || *end == 'K') v *= 1024;
  if (*end == 'm' || *end == 'M') v *= 1024 * 1024;
  if (*end == 'g' || *end == 'G') v *= 1024.0 * 1024 * 1024;
  return (size_t)v;
}

int main(int argc, char **argv) {
  size_t size = 64u << 20;
  uint64_t seed = 1;
  const char *path = NULL;
  int quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--shape") && v) {
      i++;
      if (!strcmp(v, "realistic")) shape = REALISTIC;
      else if (!strcmp(v, "single")) shape = SINGLE;
      else if (!strcmp(v, "cr")) shape = CR;
      else if (!strcmp(v, "crlf")) shape = CRLF;
      else if (!strcmp(v, "multiline")) shape = MULTILINE;
      else if (!strcmp(v, "longlines")) shape = LONGLINES;
      else if (!strcmp(v, "tiny")) shape = TINY;
      else if (!strcmp(v, "longtext")) shape = LONGTEXT;
      else {
        fprintf(stderr, "gen: unknown shape %s\n", v);
        return 1;
      }
    } else if (!strcmp(a, "--size") && v) {
      size = parse_size(argv[++i]);
    } else if (!strcmp(a, "--seed") && v) {
      seed = strtoull(argv[++i], NULL, 10);
    } else if (!strcmp(a, "-o") && v) {
      path = argv[++i];
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else {
      fprintf(stderr,
              "usage: gen [--shape realistic|single|cr|crlf|multiline|longlines|longtext|tiny]"
              " [--size N[k|m]] [--seed N] [-o FILE] [--quiet]\n");
      return 1;
    }
  }
  rng_s = seed * 0x2545F4914F6CDD1Dull + (uint64_t)shape;
  if (shape == CR) eol = "\r";
  if (shape == CRLF) eol = "\r\n";

  b_reserve(&out, size + (1u << 20));
  if (shape == TINY) {
    char tmp[32];
    while (out.len < size) {
      int n = snprintf(tmp, sizeof tmp, "%u", below(1000));
      b_str(&out, "data: ");
      b_put(&out, tmp, (size_t)n);
      b_str(&out, "\n\n");
      st_events++;
      st_lines += 2;
      st_data_bytes += (uint64_t)n;
    }
  } else if (shape == SINGLE || shape == LONGTEXT) {
    message(size > 4096 ? size - 2048 : 1);
  } else {
    while (out.len < size) message(0);
  }

  FILE *f = path ? fopen(path, "wb") : stdout;
  if (!f || fwrite(out.p, 1, out.len, f) != out.len || (path && fclose(f))) {
    fprintf(stderr, "gen: cannot write %s: %s\n", path ? path : "stdout",
            strerror(errno));
    return 1;
  }
  if (!quiet)
    fprintf(stderr,
            "gen: %zu bytes, %llu events (%.1f B/event, %.0f events/MiB), "
            "%.1f%% content_block_delta, %.1f%% JSON data, %.1f B/line, "
            "%llu messages, %llu blocks, %llu pings\n",
            out.len, (unsigned long long)st_events,
            (double)out.len / (double)st_events,
            (double)st_events / ((double)out.len / 1048576.0),
            100.0 * (double)st_cbd / (double)st_events,
            100.0 * (double)st_data_bytes / (double)out.len,
            (double)out.len / (double)st_lines, (unsigned long long)st_messages,
            (unsigned long long)st_blocks, (unsigned long long)st_pings);
  return 0;
}
