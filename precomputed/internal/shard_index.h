// The two indices of a shard file (spec sections 4.5 and 4.6). All integers
// are little-endian uint64; I = 16 * 2^minishard_bits.
//
//   [0, I)                 shard index: for minishard m, bytes [16m, 16m + 16)
//                          hold start and end of m's minishard index, relative
//                          to I. start == end: the minishard holds no chunks.
//   [I + start, I + end)   minishard index, raw or gzip. Decoded, its length is
//                          24n for n chunks: a C-order [3][n] array whose rows
//                          are chunk ids (delta-coded), chunk starts (delta from
//                          the end of the previous chunk, the first from 0) and
//                          chunk sizes. Chunk offsets are relative to I.
//   elsewhere              the chunks' bytes, raw or gzip.
//
// Every decoder checks what it reads and throws kDataLoss naming the shard file
// for a start after its end, offsets past 2^64, a length that is not 24n, or a
// chunk id listed twice.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace imagery::precomputed {

// Absolute file offsets [begin, end).
struct ByteRange {
  std::uint64_t begin = 0, end = 0;
  std::uint64_t size() const { return end - begin; }
  bool operator==(const ByteRange&) const = default;
};

// I = 16 * 2^minishard_bits. Throws kInvalidArgument when that does not fit in 63 bits.
std::uint64_t shard_index_size(int minishard_bits);

// The minishard index of `minishard` as file offsets, from shard-index bytes `table` whose first
// entry belongs to `first_minishard` (the whole index starts at 0; a single entry read alone
// starts at its own minishard). `shard` names the file in messages.
ByteRange minishard_index_range(std::span<const std::byte> table, std::uint64_t first_minishard,
                                std::uint64_t minishard, std::uint64_t index_size,
                                const std::string& shard);

struct MinishardEntry {
  std::uint64_t chunk_id = 0;
  ByteRange bytes;  // absolute offsets in the shard file
};

// One decoded minishard index, sorted by chunk id for binary search.
class MinishardIndex {
 public:
  MinishardIndex() = default;
  explicit MinishardIndex(std::vector<MinishardEntry> sorted_entries)
      : entries_(std::move(sorted_entries)) {}
  // Where chunk `chunk_id` lives, or nullopt when this minishard does not list it.
  std::optional<ByteRange> find(std::uint64_t chunk_id) const;
  const std::vector<MinishardEntry>& entries() const { return entries_; }
  // Memory held, for cache budgets.
  std::size_t size_bytes() const {
    return sizeof(*this) + entries_.size() * sizeof(MinishardEntry);
  }

 private:
  std::vector<MinishardEntry> entries_;
};

// Decodes the (already gunzipped) bytes of a minishard index. `what` names it in messages, e.g.
// "minishard 3 index of /data/seg/8_8_40/0.shard".
MinishardIndex decode_minishard_index(std::span<const std::byte> bytes, std::uint64_t index_size,
                                      const std::string& what);

}  // namespace imagery::precomputed
