// Chunk id -> (shard, minishard) and shard file names (spec sections 4.1, 4.4),
// with the end-to-end vectors of the spec and the 64-bit edge cases.
#include "imagery/precomputed/internal/shard_location.h"

#include <catch2/catch.hpp>

#include "imagery/precomputed/internal/morton_code.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {
ShardingSpec spec(ShardHash hash, int preshift, int minishard_bits, int shard_bits) {
  ShardingSpec s;
  s.hash = hash;
  s.preshift_bits = preshift;
  s.minishard_bits = minishard_bits;
  s.shard_bits = shard_bits;
  return s;
}
}  // namespace

TEST_CASE("chunk locations match the spec's end-to-end vectors", "[precomputed][sharding]") {
  SECTION("CloudVolume's murmur vector: preshift 6, minishard 11, shard 7") {
    const auto s = spec(ShardHash::kMurmurHash3_x86_128, 6, 11, 7);
    CHECK((std::uint64_t{1822975381} >> 6) == 28483990);
    CHECK(locate_chunk(1822975381, s) == ShardLocation{0x42, 18});
    CHECK(shard_file_name(0x42, 7) == "42.shard");
  }
  SECTION("identity, preshift 2, minishard 3, shard 3") {
    const auto s = spec(ShardHash::kIdentity, 2, 3, 3);
    CHECK(locate_chunk(0b10101010, s) == ShardLocation{5, 2});
    CHECK(shard_file_name(5, 3) == "5.shard");
  }
  SECTION("identity, preshift 9, minishard 6, shard 16 on a 1944x1048x442 grid") {
    const auto s = spec(ShardHash::kIdentity, 9, 6, 16);
    const Vec3 grid{1944, 1048, 442};
    CHECK(grid == Vec3{248832 / 128, 134144 / 128, (7063 + 15) / 16});
    for (Vec3 cell : {Vec3{1131, 411, 177}, Vec3{1130, 410, 176}}) {
      const auto where = locate_chunk(compressed_morton_code(cell, grid), s);
      CHECK(where == ShardLocation{0x458d, 51});
      CHECK(shard_file_name(where.shard, 16) == "458d.shard");
    }
  }
  SECTION("CloudVolume's test_cv_sharded: 8x8x8 grid, preshift 9, no minishard or shard bits") {
    const auto s = spec(ShardHash::kIdentity, 9, 0, 0);
    for (std::int64_t i = 0; i < 8; ++i) {
      const auto id = compressed_morton_code({i, 7 - i, i / 2}, {8, 8, 8});
      CHECK(locate_chunk(id, s) == ShardLocation{0, 0});
    }
    CHECK(shard_file_name(0, 0) == "0.shard");
  }
}

TEST_CASE("shard file names are lowercase hex padded to ceil(shard_bits / 4) digits",
          "[precomputed][sharding]") {
  CHECK(shard_file_name(0, 0) == "0.shard");
  CHECK(shard_file_name(1, 1) == "1.shard");
  CHECK(shard_file_name(10, 7) == "0a.shard");
  CHECK(shard_file_name(0xab, 8) == "ab.shard");
  CHECK(shard_file_name(0x1f, 9) == "01f.shard");
  CHECK(shard_file_name(0x458d, 16) == "458d.shard");
  CHECK(shard_file_name(7, 16) == "0007.shard");
  CHECK(shard_file_name(~std::uint64_t{0}, 64) == "ffffffffffffffff.shard");
}

TEST_CASE("shard and minishard bits handle 0 and 64 without shifting by 64",
          "[precomputed][sharding]") {
  CHECK(low_bits_mask(0) == 0);
  CHECK(low_bits_mask(1) == 1);
  CHECK(low_bits_mask(63) == 0x7fffffffffffffff);
  CHECK(low_bits_mask(64) == ~std::uint64_t{0});
  const std::uint64_t id = 0xfedcba9876543210;
  // Every hashed bit in the minishard: the shard number is 0.
  CHECK(locate_chunk(id, spec(ShardHash::kIdentity, 0, 64, 0)) == ShardLocation{0, id});
  // Every hashed bit in the shard.
  CHECK(locate_chunk(id, spec(ShardHash::kIdentity, 0, 0, 64)) == ShardLocation{id, 0});
  CHECK(locate_chunk(id, spec(ShardHash::kIdentity, 4, 30, 30)) ==
        ShardLocation{(id >> 34) & 0x3fffffff, (id >> 4) & 0x3fffffff});
  // Shifting by 64 drops everything: the hash of 0.
  CHECK(hashed_chunk_id(id, spec(ShardHash::kIdentity, 64, 3, 3)) == 0);
  CHECK(hashed_chunk_id(id, spec(ShardHash::kMurmurHash3_x86_128, 64, 3, 3)) == 0x4772b084e028ae41);
  CHECK(hashed_chunk_id(id, spec(ShardHash::kIdentity, 63, 3, 3)) == 1);
}

TEST_CASE("murmur-hashed locations take the minishard from the low hash bits",
          "[precomputed][sharding]") {
  // hash(42) = 0xc20b94f95119f47a: minishard = low 4 bits, shard = next 5 bits.
  const auto where = locate_chunk(42, spec(ShardHash::kMurmurHash3_x86_128, 0, 4, 5));
  CHECK(where.minishard == 0xa);
  CHECK(where.shard == ((0x5119f47au >> 4) & 0x1f));
  // With preshift 1, ids 84 and 85 both hash 42.
  const auto s = spec(ShardHash::kMurmurHash3_x86_128, 1, 4, 5);
  CHECK(locate_chunk(84, s) == where);
  CHECK(locate_chunk(85, s) == where);
}
