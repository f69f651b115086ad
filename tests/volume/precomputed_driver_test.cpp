// The precomputed driver behind the volume interface: metadata as an info describes it (usable
// scales and why others are not, encodings imagery cannot decode, compressed_segmentation blocks,
// sharding), and read() returning exactly what precomputed::Volume::download returns, with every
// read option passed through.
#include "imagery/volume/internal/precomputed_driver.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <stop_token>
#include <string>

#include "imagery/core/error.h"
#include "imagery/volume/open_volume.h"
#include "support/error_of.h"
#include "support/test_context.h"
#include "support/test_support.h"

using imagery::Array;
using imagery::Bbox;
using imagery::DataType;
using imagery::ErrorCode;
using imagery::Remedy;
using imagery::Vec3;
using imagery::Vec3d;
using imagery::testing::data_path;
using imagery::testing::error_of;
using imagery::testing::TempDir;
using imagery::volume::Metadata;
using imagery::volume::PrecomputedDriver;
using imagery::volume::ReadOptions;
using imagery::volume::VolumeKind;

namespace {

// Scales of every kind the driver describes differently.
const char* kInfo = R"({
  "type": "segmentation", "data_type": "uint64", "num_channels": 1,
  "scales": [
    {"key": "Placeholder_4_4_40", "size": [256, 256, 16], "voxel_offset": [0, 0, 0],
     "resolution": [4, 4, 40], "chunk_sizes": [[64, 64, 16]], "encoding": "raw"},
    {"key": "8_8_40", "size": [128, 128, 16], "voxel_offset": [0, 0, 0], "hidden": true,
     "resolution": [8, 8, 40], "chunk_sizes": [[64, 64, 16]], "encoding": "raw"},
    {"key": "16_16_40", "size": [64, 64, 16], "voxel_offset": [-8, 4, 2],
     "resolution": [16, 16, 40], "chunk_sizes": [[32, 16, 8]], "encoding": "compressed_segmentation",
     "compressed_segmentation_block_size": [4, 8, 2]},
    {"key": "32_32_40", "size": [32, 32, 16], "resolution": [32, 32, 40],
     "chunk_sizes": [[16, 16, 16]], "encoding": "raw",
     "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "murmurhash3_x86_128",
                  "preshift_bits": 2, "minishard_bits": 3, "shard_bits": 4,
                  "minishard_index_encoding": "gzip", "data_encoding": "raw"}},
    {"key": "64_64_40", "size": [16, 16, 16], "resolution": [64, 64, 40],
     "chunk_sizes": [[16, 16, 16]], "encoding": "zfpc"}
  ]})";

std::shared_ptr<const imagery::volume::Volume> open_info(const TempDir& dir,
                                                         imagery::io::Context& context) {
  std::filesystem::create_directories(dir.path() / "vol");
  imagery::testing::write_file(dir.file("vol/info"), kInfo);
  return imagery::volume::open_volume(dir.file("vol"), context);
}

const PrecomputedDriver& driver_of(const imagery::volume::Volume& v) {
  return dynamic_cast<const PrecomputedDriver&>(v);
}

bool same_array(const Array& a, const Array& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.bytes(), b.bytes(), a.size_bytes()) == 0;
}

}  // namespace

TEST_CASE("the precomputed driver describes the volume as its info does", "[volume][precomputed]") {
  TempDir dir;
  auto context = imagery::testing::make_context();
  auto v = open_info(dir, *context);
  const Metadata& m = v->metadata();
  CHECK(m.url == dir.file("vol"));
  CHECK(m.driver == "precomputed");
  CHECK(m.dtype == DataType::kUint64);
  CHECK(m.channels == 1);
  CHECK(m.kind == VolumeKind::kSegmentation);
  CHECK(m.is_segmentation());
  REQUIRE(m.scales.size() == 5);
  // The default is the first scale that is neither a placeholder nor hidden.
  CHECK(m.default_mip == 2);

  CHECK(m.scales[0].key == "Placeholder_4_4_40");
  CHECK_FALSE(m.scales[0].usable);
  CHECK(m.scales[0].note == "placeholder");  // whatever the case of the key
  CHECK(m.scales[0].readable);
  CHECK_FALSE(m.scales[1].usable);
  CHECK(m.scales[1].note == "hidden");

  const auto& cseg = m.scales[2];
  CHECK(cseg.usable);
  CHECK(cseg.note.empty());
  CHECK(cseg.readable);
  CHECK(cseg.resolution == Vec3d{16, 16, 40});
  CHECK(cseg.bounds == Bbox{{-8, 4, 2}, {56, 68, 18}});
  CHECK(cseg.chunk_size == Vec3{32, 16, 8});
  CHECK(cseg.encoding == "compressed_segmentation");
  CHECK(cseg.encoding_detail == "block 4 x 8 x 2");
  CHECK(cseg.sharding.empty());

  const auto& sharded = m.scales[3];
  CHECK(sharded.encoding == "raw");
  CHECK(sharded.encoding_detail.empty());
  CHECK(sharded.sharding ==
        "murmurhash3, preshift 2, minishard 3, shard 4 bits, index gzip, data raw");

  // Recognised but not decoded: listed, usable in principle, but not readable.
  CHECK(m.scales[4].encoding == "zfpc");
  CHECK_FALSE(m.scales[4].readable);
  CHECK(m.scales[4].usable);
}

