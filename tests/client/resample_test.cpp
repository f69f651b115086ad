// Nearest resampling between grids of one physical space: which source index each destination
// index reads, the source box a destination box needs, and resample_nearest itself — repeats on
// the physical grid, clamping at the source's edges, channels kept apart, and the same bytes with
// or without a thread pool.
#include "imagery/client/resample.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/core/thread_pool.h"
#include "support/error_of.h"

using namespace imagery;
using namespace imagery::client;
using imagery::testing::error_of;

namespace {

using Indices = std::vector<std::int64_t>;

// An array whose every voxel holds a value made from its coordinates, so a test can tell which
// source voxel landed where.
Array coded(DataType dtype, Shape4 shape) {
  Array a(dtype, shape);
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = a.data<T>();
    for (std::int64_t c = 0; c < shape.c; ++c)
      for (std::int64_t z = 0; z < shape.z; ++z)
        for (std::int64_t y = 0; y < shape.y; ++y)
          for (std::int64_t x = 0; x < shape.x; ++x)
            p[a.index(x, y, z, c)] = static_cast<T>(x + 100 * y + 10000 * z + 1000000 * c);
  });
  return a;
}

bool same_bytes(const Array& a, const Array& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.bytes(), b.bytes(), a.size_bytes()) == 0;
}

}  // namespace

TEST_CASE("nearest indices repeat each voxel exactly ratio times on the physical grid",
          "[client][resample]") {
  // Image at 4 nm from an odd start over segmentation at 8 nm: 131 -> 65 alone, then pairs.
  CHECK(nearest_indices(131, 137, 4, 8) == Indices{65, 66, 66, 67, 67, 68});
  CHECK(nearest_indices(0, 8, 4, 16) == Indices{0, 0, 0, 0, 1, 1, 1, 1});
  // Downsampling picks the voxel under each centre: 16 nm voxel 0 is centred at 8 nm.
  CHECK(nearest_indices(0, 4, 16, 8) == Indices{1, 3, 5, 7});
  // Non-integer ratio 3 -> 2: centres 1.5, 4.5, 7.5 nm fall in 0, 2, 3.
  CHECK(nearest_indices(0, 3, 3, 2) == Indices{0, 2, 3});
  CHECK(source_box({{131, 61, 20}, {331, 251, 28}}, {4, 4, 40}, {8, 8, 40}) ==
        Bbox{{65, 30, 20}, {166, 126, 28}});
}

TEST_CASE("nearest indices are the identity at equal resolutions and floor below zero",
          "[client][resample]") {
  CHECK(nearest_indices(-3, 4, 7.5, 7.5) == Indices{-3, -2, -1, 0, 1, 2, 3});
  // Negative indices round toward minus infinity: centre -2.5 voxels of 4 nm is -10 nm, inside
  // 8 nm voxel -2 ([-16, -8)), not -1.
  CHECK(nearest_indices(-3, 1, 4, 8) == Indices{-2, -1, -1, 0});
  // Empty and reversed ranges give nothing.
  CHECK(nearest_indices(5, 5, 4, 8).empty());
  CHECK(nearest_indices(5, 2, 4, 8).empty());
}

TEST_CASE("nearest indices stay exact for resolutions that are not powers of two",
          "[client][resample]") {
  // 6 nm over 4 nm: centres at 3, 9, 15, 21 nm -> 4 nm voxels 0, 2, 3, 5.
  CHECK(nearest_indices(0, 4, 6, 4) == Indices{0, 2, 3, 5});
  // 4 nm over 12 nm: three destination voxels per source voxel, exactly.
  const Indices thirds = nearest_indices(0, 9, 4, 12);
  CHECK(thirds == Indices{0, 0, 0, 1, 1, 1, 2, 2, 2});
  // Far from the origin the repeats are still exact (no drift from accumulated rounding).
  const Indices far = nearest_indices(3000000000, 3000000006, 4, 12);
  CHECK(far == Indices{1000000000, 1000000000, 1000000000, 1000000001, 1000000001, 1000000001});
}

TEST_CASE("source_box is the source voxels a destination box reads", "[client][resample]") {
  // Equal resolutions: the same box.
  const Bbox b{{-5, 10, 3}, {20, 30, 9}};
  CHECK(source_box(b, {8, 8, 40}, {8, 8, 40}) == b);
  // A coarse destination over a fine source reads the voxels under its centres.
  CHECK(source_box({{0, 0, 0}, {4, 4, 1}}, {16, 16, 40}, {8, 8, 40}) == Bbox{{1, 1, 0}, {8, 8, 1}});
  // Every index nearest_indices gives lies inside the box.
  const Bbox dst{{7, -9, 2}, {40, 13, 5}};
  const Vec3d rd{4, 6, 40}, rs{8, 4, 45};
  const Bbox src = source_box(dst, rd, rs);
  for (int d = 0; d < 3; ++d)
    for (std::int64_t i : nearest_indices(dst.min[d], dst.max[d], rd[d], rs[d])) {
      CHECK(i >= src.min[d]);
      CHECK(i < src.max[d]);
    }
}

