/* SPDX-License-Identifier: MIT */
/*
 * src/json.c - the strict RFC 8259 JSON layer: a cursor over a complete
 * buffer and an incremental validator (see json.h for the contract).
 *
 * No recursion, no allocation, no mutable global state. Nesting is tracked
 * with explicit counters and bit stacks (1 = object, 0 = array).
 *
 * Error positions. Both parts report the offset of the first byte at which
 * the text stops being a prefix of some valid JSON text: the byte that no
 * continuation could make right. So "unexpected end" is at the length;
 * `[1,]` is at the `]`; `tru x` is at the space (offset 3); `01` is at the `1`;
 * an unfinished UTF-8 sequence is at the byte that should have been a
 * continuation; `"\ud800"` is at the closing quote (a low surrogate escape
 * could still have followed); `"\udc00"` is at the `c` (`\udc..` can never
 * start a valid escape). This is the only definition that an incremental
 * validator can give identically under every split, and the cursor uses the
 * same one with the same messages, so the two parts agree byte for byte.
 *
 * Speed. String runs are scanned in bulk: 16 bytes per step with SSE2 where
 * the compiler targets it (every x86-64), else 8 bytes per step with a SWAR
 * test in portable C (one 64-bit word says whether any of its bytes is '"',
 * '\\', < 0x20 or >= 0x80). A high byte drops to an exact UTF-8 check of
 * that one sequence, then back to bulk. Numbers and literals have fast paths
 * for their common shapes; the skip loop keeps its state in registers.
 */
#include "json.h"

#include "sseval/claude.h"

#include "bits.h"
#include "jesc.h"

#include <string.h>

#include "simd.h"

/* SSE2 is part of every x86-64; SSEVAL_JSON_NO_SIMD forces the portable
 * SWAR path (the tests build both). */
#if defined(__SSE2__) && !defined(SSEVAL_JSON_NO_SIMD)
#include <emmintrin.h>
#define SSEVAL__J_SSE2 1
#endif

/* ---- messages (static; the cursor and the stream use the same ones) ---- */
static const char E_END[] = "unexpected end";
static const char E_VALUE[] = "expected a value";
static const char E_KEY[] = "expected a string key";
static const char E_COLON[] = "expected ':'";
static const char E_AFTER_OBJ[] = "expected ',' or '}'";
static const char E_AFTER_ARR[] = "expected ',' or ']'";
static const char E_EXTRA[] = "extra data after value";
static const char E_TRAILING[] = "trailing comma";
static const char E_SQUOTE[] = "single quote";
static const char E_COMMENT[] = "comment";
static const char E_LITERAL[] = "invalid literal";
static const char E_NUMBER[] = "invalid number";
static const char E_LEADING0[] = "leading zero";
static const char E_CTRL[] = "control character in string";
static const char E_UTF8[] = "invalid UTF-8";
static const char E_ESCAPE[] = "invalid escape";
static const char E_UESCAPE[] = "invalid \\u escape";
static const char E_SURROGATE[] = "lone surrogate";
static const char E_DEPTH[] = "too deeply nested";
static const char E_NOT_OBJECT[] = "not an object";
static const char E_NOT_STRING[] = "not a string";
static const char E_NOT_ARRAY[] = "not an array";
static const char E_NOT_UINT[] = "not an unsigned integer";
static const char E_NOT_IN_OBJECT[] = "not inside an object";
static const char E_NOT_IN_ARRAY[] = "not inside an array";
static const char E_DUPKEY[] = "duplicate member name";
static const char E_NOMEM[] = "out of memory";

/* ---- character classes ------------------------------------------------- */
enum { CC_WS = 1, CC_DIGIT = 2, CC_TOKEN = 4 /* [A-Za-z0-9.+-] */, CC_HEX = 8 };

/* clang-format off */
static const unsigned char cc[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 4, 0,
    14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 0, 0, 0, 0, 0, 0,
    0, 12, 12, 12, 12, 12, 12, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 12, 12, 12, 12, 12, 12, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

#define IS_WS(b) (cc[(b)] & CC_WS)
#define IS_DIGIT(b) (cc[(b)] & CC_DIGIT)
#define IS_TOKEN(b) (cc[(b)] & CC_TOKEN)

/* Digit i (0..3) of a \u escape is b, after digits worth v: NULL when a
 * valid text can go on, else why not. `low`: the escape must be a low
 * surrogate (it follows a high one); otherwise it must not start one. */
static const char *uhex_msg(unsigned b, unsigned i, unsigned v, int low) {
  int h = sseval__hexval(b);
  if (h < 0) return E_UESCAPE;
  if (low ? (i == 0 && h != 0xD) || (i == 1 && h < 0xC)
          : i == 1 && v == 0xD && h >= 0xC)
    return E_SURROGATE;
  return NULL;
}

/* Messages for a byte that is wrong in a given position (shared). */
static const char *value_msg(unsigned b) {
  if (b == '\'') return E_SQUOTE;
  if (b == '/') return E_COMMENT;
  if (b == '.' || b == '+') return E_NUMBER;
  if (IS_TOKEN(b)) return E_LITERAL; /* a letter: digits and '-' are valid */
  return E_VALUE;
}
static const char *key_msg(unsigned b) {
  if (b == '\'') return E_SQUOTE;
  if (b == '/') return E_COMMENT;
  return E_KEY;
}
static const char *slash_or(unsigned b, const char *msg) {
  return b == '/' ? E_COMMENT : msg;
}

/*
 * UTF-8 lead byte (>= 0x80): number of continuation bytes (0: not a valid
 * lead) and the allowed range of the first continuation byte (RFC 3629:
 * no overlongs, no surrogates, nothing above U+10FFFF).
 */
static unsigned utf8_lead(unsigned b, unsigned *lo, unsigned *hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (b < 0xC2) return 0;
  if (b < 0xE0) return 1;
  if (b < 0xF0) {
    if (b == 0xE0)
      *lo = 0xA0;
    else if (b == 0xED)
      *hi = 0x9F;
    return 2;
  }
  if (b < 0xF5) {
    if (b == 0xF0)
      *lo = 0x90;
    else if (b == 0xF4)
      *hi = 0x8F;
    return 3;
  }
  return 0;
}

/* Hot helpers must be inlined into the scanning loops. */
#if defined(__GNUC__) || defined(__clang__)
#define J_HOT static inline __attribute__((always_inline))
#define J_COLD static __attribute__((noinline))
#else
#define J_HOT static inline
#define J_COLD static
#endif

/* ---- SWAR --------------------------------------------------------------- */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t load64le(const unsigned char *p) {
  return sseval__load64le(p);
}

/*
 * Bit 7 of byte i is set for the lowest byte that is '"', '\\', < 0x20 or
 * >= 0x80 (bytes above it may be flagged spuriously by borrows: only the
 * lowest flag is exact, which is all we use). Subtractions borrow only out
 * of bytes that are themselves flagged, so nothing below the first special
 * byte is ever flagged.
 */
static inline uint64_t str_special(uint64_t x) {
  return (((x ^ (ONES * '"')) - ONES) | ((x ^ (ONES * '\\')) - ONES) |
          (x - ONES * 0x20u) | x) &
         HIGHS;
}

#ifdef SSEVAL__J_SSE2
/* Index of the lowest set bit of a non-zero 32-bit mask. */
static inline unsigned first_bit(unsigned m) { return sseval__lowest_bit(m); }
#endif

/* Index (0..7) of the lowest flagged byte of a non-zero mask. */
static inline unsigned first_byte(uint64_t m) {
  return sseval__lowest_bit(m) >> 3;
}

/*
 * The plain run of a string: returns the first byte at or after p that is
 * '"', '\\', < 0x20 or >= 0x80, or end. With SSE2 (every x86-64) 16 bytes
 * at a time, then 8 with SWAR, then byte by byte. SSEVAL_JSON_NO_SIMD forces
 * the portable path (the tests build both).
 */

#ifdef SSEVAL__J_SSE2
/* Bit i set when byte i of p[0..15] is '"', '\\', < 0x20 or >= 0x80.
 * v - 0x20 with signed saturation is negative exactly for bytes < 0x20 and
 * for bytes >= 0x80 (negative as int8): its sign bit is the flag. */
J_HOT unsigned str_mask16(const unsigned char *p) {
  const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  const __m128i a = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i k = _mm_subs_epi8(v, _mm_set1_epi8(0x20));
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), k));
}
#endif

