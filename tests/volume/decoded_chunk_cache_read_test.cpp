// Reads through the context's decoded-chunk cache return exactly what reads without it return:
// every precomputed encoding (the CloudVolume fixtures of tests/data/cloudvolume — raw, jpeg,
// compressed_segmentation, sharded with either hash, a missing chunk — and volumes written here
// in png, jxl, gzip'd raw, compresso and crackle), every Zarr fixture of tests/data/zarr (v2 and
// v3, sharded included) and the OME-Zarr images, cold and warm and in overlapping boxes. Also the
// budget under many chunks, and a chunk that fails to decode: never kept, so once the file is
// repaired the same context reads it right.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "compresso_encoder.h"
#include "crackle_encoder.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/volume.h"
#include "imagery/precomputed/volume_writer.h"
#include "imagery/volume/open_volume.h"
#include "imagery/zarr/array.h"
#include "precomputed/label_arrays.h"
#include "precomputed/label_blocks.h"
#include "support/error_of.h"
#include "support/test_context.h"
#include "support/test_support.h"
#include "zarr/zarr_test_support.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::error_of;
using imagery::testing::same;
using imagery::testing::TempDir;

namespace {

io::ContextOptions cached_options(std::size_t bytes = std::size_t{64} << 20) {
  io::ContextOptions o = imagery::testing::quick_options();
  o.decoded_cache_bytes = bytes;
  return o;
}

// Boxes of a scale: the whole of it, one voxel at each end, and one across chunk corners.
std::vector<Bbox> boxes_of(const volume::ScaleInfo& s) {
  const Bbox b = s.bounds;
  const Vec3 size = b.size();
  const Vec3 mid = b.min + Vec3{size.x / 3, size.y / 3, size.z / 3};
  Vec3 far = mid + s.chunk_size;
  for (int d = 0; d < 3; ++d) far[d] = std::min(far[d], b.max[d]);
  return {b, {b.min, b.min + Vec3{1, 1, 1}}, {b.max - Vec3{1, 1, 1}, b.max}, {mid, far}};
}

// Every scale of `url` read through a context without the cache and one with it (twice: cold,
// then from the cache); returns how many reads differed, and checks the cache was used.
int mismatched_reads(const std::string& url, bool fill_missing = false) {
  auto plain = imagery::testing::make_context();
  auto cached = imagery::testing::make_context(cached_options());
  auto a = volume::open_volume(url, *plain);
  auto b = volume::open_volume(url, *cached);
  volume::ReadOptions options;
  options.fill_missing = fill_missing;
  int mismatches = 0;
  for (int mip = 0; mip < static_cast<int>(a->metadata().scales.size()); ++mip) {
    if (!a->metadata().scales[mip].readable) continue;
    for (int pass = 0; pass < 2; ++pass)
      for (const Bbox& box : boxes_of(a->metadata().scales[mip])) {
        const Array want = a->read(box, mip, options);
        const Array got = b->read(box, mip, options);
        if (!same(want, got)) {
          UNSCOPED_INFO(url << " mip " << mip << " box " << box.to_string() << " pass " << pass
                            << " differs");
          ++mismatches;
        }
      }
  }
  const LruCacheStats stats = cached->decoded_chunks().stats();
  INFO(url << ": " << stats.hits << " hits, " << stats.entries << " entries");
  CHECK(stats.hits > 0);
  CHECK(stats.entries > 0);
  CHECK(plain->decoded_chunks().stats().entries == 0);
  return mismatches;
}

std::string chunk_file_name(const Bbox& cell) {
  return std::to_string(cell.min.x) + "-" + std::to_string(cell.max.x) + "_" +
         std::to_string(cell.min.y) + "-" + std::to_string(cell.max.y) + "_" +
         std::to_string(cell.min.z) + "-" + std::to_string(cell.max.z);
}

// A one-scale uint64 segmentation of 40 x 30 x 6 in chunks of 16 x 16 x 4, each chunk encoded by
// `encode`.
template <class Encode>
void write_label_volume(const TempDir& dir, const std::string& encoding, Encode encode) {
  imagery::testing::write_file(dir.file("info"), R"({"type": "segmentation",
    "data_type": "uint64", "num_channels": 1, "scales": [{"key": "s", "size": [40, 30, 6],
    "resolution": [8, 8, 40], "chunk_sizes": [[16, 16, 4]], "encoding": ")" +
                                                     encoding + R"("}]})");
  std::filesystem::create_directories(dir.file("s"));
  const Array whole = imagery::testing::label_array(DataType::kUint64, {40, 30, 6}, 11, 6);
  for (std::int64_t z = 0; z < 6; z += 4)
    for (std::int64_t y = 0; y < 30; y += 16)
      for (std::int64_t x = 0; x < 40; x += 16) {
        const Bbox cell{{x, y, z},
                        {std::min<std::int64_t>(x + 16, 40), std::min<std::int64_t>(y + 16, 30),
                         std::min<std::int64_t>(z + 4, 6)}};
        imagery::testing::write_file(dir.file("s/" + chunk_file_name(cell)),
                                     encode(imagery::testing::crop(whole, cell)));
      }
}

