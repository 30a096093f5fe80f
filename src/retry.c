/* SPDX-License-Identifier: MIT */
/*
 * src/retry.c - the transport-independent retry policy and circuit breaker
 * (include/sseval/retry.h). Pure functions: no clock, no I/O, no globals.
 */
#include <string.h>

#include "sseval/claude.h"
#include "sseval/retry.h"

/* ---- names ------------------------------------------------------------------ */
const char *sseval_retry_kind_name(sseval_retry_kind k) {
  switch (k) {
#define SSEVAL_XX_(name, str)                                                  \
  case SSEVAL_RETRY_##name:                                                    \
    return str;
    SSEVAL_RETRY_KIND_MAP(SSEVAL_XX_)
#undef SSEVAL_XX_
  default:
    return "unknown";
  }
}

const char *sseval_breaker_state_name(sseval_breaker_state s) {
  switch (s) {
  case SSEVAL_BREAKER_CLOSED: return "closed";
  case SSEVAL_BREAKER_OPEN: return "open";
  case SSEVAL_BREAKER_HALF_OPEN: return "half_open";
  default: return "unknown";
  }
}

/* ---- small parsing helpers -------------------------------------------------------- */
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static unsigned char lower(char c) {
  unsigned char u = (unsigned char)c;
  return (u >= 'A' && u <= 'Z') ? (unsigned char)(u + 32u) : u;
}

static sseval_span trim(sseval_span s) {
  if (!s.ptr) s.len = 0;
  while (s.len && is_space(s.ptr[0])) {
    s.ptr++;
    s.len--;
  }
  while (s.len && is_space(s.ptr[s.len - 1])) s.len--;
  return s;
}

static int ieq(sseval_span s, const char *lit) {
  size_t i, n = strlen(lit);
  if (s.len != n) return 0;
  for (i = 0; i < n; i++)
    if (lower(s.ptr[i]) != (unsigned char)lit[i]) return 0;
  return 1;
}

/* Values above this are clamped: 10^15 ms is 31,000 years. */
#define MAX_PARSED_MS 1000000000000000ull

/* A non-negative decimal ("12", "1.5", ".5" is rejected, "1." accepted),
 * scaled by 10^scale_digits (3 for seconds -> ms, 0 for ms; extra fraction
 * digits are dropped). Returns 1 on success. */
static int parse_decimal(sseval_span s, unsigned scale_digits, uint64_t *out) {
  size_t i = 0;
  uint64_t v = 0;
  unsigned frac = 0;
  s = trim(s);
  if (s.len == 0 || !is_digit(s.ptr[0])) return 0;
  while (i < s.len && is_digit(s.ptr[i])) {
    if (v < MAX_PARSED_MS) v = v * 10u + (uint64_t)(s.ptr[i] - '0');
    i++;
  }
  for (frac = 0; frac < scale_digits; frac++)
    if (v < MAX_PARSED_MS) v *= 10u;
  if (i < s.len && s.ptr[i] == '.') {
    uint64_t unit = 1;
    for (frac = 0; frac < scale_digits; frac++) unit *= 10u;
    i++;
    while (i < s.len && is_digit(s.ptr[i])) {
      unit /= 10u;
      v += unit * (uint64_t)(s.ptr[i] - '0');
      i++;
    }
  }
  if (i != s.len) return 0;
  *out = v > MAX_PARSED_MS ? MAX_PARSED_MS : v;
  return 1;
}

int sseval_retry_parse_ms(sseval_span value, uint64_t *out_ms) {
  uint64_t v;
  if (!out_ms || !parse_decimal(value, 0, &v)) return 0;
  *out_ms = v;
  return 1;
}

/* ---- HTTP dates (RFC 9110 section 5.6.7) ----------------------------------------- */
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153u * (m > 2 ? m - 3u : m + 9u) + 2u) / 5u + d - 1u;
  doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned char dm[12] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

