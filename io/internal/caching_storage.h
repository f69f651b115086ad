// CachingStorage: a Storage that answers from an in-memory LruCache of fetched objects (the
// Context's, shared by every volume and cutout of the context) and fills it from `inner`, so
// overlapping cutouts and figure series fetch each chunk once. Entries are the stored bytes
// themselves (SharedBytes): a hit hands out a reference, never a copy. Cache keys are the full
// URL (plus the range), so volumes opened twice share entries. Objects larger than a quarter of
// the budget are not kept.
#pragma once

#include <memory>
#include <string>

#include "imagery/core/lru_cache.h"
#include "imagery/io/storage.h"

namespace imagery::io {

class CachingStorage : public Storage {
 public:
  CachingStorage(std::shared_ptr<Storage> inner, LruCache<StoredObject>& cache, ThreadPool& pool);
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override;
  std::string describe(const std::string& key) const override { return inner_->describe(key); }

 protected:
  void do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                    std::stop_token stop) override;
  void do_read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done,
                      std::stop_token stop) override;

 public:
 private:
  std::string range_key(const RangeRequest& r) const;
  void remember(const std::string& key, const StoredObject& object);
  std::shared_ptr<Storage> inner_;
  LruCache<StoredObject>& cache_;
};

}  // namespace imagery::io
