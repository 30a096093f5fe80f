/* SPDX-License-Identifier: MIT */
/*
 * sseval/claude.h - layer 2: the Claude Messages stream state machine.
 *
 * Feed it the raw bytes of a Messages API streaming response body (it wires
 * its own tokenizer), or drive it with events from your own sseval_sse
 * (sseval_claude_on_sse_event). It validates every event against the
 * protocol in docs/PROTOCOL.md, in that document's
 * evaluation order, calls you back with each piece of content as it arrives,
 * and - with SSEVAL_CLAUDE_ACCUMULATE - rebuilds the final message.
 *
 * Verdicts and rules. The first problem met is sticky: it fixes the verdict,
 * the stable rule id (SSEVAL_RULE_MAP below), the absolute byte offset of the
 * offending event's first byte, its line, and a one-sentence detail. Nothing
 * after it changes the verdict; the state machine stops interpreting the
 * stream. Only after a protocol_violation or invalid_json verdict does it
 * keep looking at event names, for a later `error` event, which it reports
 * in result.error (sseval_claude_wants_more says when reading can stop).
 * End of input is the explicit sseval_claude_finish call: that is where a
 * stream without message_stop becomes `truncated`.
 *
 * Not an event stream. sseval_claude_feed looks at the first line of the
 * body: it must be an event-stream line (a comment, or an `event`, `data`,
 * `id` or `retry` field; blank lines and a BOM may come first). Anything
 * else is the `not_event_stream` verdict at once; a body that starts with
 * `{` or `[` is collected (up to max_event_bytes) and classified at finish:
 * a JSON error body (rule error_body, result.error filled as
 * sseval_parse_error_body reads it), a non-streaming message (message_body),
 * or other (not_event_stream). sseval_claude_on_sse_event never sees raw
 * bytes, so it does not make this check.
 *
 * Zero copy. Text, thinking, signature and tool-input pieces are the JSON
 * strings of the deltas, unescaped. A run without escapes is a span into the
 * bytes you fed (when the event did not straddle chunks) or into the
 * tokenizer's buffer; only decoded escapes go through a small scratch area.
 * Every piece handed out is valid UTF-8 (the payload is validated strictly
 * before any of its callbacks run). Spans live until the callback returns.
 *
 * Payloads are checked as strict RFC 8259 JSON (see docs/DESIGN.md) with a
 * depth limit and no recursion; tool input (the concatenated partial_json of
 * a tool block) is validated incrementally as the pieces arrive, so the first
 * invalid byte is reported at the delta that brings it.
 *
 * Thread safety: one instance per thread at a time; instances share nothing.
 */
#ifndef SSEVAL_CLAUDE_H
#define SSEVAL_CLAUDE_H

#include "common.h"
#include "sse.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- verdicts ------------------------------------------------------------ */
/** X-macro: (NAME, cli name, sseval check exit code). */
#define SSEVAL_VERDICT_MAP(XX)                                                 \
  XX(COMPLETE, "complete", 0)                                                  \
  XX(TRUNCATED, "truncated", 2)                                                \
  XX(ERROR_EVENT, "error_event", 3)                                            \
  XX(PROTOCOL_VIOLATION, "protocol_violation", 4)                              \
  XX(INVALID_JSON, "invalid_json", 5)                                          \
  XX(LIMIT_EXCEEDED, "limit_exceeded", 6)                                      \
  XX(NOT_EVENT_STREAM, "not_event_stream", 7)

typedef enum sseval_verdict {
#define SSEVAL_XX_(name, str, code) SSEVAL_VERDICT_##name,
  SSEVAL_VERDICT_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  SSEVAL_VERDICT_COUNT_
} sseval_verdict;

/** "complete", "truncated", ...; "unknown" for out-of-range values. */
SSEVAL_API const char *sseval_verdict_name(sseval_verdict v);
/** The `sseval check` exit code of a verdict (0, 2..7). */
SSEVAL_API int sseval_verdict_exit_code(sseval_verdict v);

/* ---- rules ----------------------------------------------------------------- */
/**
 * Stable rule ids: X-macro (NAME, "id", VERDICT, "description"). The ids are
 * those of docs/PROTOCOL.md, in its evaluation order, plus a few of
 * sseval's own (marked "sseval:") for schema and resource problems the
 * document does not name. Ids never change meaning once released.
 */
