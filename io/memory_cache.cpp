#include "imagery/io/internal/memory_cache.h"

#include <cstdlib>

#include "imagery/core/thread_pool.h"
#include "imagery/io/internal/storage_key.h"

namespace imagery::io {

std::shared_ptr<const StoredObject> MemoryCache::get(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void MemoryCache::put(const std::string& key, std::shared_ptr<const StoredObject> object) {
  const std::size_t size = object->bytes.size();
  std::lock_guard lock(mutex_);
  if (size > budget_ / 4) return;  // one huge object would flush everything else
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->second->bytes.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.emplace_front(key, std::move(object));
  index_[key] = lru_.begin();
  bytes_ += size;
  evict_locked();
}

void MemoryCache::evict_locked() {
  while (bytes_ > budget_ && !lru_.empty()) {
    bytes_ -= lru_.back().second->bytes.size();
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

void MemoryCache::set_budget(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  budget_ = bytes;
  evict_locked();
}

std::size_t MemoryCache::size_bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t MemoryCache::budget() const {
  std::lock_guard lock(mutex_);
  return budget_;
}

void MemoryCache::clear() {
  std::lock_guard lock(mutex_);
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

MemoryCache& MemoryCache::shared() {
  static MemoryCache cache([] {
    std::size_t mb = 512;
    if (const char* env = std::getenv("IMAGERY_CACHE_MEM")) mb = std::strtoull(env, nullptr, 10);
    return mb << 20;
  }());
  return cache;
}

std::string CachingStorage::range_key(const RangeRequest& r) const {
  return inner_->describe(r.key) + "#" + std::to_string(r.offset) + "+" + std::to_string(r.length);
}

void CachingStorage::read_many(const std::vector<std::string>& keys,
                               const ObjectCallback& on_done) {
  for (const auto& key : keys) check_storage_key(key, describe(""));  // hits skip inner_'s check
  std::vector<std::string> misses;
  std::vector<std::size_t> miss_index;
  std::vector<std::size_t> hits;
  std::vector<std::shared_ptr<const StoredObject>> hit_objects;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (auto hit = cache_.get(inner_->describe(keys[i]))) {
      hits.push_back(i);
      hit_objects.push_back(std::move(hit));
    } else {
      misses.push_back(keys[i]);
      miss_index.push_back(i);
    }
  }
  std::exception_ptr error;
  // Hits are decoded on the pool first; then the misses are fetched.
  try {
    ThreadPool::shared().parallel_for(hits.size(),
                                      [&](std::size_t j) { on_done(hits[j], *hit_objects[j]); });
  } catch (...) {
    error = std::current_exception();
  }
  if (!misses.empty() && !error) {
    inner_->read_many(misses, [&](std::size_t j, std::optional<StoredObject> object) {
      if (object)
        cache_.put(inner_->describe(misses[j]), std::make_shared<const StoredObject>(*object));
      on_done(miss_index[j], std::move(object));
    });
  }
  if (error) std::rethrow_exception(error);
}

void CachingStorage::read_ranges(const std::vector<RangeRequest>& requests,
                                 const RangeCallback& on_done) {
  for (const auto& r : requests) check_storage_key(r.key, describe(""));
  std::vector<RangeRequest> misses;
  std::vector<std::size_t> miss_index;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (auto hit = cache_.get(range_key(requests[i]))) {
      on_done(i, hit->bytes);
    } else {
      misses.push_back(requests[i]);
      miss_index.push_back(i);
    }
  }
  if (misses.empty()) return;
  inner_->read_ranges(misses, [&](std::size_t j, std::optional<Bytes> bytes) {
    if (bytes)
      cache_.put(range_key(misses[j]),
                 std::make_shared<const StoredObject>(StoredObject{*bytes, false, ""}));
    on_done(miss_index[j], std::move(bytes));
  });
}

std::optional<StoredObject> CachingStorage::read(const std::string& key) {
  return read_one(key);
}

std::optional<Bytes> CachingStorage::read_range(const std::string& key, std::uint64_t offset,
                                                std::uint64_t length) {
  return read_one_range(key, offset, length);
}

}  // namespace imagery::io
