/* SPDX-License-Identifier: MIT */
/*
 * fuzz/claude_gen.h - a grammar-driven input decoder for fuzz_claude.
 *
 * The fuzzer's bytes are read as a small program whose opcodes emit Claude
 * Messages stream events: message_start, content_block_start of every block
 * type, the deltas that fit each block (text, citations, thinking,
 * signature, input_json pieces cut anywhere in a generated tool input,
 * compaction, unknown), stops, message_delta, message_stop, ping, error,
 * unknown events, SSE noise, raw bytes, and "corrupt the next event"
 * (a flipped, deleted or inserted byte, a cut, a bad index, a wrong or
 * missing event name, data split over several lines, a duplicated event, a
 * missing blank line, ...). The generator keeps the protocol state, so most
 * programs are valid streams with a few small corruptions, and the state
 * machine is driven deep instead of stopping at the first JSON byte.
 *
 * Every byte read past the end of the program is 0; generation stops when the
 * program is used up (then, with `autofinish`, open blocks are closed and a
 * message_delta + message_stop end the stream), or at a size cap.
 */
#ifndef SSEVAL_FUZZ_CLAUDE_GEN_H
#define SSEVAL_FUZZ_CLAUDE_GEN_H

#include "fuzz_common.h"

#define CG_MAX_BLOCKS 24
#define CG_MAX_OUT (256u * 1024u)
#define CG_MAX_EVENTS 600

enum {
  CGB_TEXT, CGB_THINKING, CGB_REDACTED, CGB_TOOL, CGB_SERVER_TOOL, CGB_MCP_TOOL,
  CGB_COMPACTION, CGB_RESULT, CGB_FALLBACK, CGB_UNKNOWN, CGB_N
};

typedef struct cg {
  const unsigned char *p, *end;
  fz_buf *out;
  unsigned events;
  int started;
  unsigned nblocks;
  unsigned char btype[CG_MAX_BLOCKS];
  unsigned char bopen[CG_MAX_BLOCKS];
  fz_buf tool[CG_MAX_BLOCKS]; /* generated tool input, streamed in pieces */
  size_t tool_pos[CG_MAX_BLOCKS];
  unsigned eol;      /* 0 LF, 1 CRLF, 2 CR */
  unsigned corrupt;  /* pending corruption of the next event (kind + 1) */
  unsigned carg, carg2;
  const char *index_override;
  int drop_field; /* the next delta lacks its content field */
} cg;

static unsigned cg_u8(cg *g) { return g->p < g->end ? *g->p++ : 0; }

static const char *const cg_good_frag[] = {
    "Hello", " world", "!", "\\n", "\\\"quoted\\\"", "\\\\", "\\u00e9",
    "\\ud83d\\ude00", "\xc3\xa9", "\xf0\x9f\x98\x80", "\\t", "\\/",
    "{\\\"k\\\": 1}", "\\u0000", "\xe6\x97\xa5\xe6\x9c\xac", "    ", "\\r\\n",
    "\\b\\f", "\\u2028", "x", "The weather in Paris", "\\uD834\\uDD1E", "0",
    "\\u001f", "\xef\xbb\xbf", "\xdf\xbf", "\xf4\x8f\xbf\xbf", "a\\\\b"};
static const char *const cg_bad_frag[] = {
    "\\ud800", "\x01", "\xff", "\\x", "\xc3", "\"", "\\udc00", "\xed\xa0\x80",
    "\\u12", "\x7f\x80", "\\ud800\\u0041", "\xf5\x80\x80\x80", "\n"};
#define CG_NGOOD (sizeof cg_good_frag / sizeof cg_good_frag[0])
#define CG_NBAD (sizeof cg_bad_frag / sizeof cg_bad_frag[0])

