/* SPDX-License-Identifier: MIT */
/*
 * src/accum.c - the optional accumulator: rebuilds the final message from
 * validated pieces and writes it as the non-streaming API would return it.
 *
 * Blocks are written as their content_block_start object with the streamed
 * fields laid over it: text (+ citations), thinking + signature, a tool's
 * input (or input:null + partial_json when it never completed), the fields
 * of compaction_delta. Usage is a key -> raw value map: message_delta values
 * overwrite message_start's, key by key, never added.
 *
 * The message itself is message_start's `message` object, in its key order,
 * with the rebuilt members written over it (content, stop_reason,
 * stop_sequence, usage) and the message-level fields message_delta brings
 * (its delta's members, e.g. stop_details and container, and its own
 * top-level members, e.g. context_management) laid over or appended, as the
 * TypeScript SDK's MessageStream does to its snapshot.
 *
 * Summary mode (SSEVAL_CLAUDE_SUMMARY): the text of text and thinking blocks
 * is not kept, only its first SSEVAL_CLAUDE_PREVIEW_BYTES bytes (cut at a
 * character boundary) and its length in bytes and characters, counted as the
 * pieces arrive; an escaped string is counted on its raw bytes and only the
 * part the preview needs is decoded. A report that summarises a message of
 * megabytes of text then touches no memory in proportion to it.
 */
#include <string.h>

/* SSE2 is part of every x86-64; SSEVAL_JSON_NO_SIMD forces the portable
 * path (the *_portable tests build with it). */
#if defined(__SSE2__) && !defined(SSEVAL_JSON_NO_SIMD)
#include <emmintrin.h>
#define ACC_SSE2 1
#endif

#include "accum.h"
#include "bits.h"
#include "simd.h"
#include "types.h"

/* An ordered map of JSON members: key (raw, still escaped) -> raw value. */
typedef struct kv_entry {
  size_t key_off, key_len, val_off, val_len;
} kv_entry;

typedef struct kvmap {
  sseval__buf arena;   /* key and value bytes */
  sseval__buf entries; /* kv_entry[] */
  size_t dead;         /* arena bytes no entry points to any more */
  sseval__buf index;   /* open-addressing hash: uint32_t slots holding entry
                          number + 1 (0 = empty); built past 8 entries */
} kvmap;

static size_t kv_count(const kvmap *kv) {
  return kv->entries.len / sizeof(kv_entry);
}

/* Forget every entry (the memory is kept for the next stream). */
static void kv_clear(kvmap *kv) {
  kv->arena.len = kv->entries.len = 0;
  kv->dead = 0;
  if (kv->index.len) memset(kv->index.ptr, 0, kv->index.len);
}

static uint32_t kv_hash(const char *k, size_t n) {
  uint32_t h = 2166136261u; /* FNV-1a */
  size_t i;
  for (i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
  return h;
}

typedef struct acc_block {
  sseval_block_type type;
  int stopped, input_complete, has_signature, ncitations;
  sseval__buf start;     /* content_block_start object, raw */
  sseval__buf text;      /* decoded text / thinking / tool input */
  sseval__buf signature; /* decoded, last one wins */
  sseval__buf citations; /* raw citation objects joined by ',' */
  sseval__buf strings;   /* decoded type name, tool id, tool name */
  size_t type_len, id_len, name_len;
  size_t input_off, input_len; /* start's "input" value inside `start` */
  int has_input;
  /* summary mode, text and thinking blocks: `text` holds the preview only */
  int summarised, cut;          /* cut: the preview dropped a piece */
  size_t sum_bytes, sum_chars;  /* the whole text's length */
  kvmap fields; /* merged delta fields (compaction) */
} acc_block;

struct sseval__acc {
  sseval__mem *mem;
  size_t max_keys; /* per merged map (usage, a block's delta fields) */
  int summary;     /* SSEVAL_CLAUDE_SUMMARY */
  int has_start;
  sseval__buf id, model, stop_reason, stop_sequence;
  int has_stop_reason, has_stop_sequence;
  sseval__buf start_msg; /* message_start's message object, raw */
  kvmap fields;          /* message-level fields from message_delta, keyed
                            by their unescaped names, raw values */
  sseval__buf keybuf;    /* an unescaped name being merged */
  kvmap usage;
  acc_block *blocks;
  uint32_t nblocks, cap;
};

/* ---- helpers --------------------------------------------------------------- */

static int put_decoded(sseval__buf *b, sseval__mem *m, const sseval__jstr *s) {
  sseval__jdec d;
  sseval_span piece;
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece))
    if (!sseval__buf_append(b, m, piece.ptr, piece.len)) return 0;
  return 1;
}

static void kv_free(kvmap *kv, sseval__mem *m) {
  sseval__buf_free(&kv->arena, m);
  sseval__buf_free(&kv->entries, m);
  sseval__buf_free(&kv->index, m);
}

static int kv_key_is(const kvmap *kv, const kv_entry *e, const char *key,
                     size_t n) {
  return e->key_len == n &&
         (n == 0 || memcmp(kv->arena.ptr + e->key_off, key, n) == 0);
}

static kv_entry *kv_find(const kvmap *kv, const char *key, size_t n) {
  kv_entry *e = (kv_entry *)(void *)kv->entries.ptr;
  size_t i, count = kv_count(kv);
  if (kv->index.len) { /* hashed: expected O(1) */
    const uint32_t *slot = (const uint32_t *)(const void *)kv->index.ptr;
    size_t mask = kv->index.len / sizeof *slot - 1;
    for (i = kv_hash(key, n) & mask; slot[i]; i = (i + 1) & mask)
      if (kv_key_is(kv, &e[slot[i] - 1], key, n)) return &e[slot[i] - 1];
    return NULL;
  }
  for (i = 0; i < count; i++)
    if (kv_key_is(kv, &e[i], key, n)) return &e[i];
  return NULL;
}