// An image volume written by our writer in `encoding`.
void write_image_volume(const TempDir& dir, precomputed::Encoding encoding, DataType dtype,
                        int channels, bool gzip) {
  precomputed::VolumeInfo info;
  info.type = "image";
  info.data_type = dtype;
  info.num_channels = channels;
  precomputed::Scale s;
  s.key = "s0";
  s.size = {45, 38, 11};
  s.voxel_offset = {-17, 5, -3};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {{16, 16, 4}};
  s.encoding = encoding;
  info.scales = {s};
  precomputed::VolumeWriter writer(dir.path().string(), info);
  Array data(dtype, {45, 38, 11, channels});
  for (std::size_t i = 0; i < data.size_bytes(); ++i)
    data.bytes()[i] = static_cast<std::byte>((i * 37 + i / 91) & 0xff);
  precomputed::WriteOptions options;
  options.gzip = gzip;
  writer.write(data, s.bounds(), 0, options);
}

}  // namespace

TEST_CASE("reads through the decoded-chunk cache equal reads without it, every CloudVolume fixture",
          "[volume][decoded_cache]") {
  for (const char* name :
       {"image_raw", "image_jpeg", "seg_cseg", "seg_sharded_identity", "seg_sharded_murmur"})
    CHECK(mismatched_reads(data_path(std::string("cloudvolume/") + name)) == 0);
  CHECK(mismatched_reads(data_path("cloudvolume/missing_chunk"), /*fill_missing=*/true) == 0);
}

TEST_CASE("reads through the decoded-chunk cache equal reads without it, every other encoding",
          "[volume][decoded_cache]") {
  using precomputed::Encoding;
  SECTION("png") {
    TempDir dir;
    write_image_volume(dir, Encoding::kPng, DataType::kUint16, 3, false);
    CHECK(mismatched_reads(dir.path().string()) == 0);
  }
  SECTION("jxl") {
    TempDir dir;
    write_image_volume(dir, Encoding::kJxl, DataType::kUint8, 1, false);
    CHECK(mismatched_reads(dir.path().string()) == 0);
  }
  SECTION("raw, gzip'd, 2 channels of float32") {
    TempDir dir;
    write_image_volume(dir, Encoding::kRaw, DataType::kFloat32, 2, true);
    CHECK(mismatched_reads(dir.path().string()) == 0);
  }
  SECTION("compresso") {
    TempDir dir;
    write_label_volume(dir, "compresso",
                       [](const Array& a) { return imagery::testing::encode_compresso(a); });
    CHECK(mismatched_reads(dir.path().string()) == 0);
  }
  SECTION("crackle") {
    TempDir dir;
    write_label_volume(dir, "crackle",
                       [](const Array& a) { return imagery::testing::encode_crackle(a); });
    CHECK(mismatched_reads(dir.path().string()) == 0);
  }
}

TEST_CASE("reads through the decoded-chunk cache equal reads without it, every Zarr fixture",
          "[volume][zarr][decoded_cache]") {
  auto plain = imagery::testing::make_context();
  auto cached = imagery::testing::make_context(cached_options());
  int arrays = 0;
  for (const auto& [group, format] : {std::pair{"v2", 2}, std::pair{"v3", 3}})
    for (const auto& entry : std::filesystem::directory_iterator(data_path("zarr/") + group)) {
      if (!entry.is_directory()) continue;
      const std::string name = entry.path().filename().string();
      const auto open = [&](io::Context& context) {
        return zarr::ZarrArray::open(
            imagery::testing::storage_at(data_path("zarr/") + group, context), name, format, name);
      };
      const zarr::ZarrArray a = open(*plain), b = open(*cached);
      const auto& m = a.metadata();
      // The whole array, its first half on every axis, then its second (overlapping by one).
      std::vector<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> regions;
      regions.emplace_back(std::vector<std::int64_t>(m.rank(), 0), m.shape);
      std::vector<std::int64_t> half(m.rank()), zero(m.rank(), 0);
      for (std::size_t d = 0; d < m.rank(); ++d) half[d] = (m.shape[d] + 1) / 2;
      regions.emplace_back(zero, half);
      for (std::size_t d = 0; d < m.rank(); ++d) half[d] = std::max<std::int64_t>(0, half[d] - 1);
      regions.emplace_back(half, m.shape);
      for (int pass = 0; pass < 2; ++pass)
        for (const auto& [start, stop] : regions) {
          std::vector<std::int64_t> shape(m.rank());
          std::int64_t count = 1;
          for (std::size_t d = 0; d < m.rank(); ++d) count *= shape[d] = stop[d] - start[d];
          const std::size_t bytes = static_cast<std::size_t>(count) * dtype_size(m.dtype);
          std::vector<std::byte> want(bytes), got(bytes);
          zarr::Region r{start, stop, want.data(), imagery::testing::c_order_strides(shape)};
          a.read(r);
          r.out = got.data();
          zarr::ReadControl control;
          control.decoded_chunks = &cached->decoded_chunks();
          b.read(r, control);
          INFO(group << "/" << name << " pass " << pass);
          CHECK(want == got);
        }
      ++arrays;
    }
  CHECK(arrays > 40);
  CHECK(cached->decoded_chunks().stats().hits > 0);
}

