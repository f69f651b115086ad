#include "imagery/io/storage.h"

#include "imagery/core/thread_pool.h"

namespace imagery::io {

void Storage::read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done) {
  ThreadPool::shared().parallel_for(keys.size(), [&](std::size_t i) { on_done(i, read(keys[i])); });
}

void Storage::read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done) {
  ThreadPool::shared().parallel_for(requests.size(), [&](std::size_t i) {
    const auto& r = requests[i];
    on_done(i, read_range(r.key, r.offset, r.length));
  });
}

std::optional<StoredObject> Storage::read_one(const std::string& key) {
  std::optional<StoredObject> result;
  read_many({key}, [&](std::size_t, std::optional<StoredObject> o) { result = std::move(o); });
  return result;
}

std::optional<Bytes> Storage::read_one_range(const std::string& key, std::uint64_t offset,
                                             std::uint64_t length) {
  std::optional<Bytes> result;
  read_ranges({RangeRequest{key, offset, length}},
              [&](std::size_t, std::optional<Bytes> b) { result = std::move(b); });
  return result;
}

}  // namespace imagery::io