#define SSEVAL_RULE_MAP(XX)                                                    \
  XX(NONE, "none", COMPLETE, "no problem")                                     \
  XX(EVENT_NAME_MISSING, "event_name_missing", PROTOCOL_VIOLATION,             \
     "a dispatched event has data but no event: name")                         \
  XX(EVENT_DATA_NOT_JSON, "event_data_not_json", INVALID_JSON,                 \
     "the data of a known event is not a JSON object")                         \
  XX(EVENT_TYPE_MISMATCH, "event_type_mismatch", PROTOCOL_VIOLATION,           \
     "data.type differs from the SSE event name")                              \
  XX(EVENT_FIELD_INVALID, "event_field_invalid", PROTOCOL_VIOLATION,           \
     "sseval: a field the protocol requires is missing or of the wrong type")  \
  XX(EVENT_AFTER_MESSAGE_STOP, "event_after_message_stop",                     \
     PROTOCOL_VIOLATION, "a known event after message_stop")                   \
  XX(DUPLICATE_MESSAGE_START, "duplicate_message_start", PROTOCOL_VIOLATION,   \
     "a second message_start")                                                 \
  XX(EVENT_BEFORE_MESSAGE_START, "event_before_message_start",                 \
     PROTOCOL_VIOLATION, "a content or message event before message_start")    \
  XX(BLOCK_START_INDEX_GAP, "block_start_index_gap", PROTOCOL_VIOLATION,       \
     "content_block_start skips an index")                                     \
  XX(BLOCK_START_INDEX_DUPLICATE, "block_start_index_duplicate",               \
     PROTOCOL_VIOLATION, "content_block_start repeats an index")               \
  XX(DELTA_FOR_UNOPENED_BLOCK, "delta_for_unopened_block",                     \
     PROTOCOL_VIOLATION, "a delta for an index never started")                 \
  XX(DELTA_AFTER_BLOCK_STOP, "delta_after_block_stop", PROTOCOL_VIOLATION,     \
     "a delta for a block already stopped")                                    \
  XX(DELTA_TYPE_MISMATCH, "delta_type_mismatch", PROTOCOL_VIOLATION,           \
     "a known delta type on a block type it does not belong to")               \
  XX(STOP_FOR_UNOPENED_BLOCK, "stop_for_unopened_block", PROTOCOL_VIOLATION,   \
     "content_block_stop for an index never started")                          \
  XX(DUPLICATE_BLOCK_STOP, "duplicate_block_stop", PROTOCOL_VIOLATION,         \
     "content_block_stop for a block already stopped")                         \
  XX(TOOL_INPUT_INVALID, "tool_input_invalid", INVALID_JSON,                   \
     "the concatenated partial_json of a tool block is not a JSON object")     \
  XX(MISSING_MESSAGE_DELTA, "missing_message_delta", PROTOCOL_VIOLATION,       \
     "message_stop without any earlier message_delta")                         \
  XX(BLOCK_OPEN_AT_MESSAGE_STOP, "block_open_at_message_stop",                 \
     PROTOCOL_VIOLATION, "a content block is still open at message_stop")      \
  XX(EOF_INSIDE_EVENT, "eof_inside_event", TRUNCATED,                          \
     "the body ended inside an unfinished event, before message_stop")         \
  XX(EOF_BEFORE_MESSAGE_STOP, "eof_before_message_stop", TRUNCATED,            \
     "the body ended between events, before message_stop")                     \
  XX(LINE_TOO_LONG, "line_too_long", LIMIT_EXCEEDED,                           \
     "sseval: a line is longer than max_line_bytes")                           \
  XX(EVENT_TOO_LARGE, "event_too_large", LIMIT_EXCEEDED,                       \
     "sseval: an event's data is larger than max_event_bytes")                 \
  XX(JSON_TOO_DEEP, "json_too_deep", LIMIT_EXCEEDED,                           \
     "sseval: JSON nesting deeper than max_json_depth")                        \
  XX(TOO_MANY_BLOCKS, "too_many_blocks", LIMIT_EXCEEDED,                       \
     "sseval: more content blocks than max_blocks")                            \
  XX(BLOCK_TOO_LARGE, "block_too_large", LIMIT_EXCEEDED,                       \
     "sseval: a block's accumulated content exceeds max_block_bytes")          \
  XX(OUT_OF_MEMORY, "out_of_memory", LIMIT_EXCEEDED,                           \
     "sseval: the allocator returned NULL")                                    \
  XX(TOOL_INPUT_TOO_LARGE, "tool_input_too_large", LIMIT_EXCEEDED,             \
     "sseval: a tool block's input exceeds max_tool_input_bytes")              \
  XX(TOO_MANY_FIELDS, "too_many_fields", LIMIT_EXCEEDED,                       \
     "sseval: more unknown fields than max_unknown_fields")                    \
  XX(DUPLICATE_KEY, "duplicate_key", INVALID_JSON,                             \
     "sseval: an object in an event's data or a tool input repeats a member "  \
     "name")                                                                   \
  XX(ERROR_BODY, "error_body", NOT_EVENT_STREAM,                               \
     "sseval: the body is a JSON error object (a non-2xx response), not an "   \
     "event stream")                                                           \
  XX(MESSAGE_BODY, "message_body", NOT_EVENT_STREAM,                           \
     "sseval: the body is a non-streaming message (JSON), not an event "       \
     "stream")                                                                 \
  XX(NOT_EVENT_STREAM, "not_event_stream", NOT_EVENT_STREAM,                   \
     "sseval: the body is not an event stream (HTML, other JSON, binary, "     \
     "plain text)")