TEST_CASE("resample_nearest upsamples by repeating each source voxel", "[client][resample]") {
  const Array src = coded(DataType::kUint16, {2, 2, 1, 1});
  // 8 nm source [10, 12) x [20, 22) onto the 4 nm grid [20, 24) x [40, 44).
  const Array dst = resample_nearest(src, {{10, 20, 5}, {12, 22, 6}}, {8, 8, 40},
                                     {{20, 40, 5}, {24, 44, 6}}, {4, 4, 40});
  REQUIRE(dst.shape() == Shape4{4, 4, 1, 1});
  CHECK(dst.dtype() == DataType::kUint16);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      INFO(x << "," << y);
      CHECK(dst.at<std::uint16_t>(x, y, 0) == src.at<std::uint16_t>(x / 2, y / 2, 0));
    }
}

TEST_CASE("resample_nearest at equal grids copies the source", "[client][resample]") {
  const Array src = coded(DataType::kUint64, {5, 4, 3, 1});
  const Bbox box{{100, 200, 10}, {105, 204, 13}};
  CHECK(same_bytes(resample_nearest(src, box, {8, 8, 40}, box, {8, 8, 40}), src));
}

TEST_CASE("resample_nearest clamps reads outside the source box to its edge",
          "[client][resample]") {
  const Array src = coded(DataType::kUint8, {3, 2, 1, 1});
  // The destination reaches 2 voxels past the source on each side in x, one in y.
  const Array dst = resample_nearest(src, {{10, 10, 0}, {13, 12, 1}}, {4, 4, 40},
                                     {{8, 9, 0}, {15, 13, 1}}, {4, 4, 40});
  REQUIRE(dst.shape() == Shape4{7, 4, 1, 1});
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 7; ++x) {
      const int sx = std::clamp(x - 2, 0, 2), sy = std::clamp(y - 1, 0, 1);
      INFO(x << "," << y);
      CHECK(dst.at<std::uint8_t>(x, y, 0) == src.at<std::uint8_t>(sx, sy, 0));
    }
}

TEST_CASE("resample_nearest resamples every channel alike and keeps them apart",
          "[client][resample]") {
  const Array src = coded(DataType::kUint32, {2, 2, 2, 3});
  const Array dst =
      resample_nearest(src, {{0, 0, 0}, {2, 2, 2}}, {8, 8, 40}, {{0, 0, 0}, {4, 4, 2}}, {4, 4, 40});
  REQUIRE(dst.shape() == Shape4{4, 4, 2, 3});
  for (int c = 0; c < 3; ++c)
    for (int z = 0; z < 2; ++z)
      for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
          INFO(x << "," << y << "," << z << " channel " << c);
          CHECK(dst.at<std::uint32_t>(x, y, z, c) == src.at<std::uint32_t>(x / 2, y / 2, z, c));
        }
}

TEST_CASE("resample_nearest gives the same bytes with and without a thread pool",
          "[client][resample]") {
  const Array src = coded(DataType::kInt64, {37, 29, 5, 2});
  const Bbox src_box{{-20, 40, 3}, {17, 69, 8}};
  const Bbox dst_box{{-45, 75, 3}, {40, 145, 8}};
  const Vec3d rs{8, 8, 40}, rd{3.5, 3.5, 40};
  const Array serial = resample_nearest(src, src_box, rs, dst_box, rd);
  ThreadPool pool(3);
  const Array parallel = resample_nearest(src, src_box, rs, dst_box, rd, &pool);
  CHECK(same_bytes(serial, parallel));
  // And both are what the definition says, voxel by voxel.
  Indices idx[3];
  for (int d = 0; d < 3; ++d) {
    idx[d] = nearest_indices(dst_box.min[d], dst_box.max[d], rd[d], rs[d]);
    for (auto& v : idx[d])
      v = std::clamp<std::int64_t>(v - src_box.min[d], 0, src.shape().xyz()[d] - 1);
  }
  int wrong = 0;
  for (std::int64_t c = 0; c < 2; ++c)
    for (std::int64_t z = 0; z < dst_box.size().z; ++z)
      for (std::int64_t y = 0; y < dst_box.size().y; ++y)
        for (std::int64_t x = 0; x < dst_box.size().x; ++x)
          if (serial.at<std::int64_t>(x, y, z, c) !=
              src.at<std::int64_t>(idx[0][x], idx[1][y], idx[2][z], c))
            ++wrong;
  CHECK(wrong == 0);
}

TEST_CASE("resample_nearest onto an empty box gives an empty array", "[client][resample]") {
  const Array src = coded(DataType::kUint8, {4, 4, 1, 1});
  const Array dst =
      resample_nearest(src, {{0, 0, 0}, {4, 4, 1}}, {4, 4, 40}, {{2, 2, 0}, {2, 6, 1}}, {4, 4, 40});
  CHECK(dst.shape().count() == 0);
  CHECK(dst.shape().x == 0);
}

TEST_CASE("resample_nearest refuses to fill a box from an empty source", "[client][resample]") {
  // Clamping into an empty source has no voxel to read from.
  const Array src(DataType::kUint8, {0, 4, 1, 1});
  const auto e = error_of([&] {
    resample_nearest(src, {{0, 0, 0}, {0, 4, 1}}, {4, 4, 40}, {{0, 0, 0}, {4, 4, 1}}, {4, 4, 40});
  });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
}
