/* SPDX-License-Identifier: MIT */
/*
 * src/types.h - internal: the one description of each content block type and
 * each delta type. Everything that depends on a type is derived from the two
 * tables below: the block and delta kinds, their names, the wire-name
 * lookups, which delta fits which block, which member carries a delta's
 * piece, how the piece is delivered and to which callback, the fast path's
 * literal shapes (src/claude.c) and the rebuilt block's shape (src/accum.c).
 * docs/DESIGN.md ("How to add") walks through adding a row.
 */
#ifndef SSEVAL_SRC_TYPES_H
#define SSEVAL_SRC_TYPES_H

#include <stddef.h>

#include "sseval/claude.h"

/* ---- delta types ------------------------------------------------------------
 * X(KIND, wire name, field, field kind, family, delivery, callback, fast)
 *   KIND      D_<KIND>, the internal delta kind.
 *   wire name delta.type on the wire.
 *   field     the member of the delta object carrying its piece ("" for
 *             none: the whole delta object is the piece); read by the
 *             payload walker (a key of the nested object).
 *   field kind K_STR (a JSON string) or K_RAW (any JSON value, kept raw).
 *   family    the delta kind that names the block family it applies to: a
 *             delta fits a block whose type row names the same family.
 *   delivery  DL_PIECES: decoded string pieces to the callback and appended
 *               to the block's content (limits: max_block_bytes);
 *             DL_TOOL_INPUT: as DL_PIECES, validated incrementally as JSON
 *               first (limits: max_tool_input_bytes too);
 *             DL_SIGNATURE: decoded pieces to the callback, the last one
 *               replaces the block's signature;
 *             DL_CITATION: the raw value to the callback, appended to the
 *               block's citations;
 *             DL_MERGE: the whole delta object to the callback, its members
 *               merged over the block.
 *   callback  the member of sseval_claude_callbacks that receives it.
 *   fast      1: the fast path matches {"type":"<wire>","<field>":"..."}
 *             literally (string fields only).
 */
#ifdef SSEVAL_TEST_FOO_DELTA /* a made-up delta, for tests/test_foo_delta.c */
#define SSEVAL__TEST_DELTA_ROWS(X)                                             \
  X(FOO, "foo_delta", "foo", K_STR, TEXT, DL_PIECES, on_text, 1)
#else
#define SSEVAL__TEST_DELTA_ROWS(X)
#endif

#define SSEVAL__DELTA_TYPES(X)                                                 \
  X(TEXT, "text_delta", "text", K_STR, TEXT, DL_PIECES, on_text, 1)            \
  X(CITATIONS, "citations_delta", "citation", K_RAW, TEXT, DL_CITATION,        \
    on_citation, 0)                                                            \
  X(INPUT_JSON, "input_json_delta", "partial_json", K_STR, INPUT_JSON,         \
    DL_TOOL_INPUT, on_tool_input, 1)                                           \
  X(THINKING, "thinking_delta", "thinking", K_STR, THINKING, DL_PIECES,        \
    on_thinking, 1)                                                            \
  X(SIGNATURE, "signature_delta", "signature", K_STR, THINKING, DL_SIGNATURE,  \
    on_signature, 1)                                                           \
  X(COMPACTION, "compaction_delta", "", K_RAW, COMPACTION, DL_MERGE,           \
    on_compaction, 0)                                                          \
  SSEVAL__TEST_DELTA_ROWS(X)

enum { DL_NONE, DL_PIECES, DL_TOOL_INPUT, DL_SIGNATURE, DL_CITATION, DL_MERGE };

/* D_NONE (0): an unknown delta type, or a block with no streamed content. */
enum sseval__delta_kind {
  D_NONE = 0,
#define SSEVAL__X(k, wire, field, fk, fam, dl, cb, fast) D_##k,
  SSEVAL__DELTA_TYPES(SSEVAL__X)
#undef SSEVAL__X
  D_COUNT_
};

