/* SPDX-License-Identifier: MIT */
/*
 * sseval/sseval.hpp - a C++17 face over the C API, header-only.
 *
 *   sseval::tokenizer  owns a sseval_sse (layer 1)
 *   sseval::stream     owns a sseval_claude (layer 2)
 *
 * RAII owners (movable, not copyable); spans are std::string_view (valid,
 * like the C spans, only while the callback runs or until the next feed);
 * callbacks are any callable (lambdas with captures), set before open();
 * results and the rebuilt message are value types that own their strings.
 * No exception is thrown by this header and none is required (every
 * fallible call returns sseval_status; allocation uses nothrow new), and no
 * RTTI is used. A callback returning void means SSEVAL_CB_OK; one returning
 * int returns SSEVAL_CB_OK, SSEVAL_CB_PAUSE or SSEVAL_CB_ABORT. Callbacks
 * must not throw.
 *
 *   sseval::stream s;
 *   s.on_text([&](uint32_t, std::string_view t) { std::cout << t; });
 *   if (s.open() != SSEVAL_OK) return 1;
 *   s.feed(chunk);                    // as often as bytes arrive
 *   sseval::result r = s.finish();    // r.verdict, r.rule_id(), r.detail
 *   sseval::message m = s.get_message();  // blocks, stop reason, usage
 */
#ifndef SSEVAL_SSEVAL_HPP
#define SSEVAL_SSEVAL_HPP

#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sseval.h"

namespace sseval {

/** A C span as a string_view (never null-pointer based). */
inline std::string_view view(sseval_span s) noexcept {
  return s.len ? std::string_view(s.ptr, s.len) : std::string_view();
}

namespace detail {
/* Calls f; void results count as SSEVAL_CB_OK. */
template <class F, class... A> int call(F &f, A &&...a) {
  if constexpr (std::is_void_v<std::invoke_result_t<F &, A...>>) {
    std::invoke(f, std::forward<A>(a)...);
    return SSEVAL_CB_OK;
  } else {
    return static_cast<int>(std::invoke(f, std::forward<A>(a)...));
  }
}
template <class Sig, class F> std::function<Sig> wrap(F &&f) {
  return std::function<Sig>(std::forward<F>(f));
}
} // namespace detail

/** One dispatched event (layer 1). Views valid during the callback. */
struct event {
  std::string_view type, data, id;
  uint64_t offset = 0, line = 0;
};

/* ---- layer 1 ------------------------------------------------------------ */
class tokenizer {
public:
  tokenizer() = default;
  tokenizer(tokenizer &&) noexcept = default;
  tokenizer &operator=(tokenizer &&) noexcept = default;
  tokenizer(const tokenizer &) = delete;
  tokenizer &operator=(const tokenizer &) = delete;
  ~tokenizer() = default;

  /** fn(const sseval::event &) -> void or int. Set before open(). */
  template <class F> tokenizer &on_event(F &&fn) {
    if (ensure())
      st_->on_event = [f = std::forward<F>(fn)](const event &e) mutable {
        return detail::call(f, e);
      };
    return *this;
  }
  /** fn(uint64_t ms) -> void or int. */
  template <class F> tokenizer &on_retry(F &&fn) {
    if (ensure())
      st_->on_retry = [f = std::forward<F>(fn)](uint64_t ms) mutable {
        return detail::call(f, ms);
      };
    return *this;
  }

