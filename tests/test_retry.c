/* SPDX-License-Identifier: MIT */
/*
 * tests/test_retry.c - the retry policy and circuit breaker (sseval/retry.h):
 * header parsing, HTTP dates, classification by the SDK rules, backoff and
 * jitter bounds, server hints, and the breaker's state machine.
 */
#include "sseval/sseval.h"
#include "test.h"

static sseval_span S(const char *s) {
  sseval_span r;
  r.ptr = s;
  r.len = strlen(s);
  return r;
}

/* 1994-11-06 08:49:37 GMT, the RFC's example date */
#define RFC_DATE_MS 784111777000ull

TEST(kind_names) {
  CHECK(strcmp(sseval_retry_kind_name(SSEVAL_RETRY_OK), "ok") == 0);
  CHECK(strcmp(sseval_retry_kind_name(SSEVAL_RETRY_HTTP_ERROR), "http_error") == 0);
  CHECK(strcmp(sseval_retry_kind_name(SSEVAL_RETRY_TIMEOUT), "timeout") == 0);
  CHECK(strcmp(sseval_retry_kind_name((sseval_retry_kind)99), "unknown") == 0);
  CHECK(strcmp(sseval_breaker_state_name(SSEVAL_BREAKER_HALF_OPEN), "half_open") == 0);
}

TEST(parse_numbers) {
  uint64_t v = 7;
  CHECK(sseval_retry_parse_retry_after(S("2"), 0, &v) && v == 2000);
  CHECK(sseval_retry_parse_retry_after(S("1.5"), 0, &v) && v == 1500);
  CHECK(sseval_retry_parse_retry_after(S("0.25"), 0, &v) && v == 250);
  CHECK(sseval_retry_parse_retry_after(S("0.0019"), 0, &v) && v == 1);
  CHECK(sseval_retry_parse_retry_after(S("  3 \r\n"), 0, &v) && v == 3000);
  CHECK(sseval_retry_parse_retry_after(S("0"), 0, &v) && v == 0);
  CHECK(sseval_retry_parse_retry_after(S("99999999999999999999999"), 0, &v) &&
        v == 1000000000000000ull);
  v = 7;
  CHECK(!sseval_retry_parse_retry_after(S(""), 0, &v));
  CHECK(!sseval_retry_parse_retry_after(S("-1"), 0, &v));
  CHECK(!sseval_retry_parse_retry_after(S("+1"), 0, &v));
  CHECK(!sseval_retry_parse_retry_after(S(".5"), 0, &v));
  CHECK(!sseval_retry_parse_retry_after(S("1e3"), 0, &v));
  CHECK(!sseval_retry_parse_retry_after(S("soon"), 0, &v));
  CHECK(!sseval_retry_parse_retry_after(S("1 2"), 0, &v));
  CHECK(v == 7);
  CHECK(sseval_retry_parse_ms(S("150"), &v) && v == 150);
  CHECK(sseval_retry_parse_ms(S("150.9"), &v) && v == 150);
  CHECK(!sseval_retry_parse_ms(S("1s"), &v));
  CHECK(!sseval_retry_parse_ms(S("Sun, 06 Nov 1994 08:49:37 GMT"), &v));
}

