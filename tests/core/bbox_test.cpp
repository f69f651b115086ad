// Bbox and downsample_bounds: mip-0 bounds to a coarser scale as CloudVolume does it (floor of the
// low corner, ceiling of the high one), exact for exact ratios despite floating point, and a clear
// error instead of an out-of-range cast for hostile factors.
#include "imagery/core/bbox.h"

#include <catch2/catch.hpp>
#include <limits>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::Bbox;
using imagery::downsample_bounds;
using imagery::ErrorCode;
using imagery::Vec3;
using imagery::Vec3d;
using imagery::testing::error_of;

TEST_CASE("a bbox knows its size, emptiness and what it contains", "[core][bbox]") {
  const Bbox b{{0, 10, 20}, {64, 74, 21}};
  CHECK(b.size() == Vec3{64, 64, 1});
  CHECK_FALSE(b.empty());
  CHECK(Bbox{{0, 0, 0}, {1, 0, 1}}.empty());
  CHECK(Bbox{{5, 5, 5}, {4, 9, 9}}.empty());
  CHECK(b.contains(b));
  CHECK(b.contains({{1, 11, 20}, {2, 12, 21}}));
  CHECK_FALSE(b.contains({{0, 10, 20}, {65, 74, 21}}));
  CHECK(b.to_string() == "[0, 10, 20] .. [64, 74, 21]");
}

TEST_CASE("intersecting boxes gives their overlap, or an empty box", "[core][bbox]") {
  const Bbox a{{0, 0, 0}, {10, 10, 10}};
  CHECK(intersect(a, {{5, -5, 2}, {20, 5, 3}}) == Bbox{{5, 0, 2}, {10, 5, 3}});
  const Bbox apart = intersect(a, {{20, 20, 20}, {30, 30, 30}});
  CHECK(apart.empty());
  // An empty overlap never has max below min (sizes stay non-negative).
  CHECK(apart.size().x >= 0);
  CHECK(apart.size().y >= 0);
  CHECK(apart.size().z >= 0);
}

TEST_CASE("downsample_bounds floors the low corner and ceils the high one", "[core][bbox]") {
  // [1, 7) at factor 2 covers voxels 0..3 of the coarse scale: [0, 4).
  CHECK(downsample_bounds({{1, 1, 0}, {7, 7, 3}}, {2, 2, 1}) == Bbox{{0, 0, 0}, {4, 4, 3}});
  // Exact multiples stay exact.
  CHECK(downsample_bounds({{12, 8, 4}, {24, 16, 8}}, {4, 4, 4}) == Bbox{{3, 2, 1}, {6, 4, 2}});
  // Factor 1 is the identity.
  const Bbox b{{-3, 5, 7}, {11, 13, 17}};
  CHECK(downsample_bounds(b, {1, 1, 1}) == b);
  // Non-integer factors (resolution ratios like 6 nm over 4 nm).
  CHECK(downsample_bounds({{0, 3, 0}, {10, 10, 1}}, {1.5, 1.5, 1}) == Bbox{{0, 2, 0}, {7, 7, 1}});
}

TEST_CASE("downsample_bounds rounds negative coordinates toward minus infinity", "[core][bbox]") {
  // C++ division truncates toward zero; -1 / 2 must be voxel -1, not 0.
  CHECK(downsample_bounds({{-1, -4, -5}, {1, -2, 5}}, {2, 4, 2}) == Bbox{{-1, -1, -3}, {1, 0, 3}});
  // Exact negative multiples stay exact.
  CHECK(downsample_bounds({{-8, -8, -8}, {-4, -4, -4}}, {4, 4, 4}) ==
        Bbox{{-2, -2, -2}, {-1, -1, -1}});
}

TEST_CASE("downsample_bounds keeps ratios exact that floating point makes inexact",
          "[core][bbox]") {
  // 0.3 / 0.1 is 2.9999999999999996 in doubles; 9 voxels at that factor are exactly 3, not a
  // box that floor and ceil stretch to [2, 4) or shrink.
  const double factor = 0.3 / 0.1;
  REQUIRE(factor != 3.0);
  CHECK(downsample_bounds({{9, 9, 9}, {18, 18, 18}}, {factor, factor, factor}) ==
        Bbox{{3, 3, 3}, {6, 6, 6}});
  // Resolutions as read from an info (e.g. 12 nm over 4 nm) divide exactly.
  CHECK(downsample_bounds({{120, 0, 0}, {240, 12, 1}}, {12.0 / 4.0, 12.0 / 4.0, 1}) ==
        Bbox{{40, 0, 0}, {80, 4, 1}});
}

TEST_CASE("downsample_bounds refuses factors that leave the range of voxels", "[core][bbox]") {
  const Bbox b{{0, 0, 0}, {100, 100, 100}};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Vec3d& factor :
       {Vec3d{0, 1, 1}, Vec3d{1, 1e-300, 1}, Vec3d{1, 1, nan}, Vec3d{1, 1, -0.0}}) {
    INFO(factor.to_string());
    const auto e = error_of([&] { downsample_bounds(b, factor); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(),
               Catch::Contains("leave the range of voxels") && Catch::Contains(b.to_string()));
  }
  // 0 / 0 is NaN: refused too, even though the box starts at 0.
  CHECK(error_of([&] {
          downsample_bounds({{0, 0, 0}, {0, 1, 1}}, {0, 1, 1});
        }).code() == ErrorCode::kInvalidArgument);
}