J_HOT const unsigned char *str_run(const unsigned char *p,
                                   const unsigned char *end,
                                   const unsigned char *lo) {
#ifdef SSEVAL__J_SSE2
  unsigned bits;
  while ((size_t)(end - p) >= 16) {
    bits = str_mask16(p);
    if (bits) return p + first_bit(bits);
    p += 16;
  }
  if (p == end) return p;
  if ((size_t)(end - lo) >= 16) {
    /* the last 16 bytes of the buffer, those before p shifted out (the
     * compares are exact per byte, so nothing leaks across) */
    bits = str_mask16(end - 16) >> (16 - (size_t)(end - p));
    return bits ? p + first_bit(bits) : end;
  }
#else
  (void)lo;
#endif
  while ((size_t)(end - p) >= 8) {
    uint64_t w = str_special(load64le(p));
    if (w) return p + first_byte(w);
    p += 8;
  }
  while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80) p++;
  return p;
}

/* ======================================================================= */
/* duplicate member names: the key set (see json.h)                         */
/* ======================================================================= */

#define KEY_NAME_LEN(r) ((r).len & SSEVAL__JKEY_LEN)
#define KEY_IS_MARK(r) (((r).len & SSEVAL__JKEY_MARK) != 0)
/* the index block: icap hashes, icap chain links, icap bucket heads */
#define IX_BYTES(icap) ((size_t)(icap) * 3u * sizeof(uint32_t))
/* the most slots whose block size a size_t holds (2^29 needs 6 GiB) */
#if SIZE_MAX / 12u < (UINT32_C(1) << 29)
#define IX_MAX_SLOTS (UINT32_C(1) << 28)
#else
#define IX_MAX_SLOTS (UINT32_C(1) << 29)
#endif

void sseval__jkeys_init(sseval__jkeys *k, sseval__mem *mem) {
  memset(k, 0, sizeof *k);
  k->mem = mem;
}

/* The hash seed: from the key set's address (addresses differ between
 * processes: ASLR). Used only while indexed; the index is rebuilt after
 * every clear, so a key set moved between walks stays consistent. */
static uint64_t keys_seed(const sseval__jkeys *k) {
  uint64_t a = (uint64_t)(uintptr_t)k;
  a ^= a >> 29;
  a *= UINT64_C(0xbf58476d1ce4e5b9);
  return a ^ (a >> 32) ^ UINT64_C(0x9e3779b97f4a7c15);
}

void sseval__jkeys_clear(sseval__jkeys *k) {
  uint32_t i;
  if (k->indexed) { /* only the buckets in use: O(names) */
    uint32_t *hash = k->ix, *head = k->ix + 2 * (size_t)k->icap;
    for (i = 0; i < k->n; i++)
      if (!KEY_IS_MARK(k->rec[i])) head[hash[i] & (k->icap - 1)] = 0;
    k->indexed = 0;
  }
  k->n = 0;
  k->frame = 0;
  k->alen = 0;
}

void sseval__jkeys_free(sseval__jkeys *k) {
  if (!k->mem) return;
  if (k->rec) sseval__mem_free(k->mem, k->rec, (size_t)k->cap * sizeof *k->rec);
  if (k->ix) sseval__mem_free(k->mem, k->ix, IX_BYTES(k->icap));
  if (k->arena) sseval__mem_free(k->mem, k->arena, k->acap);
  memset(k, 0, sizeof *k);
}

static uint32_t key_hash(uint64_t seed, const unsigned char *p, size_t n) {
  uint64_t h = seed ^ ((uint64_t)n * UINT64_C(0x9e3779b97f4a7c15)), w;
  for (; n >= 8; p += 8, n -= 8) {
    h = (h ^ load64le(p)) * UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 31;
  }
  w = 0;
  while (n--) w = w << 8 | p[n];
  h = (h ^ w) * UINT64_C(0x94d049bb133111eb);
  h ^= h >> 29;
  h *= UINT64_C(0xbf58476d1ce4e5b9);
  return (uint32_t)(h >> 32);
}

/* The bytes of name record r (not called for an empty name: the arena may
 * not exist then). */
static const unsigned char *key_bytes(const sseval__jkeys *k, sseval__jkey r) {
  return (r.len & SSEVAL__JKEY_ARENA)
             ? (const unsigned char *)k->arena + r.off
             : k->base + r.off;
}

/* name[0, len) equals the name of record r. */
static int key_eq(const sseval__jkeys *k, sseval__jkey r,
                  const unsigned char *name, uint32_t len) {
  return KEY_NAME_LEN(r) == len &&
         (len == 0 || memcmp(key_bytes(k, r), name, len) == 0);
}

/* Chain every name record into empty buckets, in stack order, so every
 * chain is newest-first (the hashes are in place). */
static void ix_chain(sseval__jkeys *k) {
  uint32_t *hash = k->ix, *next = k->ix + k->icap,
           *head = k->ix + 2 * (size_t)k->icap, i;
  memset(head, 0, (size_t)k->icap * sizeof *head);
  for (i = 0; i < k->n; i++) {
    if (KEY_IS_MARK(k->rec[i])) continue;
    next[i] = head[hash[i] & (k->icap - 1)];
    head[hash[i] & (k->icap - 1)] = i + 1;
  }
}

/* Room in the index for `cap` records: a power of two of slots, at least
 * cap; the hashes of the records are kept (they lead the block). Returns 0
 * without memory. */
static int ix_fit(sseval__jkeys *k, uint32_t cap) {
  uint32_t *ix, slots = 16;
  if (k->icap >= cap) return 1;
  while (slots < cap) slots *= 2; /* cap < 2^29 (keys_grow) */
  if (slots > IX_MAX_SLOTS) return 0;
  ix = (uint32_t *)sseval__mem_realloc(k->mem, k->ix, IX_BYTES(k->icap),
                                       IX_BYTES(slots));
  if (!ix) return 0;
  k->ix = ix;
  k->icap = slots;
  return 1;
}

/* The innermost object reached SSEVAL__JKEYS_LINEAR names: hash every
 * record and chain them. Returns 0 without memory. */
static int ix_build(sseval__jkeys *k) {
  uint64_t seed = keys_seed(k);
  uint32_t i;
  if (!ix_fit(k, k->cap)) return 0;
  for (i = 0; i < k->n; i++) {
    sseval__jkey r = k->rec[i];
    if (KEY_IS_MARK(r)) continue;
    k->ix[i] = key_hash(seed,
                        KEY_NAME_LEN(r) ? key_bytes(k, r)
                                        : (const unsigned char *)"",
                        KEY_NAME_LEN(r));
  }
  ix_chain(k);
  k->indexed = 1;
  return 1;
}

/* Room for one more record: the stack doubles (and the index with it, its
 * chains rebuilt, when on). It starts at SSEVAL__JKEYS_INITIAL records:
 * the most message_start's nested objects have open at once (20 with
 * usage.cache_creation, 23 with server_tool_use's two counters too)
 * without doubling to 32. */
static int keys_grow(sseval__jkeys *k) {
  uint32_t cap = k->cap ? k->cap * 2 : SSEVAL__JKEYS_INITIAL;
  sseval__jkey *rec;
  if (k->cap >= (UINT32_C(1) << 28)) return 0; /* at most 24 * 2^24: 3 GiB */
  if (k->indexed) {
    uint32_t old = k->icap;
    if (!ix_fit(k, cap)) return 0;
    if (k->icap != old) ix_chain(k);
  }
  rec = (sseval__jkey *)sseval__mem_realloc(k->mem, k->rec,
                                            (size_t)k->cap * sizeof *rec,
                                            (size_t)cap * sizeof *rec);
  if (!rec) return 0;
  k->rec = rec;
  k->cap = cap;
  return 1;
}

/* An object opens. Returns 0 without memory. */
static int keys_open(sseval__jkeys *k) {
  sseval__jkey *r;
  if (k->n == k->cap && !keys_grow(k)) return 0;
  r = &k->rec[k->n++];
  r->off = k->alen;
  r->len = SSEVAL__JKEY_MARK | k->frame;
  k->frame = k->n;
  return 1;
}

/* The innermost object closes: its names leave their chains when indexed
 * (newest first, so each is the head of its bucket when removed). */
