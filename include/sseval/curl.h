/* SPDX-License-Identifier: MIT */
/*
 * sseval/curl.h - validate a Claude Messages stream as libcurl receives it.
 *
 * Library: libsseval-curl (static; link it, libsseval and libcurl). Built
 * only when libcurl's headers are found. This header does not include
 * <curl/curl.h>: easy handles are passed as `void *` (libcurl's CURL is
 * `void`), CURLcode values as int.
 *
 * One sseval_curl per transfer in flight. sseval_curl_attach installs its
 * write, header and progress callbacks on a CURL easy handle; you perform
 * the transfer (curl_easy_perform, or curl_multi with any number of handles
 * each with its own sseval_curl), then call sseval_curl_done with the
 * transfer's CURLcode to get a sseval_curl_result: how it ended, the
 * verdict, the API error, and a sseval_retry_outcome ready for
 * sseval_retry_decide and sseval_breaker_record (<sseval/retry.h>). To try
 * again, sseval_curl_reset and perform the same handle again.
 *
 * What it reads from the response (and when it stops reading):
 *  - the status of the final response (1xx interim responses are skipped);
 *  - content-type: only a 2xx `text/event-stream` body goes to the
 *    validator; any other body is kept (up to max_body_bytes) and, for a
 *    non-2xx status, parsed with sseval_parse_error_body into the same
 *    sseval_api_error an in-stream `error` event gives;
 *  - request-id (for logs and reports), retry-after, retry-after-ms and
 *    x-should-retry (into the retry outcome);
 *  - content-encoding: see sseval_curl_request.accept_encoding;
 *  - it stops the transfer itself once reading more cannot change the
 *    result: a body that is not validated past max_body_bytes, or once the
 *    validator says nothing more can be learned (sseval_claude_wants_more
 *    returns 0, exactly where `sseval check` stops reading: a limit,
 *    error_event or not_event_stream verdict at once; a violation once a
 *    later `error` event was found).
 *
 * A stream that reached message_stop is never retryable: whatever came
 * after it (an `error` event, a cut), its outcome is SSEVAL_RETRY_INVALID,
 * as asking again would bill and run the whole request twice.
 *
 * Idle timeout: with idle_timeout_ms set, a transfer that receives no byte
 * (header or body; uploads count too) for that long is aborted from the
 * progress callback; before any response it ends as SSEVAL_RETRY_TIMEOUT
 * with no response, after the headers as a truncated stream. After a `ping`
 * event only an event that is not a ping counts: a stream of nothing but
 * pings for that long is idle. libcurl calls
 * the progress callback about once a second while idle, so the timer's
 * resolution is about a second. Set CURLOPT_CONNECTTIMEOUT_MS yourself.
 *
 * Pausing. A validator callback that returns SSEVAL_CB_PAUSE pauses the
 * transfer at the end of the current event: the write callback returns
 * CURL_WRITEFUNC_PAUSE. libcurl treats that as "took none of this chunk"
 * and delivers the whole chunk again once unpaused, so the binding
 * remembers how many of its bytes the validator already consumed and skips
 * exactly those on redelivery (however libcurl splits it): no byte is
 * validated, recorded or reported twice. Unpause with sseval_curl_resume
 * from the thread running the transfer: between curl_multi_perform calls,
 * or from the on_progress hook under curl_easy_perform. The idle timer is
 * stopped while paused. See docs/TRANSPORT.md.
 *
 * Callbacks the binding owns on the handle: CURLOPT_WRITEFUNCTION,
 * CURLOPT_WRITEDATA, CURLOPT_HEADERFUNCTION, CURLOPT_HEADERDATA,
 * CURLOPT_XFERINFOFUNCTION, CURLOPT_XFERINFODATA and CURLOPT_NOPROGRESS.
 * Everything else (URL, method, headers, TLS, proxies, CURLOPT_PRIVATE) is
 * yours; sseval_curl_set_request sets a Messages API request for you.
 *
 * Thread safety: as libcurl's: a sseval_curl and its easy handle are used
 * by one thread at a time. Nothing is global; call curl_global_init once
 * yourself, as libcurl requires.
 */
#ifndef SSEVAL_CURL_H
#define SSEVAL_CURL_H

#include "claude.h"
#include "common.h"
#include "retry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A static library: no dllimport, whatever SSEVAL_SHARED says. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define SSEVAL_CURL_API __attribute__((visibility("default")))
#else
#define SSEVAL_CURL_API
#endif

/** The Messages API version sent by sseval_curl_set_request. */
#define SSEVAL_ANTHROPIC_VERSION "2023-06-01"
/** The default base URL (requests go to {base}/v1/messages). */
#define SSEVAL_ANTHROPIC_BASE_URL "https://api.anthropic.com"