/* A JSON string token (with quotes) of 0..4 fragments. */
static void cg_str(cg *g, fz_buf *b) {
  unsigned n = cg_u8(g) % 5, k;
  fz_buf_byte(b, '"');
  for (k = 0; k < n; k++) {
    unsigned v = cg_u8(g);
    fz_buf_str(b, v < 244 ? cg_good_frag[v % CG_NGOOD] : cg_bad_frag[v % CG_NBAD]);
  }
  fz_buf_byte(b, '"');
}

static const char *const cg_numbers[] = {
    "0", "1", "-1", "3.14", "1e10", "12345678901234567890", "-0.5E-3", "42",
    "1E+2", "0.0", "-0", "7"};
static const char *const cg_keys[] = {"location", "unit", "query", "n",
                                      "list", "nested", "", "k\\u00e9y",
                                      "path", "command"};

/* A JSON value (raw text) for tool input; depth-limited. */
static void cg_jvalue(cg *g, fz_buf *b, unsigned depth) {
  unsigned v = cg_u8(g), k, n;
  switch (depth >= 3 ? v % 5 : v % 7) {
  case 0: cg_str(g, b); break;
  case 1: fz_buf_str(b, cg_numbers[cg_u8(g) % 12]); break;
  case 2: fz_buf_str(b, "true"); break;
  case 3: fz_buf_str(b, "null"); break;
  case 4: fz_buf_str(b, (v & 8) ? "false" : "\"\""); break;
  case 5:
    n = cg_u8(g) % 4;
    fz_buf_byte(b, '[');
    for (k = 0; k < n; k++) {
      if (k) fz_buf_str(b, (v & 16) ? ", " : ",");
      cg_jvalue(g, b, depth + 1);
    }
    fz_buf_byte(b, ']');
    break;
  default:
    n = cg_u8(g) % 4;
    fz_buf_byte(b, '{');
    for (k = 0; k < n; k++) {
      if (k) fz_buf_str(b, ", ");
      fz_buf_byte(b, '"');
      fz_buf_str(b, cg_keys[cg_u8(g) % 10]);
      fz_buf_str(b, (v & 16) ? "\": " : "\":");
      cg_jvalue(g, b, depth + 1);
    }
    fz_buf_byte(b, '}');
  }
}

/* The whole input of a tool block (an object; rarely something else). */
static void cg_tool_input(cg *g, fz_buf *b) {
  unsigned v = cg_u8(g), n = 1 + v % 3, k;
  if (v >= 250) {
    cg_jvalue(g, b, 1); /* not an object: tool_input_invalid */
    return;
  }
  fz_buf_byte(b, '{');
  for (k = 0; k < n; k++) {
    if (k) fz_buf_str(b, ", ");
    fz_buf_byte(b, '"');
    fz_buf_str(b, cg_keys[cg_u8(g) % 10]);
    fz_buf_str(b, "\": ");
    cg_jvalue(g, b, 1);
  }
  fz_buf_byte(b, '}');
  if (v >= 245) b->len -= 1; /* cut: invalid at stop */
}

/* Append text[0..n) as the contents of a JSON string (escaped); with
 * `uesc`, non-ASCII characters become \u escapes (pairs above U+FFFF). */
