// Storage: where a volume's objects (info, chunks, shards) come from. Keys are
// paths relative to the volume's root ("info", "4_4_40/0-64_0-64_0-16").
// Batch reads let a back end keep many requests in flight (HTTP) or spread
// them over the worker pool (disk); results are handed over as they arrive.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "imagery/io/gzip.h"

namespace imagery::io {

struct StoredObject {
  Bytes bytes;
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
using RangeCallback = std::function<void(std::size_t index, std::optional<Bytes> bytes)>;

class Storage {
 public:
  virtual ~Storage() = default;
  // The object, or nullopt when it does not exist (a missing chunk is not an error here).
  virtual std::optional<StoredObject> read(const std::string& key) = 0;
  // Bytes [offset, offset + length) of an object stored without transport compression, or nullopt
  // when the object does not exist. Throws kDataLoss when the object is shorter.
  virtual std::optional<Bytes> read_range(const std::string& key, std::uint64_t offset,
                                          std::uint64_t length) = 0;
  // The full path or URL of `key`, for messages.
  virtual std::string describe(const std::string& key) const = 0;

  // Reads every key and calls on_done for each (also for missing ones). Errors of single requests
  // and exceptions thrown by on_done are collected; the first is rethrown after all requests have
  // finished. The default spreads read() calls over the shared worker pool.
  virtual void read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done);
  // The same for byte ranges.
  virtual void read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done);

 protected:
  // read() and read_range() as batches of one, for back ends whose batch calls do the work.
  std::optional<StoredObject> read_one(const std::string& key);
  std::optional<Bytes> read_one_range(const std::string& key, std::uint64_t offset,
                                      std::uint64_t length);
};

}  // namespace imagery::io
