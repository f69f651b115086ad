#include "imagery/serve/tile_cache.h"

namespace imagery::serve {

TileCache::TileCache(std::size_t budget_bytes) : cache_(budget_bytes) {
  // One huge figure must not flush every tile.
  cache_.set_max_entry_fraction(8);
}

std::shared_ptr<const EncodedImage> TileCache::get(const std::string& key) {
  return cache_.get(key);
}

bool TileCache::contains(const std::string& key) {
  // LruCache has no look without use: this counts a hit and makes `key` recent, which for a
  // neighbour about to be asked for is what a viewer's next request would do anyway.
  return cache_.get(key) != nullptr;
}

void TileCache::put(const std::string& key, std::shared_ptr<const EncodedImage> image) {
  const std::size_t bytes = image->bytes.size() + image->etag.size() + image->content_type.size();
  cache_.put(key, std::move(image), bytes);
}

}  // namespace imagery::serve
