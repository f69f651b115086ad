// FileStorage: a volume on local disk. Like CloudVolume's file back end it
// probes NAME, then NAME.gz, and treats a zero-length file as missing. Batch
// reads that find files not cached ask the kernel to read the next ones ahead.
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

 protected:
  void do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                    std::stop_token stop) override;

 private:
  // read(); *uncached (when given) tells whether the bytes were not all in the page cache.
  std::optional<StoredObject> read_object(const std::string& key, bool* uncached);

  std::string root_;
};

}  // namespace imagery::io