typedef enum sseval_rule {
#define SSEVAL_XX_(name, id, verdict, desc) SSEVAL_RULE_##name,
  SSEVAL_RULE_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  SSEVAL_RULE_COUNT_
} sseval_rule;

/** The stable id ("delta_for_unopened_block"); "unknown" if out of range. */
SSEVAL_API const char *sseval_rule_id(sseval_rule r);
/** The verdict a rule gives. */
SSEVAL_API sseval_verdict sseval_rule_verdict(sseval_rule r);
/** One-line description of the rule. */
SSEVAL_API const char *sseval_rule_description(sseval_rule r);

/* ---- error classification -------------------------------------------------- */
/** An API error: from an in-stream `error` event or a non-2xx JSON body. */
typedef struct sseval_api_error {
  sseval_span type;    /**< "overloaded_error", ...; empty when unknown */
  sseval_span message; /**< error.message, unescaped; or the raw data when
                            the body was not the documented JSON shape */
  int http_status;     /**< the status that type goes with (0 = unknown) */
  int retryable;       /**< 1 when retrying the request can succeed */
} sseval_api_error;

/**
 * Classify an error type string by the table in docs/PROTOCOL.md:
 * sets *http_status (0 for unknown types) and returns 1 when a retry can
 * succeed (rate_limit_error, api_error, timeout_error, overloaded_error),
 * 0 otherwise (including unknown types; decide those by HTTP status).
 */
SSEVAL_API int sseval_error_type_classify(sseval_span type, int *http_status);

/**
 * Parse a non-streaming error body ({"type":"error","error":{"type":...,
 * "message":...}}). `scratch` receives the unescaped strings (`out` points
 * into it); `scratch_cap` bytes are available. Returns SSEVAL_OK when the
 * body has the documented shape, SSEVAL_E_INVALID otherwise (then `out` holds
 * an empty type and the raw body, truncated to scratch_cap, as message).
 */
SSEVAL_API sseval_status sseval_parse_error_body(const void *body, size_t len,
                                                 char *scratch,
                                                 size_t scratch_cap,
                                                 sseval_api_error *out);

/* ---- content blocks ------------------------------------------------------------ */
typedef enum sseval_block_type {
  SSEVAL_BLOCK_UNKNOWN = 0, /**< a type this version does not know (tolerated) */
  SSEVAL_BLOCK_TEXT,
  SSEVAL_BLOCK_THINKING,
  SSEVAL_BLOCK_REDACTED_THINKING,
  SSEVAL_BLOCK_TOOL_USE,
  SSEVAL_BLOCK_SERVER_TOOL_USE,
  SSEVAL_BLOCK_MCP_TOOL_USE,
  SSEVAL_BLOCK_COMPACTION,
  SSEVAL_BLOCK_TOOL_RESULT, /**< any *_tool_result, mcp_tool_result,
                                 container_upload: complete at start */
  SSEVAL_BLOCK_FALLBACK
} sseval_block_type;

/** Name of a block type enum value ("text", ..., "unknown"). */
SSEVAL_API const char *sseval_block_type_name(sseval_block_type t);

/** What content_block_start said. Spans live until the callback returns. */
typedef struct sseval_block_info {
  uint32_t index;
  sseval_block_type type;
  sseval_span type_name; /**< the raw "type" string of content_block */
  sseval_span tool_id;   /**< tool blocks: "id", unescaped (empty otherwise) */
  sseval_span tool_name; /**< tool blocks: "name", unescaped (empty otherwise) */
  sseval_span raw_json;  /**< the whole content_block object, as sent */
} sseval_block_info;

