// The caches of decoded shard indices and minishard indices of one Context (a Context resource),
// so that a shard's index is read once and each minishard index is read and decoded once,
// however many cutouts touch it. Both are LruCaches under a byte budget, safe from many threads.
#pragma once

#include <cstddef>
#include <cstdint>

#include "imagery/core/bytes.h"
#include "imagery/core/lru_cache.h"
#include "imagery/precomputed/internal/shard_index.h"

namespace imagery::precomputed {

// Shard-index bytes as read: the whole index (first_minishard 0) or, for shards with very many
// minishards, the single 16-byte entry of one minishard. `missing`: the shard file does not exist.
struct ShardIndexTable {
  bool missing = false;
  std::uint64_t first_minishard = 0;
  SharedBytes table;
  std::size_t size_bytes() const { return sizeof(*this) + table.size(); }
};

struct ShardCaches {
  LruCache<ShardIndexTable> shard_indices{std::size_t{64} << 20};
  LruCache<MinishardIndex> minishard_indices{std::size_t{256} << 20};

  void clear() {
    shard_indices.clear();
    minishard_indices.clear();
  }
};

}  // namespace imagery::precomputed
