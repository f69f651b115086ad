// HttpStorage: a volume behind http(s):// (gs:// and s3:// map onto their public
// HTTPS endpoints). Many requests are kept in flight with libcurl's multi
// interface over connections shared by the whole process (HTTP/2 where the
// server offers it); each finished body goes to the worker pool at once, so
// decoding overlaps with downloading. Status handling:
//   200/206 -> the body;  404 -> missing;  401/403 -> kPermissionDenied;
//   429, 5xx, connection errors, stalls, short bodies -> retried with back-off
//   (Retry-After honoured), then kUnavailable naming the URL, status and attempts.
// Bodies with Content-Encoding: gzip are handed over still compressed.
#pragma once

#include <string>

#include "imagery/io/http_options.h"
#include "imagery/io/storage.h"

namespace imagery::io {

class HttpStorage : public Storage {
 public:
  HttpStorage(std::string base_url, HttpOptions options);
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<Bytes> read_range(const std::string& key, std::uint64_t offset,
                                  std::uint64_t length) override;
  std::string describe(const std::string& key) const override;
  void read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done) override;
  void read_ranges(const std::vector<RangeRequest>& requests,
                   const RangeCallback& on_done) override;

  const HttpOptions& options() const { return options_; }

 private:
  std::string base_url_;
  HttpOptions options_;
};

// Counters of the process's HTTP traffic (for benchmarks and tests).
struct HttpStats {
  std::uint64_t requests = 0;  // attempts sent, retries included
  std::uint64_t bytes = 0;     // body bytes received
};
HttpStats http_stats();

}  // namespace imagery::io
