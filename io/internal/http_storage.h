// HttpStorage: a volume behind http(s):// (gs:// and s3:// map onto their public HTTPS
// endpoints), read through the Context's HttpTransport. Each finished body goes to the worker
// pool at once, so decoding overlaps with downloading. What a status means for a volume:
//   200/206 -> the body (an empty 200 is a missing object, as CloudVolume treats it);
//   404/410 -> missing;  401/403 -> kPermissionDenied (Remedy::kGiveToken);
//   416 -> kDataLoss (a range past the end);  other statuses -> kUnavailable;
// retries, redirects, limits and credentials are the transport's (http_transport.h).
// Bodies with Content-Encoding: gzip are handed over still compressed.
#pragma once

#include <string>

#include "imagery/io/http_transport.h"
#include "imagery/io/storage.h"

namespace imagery::io {

class HttpStorage : public Storage {
 public:
  HttpStorage(std::string base_url, HttpTransport& transport, ThreadPool& pool);
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override;
  std::string describe(const std::string& key) const override;

 protected:
  void do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                    std::stop_token stop) override;
  void do_read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done,
                      std::stop_token stop) override;

 private:
  // Submits every request and waits for all of them; deliver(i, response) runs on the pool for
  // each response that is not an error.
  void fetch_all(std::vector<HttpRequest> requests,
                 const std::function<void(std::size_t, HttpResponse&)>& deliver,
                 std::stop_token stop);

  std::string base_url_;
  HttpTransport& transport_;
};

// "%XX" for every byte of a key outside [A-Za-z0-9-_.~/].
std::string escape_url_path(const std::string& key);

}  // namespace imagery::io
