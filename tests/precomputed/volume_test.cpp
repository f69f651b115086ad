// Reading the CloudVolume-written fixture volumes from disk: every named cutout of
// MANIFEST.md and every whole mip must equal CloudVolume's arrays byte for byte.
#include "imagery/precomputed/volume.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "fixture_cutouts.h"
#include "imagery/core/error.h"
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

namespace {
// Warnings a context gives, collected.
struct Warnings {
  std::vector<std::string> seen;
  std::mutex mutex;
  void attach(io::Context& context) {
    context.set_warning_sink([this](const std::string& m) {
      std::lock_guard lock(mutex);
      seen.push_back(m);
    });
  }
};
}  // namespace

TEST_CASE("a throwing progress callback fails the cutout instead of ending the process",
          "[precomputed][volume]") {
  // It used to be called from a destructor, where a throw calls std::terminate.
  io::Context context;
  auto volume = Volume::open(data_path("cloudvolume/image_raw"), context);
  CutoutOptions options;
  int calls = 0;
  options.on_progress = [&](std::size_t, std::size_t, std::uint64_t) {
    ++calls;
    throw std::runtime_error("the caller's own failure");
  };
  CHECK_THROWS_WITH(volume.download(volume.info().scales[0].bounds(), 0, options),
                    "the caller's own failure");
  CHECK(calls >= 1);
  // A chunk that fails on its own reports that failure, not the callback's.
  options.fill_missing = false;
  auto missing = Volume::open(data_path("cloudvolume/missing_chunk"), context);
  try {
    missing.download({{40, 40, 8}, {140, 140, 37}}, 0, options);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(),
               Catch::Contains("the caller's own failure"));  // a chunk that decoded first
  }
}

TEST_CASE("a cutout whose every chunk is missing says so, even when missing chunks read 0",
          "[precomputed][volume]") {
  io::Context context;
  Warnings warnings;
  warnings.attach(context);
  auto volume = Volume::open(data_path("cloudvolume/missing_chunk"), context);
  CutoutOptions options;
  options.fill_missing = true;
  CutoutReport report;
  // The one missing chunk alone: [64,128) x [64,128) x [16,32).
  Array a = volume.download({{64, 64, 16}, {128, 128, 32}}, 0, options, &report);
  CHECK(report.chunks == 1);
  CHECK(report.missing_chunks == 1);
  REQUIRE(warnings.seen.size() == 1);
  CHECK_THAT(warnings.seen[0], Catch::Contains("every chunk") && Catch::Contains("missing_chunk"));
  // Partly missing: no warning (sparse volumes are normal).
  volume.download({{40, 40, 8}, {140, 140, 37}}, 0, options, &report);
  CHECK(report.missing_chunks == 1);
  CHECK(report.chunks > 1);
  CHECK(warnings.seen.size() == 1);
  // Wholly outside the volume, read as 0: said too.
  options.bounded = false;
  volume.download({{100000, 0, 0}, {100010, 10, 1}}, 0, options, &report);
  CHECK(report.chunks == 0);
  REQUIRE(warnings.seen.size() == 2);
  CHECK_THAT(warnings.seen[1], Catch::Contains("wholly outside"));
}

TEST_CASE("an info with a redirect is followed, never read as an empty volume",
          "[precomputed][volume][redirect]") {
  imagery::testing::TempDir dir;
  const std::string target = data_path("cloudvolume/image_raw");
  std::filesystem::create_directories(dir.file("moved"));
  imagery::testing::write_file(dir.file("moved/info"),
                               std::string(R"({"redirect": ")") + target + "\"}");
  io::Context context;
  auto volume = Volume::open(dir.file("moved"), context);
  CHECK(volume.source() == dir.file("moved"));
  CHECK(volume.info().scales.size() == Volume::open(target, context).info().scales.size());
  Array a = volume.download_mip0({{130, 60, 15}, {399, 301, 40}}, 0);
  CHECK(
      sha256_hex(a) ==
      sha256_hex(Volume::open(target, context).download_mip0({{130, 60, 15}, {399, 301, 40}}, 0)));
  // Two volumes that redirect to each other: a loop, refused.
  std::filesystem::create_directories(dir.file("a"));
  std::filesystem::create_directories(dir.file("b"));
  imagery::testing::write_file(dir.file("a/info"), R"({"redirect": ")" + dir.file("b") + "\"}");
  imagery::testing::write_file(dir.file("b/info"), R"({"redirect": ")" + dir.file("a") + "\"}");
  try {
    Volume::open(dir.file("a"), context);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("loop") && Catch::Contains(dir.file("b")));
  }
  // A chain longer than 10 hops.
  for (int i = 0; i <= 11; ++i) {
    const std::string hop = dir.file("hop" + std::to_string(i));
    std::filesystem::create_directories(hop);
    imagery::testing::write_file(
        hop + "/info", R"({"redirect": ")" + dir.file("hop" + std::to_string(i + 1)) + "\"}");
  }
  try {
    Volume::open(dir.file("hop0"), context);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("more than 10 redirects"));
  }
}
