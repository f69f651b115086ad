// Every encoding x dtype x channel count the reader supports, written by our
// writer into volumes with awkward geometry (negative offsets, sizes that are not
// chunk multiples, per-scale chunk sizes, gzip or not) and read back through
// cutouts that straddle chunk edges. Lossless codecs must round-trip exactly,
// jpeg within a small error.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "imagery/core/png.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/codec_png.h"
#include "imagery/precomputed/volume.h"
#include "imagery/precomputed/volume_writer.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {

struct Combo {
  Encoding encoding;
  DataType dtype;
  int channels;
  bool gzip;
};

std::string describe(const Combo& c) {
  return std::string(encoding_name(c.encoding)) + " " + std::string(dtype_name(c.dtype)) + " x" +
         std::to_string(c.channels) + (c.gzip ? " gzip" : "");
}

// Smooth data for jpeg (so the lossy error stays small), labels for segmentation, noise otherwise.
Array make_data(const Combo& c, const Vec3& s, unsigned seed) {
  Array a(c.dtype, {s.x, s.y, s.z, c.channels});
  std::mt19937_64 rng(seed);
  visit_dtype(c.dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = a.data<T>();
    for (std::int64_t ch = 0; ch < c.channels; ++ch)
      for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
          for (std::int64_t x = 0; x < s.x; ++x) {
            T v;
            if (c.encoding == Encoding::kJpeg)
              v = static_cast<T>(128 + 60 * std::sin(0.07 * x + 0.05 * y + 0.3 * z + ch));
            else if (c.encoding == Encoding::kCompressedSegmentation)
              v = static_cast<T>((x / 7 + 3 * (y / 5) + 11 * (z / 3)) * 2654435761ull + (ch << 20));
            else if constexpr (std::is_floating_point_v<T>)
              v = static_cast<T>(static_cast<double>(rng() % 100000) / 7.0 - 5000.0);
            else
              v = static_cast<T>(rng());
            p[a.index(x, y, z, ch)] = v;
          }
  });
  return a;
}

VolumeInfo make_info(const Combo& c) {
  VolumeInfo info;
  info.type = c.encoding == Encoding::kCompressedSegmentation ? "segmentation" : "image";
  info.data_type = c.dtype;
  info.num_channels = c.channels;
  Scale s0;
  s0.key = "s0";
  s0.size = {45, 38, 11};
  s0.voxel_offset = {-17, 5, -3};
  s0.resolution = {4, 4, 40};
  s0.chunk_sizes = {{16, 16, 4}};
  s0.encoding = c.encoding;
  if (c.encoding == Encoding::kCompressedSegmentation)
    s0.compressed_segmentation_block_size = {8, 4, 3};
  Scale s1 = s0;
  s1.key = "nested/s1";
  s1.size = {23, 19, 11};
  s1.voxel_offset = {-9, 2, -3};
  s1.resolution = {8, 8, 40};
  s1.chunk_sizes = {{10, 7, 11}};
  info.scales = {s0, s1};
  return info;
}

struct Difference {
  std::int64_t voxels = 0;  // how many differ
  double worst = 0;         // largest absolute error
  double mean = 0;          // mean absolute error over all voxels
};

// Compares a cutout with the same box of the source data.
Difference compare(const Array& cut, const Array& src, const Bbox& box, const Bbox& src_box) {
  std::int64_t diff = 0;
  double worst = 0, total = 0;
  visit_dtype(src.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const Vec3 s = box.size();
    for (std::int64_t c = 0; c < src.shape().c; ++c)
      for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
          for (std::int64_t x = 0; x < s.x; ++x) {
            T a = cut.at<T>(x, y, z, c);
            T b = src.at<T>(box.min.x - src_box.min.x + x, box.min.y - src_box.min.y + y,
                            box.min.z - src_box.min.z + z, c);
            if (std::memcmp(&a, &b, sizeof(T)) != 0) {
              ++diff;
              const double e = std::fabs(static_cast<double>(a) - static_cast<double>(b));
              worst = std::max(worst, e);
              total += e;
            }
          }
  });
  return {diff, worst, total / static_cast<double>(cut.shape().count())};
}

}  // namespace