static void cg_escape(fz_buf *b, const unsigned char *s, size_t n, int uesc) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c == '"' || c == '\\') {
      fz_buf_byte(b, '\\');
      fz_buf_byte(b, c);
      i++;
    } else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', 0, 0};
      e[4] = hex[c >> 4];
      e[5] = hex[c & 15];
      fz_buf_add(b, e, 6);
      i++;
    } else if (c >= 0x80 && uesc) {
      size_t k = fz_utf8_seq(s + i, n - i);
      unsigned cp;
      if (!k) { /* cannot happen for generated text; keep the byte */
        fz_buf_byte(b, c);
        i++;
        continue;
      }
      cp = k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
      {
        size_t j;
        for (j = 1; j < k; j++) cp = cp << 6 | (s[i + j] & 0x3Fu);
      }
      if (cp >= 0x10000) {
        unsigned hi = 0xD800 + ((cp - 0x10000) >> 10);
        unsigned lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
        char e[12] = {'\\', 'u', 0, 0, 0, 0, '\\', 'u', 0, 0, 0, 0};
        e[2] = hex[hi >> 12]; e[3] = hex[(hi >> 8) & 15];
        e[4] = hex[(hi >> 4) & 15]; e[5] = hex[hi & 15];
        e[8] = hex[lo >> 12]; e[9] = hex[(lo >> 8) & 15];
        e[10] = hex[(lo >> 4) & 15]; e[11] = hex[lo & 15];
        fz_buf_add(b, e, 12);
      } else {
        char e[6] = {'\\', 'u', 0, 0, 0, 0};
        e[2] = hex[cp >> 12]; e[3] = hex[(cp >> 8) & 15];
        e[4] = hex[(cp >> 4) & 15]; e[5] = hex[cp & 15];
        fz_buf_add(b, e, 6);
      }
      i += k;
    } else {
      fz_buf_byte(b, c);
      i++;
    }
  }
}

/* ---- emitting events -------------------------------------------------------------- */

static const char *cg_eol(const cg *g) {
  return g->eol == 1 ? "\r\n" : g->eol == 2 ? "\r" : "\n";
}

static const char *const cg_event_names[] = {
    "message_start", "content_block_start", "content_block_delta",
    "content_block_stop", "message_delta", "message_stop", "ping", "error",
    "future_event"};
static const char *const cg_insert_tok[] = {",", "}", "]", "\"", ":", "null",
                                            "1", " ", "\\", "{", "[", "\xff",
                                            "\n", "\t", "tru", "-"};

/* Write one event (applying a pending corruption to it). */
static void cg_emit(cg *g, const char *name, fz_buf *data) {
  unsigned kind = g->corrupt;
  unsigned a = g->carg, a2 = g->carg2;
  const char *eol = cg_eol(g);
  int times = 1, blank = 1, t;
  g->corrupt = 0;
  g->events++;
  if (kind) {
    size_t len = data->len;
    switch (kind - 1) {
    case 0: /* flip a bit */
      if (len) data->p[a % len] = (char)(data->p[a % len] ^ (1u << (a2 % 8)));
      break;
    case 1: /* delete a byte */
      if (len) {
        size_t at = a % len;
        memmove(data->p + at, data->p + at + 1, len - at - 1);
        data->len--;
      }
      break;
    case 2: { /* insert a token */
      fz_buf nb;
      size_t at = len ? a % (len + 1) : 0;
      fz_buf_init(&nb);
      fz_buf_add(&nb, data->p, at);
      fz_buf_str(&nb, cg_insert_tok[a2 % 16]);
      fz_buf_add(&nb, data->p + at, len - at);
      fz_buf_free(data);
      *data = nb;
      break;
    }
    case 3: /* cut */
      if (len) data->len = a % len;
      break;
    case 4: /* wrong event name */
      name = cg_event_names[a % 9];
      break;
    case 5: /* no event: line */
      name = NULL;
      break;
    case 7: /* empty event: name (the type becomes "message") */
      name = "";
      break;
    case 8: /* the event twice */
      times = 2;
      break;
    case 9: { /* SSE noise before the event */
      static const char *const noise[] = {": keep-alive", "id: 42", "retry: 3000",
                                          "x-unknown: 1", ":", "id", "retry: x"};
      fz_buf_str(g->out, noise[a % 7]);
      fz_buf_str(g->out, eol);
      break;
    }
    case 10: /* no blank line after it */
      blank = 0;
      break;
    case 11: /* padding before the closing brace (real streams do this) */
      if (len && data->p[len - 1] == '}') {
        unsigned k;
        data->len--;
        for (k = 0; k < 1 + a % 40; k++) fz_buf_byte(data, ' ');
        fz_buf_byte(data, '}');
      }
      break;
    default: /* 6: data over several lines (a newline inside the JSON) */
      break;
    }
  }
  for (t = 0; t < times; t++) {
    if (name) {
      fz_buf_str(g->out, *name ? "event: " : "event:");
      fz_buf_str(g->out, name);
      fz_buf_str(g->out, eol);
    }
    fz_buf_str(g->out, "data: ");
    if (kind == 7 && data->len) { /* split over two data lines */
      size_t at = a % data->len;
      fz_buf_add(g->out, data->p, at);
      fz_buf_str(g->out, eol);
      fz_buf_str(g->out, (a2 & 1) ? "data:" : "data: ");
      fz_buf_add(g->out, data->p + at, data->len - at);
    } else {
      fz_buf_add(g->out, data->p, data->len);
    }
    fz_buf_str(g->out, eol);
    if (blank) fz_buf_str(g->out, eol);
  }
}

