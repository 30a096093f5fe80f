/* SPDX-License-Identifier: MIT */
/*
 * src/simd.c - whole-string scanning: the closing quote, the escapes and
 * UTF-8 validity of a JSON string in one pass (see simd.h).
 *
 * Every implementation walks the string in 64-byte blocks (the portable one
 * in 8-byte words) and visits only the "special" bytes of a block, taken
 * from a bit mask: a quote ends the string, a backslash starts an escape
 * that is checked on the spot and skipped whole (the mask bits under it are
 * cleared, an escape running into the next block carries over as a skip
 * count), a control byte fails. Plain text costs a few instructions per 16
 * or 32 bytes whatever the escapes around it, so a long string with an
 * escape every few dozen bytes no longer restarts its scan at each one.
 *
 * UTF-8. The sse2 and portable paths treat every byte >= 0x80 as special
 * and check each sequence by its lead byte (the ranges of RFC 3629 section
 * 4: no overlongs, no surrogates, nothing above U+10FFFF). The avx2 path
 * leaves non-ASCII bytes out of the mask and validates all of them with
 * vector table lookups: every byte is classified by three 16-entry tables
 * indexed by the high nibble of the byte before it, the low nibble of the
 * byte before it and its own high nibble; each table entry is a set of
 * error classes (too short, too long, overlong 2/3/4-byte, surrogate, too
 * large, two continuations) that this nibble makes possible, and an error
 * is a class all three agree on. Whether a byte must be the second
 * continuation of a 3- or 4-byte sequence comes from the bytes two and
 * three places back. A block of 64 ASCII bytes skips the lookups (one
 * test; a half-ASCII block takes them, they are exact on ASCII too). The
 * bytes after the closing quote are zeroed before the check, so a sequence
 * cut by the quote is seen as too short.
 *
 * avx2, the blocks inside a long string. Until the block holding the
 * closing quote (or a control byte) the avx2 path runs a step with no
 * branch on the text: the backslash, quote, 'u' and "not an escape letter"
 * masks are computed for every block, the escaped bytes by the carry
 * arithmetic of escaped_of, a bad letter only noted in an accumulator (the
 * string is then invalid, whatever follows) and the decoded-length saving
 * counted by popcount. Only \u escapes take a scalar step (four hex digits
 * at once, hex4_swar). Branches on "has a backslash", "two backslashes in a
 * row", "one escape or three" mispredict at text rates (78% of the blocks
 * of long Claude text hold a backslash) and cost more than the masks. The
 * block that ends the string takes block_step with the full masks.
 */
#include "simd.h"

#include "bits.h"
#include "jesc.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__) && !defined(SSEVAL_JSON_NO_SIMD) && \
    (defined(__GNUC__) || defined(__clang__))
#define SSEVAL__X86 1
#include <emmintrin.h>
#if !defined(SSEVAL_NO_AVX2)
#define SSEVAL__AVX2 1
#include <immintrin.h>
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define S_INLINE static inline __attribute__((always_inline))
#else
#define S_INLINE static inline
#endif

/* ---- the scalar parts every path shares ---------------------------------------- */

/* What may follow a backslash: 1 for the one-letter escapes, 3 for 'u'. */
static const unsigned char esc_class[256] = {
    ['"'] = 1, ['\\'] = 1, ['/'] = 1, ['b'] = 1, ['f'] = 1,
    ['n'] = 1, ['r'] = 1, ['t'] = 1, ['u'] = 3};

/* Four hex digits at q into *cp; 0 if one is not a hex digit (the answer
 * of sseval__hex4, four bytes at once). With x a byte below 0x80, x + 0x50
 * has its top bit set when x >= '0' and x + 0x46 when x >= ':'; with
 * y = x | 0x20, y + 0x1F when y >= 'a' and y + 0x19 when y >= 'g'; no sum
 * carries into the next byte. A byte >= 0x80 fails on its own top bit
 * (whatever its sums carried). A digit's value is its low nibble, plus 9
 * for a letter (bit 6 set). */
S_INLINE int hex4_swar(const unsigned char *q, unsigned *cp) {
  const uint32_t w = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                     (uint32_t)q[3] << 24;
  const uint32_t y = w | 0x20202020u;
  const uint32_t digit = (w + 0x50505050u) & ~(w + 0x46464646u);
  const uint32_t alpha = (y + 0x1F1F1F1Fu) & ~(y + 0x19191919u);
  uint32_t nib, pairs;
  if (((digit | alpha) & ~w & 0x80808080u) != 0x80808080u) return 0;
  nib = (w & 0x0F0F0F0Fu) + ((w >> 6) & 0x01010101u) * 9u; /* byte i: digit i */
  pairs = (nib << 4) | (nib >> 8); /* byte 0: d0 d1, byte 2: d2 d3 */
  *cp = (pairs & 0xFFu) << 8 | ((pairs >> 16) & 0xFFu);
  return 1;
}

