#include "imagery/io/internal/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>

namespace imagery::io {

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

bool is_redirect_status(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool redirect_becomes_get(long status, bool is_post) {
  return status == 303 || (is_post && (status == 301 || status == 302));
}

bool is_retryable_curl_code(int curl_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds backoff_delay(int failed_attempts, long long retry_after_ms,
                                        const HttpOptions& options, std::uint64_t random) {
  if (retry_after_ms >= 0)
    return std::chrono::milliseconds(
        std::min<long long>(retry_after_ms, std::max(0, options.retry_after_max_ms)));
  const int doublings = std::clamp(failed_attempts - 1, 0, 20);
  const long long cap = std::max<long long>(
      0, std::min<long long>(options.backoff_max_ms, static_cast<long long>(options.backoff_base_ms)
                                                         << doublings));
  const long long low = cap / 2;
  const long long span = cap - low + 1;
  return std::chrono::milliseconds(
      low + static_cast<long long>(random % static_cast<std::uint64_t>(span)));
}

}  // namespace imagery::io