/* Make the hash index right for `count` entries (sizes it to at least
 * twice that, a power of two), then index entry `count - 1`. Small maps
 * (usage has about ten keys) are scanned instead. Returns 0 on allocation
 * failure (the map is unchanged and stays correct without the index). */
static int kv_index_add(kvmap *kv, sseval__mem *m, size_t count) {
  const kv_entry *e = (const kv_entry *)(const void *)kv->entries.ptr;
  uint32_t *slot;
  size_t nslots = kv->index.len / sizeof *slot, i, k, mask;
  if (count <= 8 && !nslots) return 1;
  if (count * 2 > nslots) { /* (re)build at double the size */
    size_t want = 32;
    while (want < count * 2) want *= 2;
    kv->index.len = 0;
    if (!sseval__buf_reserve(&kv->index, m, want * sizeof *slot)) {
      kv->index.len = 0; /* no index: linear lookups remain correct */
      return 0;
    }
    kv->index.len = want * sizeof *slot;
    memset(kv->index.ptr, 0, kv->index.len);
    slot = (uint32_t *)(void *)kv->index.ptr;
    mask = want - 1;
    for (k = 0; k < count; k++) {
      for (i = kv_hash(kv->arena.ptr + e[k].key_off, e[k].key_len) & mask;
           slot[i]; i = (i + 1) & mask)
        ;
      slot[i] = (uint32_t)(k + 1);
    }
    return 1;
  }
  slot = (uint32_t *)(void *)kv->index.ptr;
  mask = nslots - 1;
  k = count - 1;
  for (i = kv_hash(kv->arena.ptr + e[k].key_off, e[k].key_len) & mask; slot[i];
       i = (i + 1) & mask)
    ;
  slot[i] = (uint32_t)(k + 1);
  return 1;
}

/* Rewrite the arena with only the live keys and values (after overwrites
 * left dead bytes behind), so memory stays proportional to the map. */
static int kv_compact(kvmap *kv, sseval__mem *m) {
  sseval__buf fresh = {NULL, 0, 0};
  kv_entry *e = (kv_entry *)(void *)kv->entries.ptr;
  size_t i, count = kv->entries.len / sizeof *e;
  for (i = 0; i < count; i++) {
    size_t k = fresh.len, v;
    if (!sseval__buf_append(&fresh, m, kv->arena.ptr + e[i].key_off,
                            e[i].key_len))
      goto fail;
    v = fresh.len;
    if (!sseval__buf_append(&fresh, m, kv->arena.ptr + e[i].val_off,
                            e[i].val_len))
      goto fail;
    e[i].key_off = k;
    e[i].val_off = v;
  }
  sseval__buf_free(&kv->arena, m);
  kv->arena = fresh;
  kv->dead = 0;
  return 1;
fail: /* the old arena and offsets are untouched until here: keep them */
  sseval__buf_free(&fresh, m);
  return 0;
}

/* Set key (raw) to value (raw); an overwrite keeps the key's position and
 * reuses its bytes when the new value fits. Returns 1, 0 on allocation
 * failure, -1 when a new key would exceed max_keys. */
static int kv_set(kvmap *kv, sseval__mem *m, const char *key, size_t klen,
                  const char *val, size_t vlen, size_t max_keys) {
  kv_entry *e = kv_find(kv, key, klen);
  size_t voff;
  if (e && vlen <= e->val_len) { /* in place */
    memcpy(kv->arena.ptr + e->val_off, val, vlen);
    kv->dead += e->val_len - vlen;
    e->val_len = vlen;
    return 1;
  }
  if (!e && kv_count(kv) >= max_keys) return -1;
  if (e && kv->dead + e->val_len > kv->arena.len - kv->dead - e->val_len) {
    /* more dead than live bytes: compact before growing (offsets change) */
    if (!kv_compact(kv, m)) return 0;
    e = kv_find(kv, key, klen);
  }
  voff = kv->arena.len;
  if (!sseval__buf_append(&kv->arena, m, val, vlen)) return 0;
  if (e) {
    kv->dead += e->val_len;
    e->val_off = voff;
    e->val_len = vlen;
    return 1;
  } else {
    kv_entry ne;
    ne.key_off = kv->arena.len;
    ne.key_len = klen;
    ne.val_off = voff;
    ne.val_len = vlen;
    if (!sseval__buf_append(&kv->arena, m, key, klen)) return 0;
    if (!sseval__buf_append(&kv->entries, m, &ne, sizeof ne)) return 0;
    return kv_index_add(kv, m, kv_count(kv));
  }
}

/* Merge the members of a raw object into kv (skipping `skip` and, when
 * skip_null, null values). Returns 1, 0 (no memory), -1 (too many keys). */
static int kv_merge(kvmap *kv, sseval__mem *m, const sseval__jstr *raw,
                    const char *skip, int skip_null, size_t max_keys) {
  sseval__jcur cur;
  sseval__jstr key, val;
  if (!raw || raw->len == 0) return 1;
  sseval__jcur_init(&cur, raw->ptr, raw->len, SSEVAL__JSTREAM_MAX_DEPTH);
  if (!sseval__j_obj_begin(&cur)) return 1; /* not an object: nothing to merge */
  while (sseval__j_obj_next(&cur, &key) == 1) {
    sseval__jkind k = sseval__j_peek(&cur);
    if (!sseval__j_skip(&cur, &val)) return 1;
    if (skip && sseval__jstr_eq(&key, skip, strlen(skip))) continue;
    if (skip_null && k == SSEVAL__JK_NULL) continue;
    {
      int r = kv_set(kv, m, key.ptr, key.len, val.ptr, val.len, max_keys);
      if (r != 1) return r;
    }
  }
  return 1;
}