  /** Create the tokenizer; opts NULL = defaults. */
  sseval_status open(const sseval_sse_options *opts = nullptr) noexcept {
    if (!ensure()) return SSEVAL_E_NOMEM;
    sseval_sse_callbacks cb;
    sseval_sse_callbacks_init(&cb);
    if (st_->on_event) cb.on_event = &state::ev;
    if (st_->on_retry) cb.on_retry = &state::retry;
    sseval_sse *p = nullptr;
    sseval_status s = sseval_sse_new(&p, &cb, st_.get(), opts);
    if (s == SSEVAL_OK) st_->p.reset(p);
    return s;
  }
  explicit operator bool() const noexcept { return st_ && st_->p; }
  sseval_status feed(std::string_view bytes, size_t *consumed = nullptr) noexcept {
    if (!*this) return SSEVAL_E_MISUSE;
    return sseval_sse_feed(st_->p.get(), bytes.data(), bytes.size(), consumed);
  }
  sseval_status finish(sseval_sse_tail *tail = nullptr) noexcept {
    if (!*this) return SSEVAL_E_MISUSE;
    sseval_sse_tail t;
    return sseval_sse_finish(st_->p.get(), tail ? tail : &t);
  }
  void reset() noexcept {
    if (*this) sseval_sse_reset(st_->p.get());
  }
  /** The C handle, for the functions this header does not wrap. */
  sseval_sse *get() const noexcept { return st_ ? st_->p.get() : nullptr; }

private:
  struct deleter {
    void operator()(sseval_sse *p) const noexcept { sseval_sse_free(p); }
  };
  struct state {
    std::unique_ptr<sseval_sse, deleter> p;
    std::function<int(const event &)> on_event;
    std::function<int(uint64_t)> on_retry;
    static int ev(void *u, const sseval_sse_event *e) {
      event v{view(e->type), view(e->data), view(e->id), e->offset, e->line};
      return static_cast<state *>(u)->on_event(v);
    }
    static int retry(void *u, uint64_t ms, uint64_t) {
      return static_cast<state *>(u)->on_retry(ms);
    }
  };
  bool ensure() noexcept {
    if (!st_) st_.reset(new (std::nothrow) state());
    return st_ != nullptr;
  }
  std::unique_ptr<state> st_; // stable address: the C side's user pointer
};

/* ---- layer 2: value types ----------------------------------------------------- */
/** The verdict and where it was reached (sseval_claude_result, owned). */
struct result {
  sseval_verdict verdict = SSEVAL_VERDICT_COMPLETE;
  sseval_rule rule = SSEVAL_RULE_NONE;
  bool has_offset = false;
  uint64_t offset = 0, line = 0;
  std::string detail;
  bool has_error = false;
  std::string error_type, error_message;
  bool error_retryable = false;
  uint64_t events = 0, bytes = 0;

  std::string_view verdict_name() const noexcept { return sseval_verdict_name(verdict); }
  std::string_view rule_id() const noexcept { return sseval_rule_id(rule); }
  int exit_code() const noexcept { return sseval_verdict_exit_code(verdict); }
  bool complete() const noexcept { return verdict == SSEVAL_VERDICT_COMPLETE; }
};

/** One block of the rebuilt message (sseval_block_view, owned). */
struct block {
  sseval_block_type type = SSEVAL_BLOCK_UNKNOWN;
  std::string type_name;
  bool stopped = false;
  std::string text, signature, citations_json;
  std::string tool_id, tool_name;
  bool input_complete = false;
  std::string input_json, partial_json, start_json;
};

/** The rebuilt message (SSEVAL_CLAUDE_ACCUMULATE), owned. */
struct message {
  std::string id, model;
  bool has_stop_reason = false;
  std::string stop_reason;
  bool has_stop_sequence = false;
  std::string stop_sequence;
  std::vector<block> blocks;
  sseval_usage usage{};   /**< typed counters, has_* flags */
  std::string usage_json; /**< the raw merged usage object */
  std::string json;       /**< the whole message, as the API returns it */
};

/* ---- layer 2: the stream ------------------------------------------------------- */
class stream {
public:
  stream() = default;
  stream(stream &&) noexcept = default;
  stream &operator=(stream &&) noexcept = default;
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;
  ~stream() = default;