typedef struct sseval_curl sseval_curl;

/** How a transfer ended. */
typedef enum sseval_curl_end {
  SSEVAL_CURL_END_NONE = 0,    /**< sseval_curl_done not called yet */
  SSEVAL_CURL_END_STREAM,      /**< a 2xx event stream went through the
                                    validator: see result.stream */
  SSEVAL_CURL_END_HTTP_ERROR,  /**< a response whose status is not 2xx */
  SSEVAL_CURL_END_NOT_SSE,     /**< a 2xx response that is not
                                    text/event-stream (body not validated) */
  SSEVAL_CURL_END_NO_RESPONSE  /**< no response at all: connection failure,
                                    timeout, or any transfer error before a
                                    status line */
} sseval_curl_end;

/** "none", "stream", "http_error", "not_event_stream", "no_response". */
SSEVAL_CURL_API const char *sseval_curl_end_name(sseval_curl_end e);

typedef struct sseval_curl_options {
  size_t struct_size; /**< set by sseval_curl_options_init */
  /** Validator options (copied). NULL: defaults with
   *  SSEVAL_CLAUDE_ACCUMULATE, so the message is rebuilt. */
  const sseval_claude_options *claude;
  /** Abort when no byte arrives for this long (0 = never). */
  uint64_t idle_timeout_ms;
  /** Bytes of a non-event-stream body kept for the error (64 KiB). */
  size_t max_body_bytes;
  /** Every body byte, in order, exactly once (pauses included): a raw
   *  recording `sseval check` can replay. Return non-zero to abort the
   *  transfer (CURLE_WRITE_ERROR). Optional. */
  int (*on_body)(void *user, const char *bytes, size_t len);
  /** The final response's headers are complete (status, content type and
   *  request id are known). Return non-zero to abort. Optional. */
  int (*on_headers)(void *user, sseval_curl *s);
  /** Called from libcurl's progress callback (about once a second, more
   *  often while data flows): the place to call sseval_curl_resume under
   *  curl_easy_perform. Return non-zero to abort. Optional. */
  int (*on_progress)(void *user, sseval_curl *s);
  /** Set to 1 when you set CURLOPT_ACCEPT_ENCODING yourself (libcurl then
   *  decodes the body). Otherwise a 2xx body with a Content-Encoding other
   *  than identity is refused unread (END_NOT_SSE). sseval_curl_set_request
   *  sets what it needs itself. */
  int content_decoding;
} sseval_curl_options;

SSEVAL_CURL_API void sseval_curl_options_init(sseval_curl_options *opts);

/**
 * Create a binding. `cbs` (copied; NULL = none) are the validator's
 * callbacks, `user` is passed to them and to the hooks in `opts` (NULL =
 * defaults). Returns SSEVAL_OK, SSEVAL_E_NOMEM, SSEVAL_E_MISUSE (out is
 * NULL), or SSEVAL_E_STRUCT_SIZE as sseval_claude_new judges sizes: `opts`,
 * `cbs` or `opts->claude` with an unset struct_size or one smaller than its
 * first released (0.1.0) layout; a size from an older, shorter layout is
 * accepted and the later fields keep their defaults.
 */
SSEVAL_CURL_API sseval_status sseval_curl_new(sseval_curl **out,
                                              const sseval_claude_callbacks *cbs,
                                              void *user,
                                              const sseval_curl_options *opts);
/** Free it (does not touch the easy handle; detach it or clean it up). */
SSEVAL_CURL_API void sseval_curl_free(sseval_curl *s);

/**
 * Install the binding's callbacks on `easy` (a CURL *). Returns SSEVAL_OK,
 * or SSEVAL_E_MISUSE if libcurl refused an option. Attaching to another
 * handle moves the binding there.
 */
SSEVAL_CURL_API sseval_status sseval_curl_attach(sseval_curl *s, void *easy);

/** A Messages API request, for sseval_curl_set_request. */
typedef struct sseval_curl_request {
  const char *base_url; /**< NULL: SSEVAL_ANTHROPIC_BASE_URL; a path in it
                             is kept, /v1/messages is appended */
  const char *api_key;  /**< sent as x-api-key; never stored beyond the
                             header list, never printed. NULL: not sent */
  const void *body;     /**< the JSON request (copied); set "stream": true
                             in it yourself */
  size_t body_len;
  const char *user_agent; /**< NULL: "sseval/<version>" */
  /** Non-zero: send the body with "stream": true set. The body must then
   *  be one JSON object: a "stream" member is dropped, "stream":true is put
   *  first, every other member is kept byte for byte. */
  int set_stream;
  /** NULL: accept every encoding libcurl can decode, and let it decode
   *  (CURLOPT_ACCEPT_ENCODING ""). Otherwise the Accept-Encoding to send
   *  (e.g. "identity") with libcurl's decoding off: a body that arrives
   *  encoded anyway is refused unread (END_NOT_SSE, not retried). */
  const char *accept_encoding;
} sseval_curl_request;