static int is_ws_only(const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return 0;
  return 1;
}

static acc_block *get_block(const sseval__acc *a, uint32_t i) {
  return i < a->nblocks ? &a->blocks[i] : NULL;
}

/* A DL_PIECES family (text, thinking): the blocks summary mode summarises. */
static int is_text_family(sseval_block_type t) {
  return sseval__delta_specs[sseval__block_spec_of(t)->family].delivery ==
         DL_PIECES;
}

/* Continuation bytes (10xxxxxx) among the 8 bytes of w (zero bytes count
 * as none): bit 7 set and bit 6 clear, summed by a multiply. */
static size_t cont_in_word(uint64_t w) {
  uint64_t m = w & ~(w << 1) & 0x8080808080808080ull;
  return (size_t)((m >> 7) * 0x0101010101010101ull >> 56);
}

/* count_cont for a piece under 16 bytes, the usual token-sized one, without
 * a byte loop: two overlapping loads cover it, the second shifted so that
 * no byte is counted twice (4 to 7 bytes: OR-ing the overlap, which holds
 * the same bytes in the same places, changes nothing). */
static size_t count_cont_small(const unsigned char *p, size_t n) {
  size_t cont = 0, i;
  if (n >= 8)
    return cont_in_word(sseval__load64le(p)) +
           (n > 8 ? cont_in_word(sseval__load64le(p + n - 8) >> (8 * (16 - n)))
                  : 0);
  if (n >= 4)
    return cont_in_word((uint64_t)sseval__load32le(p) |
                        (uint64_t)sseval__load32le(p + n - 4) << (8 * (n - 4)));
  for (i = 0; i < n; i++) cont += (p[i] & 0xC0) == 0x80;
  return cont;
}

/* Continuation bytes (10xxxxxx) in p[0..n): valid UTF-8 has one character
 * per other byte. 16 bytes per step with SSE2 (a signed compare below 0xC0
 * finds 0x80..0xBF), 8 with SWAR, then byte by byte. */
static size_t count_cont(const unsigned char *p, size_t n) {
  size_t i = 0, cont = 0;
  if (n == 0) return 0; /* p may be NULL (an empty block's text): no p + 0 */
#ifdef ACC_SSE2
  const __m128i below = _mm_set1_epi8((char)0xC0), zero = _mm_setzero_si128();
  while (n - i >= 16) {
    __m128i sum = zero;
    unsigned k;
    /* at most 255 steps per byte counter, then add them up */
    for (k = 0; k < 255 && n - i >= 16; k++, i += 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
      sum = _mm_sub_epi8(sum, _mm_cmplt_epi8(v, below));
    }
    sum = _mm_sad_epu8(sum, zero);
    cont += (size_t)_mm_cvtsi128_si32(sum) +
            (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
  }
#endif
  for (; n - i >= 8; i += 8) cont += cont_in_word(sseval__load64le(p + i));
  return cont + count_cont_small(p + i, n - i);
}

/* What a \u escape at q (a real one: an unescaped backslash) adds to the
 * bytes of the decoded text beyond its one character: 0 for U+0000-007F,
 * 1 below U+0800, 2 for the rest of the BMP, 3 for a surrogate pair
 * (counted at its high half; the low half, \uDC00-\uDFFF, adds 0). */
static size_t u_extra(const unsigned char *q) {
  unsigned cp = 0, i;
  for (i = 2; i < 6; i++) {
    unsigned c = q[i];
    cp = cp * 16 + (c <= '9' ? c - '0' : (c | 0x20u) - 'a' + 10);
  }
  if (cp < 0x80) return 0;
  if (cp < 0x800) return 1;
  if (cp >= 0xD800 && cp < 0xDC00) return 3;
  return cp >= 0xDC00 && cp < 0xE000 ? 0 : 2;
}

/* At p[j] a backslash followed by 'u': the extra bytes of its \u escape,
 * or 0 when that backslash is itself escaped (an odd run of backslashes
 * before it, as in \\u: a backslash, then the letter). */
static size_t u_candidate(const unsigned char *p, size_t j) {
  size_t k = j;
  while (k > 0 && p[k - 1] == '\\') k--;
  return (j - k) % 2 ? 0 : u_extra(p + j);
}

/* Characters of a validated JSON string's value, from its raw bytes and
 * its decoded length dlen, without decoding it: the decoded text has the
 * raw continuation bytes (escapes are ASCII) plus those \u escapes of
 * non-ASCII characters make; a simple escape (\n, \", \\, ...) is one byte
 * and one character. So only the \u escapes are looked at: found with
 * SSE2 16 bytes at a time, as the continuation bytes are counted. */
static size_t raw_chars(const sseval__jstr *s, size_t dlen) {
  const unsigned char *p = (const unsigned char *)s->ptr;
  size_t len = s->len, i = 0, extra = 0, cont = 0;
  if (!s->has_escapes) return len - count_cont(p, len);
#ifdef ACC_SSE2
  {
    const __m128i below = _mm_set1_epi8((char)0xC0),
                  bsl = _mm_set1_epi8('\\'), u = _mm_set1_epi8('u'),
                  zero = _mm_setzero_si128();
    while (len - i >= 17) { /* the 'u' test reads one byte ahead */
      __m128i sum = zero;
      unsigned k;
      for (k = 0; k < 255 && len - i >= 17; k++, i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
            _mm_cmpeq_epi8(v, bsl), _mm_cmpeq_epi8(w, u)));
        sum = _mm_sub_epi8(sum, _mm_cmplt_epi8(v, below));
        while (m) {
          extra += u_candidate(p, i + sseval__lowest_bit(m));
          m &= m - 1;
        }
      }
      sum = _mm_sad_epu8(sum, zero);
      cont += (size_t)_mm_cvtsi128_si32(sum) +
              (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
  }
#endif
  for (; i < len; i++) {
    cont += (p[i] & 0xC0) == 0x80;
    if (p[i] == '\\' && i + 1 < len && p[i + 1] == 'u')
      extra += u_candidate(p, i);
  }
  return dlen - cont - extra;
}

/* Summary mode: keep what of a piece the preview has room for, whole
 * characters only; after the first cut nothing more is kept. */
static int preview_add(acc_block *b, sseval__mem *m, const char *p, size_t n) {
  size_t k = SSEVAL_CLAUDE_PREVIEW_BYTES - b->text.len;
  if (b->cut) return 1;
  if (n > k) {
    while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80) k--;
    b->cut = 1;
    n = k;
  }
  return n == 0 || sseval__buf_append(&b->text, m, p, n);
}