/* q at the backslash of a \u escape (q[1] == 'u'): esc_check's answer. */
S_INLINE size_t uesc_check(const unsigned char *q, const unsigned char *end,
                           size_t *saved) {
  size_t left = (size_t)(end - q);
  unsigned cp, lo;
  if (left < 6 || !hex4_swar(q + 2, &cp)) return 0;
  if (cp < 0xD800u || cp > 0xDFFFu) {
    *saved += cp < 0x80u ? 5 : cp < 0x800u ? 4 : 3; /* 6 bytes -> 1..3 */
    return 6;
  }
  if (cp > 0xDBFFu || left < 12 || q[6] != '\\' || q[7] != 'u' ||
      !hex4_swar(q + 8, &lo) || lo < 0xDC00u || lo > 0xDFFFu)
    return 0;
  *saved += 8; /* 12 bytes -> 4 */
  return 12;
}

/* q at a backslash. Returns the escape's length (2, 6 or 12) and adds to
 * *saved the bytes decoding it saves; 0 when it is not a valid escape or
 * does not end before `end`. A \uD800-\uDBFF escape must be followed by a
 * \uDC00-\uDFFF one; a lone \uDC00-\uDFFF is invalid. */
S_INLINE size_t esc_check(const unsigned char *q, const unsigned char *end,
                          size_t *saved) {
  if (end - q < 2 || !esc_class[q[1]]) return 0;
  if (esc_class[q[1]] == 1) {
    *saved += 1;
    return 2;
  }
  return uesc_check(q, end, saved);
}

/* q at a byte >= 0x80: the length of the UTF-8 sequence it starts, 0 when
 * it is not a valid lead or the sequence is invalid or cut by `end`. */
S_INLINE size_t utf8_seq(const unsigned char *q, const unsigned char *end) {
  unsigned b = q[0], lo = 0x80, hi = 0xBF;
  size_t n, i;
  if (b < 0xC2) return 0;
  if (b < 0xE0) {
    n = 2;
  } else if (b < 0xF0) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b < 0xF5) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if ((size_t)(end - q) < n || q[1] < lo || q[1] > hi) return 0;
  for (i = 2; i < n; i++)
    if ((q[i] & 0xC0u) != 0x80u) return 0;
  return n;
}

static int done(const unsigned char *p, const unsigned char *close,
                size_t saved, int esc, sseval__strscan *out) {
  out->close = close;
  out->decoded_len = (size_t)(close - p) - saved;
  out->has_escapes = esc;
  return 1;
}

#ifndef SSEVAL__STR_SHORT
#define SSEVAL__STR_SHORT 64
#endif

/* ---- portable: eight bytes per step -------------------------------------------- */

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Non-zero when a byte of w is '"', '\\', < 0x20 or >= 0x80 (each test is
 * exact as a yes/no; with w loaded little-endian, the lowest flagged byte
 * is the first special one). */
S_INLINE uint64_t swar_special(uint64_t w) {
  uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
  return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20u) & ~w) | w) &
         HIGHS;
}

static int scan_portable(const unsigned char *p, const unsigned char *end,
                         sseval__strscan *out) {
  const unsigned char *q = p;
  size_t saved = 0, n;
  int esc = 0;
  for (;;) {
    while ((size_t)(end - q) >= 8) {
      /* the lowest flag is exact (borrows run upwards only from a flagged
       * byte): jump straight to it */
      const uint64_t m = swar_special(sseval__load64le(q));
      if (m) {
        q += sseval__lowest_bit(m) >> 3;
        goto special;
      }
      q += 8;
    }
    while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\') q++;
  special:
    if (q == end) return 0;
    if (*q == '"') return done(p, q, saved, esc, out);
    if (*q == '\\') {
      esc = 1;
      n = esc_check(q, end, &saved);
    } else if (*q >= 0x80) {
      n = utf8_seq(q, end);
    } else {
      return 0; /* a control byte */
    }
    if (!n) return 0;
    q += n;
  }
}

#ifdef SSEVAL__X86
/* ---- the block step shared by the vector paths ----------------------------------- */

/* The masks of one 64-byte block: bit i stands for byte i. */
typedef struct block_masks {
  uint64_t bs;    /* '\\' */
  uint64_t quote; /* '"' */
  uint64_t ctrl;  /* < 0x20 */
  uint64_t high;  /* >= 0x80 (sse2 only; 0 when the tables check UTF-8) */
  uint64_t letter; /* avx2: may follow a backslash ("\\/bfnrtu) */
  uint64_t u;      /* avx2: 'u' */
} block_masks;

