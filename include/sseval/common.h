/* SPDX-License-Identifier: MIT */
/*
 * sseval/common.h - vocabulary shared by every sseval layer.
 *
 * Spans, status codes, callback return codes, the allocator hooks and the
 * version. Every other public header includes this one; applications usually
 * include <sseval/sseval.h>, which pulls in everything.
 *
 * Conventions used throughout the API:
 *  - every exported name starts with sseval_ / SSEVAL_;
 *  - lengths are size_t, absolute stream offsets and counters are uint64_t;
 *  - input is (pointer, length), never NUL-terminated, and may be empty;
 *  - an instance is used by one thread at a time; different instances are
 *    fully independent (no global mutable state anywhere in the library).
 */
#ifndef SSEVAL_COMMON_H
#define SSEVAL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- export macro ----------------------------------------------------- */
#if defined(_WIN32) && defined(SSEVAL_SHARED_BUILD)
#define SSEVAL_API __declspec(dllexport)
#elif defined(_WIN32) && defined(SSEVAL_SHARED)
#define SSEVAL_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define SSEVAL_API __attribute__((visibility("default")))
#else
#define SSEVAL_API
#endif

/* ---- version ---------------------------------------------------------- */
#define SSEVAL_VERSION_MAJOR 0
#define SSEVAL_VERSION_MINOR 1
#define SSEVAL_VERSION_PATCH 0
/** 0xMMmmpp: compare with >= to test for a minimum version at compile time. */
#define SSEVAL_VERSION_HEX                                                     \
  ((SSEVAL_VERSION_MAJOR << 16) | (SSEVAL_VERSION_MINOR << 8) |                \
   SSEVAL_VERSION_PATCH)
#define SSEVAL_VERSION_STRING "0.1.0"

/** The version of the library actually linked, as SSEVAL_VERSION_HEX. */
SSEVAL_API uint32_t sseval_version(void);
/** The version of the library actually linked, as "MAJOR.MINOR.PATCH". */
SSEVAL_API const char *sseval_version_string(void);

/* ---- spans ------------------------------------------------------------- */
/**
 * A borrowed run of bytes. Never NUL-terminated. A span handed to a callback
 * is valid only until that callback returns, unless the callback's
 * documentation says otherwise: copy what you keep.
 */
typedef struct sseval_span {
  const char *ptr; /**< first byte; may be NULL when len == 0 */
  size_t len;      /**< number of bytes */
} sseval_span;

/* ---- status codes ------------------------------------------------------ */
/**
 * X-macro: (NAME, value, description). One table gives the enum, the names
 * and the messages, so they cannot drift apart.
 */
#define SSEVAL_STATUS_MAP(XX)                                                  \
  XX(OK, 0, "success")                                                         \
  XX(PAUSED, 1, "paused by a callback; call feed again with the rest")         \
  XX(E_CALLBACK, 2, "a callback asked to abort")                               \
  XX(E_LIMIT, 3, "a configured resource limit was exceeded")                   \
  XX(E_NOMEM, 4, "memory allocation failed")                                   \
  XX(E_MISUSE, 5, "invalid argument or call sequence")                         \
  XX(E_INVALID, 6, "the input violates the format or protocol")              \
  XX(E_STRUCT_SIZE, 7,                                                         \
     "struct_size is unset or too small: initialise the options or callbacks " \
     "struct with its _init function (a designated initialiser leaves "        \
     "struct_size 0)")

/** Result of every fallible call. 0 is success; PAUSED is not an error. */
typedef enum sseval_status {
#define SSEVAL_XX_(name, val, desc) SSEVAL_##name = (val),
  SSEVAL_STATUS_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  SSEVAL_STATUS_COUNT_
} sseval_status;

/** "OK", "PAUSED", "E_NOMEM", ...; "UNKNOWN" for an out-of-range value. */
SSEVAL_API const char *sseval_status_name(sseval_status s);
/** One-line English description of a status; never NULL. */
SSEVAL_API const char *sseval_status_message(sseval_status s);

/* ---- callback return codes ---------------------------------------------- */
/**
 * What every callback returns. SSEVAL_CB_OK continues. SSEVAL_CB_PAUSE stops
 * the current feed call cleanly after the thing being reported; feed then
 * returns SSEVAL_PAUSED and sets *consumed, and the caller resumes by calling
 * feed again with the bytes that were not consumed. SSEVAL_CB_ABORT (and, as
 * in nghttp2, any other value: do not rely on that) ends parsing with the
 * sticky error SSEVAL_E_CALLBACK.
 */
enum { SSEVAL_CB_OK = 0, SSEVAL_CB_PAUSE = 1, SSEVAL_CB_ABORT = -1 };

/* ---- allocator hooks ------------------------------------------------------ */
/**
 * Per-instance allocator. All three functions are required when a struct is
 * given; pass NULL wherever an allocator is asked for to use malloc/realloc/
 * free. realloc and free receive the old size so pool allocators can work.
 * The library never calls these from more than the thread using the instance.
 * A hook may return NULL: the library then fails the call with SSEVAL_E_NOMEM
 * and leaves the instance consistent (accumulated data is kept).
 */
typedef struct sseval_allocator {
  void *(*malloc)(void *ctx, size_t size);
  void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t new_size);
  void (*free)(void *ctx, void *ptr, size_t size);
  void *ctx; /**< passed back to every hook */
} sseval_allocator;

/* ---- errors ----------------------------------------------------------- */
/**
 * A sticky error as the parsers report it. `message` is a static string
 * (never freed, valid forever). `offset` is the absolute byte offset in the
 * stream (counting every byte ever fed since creation or reset, BOM
 * included) and `line` the 1-based line number at that offset.
 */
typedef struct sseval_error {
  sseval_status status; /**< SSEVAL_OK when there is no error */
  const char *message;  /**< static, human readable; "" when no error */
  uint64_t offset;      /**< absolute byte offset of the problem */
  uint64_t line;        /**< 1-based line number of that offset */
  unsigned kind;        /**< which error of its status, where a layer says:
                             sseval_sse_error_kind for the tokenizer
                             (sseval/sse.h); 0 otherwise */
} sseval_error;

#ifdef __cplusplus
}
#endif
#endif /* SSEVAL_COMMON_H */