/**
 * Set a POST to {base_url}/v1/messages on the attached handle with the
 * headers the API wants (x-api-key, anthropic-version, content-type:
 * application/json, accept: text/event-stream; no `Expect: 100-continue`).
 * Only http and https are allowed, for the URL and for redirects (which
 * stay off: CURLOPT_FOLLOWLOCATION 0). The header list is owned by the
 * binding and lives until free or the next set_request. Returns SSEVAL_OK,
 * SSEVAL_E_NOMEM, SSEVAL_E_INVALID (set_stream and the body is not a JSON
 * object), or SSEVAL_E_MISUSE: not attached, libcurl refused an option, a
 * base URL that is not http:// or https://, or a control character (CR,
 * LF, any byte below 0x20, DEL) in the base URL, the API key, the user
 * agent or accept_encoding: a header value is never split.
 */
SSEVAL_CURL_API sseval_status sseval_curl_set_request(sseval_curl *s,
                                                      const sseval_curl_request *req);

/** Forget the last transfer (response, validator state, timers) so the
 *  same handle can be performed again. Callbacks and options are kept. */
SSEVAL_CURL_API void sseval_curl_reset(sseval_curl *s);

/** What sseval_curl_done reports. Spans are owned by the binding: valid
 *  until the next reset or free. */
typedef struct sseval_curl_result {
  sseval_curl_end end;
  int curl_code;          /**< the CURLcode given to sseval_curl_done */
  const char *reason;     /**< static phrase for the transfer error ("" if
                             none): libcurl's message, or "idle timeout" */
  int timed_out;          /**< a connect or idle timeout ended it */
  long http_status;       /**< the final response's status; 0 if none */
  sseval_span content_type;
  sseval_span request_id; /**< the request-id header ("" if none) */
  uint64_t body_bytes;    /**< body bytes received */
  /** END_STREAM: the validator's verdict (after sseval_claude_finish). */
  sseval_claude_result stream;
  /** An API error is known: the parsed JSON body of a non-2xx response, or
   *  the stream's `error` event. `retryable` follows the retry policy for
   *  HTTP errors (x-should-retry, status) and the type for events. */
  int has_error;
  sseval_api_error error;
  /** END_HTTP_ERROR / END_NOT_SSE: the body as received (first
   *  max_body_bytes bytes). */
  sseval_span body;
  /** The attempt, for sseval_retry_decide and sseval_breaker_record. */
  sseval_retry_outcome outcome;
  /** The `sseval stream` exit code: the verdict's (0, 2..6) for a stream,
   *  7 for an HTTP error or a non event stream, 8 for no response. */
  int exit_code;
} sseval_curl_result;

/**
 * The transfer is over: pass its CURLcode (from curl_easy_perform, or
 * CURLMsg.data.result under curl_multi). Finishes the validator (a stream
 * without message_stop becomes truncated) and fills *out. Returns SSEVAL_OK,
 * or the validator's sticky status error (SSEVAL_E_CALLBACK when a callback
 * aborted, SSEVAL_E_NOMEM); *out is filled in every case.
 */
SSEVAL_CURL_API sseval_status sseval_curl_done(sseval_curl *s, int curl_code,
                                               sseval_curl_result *out);

/** The validator: for the rebuilt message (sseval_claude_block, ...). */
SSEVAL_CURL_API sseval_claude *sseval_curl_claude(const sseval_curl *s);
/** The attached easy handle (NULL if none). */
SSEVAL_CURL_API void *sseval_curl_easy(const sseval_curl *s);
/** The status of the response being received (0 before its status line). */
SSEVAL_CURL_API long sseval_curl_http_status(const sseval_curl *s);
/** The request-id header of the response being received ("" if none). */
SSEVAL_CURL_API sseval_span sseval_curl_request_id(const sseval_curl *s);

/** 1 while the transfer is paused by a validator callback. */
SSEVAL_CURL_API int sseval_curl_paused(const sseval_curl *s);
/**
 * Unpause a transfer a validator callback paused (no-op otherwise). libcurl
 * usually redelivers the held chunk before this returns, so your callbacks
 * may run (and pause again) inside it. Returns SSEVAL_OK, or
 * SSEVAL_E_MISUSE if libcurl refused.
 */
SSEVAL_CURL_API sseval_status sseval_curl_resume(sseval_curl *s);

#ifdef __cplusplus
}
#endif
#endif /* SSEVAL_CURL_H */