typedef struct block_state {
  uint64_t escaped_in; /* 1: byte 0 of the next block is escaped (an odd
                          run of backslashes ended the block) */
  unsigned uskip;      /* bytes of the next block a \u escape already used */
  unsigned hskip;      /* bytes of the next block a UTF-8 sequence used */
  size_t saved;        /* bytes the escapes save when decoded */
  int esc;
} block_state;

/* The last, short block: copied into a zeroed 64-byte buffer, `valid` its
 * real bytes. */
S_INLINE const unsigned char *tail_block(unsigned char *tmp, const unsigned char *pos,
                                         size_t left, uint64_t *valid) {
  memset(tmp, 0, 64);
  memcpy(tmp, pos, left);
  *valid = ((uint64_t)1 << left) - 1;
  return tmp;
}

#define EVEN UINT64_C(0x5555555555555555)
#define ODD UINT64_C(0xAAAAAAAAAAAAAAAA)

/*
 * The escaped bytes of a block from its backslashes bs, `in` saying whether
 * byte 0 is escaped; *carry: whether byte 0 of the next block is.
 *
 * In a run of backslashes, and in the byte just after it, the escaped
 * bytes are those at an odd offset from the run's first byte (each
 * backslash at an even offset escapes the next byte). Adding a run's first
 * bit to the mask carries through the run and sets the bit after it, so
 * mask XOR sum marks the run and that byte; doing it for the runs starting
 * at even and at odd indexes separately makes "odd offset" a fixed bit
 * pattern. The carry out of bit 63 is an odd-start run touching the end:
 * its last backslash escapes byte 0 of the next block. No branch: whether a
 * block has a run of two or more follows the text, not a pattern the
 * branch predictor learns.
 */
S_INLINE uint64_t escaped_of(uint64_t bs, uint64_t in, uint64_t *carry) {
  const uint64_t b = bs & ~in; /* an escaped backslash starts no run */
  const uint64_t starts = b & ~(b << 1);
  const uint64_t even_sum = b + (starts & EVEN);
  uint64_t odd_sum;
  *carry = (uint64_t)__builtin_add_overflow(b, starts & ODD, &odd_sum);
  return ((b ^ even_sum) & ODD) | ((b ^ odd_sum) & EVEN) | in;
}

/*
 * One block b (real memory, readable up to end; `valid`: the bits that are
 * bytes of the buffer). Returns the index of the closing quote, 64 when the
 * block has none, -1 when the string is not valid. The escaped bytes come
 * from escaped_of; each is then checked by a table (or the letter mask);
 * only \u escapes take the scalar check (hex digits, surrogate pairs, their
 * decoded length).
 */
S_INLINE int block_step(const unsigned char *b, const block_masks *m,
                        uint64_t valid, const unsigned char *end,
                        block_state *st, int vector_letters) {
  uint64_t carry, escaped = escaped_of(m->bs, st->escaped_in, &carry) & valid, quote, upto,
                  u = 0, bad = 0, e;
  const unsigned uskip = st->uskip, hskip = st->hskip;
  int k;
  quote = m->quote & ~escaped & valid;
  upto = quote ? (quote & (~quote + 1)) - 1 : ~(uint64_t)0;
  k = quote ? (int)sseval__lowest_bit(quote) : 64;
  st->escaped_in = carry;
  st->uskip = st->hskip = 0;
  if (m->ctrl & upto & valid) return -1;
  escaped &= upto;
  if (vector_letters) { /* the letters after the backslashes from masks */
    if (escaped & ~m->letter) return -1;
    u = escaped & m->u;
  } else {
    for (e = escaped; e; e &= e - 1) {
      unsigned i = sseval__lowest_bit(e), c = esc_class[b[i]];
      bad |= c == 0;
      u |= (uint64_t)(c >> 1) << i;
    }
    if (bad) return -1;
  }
  st->esc |= escaped != 0;
  st->saved += (size_t)__builtin_popcountll(escaped & ~u);
  if (u) {
    u &= ~(uint64_t)0 << uskip; /* the second half of a pair already checked */
    while (u) {
      unsigned i = sseval__lowest_bit(u); /* the 'u'; the backslash is before it */
      size_t n = esc_check(b + i - 1, end, &st->saved);
      if (!n) return -1;
      n = n + i - 1; /* the first byte after the escape */
      if (n >= 64) {
        st->uskip = (unsigned)(n - 64);
        break;
      }
      u &= ~(uint64_t)0 << n;
    }
  }
  if (m->high) { /* sse2: each sequence by its lead */
    uint64_t h = m->high & upto & valid & (~(uint64_t)0 << hskip);
    while (h) {
      unsigned i = sseval__lowest_bit(h);
      size_t n = utf8_seq(b + i, end);
      if (!n) return -1;
      n += i;
      if (n >= 64) {
        st->hskip = (unsigned)(n - 64);
        break;
      }
      h &= ~(uint64_t)0 << n;
    }
  }
  return k;
}

