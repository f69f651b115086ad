// The retry policy as pure functions: which replies and transfer failures are worth another
// attempt, which statuses redirect (and which turn into a GET), and how long to wait between
// attempts — jitter inside [cap / 2, cap], the cap growing to its maximum, Retry-After obeyed up to
// its own maximum.
#include "imagery/io/internal/retry_policy.h"

#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>

using imagery::io::backoff_delay;
using imagery::io::HttpOptions;
using imagery::io::is_redirect_status;
using imagery::io::is_retryable_curl_code;
using imagery::io::is_retryable_status;
using imagery::io::redirect_becomes_get;
using std::chrono::milliseconds;

TEST_CASE("408, 429 and every 5xx are retryable; other statuses are final", "[io][retry]") {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) {
    INFO(status);
    CHECK(is_retryable_status(status));
  }
  // Success, redirects and client errors would fail (or succeed) the same way again; 600 and
  // beyond are not HTTP.
  for (long status : {0L, 200L, 206L, 301L, 304L, 400L, 401L, 403L, 404L, 407L, 409L, 416L, 428L,
                      430L, 499L, 600L, -503L}) {
    INFO(status);
    CHECK_FALSE(is_retryable_status(status));
  }
}

TEST_CASE("only 301, 302, 303, 307 and 308 are followed as redirects", "[io][retry]") {
  for (long status : {301L, 302L, 303L, 307L, 308L}) CHECK(is_redirect_status(status));
  // 300 Multiple Choices, 304 Not Modified, 305 Use Proxy and the unused 306 name no Location to
  // follow.
  for (long status : {200L, 300L, 304L, 305L, 306L, 309L, 404L}) {
    INFO(status);
    CHECK_FALSE(is_redirect_status(status));
  }
}

TEST_CASE("a 303 always becomes a GET; 301 and 302 only for POST; 307 and 308 never",
          "[io][retry]") {
  CHECK(redirect_becomes_get(303, false));
  CHECK(redirect_becomes_get(303, true));
  CHECK(redirect_becomes_get(301, true));
  CHECK(redirect_becomes_get(302, true));
  CHECK_FALSE(redirect_becomes_get(301, false));
  CHECK_FALSE(redirect_becomes_get(302, false));
  for (bool post : {false, true}) {
    CHECK_FALSE(redirect_becomes_get(307, post));
    CHECK_FALSE(redirect_becomes_get(308, post));
    CHECK_FALSE(redirect_becomes_get(200, post));
  }
}

TEST_CASE("connection trouble, timeouts and garbled replies are retryable curl results",
          "[io][retry]") {
  for (CURLcode code :
       {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT,
        CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
        CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY}) {
    INFO("CURLcode " << static_cast<int>(code));
    CHECK(is_retryable_curl_code(code));
  }
}

TEST_CASE("success, bad URLs, refused certificates and our own aborts are not retried",
          "[io][retry]") {
  // A certificate that failed verification fails again; retrying would only hide the refusal. An
  // aborted transfer (a size limit, a cancelled request) was stopped on purpose.
  for (CURLcode code :
       {CURLE_OK, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_PEER_FAILED_VERIFICATION,
        CURLE_SSL_CACERT_BADFILE, CURLE_TOO_MANY_REDIRECTS, CURLE_ABORTED_BY_CALLBACK,
        CURLE_WRITE_ERROR, CURLE_FILESIZE_EXCEEDED, CURLE_OUT_OF_MEMORY, CURLE_BAD_CONTENT_ENCODING,
        CURLE_LOGIN_DENIED}) {
    INFO("CURLcode " << static_cast<int>(code));
    CHECK_FALSE(is_retryable_curl_code(code));
  }
  CHECK_FALSE(is_retryable_curl_code(-1));
  CHECK_FALSE(is_retryable_curl_code(100000));
}

