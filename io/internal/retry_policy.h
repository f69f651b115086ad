// What the HTTP transport does with the end of one attempt, as pure functions (tested on their
// own): which statuses and libcurl results are worth another attempt, which statuses are
// redirects, and how long to wait before the next attempt.
#pragma once

#include <chrono>
#include <cstdint>

#include "imagery/io/http_options.h"

namespace imagery::io {

// 408 Request Timeout, 429 Too Many Requests and every 5xx: the server may answer next time.
bool is_retryable_status(long status);
// 301, 302, 303, 307, 308 (followed when the reply names a Location).
bool is_redirect_status(long status);
// Whether a redirect with `status` turns the request into a GET without a body: 303 always,
// 301/302 for POST (what browsers and libcurl do); 307/308 keep the method and body.
bool redirect_becomes_get(long status, bool is_post);
// Connection failures, timeouts and stalls, short or garbled replies, TLS handshakes and HTTP/2
// stream errors; `curl_code` is a CURLcode.
bool is_retryable_curl_code(int curl_code);

// The wait before attempt `failed_attempts` + 1, after `failed_attempts` (>= 1) failures: the
// server's Retry-After (in ms, >= 0) capped at retry_after_max_ms when it sent one (-1 when not),
// else a delay drawn from [cap / 2, cap] with cap = min(backoff_max_ms, backoff_base_ms *
// 2^(failed_attempts - 1)), using `random` (any 64-bit value) as the draw.
std::chrono::milliseconds backoff_delay(int failed_attempts, long long retry_after_ms,
                                        const HttpOptions& options, std::uint64_t random);

}  // namespace imagery::io
