// MemoryCache and CachingStorage: fetched bytes kept in memory under a byte
// budget (least recently used out first), shared by every cutout of a process,
// so overlapping cutouts and figure series fetch each chunk once.
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "imagery/io/storage.h"

namespace imagery::io {

class MemoryCache {
 public:
  explicit MemoryCache(std::size_t budget_bytes) : budget_(budget_bytes) {}
  std::shared_ptr<const StoredObject> get(const std::string& key);
  void put(const std::string& key, std::shared_ptr<const StoredObject> object);
  void set_budget(std::size_t bytes);
  std::size_t size_bytes() const;
  std::size_t budget() const;
  void clear();

  // The process-wide cache (default budget 512 MB; IMAGERY_CACHE_MEM or --cache-mem change it).
  static MemoryCache& shared();

 private:
  void evict_locked();
  using Entry = std::pair<std::string, std::shared_ptr<const StoredObject>>;
  mutable std::mutex mutex_;
  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::list<Entry> lru_;  // front: most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// A Storage that answers from a MemoryCache and fills it from `inner`. Cache keys are the full
// URL (plus the range), so volumes opened twice share entries.
class CachingStorage : public Storage {
 public:
  CachingStorage(std::shared_ptr<Storage> inner, MemoryCache& cache)
      : inner_(std::move(inner)), cache_(cache) {}
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<Bytes> read_range(const std::string& key, std::uint64_t offset,
                                  std::uint64_t length) override;
  std::string describe(const std::string& key) const override { return inner_->describe(key); }
  void read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done) override;
  void read_ranges(const std::vector<RangeRequest>& requests,
                   const RangeCallback& on_done) override;

 private:
  std::string range_key(const RangeRequest& r) const;
  std::shared_ptr<Storage> inner_;
  MemoryCache& cache_;
};

}  // namespace imagery::io