TEST_CASE("Retry-After is obeyed, capped at retry_after_max_ms", "[io][retry]") {
  HttpOptions o;
  o.retry_after_max_ms = 60000;
  // The server's wait replaces the back-off whatever the attempt and the draw.
  CHECK(backoff_delay(1, 2000, o, 12345) == milliseconds(2000));
  CHECK(backoff_delay(9, 2000, o, 0) == milliseconds(2000));
  CHECK(backoff_delay(1, 0, o, 99) == milliseconds(0));
  CHECK(backoff_delay(1, 60000, o, 0) == milliseconds(60000));
  // A server asking for an hour (or for ever) gets the cap.
  CHECK(backoff_delay(1, 3600000, o, 0) == milliseconds(60000));
  CHECK(backoff_delay(1, LLONG_MAX, o, 0) == milliseconds(60000));
  // A negative cap means no waiting, not a negative wait.
  o.retry_after_max_ms = -5;
  CHECK(backoff_delay(1, 2000, o, 0) == milliseconds(0));
}

TEST_CASE("the back-off draws from [cap / 2, cap] with the cap doubling per failure",
          "[io][retry]") {
  HttpOptions o;
  o.backoff_base_ms = 100;
  o.backoff_max_ms = 10000;
  struct Case {
    int failed;
    long long cap;
  };
  for (const Case& c :
       {Case{1, 100}, Case{2, 200}, Case{3, 400}, Case{7, 6400}, Case{8, 10000}, Case{30, 10000}}) {
    INFO("after " << c.failed << " failures");
    // The two ends of the range are reachable and nothing outside it is.
    const auto span = static_cast<std::uint64_t>(c.cap - c.cap / 2 + 1);
    CHECK(backoff_delay(c.failed, -1, o, 0) == milliseconds(c.cap / 2));
    CHECK(backoff_delay(c.failed, -1, o, span - 1) == milliseconds(c.cap));
    CHECK(backoff_delay(c.failed, -1, o, span) == milliseconds(c.cap / 2));
    for (std::uint64_t r : {std::uint64_t{1}, std::uint64_t{977}, std::uint64_t{1} << 63,
                            UINT64_MAX, UINT64_MAX - 1, std::uint64_t{0x9e3779b97f4a7c15}}) {
      const auto d = backoff_delay(c.failed, -1, o, r);
      CHECK(d >= milliseconds(c.cap / 2));
      CHECK(d <= milliseconds(c.cap));
    }
  }
}

TEST_CASE("the back-off stays at its maximum for huge attempt counts and bases", "[io][retry]") {
  HttpOptions o;
  o.backoff_base_ms = 100;
  o.backoff_max_ms = 10000;
  // No overflow of 100 << (attempts - 1).
  for (int failed : {21, 64, 65, 1000, INT_MAX}) {
    INFO(failed);
    CHECK(backoff_delay(failed, -1, o, 0) == milliseconds(5000));
    CHECK(backoff_delay(failed, -1, o, UINT64_MAX) >= milliseconds(5000));
    CHECK(backoff_delay(failed, -1, o, UINT64_MAX) <= milliseconds(10000));
  }
  // The largest base shifted as far as allowed still fits.
  o.backoff_base_ms = INT_MAX;
  o.backoff_max_ms = INT_MAX;
  CHECK(backoff_delay(INT_MAX, -1, o, 0) == milliseconds(INT_MAX / 2));
  CHECK(backoff_delay(INT_MAX, -1, o, UINT64_MAX) <= milliseconds(INT_MAX));
}

TEST_CASE("the back-off treats nonsense options and attempt counts as the first attempt or no wait",
          "[io][retry]") {
  HttpOptions o;
  o.backoff_base_ms = 100;
  o.backoff_max_ms = 10000;
  // Attempt counts below 1 wait like the first retry, never less.
  CHECK(backoff_delay(0, -1, o, 0) == milliseconds(50));
  CHECK(backoff_delay(-5, -1, o, 0) == milliseconds(50));
  CHECK(backoff_delay(-5, -1, o, 50) == milliseconds(100));
  // A maximum below the base wins.
  o.backoff_max_ms = 30;
  CHECK(backoff_delay(1, -1, o, 0) == milliseconds(15));
  CHECK(backoff_delay(5, -1, o, 15) == milliseconds(30));
  // Zero or negative settings mean no wait, never a negative one.
  o.backoff_base_ms = 0;
  CHECK(backoff_delay(3, -1, o, 123) == milliseconds(0));
  o.backoff_base_ms = -100;
  o.backoff_max_ms = 10000;
  CHECK(backoff_delay(3, -1, o, 123) == milliseconds(0));
  o.backoff_base_ms = 100;
  o.backoff_max_ms = -1;
  CHECK(backoff_delay(3, -1, o, 123) == milliseconds(0));
}
