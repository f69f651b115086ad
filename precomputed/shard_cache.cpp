#include "imagery/precomputed/internal/shard_cache.h"

namespace imagery::precomputed {

ShardCaches& ShardCaches::shared() {
  static ShardCaches caches;
  return caches;
}

}  // namespace imagery::precomputed