TEST(http_dates) {
  uint64_t v = 0;
  CHECK(sseval_http_date_parse(S("Sun, 06 Nov 1994 08:49:37 GMT"), &v));
  CHECK_EQ_U64(v, RFC_DATE_MS);
  v = 0;
  CHECK(sseval_http_date_parse(S("Sunday, 06-Nov-94 08:49:37 GMT"), &v));
  CHECK_EQ_U64(v, RFC_DATE_MS);
  v = 0;
  CHECK(sseval_http_date_parse(S("Sun Nov  6 08:49:37 1994"), &v));
  CHECK_EQ_U64(v, RFC_DATE_MS);
  CHECK(sseval_http_date_parse(S("Thu, 01 Jan 1970 00:00:00 GMT"), &v) && v == 0);
  CHECK(sseval_http_date_parse(S("Tue, 29 Feb 2000 23:59:59 GMT"), &v));
  CHECK_EQ_U64(v, 951868799000ull);
  CHECK(sseval_http_date_parse(S("Wed, 01 Jan 2031 00:00:00 GMT"), &v));
  CHECK_EQ_U64(v, 1924992000000ull);
  CHECK(!sseval_http_date_parse(S("Thu, 29 Feb 2001 00:00:00 GMT"), &v));
  CHECK(!sseval_http_date_parse(S("Sun, 06 Nov 1994 24:00:00 GMT"), &v));
  CHECK(!sseval_http_date_parse(S("Sun, 06 Nov 1994 08:49:37 UTC"), &v));
  CHECK(!sseval_http_date_parse(S("Sun, 06 Foo 1994 08:49:37 GMT"), &v));
  CHECK(!sseval_http_date_parse(S("Sun, 6 Nov 1994 08:49:37 GMT"), &v));
  CHECK(!sseval_http_date_parse(S("Sun, 06 Nov 1994 08:49:37 GMT x"), &v));
  CHECK(!sseval_http_date_parse(S("Sun, 06 Nov 1969 08:49:37 GMT"), &v));
  CHECK(!sseval_http_date_parse(S(""), &v));
  /* as a retry-after: relative to now, never negative */
  CHECK(sseval_retry_parse_retry_after(S("Sun, 06 Nov 1994 08:49:37 GMT"),
                                       RFC_DATE_MS - 5000, &v) && v == 5000);
  CHECK(sseval_retry_parse_retry_after(S("Sun, 06 Nov 1994 08:49:37 GMT"),
                                       RFC_DATE_MS + 5000, &v) && v == 0);
}

TEST(outcome_headers) {
  sseval_retry_outcome o;
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  CHECK(o.should_retry == -1 && o.retry_after == -1 && o.retry_after_ms == -1);
  CHECK(o.http_status == 0 && o.error_type.len == 0);
  CHECK(sseval_retry_outcome_header(&o, S("Retry-After"), S(" 2 "), 0));
  CHECK(o.retry_after == 2000);
  CHECK(sseval_retry_outcome_header(&o, S("RETRY-AFTER-MS"), S("150"), 0));
  CHECK(o.retry_after_ms == 150);
  CHECK(sseval_retry_outcome_header(&o, S("x-should-retry"), S("TRUE"), 0));
  CHECK(o.should_retry == 1);
  CHECK(sseval_retry_outcome_header(&o, S("X-Should-Retry"), S("false"), 0));
  CHECK(o.should_retry == 0);
  CHECK(sseval_retry_outcome_header(&o, S("x-should-retry"), S("maybe"), 0));
  CHECK(o.should_retry == -1);
  CHECK(sseval_retry_outcome_header(&o, S("retry-after"), S("later"), 0));
  CHECK(o.retry_after == -1);
  CHECK(!sseval_retry_outcome_header(&o, S("request-id"), S("req_1"), 0));
  CHECK(!sseval_retry_outcome_header(&o, S("retry-after-s"), S("1"), 0));
}

static int classify_status(int status) {
  sseval_retry_outcome o;
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  o.http_status = status;
  return sseval_retry_classify(NULL, &o, NULL);
}

TEST(classify_statuses) {
  static const int never[] = {400, 401, 402, 403, 404, 413, 422, 301, 200};
  static const int always[] = {408, 409, 429, 500, 502, 503, 504, 529, 599};
  size_t i;
  for (i = 0; i < sizeof never / sizeof never[0]; i++) {
    if (classify_status(never[i])) fprintf(stderr, "status %d\n", never[i]);
    CHECK(!classify_status(never[i]));
  }
  for (i = 0; i < sizeof always / sizeof always[0]; i++) {
    if (!classify_status(always[i])) fprintf(stderr, "status %d\n", always[i]);
    CHECK(classify_status(always[i]));
  }
}