  /** fn(uint32_t index, std::string_view piece): text deltas, decoded. */
  template <class F> stream &on_text(F &&fn) { return piece(&state::text_fn, std::forward<F>(fn)); }
  /** fn(uint32_t index, std::string_view piece): tool input JSON pieces. */
  template <class F> stream &on_tool_input(F &&fn) { return piece(&state::tool_fn, std::forward<F>(fn)); }
  /** fn(uint32_t index, std::string_view piece): thinking text. */
  template <class F> stream &on_thinking(F &&fn) { return piece(&state::think_fn, std::forward<F>(fn)); }
  /** fn(const sseval_block_info &). */
  template <class F> stream &on_block_start(F &&fn) {
    if (ensure())
      st_->start_fn = [f = std::forward<F>(fn)](const sseval_block_info &b) mutable {
        return detail::call(f, b);
      };
    return *this;
  }
  /** fn(uint32_t index). */
  template <class F> stream &on_block_stop(F &&fn) {
    if (ensure())
      st_->stop_fn = [f = std::forward<F>(fn)](uint32_t i) mutable { return detail::call(f, i); };
    return *this;
  }
  /** fn(std::string_view type, std::string_view message, bool retryable). */
  template <class F> stream &on_error_event(F &&fn) {
    if (ensure())
      st_->err_fn = [f = std::forward<F>(fn)](std::string_view t, std::string_view m,
                                              bool r) mutable { return detail::call(f, t, m, r); };
    return *this;
  }