/* ---- lifecycle ----------------------------------------------------------------- */

sseval__acc *sseval__acc_new(sseval__mem *m, size_t max_keys, int summary) {
  sseval__acc *a = (sseval__acc *)sseval__mem_alloc(m, sizeof *a);
  if (!a) return NULL;
  memset(a, 0, sizeof *a);
  a->mem = m;
  a->max_keys = max_keys;
  a->summary = summary;
  return a;
}

static void block_free(acc_block *b, sseval__mem *m) {
  sseval__buf_free(&b->start, m);
  sseval__buf_free(&b->text, m);
  sseval__buf_free(&b->signature, m);
  sseval__buf_free(&b->citations, m);
  sseval__buf_free(&b->strings, m);
  kv_free(&b->fields, m);
}

void sseval__acc_free(sseval__acc *a) {
  sseval__mem *m;
  uint32_t i;
  if (!a) return;
  m = a->mem;
  for (i = 0; i < a->cap; i++) block_free(&a->blocks[i], m);
  sseval__mem_free(m, a->blocks, a->cap * sizeof *a->blocks);
  sseval__buf_free(&a->id, m);
  sseval__buf_free(&a->model, m);
  sseval__buf_free(&a->stop_reason, m);
  sseval__buf_free(&a->stop_sequence, m);
  sseval__buf_free(&a->start_msg, m);
  sseval__buf_free(&a->keybuf, m);
  kv_free(&a->fields, m);
  kv_free(&a->usage, m);
  sseval__mem_free(m, a, sizeof *a);
}

void sseval__acc_reset(sseval__acc *a) {
  uint32_t i;
  a->has_start = 0;
  a->id.len = a->model.len = a->stop_reason.len = a->stop_sequence.len = 0;
  a->start_msg.len = 0;
  a->has_stop_reason = a->has_stop_sequence = 0;
  kv_clear(&a->fields);
  kv_clear(&a->usage);
  for (i = 0; i < a->nblocks; i++) {
    acc_block *b = &a->blocks[i];
    b->start.len = b->text.len = b->signature.len = b->citations.len = 0;
    b->strings.len = 0;
    kv_clear(&b->fields);
  }
  a->nblocks = 0;
}

/* ---- input ---------------------------------------------------------------------- */

int sseval__acc_message_start(sseval__acc *a, const sseval__jstr *id,
                              const sseval__jstr *model,
                              const sseval__jstr *usage_raw,
                              const sseval__jstr *message_raw) {
  a->has_start = 1;
  a->id.len = a->model.len = a->start_msg.len = 0;
  if (!put_decoded(&a->id, a->mem, id)) return 0;
  if (!put_decoded(&a->model, a->mem, model)) return 0;
  /* without the copy (no memory) the message keeps the fixed layout */
  if (message_raw && !sseval__buf_append(&a->start_msg, a->mem, message_raw->ptr,
                                         message_raw->len)) {
    a->start_msg.len = 0;
    return 0;
  }
  return kv_merge(&a->usage, a->mem, usage_raw, NULL, 0, a->max_keys);
}

int sseval__acc_block_start(sseval__acc *a, sseval_block_type type,
                            const sseval__jstr *type_name,
                            const sseval__jstr *tool_id,
                            const sseval__jstr *tool_name,
                            const sseval__jstr *start_raw) {
  acc_block *b;
  sseval__jcur cur;
  sseval__jstr key, val;
  if (a->nblocks == a->cap) {
    uint32_t cap = a->cap ? a->cap * 2 : 8;
    acc_block *nb = (acc_block *)sseval__mem_realloc(
        a->mem, a->blocks, a->cap * sizeof *nb, cap * sizeof *nb);
    if (!nb) return 0;
    memset(nb + a->cap, 0, (cap - a->cap) * sizeof *nb);
    a->blocks = nb;
    a->cap = cap;
  }
  b = &a->blocks[a->nblocks];
  b->type = type;
  b->stopped = b->input_complete = b->has_signature = b->ncitations = 0;
  b->has_input = 0;
  b->summarised = a->summary && is_text_family(type);
  b->cut = 0;
  b->sum_bytes = b->sum_chars = 0;
  b->start.len = b->text.len = b->signature.len = b->citations.len = 0;
  b->strings.len = 0;
  kv_clear(&b->fields);
  a->nblocks++; /* counted even if a copy below fails: the index exists */
  if (!sseval__buf_append(&b->start, a->mem, start_raw->ptr, start_raw->len))
    return 0;
  if (!put_decoded(&b->strings, a->mem, type_name)) return 0;
  b->type_len = b->strings.len;
  if (!put_decoded(&b->strings, a->mem, tool_id)) return 0;
  b->id_len = b->strings.len - b->type_len;
  if (!put_decoded(&b->strings, a->mem, tool_name)) return 0;
  b->name_len = b->strings.len - b->type_len - b->id_len;
  /* remember where the start's "input" value sits */
  sseval__jcur_init(&cur, b->start.ptr, b->start.len, SSEVAL__JSTREAM_MAX_DEPTH);
  if (sseval__j_obj_begin(&cur)) {
    while (sseval__j_obj_next(&cur, &key) == 1) {
      if (!sseval__j_skip(&cur, &val)) break;
      if (sseval__jstr_eq(&key, "input", 5)) {
        b->has_input = 1;
        b->input_off = (size_t)(val.ptr - b->start.ptr);
        b->input_len = val.len;
      }
    }
  }
  return 1;
}