/** What message_start said. */
typedef struct sseval_message_info {
  sseval_span id;         /**< message.id, unescaped */
  sseval_span model;      /**< message.model, unescaped */
  sseval_span usage_json; /**< message.usage object, raw ("" if absent) */
  sseval_span raw_json;   /**< the whole message object, raw */
} sseval_message_info;

/** What a message_delta said. Absent or null fields have has_* = 0. */
typedef struct sseval_delta_info {
  int has_stop_reason;
  sseval_span stop_reason;   /**< unescaped */
  int has_stop_sequence;
  sseval_span stop_sequence; /**< unescaped */
  sseval_span usage_json;    /**< the usage object, raw ("" if absent) */
  sseval_span delta_json;    /**< the delta object, raw */
} sseval_delta_info;

/**
 * Callbacks. All optional; initialise with sseval_claude_callbacks_init.
 * Return SSEVAL_CB_OK, SSEVAL_CB_PAUSE or SSEVAL_CB_ABORT. A pause takes
 * effect at the end of the event being processed (the event's remaining
 * callbacks still run), so feeding always resumes at an event boundary.
 * When that event decided the verdict there is nothing left to resume:
 * feed returns SSEVAL_OK and drains the rest.
 * An abort stops at once: feed returns SSEVAL_E_CALLBACK, sticky; the
 * accumulated message then holds exactly the content pieces the callbacks
 * were given (a signature too: a signature_delta replaces the block's
 * signature piece by piece).
 * Content callbacks may run several times per delta (one per piece).
 */
typedef struct sseval_claude_callbacks {
  size_t struct_size;
  int (*on_message_start)(void *user, const sseval_message_info *m);
  int (*on_block_start)(void *user, const sseval_block_info *b);
  int (*on_text)(void *user, uint32_t index, sseval_span piece);
  int (*on_tool_input)(void *user, uint32_t index, sseval_span piece);
  int (*on_thinking)(void *user, uint32_t index, sseval_span piece);
  int (*on_signature)(void *user, uint32_t index, sseval_span piece);
  /** citations_delta: the citation object, raw JSON. */
  int (*on_citation)(void *user, uint32_t index, sseval_span citation_json);
  /** compaction_delta and other known deltas without a text piece: raw JSON. */
  int (*on_compaction)(void *user, uint32_t index, sseval_span delta_json);
  int (*on_block_stop)(void *user, uint32_t index);
  int (*on_message_delta)(void *user, const sseval_delta_info *d);
  int (*on_message_stop)(void *user);
  int (*on_ping)(void *user);
  /** An `error` event: terminal, nothing after it is read. */
  int (*on_error_event)(void *user, const sseval_api_error *e);
  /** An event name this version does not know (not a violation). */
  int (*on_unknown_event)(void *user, sseval_span name, sseval_span data);
  /** A delta type this version does not know, or any delta on a block of
   *  unknown type (not a violation). */
  int (*on_unknown_delta)(void *user, uint32_t index, sseval_span delta_type,
                          sseval_span delta_json);
  /** Every dispatched SSE event, before validation (a tap for relays). */
  int (*on_sse_event)(void *user, const sseval_sse_event *ev);
} sseval_claude_callbacks;

/**
 * The size of sseval_claude_callbacks as first released (0.1.0): the end of
 * its last 0.1.0 member, on_sse_event. The smallest struct_size that
 * sseval_claude_new and sseval_curl_new accept; fields added after it take
 * their defaults when a caller built against older headers passes less than
 * sizeof. Fixed forever: later versions only append members.
 */
#define SSEVAL_CLAUDE_CALLBACKS_V1_SIZE                                        \
  (offsetof(sseval_claude_callbacks, on_sse_event) +                           \
   sizeof(((sseval_claude_callbacks *)0)->on_sse_event))

SSEVAL_API void sseval_claude_callbacks_init(sseval_claude_callbacks *cbs);

/* ---- options -------------------------------------------------------------------- */
enum {
  /** Rebuild the message (blocks, usage, stop reason). Off: callbacks only,
   *  and the machine allocates nothing per event. */
  SSEVAL_CLAUDE_ACCUMULATE = 1u << 0,
  /**
   * LENIENT, USE WITH CAUTION: accept data-only (unnamed) events by taking
   * the event name from data.type, for relays that strip `event:` lines.
   * The API always names its events; a stream without names has been
   * altered on the way, and an unnamed event whose data lacks `type` is
   * still rejected. Off by default.
   */
  SSEVAL_CLAUDE_LENIENT_UNNAMED = 1u << 1,
  /**
   * With ACCUMULATE: rebuild the message as a summary, for a report that
   * shows each block's size and beginning (`sseval check` without --json).
   * The text of text and thinking blocks is not kept: the block view's
   * `text` holds only its first SSEVAL_CLAUDE_PREVIEW_BYTES bytes (fewer
   * when a character would be cut; the whole text when it is that short),
   * and sseval_claude_block_text_length gives the whole text's length in
   * bytes and characters. Everything else is kept as without this flag
   * (signatures, citations, tool input, the start objects, usage, stop
   * reason). The JSON writers (sseval_claude_write_message_json,
   * sseval_claude_message_json) then write each text and thinking block
   * with its preview as the text: valid JSON, not the message. Memory and
   * time no longer grow with the length of the text. Ignored without
   * ACCUMULATE. Validation and callbacks are unchanged.
   */
  SSEVAL_CLAUDE_SUMMARY = 1u << 2
};

