// The access log of --access-log: one line per request, written whole and flushed, so that a
// test or `tail -f` sees each request as it ends:
//   2026-12-02T08:30:00.123Z GET /api/sources/em/tiles/2/0/1.png?z=105 200 18342 4.1ms miss
// The last field says where the answer came from: hit (the tile cache), miss (rendered), "-"
// (nothing cacheable). Tiles the prefetcher renders are logged with the method PREFETCH.
#pragma once

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>

namespace imagery::serve {

class AccessLog {
 public:
  // "" logs nothing, "-" to stdout, else appends to the file (kIoError when it cannot be opened).
  explicit AccessLog(const std::string& path);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void write(const std::string& method, const std::string& target, int status, std::size_t bytes,
             double milliseconds, const std::string& cache);

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace imagery::serve