/* ---- block types --------------------------------------------------------------
 * X(TYPE, name, wire name, family)
 *   TYPE      SSEVAL_BLOCK_<TYPE> of the public enum (include/sseval/claude.h),
 *             rows in the enum's order (checked below).
 *   name      sseval_block_type_name().
 *   wire name content_block.type on the wire ("" when none matches on its
 *             own: UNKNOWN, and TOOL_RESULT, which SSEVAL__TOOL_RESULT_NAMES
 *             lists).
 *   family    D_<family>: the deltas that fit it and how its content is
 *             accumulated: a DL_PIECES family's content is written under
 *             its delta's field ("text", "thinking") and the start event's
 *             initial value of that field is delivered as a first piece;
 *             DL_TOOL_INPUT: a tool block (input validated, written as
 *             "input"); DL_MERGE: delta members merged; NONE: no deltas,
 *             the start object is the block.
 */
#define SSEVAL__BLOCK_TYPES(X)                                                 \
  X(UNKNOWN, "unknown", "", NONE)                                              \
  X(TEXT, "text", "text", TEXT)                                                \
  X(THINKING, "thinking", "thinking", THINKING)                                \
  X(REDACTED_THINKING, "redacted_thinking", "redacted_thinking", NONE)         \
  X(TOOL_USE, "tool_use", "tool_use", INPUT_JSON)                              \
  X(SERVER_TOOL_USE, "server_tool_use", "server_tool_use", INPUT_JSON)         \
  X(MCP_TOOL_USE, "mcp_tool_use", "mcp_tool_use", INPUT_JSON)                  \
  X(COMPACTION, "compaction", "compaction", COMPACTION)                        \
  X(TOOL_RESULT, "tool_result", "", NONE)                                      \
  X(FALLBACK, "fallback", "fallback", NONE)

/* The wire names of SSEVAL_BLOCK_TOOL_RESULT blocks (complete at start). */
#define SSEVAL__TOOL_RESULT_NAMES(X)                                           \
  X("web_search_tool_result")                                                  \
  X("web_fetch_tool_result")                                                   \
  X("code_execution_tool_result")                                              \
  X("bash_code_execution_tool_result")                                         \
  X("text_editor_code_execution_tool_result")                                  \
  X("tool_search_tool_result")                                                 \
  X("container_upload")                                                        \
  X("mcp_tool_result")                                                         \
  X("advisor_tool_result")

typedef struct sseval__block_spec {
  const char *name, *wire;
  unsigned char wire_len;
  unsigned char family; /* D_* */
} sseval__block_spec;

static const sseval__block_spec sseval__block_specs[] = {
#define SSEVAL__X(t, name, wire, fam)                                          \
  [SSEVAL_BLOCK_##t] = {name, wire, sizeof(wire) - 1, D_##fam},
    SSEVAL__BLOCK_TYPES(SSEVAL__X)
#undef SSEVAL__X
};
_Static_assert(sizeof sseval__block_specs / sizeof sseval__block_specs[0] ==
                   (size_t)SSEVAL_BLOCK_FALLBACK + 1,
               "one SSEVAL__BLOCK_TYPES row per sseval_block_type value");

typedef struct sseval__delta_spec {
  const char *wire, *field;
  unsigned char wire_len, field_len;
  unsigned char family; /* D_* */
  unsigned char delivery; /* DL_* */
  size_t callback;        /* offsetof(sseval_claude_callbacks, ...) */
} sseval__delta_spec;

static const sseval__delta_spec sseval__delta_specs[D_COUNT_] = {
    [D_NONE] = {"", "type", 0, 4, D_NONE, DL_NONE, 0},
#define SSEVAL__X(k, wire, field, fk, fam, dl, cb, fast)                       \
  [D_##k] = {wire,    field, sizeof(wire) - 1, sizeof(field) - 1,                \
             D_##fam, dl,    offsetof(sseval_claude_callbacks, cb)},
    SSEVAL__DELTA_TYPES(SSEVAL__X)
#undef SSEVAL__X
};

/* A block type's row; UNKNOWN's for values outside the enum. */
static inline const sseval__block_spec *
sseval__block_spec_of(sseval_block_type t) {
  return &sseval__block_specs[(unsigned)t <= (unsigned)SSEVAL_BLOCK_FALLBACK
                                  ? t
                                  : SSEVAL_BLOCK_UNKNOWN];
}

/* Tool blocks: their content is tool input, validated as it streams. */
static inline int sseval__block_is_tool(sseval_block_type t) {
  return sseval__delta_specs[sseval__block_spec_of(t)->family].delivery ==
         DL_TOOL_INPUT;
}

#endif
