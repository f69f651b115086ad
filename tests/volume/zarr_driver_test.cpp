// The OME-Zarr driver behind open_volume: axes in any order (t, c, z, y, x; 2-D images), time
// points, channels, levels by index and pixel size, voxel offsets from the translations, label
// groups, Zarr v3 with sharding, auto-detection of unprefixed sources, reads over nginx, and the
// table of invalid groups.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <tuple>

#include "imagery/core/error.h"
#include "imagery/volume/mip.h"
#include "imagery/volume/open_volume.h"
#include "support/error_of.h"
#include "support/fault_server.h"
#include "support/nginx_server.h"
#include "zarr/zarr_test_support.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::error_of;
using imagery::testing::fixture_value;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const volume::Volume> open_fixture(const std::string& name, io::Context& ctx) {
  return volume::open_volume(data_path("zarr/" + name), ctx);
}

}  // namespace

TEST_CASE("a t,c,z,y,x image reads one time point with its channels planar", "[zarr][volume]") {
  auto ctx = imagery::testing::make_context();
  const auto v = open_fixture("tczyx.zarr", *ctx);
  const auto& m = v->metadata();
  CHECK(m.driver == "zarr");
  CHECK(m.channels == 2);
  CHECK(m.time_points == 2);
  CHECK(m.dtype == DataType::kUint16);
  REQUIRE(m.scales.size() == 2);
  CHECK(m.scales[0].resolution == Vec3d{4, 4, 40});
  CHECK(m.scales[1].resolution == Vec3d{8, 8, 40});
  // translation 0.04, 0.08, 0.4 um: 10, 20, 10 voxels of level 0, and half in x, y at level 1.
  CHECK(m.scales[0].bounds == Bbox{{10, 20, 10}, {30, 36, 13}});
  CHECK(m.scales[1].bounds == Bbox{{5, 10, 10}, {15, 18, 13}});
  CHECK(m.display_window == std::make_pair(20.0, 240.0));
  CHECK(m.tint == std::array<std::uint8_t, 3>{0, 0, 255});
  for (std::int64_t t : {0, 1}) {
    volume::ReadOptions o;
    o.time_point = t;
    const Array a = v->read({{12, 21, 11}, {30, 36, 13}}, 0, o);
    REQUIRE(a.shape() == Shape4{18, 15, 2, 2});
    int wrong = 0;
    for (std::int64_t c = 0; c < 2; ++c)
      for (std::int64_t z = 0; z < 2; ++z)
        for (std::int64_t y = 0; y < 15; ++y)
          for (std::int64_t x = 0; x < 18; ++x) {
            const std::int64_t flat = (((t * 2 + c) * 3 + z + 1) * 16 + y + 1) * 20 + x + 2;
            wrong += a.at<std::uint16_t>(x, y, z, c) != fixture_value<std::uint16_t>(flat);
          }
    CHECK(wrong == 0);
  }
  // Level 1 keeps every other voxel of level 0 in y and x.
  const Array l1 = v->read(m.scales[1].bounds, 1, {});
  CHECK(l1.at<std::uint16_t>(3, 2, 1, 1) ==
        fixture_value<std::uint16_t>((((0 * 2 + 1) * 3 + 1) * 16 + 4) * 20 + 6));
  volume::ReadOptions late;
  late.time_point = 2;
  const Error e = error_of([&] { v->read(m.scales[0].bounds, 0, late); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains("time points 0..1"));
}

TEST_CASE("a 2-D x,y image is one z, whatever the order of its axes", "[zarr][volume]") {
  auto ctx = imagery::testing::make_context();
  const auto v = open_fixture("xy.zarr", *ctx);
  const auto& m = v->metadata();
  REQUIRE(m.scales.size() == 3);
  CHECK(m.scales[0].bounds == Bbox{{0, 0, 0}, {24, 18, 1}});
  CHECK(m.scales[0].resolution == Vec3d{6, 6, 6});
  CHECK(m.scales[2].bounds == Bbox{{0, 0, 0}, {6, 4, 1}});
  const Array a = v->read(m.scales[0].bounds, 0, {});
  int wrong = 0;
  for (std::int64_t y = 0; y < 18; ++y)
    for (std::int64_t x = 0; x < 24; ++x)
      wrong += a.at<std::uint16_t>(x, y, 0) != fixture_value<std::uint16_t>(x * 18 + y);
  CHECK(wrong == 0);
}

TEST_CASE("an OME-Zarr 0.5 image in sharded Zarr v3 and its labels", "[zarr][volume][v3]") {
  auto ctx = imagery::testing::make_context();
  const auto v = open_fixture("v3image.zarr", *ctx);
  const auto& m = v->metadata();
  CHECK(m.channels == 2);
  CHECK(m.scales[0].resolution == Vec3d{4, 4, 40});
  CHECK(m.scales[0].bounds == Bbox{{10, 20, 10}, {30, 36, 14}});
  CHECK_FALSE(m.scales[0].sharding.empty());
  const Array a = v->read(m.scales[0].bounds, 0, {});
  int wrong = 0;
  for (std::int64_t c = 0; c < 2; ++c)
    for (std::int64_t z = 0; z < 4; ++z)
      for (std::int64_t y = 0; y < 16; ++y)
        for (std::int64_t x = 0; x < 20; ++x)
          wrong += a.at<std::uint8_t>(x, y, z, c) !=
                   fixture_value<std::uint8_t>(((c * 4 + z) * 16 + y) * 20 + x);
  CHECK(wrong == 0);
  const auto cells = open_fixture("v3image.zarr/labels/cells", *ctx);
  CHECK(cells->metadata().is_segmentation());
  CHECK(cells->metadata().scales[1].bounds == m.scales[1].bounds);
  REQUIRE(cells->metadata().label_colors.size() == 1);
  CHECK(cells->metadata().label_colors[0].first == 3);
  const Array l = cells->read(cells->metadata().scales[1].bounds, 1, {});
  CHECK(l.at<std::uint32_t>(4, 3, 2) ==
        static_cast<std::uint32_t>(fixture_value<std::uint32_t>((2 * 16 + 6) * 20 + 8) / 40));
  // The group's metadata lists its labels.
  bool listed = false;
  for (const auto& [k, value] : m.details) listed |= k == "label groups" && value == "cells";
  CHECK(listed);
}

TEST_CASE("image and labels of one OME-Zarr group share every level's bounds", "[zarr][volume]") {
  auto ctx = imagery::testing::make_context();
  const auto image = open_fixture("zyx.zarr", *ctx);
  const auto cells = open_fixture("zyx.zarr/labels/cells", *ctx);
  REQUIRE(image->metadata().scales.size() == cells->metadata().scales.size());
  for (std::size_t i = 0; i < image->metadata().scales.size(); ++i) {
    CHECK(image->metadata().scales[i].bounds == cells->metadata().scales[i].bounds);
    CHECK(image->metadata().scales[i].resolution == cells->metadata().scales[i].resolution);
  }
  CHECK(image->metadata().kind == volume::VolumeKind::kImage);
  CHECK(cells->metadata().kind == volume::VolumeKind::kSegmentation);
}

TEST_CASE("OME-Zarr levels by index, by exact pixel size, or the nearest", "[zarr][volume][mip]") {
  auto ctx = imagery::testing::make_context();
  const auto v = open_fixture("xy.zarr", *ctx);
  const auto& m = v->metadata();
  CHECK(volume::select_mip(m, volume::MipSelector::parse("2")) == 2);
  CHECK(volume::select_mip(m, volume::MipSelector::parse("12,12,6")) == 1);
  const Error e = error_of([&] { volume::select_mip(m, volume::MipSelector::parse("13,13,6")); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains("[12, 12, 6]"));
  auto nearest = volume::MipSelector::parse("13,13,6");
  nearest.nearest = true;
  CHECK(volume::select_mip(m, nearest) == 1);
  nearest = volume::MipSelector::parse("100,100,6");
  nearest.nearest = true;
  CHECK(volume::select_mip(m, nearest) == 2);
}

TEST_CASE("OME-Zarr reads outside the bounds: refused, or 0 when unbounded", "[zarr][volume]") {
  auto ctx = imagery::testing::make_context();
  const auto v = open_fixture("xy.zarr", *ctx);
  const Error e = error_of([&] { v->read({{-2, 0, 0}, {4, 4, 1}}, 0, {}); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  CHECK(e.remedy() == Remedy::kReadOutside);
  volume::ReadOptions o;
  o.bounded = false;
  const Array a = v->read({{-2, 16, 0}, {4, 20, 1}}, 0, o);
  CHECK(a.at<std::uint16_t>(0, 0, 0) == 0);
  CHECK(a.at<std::uint16_t>(2, 0, 0) == fixture_value<std::uint16_t>(0 * 18 + 16));
  CHECK(a.at<std::uint16_t>(3, 3, 0) == 0);  // y 19 lies outside
  const Array none = v->read({{100, 100, 0}, {102, 102, 1}}, 0, o);
  CHECK(none.at<std::uint16_t>(1, 1, 0) == 0);
}

TEST_CASE("unprefixed sources are OME-Zarr by name or by their metadata", "[zarr][volume]") {
  auto ctx = imagery::testing::make_context();
  CHECK(open_fixture("xy.zarr", *ctx)->metadata().driver == "zarr");
  CHECK(volume::open_volume("zarr://" + data_path("zarr/xy.zarr"), *ctx)->metadata().driver ==
        "zarr");
  CHECK(
      volume::open_volume("zarr2://" + data_path("zarr/xy.zarr") + "/", *ctx)->metadata().driver ==
      "zarr");
  CHECK(volume::open_volume(data_path("zarr/xy.zarr") + "|zarr2:", *ctx)->metadata().driver ==
        "zarr");
  // A group in a folder not named .zarr: no `info`, but .zattrs with multiscales.
  imagery::testing::TempDir tmp;
  fs::copy(data_path("zarr/xy.zarr"), tmp.file("plain"), fs::copy_options::recursive);
  CHECK(volume::open_volume(tmp.file("plain"), *ctx)->metadata().driver == "zarr");
  // Neither: the precomputed driver's message.
  fs::create_directory(tmp.file("empty"));
  const Error e = error_of([&] { volume::open_volume(tmp.file("empty"), *ctx); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains("info"));
  const Error z = error_of([&] { volume::open_volume("zarr://" + tmp.file("empty"), *ctx); });
  CHECK(z.code() == ErrorCode::kNotFound);
  CHECK_THAT(z.what(), Catch::Contains("no OME-Zarr group"));
  const Error arr =
      error_of([&] { volume::open_volume("zarr://" + data_path("zarr/xy.zarr/0"), *ctx); });
  CHECK(arr.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(arr.what(), Catch::Contains("is a Zarr array"));
}

TEST_CASE("OME-Zarr v2 and sharded v3 read over nginx as from disk", "[zarr][volume][http]") {
  imagery::testing::NginxServer nginx(data_path("zarr"));
  auto ctx = imagery::testing::make_context();
  for (const std::string name : {"v3image.zarr", "v3image.zarr/labels/cells", "tczyx.zarr"}) {
    INFO(name);
    const auto disk = open_fixture(name, *ctx);
    const auto http = volume::open_volume(nginx.url(name), *ctx);
    for (int mip = 0; mip < 2; ++mip) {
      const Bbox b = disk->metadata().scales[mip].bounds;
      CHECK(http->metadata().scales[mip].bounds == b);
      CHECK(imagery::testing::sha256_hex(http->read(b, mip, {})) ==
            imagery::testing::sha256_hex(disk->read(b, mip, {})));
    }
  }
}

namespace {

struct BadGroup {
  const char* name;
  const char* zattrs;
  const char* zarray;  // of dataset "0"
  ErrorCode code;
  const char* message;
};

const char* kGoodArray =
    R"({"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "order": "C",
        "fill_value": 0, "compressor": null, "filters": null})";

std::string multiscales(const std::string& axes, const std::string& transforms) {
  return R"({"multiscales": [{"version": "0.4", "axes": )" + axes +
         R"(, "datasets": [{"path": "0", "coordinateTransformations": )" + transforms + "}]}]}";
}

const std::string kYX = R"([{"name": "y", "type": "space"}, {"name": "x", "type": "space"}])";
const std::string kScale = R"([{"type": "scale", "scale": [1, 1]}])";

}  // namespace

TEST_CASE("invalid OME-Zarr groups fail with one line naming the input", "[zarr][volume]") {
  const std::string yx_good = multiscales(kYX, kScale);
  const std::string no_ms = R"({"omero": {}})";
  const std::string bad_axis =
      multiscales(R"([{"name": "q", "type": "space"}, {"name": "x", "type": "space"}])", kScale);
  const std::string one_space =
      multiscales(R"([{"name": "c", "type": "channel"}, {"name": "x", "type": "space"}])", kScale);
  const std::string four =
      multiscales(R"([{"name": "z"}, {"name": "y"}, {"name": "x"}, {"name": "z"}])", kScale);
  const std::string bad_unit = multiscales(
      R"([{"name": "y", "type": "space", "unit": "second"}, {"name": "x", "type": "space"}])",
      kScale);
  const std::string wrong_type =
      multiscales(R"([{"name": "y", "type": "time"}, {"name": "x", "type": "space"}])", kScale);
  const std::string short_scale = multiscales(kYX, R"([{"type": "scale", "scale": [1]}])");
  const std::string no_scale =
      multiscales(kYX, R"([{"type": "translation", "translation": [1, 1]}])");
  const std::string zero_scale = multiscales(kYX, R"([{"type": "scale", "scale": [0, 1]}])");
  const std::string bad_path = R"({"multiscales": [{"axes": )" + kYX +
                               R"(, "datasets": [{"path": "../x", "coordinateTransformations": )" +
                               kScale + "}]}]}";
  const BadGroup rows[] = {
      {"not JSON", "{", kGoodArray, ErrorCode::kDataLoss, "not valid JSON"},
      {"no multiscales", no_ms.c_str(), kGoodArray, ErrorCode::kDataLoss, "no 'multiscales'"},
      {"axis q", bad_axis.c_str(), kGoodArray, ErrorCode::kInvalidArgument, "axis 'q'"},
      {"one space axis", one_space.c_str(), kGoodArray, ErrorCode::kInvalidArgument, "no y"},
      {"repeated axis", four.c_str(), kGoodArray, ErrorCode::kDataLoss, "appears twice"},
      {"unit not a length", bad_unit.c_str(), kGoodArray, ErrorCode::kDataLoss, "not a length"},
      {"axis of the wrong type", wrong_type.c_str(), kGoodArray, ErrorCode::kDataLoss,
       "expected 'space'"},
      {"scale of the wrong length", short_scale.c_str(), kGoodArray, ErrorCode::kDataLoss,
       "1 values for 2 axes"},
      {"no scale", no_scale.c_str(), kGoodArray, ErrorCode::kDataLoss, "translation before"},
      {"scale 0", zero_scale.c_str(), kGoodArray, ErrorCode::kDataLoss, "not positive"},
      {"path outside the group", bad_path.c_str(), kGoodArray, ErrorCode::kDataLoss, "'../x'"},
      {"missing array", yx_good.c_str(), nullptr, ErrorCode::kDataLoss, "has no"},
      {"array of 3 dimensions", yx_good.c_str(),
       R"({"zarr_format": 2, "shape": [4, 4, 4], "chunks": [2, 2, 2], "dtype": "<u2",
           "order": "C", "fill_value": 0, "compressor": null, "filters": null})",
       ErrorCode::kDataLoss, "3 dimensions, but the multiscales have 2 axes"},
      {"chunks of the wrong rank", yx_good.c_str(),
       R"({"zarr_format": 2, "shape": [4, 4], "chunks": [2], "dtype": "<u2", "order": "C",
           "fill_value": 0, "compressor": null, "filters": null})",
       ErrorCode::kDataLoss, "dimensions but the chunks"},
      {"unknown compressor", yx_good.c_str(),
       R"({"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "order": "C",
           "fill_value": 0, "compressor": {"id": "lzma"}, "filters": null})",
       ErrorCode::kInvalidArgument, "compressor 'lzma'"},
      {"filters", yx_good.c_str(),
       R"({"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "order": "C",
           "fill_value": 0, "compressor": null, "filters": [{"id": "delta"}]})",
       ErrorCode::kInvalidArgument, "'filters'"},
      {"a label group of floats",
       R"({"image-label": {}, "multiscales": [{"axes": [{"name": "y"}, {"name": "x"}],
           "datasets": [{"path": "0", "coordinateTransformations":
           [{"type": "scale", "scale": [1, 1]}]}]}]})",
       R"({"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<f4", "order": "C",
           "fill_value": 0, "compressor": null, "filters": null})",
       ErrorCode::kDataLoss, "labels are integers"},
  };
  auto ctx = imagery::testing::make_context();
  for (const BadGroup& row : rows) {
    INFO(row.name);
    imagery::testing::TempDir tmp;
    const std::string group = tmp.file("g.zarr");
    fs::create_directories(group + "/0");
    imagery::testing::write_file(group + "/.zgroup", std::string(R"({"zarr_format": 2})"));
    imagery::testing::write_file(group + "/.zattrs", std::string(row.zattrs));
    if (row.zarray) imagery::testing::write_file(group + "/0/.zarray", std::string(row.zarray));
    const Error e = error_of([&] { volume::open_volume(group, *ctx); });
    CHECK(e.code() == row.code);
    CHECK_THAT(e.what(), Catch::Contains(row.message));
    CHECK_THAT(e.what(), Catch::Contains("g.zarr"));
  }
}

