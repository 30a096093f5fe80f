/* SPDX-License-Identifier: MIT */
/*
 * sseval/retry.h - a transport-independent retry policy and circuit breaker.
 *
 * Pure functions over plain structs: nothing here does I/O, reads a clock,
 * sleeps or keeps global state. Time is passed in as uint64_t milliseconds
 * (any monotonic origin for the breaker; Unix time only where an HTTP date
 * must be compared), randomness comes from a caller-owned 64-bit state, so
 * every decision is reproducible in a test. The libcurl binding
 * (<sseval/curl.h>) fills the outcome for you; any other transport can.
 *
 * The policy is the one the official SDKs share (docs/PROTOCOL.md,
 * "Error types"), extended to the two failures
 * the SDKs do not retry and sseval detects:
 *
 *  1. An HTTP response that is not 2xx: `x-should-retry: true|false`
 *     decides when present; otherwise 408, 409, 429 and every status >= 500
 *     (529 included) are retried, and every other status (400, 401, 402,
 *     403, 404, 413, ...) is not.
 *  2. No response at all (connection refused or reset, DNS, TLS) and
 *     timeouts: retried.
 *  3. A 2xx event stream cut before message_stop (truncated, idle stall):
 *     retried from the start when the policy has SSEVAL_RETRY_ON_TRUNCATED.
 *  4. A 2xx event stream ended by an `error` event: retried when the error
 *     type is retryable (rate_limit_error, api_error, timeout_error,
 *     overloaded_error) and the policy has SSEVAL_RETRY_ON_ERROR_EVENTS.
 *  5. Anything else (a protocol violation, invalid JSON, a limit, a 2xx
 *     response that is not an event stream): never retried, the same
 *     request would get the same answer.
 *
 * The delay before retry N (N = 0 for the first retry): `retry-after-ms`,
 * else `retry-after` (seconds, fractional allowed, or an HTTP date) when the
 * server sent one within (0, max_retry_after_ms]; otherwise exponential
 * backoff min(base_delay_ms * 2^N, max_delay_ms) with the policy's jitter
 * (full jitter by default: uniform in [0, backoff]).
 *
 * Thread safety: the functions are reentrant. A sseval_breaker shared by
 * several requests must be used from one thread at a time (curl_multi loops
 * are single-threaded; otherwise guard it with your own lock).
 */
#ifndef SSEVAL_RETRY_H
#define SSEVAL_RETRY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- outcomes ------------------------------------------------------------ */
/** X-macro: (NAME, "name"). What one attempt ended with. */
#define SSEVAL_RETRY_KIND_MAP(XX)                                              \
  XX(OK, "ok")                 /* a complete, valid stream */                  \
  XX(HTTP_ERROR, "http_error") /* a response whose status is not 2xx */        \
  XX(ERROR_EVENT, "error_event") /* a 2xx stream ended by an error event */    \
  XX(TRUNCATED, "truncated")   /* a 2xx stream cut before message_stop */      \
  XX(CONNECT_ERROR, "connect_error") /* no response: connect/reset/TLS/DNS */  \
  XX(TIMEOUT, "timeout")       /* no response before a timeout */              \
  XX(INVALID, "invalid")       /* an answer retrying cannot change */

typedef enum sseval_retry_kind {
#define SSEVAL_XX_(name, str) SSEVAL_RETRY_##name,
  SSEVAL_RETRY_KIND_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  SSEVAL_RETRY_KIND_COUNT_
} sseval_retry_kind;

/** "ok", "http_error", ...; "unknown" for an out-of-range value. */
SSEVAL_API const char *sseval_retry_kind_name(sseval_retry_kind k);

/** What the policy needs to know about one attempt. Initialise with
 *  sseval_retry_outcome_init, then set what you know. */
typedef struct sseval_retry_outcome {
  sseval_retry_kind kind;
  int http_status;        /**< the response status; 0 when there was none */
  sseval_span error_type; /**< API error type ("overloaded_error") from an
                               error body or error event; empty if unknown.
                               Borrowed: only read during the calls below */
  int should_retry;       /**< x-should-retry: -1 absent, 0 false, 1 true */
  int64_t retry_after_ms; /**< retry-after-ms header in ms; -1 absent */
  int64_t retry_after;    /**< retry-after header converted to ms (seconds or
                               HTTP date); -1 absent or unparsable */
} sseval_retry_outcome;

/** Set every field to "unknown / absent" and the kind to `kind`. */
SSEVAL_API void sseval_retry_outcome_init(sseval_retry_outcome *o,
                                          sseval_retry_kind kind);

