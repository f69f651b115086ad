// LruCache: a string-keyed cache of immutable values under a byte budget, least recently used out
// first, safe to use from many threads. Values are shared (std::shared_ptr<const V>), so a hit
// costs a reference count, never a copy of the value. The one cache implementation of imagery:
// fetched bytes, shard and minishard indices, and volume infos all use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace imagery {

struct LruCacheStats {
  std::uint64_t hits = 0, misses = 0, evictions = 0;
  std::size_t entries = 0, bytes = 0, budget = 0;
};

template <class Value>
class LruCache {
 public:
  explicit LruCache(std::size_t budget_bytes) : budget_(budget_bytes) {}
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The value of `key`, or nullptr; a hit becomes the most recently used entry.
  std::shared_ptr<const Value> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->value;
  }

  // Inserts or replaces `key`, costing `bytes` of the budget (plus the key and bookkeeping).
  // A value larger than `max_entry_fraction` of the budget is not kept: one huge object would
  // flush everything else.
  void put(const std::string& key, std::shared_ptr<const Value> value, std::size_t bytes) {
    bytes += key.size() + kEntryOverhead;
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->bytes;
      lru_.erase(it->second);
      index_.erase(it);
    }
    if (budget_ == 0 || bytes > budget_ / max_entry_fraction_) return;
    lru_.push_front({key, std::move(value), bytes});
    index_[key] = lru_.begin();
    bytes_ += bytes;
    evict_locked();
  }

  void erase(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->bytes;
      lru_.erase(it->second);
      index_.erase(it);
    }
  }

  void set_budget(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    budget_ = bytes;
    evict_locked();
  }
  // Entries larger than budget / fraction are not kept (default 1: anything that fits).
  void set_max_entry_fraction(std::size_t fraction) {
    std::lock_guard lock(mutex_);
    max_entry_fraction_ = fraction < 1 ? 1 : fraction;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    lru_.clear();
    index_.clear();
    bytes_ = 0;
  }
  std::size_t size_bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  std::size_t budget() const {
    std::lock_guard lock(mutex_);
    return budget_;
  }
  std::size_t entries() const {
    std::lock_guard lock(mutex_);
    return index_.size();
  }
  LruCacheStats stats() const {
    std::lock_guard lock(mutex_);
    return {hits_, misses_, evictions_, index_.size(), bytes_, budget_};
  }

 private:
  // Key storage, list and hash nodes: roughly what an entry costs beyond its value.
  static constexpr std::size_t kEntryOverhead = 96;
  struct Entry {
    std::string key;
    std::shared_ptr<const Value> value;
    std::size_t bytes;
  };
  void evict_locked() {
    while (bytes_ > budget_ && !lru_.empty()) {
      bytes_ -= lru_.back().bytes;
      index_.erase(lru_.back().key);
      lru_.pop_back();
      ++evictions_;
    }
  }

  mutable std::mutex mutex_;
  std::size_t budget_;
  std::size_t max_entry_fraction_ = 1;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
  std::list<Entry> lru_;  // front: most recently used
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace imagery