/* ---- sse2: four 16-byte compares per block ---------------------------------------- */

S_INLINE void masks16_sse2(const unsigned char *s, unsigned sh, block_masks *m) {
  const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
  const uint64_t h = (uint64_t)(unsigned)_mm_movemask_epi8(v);
  /* v - 0x20 with signed saturation is negative for < 0x20 and >= 0x80 */
  const uint64_t ch =
      (uint64_t)(unsigned)_mm_movemask_epi8(_mm_subs_epi8(v, _mm_set1_epi8(0x20)));
  m->bs |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))
           << sh;
  m->quote |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')))
              << sh;
  m->ctrl |= (ch & ~h) << sh;
  m->high |= h << sh;
}

static int scan_sse2(const unsigned char *p, const unsigned char *end,
                     sseval__strscan *out) {
  const unsigned char *pos = p;
  block_state st = {0, 0, 0, 0, 0};
  for (;;) {
    unsigned char tmp[64];
    const unsigned char *src = pos;
    size_t left = (size_t)(end - pos);
    uint64_t valid = ~(uint64_t)0;
    block_masks m = {0, 0, 0, 0, 0, 0};
    int k;
    if (left < 64) {
      if (left == 0) return 0;
      src = tail_block(tmp, pos, left, &valid);
    }
    masks16_sse2(src, 0, &m);
    masks16_sse2(src + 16, 16, &m);
    masks16_sse2(src + 32, 32, &m);
    masks16_sse2(src + 48, 48, &m);
    if (!m.high) st.hskip = 0;
    k = block_step(pos, &m, valid, end, &st, 0);
    if (k < 0) return 0;
    if (k < 64) return done(p, pos + k, st.saved, st.esc, out);
    if (left <= 64) return 0; /* not closed */
    pos += 64;
  }
}

#ifdef SSEVAL__AVX2
/* ---- avx2: two 32-byte compares per block, UTF-8 by table lookups --------------- */
#define AVX2 __attribute__((target("avx2")))
#define AVX2_INLINE static inline __attribute__((target("avx2"), always_inline))

/* Error classes: bit sets held by the lookup tables. */
enum {
  U_TOO_SHORT = 1 << 0,  /* a lead not followed by a continuation */
  U_TOO_LONG = 1 << 1,   /* a continuation after an ASCII byte */
  U_OVERLONG_3 = 1 << 2, /* E0 80..9F */
  U_TOO_LARGE = 1 << 3,  /* F4 90..BF, F5.. 90..BF */
  U_SURROGATE = 1 << 4,  /* ED A0..BF */
  U_OVERLONG_2 = 1 << 5, /* C0, C1 */
  U_TOO_LARGE_1000 = 1 << 6, /* F5..FF 80..8F */
  U_OVERLONG_4 = 1 << 6,     /* F0 80..8F (same bit: F0 and F5+ differ in the low nibble) */
  U_TWO_CONTS = 1 << 7,  /* a continuation after a continuation */
  U_CARRY = U_TOO_SHORT | U_TOO_LONG | U_TWO_CONTS
};

#define T16(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, q)                          \
  _mm256_setr_epi8((char)(a), (char)(b), (char)(c), (char)(d), (char)(e), (char)(f), \
                   (char)(g), (char)(h), (char)(i), (char)(j), (char)(k), (char)(l), \
                   (char)(m), (char)(n), (char)(o), (char)(q), (char)(a), (char)(b), \
                   (char)(c), (char)(d), (char)(e), (char)(f), (char)(g), (char)(h), \
                   (char)(i), (char)(j), (char)(k), (char)(l), (char)(m), (char)(n), \
                   (char)(o), (char)(q))

/* Constants of 32 equal bytes kept in memory and read through one base
 * pointer hidden from the constant folder (the empty asm): used as memory
 * operands they need no register and no lea, where gcc would otherwise
 * rebuild each _mm256_set1_epi8 inside the loop (mov + vmovd +
 * vpbroadcastb) once the sixteen vector registers run out. */
enum { K_LO4, K_60, K_70, K_80, K_1F, K_QUOTE, K_BS, K_U, K_COUNT };
#define KB(x) UINT64_C(0x0101010101010101) * (x)
#define K4(x) {KB(x), KB(x), KB(x), KB(x)}
static const uint64_t k_bytes[K_COUNT][4] __attribute__((aligned(32))) = {
    K4(0x0F), K4(0x60), K4(0x70), K4(0x80), K4(0x1F), K4('"'), K4('\\'), K4('u')};