TEST_CASE("volumes without a time axis have time point 0 only", "[zarr][volume]") {
  auto ctx = imagery::testing::make_context();
  const auto pre = volume::open_volume(data_path("cloudvolume/image_raw"), *ctx);
  volume::ReadOptions o;
  o.time_point = 1;
  const Bbox b = pre->metadata().scales[0].bounds;
  const Error e = error_of([&] { pre->read({b.min, b.min + Vec3{1, 1, 1}}, 0, o); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains("no time axis"));
  const auto xy = open_fixture("xy.zarr", *ctx);
  const Error z = error_of([&] { xy->read({{0, 0, 0}, {1, 1, 1}}, 0, o); });
  CHECK(z.code() == ErrorCode::kNotFound);
}

TEST_CASE("OME-Zarr over a misbehaving server: retries, missing shards, truncated ones, 403",
          "[zarr][volume][http][faults]") {
  // Serves tests/data/zarr/v3image.zarr; the shards of level 0 answer 503 once, shard c/1/0/0/0
  // is missing (404: fill value), and level 1's shards are cut in half or forbidden on demand.
  std::atomic<int> unavailable{0};
  std::atomic<bool> truncate{false}, forbid{false};
  imagery::testing::FaultServer server([&](httplib::Server& s, imagery::testing::FaultServer&) {
    s.Get(R"(/g/(.*))", [&](const httplib::Request& req, httplib::Response& r) {
      const std::string rel = req.matches[1];
      const std::string path = data_path("zarr/v3image.zarr/" + rel);
      if (rel == "0/c/1/0/0/0" || !fs::is_regular_file(path)) {
        r.status = 404;
        return;
      }
      if (rel.rfind("0/c/", 0) == 0 && unavailable.fetch_add(1) < 2) {
        r.status = 503;
        return;
      }
      if (rel.rfind("1/c/", 0) == 0 && forbid) {
        r.status = 403;
        return;
      }
      auto bytes = imagery::testing::read_file(path);
      if (rel.rfind("1/c/", 0) == 0 && truncate) bytes.resize(bytes.size() / 2);
      r.set_content(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    "application/octet-stream");
    });
  });
  io::ContextOptions o = imagery::testing::quick_options();
  auto ctx = imagery::testing::make_context(o);
  auto disk_ctx = imagery::testing::make_context();
  const auto http = volume::open_volume("zarr://" + server.url("g"), *ctx);
  const auto disk = open_fixture("v3image.zarr", *disk_ctx);
  const Bbox b0 = disk->metadata().scales[0].bounds;
  const Array a = http->read(b0, 0, {});
  const Array d = disk->read(b0, 0, {});
  // The missing shard holds channel 1, z 0..4, y 0..8, x 0..8: fill value 0 there.
  int wrong = 0;
  for (std::int64_t c = 0; c < 2; ++c)
    for (std::int64_t z = 0; z < 4; ++z)
      for (std::int64_t y = 0; y < 16; ++y)
        for (std::int64_t x = 0; x < 20; ++x) {
          const bool missing = c == 1 && y < 8 && x < 8;
          wrong += a.at<std::uint8_t>(x, y, z, c) !=
                   (missing ? std::uint8_t{0} : d.at<std::uint8_t>(x, y, z, c));
        }
  CHECK(wrong == 0);
  CHECK(unavailable.load() >= 2);
  truncate = true;
  const Error e = error_of([&] { http->read(disk->metadata().scales[1].bounds, 1, {}); });
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK_THAT(e.what(), Catch::Contains(server.url("g/1/c/")));
  truncate = false;
  forbid = true;
  const Error f = error_of([&] { http->read(disk->metadata().scales[1].bounds, 1, {}); });
  CHECK(f.code() == ErrorCode::kPermissionDenied);
}

TEST_CASE("levels downsampled by 3 convert level-0 bounds by their factors",
          "[zarr][volume][mip]") {
  // y,x 6 x 9 at 2 nm, and 2 x 3 at 6 nm; raw chunks written by hand, translation 6 nm (3 and 1
  // voxels).
  imagery::testing::TempDir tmp;
  const std::string g = tmp.file("f3.zarr");
  fs::create_directories(g + "/0");
  fs::create_directories(g + "/1");
  imagery::testing::write_file(g + "/.zgroup", std::string(R"({"zarr_format": 2})"));
  imagery::testing::write_file(g + "/.zattrs",
                               std::string(R"({"multiscales": [{"version": "0.4", "axes": [
        {"name": "y", "type": "space", "unit": "nanometer"},
        {"name": "x", "type": "space", "unit": "nanometer"}],
        "datasets": [
          {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [2, 2]},
                                                       {"type": "translation", "translation": [6, 6]}]},
          {"path": "1", "coordinateTransformations": [{"type": "scale", "scale": [6, 6]},
                                                       {"type": "translation", "translation": [8, 8]}]}]}]})"));
  for (const auto& [level, h, w] : {std::tuple{"0", 6, 9}, std::tuple{"1", 2, 3}}) {
    imagery::testing::write_file(
        g + "/" + level + "/.zarray",
        R"({"zarr_format": 2, "shape": [)" + std::to_string(h) + ", " + std::to_string(w) +
            R"(], "chunks": [)" + std::to_string(h) + ", " + std::to_string(w) +
            R"(], "dtype": "|u1", "order": "C", "fill_value": 0, "compressor": null, "filters": null})");
    std::vector<std::byte> bytes(static_cast<std::size_t>(h * w));
    for (std::size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<std::byte>(i + (*level == '1' ? 100 : 0));
    imagery::testing::write_file(g + "/" + level + "/0.0", bytes);
  }
  auto ctx = imagery::testing::make_context();
  const auto v = volume::open_volume(g, *ctx);
  const auto& m = v->metadata();
  CHECK(m.scales[0].bounds == Bbox{{3, 3, 0}, {12, 9, 1}});
  // 8 nm at 6 nm voxels is 1.33: not whole; shifted by (6 - 2) / 2 it is exactly 1 voxel.
  CHECK(m.scales[1].bounds == Bbox{{1, 1, 0}, {4, 3, 1}});
  CHECK(m.downsample_factor(1) == Vec3d{3, 3, 1});
  const Bbox at1 = downsample_bounds({{6, 3, 0}, {12, 9, 1}}, m.downsample_factor(1));
  CHECK(at1 == Bbox{{2, 1, 0}, {4, 3, 1}});
  const Array a = v->read(at1, 1, {});
  CHECK(a.at<std::uint8_t>(0, 0, 0) == 101);  // x 2 - offset 1 = column 1 of row 0
  CHECK(a.at<std::uint8_t>(1, 1, 0) == 105);
}