typedef struct scan {
  const char *p, *end;
} scan;

static int sc_char(scan *s, char c) {
  if (s->p < s->end && *s->p == c) {
    s->p++;
    return 1;
  }
  return 0;
}

static size_t sc_spaces(scan *s) {
  size_t n = 0;
  while (s->p < s->end && *s->p == ' ') {
    s->p++;
    n++;
  }
  return n;
}

/* 1..max_digits digits; returns the count read (0 on none). */
static unsigned sc_num(scan *s, unsigned max_digits, unsigned *out) {
  unsigned n = 0, v = 0;
  while (n < max_digits && s->p < s->end && is_digit(*s->p)) {
    v = v * 10u + (unsigned)(*s->p - '0');
    s->p++;
    n++;
  }
  *out = v;
  return n;
}

static size_t sc_alpha(scan *s, const char **start) {
  size_t n = 0;
  *start = s->p;
  while (s->p < s->end &&
         ((*s->p >= 'a' && *s->p <= 'z') || (*s->p >= 'A' && *s->p <= 'Z'))) {
    s->p++;
    n++;
  }
  return n;
}

static unsigned month_of(const char *p, size_t n) {
  static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  size_t m;
  if (n != 3) return 0;
  for (m = 0; m < 12; m++) {
    const char *nm = names + 3 * m;
    if (lower(p[0]) == (unsigned char)nm[0] && lower(p[1]) == (unsigned char)nm[1] &&
        lower(p[2]) == (unsigned char)nm[2])
      return (unsigned)m + 1u;
  }
  return 0;
}

/* "HH:MM:SS" */
static int sc_time(scan *s, unsigned *h, unsigned *mi, unsigned *se) {
  return sc_num(s, 2, h) == 2 && sc_char(s, ':') && sc_num(s, 2, mi) == 2 &&
         sc_char(s, ':') && sc_num(s, 2, se) == 2;
}

int sseval_http_date_parse(sseval_span value, uint64_t *out_unix_ms) {
  scan s;
  const char *w;
  size_t wn;
  unsigned day = 0, mon = 0, year = 0, h = 0, mi = 0, se = 0, nd;
  int64_t y, days, secs;
  value = trim(value);
  if (!out_unix_ms || value.len == 0) return 0;
  s.p = value.ptr;
  s.end = value.ptr + value.len;
  wn = sc_alpha(&s, &w); /* day name: "Sun" or "Sunday" */
  if (wn < 3) return 0;
  if (sc_char(&s, ',')) {
    /* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or
     * RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" */
    char sep;
    if (!sc_spaces(&s) || sc_num(&s, 2, &day) != 2) return 0;
    if (s.p >= s.end || (*s.p != ' ' && *s.p != '-')) return 0;
    sep = *s.p++;
    if (s.end - s.p < 3 || !(mon = month_of(s.p, 3))) return 0;
    s.p += 3;
    if (!sc_char(&s, sep)) return 0;
    nd = sc_num(&s, 4, &year);
    if (sep == ' ' ? nd != 4 : nd != 2) return 0;
    if (nd == 2) year += year < 70 ? 2000u : 1900u;
    if (!sc_char(&s, ' ') || !sc_time(&s, &h, &mi, &se) || !sc_char(&s, ' '))
      return 0;
    wn = sc_alpha(&s, &w);
    if (wn != 3 || !(w[0] == 'G' && w[1] == 'M' && w[2] == 'T')) return 0;
  } else {
    /* asctime "Sun Nov  6 08:49:37 1994" */
    if (!sc_spaces(&s)) return 0;
    wn = sc_alpha(&s, &w);
    mon = month_of(w, wn);
    if (!mon || !sc_spaces(&s) || sc_num(&s, 2, &day) == 0) return 0;
    if (!sc_char(&s, ' ') || !sc_time(&s, &h, &mi, &se) || !sc_char(&s, ' '))
      return 0;
    if (sc_num(&s, 4, &year) != 4) return 0;
  }
  if (s.p != s.end) return 0;
  y = (int64_t)year;
  if (year < 1970 || day < 1 || day > days_in_month(y, mon) || h > 23 ||
      mi > 59 || se > 60)
    return 0;
  days = days_from_civil(y, mon, day);
  secs = days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + (int64_t)se;
  *out_unix_ms = (uint64_t)secs * 1000u;
  return 1;
}