/** Bytes of text kept per text or thinking block with SSEVAL_CLAUDE_SUMMARY. */
#define SSEVAL_CLAUDE_PREVIEW_BYTES 128u

#define SSEVAL_CLAUDE_DEFAULT_MAX_JSON_DEPTH 64u
#define SSEVAL_CLAUDE_DEFAULT_MAX_BLOCKS 4096u
#define SSEVAL_CLAUDE_DEFAULT_MAX_BLOCK_BYTES ((size_t)64 << 20) /* 64 MiB */
#define SSEVAL_CLAUDE_DEFAULT_MAX_TOOL_INPUT_BYTES ((size_t)16 << 20) /* 16 MiB */
#define SSEVAL_CLAUDE_DEFAULT_MAX_UNKNOWN_FIELDS 1024u

typedef struct sseval_claude_options {
  size_t struct_size;     /**< set by sseval_claude_options_init */
  unsigned flags;         /**< SSEVAL_CLAUDE_* */
  size_t max_line_bytes;  /**< tokenizer limit; 0 = SSEVAL_SSE_DEFAULT_MAX_LINE;
                               above 4 GiB - 1: 4 GiB - 1 (sse.h) */
  size_t max_event_bytes; /**< tokenizer limit; 0 = SSEVAL_SSE_DEFAULT_MAX_EVENT;
                               capped like max_line_bytes */
  uint32_t max_json_depth;/**< payloads and tool input; 0 = default 64, max 512 */
  uint32_t max_blocks;    /**< content blocks per message; 0 = default 4096 */
  size_t max_block_bytes; /**< decoded text / thinking / tool input per block
                               (citations counted raw); 0 = default 64 MiB;
                               above 2^55 - 1 (32 PiB): 2^55 - 1 */
  const sseval_allocator *allocator; /**< copied; NULL = libc */
  size_t max_tool_input_bytes; /**< decoded partial_json of one tool block
                                    (max_block_bytes applies too);
                                    0 = default 16 MiB */
  uint32_t max_unknown_fields; /**< members the schema does not know in one
                                    event's payload (top level and the object
                                    the event is about), and distinct keys of
                                    each merged map (usage, a block's delta
                                    fields); 0 = default 1024 */
} sseval_claude_options;

SSEVAL_API void sseval_claude_options_init(sseval_claude_options *opts);

/* ---- the instance ------------------------------------------------------------------ */
typedef struct sseval_claude sseval_claude;

/**
 * Create a state machine. `cbs` is copied (NULL = none), `opts` NULL means
 * defaults. Returns SSEVAL_OK, SSEVAL_E_NOMEM, SSEVAL_E_STRUCT_SIZE or
 * SSEVAL_E_MISUSE.
 * ABI: a struct_size smaller than this version's (a program built against
 * older headers) is accepted down to the first released layout (0.1.0); the
 * fields it lacks take their defaults. Smaller than that, 0 included (a
 * designated initialiser without the _init call), is SSEVAL_E_STRUCT_SIZE.
 */
SSEVAL_API sseval_status sseval_claude_new(sseval_claude **out,
                                           const sseval_claude_callbacks *cbs,
                                           void *user,
                                           const sseval_claude_options *opts);
SSEVAL_API void sseval_claude_free(sseval_claude *c);
/** Forget the stream; keep callbacks, options and buffer capacity.
 *  From inside one of the instance's callbacks: refused (see feed). */
SSEVAL_API void sseval_claude_reset(sseval_claude *c);

