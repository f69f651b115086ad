// The storage stack of a URL under a Context: a folder straight from disk; an http(s) URL through
// the context's transport, its disk cache (when the context has a folder) and its memory cache
// (when it has a budget), in that order, so a hit in memory touches neither disk nor network.
#pragma once

#include <memory>

#include "imagery/io/context.h"
#include "imagery/io/storage.h"
#include "imagery/io/url.h"

namespace imagery::io {

std::shared_ptr<Storage> open_storage(const StorageUrl& url, Context& context);

class DiskCacheFolder;
// The context's disk-cache folder (made on first use), or null when the context has none.
std::shared_ptr<DiskCacheFolder> disk_cache_folder(Context& context);

}  // namespace imagery::io
