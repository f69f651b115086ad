// Compressed Morton chunk ids (spec section 4.2): every vector of the spec's
// table, single-cell axes, and the limits.
#include "imagery/precomputed/internal/morton_code.h"

#include <catch2/catch.hpp>
#include <set>

#include "imagery/core/error.h"

using namespace imagery;
using namespace imagery::precomputed;

TEST_CASE("compressed morton codes match every vector of the spec", "[precomputed][sharding]") {
  struct Vector {
    Vec3 grid, cell;
    std::uint64_t code;
  };
  const Vector vectors[] = {
      {{3, 3, 3}, {2, 2, 1}, 28},
      {{3, 3, 3}, {2, 0, 0}, 8},
      {{2, 3, 1}, {1, 2, 0}, 5},
      {{4, 4, 1}, {3, 3, 0}, 15},
      {{8, 8, 2}, {5, 5, 0}, 99},
      {{16, 4, 2}, {9, 2, 1}, 85},
      {{16, 4, 2}, {2, 0, 1}, 12},
      {{16, 4, 2}, {2, 3, 0}, 26},
      {{5, 3, 2}, {4, 2, 1}, 52},
      {{8, 8, 8}, {3, 5, 6}, 427},
      {{1944, 1048, 442}, {1131, 411, 177}, 583460383},
      {{1944, 1048, 442}, {1130, 410, 176}, 583460376},
  };
  for (const auto& v : vectors) {
    INFO("grid " << v.grid.to_string() << " cell " << v.cell.to_string());
    CHECK(compressed_morton_code(v.cell, v.grid) == v.code);
  }
}

TEST_CASE("morton bits per axis are bit_width(G - 1), zero for a single cell",
          "[precomputed][sharding]") {
  CHECK(morton_bits({1, 1, 1}) == std::array<int, 3>{0, 0, 0});
  CHECK(morton_bits({2, 3, 1}) == std::array<int, 3>{1, 2, 0});
  CHECK(morton_bits({16, 4, 2}) == std::array<int, 3>{4, 2, 1});
  CHECK(morton_bits({5, 3, 2}) == std::array<int, 3>{3, 2, 1});
  CHECK(morton_bits({1944, 1048, 442}) == std::array<int, 3>{11, 11, 9});
}

TEST_CASE("axes with one grid cell contribute no morton bits", "[precomputed][sharding]") {
  // The igneous#100 case: with y a single cell, x and z interleave alone.
  CHECK(compressed_morton_code({1, 0, 1}, {2, 1, 2}) == 0b11);
  CHECK(compressed_morton_code({0, 0, 1}, {2, 1, 2}) == 0b10);
  CHECK(compressed_morton_code({3, 0, 0}, {4, 1, 1}) == 3);
  CHECK(compressed_morton_code({0, 0, 0}, {1, 1, 1}) == 0);
  CHECK(compressed_morton_code({0, 0, 5}, {1, 1, 8}) == 5);
}

TEST_CASE("compressed morton codes are dense and distinct over a whole grid",
          "[precomputed][sharding]") {
  for (Vec3 grid : {Vec3{3, 5, 2}, Vec3{1, 7, 4}, Vec3{8, 1, 1}, Vec3{2, 2, 9}}) {
    const auto bits = morton_bits(grid);
    const std::uint64_t limit = std::uint64_t{1} << (bits[0] + bits[1] + bits[2]);
    std::set<std::uint64_t> seen;
    for (std::int64_t z = 0; z < grid.z; ++z)
      for (std::int64_t y = 0; y < grid.y; ++y)
        for (std::int64_t x = 0; x < grid.x; ++x) {
          const auto code = compressed_morton_code({x, y, z}, grid);
          CHECK(code < limit);
          seen.insert(code);
        }
    CHECK(seen.size() == static_cast<std::size_t>(grid.volume()));
  }
}

TEST_CASE("morton codes use all 64 bits and reject cells outside the grid",
          "[precomputed][sharding]") {
  const std::int64_t big = std::int64_t{1} << 22;  // 22 + 21 + 21 = 64 bits
  const Vec3 grid{big, big / 2, big / 2};
  const std::uint64_t all = compressed_morton_code({big - 1, big / 2 - 1, big / 2 - 1}, grid);
  CHECK(all == ~std::uint64_t{0});
  // x alone: bits 0, 3, ..., 60 while all axes have bits, then bit 63 once y and z ran out.
  CHECK(compressed_morton_code({big - 1, 0, 0}, grid) == 0x9249249249249249u);
  CHECK_THROWS_AS(compressed_morton_code({0, 0, 0}, {big, big, big}), Error);
  CHECK_THROWS_AS(compressed_morton_code({3, 0, 0}, {3, 3, 3}), Error);
  CHECK_THROWS_AS(compressed_morton_code({0, -1, 0}, {3, 3, 3}), Error);
}
