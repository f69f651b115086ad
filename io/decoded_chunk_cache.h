// DecodedChunkCache: chunks as their decoders left them (precomputed chunks as arrays, Zarr chunks
// with their strides), shared by every volume of a Context under one byte budget, least recently
// used out first. Reads that overlap (neighbouring tiles, the z +- 1 prefetches of `imagery
// serve`, the panels of a figure) decode each chunk once instead of once per read.
//
// Keys name a chunk completely: the format, the volume as opened, the scale and everything of its
// layout the decoder depends on, and the grid position (see precomputed/volume.cpp and
// zarr/array.cpp). Sources are taken to be immutable while the context lives, as the tile cache of
// `imagery serve` takes them to be. Only decoded *stored* data is kept: label mappings (graphene
// root ids, which depend on a timestamp) are applied after the cache, missing chunks are not kept,
// and a chunk whose fetch or decode fails is never kept.
//
// Concurrent reads of the same chunk decode it once: the first claims it, the others wait for its
// result (or, when it fails, decode it themselves):
//
//   auto look = cache.find_or_claim(key);
//   if (look.value) use(look.value);                  // a hit
//   else if (look.claim) { v = decode(); look.claim.publish(v, bytes); use(v); }
//   else if (auto v = look.pending.get()) use(v);     // decoded by another read
//   else { v = decode(); cache.put(key, v, bytes); }  // the other read failed
//
// A claim that is dropped without publish() is abandoned (its waiters get nullptr), so a read that
// throws or is cancelled never leaves others waiting. Thread-safe. Budget 0: off (every lookup is
// a miss with no claim, nothing is kept).
#pragma once

#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "imagery/core/lru_cache.h"

namespace imagery::io {

class DecodedChunkCache {
 public:
  // A decoded chunk; the key says its type (each format reads back only its own keys).
  using Value = std::shared_ptr<const void>;

 private:
  struct InFlight {
    std::promise<Value> promise;
    std::shared_future<Value> result = promise.get_future().share();
  };

 public:
  // The right to decode one chunk and hand it to the cache and its waiters, once.
  class Claim {
   public:
    Claim() = default;
    Claim(Claim&& other) noexcept { *this = std::move(other); }
    Claim& operator=(Claim&& other) noexcept;
    ~Claim() { abandon(); }
    explicit operator bool() const { return cache_ != nullptr; }
    // Keeps `value` (costing `bytes` of the budget) and wakes the waiters with it.
    void publish(Value value, std::size_t bytes);
    // Wakes the waiters with nullptr; nothing is kept.
    void abandon();

   private:
    friend class DecodedChunkCache;
    DecodedChunkCache* cache_ = nullptr;
    std::string key_;
    std::shared_ptr<InFlight> token_;
  };

  struct Lookup {
    Value value;                        // a hit
    Claim claim;                        // a miss this read must decode (cache on)
    std::shared_future<Value> pending;  // valid: another read is decoding it
    bool is_pending() const { return pending.valid(); }
  };

  explicit DecodedChunkCache(std::size_t budget_bytes);

  bool enabled() const { return enabled_; }
  Lookup find_or_claim(const std::string& key);
  // A hit or nullptr, without claiming a miss (for chunks decoded in groups: a shard's inner ones).
  Value find(const std::string& key) { return enabled_ ? chunks_.get(key) : nullptr; }
  // Keeps a value decoded without a claim (after a waited-for read failed).
  void put(const std::string& key, Value value, std::size_t bytes);
  LruCacheStats stats() const { return chunks_.stats(); }
  void clear() { chunks_.clear(); }

 private:
  void resolve(const std::string& key, const std::shared_ptr<InFlight>& token, Value value,
               std::size_t bytes);

  bool enabled_;
  LruCache<void> chunks_;
  std::mutex in_flight_mutex_;
  std::unordered_map<std::string, std::shared_ptr<InFlight>> in_flight_;
};

}  // namespace imagery::io
