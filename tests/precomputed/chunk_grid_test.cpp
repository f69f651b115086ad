// The chunk grid: clipped edge cells, voxel offsets (also negative), names,
// and the floor/ceil conversion of bounds between mips.
#include "imagery/precomputed/internal/chunk_grid.h"

#include <catch2/catch.hpp>

using namespace imagery;
using namespace imagery::precomputed;

TEST_CASE("chunk grid shape is ceil(size / chunk) and edge cells are clipped",
          "[precomputed][grid]") {
  ChunkGrid g({100, 36, 12}, {300, 270, 37}, {64, 64, 16});
  CHECK(g.shape() == Vec3{5, 5, 3});
  CHECK(g.cell_bounds({0, 0, 0}) == Bbox{{100, 36, 12}, {164, 100, 28}});
  CHECK(g.cell_bounds({4, 4, 2}) == Bbox{{356, 292, 44}, {400, 306, 49}});
  CHECK(chunk_name(g.cell_bounds({4, 4, 2})) == "356-400_292-306_44-49");
}

TEST_CASE("chunk names follow the spec's example", "[precomputed][grid]") {
  ChunkGrid g({0, 0, 0}, {1024, 1024, 512}, {256, 256, 64});
  CHECK(chunk_name(g.cell_bounds({2, 0, 2})) == "512-768_0-256_128-192");
}

TEST_CASE("negative voxel offsets keep their sign in chunk names", "[precomputed][grid]") {
  ChunkGrid g({-64, -10, -3}, {100, 20, 3}, {64, 64, 64});
  CHECK(g.shape() == Vec3{2, 1, 1});
  CHECK(chunk_name(g.cell_bounds({0, 0, 0})) == "-64-0_-10-10_-3-0");
  CHECK(chunk_name(g.cell_bounds({1, 0, 0})) == "0-36_-10-10_-3-0");
}

TEST_CASE("cells overlapping a box are found relative to the offset and clipped to the volume",
          "[precomputed][grid]") {
  ChunkGrid g({-64, 0, 0}, {200, 100, 10}, {64, 64, 10});
  auto cells = g.cells_overlapping({{-1, 63, 0}, {1, 65, 1}});
  REQUIRE(cells.size() == 4);
  CHECK(cells[0] == Vec3{0, 0, 0});
  CHECK(cells[1] == Vec3{1, 0, 0});
  CHECK(cells[2] == Vec3{0, 1, 0});
  CHECK(cells[3] == Vec3{1, 1, 0});
  CHECK(g.cells_overlapping({{-1000, 0, 0}, {-500, 10, 10}}).empty());
  CHECK(g.cells_overlapping({{-1000, -1000, -1000}, {1000, 1000, 1000}}).size() == 4 * 2 * 1);
}

TEST_CASE("an empty axis gives an empty grid", "[precomputed][grid]") {
  ChunkGrid g({0, 0, 0}, {0, 10, 10}, {4, 4, 4});
  CHECK(g.shape().x == 0);
  CHECK(g.cells_overlapping({{0, 0, 0}, {10, 10, 10}}).empty());
}

TEST_CASE("mip conversion floors the minimum and ceils the maximum", "[precomputed][grid]") {
  CHECK(downsample_bounds({{130, 60, 15}, {399, 301, 40}}, {2, 2, 1}) ==
        Bbox{{65, 30, 15}, {200, 151, 40}});
  CHECK(downsample_bounds({{-5, -4, 3}, {5, 4, 9}}, {2, 2, 2}) == Bbox{{-3, -2, 1}, {3, 2, 5}});
  // Factors that are not powers of two, and not integers.
  CHECK(downsample_bounds({{10, 10, 10}, {20, 20, 20}}, {3, 1.5, 1}) ==
        Bbox{{3, 6, 10}, {7, 14, 20}});
  // 12 / (12/4 as a float) must stay exactly 4, not floor to 3 or ceil to 5.
  CHECK(downsample_bounds({{12, 12, 12}, {24, 24, 24}}, {12.0 / 4.0, 4.28 / 4.28, 1}) ==
        Bbox{{4, 12, 12}, {8, 24, 24}});
}
