// Where a chunk of a sharded scale lives (spec sections 4.1 and 4.4): the
// chunk id is shifted right by preshift_bits and hashed (identity or
// MurmurHash3_x86_128); bits [0, minishard_bits) of the hash pick the
// minishard, the next shard_bits bits pick the shard file, named by the shard
// number in lowercase hex zero-padded to ceil(shard_bits / 4) digits plus
// ".shard" ("0.shard" when shard_bits is 0).
#pragma once

#include <cstdint>
#include <string>

#include "imagery/precomputed/info.h"

namespace imagery::precomputed {

struct ShardLocation {
  std::uint64_t shard = 0;
  std::uint64_t minishard = 0;
  bool operator==(const ShardLocation&) const = default;
};

// The low `bits` bits set (0 <= bits <= 64; 64 gives all ones, without shifting by 64).
std::uint64_t low_bits_mask(int bits);

// hash(chunk_id >> preshift_bits); a shift of 64 gives hash(0).
std::uint64_t hashed_chunk_id(std::uint64_t chunk_id, const ShardingSpec& spec);

ShardLocation locate_chunk(std::uint64_t chunk_id, const ShardingSpec& spec);

// "42.shard", "0a.shard", "0.shard".
std::string shard_file_name(std::uint64_t shard, int shard_bits);

}  // namespace imagery::precomputed