typedef const uint64_t (*kbase_t)[4];
AVX2_INLINE kbase_t kbase(void) {
  kbase_t k = k_bytes;
  __asm__("" : "+r"(k));
  return k;
}
#define KV(kb, i) _mm256_load_si256((const __m256i *)(const void *)(kb)[i])

typedef struct utf8_state {
  __m256i prev; /* the previous 32 bytes */
  __m256i err;  /* non-zero: an error was seen */
} utf8_state;

/* Non-zero where prev ends inside a sequence: >= F0, E0, C0 in its last 3
 * bytes (computed only when the next bytes are ASCII or the string ends). */
AVX2_INLINE __m256i utf8_open_end(__m256i prev) {
  return _mm256_subs_epu8(
      prev, _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                             -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                             (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1)));
}

/* The 32 bytes before v shifted in by n (1..3) bytes from prev. */
#define PREV_N(v, prev, n)                                                          \
  _mm256_alignr_epi8((v), _mm256_permute2x128_si256((prev), (v), 0x21), 16 - (n))

/* The table check of 32 bytes v after u->prev (any bytes, ASCII included). */
AVX2_INLINE void utf8_lookup(utf8_state *u, __m256i v, kbase_t kb) {
  {
    const __m256i lo4 = KV(kb, K_LO4);
    const __m256i prev1 = PREV_N(v, u->prev, 1);
    const __m256i b1h = _mm256_shuffle_epi8(
        T16(U_TOO_LONG, U_TOO_LONG, U_TOO_LONG, U_TOO_LONG, U_TOO_LONG, U_TOO_LONG,
            U_TOO_LONG, U_TOO_LONG, U_TWO_CONTS, U_TWO_CONTS, U_TWO_CONTS, U_TWO_CONTS,
            U_TOO_SHORT | U_OVERLONG_2, U_TOO_SHORT,
            U_TOO_SHORT | U_OVERLONG_3 | U_SURROGATE,
            U_TOO_SHORT | U_TOO_LARGE | U_TOO_LARGE_1000 | U_OVERLONG_4),
        _mm256_and_si256(_mm256_srli_epi16(prev1, 4), lo4));
    const __m256i b1l = _mm256_shuffle_epi8(
        T16(U_CARRY | U_OVERLONG_3 | U_OVERLONG_2 | U_OVERLONG_4, U_CARRY | U_OVERLONG_2,
            U_CARRY, U_CARRY, U_CARRY | U_TOO_LARGE,
            U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000, U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000,
            U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000, U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000,
            U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000, U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000,
            U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000, U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000,
            U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000 | U_SURROGATE,
            U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000, U_CARRY | U_TOO_LARGE | U_TOO_LARGE_1000),
        _mm256_and_si256(prev1, lo4));
    const __m256i b2h = _mm256_shuffle_epi8(
        T16(U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT,
            U_TOO_SHORT, U_TOO_SHORT,
            U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_OVERLONG_3 | U_TOO_LARGE_1000 | U_OVERLONG_4,
            U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_OVERLONG_3 | U_TOO_LARGE,
            U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_SURROGATE | U_TOO_LARGE,
            U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_SURROGATE | U_TOO_LARGE,
            U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT),
        _mm256_and_si256(_mm256_srli_epi16(v, 4), lo4));
    const __m256i special = _mm256_and_si256(_mm256_and_si256(b1h, b1l), b2h);
    /* bytes that must be the 2nd or 3rd continuation: a lead >= E0 two
     * places back or >= F0 three places back */
    const __m256i must =
        _mm256_and_si256(_mm256_or_si256(_mm256_subs_epu8(PREV_N(v, u->prev, 2),
                                                          KV(kb, K_60)),
                                         _mm256_subs_epu8(PREV_N(v, u->prev, 3),
                                                          KV(kb, K_70))),
                         KV(kb, K_80));
    u->err = _mm256_or_si256(u->err, _mm256_xor_si256(must, special));
    u->prev = v;
  }
}

/* 32 bytes: ASCII ones need only the check that no sequence was cut
 * before them. */
AVX2_INLINE void utf8_block(utf8_state *u, __m256i v, kbase_t kb) {
  if (_mm256_movemask_epi8(v) == 0) {
    u->err = _mm256_or_si256(u->err, utf8_open_end(u->prev));
    u->prev = v;
    return;
  }
  utf8_lookup(u, v, kb);
}

/* 64 bytes, one ASCII test for both halves (the lookup is exact on ASCII
 * too, so a half-ASCII block just takes it). */