int sseval_retry_parse_retry_after(sseval_span value, uint64_t now_unix_ms,
                                   uint64_t *out_ms) {
  uint64_t v;
  if (!out_ms) return 0;
  if (parse_decimal(value, 3, &v)) {
    *out_ms = v;
    return 1;
  }
  if (sseval_http_date_parse(value, &v)) {
    *out_ms = v > now_unix_ms ? v - now_unix_ms : 0;
    return 1;
  }
  return 0;
}

/* ---- outcomes --------------------------------------------------------------------- */
void sseval_retry_outcome_init(sseval_retry_outcome *o, sseval_retry_kind kind) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->kind = kind;
  o->should_retry = -1;
  o->retry_after_ms = -1;
  o->retry_after = -1;
}

int sseval_retry_outcome_header(sseval_retry_outcome *o, sseval_span name,
                                sseval_span value, uint64_t now_unix_ms) {
  uint64_t v;
  if (!o) return 0;
  name = trim(name);
  value = trim(value);
  if (ieq(name, "retry-after-ms")) {
    o->retry_after_ms = sseval_retry_parse_ms(value, &v) ? (int64_t)v : -1;
    return 1;
  }
  if (ieq(name, "retry-after")) {
    o->retry_after =
        sseval_retry_parse_retry_after(value, now_unix_ms, &v) ? (int64_t)v : -1;
    return 1;
  }
  if (ieq(name, "x-should-retry")) {
    o->should_retry = ieq(value, "true") ? 1 : ieq(value, "false") ? 0 : -1;
    return 1;
  }
  return 0;
}

/* ---- the policy ------------------------------------------------------------------------ */
void sseval_retry_policy_init(sseval_retry_policy *p) {
  if (!p) return;
  memset(p, 0, sizeof *p);
  p->struct_size = sizeof *p;
  p->max_retries = SSEVAL_RETRY_DEFAULT_MAX_RETRIES;
  p->base_delay_ms = SSEVAL_RETRY_DEFAULT_BASE_DELAY_MS;
  p->max_delay_ms = SSEVAL_RETRY_DEFAULT_MAX_DELAY_MS;
  p->jitter = SSEVAL_RETRY_JITTER_FULL;
  p->max_retry_after_ms = SSEVAL_RETRY_DEFAULT_MAX_RETRY_AFTER_MS;
  p->flags = SSEVAL_RETRY_ON_TRUNCATED | SSEVAL_RETRY_ON_ERROR_EVENTS;
}

static const sseval_retry_policy *policy_or_default(const sseval_retry_policy *p,
                                                    sseval_retry_policy *tmp) {
  if (p) return p;
  sseval_retry_policy_init(tmp);
  return tmp;
}

/* The SDKs' status rule (without x-should-retry). */
static int status_retryable(int status, const char **why) {
  if (status == 408) {
    *why = "status 408 (request timeout)";
    return 1;
  }
  if (status == 409) {
    *why = "status 409 (conflict)";
    return 1;
  }
  if (status == 429) {
    *why = "status 429 (rate limited)";
    return 1;
  }
  if (status >= 500) {
    *why = "status >= 500 (server error)";
    return 1;
  }
  *why = "status not retryable";
  return 0;
}

