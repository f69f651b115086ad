#include "imagery/io/storage.h"

#include "imagery/core/error.h"

namespace imagery::io {

namespace {
void check_stop(const std::stop_token& stop) {
  if (stop.stop_requested()) fail(ErrorCode::kCancelled, "reading was cancelled");
}
}  // namespace

void Storage::do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                           std::stop_token stop) {
  pool_.parallel_for(keys.size(), [&](std::size_t i) {
    check_stop(stop);
    on_done(i, read(keys[i]));
  });
}

void Storage::do_read_ranges(const std::vector<RangeRequest>& requests,
                             const RangeCallback& on_done, std::stop_token stop) {
  pool_.parallel_for(requests.size(), [&](std::size_t i) {
    check_stop(stop);
    const auto& r = requests[i];
    on_done(i, read_range(r.key, r.offset, r.length));
  });
}

std::optional<StoredObject> Storage::read_one(const std::string& key) {
  std::optional<StoredObject> result;
  read_many({key}, [&](std::size_t, std::optional<StoredObject> o) { result = std::move(o); });
  return result;
}

std::optional<SharedBytes> Storage::read_one_range(const std::string& key, std::uint64_t offset,
                                                   std::uint64_t length) {
  std::optional<SharedBytes> result;
  read_ranges({RangeRequest{key, offset, length}},
              [&](std::size_t, std::optional<SharedBytes> b) { result = std::move(b); });
  return result;
}

}  // namespace imagery::io
