// HttpOptions: how remote sources are fetched — concurrency, retries, timeouts,
// credentials and limits. Defaults suit public cloud buckets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace imagery::io {

struct HttpOptions {
  // Bearer token sent as "Authorization: Bearer ..." (never printed or logged).
  std::string token;
  // Requests in flight at once per batch (connections are reused and shared process-wide).
  int max_in_flight = 32;
  // Attempts per request for connection failures, timeouts, 429 and 5xx.
  int max_attempts = 6;
  // Exponential back-off with full jitter between attempts, unless Retry-After says otherwise.
  int backoff_base_ms = 100;
  int backoff_max_ms = 10000;
  int retry_after_max_ms = 60000;
  long connect_timeout_ms = 10000;
  // A transfer slower than 1 byte/s for this long is abandoned (and retried).
  long stall_timeout_ms = 30000;
  // Hard limit for one request, 0 for none.
  long request_timeout_ms = 0;
  // Bodies beyond this many bytes are refused (a server sending an endless body); far above any
  // chunk or info. A body declared larger is refused before any of it is read.
  std::uint64_t max_object_bytes = std::uint64_t{1} << 30;
  bool verify_tls = true;
};

}  // namespace imagery::io