/**
 * Feed response-body bytes (any chunking). Sets *consumed. Returns SSEVAL_OK,
 * SSEVAL_PAUSED (resume with buf + *consumed), SSEVAL_E_CALLBACK,
 * SSEVAL_E_NOMEM or SSEVAL_E_MISUSE (after finish). A protocol problem is NOT
 * an error return: it is the verdict (sseval_claude_get_result); feeding
 * after it is accepted and ignored, so a transport can keep draining.
 * Not re-entrant: feed, finish, finish_external, reset or on_sse_event
 * called from inside one of this instance's callbacks does nothing and
 * returns SSEVAL_E_MISUSE (SSEVAL_CB_ABORT for on_sse_event), and the call
 * that ran the callback returns the sticky SSEVAL_E_MISUSE.
 */
SSEVAL_API sseval_status sseval_claude_feed(sseval_claude *c, const void *buf,
                                            size_t len, size_t *consumed);

/**
 * Drive the machine from your own tokenizer instead of feed: call this from
 * your sseval_sse on_event with the same event. Returns an SSEVAL_CB_* code
 * to pass back: SSEVAL_CB_PAUSE also when this event decided the verdict
 * (nothing after it is read; later events are ignored, so you may stop
 * feeding or drain). Do not mix with sseval_claude_feed on one instance;
 * call sseval_claude_finish_external at end of input with the tokenizer's
 * tail. The on_sse_event tap stops with the verdict too.
 */
SSEVAL_API int sseval_claude_on_sse_event(sseval_claude *c,
                                          const sseval_sse_event *ev);

/**
 * 1 while more input can still change the result (the verdict, rule, offset,
 * detail or the reported error), 0 once nothing more can be learned, so a
 * reader that is not obliged to drain the connection may stop reading:
 *  - 0 at once after a `limit_exceeded` (including out_of_memory),
 *    `error_event` or `not_event_stream` verdict, after finish, and after a
 *    status error (E_CALLBACK, E_NOMEM);
 *  - after a `protocol_violation` or `invalid_json` verdict, 1 until a later
 *    `error` event has been found (its type and message are then in
 *    result.error; the verdict stays) or the scan for one stopped at a
 *    tokenizer limit: that scan reads event names only, within the limits;
 *  - 1 before any verdict, including after message_stop (an event after it
 *    is still a violation), and while a JSON body is collected to be
 *    classified at finish (see `not_event_stream` in docs/ERRORS.md).
 * When it returns 0, *enough_at (if not NULL) gets the number of input bytes
 * that sufficed: the end of the event that decided, the byte where a limit
 * was crossed or where the body showed it is not an event stream (feed
 * only; through sseval_claude_on_sse_event, or after a status error: the
 * bytes counted so far). It does not depend on how the input was chunked,
 * so a reader that stops early can report it. While it returns 1,
 * *enough_at is 0. End of input is still sseval_claude_finish.
 */
SSEVAL_API int sseval_claude_wants_more(const sseval_claude *c,
                                        uint64_t *enough_at);

/** The report. Strings are owned by the instance: valid until reset/free. */
typedef struct sseval_claude_result {
  sseval_verdict verdict;
  sseval_rule rule;   /**< SSEVAL_RULE_NONE for complete and error_event */
  int has_offset;     /**< 0 for complete */
  uint64_t offset;    /**< first byte of the offending event; end of input
                           for truncated */
  uint64_t line;      /**< 1-based line of that offset */
  const char *detail; /**< one sentence a person can act on; "" if none */
  int has_error;      /**< an error event arrived (also one after
                           message_stop, or after a violation), or the
                           body was a JSON error (rule error_body) */
  sseval_api_error error;
  uint64_t events;    /**< SSE events dispatched */
  uint64_t bytes;     /**< bytes consumed */
  int finished;       /**< sseval_claude_finish was called */
} sseval_claude_result;

/**
 * End of input: decides `truncated` and fills *out (if not NULL). Returns
 * SSEVAL_OK, or a sticky status error (E_CALLBACK, E_NOMEM, E_MISUSE).
 */
SSEVAL_API sseval_status sseval_claude_finish(sseval_claude *c,
                                              sseval_claude_result *out);
/** Same, when events came through sseval_claude_on_sse_event. */
SSEVAL_API sseval_status sseval_claude_finish_external(sseval_claude *c,
                                                       const sseval_sse_tail *tail,
                                                       sseval_claude_result *out);
/** The verdict so far (before finish: complete means "no problem yet"). */
SSEVAL_API void sseval_claude_get_result(const sseval_claude *c,
                                         sseval_claude_result *out);