TEST(classify_should_retry_header_wins) {
  sseval_retry_outcome o;
  const char *why = NULL;
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  o.http_status = 529;
  o.should_retry = 0;
  CHECK(!sseval_retry_classify(NULL, &o, &why));
  CHECK(why && strcmp(why, "x-should-retry: false") == 0);
  o.http_status = 400;
  o.should_retry = 1;
  CHECK(sseval_retry_classify(NULL, &o, &why));
  CHECK(why && strcmp(why, "x-should-retry: true") == 0);
  /* no status: the error type decides */
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  o.error_type = S("overloaded_error");
  CHECK(sseval_retry_classify(NULL, &o, NULL));
  o.error_type = S("invalid_request_error");
  CHECK(!sseval_retry_classify(NULL, &o, NULL));
}

TEST(classify_other_kinds) {
  sseval_retry_policy p;
  sseval_retry_outcome o;
  const char *why = NULL;
  sseval_retry_policy_init(&p);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_OK);
  CHECK(!sseval_retry_classify(&p, &o, &why) && why);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_CONNECT_ERROR);
  CHECK(sseval_retry_classify(&p, &o, &why));
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_TIMEOUT);
  CHECK(sseval_retry_classify(&p, &o, &why));
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_INVALID);
  o.http_status = 200;
  CHECK(!sseval_retry_classify(&p, &o, &why));
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_TRUNCATED);
  o.http_status = 200;
  CHECK(sseval_retry_classify(&p, &o, &why));
  p.flags &= ~(unsigned)SSEVAL_RETRY_ON_TRUNCATED;
  CHECK(!sseval_retry_classify(&p, &o, &why));
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_ERROR_EVENT);
  o.http_status = 200;
  o.error_type = S("overloaded_error");
  CHECK(sseval_retry_classify(&p, &o, &why));
  o.error_type = S("api_error");
  CHECK(sseval_retry_classify(&p, &o, &why));
  o.error_type = S("invalid_request_error");
  CHECK(!sseval_retry_classify(&p, &o, &why));
  o.error_type = S("some_future_error");
  CHECK(!sseval_retry_classify(&p, &o, &why));
  o.error_type = S("overloaded_error");
  p.flags &= ~(unsigned)SSEVAL_RETRY_ON_ERROR_EVENTS;
  CHECK(!sseval_retry_classify(&p, &o, &why));
  /* x-should-retry only speaks for HTTP errors */
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_INVALID);
  o.should_retry = 1;
  CHECK(!sseval_retry_classify(&p, &o, NULL));
  CHECK(!sseval_retry_classify(&p, NULL, &why));
}

