#include "imagery/precomputed/internal/chunk_source.h"

#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/sharded_chunk_source.h"

namespace imagery::precomputed {

UnshardedChunkSource::UnshardedChunkSource(std::shared_ptr<io::Storage> storage, const Scale& scale)
    : storage_(std::move(storage)), scale_(scale) {}

std::string UnshardedChunkSource::key(const Vec3& cell) const {
  return scale_.key + "/" + chunk_name(ChunkGrid(scale_).cell_bounds(cell));
}

std::string UnshardedChunkSource::describe(const Vec3& cell) const {
  return storage_->describe(key(cell));
}

void UnshardedChunkSource::fetch(const std::vector<Vec3>& cells, const io::ObjectCallback& on_chunk,
                                 std::stop_token stop) {
  std::vector<std::string> keys;
  keys.reserve(cells.size());
  for (const auto& c : cells) keys.push_back(key(c));
  storage_->read_many(keys, on_chunk, stop);
}

std::unique_ptr<ChunkSource> make_chunk_source(std::shared_ptr<io::Storage> storage,
                                               const Scale& scale, ShardCaches& caches) {
  if (scale.sharding)
    return std::make_unique<ShardedChunkSource>(std::move(storage), scale, caches);
  return std::make_unique<UnshardedChunkSource>(std::move(storage), scale);
}

}  // namespace imagery::precomputed