int sseval__acc_append(sseval__acc *a, uint32_t index, const char *p,
                       size_t n) {
  acc_block *b = get_block(a, index);
  if (!b) return 1;
  if (b->summarised) {
    size_t cont;
    if (!preview_add(b, a->mem, p, n)) return 0;
    cont = n < 16 /* most pieces are a token or two: no setup */
               ? count_cont_small((const unsigned char *)p, n)
               : count_cont((const unsigned char *)p, n);
    b->sum_bytes += n;
    b->sum_chars += n - cont;
    return 1;
  }
  return sseval__buf_append(&b->text, a->mem, p, n);
}

int sseval__acc_append_decoded(sseval__acc *a, uint32_t index,
                               const sseval__jstr *s, size_t *from_escapes) {
  acc_block *b = get_block(a, index);
  size_t n = sseval__jstr_decoded_len(s);
  *from_escapes = 0;
  if (!b) return 1;
  if (b->summarised) { /* decode what the preview keeps, count the rest */
    sseval__jdec d;
    sseval_span piece;
    sseval__jdec_init(&d, s);
    while (!b->cut && sseval__jdec_next(&d, &piece)) {
      size_t before = b->text.len;
      if (!preview_add(b, a->mem, piece.ptr, piece.len)) return 0;
      if (piece.ptr < s->ptr || piece.ptr >= s->ptr + s->len)
        *from_escapes += b->text.len - before;
    }
    b->sum_bytes += n;
    b->sum_chars += raw_chars(s, n);
    return 1;
  }
  if (!sseval__buf_reserve(&b->text, a->mem, n)) return 0;
  b->text.len += sseval__unescape((const unsigned char *)s->ptr, s->len,
                                  (unsigned char *)b->text.ptr + b->text.len, n,
                                  from_escapes);
  return 1;
}

int sseval__acc_signature_begin(sseval__acc *a, uint32_t index) {
  acc_block *b = get_block(a, index);
  if (!b) return 1;
  b->signature.len = 0;
  b->has_signature = 1;
  return 1;
}

int sseval__acc_signature_append(sseval__acc *a, uint32_t index, const char *p,
                                 size_t n) {
  acc_block *b = get_block(a, index);
  if (!b) return 1;
  return sseval__buf_append(&b->signature, a->mem, p, n);
}

int sseval__acc_citation(sseval__acc *a, uint32_t index,
                         const sseval__jstr *raw) {
  acc_block *b = get_block(a, index);
  if (!b) return 1;
  /* kept as a JSON array: "[" a "," b "]" */
  if (b->ncitations)
    b->citations.len--; /* reopen: drop the ']' */
  if (!sseval__buf_append(&b->citations, a->mem, b->ncitations ? "," : "[", 1))
    return 0;
  if (!sseval__buf_append(&b->citations, a->mem, raw->ptr, raw->len) ||
      !sseval__buf_append(&b->citations, a->mem, "]", 1)) {
    b->citations.len = 0; /* keep the array well formed on failure */
    b->ncitations = 0;
    return 0;
  }
  b->ncitations++;
  return 1;
}

int sseval__acc_merge_fields(sseval__acc *a, uint32_t index,
                             const sseval__jstr *delta_raw) {
  acc_block *b = get_block(a, index);
  if (!b) return 1;
  return kv_merge(&b->fields, a->mem, delta_raw, "type", 0, a->max_keys);
}

void sseval__acc_block_stop(sseval__acc *a, uint32_t index, int complete) {
  acc_block *b = get_block(a, index);
  if (!b) return;
  b->stopped = 1;
  b->input_complete = complete;
}

/* The members the writer rebuilds itself, in the order it writes them when
 * message_start's object lacks them (or there was none). */
enum { M_ID, M_TYPE, M_ROLE, M_MODEL, M_CONTENT, M_STOP_REASON, M_STOP_SEQUENCE,
       M_USAGE, M_COUNT };
static const char *const fixed_names[M_COUNT] = {
    "id", "type", "role", "model", "content", "stop_reason", "stop_sequence",
    "usage"};

static int fixed_index(const sseval__jstr *key) {
  int i;
  for (i = 0; i < M_COUNT; i++)
    if (sseval__jstr_eq(key, fixed_names[i], strlen(fixed_names[i]))) return i;
  return -1;
}

/* Merge the members of a raw object into the message-level fields, keyed by
 * their unescaped names: all but the rebuilt members and `skip`; a null
 * only under `keep_null` (elsewhere a null never overwrites, as the SDK's
 * `!= null` tests). Returns 1, 0 (no memory), -1 (too many keys). */