static void keys_close(sseval__jkeys *k) {
  sseval__jkey mark;
  if (k->frame == 0) return; /* not opened through the key set */
  if (k->indexed) {
    uint32_t i = k->n, *hash = k->ix, *next = k->ix + k->icap,
             *head = k->ix + 2 * (size_t)k->icap;
    while (i > k->frame) {
      i--;
      head[hash[i] & (k->icap - 1)] = next[i];
    }
  }
  mark = k->rec[k->frame - 1];
  k->alen = mark.off;
  k->n = k->frame - 1;
  k->frame = mark.len & ~SSEVAL__JKEY_MARK;
}

/* Append bytes to the arena (the name being collected). */
static int keys_put(sseval__jkeys *k, const void *p, size_t n) {
  if (n == 0) return 1;
  if (n > k->acap - k->alen) {
    size_t cap = k->acap ? k->acap : 64;
    char *a;
    while (cap - k->alen < n) {
      if (cap > ((size_t)UINT32_MAX >> 1)) return 0;
      cap *= 2;
    }
    a = (char *)sseval__mem_realloc(k->mem, k->arena, k->acap, cap);
    if (!a) return 0;
    k->arena = a;
    k->acap = (uint32_t)cap;
  }
  memcpy(k->arena + k->alen, p, n);
  k->alen += (uint32_t)n;
  return 1;
}

/* A complete name name[0, len), its bytes at `off` in the buffer or the
 * arena (where: 0 or SSEVAL__JKEY_ARENA): 1 when it is new in the innermost
 * object (then recorded), 0 when repeated, -1 without memory. */
static int keys_add(sseval__jkeys *k, const unsigned char *name, uint32_t len,
                    uint32_t off, uint32_t where) {
  uint32_t h = 0, i;
  sseval__jkey *r;
  if (k->frame == 0) return 1; /* no object opened through the key set */
  if (!k->indexed) {
    for (i = k->frame; i < k->n; i++)
      if (key_eq(k, k->rec[i], name, len)) return 0;
    if (k->n - k->frame >= SSEVAL__JKEYS_LINEAR && !ix_build(k)) return -1;
  }
  if (k->indexed) {
    const uint32_t *hash = k->ix, *next = k->ix + k->icap,
                   *head = k->ix + 2 * (size_t)k->icap;
    h = key_hash(keys_seed(k), len ? name : (const unsigned char *)"", len);
    for (i = head[h & (k->icap - 1)]; i > k->frame; i = next[i - 1])
      if (hash[i - 1] == h && key_eq(k, k->rec[i - 1], name, len)) return 0;
  }
  if (k->n == k->cap && !keys_grow(k)) return -1;
  r = &k->rec[k->n];
  r->off = off;
  r->len = len | where;
  if (k->indexed) {
    uint32_t *next = k->ix + k->icap, *head = k->ix + 2 * (size_t)k->icap;
    k->ix[k->n] = h;
    next[k->n] = head[h & (k->icap - 1)];
    head[h & (k->icap - 1)] = k->n + 1;
  }
  k->n++;
  return 1;
}

/* The name in arena[start, alen) is complete: 1 when it is new in the
 * innermost object (then kept), 0 when repeated (arena cut back), -1
 * without memory (arena cut back). */
static int keys_commit(sseval__jkeys *k, uint32_t start) {
  uint32_t len = k->alen - start;
  int r;
  if (len > SSEVAL__JKEY_LEN) {
    k->alen = start;
    return k->frame ? -1 : 1;
  }
  r = keys_add(k, len ? (const unsigned char *)k->arena + start : NULL, len,
               start, SSEVAL__JKEY_ARENA);
  if (r <= 0) k->alen = start;
  return r;
}

/* ======================================================================= */
/* part 1: the cursor                                                       */
/* ======================================================================= */

static const unsigned char empty_buf[1] = { 0 };

void sseval__jcur_init(sseval__jcur *c, const void *buf, size_t len,
                       uint32_t max_depth) {
  const unsigned char *b = buf ? (const unsigned char *)buf : empty_buf;
  if (!buf) len = 0;
  c->base = b;
  c->p = b;
  c->end = b + len;
  c->depth = 0;
  if (max_depth < 1) max_depth = 1;
  if (max_depth > SSEVAL__JSTREAM_MAX_DEPTH)
    max_depth = SSEVAL__JSTREAM_MAX_DEPTH;
  c->max_depth = max_depth;
  c->err = SSEVAL__J_OK;
  c->err_msg = "";
  c->err_pos = 0;
  c->keys = NULL;
}

static int cur_fail(sseval__jcur *c, sseval__jerr e, const char *msg,
                    const unsigned char *at) {
  if (c->err == SSEVAL__J_OK) {
    c->err = e;
    c->err_msg = msg;
    c->err_pos = (size_t)(at - c->base);
  }
  return 0;
}
static const unsigned char *cur_fail_p(sseval__jcur *c, const char *msg,
                                       const unsigned char *at) {
  cur_fail(c, SSEVAL__J_SYNTAX, msg, at);
  return NULL;
}
/* Set a syntax error at `at`; SYNTAX gives 0, SYNTAX_P gives NULL. */
#define SYNTAX(msg, at) cur_fail(c, SSEVAL__J_SYNTAX, (msg), (at))
#define SYNTAX_P(msg, at) cur_fail_p(c, (msg), (at))

J_HOT const unsigned char *skip_ws(const unsigned char *p,
                                   const unsigned char *end) {
  while (p < end && IS_WS(*p)) p++;
  return p;
}

/* After "\u" (p at the first digit): four digits, checked by uhex_msg;
 * *cp gets their value. Returns the position after them, or NULL. */
static const unsigned char *scan_uhex(sseval__jcur *c, const unsigned char *p,
                                      const unsigned char *end, int low,
                                      unsigned *cp) {
  unsigned i, v = 0;
  for (i = 0; i < 4; i++, p++) {
    const char *bad;
    if (p == end) return SYNTAX_P(E_END, end);
    bad = uhex_msg(*p, i, v, low);
    if (bad) return SYNTAX_P(bad, p);
    v = v << 4 | (unsigned)sseval__hexval(*p);
  }
  *cp = v;
  return p;
}

/*
 * The slow part of a string: an escape (p at the backslash) or a non-ASCII
 * sequence (p at its lead byte). Returns the position after it, or NULL
 * with the error set.
 */
static const unsigned char *str_slow(sseval__jcur *c, const unsigned char *p,
                                     const unsigned char *end) {
  unsigned b = *p, lo, hi, n, i, cp;
  if (b == '\\') {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p != 'u') return sseval__esc_char(*p) ? p + 1 : SYNTAX_P(E_ESCAPE, p);
    p = scan_uhex(c, p + 1, end, 0, &cp);
    if (!p || cp < 0xD800 || cp > 0xDBFF) return p;
    /* a high surrogate: exactly \u[dD][c-fC-F]XX must follow */
    if (p == end) return SYNTAX_P(E_END, end);
    if (*p != '\\') return SYNTAX_P(E_SURROGATE, p);
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p != 'u') return SYNTAX_P(E_SURROGATE, p);
    return scan_uhex(c, p + 1, end, 1, &cp);
  }
  if (b < 0x20) return SYNTAX_P(E_CTRL, p);
  /* b >= 0x80 */
  n = utf8_lead(b, &lo, &hi);
  if (n == 0) return SYNTAX_P(E_UTF8, p);
  for (i = 0; i < n; i++) {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p < lo || *p > hi) return SYNTAX_P(E_UTF8, p);
    lo = 0x80;
    hi = 0xBF;
  }
  return p + 1;
}

/* p just after the opening quote. Returns the position after the closing
 * quote, or NULL. *esc is set to 1 if an escape was seen (else untouched). */
J_HOT const unsigned char *scan_str(sseval__jcur *c, const unsigned char *p,
                                    const unsigned char *end, int *esc) {
  for (;;) {
    p = str_run(p, end, c->base);
    if (p == end) return SYNTAX_P(E_END, end);
    if (*p == '"') return p + 1;
    if (*p == '\\') *esc = 1;
    p = str_slow(c, p, end);
    if (!p) return NULL;
  }
}

/* Duplicate names (c->keys set): an object opens at `at`. */
static int cur_open(sseval__jcur *c, const unsigned char *at) {
  if (keys_open(c->keys)) return 1;
  return cur_fail(c, SSEVAL__J_NOMEM, E_NOMEM, at);
}

/* A member name k[0, len) (escaped when esc) was read: reject it if the
 * innermost object already has it (J_DUPKEY at its closing quote). A name
 * without escapes is kept as a span of the buffer; one with escapes is
 * decoded into the arena (so is a name a span cannot describe). Returns 1,
 * or 0 with the error set. */
