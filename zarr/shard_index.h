// The index of a `sharding_indexed` shard (Zarr v3 sharding codec). A shard holds the inner chunks
// of its part of the array, each encoded by the sharding codec's `codecs`, and an index: for every
// inner chunk in C order over the shard's inner grid, two uint64 (offset, nbytes) into the shard,
// the pair 2^64 - 1, 2^64 - 1 for an inner chunk that is not stored. The index is encoded by
// `index_codecs` (bytes with its endianness, optionally crc32c, which adds 4 bytes) and lies at
// the start or at the end of the shard (`index_location`).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imagery/core/bytes.h"
#include "imagery/zarr/array_metadata.h"

namespace imagery::zarr {

struct ShardEntry {
  std::uint64_t offset = 0;
  std::uint64_t nbytes = 0;
};

// Bytes of the encoded index of a shard with `inner_chunks` inner chunks.
std::uint64_t shard_index_bytes(const ShardingCodec& sharding, std::uint64_t inner_chunks);

// The index of `shard` (the whole stored object): one entry per inner chunk, nullopt for the
// ones not stored. Throws kDataLoss naming `name` when the shard is shorter than its index, the
// index is corrupt (checksum) or an entry points outside the shard.
std::vector<std::optional<ShardEntry>> read_shard_index(const ShardingCodec& sharding,
                                                        std::uint64_t inner_chunks,
                                                        std::span<const std::byte> shard,
                                                        const std::string& name);

// The inverse, for fixtures and benchmarks: a shard from its inner chunks already encoded (empty
// optional = not stored), in C order over the inner grid.
Bytes build_shard(const ShardingCodec& sharding, const std::vector<std::optional<Bytes>>& chunks);

}  // namespace imagery::zarr