TEST_CASE("the precomputed driver summarises identity-hash sharding of a real volume",
          "[volume][precomputed]") {
  auto context = imagery::testing::make_context();
  auto v = imagery::volume::open_volume(data_path("cloudvolume/seg_sharded_identity"), *context);
  const Metadata& m = v->metadata();
  REQUIRE(m.scales.size() == 2);
  CHECK(m.scales[0].sharding ==
        "identity, preshift 3, minishard 1, shard 2 bits, index gzip, data raw");
  CHECK(m.scales[0].encoding_detail == "block 8 x 8 x 8");
  CHECK(m.default_mip == 0);
}

TEST_CASE("the precomputed driver's native metadata is the validated info",
          "[volume][precomputed]") {
  TempDir dir;
  auto context = imagery::testing::make_context();
  auto v = open_info(dir, *context);
  const auto& info = driver_of(*v).precomputed().info();
  const std::string native = v->native_metadata_json();
  // It reads back to the same info (the hidden flag, block size and sharding included).
  const auto again = imagery::precomputed::parse_info(native, "native");
  CHECK(imagery::precomputed::info_to_json(again) == imagery::precomputed::info_to_json(info));
  CHECK_THAT(native, Catch::Contains("\"hidden\"") && Catch::Contains("murmurhash3_x86_128"));
}

TEST_CASE("a precomputed driver read equals precomputed::Volume::download",
          "[volume][precomputed]") {
  auto context = imagery::testing::make_context();
  for (const char* name : {"image_raw", "image_jpeg", "seg_cseg", "seg_sharded_murmur"}) {
    auto v = imagery::volume::open_volume(data_path(std::string("cloudvolume/") + name), *context);
    const auto& pv = driver_of(*v).precomputed();
    for (int mip = 0; mip < static_cast<int>(v->metadata().scales.size()); ++mip) {
      const Bbox whole = v->metadata().scale(mip).bounds;
      // The whole scale, and a box that straddles chunk borders.
      const Bbox part{whole.min + Vec3{3, 5, 1}, whole.min + Vec3{70, 40, 20}};
      for (const Bbox& box : {whole, part}) {
        INFO(name << " mip " << mip << " " << box.to_string());
        const Array a = v->read(box, mip, {});
        const Array b = pv.download(box, mip);
        CHECK(a.shape().xyz() == box.size());
        CHECK(same_array(a, b));
      }
    }
  }
}

TEST_CASE("a precomputed driver read passes fill_missing and bounded on", "[volume][precomputed]") {
  auto context = imagery::testing::make_context();
  auto v = imagery::volume::open_volume(data_path("cloudvolume/missing_chunk"), *context);
  const auto& pv = driver_of(*v).precomputed();
  const Bbox whole = v->metadata().scale(0).bounds;

  // A missing chunk: an error by default, zeros when asked.
  const auto e = error_of([&] { v->read(whole, 0, {}); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(e.remedy() == Remedy::kFillMissing);
  ReadOptions fill;
  fill.fill_missing = true;
  imagery::precomputed::CutoutOptions fill_cutout;
  fill_cutout.fill_missing = true;
  CHECK(same_array(v->read(whole, 0, fill), pv.download(whole, 0, fill_cutout)));

  // Outside the volume: an error when bounded, zeros otherwise.
  const Bbox outside{{-10, -10, 0}, {20, 20, 4}};
  const auto out = error_of([&] { v->read(outside, 0, fill); });
  CHECK(out.code() == ErrorCode::kInvalidArgument);
  CHECK(out.remedy() == Remedy::kReadOutside);
  ReadOptions unbounded = fill;
  unbounded.bounded = false;
  imagery::precomputed::CutoutOptions unbounded_cutout = fill_cutout;
  unbounded_cutout.bounded = false;
  const Array a = v->read(outside, 0, unbounded);
  CHECK(a.shape().xyz() == outside.size());
  CHECK(same_array(a, pv.download(outside, 0, unbounded_cutout)));
}

TEST_CASE("a precomputed driver read passes the memory limit, progress and cancellation on",
          "[volume][precomputed]") {
  auto context = imagery::testing::make_context();
  auto v = imagery::volume::open_volume(data_path("cloudvolume/image_raw"), *context);
  const Bbox whole = v->metadata().scale(0).bounds;

  ReadOptions small;
  small.max_output_bytes = 1000;
  const auto e = error_of([&] { v->read(whole, 0, small); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK(e.remedy() == Remedy::kRaiseMemoryBudget);

  ReadOptions progress;
  std::atomic<std::size_t> calls{0}, last_total{0};
  progress.on_progress = [&](std::size_t, std::size_t total, std::uint64_t) {
    calls++;
    last_total = total;
  };
  v->read(whole, 0, progress);
  CHECK(calls.load() > 0);
  CHECK(last_total.load() == calls.load());

  std::stop_source stop;
  stop.request_stop();
  ReadOptions cancelled;
  cancelled.stop = stop.get_token();
  CHECK(error_of([&] { v->read(whole, 0, cancelled); }).code() == ErrorCode::kCancelled);
}