static int cur_name(sseval__jcur *c, const unsigned char *k, size_t len,
                    int esc) {
  sseval__jkeys *ks = c->keys;
  uint32_t start = ks->alen;
  size_t off = (size_t)(k - c->base);
  int r;
  if (!esc && len <= SSEVAL__JKEY_LEN && off <= UINT32_MAX) {
    ks->base = c->base;
    r = keys_add(ks, k, (uint32_t)len, (uint32_t)off, 0);
  } else {
    if (!esc) {
      if (!keys_put(ks, k, len)) goto nomem;
    } else {
      sseval__jstr name;
      sseval__jdec d;
      sseval_span piece;
      memset(&name, 0, sizeof name); /* every field set (cppcheck's ctu check) */
      name.ptr = (const char *)k;
      name.len = len;
      name.has_escapes = 1;
      sseval__jdec_init(&d, &name);
      while (sseval__jdec_next(&d, &piece))
        if (!keys_put(ks, piece.ptr, piece.len)) goto nomem;
    }
    r = keys_commit(ks, start);
  }
  if (r > 0) return 1;
  if (r == 0) return cur_fail(c, SSEVAL__J_DUPKEY, E_DUPKEY, k + len);
nomem:
  ks->alen = start;
  return cur_fail(c, SSEVAL__J_NOMEM, E_NOMEM, k);
}

/* p at '-' or a digit. Validates the number and the byte after it. */
static inline const unsigned char *
scan_num(sseval__jcur *c, const unsigned char *p, const unsigned char *end) {
  if (*p == '-') {
    if (++p == end) return SYNTAX_P(E_END, end);
  }
  if (*p == '0') {
    p++;
  } else if (IS_DIGIT(*p)) {
    do p++;
    while (p < end && IS_DIGIT(*p));
  } else {
    return SYNTAX_P(E_NUMBER, p);
  }
  if (p < end && *p == '.') {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (!IS_DIGIT(*p)) return SYNTAX_P(E_NUMBER, p);
    do p++;
    while (p < end && IS_DIGIT(*p));
  }
  if (p < end && (*p | 0x20) == 'e') {
    if (++p == end) return SYNTAX_P(E_END, end);
    if (*p == '+' || *p == '-') {
      if (++p == end) return SYNTAX_P(E_END, end);
    }
    if (!IS_DIGIT(*p)) return SYNTAX_P(E_NUMBER, p);
    do p++;
    while (p < end && IS_DIGIT(*p));
  }
  /* a digit can follow only a lone "0" or "-0" */
  if (p < end && IS_TOKEN(*p))
    return SYNTAX_P(IS_DIGIT(*p) ? E_LEADING0 : E_NUMBER, p);
  return p;
}

static const char lit_true[] = "true", lit_false[] = "false",
                  lit_null[] = "null";

/* p at 't', 'f' or 'n'. */
static inline const unsigned char *
scan_lit(sseval__jcur *c, const unsigned char *p, const unsigned char *end) {
  const char *lit = *p == 't' ? lit_true : *p == 'f' ? lit_false : lit_null;
  size_t n = *p == 'f' ? 5 : 4, i;
  if ((size_t)(end - p) > 5) { /* fast path: compare 4 bytes at once */
    uint32_t w, l;
    memcpy(&w, p + n - 4, 4); /* "true", "alse", "null" */
    memcpy(&l, lit + n - 4, 4);
    if (w == l && (n == 4 || p[0] == 'f') && !IS_TOKEN(p[n])) return p + n;
  }
  for (i = 0; i < n; i++) {
    if (p + i == end) return SYNTAX_P(E_END, end);
    if (p[i] != (unsigned char)lit[i]) return SYNTAX_P(E_LITERAL, p + i);
  }
  p += n;
  if (p < end && IS_TOKEN(*p)) return SYNTAX_P(E_LITERAL, p);
  return p;
}

sseval__jkind sseval__j_peek(sseval__jcur *c) {
  const unsigned char *p;
  if (c->err) return SSEVAL__JK_ERROR;
  p = c->p = skip_ws(c->p, c->end);
  if (p == c->end) {
    (void)SYNTAX(E_END, p);
    return SSEVAL__JK_ERROR;
  }
  switch (*p) {
  case '{': return SSEVAL__JK_OBJECT;
  case '[': return SSEVAL__JK_ARRAY;
  case '"': return SSEVAL__JK_STRING;
  case '-':
  case '0':
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
  case '7':
  case '8':
  case '9': return SSEVAL__JK_NUMBER;
  case 't': return SSEVAL__JK_TRUE;
  case 'f': return SSEVAL__JK_FALSE;
  case 'n': return SSEVAL__JK_NULL;
  default: (void)SYNTAX(value_msg(*p), p); return SSEVAL__JK_ERROR;
  }
}

/* The value at c->p (after peek) has the wrong type: validate and consume
 * it, then report J_TYPE at its first byte (J_SYNTAX if it is not JSON). */
static int type_mismatch(sseval__jcur *c, const char *msg) {
  const unsigned char *at = c->p;
  if (!sseval__j_skip(c, NULL)) return 0;
  return cur_fail(c, SSEVAL__J_TYPE, msg, at);
}

int sseval__j_obj_begin(sseval__jcur *c) {
  sseval__jkind k;
  if (!c->err && c->p < c->end && *c->p == '{' && c->depth < c->max_depth) {
    if (c->keys && !cur_open(c, c->p)) return 0;
    c->p++; /* the byte before p is now '{': obj_next knows it is first */
    c->depth++;
    return 1;
  }
  k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_OBJECT) return type_mismatch(c, E_NOT_OBJECT);
  if (c->depth >= c->max_depth)
    return cur_fail(c, SSEVAL__J_DEPTH, E_DEPTH, c->p);
  if (c->keys && !cur_open(c, c->p)) return 0;
  c->depth++;
  c->p++; /* the byte before p is now '{': obj_next knows it is first */
  return 1;
}

J_COLD int obj_next_slow(sseval__jcur *c, sseval__jstr *key) {
  const unsigned char *p = c->p, *end = c->end, *k;
  int esc = 0;
  if (c->err) return -1;
  if (c->depth == 0) return SYNTAX(E_NOT_IN_OBJECT, p) - 1;
  if (p > c->base && p[-1] == '{') { /* just entered: no ',' expected */
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == '}') goto close;
    if (*p != '"') return SYNTAX(key_msg(*p), p) - 1;
  } else {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == '}') goto close;
    if (*p != ',') return SYNTAX(slash_or(*p, E_AFTER_OBJ), p) - 1;
    p = skip_ws(p + 1, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p != '"') return SYNTAX(*p == '}' ? E_TRAILING : key_msg(*p), p) - 1;
  }
  k = p + 1;
  p = scan_str(c, k, end, &esc);
  if (!p) return -1;
  key->ptr = (const char *)k;
  key->len = (size_t)(p - 1 - k);
  key->has_escapes = esc;
  key->dlen = 0;
  p = skip_ws(p, end);
  if (p == end) return SYNTAX(E_END, end) - 1;
  if (*p != ':') return SYNTAX(slash_or(*p, E_COLON), p) - 1;
  c->p = skip_ws(p + 1, end);
  return 1;
close:
  c->p = p + 1;
  c->depth--;
  return 0;
}

/*
 * The common case without a call: compact JSON (`{"key":`, `,"key":`, `}`)
 * and a key with no escape or non-ASCII byte. Anything else is left to
 * obj_next_slow, which starts again from c->p.
 */
J_HOT int obj_next_plain(sseval__jcur *c, sseval__jstr *key) {
  const unsigned char *p = c->p, *end = c->end, *k, *q;
  if (c->err || c->depth == 0 || p == c->base || p == end)
    return obj_next_slow(c, key);
  if (*p == '}') {
    c->p = p + 1;
    c->depth--;
    return 0;
  }
  if (p[-1] == '{') {
    if (*p != '"') return obj_next_slow(c, key);
  } else {
    if (*p != ',' || end - p < 2 || p[1] != '"') return obj_next_slow(c, key);
    p++;
  }
  k = p + 1;
  q = str_run(k, end, c->base);
  if (end - q < 2 || q[0] != '"' || q[1] != ':') return obj_next_slow(c, key);
  key->ptr = (const char *)k;
  key->len = (size_t)(q - k);
  key->has_escapes = 0;
  c->p = q + 2;
  return 1;
}