  /** Create the machine. flags: SSEVAL_CLAUDE_* (default: ACCUMULATE);
   *  opts, when given, wins over flags. */
  sseval_status open(unsigned flags = SSEVAL_CLAUDE_ACCUMULATE,
                     const sseval_claude_options *opts = nullptr) noexcept {
    if (!ensure()) return SSEVAL_E_NOMEM;
    sseval_claude_options o;
    sseval_claude_options_init(&o);
    o.flags = flags;
    sseval_claude_callbacks cb;
    sseval_claude_callbacks_init(&cb);
    if (st_->text_fn) cb.on_text = &state::text;
    if (st_->tool_fn) cb.on_tool_input = &state::tool;
    if (st_->think_fn) cb.on_thinking = &state::think;
    if (st_->start_fn) cb.on_block_start = &state::start;
    if (st_->stop_fn) cb.on_block_stop = &state::stop;
    if (st_->err_fn) cb.on_error_event = &state::err;
    sseval_claude *c = nullptr;
    sseval_status s = sseval_claude_new(&c, &cb, st_.get(), opts ? opts : &o);
    if (s == SSEVAL_OK) st_->c.reset(c);
    return s;
  }
  explicit operator bool() const noexcept { return st_ && st_->c; }
  sseval_status feed(std::string_view bytes, size_t *consumed = nullptr) noexcept {
    if (!*this) return SSEVAL_E_MISUSE;
    return sseval_claude_feed(st_->c.get(), bytes.data(), bytes.size(), consumed);
  }
  /** End of input: the verdict. finish_status() tells whether finish failed. */
  result finish() noexcept {
    sseval_claude_result r{};
    if (*this) last_ = sseval_claude_finish(st_->c.get(), &r);
    else last_ = SSEVAL_E_MISUSE;
    return *this ? copy(r) : result{};
  }
  sseval_status finish_status() const noexcept { return last_; }
  /** The verdict so far (or final after finish()). */
  result get_result() const {
    sseval_claude_result r{};
    if (*this) sseval_claude_get_result(st_->c.get(), &r);
    return copy(r);
  }
  /** The rebuilt message (empty without ACCUMULATE). */
  message get_message() const {
    message m;
    if (!*this) return m;
    const sseval_claude *c = st_->c.get();
    sseval_message_view v;
    sseval_claude_message(c, &v);
    m.id = std::string(view(v.id));
    m.model = std::string(view(v.model));
    m.has_stop_reason = v.has_stop_reason != 0;
    m.stop_reason = std::string(view(v.stop_reason));
    m.has_stop_sequence = v.has_stop_sequence != 0;
    m.stop_sequence = std::string(view(v.stop_sequence));
    uint32_t n = sseval_claude_block_count(c);
    m.blocks.reserve(n);
    for (uint32_t i = 0; i < n; i++) {
      sseval_block_view b;
      if (sseval_claude_block(c, i, &b) != SSEVAL_OK) break;
      block o;
      o.type = b.type;
      o.type_name = std::string(view(b.type_name));
      o.stopped = b.stopped != 0;
      o.text = std::string(view(b.text));
      o.signature = std::string(view(b.signature));
      o.citations_json = std::string(view(b.citations_json));
      o.tool_id = std::string(view(b.tool_id));
      o.tool_name = std::string(view(b.tool_name));
      o.input_complete = b.input_complete != 0;
      o.input_json = std::string(view(b.input_json));
      o.partial_json = std::string(view(b.partial_json));
      o.start_json = std::string(view(b.start_json));
      m.blocks.push_back(std::move(o));
    }
    sseval_claude_usage(c, &m.usage, sizeof m.usage);
    sseval_claude_write_usage_json(c, &append, &m.usage_json);
    sseval_claude_write_message_json(c, &append, &m.json);
    return m;
  }
  void reset() noexcept {
    if (*this) sseval_claude_reset(st_->c.get());
  }
  /** The C handle, for the functions this header does not wrap. */
  sseval_claude *get() const noexcept { return st_ ? st_->c.get() : nullptr; }

private:
  struct deleter {
    void operator()(sseval_claude *c) const noexcept { sseval_claude_free(c); }
  };
  using piece_fn = std::function<int(uint32_t, std::string_view)>;
  struct state {
    std::unique_ptr<sseval_claude, deleter> c;
    piece_fn text_fn, tool_fn, think_fn;
    std::function<int(const sseval_block_info &)> start_fn;
    std::function<int(uint32_t)> stop_fn;
    std::function<int(std::string_view, std::string_view, bool)> err_fn;
    static int text(void *u, uint32_t i, sseval_span p) {
      return static_cast<state *>(u)->text_fn(i, view(p));
    }
    static int tool(void *u, uint32_t i, sseval_span p) {
      return static_cast<state *>(u)->tool_fn(i, view(p));
    }
    static int think(void *u, uint32_t i, sseval_span p) {
      return static_cast<state *>(u)->think_fn(i, view(p));
    }
    static int start(void *u, const sseval_block_info *b) {
      return static_cast<state *>(u)->start_fn(*b);
    }
    static int stop(void *u, uint32_t i) { return static_cast<state *>(u)->stop_fn(i); }
    static int err(void *u, const sseval_api_error *e) {
      return static_cast<state *>(u)->err_fn(view(e->type), view(e->message),
                                             e->retryable != 0);
    }
  };
  template <class F> stream &piece(piece_fn state::*slot, F &&fn) {
    if (ensure())
      (*st_).*slot = [f = std::forward<F>(fn)](uint32_t i, std::string_view p) mutable {
        return detail::call(f, i, p);
      };
    return *this;
  }
  static int append(void *ctx, const char *b, size_t n) {
    static_cast<std::string *>(ctx)->append(b, n);
    return 0;
  }
  static result copy(const sseval_claude_result &r) {
    result o;
    o.verdict = r.verdict;
    o.rule = r.rule;
    o.has_offset = r.has_offset != 0;
    o.offset = r.offset;
    o.line = r.line;
    o.detail = r.detail ? r.detail : "";
    o.has_error = r.has_error != 0;
    o.error_type = std::string(view(r.error.type));
    o.error_message = std::string(view(r.error.message));
    o.error_retryable = r.error.retryable != 0;
    o.events = r.events;
    o.bytes = r.bytes;
    return o;
  }
  bool ensure() noexcept {
    if (!st_) st_.reset(new (std::nothrow) state());
    return st_ != nullptr;
  }
  std::unique_ptr<state> st_; // stable address: the C side's user pointer
  sseval_status last_ = SSEVAL_OK;
};

} // namespace sseval

#endif /* SSEVAL_SSEVAL_HPP */