TEST_CASE("reads through the decoded-chunk cache equal reads without it, OME-Zarr images",
          "[volume][zarr][decoded_cache]") {
  for (const char* name : {"xy.zarr", "zyx.zarr", "tczyx.zarr", "v3image.zarr"})
    CHECK(mismatched_reads(data_path(std::string("zarr/") + name)) == 0);
}

TEST_CASE("the decoded-chunk cache keeps to its budget over a read of many chunks",
          "[volume][decoded_cache]") {
  // 64 chunks of 16 x 16 x 4 x 2 bytes (2 KB each) through a 24 KB cache.
  TempDir dir;
  write_image_volume(dir, precomputed::Encoding::kRaw, DataType::kUint16, 1, false);
  auto plain = imagery::testing::make_context();
  auto cached = imagery::testing::make_context(cached_options(24 << 10));
  auto a = volume::open_volume(dir.path().string(), *plain);
  auto b = volume::open_volume(dir.path().string(), *cached);
  const Bbox whole = a->metadata().scales[0].bounds;
  for (int pass = 0; pass < 2; ++pass) CHECK(same(a->read(whole, 0, {}), b->read(whole, 0, {})));
  const LruCacheStats stats = cached->decoded_chunks().stats();
  CHECK(stats.bytes <= std::size_t{24} << 10);
  CHECK(stats.entries > 0);
  CHECK(stats.evictions > 0);
}

TEST_CASE("a chunk that fails to decode is not kept by the decoded-chunk cache",
          "[volume][decoded_cache]") {
  TempDir dir;
  write_label_volume(dir, "compresso",
                     [](const Array& a) { return imagery::testing::encode_compresso(a); });
  const std::string file = dir.file("s/16-32_0-16_0-4");
  const auto good = imagery::testing::read_file(file);
  auto bad = good;
  bad[4] = std::byte{7};  // the format version
  imagery::testing::write_file(file, bad);

  auto plain = imagery::testing::make_context();
  auto cached = imagery::testing::make_context(cached_options());
  auto b = volume::open_volume(dir.path().string(), *cached);
  const Bbox whole{{0, 0, 0}, {40, 30, 6}};
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Error e = error_of([&] { b->read(whole, 0, {}); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("16-32_0-16_0-4"));
  }
  // Every chunk but the bad one is kept.
  CHECK(cached->decoded_chunks().stats().entries == 11);
  imagery::testing::write_file(file, good);
  auto a = volume::open_volume(dir.path().string(), *plain);
  CHECK(same(a->read(whole, 0, {}), b->read(whole, 0, {})));
  CHECK(cached->decoded_chunks().stats().entries == 12);
}

TEST_CASE("concurrent reads of the same chunks through the decoded-chunk cache all read right",
          "[volume][decoded_cache]") {
  // Four threads read overlapping boxes of a fresh cache at once, so that some wait for chunks
  // another is decoding; every read equals the read without the cache.
  const std::string url = data_path("cloudvolume/seg_sharded_murmur");
  auto plain = imagery::testing::make_context();
  auto cached = imagery::testing::make_context(cached_options());
  auto a = volume::open_volume(url, *plain);
  auto b = volume::open_volume(url, *cached);
  const Bbox whole = a->metadata().scales[0].bounds;
  std::vector<Bbox> boxes;
  for (int t = 0; t < 4; ++t)
    boxes.push_back({whole.min + Vec3{t * 10, t * 5, 0}, whole.max - Vec3{(3 - t) * 10, 0, 0}});
  std::vector<Array> want, got(boxes.size());
  for (const Bbox& box : boxes) want.push_back(a->read(box, 0, {}));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < boxes.size(); ++t)
    threads.emplace_back([&, t] {
      try {
        got[t] = b->read(boxes[t], 0, {});
      } catch (...) {
        // got[t] stays empty and differs below.
      }
    });
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < boxes.size(); ++t) {
    INFO("thread " << t << " box " << boxes[t].to_string());
    CHECK(same(want[t], got[t]));
  }
}