int sseval__j_obj_next(sseval__jcur *c, sseval__jstr *key) {
  int r = obj_next_plain(c, key);
  if (!c->keys || r < 0) return r;
  if (r == 0) {
    keys_close(c->keys);
    return 0;
  }
  return cur_name(c, (const unsigned char *)key->ptr, key->len,
                  key->has_escapes)
             ? 1
             : -1;
}

int sseval__j_arr_begin(sseval__jcur *c) {
  sseval__jkind k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_ARRAY) return type_mismatch(c, E_NOT_ARRAY);
  if (c->depth >= c->max_depth)
    return cur_fail(c, SSEVAL__J_DEPTH, E_DEPTH, c->p);
  c->depth++;
  c->p++;
  return 1;
}

int sseval__j_arr_next(sseval__jcur *c) {
  const unsigned char *p = c->p, *end = c->end;
  if (c->err) return -1;
  if (c->depth == 0) return SYNTAX(E_NOT_IN_ARRAY, p) - 1;
  if (p > c->base && p[-1] == '[') {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == ']') goto close;
  } else {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == ']') goto close;
    if (*p != ',') return SYNTAX(slash_or(*p, E_AFTER_ARR), p) - 1;
    p = skip_ws(p + 1, end);
    if (p == end) return SYNTAX(E_END, end) - 1;
    if (*p == ']') return SYNTAX(E_TRAILING, p) - 1;
  }
  c->p = p; /* at the element; the value itself is checked by its reader */
  return 1;
close:
  c->p = p + 1;
  c->depth--;
  return 0;
}

J_COLD int str_slow_path(sseval__jcur *c, sseval__jstr *out) {
  const unsigned char *p;
  int esc = 0;
  sseval__jkind k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_STRING) return type_mismatch(c, E_NOT_STRING);
  p = scan_str(c, c->p + 1, c->end, &esc);
  if (!p) return 0;
  out->ptr = (const char *)c->p + 1;
  out->len = (size_t)(p - c->p - 2);
  out->has_escapes = esc;
  out->dlen = 0;
  c->p = p;
  return 1;
}

const unsigned char *sseval__j_str_at(const unsigned char *lo,
                                      const unsigned char *p,
                                      const unsigned char *end,
                                      sseval__jstr *out) {
  const unsigned char *q = str_run(p + 1, end, lo);
  sseval__strscan s;
  if (q < end && *q == '"') { /* a plain string */
    out->ptr = (const char *)p + 1;
    out->len = (size_t)(q - p - 1);
    out->has_escapes = 0;
    return q + 1;
  }
  /* escapes or non-ASCII: the rest of the string in one vector pass
   * (src/simd.c) */
  if (q < end && sseval__str_scan(q, end, &s)) {
    out->ptr = (const char *)p + 1;
    out->len = (size_t)(s.close - p - 1);
    out->has_escapes = s.has_escapes;
    out->dlen = (size_t)(q - p - 1) + s.decoded_len;
    return s.close + 1;
  }
  return NULL;
}

int sseval__j_str(sseval__jcur *c, sseval__jstr *out) {
  const unsigned char *p = c->p, *q;
  if (!c->err && p < c->end && *p == '"' &&
      (q = sseval__j_str_at(c->base, p, c->end, out)) != NULL) {
    c->p = q;
    return 1;
  }
  /* not a string, or one the fast scans are not sure of: the exact path
   * (errors with their offsets) */
  return str_slow_path(c, out);
}

int sseval__j_uint(sseval__jcur *c, uint64_t *out) {
  const unsigned char *p, *q, *s;
  uint64_t v = 0;
  sseval__jkind k;
  p = c->p;
  if (!c->err && c->end - p >= 2 && IS_DIGIT(*p) && !IS_TOKEN(p[1])) {
    *out = (uint64_t)(*p - '0'); /* one digit, ended by a structural byte */
    c->p = p + 1;
    return 1;
  }
  k = sseval__j_peek(c);
  if (k == SSEVAL__JK_ERROR) return 0;
  if (k != SSEVAL__JK_NUMBER) return type_mismatch(c, E_NOT_UINT);
  s = p = c->p;
  q = scan_num(c, p, c->end);
  if (!q) return 0;
  c->p = q;
  if (*p == '-') return cur_fail(c, SSEVAL__J_TYPE, E_NOT_UINT, s);
  for (; p < q && IS_DIGIT(*p); p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10u)
      return cur_fail(c, SSEVAL__J_TYPE, E_NOT_UINT, s);
    v = v * 10u + d;
  }
  if (p != q) return cur_fail(c, SSEVAL__J_TYPE, E_NOT_UINT, s);
  *out = v;
  return 1;
}

int sseval__j_clear_type_error(sseval__jcur *c) {
  if (c->err != SSEVAL__J_TYPE) return 0;
  c->err = SSEVAL__J_OK;
  c->err_msg = "";
  c->err_pos = 0;
  return 1;
}

/* A string, number or literal at p (not a container), validated: returns
 * the position after it, or NULL. */
J_HOT const unsigned char *skip_scalar(sseval__jcur *c, const unsigned char *p,
                                       const unsigned char *end) {
  unsigned b = *p;
  int esc;
  if (b == '"') return scan_str(c, p + 1, end, &esc);
  if (IS_DIGIT(b) || b == '-') {
    /* fast path: a plain integer ended by a structural byte */
    const unsigned char *q = p + 1;
    while (q < end && IS_DIGIT(*q)) q++;
    if (q < end && !IS_TOKEN(*q) && (b != '0' || q == p + 1) && b != '-')
      return q;
    return scan_num(c, p, end);
  }
  if (b == 't' || b == 'f' || b == 'n') return scan_lit(c, p, end);
  return SYNTAX_P(value_msg(b), p);
}

/* A member name at p (its opening quote; checked against the key set, if
 * any), its ':' and the whitespace after: returns the position of the value
 * (maybe end), or NULL. */
J_HOT const unsigned char *skip_name(sseval__jcur *c, const unsigned char *p,
                                     const unsigned char *end) {
  const unsigned char *k = p + 1;
  int esc = 0;
  p = scan_str(c, k, end, &esc);
  if (!p) return NULL;
  if (c->keys && !cur_name(c, k, (size_t)(p - 1 - k), esc)) return NULL;
  if (p == end || *p != ':') {
    p = skip_ws(p, end);
    if (p == end) return SYNTAX_P(E_END, end);
    if (*p != ':') return SYNTAX_P(slash_or(*p, E_COLON), p);
  }
  p++;
  if (p < end && *p > ' ') return p;
  return skip_ws(p, end);
}

/* After a ',' in an object (close is '}') or an array: returns the position
 * of the next name (its quote) or value, or NULL (a trailing comma...). */
J_HOT const unsigned char *skip_comma(sseval__jcur *c, const unsigned char *p,
                                      const unsigned char *end,
                                      unsigned close) {
  if (close == '}') {
    if (p < end && *p == '"') return p;
    p = skip_ws(p, end);
    if (p == end) return SYNTAX_P(E_END, end);
    if (*p == '"') return p;
    return SYNTAX_P(*p == '}' ? E_TRAILING : key_msg(*p), p);
  }
  if (p < end && *p > ' ' && *p != ']') return p;
  p = skip_ws(p, end);
  if (p == end) return SYNTAX_P(E_END, end);
  if (*p != ']') return p;
  return SYNTAX_P(E_TRAILING, p);
}

/*
 * Validate and skip one value. Iterative: `lvl` containers are open inside
 * this call, their kinds in the bit stack `stk` (1 = object).
 */
