// A truncated or corrupt chunk is always an error naming the file, never
// silently wrong pixels: raw, gzip, jpeg, png and compressed_segmentation.
#include <catch2/catch.hpp>
#include <filesystem>

#include "imagery/precomputed/volume.h"
#include "imagery/precomputed/volume_writer.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
namespace fs = std::filesystem;

namespace {

// Writes a one-chunk volume and returns the chunk's file path.
std::string one_chunk_volume(const std::string& root, Encoding encoding, DataType dtype,
                             bool gzip) {
  VolumeInfo info;
  info.type = encoding == Encoding::kCompressedSegmentation ? "segmentation" : "image";
  info.data_type = dtype;
  Scale s;
  s.key = "k";
  s.size = {16, 16, 4};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {{16, 16, 4}};
  s.encoding = encoding;
  if (encoding == Encoding::kCompressedSegmentation)
    s.compressed_segmentation_block_size = {8, 8, 8};
  info.scales = {s};
  VolumeWriter writer(root, info);
  Array data = Array::zeros(dtype, {16, 16, 4, 1});
  for (std::int64_t i = 0; i < 16 * 16 * 4; ++i)
    data.bytes()[i * data.element_size()] = std::byte(i * 13 % 251);
  WriteOptions options;
  options.gzip = gzip;
  writer.write(data, s.bounds(), 0, options);
  return root + "/k/0-16_0-16_0-4" + (gzip ? ".gz" : "");
}

void truncate_file(const std::string& path, std::uintmax_t keep) {
  fs::resize_file(path, keep);
}

void flip_byte(const std::string& path, std::size_t at) {
  auto bytes = imagery::testing::read_file(path);
  bytes.at(at) ^= std::byte{0x5a};
  imagery::testing::write_file(path, bytes);
}

void expect_data_loss(const std::string& root, const std::string& chunk_path) {
  auto volume = Volume::open(root);
  try {
    volume.download(volume.info().scales[0].bounds(), 0);
    FAIL("expected a data-loss error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(chunk_path));
  }
}

}  // namespace

TEST_CASE("a raw chunk one byte short is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kRaw, DataType::kUint16, false);
  truncate_file(chunk, fs::file_size(chunk) - 1);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a raw chunk with extra bytes is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kRaw, DataType::kUint8, false);
  auto bytes = imagery::testing::read_file(chunk);
  bytes.push_back(std::byte{1});
  imagery::testing::write_file(chunk, bytes);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a truncated gzip chunk is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kRaw, DataType::kUint8, true);
  truncate_file(chunk, fs::file_size(chunk) / 2);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a gzip chunk with a damaged body is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kRaw, DataType::kUint8, true);
  flip_byte(chunk, fs::file_size(chunk) / 2);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a gzip chunk with a wrong checksum is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kRaw, DataType::kUint8, true);
  flip_byte(chunk, fs::file_size(chunk) - 6);  // inside the CRC32 trailer
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a truncated jpeg chunk is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kJpeg, DataType::kUint8, false);
  truncate_file(chunk, fs::file_size(chunk) - 40);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a jpeg chunk that is not a jpeg is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kJpeg, DataType::kUint8, false);
  imagery::testing::write_file(chunk, std::string("<html>not found</html>"));
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a truncated png chunk is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kPng, DataType::kUint16, false);
  truncate_file(chunk, fs::file_size(chunk) - 20);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a png chunk with a damaged header is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kPng, DataType::kUint8, false);
  flip_byte(chunk, 20);  // inside IHDR: its CRC no longer matches
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a truncated compressed_segmentation chunk is corrupt", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kCompressedSegmentation,
                                DataType::kUint64, false);
  truncate_file(chunk, 24);
  expect_data_loss(dir.path().string(), chunk);
}

TEST_CASE("a zero-length chunk counts as missing, as in CloudVolume", "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  auto chunk = one_chunk_volume(dir.path().string(), Encoding::kRaw, DataType::kUint8, false);
  truncate_file(chunk, 0);
  auto volume = Volume::open(dir.path().string());
  CHECK_THROWS_MATCHES(
      volume.download(volume.info().scales[0].bounds(), 0), Error,
      Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::kNotFound; }));
  CutoutOptions fill;
  fill.fill_missing = true;
  Array a = volume.download(volume.info().scales[0].bounds(), 0, fill);
  CHECK(a.data<std::uint8_t>()[5] == 0);
}

TEST_CASE("a scale with an encoding we cannot decode fails once, naming the scale",
          "[precomputed][corrupt]") {
  imagery::testing::TempDir dir;
  imagery::testing::write_file(dir.file("info"),
                               std::string(R"({"type": "segmentation", "data_type": "uint32",
    "num_channels": 1, "scales": [{"key": "8_8_40", "size": [4,4,4], "resolution": [8,8,40],
    "chunk_sizes": [[4,4,4]], "encoding": "zfpc"}]})"));
  auto volume = Volume::open(dir.path().string());
  CHECK_THROWS_WITH(volume.download({{0, 0, 0}, {4, 4, 4}}, 0),
                    Catch::Contains("8_8_40") && Catch::Contains("zfpc"));
}
