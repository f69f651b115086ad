// HttpOptions: how one HttpTransport fetches — the process-wide cap on requests in flight, the
// per-host connection limit, retries, timeouts and limits. Defaults suit public cloud buckets.
// Credentials are not here: they are chosen per request by host (credentials.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace imagery::io {

struct HttpOptions {
  // Requests in flight at once over the whole transport (every cutout, source and thread of the
  // process that shares it); further requests wait in a queue, in submission order.
  int max_in_flight = 64;
  // Connections open at once to one host (scheme, host and port). HTTP/2 servers multiplex many
  // requests over each.
  int max_connections_per_host = 32;
  // Attempts per request for connection failures, stalls, short bodies, 408, 429 and 5xx.
  int max_attempts = 6;
  // Exponential back-off with jitter between attempts, unless Retry-After says otherwise.
  int backoff_base_ms = 100;
  int backoff_max_ms = 10000;
  int retry_after_max_ms = 60000;
  long connect_timeout_ms = 10000;
  // A transfer slower than 1 byte/s for this long is abandoned (and retried).
  long stall_timeout_ms = 30000;
  // Hard limit for one attempt, 0 for none.
  long request_timeout_ms = 0;
  // Bodies beyond this many bytes are refused (a server sending an endless body); far above any
  // chunk or info. A body declared larger is refused before any of it is read.
  std::uint64_t max_object_bytes = std::uint64_t{1} << 30;
  // Redirects followed per request (never to another scheme).
  int max_redirects = 5;
  bool verify_tls = true;
  std::string user_agent = "imagery";
};

}  // namespace imagery::io
