#include "imagery/io/internal/caching_storage.h"

#include "imagery/io/internal/storage_key.h"

namespace imagery::io {

CachingStorage::CachingStorage(std::shared_ptr<Storage> inner, LruCache<StoredObject>& cache,
                               ThreadPool& pool)
    : Storage(pool), inner_(std::move(inner)), cache_(cache) {
  cache_.set_max_entry_fraction(4);
}

std::string CachingStorage::range_key(const RangeRequest& r) const {
  return inner_->describe(r.key) + "#" + std::to_string(r.offset) + "+" + std::to_string(r.length);
}

void CachingStorage::remember(const std::string& key, const StoredObject& object) {
  cache_.put(key, std::make_shared<const StoredObject>(object), object.bytes.size());
}

void CachingStorage::do_read_many(const std::vector<std::string>& keys,
                                  const ObjectCallback& on_done, std::stop_token stop) {
  for (const auto& key : keys) check_storage_key(key, describe(""));  // hits skip inner_'s check
  std::vector<std::string> misses;
  std::vector<std::size_t> miss_index;
  std::vector<std::size_t> hits;
  std::vector<std::shared_ptr<const StoredObject>> hit_objects;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (auto hit = cache_.get(inner_->describe(keys[i]))) {
      hits.push_back(i);
      hit_objects.push_back(std::move(hit));
    } else {
      misses.push_back(keys[i]);
      miss_index.push_back(i);
    }
  }
  std::exception_ptr error;
  // Hits are decoded on the pool first; then the misses are fetched.
  try {
    pool().parallel_for(hits.size(), [&](std::size_t j) { on_done(hits[j], *hit_objects[j]); });
  } catch (...) {
    error = std::current_exception();
  }
  if (!misses.empty() && !error) {
    inner_->read_many(
        misses,
        [&](std::size_t j, std::optional<StoredObject> object) {
          if (object) remember(inner_->describe(misses[j]), *object);
          on_done(miss_index[j], std::move(object));
        },
        stop);
  }
  if (error) std::rethrow_exception(error);
}

void CachingStorage::do_read_ranges(const std::vector<RangeRequest>& requests,
                                    const RangeCallback& on_done, std::stop_token stop) {
  for (const auto& r : requests) check_storage_key(r.key, describe(""));
  std::vector<RangeRequest> misses;
  std::vector<std::size_t> miss_index;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (auto hit = cache_.get(range_key(requests[i]))) {
      on_done(i, hit->bytes);
    } else {
      misses.push_back(requests[i]);
      miss_index.push_back(i);
    }
  }
  if (misses.empty()) return;
  inner_->read_ranges(
      misses,
      [&](std::size_t j, std::optional<SharedBytes> bytes) {
        if (bytes) remember(range_key(misses[j]), StoredObject{*bytes, false, ""});
        on_done(miss_index[j], std::move(bytes));
      },
      stop);
}

std::optional<StoredObject> CachingStorage::read(const std::string& key) {
  return read_one(key);
}

std::optional<SharedBytes> CachingStorage::read_range(const std::string& key, std::uint64_t offset,
                                                      std::uint64_t length) {
  return read_one_range(key, offset, length);
}

}  // namespace imagery::io