TEST_CASE("every encoding, dtype and channel count round-trips through cutouts",
          "[precomputed][codec]") {
  std::vector<Combo> combos;
  for (DataType t : {DataType::kUint8, DataType::kInt8, DataType::kUint16, DataType::kInt16,
                     DataType::kUint32, DataType::kInt32, DataType::kUint64, DataType::kInt64,
                     DataType::kFloat32, DataType::kFloat64})
    for (int ch : {1, 3}) combos.push_back({Encoding::kRaw, t, ch, ch == 3});
  for (DataType t : {DataType::kUint8, DataType::kUint16})
    for (int ch : {1, 2, 3, 4}) combos.push_back({Encoding::kPng, t, ch, false});
  combos.push_back({Encoding::kJpeg, DataType::kUint8, 1, false});
  combos.push_back({Encoding::kJpeg, DataType::kUint8, 3, false});
  for (DataType t : {DataType::kUint32, DataType::kUint64})
    for (bool gz : {false, true}) combos.push_back({Encoding::kCompressedSegmentation, t, 1, gz});

  unsigned seed = 1;
  for (const auto& combo : combos) {
    SECTION(describe(combo)) {
      imagery::testing::TempDir dir;
      VolumeWriter writer(dir.path().string(), make_info(combo));
      std::vector<Array> sources;
      for (int mip = 0; mip < 2; ++mip) {
        const Scale& s = writer.info().scales[mip];
        sources.push_back(make_data(combo, s.size, seed++));
        WriteOptions options;
        options.gzip = combo.gzip;
        options.jpeg_quality = 95;
        writer.write(sources.back(), s.bounds(), mip, options);
      }
      auto volume = Volume::open("precomputed://file://" + dir.path().string());
      for (int mip = 0; mip < 2; ++mip) {
        const Scale& s = volume.info().scales[mip];
        // The whole mip, one voxel, and boxes straddling chunk corners.
        const Bbox boxes[] = {s.bounds(),
                              {s.voxel_offset, s.voxel_offset + Vec3{1, 1, 1}},
                              {s.voxel_offset + Vec3{3, 2, 1}, s.voxel_offset + Vec3{20, 17, 9}},
                              {s.bounds().max - Vec3{5, 4, 3}, s.bounds().max}};
        for (const auto& box : boxes) {
          Array cut = volume.download(box, mip);
          REQUIRE(cut.shape() == Shape4{box.size().x, box.size().y, box.size().z, combo.channels});
          const Difference d = compare(cut, sources[mip], box, s.bounds());
          INFO("mip " << mip << " box " << box.to_string() << ": " << d.voxels
                      << " voxels differ, max error " << d.worst << ", mean error " << d.mean);
          if (combo.encoding == Encoding::kJpeg) {
            // Lossy but close: 4:2:0 chroma costs a few levels; a 1-voxel box says little on
            // average.
            if (box.size().volume() > 100) CHECK(d.mean < 2.0);
            CHECK(d.worst <= 24);
          } else {
            CHECK(d.voxels == 0);
          }
        }
      }
    }
  }
}

TEST_CASE("2-D image chunks may split width and height any way", "[precomputed][codec]") {
  const Vec3 shape{6, 5, 4};
  std::vector<std::uint8_t> voxels(6 * 5 * 4 * 2);
  for (std::size_t i = 0; i < voxels.size(); ++i) voxels[i] = static_cast<std::uint8_t>(i * 7);
  const Bbox box{{0, 0, 0}, shape};
  // TensorStore once wrote width = x*y, height = z.
  auto png = encode_png_chunk(reinterpret_cast<const std::byte*>(voxels.data()), DataType::kUint8,
                              {shape.x * shape.y, shape.z, 1}, 2);
  Array out(DataType::kUint8, {6, 5, 4, 2});
  decode_png_chunk(png, ChunkTarget{&out, box, box}, 2, "chunk");
  CHECK(std::memcmp(out.bytes(), voxels.data(), voxels.size()) == 0);
  std::vector<std::uint8_t> flat(6 * 5 * 4, 77);
  auto jpeg = encode_jpeg_chunk(flat.data(), {shape.x * shape.y, shape.z, 1}, 1, 95);
  Array grey(DataType::kUint8, {6, 5, 4, 1});
  decode_jpeg_chunk(jpeg, ChunkTarget{&grey, box, box}, 1, "chunk");
  for (int i = 0; i < 120; ++i) CHECK(std::abs(int(grey.data<std::uint8_t>()[i]) - 77) <= 1);
}

TEST_CASE("16-bit PNG samples are stored big-endian", "[precomputed][codec]") {
  const std::uint16_t sample = 0x0102;
  auto png =
      encode_png(std::as_bytes(std::span(&sample, 1)), 1, 1, 1, 16, PngEncodeOptions{0, false});
  // Level 0 stores the scanline verbatim: filter byte 0, then the sample high byte first.
  const std::byte needle[] = {std::byte{0}, std::byte{1}, std::byte{2}};
  CHECK(std::search(png.begin(), png.end(), std::begin(needle), std::end(needle)) != png.end());
  auto img = decode_png(png, "one.png");
  std::uint16_t back;
  std::memcpy(&back, img.pixels.data(), 2);
  CHECK(back == 0x0102);
}

TEST_CASE("image chunks with the wrong geometry or channels fail naming the chunk",
          "[precomputed][codec]") {
  std::vector<std::uint8_t> voxels(4 * 4 * 2, 9);
  const Bbox box{{0, 0, 0}, {4, 4, 3}};  // needs 48 pixels, the images hold 32
  Array out(DataType::kUint8, {4, 4, 3, 1});
  auto png = encode_png_chunk(reinterpret_cast<const std::byte*>(voxels.data()), DataType::kUint8,
                              {4, 4, 2}, 1);
  CHECK_THROWS_WITH(decode_png_chunk(png, ChunkTarget{&out, box, box}, 1, "chunk a/b"),
                    Catch::Contains("chunk a/b") && Catch::Contains("48"));
  auto jpeg = encode_jpeg_chunk(voxels.data(), {4, 4, 2}, 1, 90);
  CHECK_THROWS_WITH(decode_jpeg_chunk(jpeg, ChunkTarget{&out, box, box}, 1, "chunk a/c"),
                    Catch::Contains("chunk a/c"));
  const Bbox fits{{0, 0, 0}, {4, 4, 2}};
  Array three(DataType::kUint8, {4, 4, 2, 3});
  CHECK_THROWS_WITH(decode_png_chunk(png, ChunkTarget{&three, fits, fits}, 3, "chunk a/d"),
                    Catch::Contains("channel"));
  Array wide(DataType::kUint16, {4, 4, 2, 1});
  CHECK_THROWS_WITH(decode_png_chunk(png, ChunkTarget{&wide, fits, fits}, 1, "chunk a/e"),
                    Catch::Contains("8-bit"));
}
