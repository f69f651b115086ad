// Regions in voxels, nm, µm and fractions, and the level that serves an output size: the
// coarsest mip whose pixels are no coarser than the output's.
#include "imagery/rendering/region.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"

using namespace imagery;
using rendering::LevelRequest;
using rendering::RegionRequest;
using rendering::RegionUnits;

namespace {

// A 16384 x 12288 x 64 section stack at 4 nm with a 6-level pyramid (4 .. 128 nm in x and y).
volume::Metadata pyramid() {
  volume::Metadata m;
  m.url = "test://pyramid";
  for (int i = 0; i < 6; ++i) {
    volume::ScaleInfo s;
    const double f = 1 << i;
    s.key = std::to_string(i);
    s.resolution = {4 * f, 4 * f, 40};
    s.bounds = {{0, 0, 0}, {16384 >> i, 12288 >> i, 64}};
    s.chunk_size = {256, 256, 16};
    m.scales.push_back(s);
  }
  return m;
}

RegionRequest bounds(Vec3d lo, Vec3d hi, RegionUnits units) {
  RegionRequest r;
  r.kind = RegionRequest::Kind::kBounds;
  r.min = lo;
  r.max = hi;
  r.units = units;
  return r;
}

}  // namespace

TEST_CASE("physical bounds become voxels as floor(min / res), ceil(max / res)",
          "[rendering][region]") {
  const volume::Metadata m = pyramid();
  CHECK(rendering::region_voxels(bounds({10, 20, 5}, {30, 40, 6}, RegionUnits::kVoxels), m) ==
        Bbox{{10, 20, 5}, {30, 40, 6}});
  CHECK(rendering::region_voxels(bounds({10, 21, 400}, {30, 41, 441}, RegionUnits::kNanometres),
                                 m) == Bbox{{2, 5, 10}, {8, 11, 12}});
  CHECK(rendering::region_voxels(bounds({1, 2, 0.4}, {2, 4, 0.8}, RegionUnits::kMicrometres), m) ==
        Bbox{{250, 500, 10}, {500, 1000, 20}});
  CHECK(rendering::region_voxels(bounds({0, 0.5, 0}, {0.25, 1, 1}, RegionUnits::kFraction), m) ==
        Bbox{{0, 6144, 0}, {4096, 12288, 64}});
  CHECK_THROWS_AS(
      rendering::region_voxels(bounds({0, 0, 0}, {1.5, 1, 1}, RegionUnits::kFraction), m), Error);
  RegionRequest c;
  c.kind = RegionRequest::Kind::kCenterSize;
  c.center = {100, 100, 7};
  c.size = {11, 10, 0};
  c.has_depth = false;
  CHECK(rendering::region_voxels(c, m) == Bbox{{95, 95, 7}, {106, 105, 8}});
  c.units = RegionUnits::kNanometres;
  c.center = {400, 400, 95};
  c.size = {80, 40, 0};
  CHECK(rendering::region_voxels(c, m) == Bbox{{90, 95, 2}, {110, 105, 3}});
}

TEST_CASE("max-size and pixel-size levels pick the coarsest mip that is fine enough",
          "[rendering][region]") {
  const volume::Metadata m = pyramid();
  const Bbox whole{{0, 0, 32}, {16384, 12288, 33}};
  struct Case {
    LevelRequest::Kind kind;
    std::int64_t w, h;
    double nm;
    int mip;
    std::int64_t out_w, out_h;
  };
  const Case cases[] = {
      {LevelRequest::Kind::kMaxSize, 256, 256, 0, 5, 256, 192},   // 256 nm pixels -> 128 nm
      {LevelRequest::Kind::kMaxSize, 512, 512, 0, 5, 512, 384},   // 128 nm -> exactly mip 5
      {LevelRequest::Kind::kMaxSize, 600, 600, 0, 4, 600, 450},   // 109 nm -> 64 nm
      {LevelRequest::Kind::kMaxSize, 1000, 100, 0, 5, 133, 100},  // height limits: 491 nm
      {LevelRequest::Kind::kMaxSize, 16384, 16384, 0, 0, 16384, 12288},
      {LevelRequest::Kind::kMaxSize, 99999, 99999, 0, 0, 16384, 12288},  // never enlarged
      {LevelRequest::Kind::kPixelSize, 0, 0, 10, 1, 6554, 4915},         // 8 nm is fine enough
      {LevelRequest::Kind::kPixelSize, 0, 0, 64, 4, 1024, 768},
      {LevelRequest::Kind::kPixelSize, 0, 0, 1000, 5, 66, 49},
      {LevelRequest::Kind::kPixelSize, 0, 0, 3, 0, 21845, 16384},  // none fine enough: finest
  };
  for (const Case& c : cases) {
    LevelRequest l;
    l.kind = c.kind;
    l.max_width = c.w;
    l.max_height = c.h;
    l.pixel_nm = c.nm;
    const rendering::LevelChoice got = rendering::choose_level(m, whole, l);
    INFO(c.w << "," << c.h << " / " << c.nm << " nm");
    CHECK(got.mip == c.mip);
    CHECK(got.width == c.out_w);
    CHECK(got.height == c.out_h);
    // The read box covers the region at that mip.
    CHECK(got.read_box.min.x == 0);
    CHECK(got.read_box.max.x == 16384 >> c.mip);
  }
}

TEST_CASE("a region off the level's grid is read whole and averaged from its exact part",
          "[rendering][region]") {
  const volume::Metadata m = pyramid();
  LevelRequest l;
  l.kind = LevelRequest::Kind::kMaxSize;
  l.max_width = 10;
  const rendering::LevelChoice c = rendering::choose_level(m, {{3, 5, 0}, {103, 45, 1}}, l);
  CHECK(c.mip == 3);  // 40 nm pixels: 32 nm is the coarsest fine enough
  CHECK(c.width == 10);
  CHECK(c.height == 4);
  CHECK(c.read_box.min == Vec3{0, 0, 0});
  CHECK(c.read_box.max == Vec3{13, 6, 1});
  CHECK(c.x0 == Approx(3.0 / 8));
  CHECK(c.x1 == Approx(103.0 / 8));
  CHECK(c.resampled);
  // --mip reads that level at its own pixels.
  l.kind = LevelRequest::Kind::kMip;
  l.mip = 2;
  const rendering::LevelChoice at2 = rendering::choose_level(m, {{8, 8, 0}, {72, 40, 1}}, l);
  CHECK(at2.width == 16);
  CHECK(at2.height == 8);
  CHECK_FALSE(at2.resampled);
  l.mip = 9;
  CHECK_THROWS_AS(rendering::choose_level(m, {{8, 8, 0}, {72, 40, 1}}, l), Error);
}

TEST_CASE("anisotropic levels: both x and y must be fine enough", "[rendering][region]") {
  volume::Metadata m = pyramid();
  m.scales[3].resolution = {32, 64, 40};  // y coarser than the pixel below
  LevelRequest l;
  l.kind = LevelRequest::Kind::kPixelSize;
  l.pixel_nm = 40;
  CHECK(rendering::choose_level(m, {{0, 0, 0}, {4000, 4000, 1}}, l).mip == 2);
  CHECK(rendering::finest_enough_mip(m, 64, 64) == 4);
}
