/* SPDX-License-Identifier: MIT */
/*
 * src/json.h - internal: the strict RFC 8259 JSON layer (not installed).
 *
 * Two parts:
 *  1. A cursor over a complete buffer (one SSE event's data), used by the
 *     Claude layer to walk the payload schema-first: it reads the keys it
 *     needs and skips (while fully validating) everything else, in one pass,
 *     with an explicit depth counter and no recursion.
 *  2. An incremental validator for text that arrives in pieces (the
 *     concatenated `partial_json` of a tool block), byte-exact whatever the
 *     split.
 *
 * Strictness (both parts): RFC 8259 exactly. Rejected: literals other than
 * true/false/null (`tru`, `True`, `NaN`, `Infinity`), leading zeros, `+1`,
 * `1.`, `.5`, `1e`, trailing commas, single quotes, comments, raw control
 * characters (< 0x20) in strings, invalid escapes, invalid UTF-8 anywhere
 * (overlongs, surrogates encoded in UTF-8, > U+10FFFF, truncated sequences),
 * lone or reversed surrogate escapes (\ud800 alone, \udc00\ud800), and a
 * second value after the first. Whitespace is exactly space, tab, LF, CR.
 *
 * Error positions are byte offsets relative to the start of the buffer (part
 * 1) or of the concatenated text (part 2).
 * Precisely: the offset of the first byte at which the text stops
 * being a prefix of some valid JSON text ("unexpected end": the length), so
 * `[1,]` fails at the `]`, `"\ud800"` at the closing quote, `"\udc00"` at
 * the `c`. Both parts give the same position and the same message for the
 * same text, whatever the split. A J_TYPE error from any reader means the
 * value was valid JSON of another type and has been consumed.
 */
#ifndef SSEVAL_SRC_JSON_H
#define SSEVAL_SRC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "sseval/common.h"

/* ---- errors ---------------------------------------------------------- */
typedef enum sseval__jerr {
  SSEVAL__J_OK = 0,
  SSEVAL__J_SYNTAX, /* not JSON (message says what) */
  SSEVAL__J_DEPTH,  /* nesting deeper than max_depth */
  SSEVAL__J_TYPE,   /* valid JSON, but not the type the caller asked for */
  SSEVAL__J_DUPKEY, /* an object repeats a member name (checked only with a
                       key set attached, see sseval__jkeys) */
  SSEVAL__J_NOMEM   /* the key set could not grow */
} sseval__jerr;

/* ---- duplicate member names ----------------------------------------------
 * RFC 8259 leaves an object with a repeated name to each parser: some keep
 * the first value, most the last. A validator that lets such an object pass
 * validates one meaning while a downstream parser may act on the other, so
 * with a key set attached both parts below reject the second occurrence of a
 * name within one object (names compared after unescaping: "type" and
 * "\u0074ype" are the same name), in the same single pass.
 *
 * A key set holds the names of the objects currently open: a stack of 8-byte
 * records (one per name, plus one mark per open object). A name is not
 * copied when it can be pointed at: a name without escapes read by the
 * cursor is a span of the cursor's buffer, which outlives the walk. Names
 * with escapes (decoded) and every name of the incremental validator (it
 * arrives in pieces) are copied into an arena. A new name is compared with
 * the names of the innermost object only: one by one (length, then bytes)
 * while that object has fewer than SSEVAL__JKEYS_LINEAR names (the objects
 * of Claude events have under ten), through a hash index over the whole
 * stack beyond that. The index is built when an object first reaches that
 * many names and stays on until the key set is cleared. Its chains are
 * pushed and popped in stack order, so closing an object removes exactly
 * its names. Memory: 8 bytes per name or open object, the decoded bytes of
 * the names with escapes (all names in the incremental validator), and
 * while indexed 12 more bytes per record slot, for the objects open at one
 * time; so it is bounded by the size of the text checked (an event's data:
 * max_event_bytes; a tool input: max_tool_input_bytes). It grows through
 * the caller's allocator and keeps its capacity across uses; the arena and
 * the index are allocated only when first needed. The hash is seeded per
 * key set (from its address), so a sender cannot precompute colliding
 * names. A name longer than SSEVAL__JKEY_LEN bytes (1 GiB - 1) that has to
 * be copied fails as J_NOMEM. */
typedef struct sseval__jkey {
  uint32_t off; /* name: offset of its bytes in the cursor's buffer (base),
                   or in the arena with SSEVAL__JKEY_ARENA; object mark: the
                   arena length when the object opened */
  uint32_t len; /* name: its length, | SSEVAL__JKEY_ARENA when copied;
                   object mark: SSEVAL__JKEY_MARK | the enclosing object's
                   first record */
} sseval__jkey;
#define SSEVAL__JKEY_MARK UINT32_C(0x80000000)
#define SSEVAL__JKEY_ARENA UINT32_C(0x40000000)
#define SSEVAL__JKEY_LEN UINT32_C(0x3fffffff)
#define SSEVAL__JKEYS_LINEAR 16u
#define SSEVAL__JKEYS_INITIAL 24u /* records at the first growth */