#define NO_CLOSE 0x100u /* no byte closes the top level */
int sseval__j_skip(sseval__jcur *c, sseval__jstr *raw) {
  const unsigned char *p, *end = c->end, *start;
  uint32_t lvl = 0, room;
  unsigned close = NO_CLOSE; /* '}' or ']': what closes the innermost level */
  uint64_t stk[SSEVAL__JSTREAM_MAX_DEPTH / 64] = { 0 }; /* 1 = object */
  unsigned b;

  if (c->err) return 0;
  room = c->depth < c->max_depth ? c->max_depth - c->depth : 0;
  p = start = skip_ws(c->p, end);

value:
  if (p == end) goto e_end;
  b = *p;
  if (b == '{' || b == '[') {
    uint64_t bit = (uint64_t)1 << (lvl & 63);
    if (lvl >= room) goto e_depth;
    if (b == '{' && c->keys && !cur_open(c, p)) goto fail;
    stk[lvl >> 6] = b == '{' ? stk[lvl >> 6] | bit : stk[lvl >> 6] & ~bit;
    lvl++;
    close = b == '{' ? '}' : ']';
    if (++p < end && *p == '"' && close == '}') goto key;
    p = skip_ws(p, end);
    if (p == end) goto e_end;
    if (*p == close) goto pop;
    if (close == ']') goto value;
    if (*p == '"') goto key;
    SYNTAX(key_msg(*p), p);
    goto fail;
  }
  p = skip_scalar(c, p, end);
  if (!p) goto fail;
  goto after;

key: /* p at the name's opening quote */
  p = skip_name(c, p, end);
  if (!p) goto fail;
  goto value;

pop: /* p at the closing byte of the innermost level */
  if (c->keys && close == '}') keys_close(c->keys);
  p++;
  lvl--;
  close = lvl == 0                                         ? NO_CLOSE
          : (stk[(lvl - 1) >> 6] >> ((lvl - 1) & 63)) & 1u ? (unsigned)'}'
                                                           : (unsigned)']';
  /* fall into after */
after:
  if (lvl == 0) goto done;
  if (p == end) goto e_end;
  b = *p;
  if (b == ',') {
    p = skip_comma(c, p + 1, end, close);
    if (!p) goto fail;
    if (close == '}') goto key;
    goto value;
  }
  if (b == close) goto pop;
  if (IS_WS(b)) {
    p = skip_ws(p + 1, end);
    goto after;
  }
  SYNTAX(slash_or(b, close == '}' ? E_AFTER_OBJ : E_AFTER_ARR), p);
  goto fail;

done:
  if (raw) {
    raw->ptr = (const char *)start;
    raw->len = (size_t)(p - start);
    raw->has_escapes = 0;
  }
  c->p = p;
  return 1;
e_end:
  SYNTAX(E_END, end);
  goto fail;
e_depth:
  cur_fail(c, SSEVAL__J_DEPTH, E_DEPTH, p);
fail:
  c->depth += lvl;
  return 0;
}

int sseval__j_end(sseval__jcur *c) {
  const unsigned char *p;
  if (c->err) return 0;
  p = c->p = skip_ws(c->p, c->end);
  if (p != c->end) return SYNTAX(slash_or(*p, E_EXTRA), p);
  if (c->depth != 0) return SYNTAX(E_END, p);
  return 1;
}

/* ---- decoding ---------------------------------------------------------- */

/* The escape at p (a backslash) decoded into o: see sseval__esc_decode. */
static size_t dec_escape(const char *p, const char *end, char *o, size_t *n) {
  return sseval__esc_decode((const unsigned char *)p, (const unsigned char *)end,
                            (unsigned char *)o, n);
}

void sseval__jdec_init(sseval__jdec *d, const sseval__jstr *s) {
  d->p = s->len ? s->ptr : NULL;
  d->end = s->len ? s->ptr + s->len : NULL;
}

int sseval__jdec_next(sseval__jdec *d, sseval_span *piece) {
  const char *p = d->p, *end = d->end;
  size_t used = 0;
  if (p == end) return 0;
  if (*p != '\\') {
    const char *q = memchr(p, '\\', (size_t)(end - p));
    if (!q) q = end;
    piece->ptr = p;
    piece->len = (size_t)(q - p);
    d->p = q;
    return 1;
  }
  while (p < end && *p == '\\' && used + 4 <= sizeof d->scratch) {
    size_t n = 0, adv = dec_escape(p, end, d->scratch + used, &n);
    if (adv == 0) { /* truncated (not a validated string): stop here */
      p = end;
      break;
    }
    p += adv;
    used += n;
  }
  d->p = p;
  if (used == 0) return 0;
  piece->ptr = d->scratch;
  piece->len = used;
  return 1;
}

size_t sseval__jstr_decoded_len(const sseval__jstr *s) {
  const char *p = s->ptr, *end = s->ptr + s->len;
  size_t n = s->len;
  char tmp[4];
  if (!s->has_escapes || s->len == 0) return s->len;
  if (s->dlen) return s->dlen;
  while (p < end) {
    const char *q = memchr(p, '\\', (size_t)(end - p));
    size_t k = 0, adv;
    if (!q) break;
    adv = dec_escape(q, end, tmp, &k);
    if (adv == 0) break;
    n -= adv - k;
    p = q + adv;
  }
  return n;
}

J_COLD int jstr_eq_escaped(const sseval__jstr *s, const char *lit,
                           size_t lit_len) {
  sseval__jdec d;
  sseval_span piece;
  size_t off = 0;
  if (s->len < lit_len) return 0; /* escapes only make the text longer */
  sseval__jdec_init(&d, s);
  while (sseval__jdec_next(&d, &piece)) {
    if (piece.len > lit_len - off || memcmp(piece.ptr, lit + off, piece.len))
      return 0;
    off += piece.len;
  }
  return off == lit_len;
}

int sseval__jstr_eq(const sseval__jstr *s, const char *lit, size_t lit_len) {
  uint32_t a, b, x, y;
  if (s->has_escapes) return jstr_eq_escaped(s, lit, lit_len);
  if (s->len != lit_len) return 0;
  if (lit_len < 4) { /* keys are short: no call to memcmp */
    size_t i;
    for (i = 0; i < lit_len; i++)
      if (s->ptr[i] != lit[i]) return 0;
    return 1;
  }
  if (lit_len > 8) return memcmp(s->ptr, lit, lit_len) == 0;
  memcpy(&a, s->ptr, 4); /* 4..8 bytes: the first four and the last four */
  memcpy(&b, lit, 4);
  memcpy(&x, s->ptr + lit_len - 4, 4);
  memcpy(&y, lit + lit_len - 4, 4);
  return a == b && x == y;
}

/* ======================================================================= */
/* part 2: the incremental validator                                        */
/* ======================================================================= */

enum {
  ST_TOP = 0,    /* nothing but whitespace so far */
  ST_VAL,        /* a value after ':' */
  ST_VAL_AFIRST, /* after '[': a value or ']' */
  ST_VAL_ANEXT,  /* after ',' in an array: a value (']' is a trailing comma) */
  ST_KEY_FIRST,  /* after '{': a key or '}' */
  ST_KEY_NEXT,   /* after ',' in an object: a key */
  ST_COLON,      /* after a key */
  ST_AFTER,      /* after a value inside a container */
  ST_DONE,       /* the top-level value is complete */
  ST_STR,        /* in a string; aux3 = 1 for a key */
  ST_ESC,        /* after a backslash */
  ST_UHEX,       /* \uXXXX: aux = digits read, aux2 = value so far */
  ST_LOW_BS,     /* after a high surrogate: '\' must follow */
  ST_LOW_U,      /* ... then 'u' */
  ST_LOW_HEX,    /* ... then [dD][c-fC-F]XX: aux = digits read */
  ST_UTF8,       /* aux = continuation bytes due, aux2 = lo | hi << 8 */
  ST_NUM_MINUS,
  ST_NUM_ZERO,
  ST_NUM_INT,
  ST_NUM_DOT,
  ST_NUM_FRAC,
  ST_NUM_E,
  ST_NUM_ESIGN,
  ST_NUM_EXP,
  ST_LIT,     /* aux = 0 true, 1 false, 2 null; aux2 = letters matched */
  ST_LIT_END, /* a literal is complete: the next byte must not continue it */
  ST_ERR
};

static const char *const lits[3] = { lit_true, lit_false, lit_null };

void sseval__jstream_init(sseval__jstream *s, uint32_t max_depth) {
  memset(s, 0, sizeof *s);
  if (max_depth < 1) max_depth = 1;
  if (max_depth > SSEVAL__JSTREAM_MAX_DEPTH)
    max_depth = SSEVAL__JSTREAM_MAX_DEPTH;
  s->max_depth = max_depth;
  s->state = ST_TOP;
  s->err = SSEVAL__J_OK;
  s->err_msg = "";
}

void sseval__jstream_restart(sseval__jstream *s, uint32_t max_depth) {
  sseval__jkeys keys = s->keys;
  sseval__jstream_init(s, max_depth);
  s->keys = keys;
  if (keys.mem) sseval__jkeys_clear(&s->keys);
}

