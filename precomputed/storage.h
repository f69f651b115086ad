// Storage: where a volume's objects (info, chunks, shards) come from. Keys are
// paths relative to the volume's root ("info", "4_4_40/0-64_0-64_0-16").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "imagery/precomputed/gzip.h"

namespace imagery::precomputed {

struct StoredObject {
  Bytes bytes;
  bool gzip_encoded = false;  // stored as NAME.gz or served with Content-Encoding: gzip
  std::string location;       // the file or URL actually read, for messages
};

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
};

}  // namespace imagery::precomputed