static int fields_merge(sseval__acc *a, const sseval__jstr *raw,
                        const char *skip, const char *keep_null) {
  sseval__jcur cur;
  sseval__jstr key, val;
  if (!raw || raw->len == 0) return 1;
  sseval__jcur_init(&cur, raw->ptr, raw->len, SSEVAL__JSTREAM_MAX_DEPTH);
  if (!sseval__j_obj_begin(&cur)) return 1; /* not an object: nothing */
  while (sseval__j_obj_next(&cur, &key) == 1) {
    sseval__jkind k = sseval__j_peek(&cur);
    const char *kp = key.ptr;
    size_t kn = key.len;
    int r;
    if (!sseval__j_skip(&cur, &val)) return 1;
    if (fixed_index(&key) >= 0 ||
        (skip && sseval__jstr_eq(&key, skip, strlen(skip))))
      continue;
    if (k == SSEVAL__JK_NULL &&
        !(keep_null && sseval__jstr_eq(&key, keep_null, strlen(keep_null))))
      continue;
    if (key.has_escapes) {
      a->keybuf.len = 0;
      if (!put_decoded(&a->keybuf, a->mem, &key)) return 0;
      kp = a->keybuf.ptr;
      kn = a->keybuf.len;
    }
    r = kv_set(&a->fields, a->mem, kp, kn, val.ptr, val.len, a->max_keys);
    if (r != 1) return r;
  }
  return 1;
}

int sseval__acc_message_delta(sseval__acc *a, const sseval__jstr *stop_reason,
                              int stop_reason_null,
                              const sseval__jstr *stop_sequence,
                              int stop_sequence_null,
                              const sseval__jstr *delta_raw,
                              const sseval__jstr *event_raw,
                              const sseval__jstr *usage_raw) {
  int r;
  /* each field is marked present only once its bytes are all stored, so a
   * failed allocation leaves it absent, never half written */
  if (stop_reason) {
    a->stop_reason.len = 0;
    a->has_stop_reason = 0;
    if (!stop_reason_null) {
      if (!put_decoded(&a->stop_reason, a->mem, stop_reason)) return 0;
      a->has_stop_reason = 1;
    }
  }
  if (stop_sequence) {
    a->stop_sequence.len = 0;
    a->has_stop_sequence = 0;
    if (!stop_sequence_null) {
      if (!put_decoded(&a->stop_sequence, a->mem, stop_sequence)) return 0;
      a->has_stop_sequence = 1;
    }
  }
  /* the delta's other members (stop_details, kept even when null, as the
   * SDK assigns it; container; later ones), then the event's own
   * top-level members but type/delta/usage (context_management, ...) */
  r = fields_merge(a, delta_raw, NULL, "stop_details");
  if (r != 1) return r;
  r = fields_merge(a, event_raw, "delta", NULL);
  if (r != 1) return r;
  return kv_merge(&a->usage, a->mem, usage_raw, NULL, 1, a->max_keys);
}

/* ---- views ------------------------------------------------------------------------ */

static sseval_span sp(const char *p, size_t n) {
  sseval_span s;
  s.ptr = p;
  s.len = n;
  return s;
}

uint32_t sseval__acc_count(const sseval__acc *a) { return a->nblocks; }

int sseval__acc_block(const sseval__acc *a, uint32_t i, sseval_block_view *out) {
  const acc_block *b = get_block(a, i);
  if (!b) return 0;
  memset(out, 0, sizeof *out);
  out->type = b->type;
  /* strings is NULL when its first allocation failed (all lengths 0) */
  const char *str = b->strings.ptr ? b->strings.ptr : "";
  out->type_name = sp(str, b->type_len);
  out->stopped = b->stopped;
  out->start_json = sp(b->start.ptr, b->start.len);
  out->signature = sp(b->signature.ptr, b->signature.len);
  out->citations_json = sp(b->citations.ptr, b->citations.len);
  if (sseval__block_is_tool(b->type)) {
    out->tool_id = sp(str + b->type_len, b->id_len);
    out->tool_name = sp(str + b->type_len + b->id_len, b->name_len);
    out->partial_json = sp(b->text.ptr, b->text.len);
    out->input_complete = b->input_complete;
    if (b->input_complete) {
      if (!is_ws_only(b->text.ptr, b->text.len))
        out->input_json = sp(b->text.ptr, b->text.len);
      else if (b->has_input)
        out->input_json = sp(b->start.ptr + b->input_off, b->input_len);
    }
  } else {
    out->text = sp(b->text.ptr, b->text.len);
  }
  return 1;
}

int sseval__acc_text_length(const sseval__acc *a, uint32_t i, size_t *bytes,
                            size_t *chars) {
  const acc_block *b = get_block(a, i);
  if (!b) return 0;
  if (b->summarised) {
    *bytes = b->sum_bytes;
    *chars = b->sum_chars;
  } else if (is_text_family(b->type)) {
    *bytes = b->text.len;
    *chars = b->text.len - count_cont((const unsigned char *)b->text.ptr,
                                      b->text.len);
  } else {
    *bytes = *chars = 0;
  }
  return 1;
}

void sseval__acc_message(const sseval__acc *a, sseval_message_view *out) {
  out->id = sp(a->id.ptr, a->id.len);
  out->model = sp(a->model.ptr, a->model.len);
  out->has_stop_reason = a->has_stop_reason;
  out->stop_reason = sp(a->stop_reason.ptr, a->stop_reason.len);
  out->has_stop_sequence = a->has_stop_sequence;
  out->stop_sequence = sp(a->stop_sequence.ptr, a->stop_sequence.len);
}

/* ---- writing JSON ------------------------------------------------------------------ */