static void cg_index(cg *g, fz_buf *d, unsigned index) {
  fz_buf_str(d, ",\"index\":");
  if (g->index_override) {
    fz_buf_str(d, g->index_override);
    g->index_override = NULL;
  } else {
    fz_buf_u64(d, index);
  }
}

/* A usage object with 0..23 members (exercises the merged-map index). */
static void cg_big_usage(cg *g, fz_buf *d) {
  static const char *const keys[] = {
      "input_tokens", "output_tokens", "cache_read_input_tokens",
      "cache_creation_input_tokens", "server_tool_use", "service_tier",
      "out\\u0070ut_tokens", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8",
      "k9", "cache_creation", "output_tokens_details", "", "x\\ty"};
  unsigned n = cg_u8(g) % 24, k;
  fz_buf_byte(d, '{');
  for (k = 0; k < n; k++) {
    unsigned v = cg_u8(g);
    if (k) fz_buf_byte(d, ',');
    fz_buf_byte(d, '"');
    fz_buf_str(d, keys[v % 20]);
    fz_buf_str(d, "\":");
    fz_buf_str(d, (v & 0x60) == 0x60 ? "null" : (v & 0x40) ? "{\"a\":[1]}" : cg_numbers[v % 12]);
  }
  fz_buf_byte(d, '}');
}

