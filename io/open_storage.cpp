#include "imagery/io/open_storage.h"

#include "imagery/io/internal/caching_storage.h"
#include "imagery/io/internal/disk_cache.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/io/internal/http_storage.h"

namespace imagery::io {

namespace {
// The context's disk-cache folder, made on first use (one ledger for all its volumes).
struct DiskCacheSlot {
  std::mutex mutex;
  std::shared_ptr<DiskCacheFolder> folder;
};
}  // namespace

std::shared_ptr<DiskCacheFolder> disk_cache_folder(Context& context) {
  const ContextOptions& options = context.options();
  if (options.disk_cache_dir.empty()) return nullptr;
  auto& slot = context.resource<DiskCacheSlot>();
  std::lock_guard lock(slot.mutex);
  if (!slot.folder)
    slot.folder =
        std::make_shared<DiskCacheFolder>(options.disk_cache_dir, options.disk_cache_bytes);
  return slot.folder;
}

std::shared_ptr<Storage> open_storage(const StorageUrl& url, Context& context) {
  ThreadPool& pool = context.pool();
  if (url.kind == StorageUrl::Kind::kFile) return std::make_shared<FileStorage>(url.location, pool);
  std::shared_ptr<Storage> storage =
      std::make_shared<HttpStorage>(url.location, context.transport(), pool);
  const ContextOptions& options = context.options();
  if (auto folder = disk_cache_folder(context))
    storage = std::make_shared<DiskCacheStorage>(storage, folder, pool);
  if (options.memory_cache_bytes > 0)
    storage = std::make_shared<CachingStorage>(storage, context.memory_cache(), pool);
  return storage;
}

}  // namespace imagery::io
