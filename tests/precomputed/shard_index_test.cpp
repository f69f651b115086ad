// Shard index and minishard index decoding (spec sections 4.5, 4.6): valid
// layouts, delta coding, gzip, and a table of malformed indices with the error
// each must produce.
#include "imagery/precomputed/internal/shard_index.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {

Bytes le64s(std::initializer_list<std::uint64_t> values) {
  Bytes out;
  for (std::uint64_t v : values)
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
  return out;
}

}  // namespace

TEST_CASE("the shard index is 16 bytes per minishard", "[precomputed][sharding]") {
  CHECK(shard_index_size(0) == 16);
  CHECK(shard_index_size(2) == 64);
  CHECK(shard_index_size(16) == 1048576);
  CHECK(shard_index_size(59) == std::uint64_t{1} << 63);
  CHECK_THROWS_AS(shard_index_size(60), Error);
  CHECK_THROWS_AS(shard_index_size(64), Error);
}

TEST_CASE("shard index entries are offsets after the index", "[precomputed][sharding]") {
  // Two minishards (I = 32): minishard 0 is empty, minishard 1 spans [100, 148) after the index.
  const Bytes table = le64s({7, 7, 100, 148});
  CHECK(minishard_index_range(table, 0, 0, 32, "s").size() == 0);
  CHECK(minishard_index_range(table, 0, 1, 32, "s") == ByteRange{132, 180});
  // A single entry read alone starts at its own minishard.
  const Bytes one = le64s({100, 148});
  CHECK(minishard_index_range(one, 5, 5, 1024, "s") == ByteRange{1124, 1172});
}

TEST_CASE("sharded index decodes a raw minishard with delta-coded ids and offsets",
          "[precomputed][sharding]") {
  // Chunks 3, 8, 9: starts 0, 10 (gap 0), 25 (gap 5), sizes 10, 10, 4. I = 64.
  const Bytes raw = le64s({3, 5, 1, 0, 0, 5, 10, 10, 4});
  const auto index = decode_minishard_index(raw, 64, "m");
  REQUIRE(index.entries().size() == 3);
  CHECK(index.find(3) == ByteRange{64, 74});
  CHECK(index.find(8) == ByteRange{74, 84});
  CHECK(index.find(9) == ByteRange{89, 93});
  CHECK_FALSE(index.find(4).has_value());
  CHECK_FALSE(index.find(0).has_value());
  CHECK_FALSE(index.find(10).has_value());
}

TEST_CASE("sharded index decodes a gzip minishard", "[precomputed][sharding]") {
  const Bytes raw = le64s({1000, 24, 0, 7, 100, 200});
  const Bytes gz = io::gzip_compress(raw);
  const auto index = decode_minishard_index(io::gunzip(gz, "m"), 16, "m");
  // The second chunk starts 7 bytes after the end of the first.
  CHECK(index.find(1000) == ByteRange{16, 16 + 100});
  CHECK(index.find(1024) == ByteRange{16 + 107, 16 + 307});
}

TEST_CASE("sharded index sorts ids written out of order and wraps id deltas",
          "[precomputed][sharding]") {
  // Ids 50 then 20 (delta 2^64 - 30): a writer may list chunks in any order.
  const Bytes raw = le64s({50, ~std::uint64_t{0} - 29, 0, 0, 8, 8});
  const auto index = decode_minishard_index(raw, 16, "m");
  REQUIRE(index.entries().size() == 2);
  CHECK(index.entries()[0].chunk_id == 20);
  CHECK(index.find(20) == ByteRange{24, 32});
  CHECK(index.find(50) == ByteRange{16, 24});
}

TEST_CASE("an empty minishard index lists no chunks", "[precomputed][sharding]") {
  const auto index = decode_minishard_index({}, 16, "m");
  CHECK(index.entries().empty());
  CHECK_FALSE(index.find(0).has_value());
}

TEST_CASE("malformed shard and minishard indices are data-loss errors naming the index",
          "[precomputed][sharding]") {
  struct Case {
    const char* name;
    Bytes minishard;
    const char* message;
  };
  const std::uint64_t big = ~std::uint64_t{0} - 10;
  const Case cases[] = {
      {"length not a multiple of 24", Bytes(25), "not a multiple of 24"},
      {"one stray byte after a chunk",
       [] {
         Bytes b = le64s({1, 0, 4});
         b.push_back(std::byte{0});
         return b;
       }(),
       "25 bytes"},
      {"start offsets past 2^64", le64s({1, 2, big, big, 1, 1}), "past 2^64"},
      {"size past 2^64", le64s({1, 0, big}), "past 2^64"},
      {"index size plus offset past 2^64", le64s({1, big - 16, 1}), "past 2^64"},
      {"a chunk id listed twice", le64s({4, 0, 0, 0, 1, 1}), "listed twice"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      try {
        decode_minishard_index(c.minishard, 64, "minishard 1 index of /x/0.shard");
        FAIL("expected an error");
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kDataLoss);
        CHECK_THAT(e.what(), Catch::Contains("/x/0.shard") && Catch::Contains(c.message));
      }
    }
  }
  SECTION("a shard index entry whose start is after its end") {
    const Bytes table = le64s({0, 0, 200, 100});
    try {
      minishard_index_range(table, 0, 1, 32, "/x/0.shard");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kDataLoss);
      CHECK_THAT(e.what(), Catch::Contains("/x/0.shard") && Catch::Contains("after its end"));
    }
  }
  SECTION("a shard index entry past 2^64 once the index size is added") {
    const Bytes table = le64s({big, big});
    CHECK_THROWS_WITH(minishard_index_range(table, 0, 0, 32, "/x/0.shard"),
                      Catch::Contains("past 2^64") && Catch::Contains("/x/0.shard"));
  }
}