AVX2_INLINE void utf8_block64(utf8_state *u, __m256i v0, __m256i v1, kbase_t kb) {
  if (_mm256_movemask_epi8(_mm256_or_si256(v0, v1)) == 0) {
    u->err = _mm256_or_si256(u->err, utf8_open_end(u->prev));
    u->prev = v1;
    return;
  }
  utf8_lookup(u, v0, kb);
  utf8_lookup(u, v1, kb);
}

/* The masks of 32 bytes into m at bit `sh` (non-ASCII bytes are left out:
 * the table lookups validate them). */
AVX2_INLINE void masks32_avx2(__m256i v, unsigned sh, block_masks *m) {
  const uint64_t h = (uint64_t)(unsigned)_mm256_movemask_epi8(v);
  const uint64_t ch =
      (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_subs_epi8(v, _mm256_set1_epi8(0x20)));
  m->bs |= (uint64_t)(unsigned)_mm256_movemask_epi8(
               _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')))
           << sh;
  m->quote |= (uint64_t)(unsigned)_mm256_movemask_epi8(
                  _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')))
              << sh;
  m->ctrl |= (ch & ~h) << sh;
  /* the escape letters by nibbles: their high nibbles 2, 5, 6, 7 are bits
   * 1, 2, 4, 8; the low-nibble table says which of those each low nibble
   * completes into a letter */
  {
    const __m256i lo4 = _mm256_set1_epi8(0x0F);
    const __m256i by_hi = _mm256_shuffle_epi8(
        _mm256_setr_epi8(0, 0, 1, 0, 0, 2, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2,
                         4, 8, 0, 0, 0, 0, 0, 0, 0, 0),
        _mm256_and_si256(_mm256_srli_epi16(v, 4), lo4));
    const __m256i by_lo = _mm256_shuffle_epi8(
        /* 2: '"' 'b' 'r'; 4: 't'; 5: 'u'; 6: 'f'; C: '\\'; E: 'n'; F: '/' */
        _mm256_setr_epi8(0, 0, 1 | 4 | 8, 0, 8, 8, 4, 0, 0, 0, 0, 0, 2, 0, 4, 1, 0, 0,
                         1 | 4 | 8, 0, 8, 8, 4, 0, 0, 0, 0, 0, 2, 0, 4, 1),
        _mm256_and_si256(v, lo4));
    const uint64_t none = (uint64_t)(unsigned)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_and_si256(by_hi, by_lo), _mm256_setzero_si256()));
    m->letter |= (~none & 0xFFFFFFFFu) << sh;
    m->u |= (uint64_t)(unsigned)_mm256_movemask_epi8(
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('u')))
            << sh;
  }
}

/* v with its bytes from index k (0..32) on set to zero. */
AVX2_INLINE __m256i keep_below(__m256i v, int k) {
  const __m256i idx = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                       15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                                       27, 28, 29, 30, 31);
  return _mm256_and_si256(v, _mm256_cmpgt_epi8(_mm256_set1_epi8((char)k), idx));
}

/* The masks of a block inside the string: backslashes, quotes, the bytes
 * that may not follow a backslash (nonletter) and the 'u' bytes; ctrl:
 * non-zero when a control byte (< 0x20) is somewhere in the 64 bytes. */
typedef struct inside_masks {
  uint64_t bs, quote, nonletter, u;
  int ctrl;
} inside_masks;

/* The escape letters by nibbles: their high nibbles 2, 5, 6, 7 are bits 1,
 * 2, 4, 8 of the high-nibble table, the low-nibble table says which of those
 * each low nibble completes into a letter; 'u' (high 7, low 5) also has bit
 * 0x80 in both, so the AND of the two lookups has its top bit set exactly
 * at the 'u' bytes (movemask). */
AVX2_INLINE void letters32(__m256i v, kbase_t kb, uint64_t *nonletter, uint64_t *u) {
  const __m256i by_hi = _mm256_shuffle_epi8(
      _mm256_setr_epi8(0, 0, 1, 0, 0, 2, 4, (char)(8 | 0x80), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       1, 0, 0, 2, 4, (char)(8 | 0x80), 0, 0, 0, 0, 0, 0, 0, 0),
      _mm256_and_si256(_mm256_srli_epi16(v, 4), KV(kb, K_LO4)));
  /* 2: '"' 'b' 'r'; 4: 't'; 5: 'u'; 6: 'f'; C: '\\'; E: 'n'; F: '/' */
  const __m256i by_lo = _mm256_shuffle_epi8(
      _mm256_setr_epi8(0, 0, 1 | 4 | 8, 0, 8, (char)(8 | 0x80), 4, 0, 0, 0, 0, 0, 2, 0, 4, 1,
                       0, 0, 1 | 4 | 8, 0, 8, (char)(8 | 0x80), 4, 0, 0, 0, 0, 0, 2, 0, 4, 1),
      _mm256_and_si256(v, KV(kb, K_LO4)));
  const __m256i both = _mm256_and_si256(by_hi, by_lo);
  *u = (uint64_t)(unsigned)_mm256_movemask_epi8(both);
  *nonletter = (uint64_t)(unsigned)_mm256_movemask_epi8(
      _mm256_cmpeq_epi8(both, _mm256_setzero_si256()));
}

