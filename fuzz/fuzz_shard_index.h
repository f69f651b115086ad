// fuzz_shard_index: the two indices of a shard file decoded directly, faster than fuzz_shard's
// whole reads: shard-index entries (all of them, for 2^0..2^6 minishards) and a minishard index,
// raw or gzip, with lookups of the ids it lists and of ids it does not.
#pragma once

#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "imagery/precomputed/internal/shard_index.h"

namespace imagery::fuzz {

inline void fuzz_shard_index(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  InputReader in(data, size);
  const int minishard_bits = in.range(0, 6);
  const bool gzip = in.byte() % 2;
  const std::uint64_t index_size = shard_index_size(minishard_bits);
  const auto rest = in.rest();
  // The shard index first (as much of it as the input holds), the minishard index after it.
  const std::size_t table_bytes = std::min<std::size_t>(rest.size() / 16 * 16, index_size);
  const auto table = rest.first(table_bytes);
  for (std::uint64_t m = 0; m < table_bytes / 16; ++m) {
    try {
      const ByteRange r = minishard_index_range(table, 0, m, index_size, "fuzz.shard");
      if (r.end < r.begin || r.begin < index_size) __builtin_trap();
    } catch (const Error&) {
    }
  }
  try {
    const auto stored = rest.subspan(table_bytes);
    const MinishardIndex index = decode_minishard_index(
        gzip ? io::gunzip(stored, "fuzz", 0, 1 << 20) : Bytes(stored.begin(), stored.end()),
        index_size, "minishard 0 index of fuzz.shard");
    for (const auto& e : index.entries()) {
      const auto found = index.find(e.chunk_id);
      if (!found || found->begin > found->end || found->begin < index_size) __builtin_trap();
      index.find(e.chunk_id + 1);
    }
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