static void cg_message_start(cg *g) {
  fz_buf d;
  unsigned v = cg_u8(g);
  static const char *const ids[] = {"\"msg_019Q1hrJbZG26Fb9BQhrkHEr\"",
                                    "\"msg_\\u0030\\u00e9\"", "\"\"", "123",
                                    "\"msg_01\xf0\x9f\x98\x80\""};
  static const char *const models[] = {"\"claude-sonnet-4-5\"",
                                       "\"claude-opus-4-1-20250805\"",
                                       "\"claude\\/x\"", "null"};
  fz_buf_init(&d);
  fz_buf_str(&d, "{\"type\":\"message_start\",\"message\":{");
  if ((v & 3) != 3) {
    fz_buf_str(&d, "\"id\":");
    fz_buf_str(&d, ids[v < 230 ? (v >> 2) % 3 : (v >> 2) % 5]);
    fz_buf_str(&d, ",");
  }
  fz_buf_str(&d, "\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  fz_buf_str(&d, models[v < 240 ? (v >> 4) % 3 : 3]);
  fz_buf_str(&d, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                 "\"usage\":{\"input_tokens\":");
  fz_buf_str(&d, cg_numbers[cg_u8(g) % 12]);
  fz_buf_str(&d, ",\"cache_creation_input_tokens\":0,\"output_tokens\":1}");
  if (v & 128) { /* a second usage member: the last one wins */
    fz_buf_str(&d, ",\"usage\":");
    cg_big_usage(g, &d);
  }
  if (v & 64) fz_buf_str(&d, ",\"container\":null");
  fz_buf_str(&d, "}}");
  cg_emit(g, "message_start", &d);
  fz_buf_free(&d);
  g->started = 1;
}

static void cg_ensure_started(cg *g) {
  if (!g->started) cg_message_start(g);
}

static void cg_block_start(cg *g, unsigned type) {
  fz_buf d;
  unsigned i = g->nblocks, v = cg_u8(g);
  fz_buf_init(&d);
  fz_buf_str(&d, "{\"type\":\"content_block_start\"");
  cg_index(g, &d, i);
  fz_buf_str(&d, ",\"content_block\":");
  switch (type) {
  case CGB_TEXT:
    fz_buf_str(&d, "{\"type\":\"text\",\"text\":");
    if (v & 1) cg_str(g, &d);
    else fz_buf_str(&d, "\"\"");
    if (v & 2) fz_buf_str(&d, ",\"citations\":[]");
    fz_buf_str(&d, "}");
    break;
  case CGB_THINKING:
    fz_buf_str(&d, "{\"type\":\"thinking\",\"thinking\":");
    if (v & 1) cg_str(g, &d);
    else fz_buf_str(&d, "\"\"");
    fz_buf_str(&d, ",\"signature\":\"\"}");
    break;
  case CGB_REDACTED:
    fz_buf_str(&d, "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT\"}");
    break;
  case CGB_TOOL:
  case CGB_SERVER_TOOL:
  case CGB_MCP_TOOL:
    fz_buf_str(&d, type == CGB_TOOL ? "{\"type\":\"tool_use\",\"id\":\"toolu_01NRLabsLyVHZPKxbKvkfSMn\",\"name\":"
                   : type == CGB_SERVER_TOOL ? "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_014\",\"name\":"
                                             : "{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_1\",\"server_name\":\"s\",\"name\":");
    fz_buf_str(&d, (v & 1) ? "\"get_weather\"" : "\"web_\\u0073earch\"");
    if (v & 2) fz_buf_str(&d, ",\"caller\":{\"type\":\"direct\"}");
    fz_buf_str(&d, (v & 4) ? ",\"input\":{}}" : (v & 8) ? "}" : ",\"input\":{\"pre\":[1]}}");
    break;
  case CGB_COMPACTION:
    fz_buf_str(&d, "{\"type\":\"compaction\",\"content\":\"\"}");
    break;
  case CGB_RESULT:
    fz_buf_str(&d, "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_014\",\"content\":[{\"type\":\"web_search_result\",\"title\":");
    cg_str(g, &d);
    fz_buf_str(&d, ",\"url\":\"https://example.com/\",\"page_age\":null}]}");
    break;
  case CGB_FALLBACK:
    fz_buf_str(&d, "{\"type\":\"fallback\",\"text\":\"\"}");
    break;
  default:
    fz_buf_str(&d, (v & 1) ? "{\"type\":\"future_block\",\"x\":[1,{\"y\":null}]}"
                           : "{\"type\":\"te\\u0078t\",\"text\":\"\"}");
  }
  fz_buf_str(&d, "}");
  cg_emit(g, "content_block_start", &d);
  fz_buf_free(&d);
  if (i < CG_MAX_BLOCKS) {
    g->btype[i] = (unsigned char)type;
    g->bopen[i] = 1;
    g->tool[i].len = 0;
    g->tool_pos[i] = 0;
    if (type == CGB_TOOL || type == CGB_SERVER_TOOL || type == CGB_MCP_TOOL)
      cg_tool_input(g, &g->tool[i]);
    g->nblocks++;
  }
}

/* A block index for a delta or stop: mostly an open block. */
static unsigned cg_pick_block(cg *g) {
  unsigned v = cg_u8(g), open = 0, i;
  for (i = 0; i < g->nblocks; i++) open += g->bopen[i];
  if (v < 220 && open) {
    unsigned k = v % open;
    for (i = 0; i < g->nblocks; i++)
      if (g->bopen[i] && k-- == 0) return i;
  }
  return v % (g->nblocks + 2);
}

/* Next piece of a tool block's input (cut at a character boundary). */
static void cg_tool_piece(cg *g, unsigned i, fz_buf *d, size_t want, int uesc) {
  fz_buf *t = &g->tool[i];
  size_t at = g->tool_pos[i], n = want;
  if (at >= t->len) return; /* nothing left (or nothing generated) */
  if (at + n > t->len) n = t->len - at;
  while (at + n < t->len && ((unsigned char)t->p[at + n] & 0xC0) == 0x80) n++;
  cg_escape(d, (const unsigned char *)t->p + at, n, uesc);
  g->tool_pos[i] = at + n;
}

static void cg_delta(cg *g, unsigned i, unsigned which) {
  fz_buf d;
  unsigned type = i < g->nblocks && i < CG_MAX_BLOCKS ? g->btype[i] : CGB_TEXT;
  unsigned v = cg_u8(g);
  fz_buf_init(&d);
  fz_buf_str(&d, "{\"type\":\"content_block_delta\"");
  cg_index(g, &d, i);
  fz_buf_str(&d, ",\"delta\":");
  if (v >= 248) type = v % CGB_N; /* a delta that may not fit the block */
  if (g->drop_field) { /* a known delta without its field */
    static const char *const bare[] = {
        "{\"type\":\"text_delta\"}", "{\"type\":\"input_json_delta\",\"partial_json\":1}",
        "{\"type\":\"thinking_delta\",\"thinking\":null}", "{\"type\":\"signature_delta\"}",
        "{\"type\":\"citations_delta\"}", "{\"type\":\"compaction_delta\"}",
        "{\"type\":\"text_delta\",\"text\":[]}", "{\"type\":7}"};
    g->drop_field = 0;
    fz_buf_str(&d, bare[v % 8]);
    type = CGB_N; /* nothing more */
  }
  switch (type) {
  case CGB_N:
    break;
  case CGB_TEXT:
  case CGB_FALLBACK:
    if (which % 5 == 4) {
      fz_buf_str(&d, "{\"type\":\"citations_delta\",\"citation\":{\"type\":\"char_location\",\"cited_text\":");
      cg_str(g, &d);
      fz_buf_str(&d, ",\"document_index\":0,\"start_char_index\":0,\"end_char_index\":5}}");
    } else {
      fz_buf_str(&d, "{\"type\":\"text_delta\",\"text\":");
      cg_str(g, &d);
      fz_buf_str(&d, "}");
    }
    break;
  case CGB_THINKING:
  case CGB_REDACTED:
    if (which % 4 == 3) {
      fz_buf_str(&d, (v & 1) ? "{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3h\"}"
                             : "{\"type\":\"signature_delta\",\"signature\":\"Sig\\u002f2\"}");
    } else {
      fz_buf_str(&d, "{\"type\":\"thinking_delta\",\"thinking\":");
      cg_str(g, &d);
      fz_buf_str(&d, "}");
    }
    break;
  case CGB_TOOL:
  case CGB_SERVER_TOOL:
  case CGB_MCP_TOOL:
    fz_buf_str(&d, "{\"type\":\"input_json_delta\",\"partial_json\":\"");
    if (i < CG_MAX_BLOCKS && i < g->nblocks)
      cg_tool_piece(g, i, &d, which % 13, v & 2);
    fz_buf_str(&d, "\"}");
    break;
  case CGB_COMPACTION:
    fz_buf_str(&d, "{\"type\":\"compaction_delta\",\"content\":");
    cg_str(g, &d);
    if (v & 4) fz_buf_str(&d, ",\"encrypted_content\":\"Eu8B\",\"n\":[1]");
    fz_buf_str(&d, "}");
    break;
  default:
    fz_buf_str(&d, (v & 1) ? "{\"type\":\"future_delta\",\"v\":[1,2]}"
                           : "{\"type\":\"text_\\u0064elta\",\"text\":\"x\"}");
  }
  fz_buf_str(&d, "}");
  cg_emit(g, "content_block_delta", &d);
  fz_buf_free(&d);
}

static void cg_block_stop(cg *g, unsigned i) {
  fz_buf d;
  fz_buf_init(&d);
  fz_buf_str(&d, "{\"type\":\"content_block_stop\"");
  cg_index(g, &d, i);
  fz_buf_str(&d, "}");
  cg_emit(g, "content_block_stop", &d);
  fz_buf_free(&d);
  if (i < g->nblocks && i < CG_MAX_BLOCKS) g->bopen[i] = 0;
}

static void cg_message_delta(cg *g) {
  fz_buf d;
  unsigned v = cg_u8(g);
  static const char *const reasons[] = {
      "\"end_turn\"", "\"max_tokens\"", "\"tool_use\"", "\"stop_sequence\"",
      "\"pause_turn\"", "\"refusal\"", "\"model_context_window_exceeded\"",
      "null", "\"\\u0065nd_turn\"", "\"max_tok\\u0065ns\""};
  static const char *const usages[] = {
      "{\"output_tokens\":15}",
      "{\"input_tokens\":null,\"output_tokens\":7,\"server_tool_use\":{\"web_search_requests\":1}}",
      "{}", "{\"output_tokens\":1,\"output_tokens\":2}",
      "{\"cache_read_input_tokens\":5,\"output_tokens\":3}"};
  fz_buf_init(&d);
  fz_buf_str(&d, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
  fz_buf_str(&d, reasons[v % 10]);
  fz_buf_str(&d, ",\"stop_sequence\":");
  if (v & 16) cg_str(g, &d);
  else fz_buf_str(&d, "null");
  if (v & 32)
    fz_buf_str(&d, ",\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\",\"explanation\":null}");
  fz_buf_str(&d, "}");
  if (!(v & 64) || (v & 128)) {
    unsigned u = cg_u8(g);
    fz_buf_str(&d, ",\"usage\":");
    if (u % 6 == 5) cg_big_usage(g, &d);
    else fz_buf_str(&d, usages[u % 6]);
  }
  fz_buf_str(&d, "}");
  cg_emit(g, "message_delta", &d);
  fz_buf_free(&d);
}

static void cg_simple(cg *g, const char *name, const char *json) {
  fz_buf d;
  fz_buf_init(&d);
  fz_buf_str(&d, json);
  cg_emit(g, name, &d);
  fz_buf_free(&d);
}

static void cg_error(cg *g) {
  fz_buf d;
  unsigned v = cg_u8(g);
  static const char *const types[] = {
      "overloaded_error", "api_error", "rate_limit_error", "invalid_request_error",
      "authentication_error", "billing_error", "permission_error",
      "not_found_error", "request_too_large", "timeout_error", "weird_error",
      "overloaded_\\u0065rror"};
  fz_buf_init(&d);
  if (v % 8 == 7) {
    fz_buf_str(&d, "Internal server error \xff");
  } else {
    fz_buf_str(&d, "{\"type\":\"error\",\"error\":{\"type\":\"");
    fz_buf_str(&d, types[(v >> 3) % 12]);
    fz_buf_str(&d, "\"");
    if (v & 1) {
      fz_buf_str(&d, ",\"message\":");
      cg_str(g, &d);
    }
    fz_buf_str(&d, "}");
    if (v & 2) fz_buf_str(&d, ",\"request_id\":\"req_011CQ\"");
    fz_buf_str(&d, "}");
  }
  cg_emit(g, "error", &d);
  fz_buf_free(&d);
}

/* Close every open block (finishing tool input), then message_delta and
 * message_stop. */
static void cg_finish(cg *g) {
  unsigned i;
  cg_ensure_started(g);
  for (i = 0; i < g->nblocks && i < CG_MAX_BLOCKS; i++) {
    if (!g->bopen[i]) continue;
    if (g->tool_pos[i] < g->tool[i].len) {
      fz_buf d;
      fz_buf_init(&d);
      fz_buf_str(&d, "{\"type\":\"content_block_delta\",\"index\":");
      fz_buf_u64(&d, i);
      fz_buf_str(&d, ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"");
      cg_tool_piece(g, i, &d, g->tool[i].len, 0);
      fz_buf_str(&d, "\"}}");
      cg_emit(g, "content_block_delta", &d);
      fz_buf_free(&d);
    }
    cg_block_stop(g, i);
  }
  cg_simple(g, "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
            "\"stop_sequence\":null},\"usage\":{\"output_tokens\":42}}");
  cg_simple(g, "message_stop", "{\"type\":\"message_stop\"}");
}

/* Decode `prog` into a stream appended to *out. */
static void cg_generate(const unsigned char *prog, size_t n, int autofinish,
                        fz_buf *out) {
  cg g;
  unsigned i;
  memset(&g, 0, sizeof g);
  g.p = prog;
  g.end = prog + n;
  g.out = out;
  for (i = 0; i < CG_MAX_BLOCKS; i++) fz_buf_init(&g.tool[i]);
  if (n && prog[0] == 0xEF) fz_buf_str(out, "\xef\xbb\xbf"); /* a BOM */
  while (g.p < g.end && out->len < CG_MAX_OUT && g.events < CG_MAX_EVENTS) {
    unsigned op = cg_u8(&g) % 16, v;
    switch (op) {
    case 0: cg_message_start(&g); break;
    case 1:
    case 2:
      cg_ensure_started(&g);
      cg_block_start(&g, cg_u8(&g) % CGB_N);
      break;
    case 3:
    case 4:
    case 5:
      cg_ensure_started(&g);
      if (!g.nblocks) cg_block_start(&g, op == 5 ? CGB_TOOL : CGB_TEXT);
      v = cg_u8(&g);
      cg_delta(&g, cg_pick_block(&g), v);
      break;
    case 6: cg_block_stop(&g, cg_pick_block(&g)); break;
    case 7: cg_ensure_started(&g); cg_message_delta(&g); break;
    case 8: cg_simple(&g, "message_stop", "{\"type\":\"message_stop\"}"); break;
    case 9: cg_simple(&g, "ping", "{\"type\": \"ping\"}"); break;
    case 10: cg_error(&g); break;
    case 11:
      v = cg_u8(&g);
      cg_simple(&g, (v & 1) ? "future_event" : "message_ping",
                (v & 2) ? "{\"type\":\"future_event\",\"x\":1}" : "not json \x80");
      break;
    case 12:
      v = cg_u8(&g);
      if (v % 14 == 13) {
        static const char *const idx[] = {"-1", "\"0\"", "1.0", "18446744073709551616",
                                          "null", "99", "1e0", "4294967296",
                                          "0", "00"};
        g.index_override = idx[cg_u8(&g) % 10];
      } else {
        g.corrupt = 1 + v % 13;
        if (g.corrupt == 13) { /* kind 12: the next delta without its field */
          g.corrupt = 0;
          g.drop_field = 1;
        }
        g.carg = cg_u8(&g);
        g.carg |= cg_u8(&g) << 8;
        g.carg2 = cg_u8(&g);
      }
      break;
    case 13:
      v = cg_u8(&g);
      if (v < 64) g.eol = v % 3;
      else if (v < 128) fz_buf_str(out, ": ping\n");
      else fz_buf_str(out, cg_eol(&g)); /* a stray blank line */
      break;
    case 14: { /* raw bytes */
      unsigned k = cg_u8(&g) % 32;
      while (k-- && g.p < g.end) fz_buf_byte(out, cg_u8(&g));
      break;
    }
    default: cg_finish(&g); break;
    }
  }
  if (autofinish) cg_finish(&g);
  for (i = 0; i < CG_MAX_BLOCKS; i++) fz_buf_free(&g.tool[i]);
}

#endif /* SSEVAL_FUZZ_CLAUDE_GEN_H */
