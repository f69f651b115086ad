// DiskCacheStorage: fetched bytes kept on local disk (like CloudVolume's
// cache=True), mirroring each URL under the cache folder:
//   DIR/https/storage.googleapis.com/bucket/layer/8_8_40/0-64_0-64_0-64[.gz]
// so a cached layer is itself a readable precomputed volume. Entries are written
// under a temporary name and renamed (safe when two processes fill the same
// entry); past the size limit the least recently used files are removed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "imagery/io/storage.h"

namespace imagery::io {

class DiskCacheStorage : public Storage {
 public:
  DiskCacheStorage(std::shared_ptr<Storage> inner, std::string cache_dir,
                   std::uint64_t limit_bytes);
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<Bytes> read_range(const std::string& key, std::uint64_t offset,
                                  std::uint64_t length) override;
  std::string describe(const std::string& key) const override { return inner_->describe(key); }
  void read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done) override;
  void read_ranges(const std::vector<RangeRequest>& requests,
                   const RangeCallback& on_done) override;

  // The cache file of a URL (without the .gz suffix).
  std::string path_for(const std::string& url) const;

 private:
  std::optional<StoredObject> lookup(const std::string& path) const;
  void store(const std::string& path, const Bytes& bytes, bool gzip);
  void account_and_evict(std::int64_t added_bytes);

  std::shared_ptr<Storage> inner_;
  std::string dir_;
  std::uint64_t limit_;
  std::mutex mutex_;
  std::int64_t size_ = -1;  // bytes in the cache (guarded by mutex_), -1 until first measured
};

}  // namespace imagery::io
