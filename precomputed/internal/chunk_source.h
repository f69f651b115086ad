// ChunkSource: how the stored bytes of a scale's chunks are found — one object
// per chunk (unsharded) or byte ranges inside shard files (sharded).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "imagery/core/vec3.h"
#include "imagery/io/storage.h"
#include "imagery/precomputed/info.h"
#include "imagery/precomputed/internal/shard_cache.h"

namespace imagery::precomputed {

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Fetches the stored bytes of every grid cell and calls on_chunk(i, object) as each arrives
  // (nullopt: the chunk is missing), possibly from several threads at once. Throws the first
  // error after every fetch has finished.
  // When `stop` is requested, fetching ends with kCancelled.
  virtual void fetch(const std::vector<Vec3>& cells, const io::ObjectCallback& on_chunk,
                     std::stop_token stop = {}) = 0;
  // Where cell's bytes live, for messages ("KEY/x0-x1_y0-y1_z0-z1", or the shard file).
  virtual std::string describe(const Vec3& cell) const = 0;
};

// One object per chunk, named by its bounds (spec section 2.1).
class UnshardedChunkSource : public ChunkSource {
 public:
  UnshardedChunkSource(std::shared_ptr<io::Storage> storage, const Scale& scale);
  void fetch(const std::vector<Vec3>& cells, const io::ObjectCallback& on_chunk,
             std::stop_token stop = {}) override;
  std::string describe(const Vec3& cell) const override;

 private:
  std::string key(const Vec3& cell) const;
  std::shared_ptr<io::Storage> storage_;
  Scale scale_;
};

// The chunk source for a scale: sharded (with the shard-index caches to use) or not.
std::unique_ptr<ChunkSource> make_chunk_source(std::shared_ptr<io::Storage> storage,
                                               const Scale& scale, ShardCaches& caches);

}  // namespace imagery::precomputed