/* ---- the rebuilt message (SSEVAL_CLAUDE_ACCUMULATE) ---------------------------------- */
/** A view of one rebuilt block; spans valid until the next feed/reset/free. */
typedef struct sseval_block_view {
  sseval_block_type type;
  sseval_span type_name;
  int stopped;                /**< content_block_stop arrived */
  sseval_span text;           /**< text / thinking (decoded) */
  sseval_span signature;      /**< thinking: last signature_delta */
  sseval_span citations_json; /**< text: JSON array of citations, or empty */
  sseval_span tool_id, tool_name;
  int input_complete;         /**< tool: `input_json` is the final input */
  sseval_span input_json;     /**< tool: the input object (compact JSON) */
  sseval_span partial_json;   /**< tool: raw concatenation (always kept) */
  sseval_span start_json;     /**< the content_block_start object as sent */
} sseval_block_view;

/** Number of blocks started (0 without ACCUMULATE). */
SSEVAL_API uint32_t sseval_claude_block_count(const sseval_claude *c);
/** Fill *out for block i; returns SSEVAL_E_MISUSE if i is out of range. */
SSEVAL_API sseval_status sseval_claude_block(const sseval_claude *c, uint32_t i,
                                             sseval_block_view *out);
/**
 * The length of block i's text (text and thinking blocks; 0 and 0 for
 * every other block): *bytes in UTF-8 bytes, *chars in characters (Unicode
 * code points), both of the whole text also when SSEVAL_CLAUDE_SUMMARY kept
 * only a preview. Without SUMMARY it counts the kept text (time in
 * proportion to it); with SUMMARY the counts were kept as the text arrived.
 * Returns SSEVAL_OK, or SSEVAL_E_MISUSE without ACCUMULATE, with i out of
 * range or a NULL bytes or chars (then nothing is written).
 */
SSEVAL_API sseval_status sseval_claude_block_text_length(const sseval_claude *c,
                                                         uint32_t i,
                                                         size_t *bytes,
                                                         size_t *chars);
/** Message-level fields (decoded; has_* 0 when absent or null). */
typedef struct sseval_message_view {
  sseval_span id, model;
  int has_stop_reason;
  sseval_span stop_reason;
  int has_stop_sequence;
  sseval_span stop_sequence;
} sseval_message_view;
SSEVAL_API void sseval_claude_message(const sseval_claude *c,
                                      sseval_message_view *out);

/** Output sink for the JSON writers: return 0 to continue, non-zero to stop. */
typedef int (*sseval_write_fn)(void *ctx, const char *bytes, size_t len);

/**
 * Write the rebuilt message as one compact JSON object, shaped as the
 * non-streaming Messages API returns it (see docs/PROTOCOL.md, "The rebuilt
 * message"): message_start's `message` object in its key order with id,
 * model, content, stop_reason, stop_sequence and usage (merged by
 * overwrite) rebuilt, and every message-level field message_delta carries
 * (its delta's stop_details, container, ...; its own context_management,
 * ...) laid over it or appended, as the TypeScript SDK's finalMessage()
 * does; the members a message always has (id, type, role, model, content,
 * stop_reason, stop_sequence, usage) are there even when message_start
 * lacked them. Works for every verdict. Returns SSEVAL_OK, SSEVAL_E_CALLBACK
 * if the sink stopped, SSEVAL_E_MISUSE without ACCUMULATE.
 */
SSEVAL_API sseval_status sseval_claude_write_message_json(const sseval_claude *c,
                                                          sseval_write_fn write,
                                                          void *ctx);

/** Write only the merged usage object (compact JSON, "{}" when none). Same
 *  returns as sseval_claude_write_message_json. */
SSEVAL_API sseval_status sseval_claude_write_usage_json(const sseval_claude *c,
                                                        sseval_write_fn write,
                                                        void *ctx);

/**
 * The rebuilt message as a string: the JSON of sseval_claude_write_message_json
 * written into out (out_cap bytes), NUL-terminated, with *out_len set to its
 * length (without the NUL) whether or not it fitted. Returns SSEVAL_OK,
 * SSEVAL_E_LIMIT when out_cap <= *out_len (call again with *out_len + 1
 * bytes; out may be NULL with out_cap 0 to ask for the length), or
 * SSEVAL_E_MISUSE without ACCUMULATE or with a NULL out_len.
 */
SSEVAL_API sseval_status sseval_claude_message_json(const sseval_claude *c,
                                                    char *out, size_t out_cap,
                                                    size_t *out_len);

/**
 * The token counts of the merged usage (message_start's usage with every
 * message_delta usage written over it), typed. has_* is 0 when the key is
 * absent, null or not a non-negative integer. Fields this version does not
 * know (server_tool_use, service_tier, ...) stay in the raw object:
 * sseval_claude_write_usage_json. New counters are appended.
 */