#define W(p, n)                                                                \
  do {                                                                         \
    if ((n) && write(ctx, (p), (n))) return 0;                                 \
  } while (0)
#define WL(lit) W(lit, sizeof(lit) - 1)

int sseval__json_write_string(sseval_write_fn write, void *ctx, const char *s,
                              size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i, run = 0;
  WL("\"");
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[6];
    size_t elen = 2;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    W(s + run, i - run);
    run = i + 1;
    esc[0] = '\\';
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    default:
      esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
      esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
      elen = 6;
    }
    W(esc, elen);
  }
  W(s + run, n - run);
  WL("\"");
  return 1;
}

/* Write a validated raw JSON value without the whitespace between its
 * tokens (the API pads payloads; the written message is compact). */
static int write_compact(sseval_write_fn write, void *ctx, const char *s,
                         size_t n) {
  size_t i = 0, run = 0;
  int in_str = 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (in_str) {
      if (c == '\\')
        i++; /* the escaped byte cannot end the string */
      else if (c == '"')
        in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      W(s + run, i - run);
      run = i + 1;
    }
  }
  W(s + run, n - run);
  return 1;
}

#define WC(p, n)                                                               \
  do {                                                                         \
    if (!write_compact(write, ctx, (p), (n))) return 0;                        \
  } while (0)

/* One override laid over the start object. */
typedef struct override {
  const char *key; /* raw key */
  size_t key_len;
  int kind;        /* 0 = raw JSON value, 1 = string to escape, 2 = array */
  const char *val;
  size_t val_len;
} override;

static int write_value(sseval_write_fn write, void *ctx, const override *o) {
  if (o->kind == 1) return sseval__json_write_string(write, ctx, o->val, o->val_len);
  WC(o->val, o->val_len);
  return 1;
}

/* Write the start object with overrides (and extra kv fields) applied. */
static int write_merged(sseval_write_fn write, void *ctx, const acc_block *b,
                        const override *ov, size_t nov) {
  sseval__jcur cur;
  sseval__jstr key, val;
  const kv_entry *fe = (const kv_entry *)(const void *)b->fields.entries.ptr;
  size_t nfe = b->fields.entries.len / sizeof *fe, i;
  unsigned used = 0; /* bit i: override i written */
  int first = 1;
  char seen[64];
  memset(seen, 0, sizeof seen);
  WL("{");
  sseval__jcur_init(&cur, b->start.ptr, b->start.len, SSEVAL__JSTREAM_MAX_DEPTH);
  if (sseval__j_obj_begin(&cur)) {
    while (sseval__j_obj_next(&cur, &key) == 1) {
      const override *o = NULL;
      const kv_entry *f = NULL;
      if (!sseval__j_skip(&cur, &val)) break;
      for (i = 0; i < nov; i++)
        if (key.len == ov[i].key_len && memcmp(key.ptr, ov[i].key, key.len) == 0) {
          o = &ov[i];
          used |= 1u << i;
        }
      for (i = 0; i < nfe && i < sizeof seen; i++)
        if (fe[i].key_len == key.len &&
            memcmp(b->fields.arena.ptr + fe[i].key_off, key.ptr, key.len) == 0) {
          f = &fe[i];
          seen[i] = 1;
        }
      if (!first) WL(",");
      first = 0;
      WL("\"");
      W(key.ptr, key.len);
      WL("\":");
      if (o) {
        if (!write_value(write, ctx, o)) return 0;
      } else if (f) {
        WC(b->fields.arena.ptr + f->val_off, f->val_len);
      } else {
        WC(val.ptr, val.len);
      }
    }
  }
  for (i = 0; i < nov; i++) {
    if (used & (1u << i)) continue;
    if (!first) WL(",");
    first = 0;
    WL("\"");
    W(ov[i].key, ov[i].key_len);
    WL("\":");
    if (!write_value(write, ctx, &ov[i])) return 0;
  }
  for (i = 0; i < nfe && i < sizeof seen; i++) {
    if (seen[i]) continue;
    if (!first) WL(",");
    first = 0;
    WL("\"");
    W(b->fields.arena.ptr + fe[i].key_off, fe[i].key_len);
    WL("\":");
    WC(b->fields.arena.ptr + fe[i].val_off, fe[i].val_len);
  }
  WL("}");
  return 1;
}

static override ovr(const char *key, int kind, const char *val, size_t n) {
  override o;
  o.key = key;
  o.key_len = strlen(key);
  o.kind = kind;
  o.val = val;
  o.val_len = n;
  return o;
}

static int write_block(sseval_write_fn write, void *ctx, const acc_block *b) {
  override ov[4];
  size_t n = 0;
  const sseval__delta_spec *content =
      &sseval__delta_specs[sseval__block_spec_of(b->type)->family];
  /* the block's own content: under its family delta's field, or a tool's
   * input (src/types.h) */
  if (content->delivery == DL_PIECES) {
    ov[n++] = ovr(content->field, 1, b->text.ptr, b->text.len);
  } else if (content->delivery == DL_TOOL_INPUT) {
    if (b->input_complete) { /* whitespace only: the start's input stands */
      if (!is_ws_only(b->text.ptr, b->text.len))
        ov[n++] = ovr("input", 0, b->text.ptr, b->text.len);
    } else {
      ov[n++] = ovr("input", 0, "null", 4);
      ov[n++] = ovr("partial_json", 1, b->text.ptr, b->text.len);
    }
  }
  /* what DL_CITATION and DL_SIGNATURE deltas brought */
  if (b->ncitations)
    ov[n++] = ovr("citations", 0, b->citations.ptr, b->citations.len);
  if (b->has_signature)
    ov[n++] = ovr("signature", 1, b->signature.ptr, b->signature.len);
  return write_merged(write, ctx, b, ov, n);
}