typedef struct sseval__jkeys {
  sseval__mem *mem;   /* NULL: no checking (the key set is off) */
  sseval__jkey *rec;  /* the stack */
  uint32_t n, cap;
  uint32_t *ix;       /* NULL, or the index: icap hashes, icap chain links
                         (previous record of the bucket, index + 1, 0 =
                         none), icap bucket heads */
  const unsigned char *base; /* the cursor's buffer: span names */
  char *arena;        /* copied names of the open objects */
  uint32_t alen, acap;
  uint32_t icap;      /* index slots: a power of two, >= cap when on */
  uint32_t indexed;   /* 1: the index covers every record (until cleared) */
  uint32_t frame;     /* first record of the innermost open object */
  uint32_t key_start; /* incremental validator: arena offset of the name
                         being read */
} sseval__jkeys;

/* Attach an allocator (turns checking on) with empty storage. */
void sseval__jkeys_init(sseval__jkeys *k, sseval__mem *mem);
/* Forget every name; keep the capacity. */
void sseval__jkeys_clear(sseval__jkeys *k);
/* Release the storage (the key set is then off). */
void sseval__jkeys_free(sseval__jkeys *k);

/* ---- part 1: the cursor ------------------------------------------------ */
typedef struct sseval__jcur {
  const unsigned char *base; /* start of buffer */
  const unsigned char *p;    /* next byte */
  const unsigned char *end;  /* one past the last byte */
  uint32_t depth;            /* containers currently open (entered via the
                                cursor or inside skip) */
  uint32_t max_depth;        /* >= 1; deeper input fails with J_DEPTH */
  sseval__jerr err;          /* first error; sticky: every call fails after */
  const char *err_msg;       /* static string */
  size_t err_pos;            /* offset from base of the offending byte */
  sseval__jkeys *keys;       /* NULL (the default): names are not checked;
                                else every object entered or skipped is
                                checked for a repeated name (J_DUPKEY at the
                                repeated name's closing quote; J_NOMEM when
                                the key set cannot grow). Clear it before a
                                walk that may follow a failed one. */
} sseval__jcur;

/* A string value as it sits in the buffer (between the quotes, still escaped). */
typedef struct sseval__jstr {
  const char *ptr;
  size_t len;
  int has_escapes; /* 0: the raw bytes are the value (zero-copy) */
  size_t dlen;     /* with escapes: the decoded length when the scan that
                      read it counted it, else 0 (sseval__jstr_decoded_len
                      counts then) */
} sseval__jstr;

/* Value kinds returned by sseval__j_peek. */
typedef enum sseval__jkind {
  SSEVAL__JK_ERROR = 0,
  SSEVAL__JK_OBJECT,
  SSEVAL__JK_ARRAY,
  SSEVAL__JK_STRING,
  SSEVAL__JK_NUMBER,
  SSEVAL__JK_TRUE,
  SSEVAL__JK_FALSE,
  SSEVAL__JK_NULL
} sseval__jkind;

void sseval__jcur_init(sseval__jcur *c, const void *buf, size_t len,
                       uint32_t max_depth);

/* Skip whitespace and report the kind of the next value from its first byte
 * (does not consume or validate it). JK_ERROR at end of input or on a byte
 * that cannot start a value (and sets the error). */
sseval__jkind sseval__j_peek(sseval__jcur *c);

/* Expect '{' (after whitespace) and enter the object (depth + 1).
 * Returns 1, or 0 on error (J_TYPE if the value is valid-looking but not an
 * object, J_DEPTH, J_SYNTAX). */
int sseval__j_obj_begin(sseval__jcur *c);

/* Inside an object: read the next member's key and its ':'.
 * Returns 1 with *key set (the cursor is then at the member's value),
 * 0 when the object ends ('}' consumed, depth - 1), -1 on error.
 * Handles the ',' between members; rejects trailing commas. */
int sseval__j_obj_next(sseval__jcur *c, sseval__jstr *key);

/* Arrays, like objects: expect '[' and enter (depth + 1); returns 1,
 * or 0 on error (J_TYPE: the value was another valid value, consumed). */
int sseval__j_arr_begin(sseval__jcur *c);
/* Inside an array: 1 when there is a next element (the cursor is at
 * it; read it with any reader or skip it), 0 when the array ends (']'
 * consumed, depth - 1), -1 on error. Handles ',' and rejects trailing
 * commas. */
int sseval__j_arr_next(sseval__jcur *c);

/* Read a string value (validated: UTF-8, escapes, surrogates).
 * Returns 1, or 0 on error (J_TYPE when the value is not a string). */
