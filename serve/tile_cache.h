// The rendered tiles (and regions, thumbnails, figures) the server keeps: encoded images under
// a byte budget (--tile-cache-mb), least recently used out first, keyed by everything that
// decides the picture (source, path, canonical query). Decoded chunks are cached separately, in
// the io::Context's shared caches.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "imagery/core/lru_cache.h"

namespace imagery::serve {

// An encoded picture as it is sent: its bytes, media type and entity tag.
struct EncodedImage {
  std::vector<std::byte> bytes;
  std::string content_type;
  std::string etag;
};

class TileCache {
 public:
  explicit TileCache(std::size_t budget_bytes);
  std::shared_ptr<const EncodedImage> get(const std::string& key);
  // Whether `key` is held (for the prefetcher; it counts as a use of the entry).
  bool contains(const std::string& key);
  void put(const std::string& key, std::shared_ptr<const EncodedImage> image);
  LruCacheStats stats() const { return cache_.stats(); }

 private:
  LruCache<EncodedImage> cache_;
};

}  // namespace imagery::serve