static int write_opt_string(sseval_write_fn write, void *ctx, int has,
                            const sseval__buf *b) {
  if (!has) {
    WL("null");
    return 1;
  }
  return sseval__json_write_string(write, ctx, b->ptr, b->len);
}

static int write_usage(const sseval__acc *a, sseval_write_fn write,
                       void *ctx) {
  const kv_entry *e = (const kv_entry *)(const void *)a->usage.entries.ptr;
  size_t ne = a->usage.entries.len / sizeof *e, k;
  WL("{");
  for (k = 0; k < ne; k++) {
    if (k) WL(",");
    WL("\"");
    W(a->usage.arena.ptr + e[k].key_off, e[k].key_len);
    WL("\":");
    WC(a->usage.arena.ptr + e[k].val_off, e[k].val_len);
  }
  WL("}");
  return 1;
}

sseval_status sseval__acc_write_usage(const sseval__acc *a,
                                      sseval_write_fn write, void *ctx) {
  return write_usage(a, write, ctx) ? SSEVAL_OK : SSEVAL_E_CALLBACK;
}

/* The value of a rebuilt member. */
static int write_fixed(const sseval__acc *a, sseval_write_fn write, void *ctx,
                       int f) {
  uint32_t i;
  switch (f) {
  case M_ID: return write_opt_string(write, ctx, a->has_start, &a->id);
  case M_TYPE: WL("\"message\""); return 1;
  case M_ROLE: WL("\"assistant\""); return 1;
  case M_MODEL: return write_opt_string(write, ctx, a->has_start, &a->model);
  case M_CONTENT:
    WL("[");
    for (i = 0; i < a->nblocks; i++) {
      if (i) WL(",");
      if (!write_block(write, ctx, &a->blocks[i])) return 0;
    }
    WL("]");
    return 1;
  case M_STOP_REASON:
    return write_opt_string(write, ctx, a->has_stop_reason, &a->stop_reason);
  case M_STOP_SEQUENCE:
    return write_opt_string(write, ctx, a->has_stop_sequence, &a->stop_sequence);
  default: return write_usage(a, write, ctx);
  }
}

/* Does message_start's object have a member named (unescaped) k? */
static int start_has(const sseval__acc *a, const char *k, size_t n) {
  sseval__jcur cur;
  sseval__jstr key;
  if (!a->start_msg.len) return 0;
  sseval__jcur_init(&cur, a->start_msg.ptr, a->start_msg.len, SSEVAL__JSTREAM_MAX_DEPTH);
  if (!sseval__j_obj_begin(&cur)) return 0;
  while (sseval__j_obj_next(&cur, &key) == 1) {
    if (sseval__jstr_eq(&key, k, n)) return 1;
    if (!sseval__j_skip(&cur, NULL)) return 0;
  }
  return 0;
}

/* message_start's object member by member (type and role as sent, the
 * rebuilt members and message_delta's fields over their values), then the
 * rebuilt members it lacked, then the fields it lacked, in arrival order. */
static int write_all(const sseval__acc *a, sseval_write_fn write, void *ctx) {
  const kv_entry *fe = (const kv_entry *)(const void *)a->fields.entries.ptr;
  size_t nfe = kv_count(&a->fields), i;
  unsigned done = 0;
  int first = 1, f;
  WL("{");
  if (a->has_start && a->start_msg.len) {
    sseval__jcur cur;
    sseval__jstr key, val;
    sseval__jcur_init(&cur, a->start_msg.ptr, a->start_msg.len,
                      SSEVAL__JSTREAM_MAX_DEPTH);
    if (sseval__j_obj_begin(&cur)) {
      while (sseval__j_obj_next(&cur, &key) == 1) {
        const kv_entry *e = NULL;
        if (!sseval__j_skip(&cur, &val)) break;
        f = fixed_index(&key);
        if (f >= 0 && (done & (1u << f))) continue; /* never twice */
        for (i = 0; f < 0 && i < nfe; i++)
          if (sseval__jstr_eq(&key, a->fields.arena.ptr + fe[i].key_off,
                              fe[i].key_len))
            e = &fe[i];
        if (!first) WL(",");
        first = 0;
        WL("\"");
        W(key.ptr, key.len);
        WL("\":");
        if (f >= 0 && f != M_TYPE && f != M_ROLE) {
          if (!write_fixed(a, write, ctx, f)) return 0;
        } else if (e) {
          WC(a->fields.arena.ptr + e->val_off, e->val_len);
        } else {
          WC(val.ptr, val.len);
        }
        if (f >= 0) done |= 1u << f;
      }
    }
  }
  for (f = 0; f < M_COUNT; f++) {
    if (done & (1u << f)) continue;
    if (!first) WL(",");
    first = 0;
    WL("\"");
    W(fixed_names[f], strlen(fixed_names[f]));
    WL("\":");
    if (!write_fixed(a, write, ctx, f)) return 0;
  }
  for (i = 0; i < nfe; i++) {
    const char *k = a->fields.arena.ptr + fe[i].key_off;
    if (start_has(a, k, fe[i].key_len)) continue;
    WL(",");
    if (!sseval__json_write_string(write, ctx, k, fe[i].key_len)) return 0;
    WL(":");
    WC(a->fields.arena.ptr + fe[i].val_off, fe[i].val_len);
  }
  WL("}");
  return 1;
}

sseval_status sseval__acc_write(const sseval__acc *a, sseval_write_fn write,
                                void *ctx) {
  return write_all(a, write, ctx) ? SSEVAL_OK : SSEVAL_E_CALLBACK;
}