typedef struct sseval_usage {
  int has_input_tokens;
  uint64_t input_tokens;
  int has_output_tokens;
  uint64_t output_tokens;
  int has_cache_creation_input_tokens;
  uint64_t cache_creation_input_tokens;
  int has_cache_read_input_tokens;
  uint64_t cache_read_input_tokens;
} sseval_usage;

/**
 * Fill *out (out_size: sizeof *out as the caller was compiled, so the struct
 * can grow; the library fills at most that many bytes). Returns SSEVAL_OK,
 * or SSEVAL_E_MISUSE without ACCUMULATE (out is then zeroed) or a NULL out.
 */
SSEVAL_API sseval_status sseval_claude_usage(const sseval_claude *c,
                                             sseval_usage *out,
                                             size_t out_size);

/* ---- live display helper ------------------------------------------------------------ */
/**
 * BEST EFFORT, FOR DISPLAY ONLY: close an unfinished JSON text (a tool
 * input's partial_json so far) into a valid JSON value for a live preview:
 * drops a dangling key or a cut number/literal, closes an open string and
 * every open container. Never use the result as the tool's input; the final
 * message never contains it. Writes at most out_cap bytes to out and sets
 * *out_len to the full length needed. Returns SSEVAL_OK, SSEVAL_E_INVALID if
 * the prefix is not a prefix of valid JSON, SSEVAL_E_LIMIT if out_cap was too
 * small (call again with *out_len bytes).
 */
SSEVAL_API sseval_status sseval_partial_json_preview(const void *prefix,
                                                     size_t len, char *out,
                                                     size_t out_cap,
                                                     size_t *out_len);

/* ---- request bodies: the members of a JSON object ------------------------------------ */
/** One member of a JSON object, as sseval_json_object_members hands it out.
 *  Every span points into the caller's buffer and lives as long as it. */
typedef struct sseval_json_member {
  sseval_span name;   /**< the name as written between its quotes (escapes
                           not decoded: compare with sseval_json_name_is) */
  sseval_span value;  /**< the value's JSON text exactly as written */
  sseval_span member; /**< the whole member as written: from the name's
                           opening quote to the value's last byte */
} sseval_json_member;

/** Called once per member, in order. Return 0 to go on; anything else stops
 *  the walk (sseval_json_object_members then returns SSEVAL_E_CALLBACK). */
typedef int (*sseval_json_member_fn)(void *user, const sseval_json_member *m);

/**
 * Walk the members of a JSON text that must be exactly one object
 * (whitespace around it allowed): for a program that reads or edits the
 * top level of a request body (`"stream"`, `"model"`, ...) without a JSON
 * library. Every value is validated (RFC 8259, UTF-8, nesting up to 512)
 * but handed out as written; repeated names are handed out as they come.
 * Nothing is allocated or copied.
 *
 * Returns SSEVAL_OK when the whole text is one valid object;
 * SSEVAL_E_INVALID otherwise (the members before the fault have already
 * been handed out: a caller that acts on them should discard what it did);
 * SSEVAL_E_CALLBACK when `fn` stopped the walk; SSEVAL_E_MISUSE for a NULL
 * fn, or a NULL json with a non-zero len.
 */
SSEVAL_API sseval_status sseval_json_object_members(const void *json,
                                                    size_t len,
                                                    sseval_json_member_fn fn,
                                                    void *user);

/** 1 when the member's name equals the NUL-terminated `name`, comparing
 *  decoded characters ("\u0073tream" equals "stream"); 0 otherwise. `m`
 *  must be one sseval_json_object_members handed out (its name validated). */
SSEVAL_API int sseval_json_name_is(const sseval_json_member *m,
                                   const char *name);

/** Counters and memory. */
typedef struct sseval_claude_stats {
  uint64_t events;          /**< SSE events dispatched */
  uint64_t pings;
  uint64_t unknown_events;
  uint64_t unknown_deltas;
  uint64_t unknown_blocks;
  uint64_t allocations;     /**< allocator calls made by this instance and
                                 its tokenizer since creation or reset */
  uint64_t bytes_copied;    /**< tokenizer copies + decoded escapes */
  uint64_t bytes_zero_copy; /**< data bytes read in place */
} sseval_claude_stats;
SSEVAL_API void sseval_claude_get_stats(const sseval_claude *c,
                                        sseval_claude_stats *out);
/** Bytes the instance holds now (struct, tokenizer, block table, message). */
SSEVAL_API size_t sseval_claude_memory(const sseval_claude *c);

#ifdef __cplusplus
}
#endif
#endif /* SSEVAL_CLAUDE_H */
