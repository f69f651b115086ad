// Reading the CloudVolume-written fixture volumes from disk: every named cutout of
// MANIFEST.md and every whole mip must equal CloudVolume's arrays byte for byte.
#include "imagery/precomputed/volume.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "fixture_cutouts.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::data_path;
using imagery::testing::sha256_hex;

using imagery::testing::named_cutouts;
using imagery::testing::truth_mips;

TEST_CASE("named cutouts of the CloudVolume fixtures match byte for byte",
          "[precomputed][volume]") {
  for (const auto& c : named_cutouts(false)) {
    SECTION(c.name) {
      auto volume = Volume::open(data_path(std::string("cloudvolume/") + c.volume));
      CutoutOptions options;
      options.fill_missing = c.fill_missing;
      Array a = volume.download_mip0(c.mip0_bounds, c.mip, options);
      CHECK(a.shape() == c.shape);
      CHECK(a.dtype() == c.dtype);
      CHECK(sha256_hex(a) == c.sha256);
    }
  }
}

TEST_CASE("whole mips of every unsharded fixture volume equal the truth arrays",
          "[precomputed][volume]") {
  auto truth = truth_mips();
  REQUIRE(truth.size() >= 9);
  for (const auto& t : truth) {
    if (t.volume.find("sharded") != std::string::npos) continue;
    SECTION(t.volume + " mip " + std::to_string(t.mip)) {
      auto volume = Volume::open(data_path("cloudvolume/" + t.volume));
      const Scale& s = volume.info().scale(t.mip, t.volume);
      CutoutOptions options;
      options.fill_missing = t.volume == "missing_chunk";
      Array a = volume.download(s.bounds(), t.mip, options);
      CHECK(a.shape() == t.shape);
      CHECK(std::string(dtype_name(a.dtype())) == t.dtype);
      CHECK(sha256_hex(a) == t.sha256);
    }
  }
}

TEST_CASE("a missing chunk is an error naming the file unless fill_missing is on",
          "[precomputed][volume]") {
  auto volume = Volume::open(data_path("cloudvolume/missing_chunk"));
  Bbox bounds{{40, 40, 8}, {140, 140, 37}};
  try {
    volume.download(bounds, 0);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("64-128_64-128_16-32"));
  }
  CutoutOptions fill;
  fill.fill_missing = true;
  Array a = volume.download(bounds, 0, fill);
  // The missing chunk covers x 64..128, y 64..128, z 16..32: zeros there.
  CHECK(a.at<std::uint16_t>(70 - 40, 70 - 40, 20 - 8) == 0);
  CHECK(a.at<std::uint16_t>(127 - 40, 127 - 40, 31 - 8) == 0);
  CHECK(a.at<std::uint16_t>(128 - 40, 127 - 40, 31 - 8) != 0);  // next chunk has data
}

TEST_CASE("bounds outside the volume fail naming both boxes unless unbounded",
          "[precomputed][volume]") {
  auto volume = Volume::open(data_path("cloudvolume/image_raw"));
  Bbox bounds{{-20, 30, 6}, {120, 150, 19}};
  try {
    volume.download(bounds, 0);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("[-20, 30, 6] .. [120, 150, 19]"));
    CHECK_THAT(e.what(), Catch::Contains("[100, 36, 12] .. [400, 306, 49]"));
  }
  CutoutOptions unbounded;
  unbounded.bounded = false;
  Array a = volume.download(bounds, 0, unbounded);
  REQUIRE(a.shape() == Shape4{140, 120, 13, 1});
  Array inside = volume.download({{100, 36, 12}, {120, 150, 19}}, 0);
  std::int64_t outside_nonzero = 0, mismatches = 0;
  for (std::int64_t z = 0; z < 13; ++z)
    for (std::int64_t y = 0; y < 120; ++y)
      for (std::int64_t x = 0; x < 140; ++x) {
        const Vec3 p{x - 20, y + 30, z + 6};
        const bool in = p.x >= 100 && p.y >= 36 && p.z >= 12;
        const auto v = a.at<std::uint8_t>(x, y, z);
        if (!in)
          outside_nonzero += v != 0;
        else
          mismatches += v != inside.at<std::uint8_t>(p.x - 100, p.y - 36, p.z - 12);
      }
  CHECK(outside_nonzero == 0);
  CHECK(mismatches == 0);
}

TEST_CASE("a box wholly outside the volume reads as zeros when unbounded",
          "[precomputed][volume]") {
  auto volume = Volume::open(data_path("cloudvolume/seg_cseg"));
  CutoutOptions unbounded;
  unbounded.bounded = false;
  Array a = volume.download({{1000, 1000, 0}, {1010, 1005, 2}}, 0, unbounded);
  REQUIRE(a.shape() == Shape4{10, 5, 2, 1});
  for (std::int64_t i = 0; i < 100; ++i) CHECK(a.data<std::uint64_t>()[i] == 0);
}

TEST_CASE("mip-0 bounds convert to coarser mips by floor and ceil", "[precomputed][volume]") {
  auto volume = Volume::open(data_path("cloudvolume/image_raw"));
  CHECK(volume.mip0_to_mip({{131, 61, 20}, {331, 251, 28}}, 1) ==
        Bbox{{65, 30, 20}, {166, 126, 28}});
  CHECK(volume.mip0_to_mip({{131, 61, 20}, {331, 251, 28}}, 2) == Bbox{{32, 15, 20}, {83, 63, 28}});
  CHECK(volume.mip0_to_mip({{-3, -4, 0}, {5, 4, 1}}, 1) == Bbox{{-2, -2, 0}, {3, 2, 1}});
}

TEST_CASE("opening a folder without info is a not-found error naming it", "[precomputed][volume]") {
  imagery::testing::TempDir dir;
  try {
    Volume::open(dir.path().string());
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains(dir.path().string()));
  }
}
