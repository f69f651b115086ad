// Storage: where a volume's objects (info, chunks, shards) come from. Keys are
// paths relative to the volume's root ("info", "4_4_40/0-64_0-64_0-16").
// Batch reads let a back end keep many requests in flight (HTTP) or spread
// them over the worker pool (disk); results are handed over as they arrive.
// Bytes are shared, not copied, between the back end, the caches and readers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/core/bytes.h"
#include "imagery/core/thread_pool.h"

namespace imagery::io {

struct StoredObject {
  SharedBytes bytes;
  bool gzip_encoded = false;  // stored as NAME.gz or served with Content-Encoding: gzip
  std::string location;       // the file or URL actually read, for messages
};

struct RangeRequest {
  std::string key;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Called once per request as it completes, possibly from several threads at once; nullopt means
// the object does not exist.
using ObjectCallback = std::function<void(std::size_t index, std::optional<StoredObject> object)>;
using RangeCallback = std::function<void(std::size_t index, std::optional<SharedBytes> bytes)>;

class Storage {
 public:
  // `pool` runs the default batch reads and the callbacks of back ends that fetch elsewhere.
  explicit Storage(ThreadPool& pool) : pool_(pool) {}
  virtual ~Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  // The object, or nullopt when it does not exist (a missing chunk is not an error here).
  virtual std::optional<StoredObject> read(const std::string& key) = 0;
  // Bytes [offset, offset + length) of an object stored without transport compression, or nullopt
  // when the object does not exist. Throws kDataLoss when the object is shorter.
  virtual std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                                std::uint64_t length) = 0;
  // The full path or URL of `key`, for messages.
  virtual std::string describe(const std::string& key) const = 0;

  // Reads every key and calls on_done for each (also for missing ones). Errors of single requests
  // and exceptions thrown by on_done are collected; the first is rethrown after all requests have
  // finished (the others are abandoned). When `stop` is requested, requests not yet done end and
  // the call throws kCancelled.
  void read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                 std::stop_token stop = {}) {
    do_read_many(keys, on_done, stop);
  }
  // The same for byte ranges.
  void read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done,
                   std::stop_token stop = {}) {
    do_read_ranges(requests, on_done, stop);
  }

 protected:
  // The batch reads of a back end. The defaults spread read() calls over the worker pool.
  virtual void do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                            std::stop_token stop);
  virtual void do_read_ranges(const std::vector<RangeRequest>& requests,
                              const RangeCallback& on_done, std::stop_token stop);

  // read() and read_range() as batches of one, for back ends whose batch calls do the work.
  std::optional<StoredObject> read_one(const std::string& key);
  std::optional<SharedBytes> read_one_range(const std::string& key, std::uint64_t offset,
                                            std::uint64_t length);
  ThreadPool& pool() const { return pool_; }

 private:
  ThreadPool& pool_;
};

}  // namespace imagery::io