AVX2_INLINE void masks64_inside(__m256i v0, __m256i v1, kbase_t kb, inside_masks *m) {
  uint64_t l0, l1, u0, u1;
  m->bs = (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, KV(kb, K_BS))) |
          (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, KV(kb, K_BS))) << 32;
  m->quote =
      (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, KV(kb, K_QUOTE))) |
      (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, KV(kb, K_QUOTE))) << 32;
  /* a byte below 0x20 in either half leaves one in their bytewise minimum */
  m->ctrl = _mm256_movemask_epi8(_mm256_cmpeq_epi8(
      _mm256_max_epu8(_mm256_min_epu8(v0, v1), KV(kb, K_1F)), KV(kb, K_1F)));
  letters32(v0, kb, &l0, &u0);
  letters32(v1, kb, &l1, &u1);
  m->nonletter = l0 | l1 << 32;
  m->u = u0 | u1 << 32;
}

AVX2 static int scan_avx2(const unsigned char *p, const unsigned char *end,
                          sseval__strscan *out) {
  const unsigned char *pos = p;
  block_state st = {0, 0, 0, 0, 0};
  const kbase_t kb = kbase();
  uint64_t bad = 0, any_esc = 0;
  utf8_state u;
  u.prev = u.err = _mm256_setzero_si256();
  for (;;) {
    unsigned char tmp[64];
    const unsigned char *src;
    size_t left = (size_t)(end - pos);
    uint64_t valid = ~(uint64_t)0;
    block_masks m = {0, 0, 0, 0, 0, 0};
    __m256i v0, v1;
    int k;
    /* the blocks inside a long string (no unescaped quote, no control
     * byte), without a branch on their content: every mask computed, the
     * escaped bytes by arithmetic, a bad escape letter only noted (the
     * string is then invalid, whatever follows); only \u escapes take a
     * scalar step */
    while (left >= 64) {
      inside_masks im;
      uint64_t escaped, carry, u8;
      unsigned us;
      v0 = _mm256_loadu_si256((const __m256i *)(const void *)pos);
      v1 = _mm256_loadu_si256((const __m256i *)(const void *)(pos + 32));
      masks64_inside(v0, v1, kb, &im);
      escaped = escaped_of(im.bs, st.escaped_in, &carry);
      if ((im.quote & ~escaped) | (uint64_t)im.ctrl) break; /* the careful step */
      st.escaped_in = carry;
      bad |= escaped & im.nonletter;
      any_esc |= escaped;
      u8 = escaped & im.u;
      st.saved += (size_t)__builtin_popcountll(escaped & ~u8);
      us = st.uskip;
      st.uskip = 0;
      if (u8) {
        u8 &= ~(uint64_t)0 << us; /* the second half of a pair already checked */
        while (u8) {
          const unsigned i = sseval__lowest_bit(u8); /* the 'u'; the backslash is before it */
          size_t n = uesc_check(pos + i - 1, end, &st.saved);
          if (!n) return 0;
          n = n + i - 1; /* the first byte after the escape */
          if (n >= 64) {
            st.uskip = (unsigned)(n - 64);
            break;
          }
          u8 &= ~(uint64_t)0 << n;
        }
      }
      utf8_block64(&u, v0, v1, kb);
      pos += 64;
      left -= 64;
    }
    if (bad) return 0;
    st.esc |= any_esc != 0;
    src = pos;
    if (left < 64) {
      if (left == 0) return 0;
      src = tail_block(tmp, pos, left, &valid);
    }
    v0 = _mm256_loadu_si256((const __m256i *)(const void *)src);
    v1 = _mm256_loadu_si256((const __m256i *)(const void *)(src + 32));
    masks32_avx2(v0, 0, &m);
    masks32_avx2(v1, 32, &m);
    k = block_step(pos, &m, valid, end, &st, 1);
    if (k < 0) return 0;
    if (k < 64) { /* the string ends here: nothing after the quote counts */
      utf8_block(&u, keep_below(v0, k < 32 ? k : 32), kb);
      utf8_block(&u, keep_below(v1, k < 32 ? 0 : k - 32), kb);
      u.err = _mm256_or_si256(u.err, utf8_open_end(u.prev));
      if (!_mm256_testz_si256(u.err, u.err)) return 0;
      return done(p, pos + k, st.saved, st.esc, out);
    }
    if (left <= 64) return 0; /* not closed */
    utf8_block64(&u, v0, v1, kb);
    pos += 64;
  }
}
#endif /* SSEVAL__AVX2 */
#endif /* SSEVAL__X86 */