int sseval_retry_classify(const sseval_retry_policy *p,
                          const sseval_retry_outcome *o, const char **why) {
  sseval_retry_policy tmp;
  const char *w = "unknown outcome";
  int r = 0;
  p = policy_or_default(p, &tmp);
  if (!o) {
    if (why) *why = w;
    return 0;
  }
  switch (o->kind) {
  case SSEVAL_RETRY_OK:
    w = "complete";
    break;
  case SSEVAL_RETRY_HTTP_ERROR:
    if (o->should_retry == 1) {
      w = "x-should-retry: true";
      r = 1;
    } else if (o->should_retry == 0) {
      w = "x-should-retry: false";
    } else if (o->http_status > 0) {
      r = status_retryable(o->http_status, &w);
    } else {
      r = sseval_error_type_classify(o->error_type, NULL);
      w = r ? "retryable error type" : "error type not retryable";
    }
    break;
  case SSEVAL_RETRY_ERROR_EVENT:
    if (!(p->flags & SSEVAL_RETRY_ON_ERROR_EVENTS)) {
      w = "error events are not retried (policy)";
    } else {
      r = sseval_error_type_classify(o->error_type, NULL);
      w = r ? "retryable error event" : "error event type not retryable";
    }
    break;
  case SSEVAL_RETRY_TRUNCATED:
    r = (p->flags & SSEVAL_RETRY_ON_TRUNCATED) != 0;
    w = r ? "stream truncated" : "truncated streams are not retried (policy)";
    break;
  case SSEVAL_RETRY_CONNECT_ERROR:
    w = "connection failure";
    r = 1;
    break;
  case SSEVAL_RETRY_TIMEOUT:
    w = "timeout";
    r = 1;
    break;
  case SSEVAL_RETRY_INVALID:
    w = "invalid answer (retrying cannot change it)";
    break;
  default:
    break;
  }
  if (why) *why = w;
  return r;
}

