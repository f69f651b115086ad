#include "imagery/io/decoded_chunk_cache.h"

#include <new>

namespace imagery::io {

DecodedChunkCache::DecodedChunkCache(std::size_t budget_bytes)
    : enabled_(budget_bytes > 0), chunks_(budget_bytes) {
  // One chunk may take at most a quarter of the budget: a tiny budget then keeps nothing rather
  // than thrashing on every read.
  chunks_.set_max_entry_fraction(4);
}

DecodedChunkCache::Claim& DecodedChunkCache::Claim::operator=(Claim&& other) noexcept {
  if (this != &other) {
    abandon();
    cache_ = other.cache_;
    key_ = std::move(other.key_);
    token_ = std::move(other.token_);
    other.cache_ = nullptr;
  }
  return *this;
}

void DecodedChunkCache::Claim::publish(Value value, std::size_t bytes) {
  if (!cache_) return;
  DecodedChunkCache* cache = cache_;
  cache_ = nullptr;
  cache->resolve(key_, token_, std::move(value), bytes);
}

void DecodedChunkCache::Claim::abandon() {
  if (!cache_) return;
  DecodedChunkCache* cache = cache_;
  cache_ = nullptr;
  cache->resolve(key_, token_, nullptr, 0);
}

DecodedChunkCache::Lookup DecodedChunkCache::find_or_claim(const std::string& key) {
  Lookup out;
  if (!enabled_) return out;
  std::lock_guard lock(in_flight_mutex_);
  if ((out.value = chunks_.get(key))) return out;
  auto& slot = in_flight_[key];
  if (slot) {
    out.pending = slot->result;
    return out;
  }
  slot = std::make_shared<InFlight>();
  out.claim.cache_ = this;
  out.claim.key_ = key;
  out.claim.token_ = slot;
  return out;
}

void DecodedChunkCache::put(const std::string& key, Value value, std::size_t bytes) {
  if (enabled_ && value) chunks_.put(key, std::move(value), bytes);
}

void DecodedChunkCache::resolve(const std::string& key, const std::shared_ptr<InFlight>& token,
                                Value value, std::size_t bytes) {
  // Kept before the claim ends, so a lookup after it finds the value rather than claiming anew.
  if (value) {
    try {
      chunks_.put(key, value, bytes);
    } catch (const std::bad_alloc&) {
      // Keeping it is an optimisation; its waiters must still be woken with it.
    }
  }
  {
    std::lock_guard lock(in_flight_mutex_);
    if (auto it = in_flight_.find(key); it != in_flight_.end() && it->second == token)
      in_flight_.erase(it);
  }
  token->promise.set_value(std::move(value));
}

}  // namespace imagery::io
