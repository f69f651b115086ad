#include "imagery/precomputed/internal/shard_index.h"

#include <algorithm>
#include <cstring>

#include "imagery/core/error.h"

namespace imagery::precomputed {

namespace {

std::uint64_t load_le64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | std::to_integer<std::uint64_t>(p[i]);
  return v;
}

// a + b, or a kDataLoss error when the sum passes 2^64 (only corrupt indices get there).
std::uint64_t checked_add(std::uint64_t a, std::uint64_t b, const std::string& what) {
  std::uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum))
    fail(ErrorCode::kDataLoss, "corrupt " + what + ": offsets run past 2^64");
  return sum;
}

}  // namespace

std::uint64_t shard_index_size(int minishard_bits) {
  if (minishard_bits < 0 || minishard_bits > 59)
    fail(ErrorCode::kInvalidArgument,
         "minishard_bits " + std::to_string(minishard_bits) + " gives a shard index of 16 * 2^" +
             std::to_string(minishard_bits) + " bytes, which no file can hold");
  return std::uint64_t{16} << minishard_bits;
}

ByteRange minishard_index_range(std::span<const std::byte> table, std::uint64_t first_minishard,
                                std::uint64_t minishard, std::uint64_t index_size,
                                const std::string& shard) {
  if (minishard < first_minishard || (minishard - first_minishard) >= table.size() / 16)
    fail(ErrorCode::kInternal, "shard index of " + shard + ": minishard " +
                                   std::to_string(minishard) + " is not in the bytes read");
  const std::byte* entry = table.data() + (minishard - first_minishard) * 16;
  const std::uint64_t start = load_le64(entry), end = load_le64(entry + 8);
  const std::string what = "shard index of " + shard;
  if (start > end)
    fail(ErrorCode::kDataLoss, "corrupt " + what + ": minishard " + std::to_string(minishard) +
                                   " index starts at " + std::to_string(start) + " after its end " +
                                   std::to_string(end));
  return {checked_add(index_size, start, what), checked_add(index_size, end, what)};
}

std::optional<ByteRange> MinishardIndex::find(std::uint64_t chunk_id) const {
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), chunk_id,
                       [](const MinishardEntry& e, std::uint64_t id) { return e.chunk_id < id; });
  if (it == entries_.end() || it->chunk_id != chunk_id) return std::nullopt;
  return it->bytes;
}

MinishardIndex decode_minishard_index(std::span<const std::byte> bytes, std::uint64_t index_size,
                                      const std::string& what) {
  if (bytes.size() % 24 != 0)
    fail(ErrorCode::kDataLoss, "corrupt " + what + ": " + std::to_string(bytes.size()) +
                                   " bytes is not a multiple of 24 (3 uint64 per chunk)");
  const std::size_t n = bytes.size() / 24;
  const std::byte* ids = bytes.data();
  const std::byte* starts = ids + 8 * n;
  const std::byte* sizes = starts + 8 * n;
  std::vector<MinishardEntry> entries(n);
  std::uint64_t id = 0, offset = 0;
  for (std::size_t i = 0; i < n; ++i) {
    // Chunk ids wrap modulo 2^64 by design of the delta code (any id can follow any other);
    // offsets must not, since they address a file.
    id += load_le64(ids + 8 * i);
    offset = checked_add(offset, load_le64(starts + 8 * i), what);
    const std::uint64_t begin = offset;
    offset = checked_add(offset, load_le64(sizes + 8 * i), what);
    entries[i] = {id,
                  {checked_add(index_size, begin, what), checked_add(index_size, offset, what)}};
  }
  std::sort(entries.begin(), entries.end(), [](const MinishardEntry& a, const MinishardEntry& b) {
    return a.chunk_id < b.chunk_id;
  });
  auto dup = std::adjacent_find(
      entries.begin(), entries.end(),
      [](const MinishardEntry& a, const MinishardEntry& b) { return a.chunk_id == b.chunk_id; });
  if (dup != entries.end())
    fail(ErrorCode::kDataLoss,
         "corrupt " + what + ": chunk id " + std::to_string(dup->chunk_id) + " is listed twice");
  return MinishardIndex(std::move(entries));
}

}  // namespace imagery::precomputed