/* ---- decoding ------------------------------------------------------------------ */

size_t sseval__unescape(const unsigned char *p, size_t len, unsigned char *dst,
                        size_t dst_len, size_t *from_escapes) {
  const unsigned char *end = p + len;
  unsigned char *d = dst, *const dend = dst + dst_len;
  size_t esc = 0;
  while (p < end) {
    const unsigned char *q;
    size_t run;
#ifdef SSEVAL__X86
    /* 16 bytes at a time while both sides have room */
    while (end - p >= 16 && dend - d >= 16) {
      const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
      unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
      _mm_storeu_si128((__m128i *)(void *)d, v);
      if (m) {
        unsigned k = sseval__lowest_bit(m);
        p += k;
        d += k;
        goto escape;
      }
      p += 16;
      d += 16;
    }
#endif
    q = (const unsigned char *)memchr(p, '\\', (size_t)(end - p));
    run = (size_t)((q ? q : end) - p);
    if (run > (size_t)(dend - d)) run = (size_t)(dend - d); /* not validated */
    memcpy(d, p, run);
    p += run;
    d += run;
    if (!q || p != q) break;
#ifdef SSEVAL__X86
  escape:
#endif
    { /* p at a backslash of a validated string */
      unsigned char u[4];
      size_t n = 0, adv;
      if (dend - d >= 4) { /* room for any escape: decode in place */
        adv = sseval__esc_decode(p, end, d, &n);
      } else {
        adv = sseval__esc_decode(p, end, u, &n);
        if (adv && n <= (size_t)(dend - d)) memcpy(d, u, n);
        else adv = 0;
      }
      if (adv == 0) break;
      p += adv;
      d += n;
      esc += n;
    }
  }
  if (from_escapes) *from_escapes = esc;
  return (size_t)(d - dst);
}

/* ---- choosing ------------------------------------------------------------------- */

int sseval__simd_available(sseval__simd_impl impl) {
  switch (impl) {
  case SSEVAL__SIMD_BEST:
  case SSEVAL__SIMD_PORTABLE:
#ifdef SSEVAL__X86
  case SSEVAL__SIMD_SSE2:
#endif
    return 1;
#if defined(SSEVAL__X86) && defined(SSEVAL__AVX2)
  case SSEVAL__SIMD_AVX2: return __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
  default: return 0;
  }
}

static sseval__simd_impl best(void) {
#ifdef SSEVAL__X86
#ifdef SSEVAL__AVX2
  if (__builtin_cpu_supports("avx2")) return SSEVAL__SIMD_AVX2;
#endif
  return SSEVAL__SIMD_SSE2;
#else
  return SSEVAL__SIMD_PORTABLE;
#endif
}

const char *sseval__simd_name(void) {
  switch (best()) {
  case SSEVAL__SIMD_AVX2: return "avx2";
  case SSEVAL__SIMD_SSE2: return "sse2";
  default: return "portable";
  }
}

int sseval__str_scan_with(sseval__simd_impl impl, const unsigned char *p,
                          const unsigned char *end, sseval__strscan *out) {
  if (impl == SSEVAL__SIMD_BEST) impl = best();
  if (!sseval__simd_available(impl)) impl = SSEVAL__SIMD_PORTABLE;
  switch (impl) {
#ifdef SSEVAL__X86
#ifdef SSEVAL__AVX2
  case SSEVAL__SIMD_AVX2: return scan_avx2(p, end, out);
#endif
  case SSEVAL__SIMD_SSE2: return scan_sse2(p, end, out);
#endif
  default: return scan_portable(p, end, out);
  }
}

int sseval__str_scan(const unsigned char *p, const unsigned char *end,
                     sseval__strscan *out) {
  /* a short rest (a token-sized delta, 30% of which hold an escape or a
   * non-ASCII byte): eight bytes per step beats setting up 64-byte blocks
   * (the tail copy, the masks and the UTF-8 tables) */
  if (end - p < SSEVAL__STR_SHORT) return scan_portable(p, end, out);
#ifdef SSEVAL__X86
#ifdef SSEVAL__AVX2
  if (__builtin_cpu_supports("avx2")) return scan_avx2(p, end, out);
#endif
  return scan_sse2(p, end, out);
#else
  return scan_portable(p, end, out);
#endif
}
