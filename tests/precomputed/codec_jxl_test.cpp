// The jxl chunk decoder: chunks cjxl wrote from known voxels (tests/data/jxl, made by
// make_fixtures.py there: grey 8 and 16 bit, one colour frame, three grey frames as CloudVolume
// lays out three channels) decode to exactly those voxels, whole or in part; our own encoder's
// chunks round-trip (lossless; lossy ones decode as libjxl does); pictures that do not fit the
// chunk or the volume, and corrupt or truncated data, fail with one clear error naming the chunk.
#include <catch2/catch.hpp>
#include <filesystem>

#include "imagery/precomputed/internal/codec_jxl.h"
#include "imagery/precomputed/volume.h"
#include "imagery/precomputed/volume_writer.h"
#include "label_blocks.h"
#include "support/error_of.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::crop;
using imagery::testing::error_of;
using imagery::testing::same;

namespace {

const Vec3 kShape{20, 12, 3};

// The voxels of make_fixtures.py.
Array fixture_voxels(const std::string& which) {
  const int channels = which == "grey8" || which == "grey16" ? 1 : 3;
  const DataType dtype = which == "grey16" ? DataType::kUint16 : DataType::kUint8;
  Array a(dtype, {kShape.x, kShape.y, kShape.z, channels});
  for (int c = 0; c < channels; ++c)
    for (std::int64_t z = 0; z < kShape.z; ++z)
      for (std::int64_t y = 0; y < kShape.y; ++y)
        for (std::int64_t x = 0; x < kShape.x; ++x) {
          if (which == "grey16")
            a.at<std::uint16_t>(x, y, z) =
                static_cast<std::uint16_t>((1031 * x + 257 * y + 4099 * z) % 65536);
          else
            a.at<std::uint8_t>(x, y, z, c) =
                static_cast<std::uint8_t>((7 * x + 13 * y + 29 * z + 85 * c) % 256);
        }
  return a;
}

std::vector<std::byte> fixture(const std::string& which) {
  return imagery::testing::read_file(imagery::testing::data_path("jxl/" + which + ".jxl"));
}

Array decode(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape, int channels,
             const Bbox& part) {
  const Vec3 s = part.size();
  Array out(dtype, {s.x, s.y, s.z, channels});
  std::memset(out.bytes(), 0xab, out.size_bytes());
  decode_jxl_chunk(bytes, ChunkTarget{&out, part, Bbox{{0, 0, 0}, shape}}, channels,
                   "chunk k/0-20_0-12_0-3");
  return out;
}

Array decode_whole(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape,
                   int channels) {
  return decode(bytes, dtype, shape, channels, {{0, 0, 0}, shape});
}

}  // namespace

TEST_CASE("jxl chunks cjxl wrote decode to their voxels", "[precomputed][jxl]") {
  for (const std::string which : {"grey8", "grey16", "rgb8", "frames8"}) {
    INFO(which);
    const Array want = fixture_voxels(which);
    const auto bytes = fixture(which);
    CHECK(same(decode_whole(bytes, want.dtype(), kShape, static_cast<int>(want.shape().c)), want));
    // Part of the chunk, every channel.
    const Bbox part{{3, 2, 1}, {17, 11, 3}};
    const Array got = decode(bytes, want.dtype(), kShape, static_cast<int>(want.shape().c), part);
    for (std::int64_t c = 0; c < want.shape().c; ++c)
      for (std::int64_t z = 0; z < 2; ++z)
        for (std::int64_t y = 0; y < 9; ++y)
          for (std::int64_t x = 0; x < 14; ++x) {
            const std::size_t es = want.element_size();
            CHECK(std::memcmp(got.bytes() + got.index(x, y, z, c) * es,
                              want.bytes() + want.index(x + 3, y + 2, z + 1, c) * es, es) == 0);
          }
  }
}