int sseval__jstream_empty(const sseval__jstream *s) {
  return s->state == ST_TOP; /* a bad first byte moves it to ST_ERR */
}

/*
 * One feed call: the state lives in a local `jrun` while the piece is
 * scanned (the helpers below are inlined, so it stays in registers); each
 * helper handles one group of states at p and returns where to go on, or
 * NULL with the failing byte and message recorded.
 */
typedef struct jrun {
  sseval__jstream *s;
  const unsigned char *start, *end;
  const unsigned char *at; /* the failing byte */
  const char *msg;
  sseval__jerr code;
  uint32_t st, aux, aux2, aux3, depth;
} jrun;

static const unsigned char *jr_fail(jrun *r, const unsigned char *p,
                                    const char *msg, sseval__jerr code) {
  r->at = p;
  r->msg = msg;
  r->code = code;
  return NULL;
}
#define JR_SYNTAX(p, m) jr_fail(r, (p), (m), SSEVAL__J_SYNTAX)
#define JR_NOMEM(p) jr_fail(r, (p), E_NOMEM, SSEVAL__J_NOMEM)

J_HOT void jr_value_done(jrun *r) { r->st = r->depth ? ST_AFTER : ST_DONE; }

/* Bytes of a member name (aux3), collected for the duplicate check. */
J_HOT int jr_name(jrun *r, const void *p, size_t n) {
  return !r->aux3 || !r->s->keys.mem || keys_put(&r->s->keys, p, n);
}

/* '{' or '[' at p. */
static const unsigned char *jr_open(jrun *r, const unsigned char *p) {
  sseval__jstream *s = r->s;
  uint32_t d = r->depth;
  if (d >= s->max_depth) return jr_fail(r, p, E_DEPTH, SSEVAL__J_DEPTH);
  if (*p == '{') {
    if (s->keys.mem && !keys_open(&s->keys)) return JR_NOMEM(p);
    s->stack[d >> 3] = (unsigned char)(s->stack[d >> 3] | (1u << (d & 7)));
    r->st = ST_KEY_FIRST;
  } else {
    s->stack[d >> 3] = (unsigned char)(s->stack[d >> 3] & ~(1u << (d & 7)));
    r->st = ST_VAL_AFIRST;
  }
  r->depth = d + 1;
  return p + 1;
}

/* '}' or ']' at p closes the innermost container. */
J_HOT const unsigned char *jr_close(jrun *r, const unsigned char *p) {
  if (*p == '}' && r->s->keys.mem) keys_close(&r->s->keys);
  r->depth--;
  jr_value_done(r);
  return p + 1;
}

/* ST_TOP, ST_VAL, ST_VAL_AFIRST, ST_VAL_ANEXT: a value starts. */
J_HOT const unsigned char *jr_value(jrun *r, const unsigned char *p) {
  unsigned b = *p;
  if (IS_WS(b)) return p + 1;
  if (r->st == ST_TOP) r->s->top_is_object = b == '{';
  switch (b) {
  case '"':
    r->st = ST_STR;
    r->aux3 = 0;
    return p + 1;
  case '{':
  case '[': return jr_open(r, p);
  case ']':
    if (r->st == ST_VAL_AFIRST) return jr_close(r, p);
    return JR_SYNTAX(p, r->st == ST_VAL_ANEXT ? E_TRAILING : E_VALUE);
  case '-': r->st = ST_NUM_MINUS; return p + 1;
  case '0': r->st = ST_NUM_ZERO; return p + 1;
  case 't':
  case 'f':
  case 'n':
    r->st = ST_LIT;
    r->aux = b == 't' ? 0u : b == 'f' ? 1u : 2u;
    r->aux2 = 1;
    return p + 1;
  default:
    if (IS_DIGIT(b)) {
      r->st = ST_NUM_INT;
      return p + 1;
    }
    return JR_SYNTAX(p, value_msg(b));
  }
}

/* ST_KEY_FIRST, ST_KEY_NEXT, ST_COLON, ST_AFTER, ST_DONE: structure. */
J_HOT const unsigned char *jr_struct(jrun *r, const unsigned char *p) {
  unsigned b = *p;
  if (IS_WS(b)) return p + 1;
  switch (r->st) {
  case ST_KEY_FIRST:
  case ST_KEY_NEXT:
    if (b == '"') {
      r->st = ST_STR;
      r->aux3 = 1;
      r->s->keys.key_start = r->s->keys.alen;
      return p + 1;
    }
    if (b != '}') return JR_SYNTAX(p, key_msg(b));
    if (r->st == ST_KEY_NEXT) return JR_SYNTAX(p, E_TRAILING);
    return jr_close(r, p);
  case ST_COLON:
    if (b != ':') return JR_SYNTAX(p, slash_or(b, E_COLON));
    r->st = ST_VAL;
    return p + 1;
  case ST_AFTER: {
    uint32_t d = r->depth - 1;
    unsigned obj = (unsigned)(r->s->stack[d >> 3] >> (d & 7)) & 1u;
    if (b == ',') {
      r->st = obj ? ST_KEY_NEXT : ST_VAL_ANEXT;
      return p + 1;
    }
    if (b == (obj ? '}' : ']')) return jr_close(r, p);
    return JR_SYNTAX(p, slash_or(b, obj ? E_AFTER_OBJ : E_AFTER_ARR));
  }
  default: /* ST_DONE */
    return JR_SYNTAX(p, slash_or(b, E_EXTRA));
  }
}

/* The closing quote at p ends a member name: reject a repeat. */
static const unsigned char *jr_name_end(jrun *r, const unsigned char *p) {
  int k = keys_commit(&r->s->keys, r->s->keys.key_start);
  if (k < 0) return JR_NOMEM(p);
  if (k == 0) return jr_fail(r, p, E_DUPKEY, SSEVAL__J_DUPKEY);
  return p + 1;
}

/* ST_STR: a run of plain bytes, then the byte that ends it. */
J_HOT const unsigned char *jr_string(jrun *r, const unsigned char *p) {
  const unsigned char *run = p;
  unsigned b, lo, hi;
  p = str_run(p, r->end, r->start);
  if (p > run && !jr_name(r, run, (size_t)(p - run))) return JR_NOMEM(p);
  if (p == r->end) return p;
  b = *p;
  if (b == '"') {
    if (!r->aux3) {
      jr_value_done(r);
      return p + 1;
    }
    r->st = ST_COLON;
    return r->s->keys.mem ? jr_name_end(r, p) : p + 1;
  }
  if (b == '\\') {
    r->st = ST_ESC;
    return p + 1;
  }
  if (b < 0x20) return JR_SYNTAX(p, E_CTRL);
  r->aux = utf8_lead(b, &lo, &hi);
  if (r->aux == 0) return JR_SYNTAX(p, E_UTF8);
  r->aux2 = lo | hi << 8;
  r->st = ST_UTF8;
  if (!jr_name(r, p, 1)) return JR_NOMEM(p);
  return p + 1;
}

/* ST_UTF8: one continuation byte. */
J_HOT const unsigned char *jr_utf8(jrun *r, const unsigned char *p) {
  if (*p < (r->aux2 & 0xFFu) || *p > (r->aux2 >> 8)) return JR_SYNTAX(p, E_UTF8);
  if (!jr_name(r, p, 1)) return JR_NOMEM(p);
  r->aux2 = 0x80u | 0xBFu << 8;
  if (--r->aux == 0) r->st = ST_STR;
  return p + 1;
}

/* A decoded escape of a member name, as UTF-8. */
static int jr_name_cp(jrun *r, unsigned cp) {
  unsigned char buf[4];
  return jr_name(r, (const char *)buf, sseval__utf8_put(buf, cp));
}