/**
 * Offer one response header to the outcome: `retry-after-ms`, `retry-after`
 * and `x-should-retry` (names compared case-insensitively, values trimmed)
 * are recorded, any other header is ignored. `now_unix_ms` is the current
 * Unix time in ms, used only to turn an HTTP-date `retry-after` into a
 * delay (a date in the past gives 0). Returns 1 when the header was one of
 * the three, 0 otherwise. A value that does not parse leaves the field
 * absent.
 */
SSEVAL_API int sseval_retry_outcome_header(sseval_retry_outcome *o,
                                           sseval_span name, sseval_span value,
                                           uint64_t now_unix_ms);

/**
 * Parse a `retry-after` value: delay-seconds (a non-negative decimal,
 * fractions allowed, as the SDKs accept) or an HTTP date (IMF-fixdate,
 * RFC 850 or asctime form, RFC 9110 5.6.7). Sets *out_ms (dates: the time
 * from now_unix_ms to the date, 0 if past). Returns 1, or 0 if it does not
 * parse. `sseval_retry_parse_ms` parses a `retry-after-ms` value (a
 * non-negative decimal number of milliseconds) the same way.
 */
SSEVAL_API int sseval_retry_parse_retry_after(sseval_span value,
                                              uint64_t now_unix_ms,
                                              uint64_t *out_ms);
SSEVAL_API int sseval_retry_parse_ms(sseval_span value, uint64_t *out_ms);

/**
 * Parse an HTTP date (the three forms above, GMT) into Unix time in ms.
 * Returns 1, or 0 when it is not a valid date.
 */
SSEVAL_API int sseval_http_date_parse(sseval_span value, uint64_t *out_unix_ms);

/* ---- the policy ------------------------------------------------------------ */
/** How the backoff delay is randomised. */
typedef enum sseval_retry_jitter {
  /** Uniform in [0, backoff] ("full jitter"): spreads clients apart best. */
  SSEVAL_RETRY_JITTER_FULL = 0,
  /** The SDKs' choice: backoff reduced by up to 25% at random. */
  SSEVAL_RETRY_JITTER_SDK,
  /** Exactly the backoff (tests, or when the caller adds its own). */
  SSEVAL_RETRY_JITTER_NONE
} sseval_retry_jitter;

/** sseval_retry_policy.flags bits. */
enum {
  /** Retry a 2xx event stream cut before message_stop (and an idle stall). */
  SSEVAL_RETRY_ON_TRUNCATED = 1u << 0,
  /** Retry a 2xx stream ended by an `error` event of a retryable type. */
  SSEVAL_RETRY_ON_ERROR_EVENTS = 1u << 1
};

#define SSEVAL_RETRY_DEFAULT_MAX_RETRIES 2u
#define SSEVAL_RETRY_DEFAULT_BASE_DELAY_MS 500u
#define SSEVAL_RETRY_DEFAULT_MAX_DELAY_MS 8000u
#define SSEVAL_RETRY_DEFAULT_MAX_RETRY_AFTER_MS 60000u

typedef struct sseval_retry_policy {
  size_t struct_size;          /**< set by sseval_retry_policy_init */
  uint32_t max_retries;        /**< retries after the first attempt (2) */
  uint64_t base_delay_ms;      /**< backoff of the first retry (500) */
  uint64_t max_delay_ms;       /**< backoff cap (8000) */
  sseval_retry_jitter jitter;  /**< SSEVAL_RETRY_JITTER_FULL */
  uint64_t max_retry_after_ms; /**< server hints above this (or <= 0) are
                                    ignored and the backoff used (60000) */
  unsigned flags;              /**< SSEVAL_RETRY_*: both set by default */
} sseval_retry_policy;

/** The defaults above. */
SSEVAL_API void sseval_retry_policy_init(sseval_retry_policy *p);

/**
 * Is this outcome worth retrying at all (attempt counts aside)? Returns 1 or
 * 0 and, if `why` is not NULL, sets it to a static phrase saying which rule
 * decided ("x-should-retry: false", "status 429", "connection failure",
 * "stream truncated", "error event overloaded_error"...: "error event" then
 * the type is not included; see sseval_retry_decision.why). `p` NULL means
 * the defaults.
 */
SSEVAL_API int sseval_retry_classify(const sseval_retry_policy *p,
                                     const sseval_retry_outcome *o,
                                     const char **why);

/** One step of splitmix64: advances *state and returns 64 random bits.
 *  Seed the state with anything (a time, a pid, a test constant). */
SSEVAL_API uint64_t sseval_retry_random(uint64_t *state);