int sseval__j_str(sseval__jcur *c, sseval__jstr *out);

/* The string value at p (its opening quote) of a buffer [lo, end), without
 * a cursor: returns the position after its closing quote with *out set, or
 * NULL when it is not a valid string closing before end (nothing recorded:
 * sseval__j_str on a cursor gives the error). Same strictness as
 * sseval__j_str; reads no byte outside [lo, end). */
const unsigned char *sseval__j_str_at(const unsigned char *lo,
                                      const unsigned char *p,
                                      const unsigned char *end,
                                      sseval__jstr *out);

/* Read a number that is a non-negative integer fitting uint64_t.
 * Returns 1; 0 on error (J_TYPE for any other valid value, including
 * negatives, fractions, exponents and too-large integers: the value is then
 * consumed and validated, so the caller may choose to ignore J_TYPE by
 * clearing it - see sseval__j_clear_type_error). */
int sseval__j_uint(sseval__jcur *c, uint64_t *out);

/* If the sticky error is J_TYPE, clear it (err = J_OK) and return
 * 1: the mistyped value has been consumed and validated, so the cursor can
 * go on. Any other error is kept and 0 returned. */
int sseval__j_clear_type_error(sseval__jcur *c);

/* Validate and skip any value (iterative, depth-limited). On success sets
 * *raw (if not NULL) to the value's exact bytes. Returns 1 or 0. */
int sseval__j_skip(sseval__jcur *c, sseval__jstr *raw);

/* Skip trailing whitespace; succeed only at the end of the buffer (rejects a
 * second value). Returns 1 or 0. */
int sseval__j_end(sseval__jcur *c);

/* Exact key comparison on the raw (escaped) key. A key written with escapes
 * ("\u0074ype") is compared after decoding. Returns 1 when equal. */
int sseval__jstr_eq(const sseval__jstr *s, const char *lit, size_t lit_len);

/* ---- decoding strings -------------------------------------------------- */
/* Iterates over a validated string's value in pieces: maximal runs of raw
 * bytes (pointing into the buffer) and decoded escapes (UTF-8 in `scratch`,
 * a surrogate pair giving one 4-byte piece). Every piece is valid UTF-8. */
typedef struct sseval__jdec {
  const char *p, *end;
  char scratch[8];
} sseval__jdec;

void sseval__jdec_init(sseval__jdec *d, const sseval__jstr *s);
/* Returns 1 with *piece set, 0 when done. Consecutive escapes may be
 * coalesced into one scratch piece (up to sizeof scratch). */
int sseval__jdec_next(sseval__jdec *d, sseval_span *piece);
/* Decoded length of a validated string. */
size_t sseval__jstr_decoded_len(const sseval__jstr *s);

/* ---- part 2: incremental validator ---------------------------------- */
#define SSEVAL__JSTREAM_MAX_DEPTH 512u

typedef struct sseval__jstream {
  uint64_t pos;            /* bytes fed so far */
  uint32_t depth;
  uint32_t max_depth;      /* <= SSEVAL__JSTREAM_MAX_DEPTH */
  uint32_t state;          /* internal */
  uint32_t aux;            /* internal: pending escape digits, UTF-8 need, ... */
  uint32_t aux2;           /* internal: pending high surrogate, ... */
  uint32_t aux3;           /* internal */
  sseval__jerr err;
  const char *err_msg;
  uint64_t err_pos;        /* offset in the concatenation */
  uint32_t aux4;           /* internal: the low surrogate of a name */
  int top_is_object;       /* the first non-ws byte was '{' */
  unsigned char stack[SSEVAL__JSTREAM_MAX_DEPTH / 8]; /* 1 = object, 0 = array */
  sseval__jkeys keys;      /* off after init; sseval__jkeys_init turns the
                              duplicate-name check on (J_DUPKEY at the
                              repeated name's closing quote, J_NOMEM) */
} sseval__jstream;

/* Start a validator with the key set off. */
void sseval__jstream_init(sseval__jstream *s, uint32_t max_depth);
/* Start again on a validator that was initialised before: like init, but the
 * key set (on or off, and its capacity) is kept, cleared. */
void sseval__jstream_restart(sseval__jstream *s, uint32_t max_depth);
/* Feed the next piece. Returns 1, or 0 on the first invalid byte (sticky). */
int sseval__jstream_feed(sseval__jstream *s, const void *buf, size_t len);
/* End of text: returns 1 if exactly one complete value (plus whitespace) was
 * fed, 0 otherwise (sets err/err_pos; an unfinished value is J_SYNTAX with
 * err_pos = pos). */
int sseval__jstream_finish(sseval__jstream *s);
/* 1 if nothing but whitespace has been fed. */
int sseval__jstream_empty(const sseval__jstream *s);

#endif /* SSEVAL_SRC_JSON_H */
