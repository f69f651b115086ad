// FileStorage: a volume on local disk. Like CloudVolume's file back end it
// probes NAME, then NAME.gz, and treats a zero-length file as missing.
#pragma once

#include <string>

#include "imagery/io/storage.h"

namespace imagery::io {

class FileStorage : public Storage {
 public:
  FileStorage(std::string root, ThreadPool& pool);
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override;
  std::string describe(const std::string& key) const override;

 private:
  std::string root_;
};

}  // namespace imagery::io