/**
 * The backoff before retry number `retry_index` (0 = first retry) without
 * server hints: min(base * 2^retry_index, max) with the policy's jitter.
 * `rng` is only advanced for the random jitters (NULL means no jitter).
 */
SSEVAL_API uint64_t sseval_retry_backoff_ms(const sseval_retry_policy *p,
                                            uint32_t retry_index,
                                            uint64_t *rng);

typedef struct sseval_retry_decision {
  int retry;             /**< 1: send the request again after delay_ms */
  int retryable;         /**< the outcome's class is retryable (even when
                              the retries are used up) */
  uint64_t delay_ms;     /**< the wait before the retry (0 when no retry) */
  int delay_from_server; /**< 1: delay_ms came from retry-after(-ms) */
  const char *why;       /**< static phrase: the rule that decided */
} sseval_retry_decision;

/**
 * Decide what to do after an attempt. `retries_done` is how many retries
 * were already made (0 after the first attempt). `rng` as for
 * sseval_retry_backoff_ms. `p` NULL means the defaults.
 */
SSEVAL_API void sseval_retry_decide(const sseval_retry_policy *p,
                                    const sseval_retry_outcome *o,
                                    uint32_t retries_done, uint64_t *rng,
                                    sseval_retry_decision *out);

/* ---- circuit breaker ----------------------------------------------------------- */
typedef enum sseval_breaker_state {
  SSEVAL_BREAKER_CLOSED = 0, /**< requests flow; failures are counted */
  SSEVAL_BREAKER_OPEN,       /**< requests are refused until recovery_ms pass */
  SSEVAL_BREAKER_HALF_OPEN   /**< a few probe requests decide: close or reopen */
} sseval_breaker_state;

/** "closed", "open", "half_open". */
SSEVAL_API const char *sseval_breaker_state_name(sseval_breaker_state s);

#define SSEVAL_BREAKER_DEFAULT_THRESHOLD 5u
#define SSEVAL_BREAKER_DEFAULT_RECOVERY_MS 30000u

/**
 * A circuit breaker shared by the requests that go to one service. A plain
 * struct you may embed; configure the first three fields (after
 * sseval_breaker_init), read the rest, write them only through the
 * functions below.
 */
typedef struct sseval_breaker {
  uint32_t failure_threshold; /**< consecutive failures that open it (5) */
  uint64_t recovery_ms;       /**< time open before probes (30000) */
  uint32_t half_open_probes;  /**< probes admitted while half-open (1) */
  sseval_breaker_state state;
  uint32_t failures;          /**< consecutive failures while closed */
  uint32_t probes;            /**< probes admitted and not yet recorded */
  uint64_t opened_at_ms;      /**< when it last opened */
  uint64_t times_opened;      /**< how many times it opened */
} sseval_breaker;

/** Closed, no failures. threshold 0 / recovery 0 mean the defaults. */
SSEVAL_API void sseval_breaker_init(sseval_breaker *b, uint32_t failure_threshold,
                                    uint64_t recovery_ms);

/**
 * May a request be sent now? Closed: yes. Open: no, until recovery_ms have
 * passed since it opened; then it turns half-open. Half-open: yes for up to
 * half_open_probes requests whose outcome is not yet recorded. Every "yes"
 * must be followed by one sseval_breaker_record (or _success / _failure).
 */
SSEVAL_API int sseval_breaker_allow(sseval_breaker *b, uint64_t now_ms);

/** How long until sseval_breaker_allow can say yes (0 if it would now). */
SSEVAL_API uint64_t sseval_breaker_wait_ms(const sseval_breaker *b,
                                           uint64_t now_ms);

/** A request succeeded (or failed in a way that proves the service is up).
 *  Closes a half-open breaker; resets the failure count. */
SSEVAL_API void sseval_breaker_success(sseval_breaker *b, uint64_t now_ms);
/** A request failed in a way that points at the service. Opens the breaker
 *  at the threshold, or at once when half-open. */
SSEVAL_API void sseval_breaker_failure(sseval_breaker *b, uint64_t now_ms);

/**
 * Record an attempt by its outcome: the kinds that point at the service
 * (connect errors, timeouts, truncation, a retryable error event, and HTTP
 * statuses the policy retries: 408, 409, 429, 5xx) count as failures;
 * everything else (a complete stream, 4xx client errors, invalid answers)
 * proves the service answered and counts as a success. Returns 1 when it
 * was counted as a failure.
 */
SSEVAL_API int sseval_breaker_record(sseval_breaker *b,
                                     const sseval_retry_outcome *o,
                                     uint64_t now_ms);

#ifdef __cplusplus
}
#endif
#endif /* SSEVAL_RETRY_H */