TEST(backoff_exponential_capped) {
  sseval_retry_policy p;
  uint32_t i;
  static const uint64_t want[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
  sseval_retry_policy_init(&p);
  CHECK(p.max_retries == 2 && p.base_delay_ms == 500 && p.max_delay_ms == 8000);
  p.jitter = SSEVAL_RETRY_JITTER_NONE;
  for (i = 0; i < 7; i++) CHECK_EQ_U64(sseval_retry_backoff_ms(&p, i, NULL), want[i]);
  CHECK_EQ_U64(sseval_retry_backoff_ms(&p, 4000000000u, NULL), 8000);
  p.max_delay_ms = UINT64_MAX;
  CHECK_EQ_U64(sseval_retry_backoff_ms(&p, 200, NULL), UINT64_MAX);
  p.base_delay_ms = 10000;
  p.max_delay_ms = 3000;
  CHECK_EQ_U64(sseval_retry_backoff_ms(&p, 0, NULL), 3000);
}

TEST(backoff_jitter_bounds) {
  sseval_retry_policy p;
  uint64_t rng = 42, rng2 = 42, lo = UINT64_MAX, hi = 0;
  uint32_t i, k;
  sseval_retry_policy_init(&p);
  CHECK(p.jitter == SSEVAL_RETRY_JITTER_FULL);
  for (k = 0; k < 5; k++) {
    uint64_t cap = sseval_retry_backoff_ms(&p, k, NULL);
    lo = UINT64_MAX;
    hi = 0;
    for (i = 0; i < 2000; i++) {
      uint64_t d = sseval_retry_backoff_ms(&p, k, &rng);
      CHECK(d <= cap);
      CHECK_EQ_U64(d, sseval_retry_backoff_ms(&p, k, &rng2)); /* reproducible */
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    CHECK(lo < cap / 10u); /* full jitter reaches near 0 ... */
    CHECK(hi > cap - cap / 10u); /* ... and near the cap */
  }
  p.jitter = SSEVAL_RETRY_JITTER_SDK;
  for (k = 0; k < 5; k++) {
    uint64_t cap = sseval_retry_backoff_ms(&p, k, NULL);
    lo = UINT64_MAX;
    hi = 0;
    for (i = 0; i < 2000; i++) {
      uint64_t d = sseval_retry_backoff_ms(&p, k, &rng);
      CHECK(d <= cap && d >= cap - cap / 4u);
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    CHECK(lo < cap - cap / 5u && hi > cap - cap / 50u);
  }
}

TEST(decide_attempts_and_hints) {
  sseval_retry_policy p;
  sseval_retry_outcome o;
  sseval_retry_decision d;
  uint64_t rng = 7;
  sseval_retry_policy_init(&p);
  p.jitter = SSEVAL_RETRY_JITTER_NONE;

  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  o.http_status = 529;
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(d.retry && d.retryable && d.delay_ms == 500 && !d.delay_from_server);
  sseval_retry_decide(&p, &o, 1, &rng, &d);
  CHECK(d.retry && d.delay_ms == 1000);
  sseval_retry_decide(&p, &o, 2, &rng, &d);
  CHECK(!d.retry && d.retryable && d.delay_ms == 0);
  CHECK(d.why && strcmp(d.why, "no retries left") == 0);

  /* retry-after honoured, retry-after-ms first */
  o.http_status = 429;
  o.retry_after = 2000;
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(d.retry && d.delay_ms == 2000 && d.delay_from_server);
  o.retry_after_ms = 150;
  sseval_retry_decide(&p, &o, 1, &rng, &d);
  CHECK(d.retry && d.delay_ms == 150 && d.delay_from_server);
  /* out of range hints fall back to the backoff */
  o.retry_after_ms = -1;
  o.retry_after = 61000;
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(d.retry && d.delay_ms == 500 && !d.delay_from_server);
  o.retry_after = 0;
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(d.retry && d.delay_ms == 500 && !d.delay_from_server);
  o.retry_after = 60000;
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(d.retry && d.delay_ms == 60000);

  /* never retried, whatever the hints */
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  o.http_status = 401;
  o.retry_after = 1000;
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(!d.retry && !d.retryable && d.why);

  /* max_retries 0: nothing is retried */
  p.max_retries = 0;
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_CONNECT_ERROR);
  sseval_retry_decide(&p, &o, 0, &rng, &d);
  CHECK(!d.retry && d.retryable);
  /* NULL policy = defaults (full jitter) */
  sseval_retry_decide(NULL, &o, 0, &rng, &d);
  CHECK(d.retry && d.delay_ms <= 500);
}

TEST(breaker_opens_and_recovers) {
  sseval_breaker b;
  uint64_t t = 1000;
  sseval_breaker_init(&b, 3, 10000);
  CHECK(b.state == SSEVAL_BREAKER_CLOSED && b.half_open_probes == 1);
  CHECK(sseval_breaker_allow(&b, t));
  sseval_breaker_failure(&b, t);
  sseval_breaker_failure(&b, t);
  sseval_breaker_success(&b, t); /* resets the count */
  CHECK(b.failures == 0);
  sseval_breaker_failure(&b, t);
  sseval_breaker_failure(&b, t);
  CHECK(b.state == SSEVAL_BREAKER_CLOSED);
  sseval_breaker_failure(&b, t);
  CHECK(b.state == SSEVAL_BREAKER_OPEN && b.times_opened == 1);
  CHECK(!sseval_breaker_allow(&b, t + 1));
  CHECK_EQ_U64(sseval_breaker_wait_ms(&b, t + 4000), 6000);
  CHECK(!sseval_breaker_allow(&b, t + 9999));
  /* recovery time passed: one probe */
  CHECK_EQ_U64(sseval_breaker_wait_ms(&b, t + 10000), 0);
  CHECK(sseval_breaker_allow(&b, t + 10000));
  CHECK(b.state == SSEVAL_BREAKER_HALF_OPEN);
  CHECK(!sseval_breaker_allow(&b, t + 10001)); /* only one probe */
  sseval_breaker_failure(&b, t + 10500);       /* the probe failed */
  CHECK(b.state == SSEVAL_BREAKER_OPEN && b.times_opened == 2);
  CHECK(!sseval_breaker_allow(&b, t + 20000));
  CHECK(sseval_breaker_allow(&b, t + 20500));
  sseval_breaker_success(&b, t + 20600); /* the probe succeeded */
  CHECK(b.state == SSEVAL_BREAKER_CLOSED && b.failures == 0);
  CHECK(sseval_breaker_allow(&b, t + 20601));
  /* a clock going backwards does not break it */
  sseval_breaker_init(&b, 1, 100);
  sseval_breaker_failure(&b, 5000);
  CHECK(!sseval_breaker_allow(&b, 10));
  CHECK_EQ_U64(sseval_breaker_wait_ms(&b, 10), 100);
  /* defaults */
  sseval_breaker_init(&b, 0, 0);
  CHECK(b.failure_threshold == 5 && b.recovery_ms == 30000);
  CHECK(sseval_breaker_allow(NULL, 0));
}

TEST(breaker_record_by_outcome) {
  sseval_breaker b;
  sseval_retry_outcome o;
  sseval_breaker_init(&b, 100, 1000);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_HTTP_ERROR);
  o.http_status = 529;
  CHECK(sseval_breaker_record(&b, &o, 0) == 1);
  o.http_status = 429;
  CHECK(sseval_breaker_record(&b, &o, 0) == 1);
  CHECK(b.failures == 2);
  o.http_status = 400; /* the service answered */
  CHECK(sseval_breaker_record(&b, &o, 0) == 0);
  CHECK(b.failures == 0);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_CONNECT_ERROR);
  CHECK(sseval_breaker_record(&b, &o, 0) == 1);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_TIMEOUT);
  CHECK(sseval_breaker_record(&b, &o, 0) == 1);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_TRUNCATED);
  CHECK(sseval_breaker_record(&b, &o, 0) == 1);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_ERROR_EVENT);
  o.error_type = S("overloaded_error");
  CHECK(sseval_breaker_record(&b, &o, 0) == 1);
  CHECK(b.failures == 4);
  o.error_type = S("invalid_request_error");
  CHECK(sseval_breaker_record(&b, &o, 0) == 0);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_OK);
  CHECK(sseval_breaker_record(&b, &o, 0) == 0);
  CHECK(sseval_breaker_record(&b, NULL, 0) == 0);
  /* a shared breaker opens after threshold failures of several requests */
  sseval_breaker_init(&b, 2, 1000);
  sseval_retry_outcome_init(&o, SSEVAL_RETRY_CONNECT_ERROR);
  sseval_breaker_record(&b, &o, 10);
  sseval_breaker_record(&b, &o, 20);
  CHECK(b.state == SSEVAL_BREAKER_OPEN && b.opened_at_ms == 20);
}

TEST(random_reproducible) {
  uint64_t a = 1, b = 1, c = 2;
  uint64_t x = sseval_retry_random(&a);
  CHECK(x == sseval_retry_random(&b));
  CHECK(x != sseval_retry_random(&c));
  CHECK(sseval_retry_random(&a) != x);
  CHECK(sseval_retry_random(NULL) == 0);
}

int main(void) {
  RUN(kind_names);
  RUN(parse_numbers);
  RUN(http_dates);
  RUN(outcome_headers);
  RUN(classify_statuses);
  RUN(classify_should_retry_header_wins);
  RUN(classify_other_kinds);
  RUN(backoff_exponential_capped);
  RUN(backoff_jitter_bounds);
  RUN(decide_attempts_and_hints);
  RUN(breaker_opens_and_recovers);
  RUN(breaker_record_by_outcome);
  RUN(random_reproducible);
  return test_summary();
}