TEST_CASE("jxl chunks of our encoder round-trip in CloudVolume's layout", "[precomputed][jxl]") {
  for (const std::string which : {"grey8", "grey16", "rgb8"}) {
    INFO(which);
    const Array want = fixture_voxels(which);
    const int channels = static_cast<int>(want.shape().c);
    const auto bytes = encode_jxl_chunk(want.bytes(), want.dtype(), kShape, channels);
    CHECK(same(decode_whole(bytes, want.dtype(), kShape, channels), want));
  }
  // Lossy: close to the voxels, and three channels stay apart (no channel decodes to another's
  // values, which differ by 85).
  const Array want = fixture_voxels("rgb8");
  const auto lossy = encode_jxl_chunk(want.bytes(), DataType::kUint8, kShape, 3, false, 1.0f);
  const Array got = decode_whole(lossy, DataType::kUint8, kShape, 3);
  double error = 0;
  for (std::int64_t i = 0; i < want.shape().count(); ++i)
    error += std::abs(int{got.data<std::uint8_t>()[i]} - int{want.data<std::uint8_t>()[i]});
  CHECK(error / static_cast<double>(want.shape().count()) < 12);
}

TEST_CASE("jxl pictures that do not fit the chunk or the volume are refused naming the chunk",
          "[precomputed][jxl]") {
  auto expect = [](const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape,
                   int channels, const std::string& what) {
    const Error e = error_of([&] { decode_whole(bytes, dtype, shape, channels); });
    INFO(e.what());
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("chunk k/0-20_0-12_0-3") && Catch::Contains(what));
  };
  expect(fixture("grey8"), DataType::kUint8, {20, 12, 4}, 1, "20x36 pixels, the chunk [20, 12, 4]");
  expect(fixture("grey8"), DataType::kUint16, kShape, 1, "8-bit samples, the volume's uint16");
  expect(fixture("grey16"), DataType::kUint8, kShape, 1, "16-bit samples, the volume's uint8");
  expect(fixture("rgb8"), DataType::kUint8, kShape, 1, "in colour, the volume has 1 channel");
  expect(fixture("frames8"), DataType::kUint8, kShape, 1, "more frames than the volume's 1");
  expect(fixture("grey8"), DataType::kUint8, kShape, 3, "1 frame(s), the volume 3 channel(s)");
  // Truncated anywhere, or garbage: an error, never a crash.
  const auto bytes = fixture("frames8");
  for (std::size_t keep = 0; keep < bytes.size(); keep += 7) {
    const std::vector<std::byte> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
    const Error e = error_of([&] { decode_whole(cut, DataType::kUint8, kShape, 3); });
    CHECK(e.code() == ErrorCode::kDataLoss);
  }
  std::vector<std::byte> garbage(300);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = std::byte(i * 37 % 251);
  expect(garbage, DataType::kUint8, kShape, 1, "JPEG XL");
}

TEST_CASE("a jxl volume reads through Volume as the VolumeWriter writes it", "[precomputed][jxl]") {
  imagery::testing::TempDir dir;
  VolumeInfo info;
  info.type = "image";
  info.data_type = DataType::kUint8;
  info.num_channels = 3;
  Scale s;
  s.key = "4_4_40";
  s.size = {40, 24, 5};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {{16, 16, 4}};
  s.encoding = Encoding::kJxl;
  info.scales = {s};
  Array data(DataType::kUint8, {40, 24, 5, 3});
  for (std::int64_t i = 0; i < data.shape().count(); ++i)
    data.data<std::uint8_t>()[i] = static_cast<std::uint8_t>(i * 31 % 253);
  VolumeWriter writer(dir.path().string(), info);
  WriteOptions options;
  options.gzip = true;  // transport gzip on top, as CloudVolume may store it
  writer.write(data, s.bounds(), 0, options);
  auto volume = Volume::open(dir.path().string());
  CHECK(same(volume.download(s.bounds(), 0), data));
  CHECK(same(volume.download({{10, 3, 2}, {33, 20, 5}}, 0), crop(data, {{10, 3, 2}, {33, 20, 5}})));
}