/* ST_ESC, ST_UHEX, ST_LOW_BS, ST_LOW_U, ST_LOW_HEX: one byte of an escape. */
static const unsigned char *jr_escape(jrun *r, const unsigned char *p) {
  unsigned b = *p;
  const char *bad;
  switch (r->st) {
  case ST_ESC: {
    char one = (char)sseval__esc_char(b);
    if (b == 'u') {
      r->st = ST_UHEX;
      r->aux = r->aux2 = 0;
      return p + 1;
    }
    if (!one) return JR_SYNTAX(p, E_ESCAPE);
    r->st = ST_STR;
    if (!jr_name(r, &one, 1)) return JR_NOMEM(p);
    return p + 1;
  }
  case ST_LOW_BS:
  case ST_LOW_U:
    if (b != (r->st == ST_LOW_BS ? '\\' : 'u')) return JR_SYNTAX(p, E_SURROGATE);
    r->st = r->st == ST_LOW_BS ? ST_LOW_U : ST_LOW_HEX;
    r->aux = 0;
    r->s->aux4 = 0;
    return p + 1;
  case ST_UHEX:
    bad = uhex_msg(b, r->aux, r->aux2, 0);
    if (bad) return JR_SYNTAX(p, bad);
    r->aux2 = r->aux2 << 4 | (unsigned)sseval__hexval(b);
    if (++r->aux < 4) return p + 1;
    if (r->aux2 >= 0xD800 && r->aux2 <= 0xDBFF) {
      r->st = ST_LOW_BS;
      return p + 1;
    }
    r->st = ST_STR;
    return jr_name_cp(r, r->aux2) ? p + 1 : JR_NOMEM(p);
  default: /* ST_LOW_HEX */
    bad = uhex_msg(b, r->aux, r->s->aux4, 1);
    if (bad) return JR_SYNTAX(p, bad);
    r->s->aux4 = r->s->aux4 << 4 | (unsigned)sseval__hexval(b);
    if (++r->aux < 4) return p + 1;
    r->st = ST_STR;
    return jr_name_cp(r, 0x10000u + ((r->aux2 - 0xD800u) << 10) +
                             (r->s->aux4 - 0xDC00u))
               ? p + 1
               : JR_NOMEM(p);
  }
}

/* The ST_NUM_* states: one byte, or a run of digits. A byte that ends the
 * number is left for the next state to look at. */
J_HOT const unsigned char *jr_number(jrun *r, const unsigned char *p) {
  unsigned b = *p;
  switch (r->st) {
  case ST_NUM_MINUS:
    if (!IS_DIGIT(b)) return JR_SYNTAX(p, E_NUMBER);
    r->st = b == '0' ? ST_NUM_ZERO : ST_NUM_INT;
    return p + 1;
  case ST_NUM_DOT:
  case ST_NUM_ESIGN:
    if (!IS_DIGIT(b)) return JR_SYNTAX(p, E_NUMBER);
    r->st = r->st == ST_NUM_DOT ? ST_NUM_FRAC : ST_NUM_EXP;
    return p + 1;
  case ST_NUM_E:
    if (b == '+' || b == '-') {
      r->st = ST_NUM_ESIGN;
      return p + 1;
    }
    if (!IS_DIGIT(b)) return JR_SYNTAX(p, E_NUMBER);
    r->st = ST_NUM_EXP;
    return p + 1;
  case ST_NUM_INT:
  case ST_NUM_FRAC:
  case ST_NUM_EXP:
    if (IS_DIGIT(b)) {
      do p++;
      while (p < r->end && IS_DIGIT(*p));
      return p;
    }
    break;
  default: break; /* ST_NUM_ZERO */
  }
  if (b == '.' && (r->st == ST_NUM_ZERO || r->st == ST_NUM_INT)) {
    r->st = ST_NUM_DOT;
    return p + 1;
  }
  if ((b | 0x20) == 'e' && r->st != ST_NUM_EXP) {
    r->st = ST_NUM_E;
    return p + 1;
  }
  if (IS_TOKEN(b)) return JR_SYNTAX(p, IS_DIGIT(b) ? E_LEADING0 : E_NUMBER);
  jr_value_done(r);
  return p;
}

/* ST_LIT, ST_LIT_END. */
J_HOT const unsigned char *jr_literal(jrun *r, const unsigned char *p) {
  if (r->st == ST_LIT_END) {
    if (IS_TOKEN(*p)) return JR_SYNTAX(p, E_LITERAL);
    jr_value_done(r);
    return p;
  }
  if (*p != (unsigned char)lits[r->aux][r->aux2]) return JR_SYNTAX(p, E_LITERAL);
  if (lits[r->aux][++r->aux2] == '\0') r->st = ST_LIT_END;
  return p + 1;
}

int sseval__jstream_feed(sseval__jstream *s, const void *buf, size_t len) {
  jrun r;
  const unsigned char *p;
  if (s->err) return 0;
  if (len == 0) return 1;
  r.s = s;
  r.start = p = (const unsigned char *)buf;
  r.end = p + len;
  r.at = p;
  r.msg = "";
  r.code = SSEVAL__J_SYNTAX;
  r.st = s->state;
  r.aux = s->aux;
  r.aux2 = s->aux2;
  r.aux3 = s->aux3;
  r.depth = s->depth;
  while (p < r.end) {
    switch (r.st) {
    case ST_TOP:
    case ST_VAL:
    case ST_VAL_AFIRST:
    case ST_VAL_ANEXT: p = jr_value(&r, p); break;
    case ST_KEY_FIRST:
    case ST_KEY_NEXT:
    case ST_COLON:
    case ST_AFTER:
    case ST_DONE: p = jr_struct(&r, p); break;
    case ST_STR: p = jr_string(&r, p); break;
    case ST_UTF8: p = jr_utf8(&r, p); break;
    case ST_ESC:
    case ST_UHEX:
    case ST_LOW_BS:
    case ST_LOW_U:
    case ST_LOW_HEX: p = jr_escape(&r, p); break;
    case ST_LIT:
    case ST_LIT_END: p = jr_literal(&r, p); break;
    case ST_ERR: /* cannot be reached: err is checked on entry */
      p = jr_fail(&r, p, E_VALUE, SSEVAL__J_SYNTAX);
      break;
    default: p = jr_number(&r, p); break;
    }
    if (!p) break;
  }
  s->state = p ? r.st : (uint32_t)ST_ERR;
  s->aux = r.aux;
  s->aux2 = r.aux2;
  s->aux3 = r.aux3;
  s->depth = r.depth;
  s->pos += len;
  if (p) return 1;
  s->err = r.code;
  s->err_msg = r.msg;
  s->err_pos = s->pos - len + (uint64_t)(r.at - r.start);
  return 0;
}
#undef JR_SYNTAX
#undef JR_NOMEM

int sseval__jstream_finish(sseval__jstream *s) {
  if (s->err) return 0;
  switch (s->state) {
  case ST_DONE: return 1;
  case ST_NUM_ZERO:
  case ST_NUM_INT:
  case ST_NUM_FRAC:
  case ST_NUM_EXP:
  case ST_LIT_END:
    if (s->depth == 0) {
      s->state = ST_DONE;
      return 1;
    }
    break;
  default: break;
  }
  /* the state is kept: sseval__jstream_empty still answers after this */
  s->err = SSEVAL__J_SYNTAX;
  s->err_msg = E_END;
  s->err_pos = s->pos;
  return 0;
}

/* ---- public: the members of one JSON object (sseval/claude.h) ---------- */

sseval_status sseval_json_object_members(const void *json, size_t len,
                                         sseval_json_member_fn fn,
                                         void *user) {
  sseval__jcur cur;
  sseval__jstr key, raw;
  sseval_json_member m;
  int r;
  if (!fn || (!json && len)) return SSEVAL_E_MISUSE;
  sseval__jcur_init(&cur, json ? json : "", len, SSEVAL__JSTREAM_MAX_DEPTH);
  if (!sseval__j_obj_begin(&cur)) return SSEVAL_E_INVALID;
  while ((r = sseval__j_obj_next(&cur, &key)) == 1) {
    if (!sseval__j_skip(&cur, &raw)) return SSEVAL_E_INVALID;
    m.name.ptr = key.ptr;
    m.name.len = key.len;
    m.value.ptr = raw.ptr;
    m.value.len = raw.len;
    m.member.ptr = key.ptr - 1; /* the name's opening quote */
    m.member.len = (size_t)(raw.ptr + raw.len - m.member.ptr);
    if (fn(user, &m) != 0) return SSEVAL_E_CALLBACK;
  }
  return r == 0 && sseval__j_end(&cur) ? SSEVAL_OK : SSEVAL_E_INVALID;
}

int sseval_json_name_is(const sseval_json_member *m, const char *name) {
  sseval__jstr s;
  if (!m || !name || (!m->name.ptr && m->name.len)) return 0;
  s.ptr = m->name.ptr ? m->name.ptr : "";
  s.len = m->name.len;
  s.has_escapes = s.len && memchr(s.ptr, '\\', s.len) != NULL;
  s.dlen = 0;
  return sseval__jstr_eq(&s, name, strlen(name));
}
