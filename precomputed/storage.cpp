#include "imagery/precomputed/storage.h"

#include "imagery/core/thread_pool.h"

namespace imagery::precomputed {

void Storage::read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done) {
  ThreadPool::shared().parallel_for(keys.size(), [&](std::size_t i) { on_done(i, read(keys[i])); });
}

void Storage::read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done) {
  ThreadPool::shared().parallel_for(requests.size(), [&](std::size_t i) {
    const auto& r = requests[i];
    on_done(i, read_range(r.key, r.offset, r.length));
  });
}

}  // namespace imagery::precomputed
