// Process-wide caches of decoded shard indices and minishard indices, so that a
// shard's index is read once per process and each minishard index is read and
// decoded once, however many cutouts touch it. Both are least-recently-used
// caches under a byte budget and safe to use from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "imagery/io/gzip.h"
#include "imagery/precomputed/internal/shard_index.h"

namespace imagery::precomputed {

// A string-keyed LRU cache of immutable values, bounded by the bytes they report.
template <class Value>
class LruCache {
 public:
  explicit LruCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  std::shared_ptr<const Value> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->value;
  }

  // Inserts or replaces `key`; values larger than the whole budget are not kept.
  void put(const std::string& key, std::shared_ptr<const Value> value, std::size_t bytes) {
    bytes += key.size() + kEntryOverhead;
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->bytes;
      lru_.erase(it->second);
      index_.erase(it);
    }
    if (bytes > budget_) return;
    lru_.push_front({key, std::move(value), bytes});
    index_[key] = lru_.begin();
    bytes_ += bytes;
    evict_locked();
  }

  void set_budget(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    budget_ = bytes;
    evict_locked();
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
  std::size_t entries() const {
    std::lock_guard lock(mutex_);
    return index_.size();
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
    }
  }

  mutable std::mutex mutex_;
  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::list<Entry> lru_;  // front: most recently used
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

// Shard-index bytes as read: the whole index (first_minishard 0) or, for shards with very many
// minishards, the single 16-byte entry of one minishard. `missing`: the shard file does not exist.
struct ShardIndexTable {
  bool missing = false;
  std::uint64_t first_minishard = 0;
  Bytes table;
  std::size_t size_bytes() const { return sizeof(*this) + table.size(); }
};

struct ShardCaches {
  LruCache<ShardIndexTable> shard_indices{std::size_t{64} << 20};
  LruCache<MinishardIndex> minishard_indices{std::size_t{256} << 20};

  void clear() {
    shard_indices.clear();
    minishard_indices.clear();
  }
  // The caches every sharded chunk source of the process shares.
  static ShardCaches& shared();
};

}  // namespace imagery::precomputed