uint64_t sseval_retry_random(uint64_t *state) {
  uint64_t z;
  if (!state) return 0;
  z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t sseval_retry_backoff_ms(const sseval_retry_policy *p,
                                 uint32_t retry_index, uint64_t *rng) {
  sseval_retry_policy tmp;
  uint64_t d, cap;
  uint32_t i;
  p = policy_or_default(p, &tmp);
  cap = p->max_delay_ms;
  d = p->base_delay_ms < cap ? p->base_delay_ms : cap;
  for (i = 0; i < retry_index && d < cap; i++)
    d = d > cap / 2u ? cap : d * 2u;
  if (!rng) return d;
  switch (p->jitter) {
  case SSEVAL_RETRY_JITTER_FULL:
    return d == UINT64_MAX ? sseval_retry_random(rng)
                           : sseval_retry_random(rng) % (d + 1u);
  case SSEVAL_RETRY_JITTER_SDK: {
    /* d * (1 - 0.25 * u), u uniform in [0, 1], in 1/10000 steps */
    uint64_t k = sseval_retry_random(rng) % 2501u;
    return d - ((d / 10000u) * k + ((d % 10000u) * k) / 10000u);
  }
  default:
    return d;
  }
}

void sseval_retry_decide(const sseval_retry_policy *p,
                         const sseval_retry_outcome *o, uint32_t retries_done,
                         uint64_t *rng, sseval_retry_decision *out) {
  sseval_retry_policy tmp;
  int64_t hint = -1;
  if (!out) return;
  memset(out, 0, sizeof *out);
  p = policy_or_default(p, &tmp);
  out->retryable = sseval_retry_classify(p, o, &out->why);
  if (!out->retryable) return;
  if (retries_done >= p->max_retries) {
    out->why = "no retries left";
    return;
  }
  out->retry = 1;
  if (o->retry_after_ms >= 0)
    hint = o->retry_after_ms;
  else if (o->retry_after >= 0)
    hint = o->retry_after;
  if (hint > 0 && (uint64_t)hint <= p->max_retry_after_ms) {
    out->delay_ms = (uint64_t)hint;
    out->delay_from_server = 1;
  } else {
    out->delay_ms = sseval_retry_backoff_ms(p, retries_done, rng);
  }
}

/* ---- circuit breaker --------------------------------------------------------------------- */
void sseval_breaker_init(sseval_breaker *b, uint32_t failure_threshold,
                         uint64_t recovery_ms) {
  if (!b) return;
  memset(b, 0, sizeof *b);
  b->failure_threshold =
      failure_threshold ? failure_threshold : SSEVAL_BREAKER_DEFAULT_THRESHOLD;
  b->recovery_ms = recovery_ms ? recovery_ms : SSEVAL_BREAKER_DEFAULT_RECOVERY_MS;
  b->half_open_probes = 1;
  b->state = SSEVAL_BREAKER_CLOSED;
}

static uint64_t elapsed(uint64_t since, uint64_t now) {
  return now > since ? now - since : 0;
}

int sseval_breaker_allow(sseval_breaker *b, uint64_t now_ms) {
  if (!b) return 1;
  switch (b->state) {
  case SSEVAL_BREAKER_CLOSED:
    return 1;
  case SSEVAL_BREAKER_OPEN:
    if (elapsed(b->opened_at_ms, now_ms) < b->recovery_ms) return 0;
    b->state = SSEVAL_BREAKER_HALF_OPEN;
    b->probes = 0;
    /* fall through */
  case SSEVAL_BREAKER_HALF_OPEN:
    if (b->probes >= (b->half_open_probes ? b->half_open_probes : 1u)) return 0;
    b->probes++;
    return 1;
  default:
    return 1;
  }
}

uint64_t sseval_breaker_wait_ms(const sseval_breaker *b, uint64_t now_ms) {
  uint64_t e;
  if (!b || b->state != SSEVAL_BREAKER_OPEN) return 0;
  e = elapsed(b->opened_at_ms, now_ms);
  return e >= b->recovery_ms ? 0 : b->recovery_ms - e;
}

static void breaker_open(sseval_breaker *b, uint64_t now_ms) {
  b->state = SSEVAL_BREAKER_OPEN;
  b->opened_at_ms = now_ms;
  b->probes = 0;
  b->failures = 0;
  b->times_opened++;
}

void sseval_breaker_success(sseval_breaker *b, uint64_t now_ms) {
  (void)now_ms;
  if (!b) return;
  if (b->state == SSEVAL_BREAKER_OPEN) return; /* a request admitted before
                                                  it opened: no evidence */
  b->state = SSEVAL_BREAKER_CLOSED;
  b->failures = 0;
  b->probes = 0;
}

void sseval_breaker_failure(sseval_breaker *b, uint64_t now_ms) {
  if (!b) return;
  switch (b->state) {
  case SSEVAL_BREAKER_CLOSED:
    if (++b->failures >= (b->failure_threshold ? b->failure_threshold : 1u))
      breaker_open(b, now_ms);
    break;
  case SSEVAL_BREAKER_HALF_OPEN:
    breaker_open(b, now_ms);
    break;
  default: /* already open: keep the original opening time */
    break;
  }
}

int sseval_breaker_record(sseval_breaker *b, const sseval_retry_outcome *o,
                          uint64_t now_ms) {
  const char *why;
  int failure = 0;
  if (!o) return 0;
  switch (o->kind) {
  case SSEVAL_RETRY_CONNECT_ERROR:
  case SSEVAL_RETRY_TIMEOUT:
  case SSEVAL_RETRY_TRUNCATED:
    failure = 1;
    break;
  case SSEVAL_RETRY_ERROR_EVENT:
    failure = sseval_error_type_classify(o->error_type, NULL);
    break;
  case SSEVAL_RETRY_HTTP_ERROR:
    failure = o->http_status > 0 ? status_retryable(o->http_status, &why)
                                 : sseval_error_type_classify(o->error_type, NULL);
    break;
  default:
    break;
  }
  if (failure)
    sseval_breaker_failure(b, now_ms);
  else
    sseval_breaker_success(b, now_ms);
  return failure;
}
