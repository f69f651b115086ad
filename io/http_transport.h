// HttpTransport: every HTTP request of one Context goes through one libcurl multi handle driven
// by one I/O thread, as tensorstore's curl transport does. One connection cache, one queue:
//   - at most HttpOptions::max_in_flight requests are in flight at once over the whole transport
//     (the rest wait in submission order), and at most max_connections_per_host connections are
//     open to one origin; HTTP/2 servers multiplex requests over them;
//   - connection failures, stalls, short bodies, 408, 429 and 5xx are retried with jittered
//     exponential back-off (Retry-After honoured, up to retry_after_max_ms), then fail with
//     kUnavailable naming the method, URL, last problem and attempts;
//   - redirects are followed by the transport itself (up to max_redirects, never to another
//     scheme: kPermissionDenied), and each hop asks Credentials for its own token, so a token
//     never travels to an origin it was not granted for;
//   - a body beyond the size limit is refused (before reading when declared), kResourceExhausted;
//   - a request is cancelled through its std::stop_token: queued, waiting or in flight, it ends
//     at once with kCancelled.
// Completions run on the I/O thread: they must be short (hand the body to a worker pool) and must
// not throw. Bodies with Content-Encoding: gzip are handed over still compressed.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "imagery/core/bytes.h"
#include "imagery/io/credentials.h"
#include "imagery/io/http_options.h"

namespace imagery::io {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  // Extra headers ("Content-Type", ...). Authorization comes from Credentials, per hop.
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;  // sent with POST/PUT
  // Bytes [offset, offset + length) of the object: sends Range; a 206 must hold exactly that
  // many bytes, a 200 (a server that ignores Range) is cut down locally. Ranged requests ask for
  // the stored bytes (Accept-Encoding: identity) and fail with kDataLoss on a gzip'd reply.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  // Accept-Encoding: gzip for whole objects (the body is handed over compressed, gzip_encoded).
  bool accept_gzip = true;
  // 0: HttpOptions::max_object_bytes.
  std::uint64_t max_body_bytes = 0;
  // Cancels the request when stop is requested.
  std::stop_token stop;
};

struct HttpResponse {
  long status = 0;  // of the final hop
  // For error statuses, the first 64 KB of the body at most (the rest is not read).
  Bytes body;
  bool gzip_encoded = false;
  std::string url;           // the URL of the final hop (after redirects)
  std::string content_type;  // as sent, "" when absent
  int attempts = 0;
};

// Exactly one of the two is set.
struct HttpResult {
  std::optional<HttpResponse> response;
  std::exception_ptr error;
};

struct HttpStats {
  std::uint64_t requests = 0;   // attempts sent (retries and redirect hops included)
  std::uint64_t bytes = 0;      // body bytes received
  std::uint64_t retries = 0;    // attempts that were retried
  std::uint64_t redirects = 0;  // redirect hops followed
  int peak_in_flight = 0;       // most requests in flight at one time
};

class HttpTransport {
 public:
  HttpTransport(HttpOptions options, std::shared_ptr<const Credentials> credentials);
  // Cancels everything still queued or in flight (their completions run with kCancelled) and
  // stops the I/O thread.
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  using Completion = std::function<void(HttpResult)>;
  // Queues `request`; `done` runs exactly once, on the I/O thread, with the final response (any
  // status that is not retried: 2xx, 3xx without Location, 4xx) or the error. Statuses are the
  // caller's to interpret. Thread-safe.
  void submit(HttpRequest request, Completion done);
  // submit() and wait: returns the response or throws the error.
  HttpResponse fetch(HttpRequest request);

  const HttpOptions& options() const { return options_; }
  HttpStats stats() const;

 private:
  class Loop;
  HttpOptions options_;
  std::unique_ptr<Loop> loop_;
};

}  // namespace imagery::io
