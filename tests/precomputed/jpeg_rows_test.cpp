// Partial JPEG decoding: any run of rows equals the same rows of a full decode, and damage
// outside the rows asked for is still an error.
#include "imagery/precomputed/internal/jpeg_rows.h"

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/precomputed/internal/codec_jpeg.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {

// A textured 64 x 64 x 16 chunk (width 64, 1024 rows) as CloudVolume lays jpeg chunks out.
std::vector<std::byte> test_jpeg(std::vector<std::uint8_t>& full) {
  const Vec3 shape{64, 64, 16};
  std::vector<std::uint8_t> voxels(static_cast<std::size_t>(shape.volume()));
  std::mt19937 rng(7);
  for (std::size_t i = 0; i < voxels.size(); ++i)
    voxels[i] = static_cast<std::uint8_t>((i % 64) * 3 + (i / 64 % 64) + rng() % 40);
  std::vector<std::byte> jpeg = encode_jpeg_chunk(voxels.data(), shape, 1, 85);
  full.assign(voxels.size(), 0);
  decode_jpeg_grey_rows(jpeg, 64, 1024, 0, 1024, full.data(), "full");
  return jpeg;
}

}  // namespace

TEST_CASE("decoding a run of JPEG rows gives the rows of a full decode", "[precomputed][jpeg]") {
  std::vector<std::uint8_t> full;
  const std::vector<std::byte> jpeg = test_jpeg(full);
  // The full decode through the scanline API equals TurboJPEG's (the codec's full path).
  Array whole(DataType::kUint8, {64, 64, 16, 1});
  decode_jpeg_chunk(jpeg, ChunkTarget{&whole, {{0, 0, 0}, {64, 64, 16}}, {{0, 0, 0}, {64, 64, 16}}},
                    1, "whole");
  CHECK(std::equal(full.begin(), full.end(), reinterpret_cast<const std::uint8_t*>(whole.bytes())));

  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    int first = static_cast<int>(rng() % 1024), last = static_cast<int>(rng() % 1025);
    if (first > last) std::swap(first, last);
    std::vector<std::uint8_t> part(full.size(), 0xAB);
    decode_jpeg_grey_rows(jpeg, 64, 1024, first, last, part.data(), "part");
    INFO("rows " << first << ".." << last);
    CHECK(
        std::equal(part.begin() + first * 64, part.begin() + last * 64, full.begin() + first * 64));
    // Rows outside the run are left alone.
    CHECK(std::all_of(part.begin(), part.begin() + first * 64, [](auto v) { return v == 0xAB; }));
  }

  // A one-section cutout through the codec (the partial path) equals the same box of the whole.
  Array section(DataType::kUint8, {30, 20, 1, 1});
  decode_jpeg_chunk(jpeg,
                    ChunkTarget{&section, {{10, 40, 9}, {40, 60, 10}}, {{0, 0, 0}, {64, 64, 16}}},
                    1, "section");
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 30; ++x)
      CHECK(section.at<std::uint8_t>(x, y, 0) == whole.at<std::uint8_t>(x + 10, y + 40, 9));
}

TEST_CASE("partial JPEG decoding still fails on damage outside its rows", "[precomputed][jpeg]") {
  std::vector<std::uint8_t> full;
  const std::vector<std::byte> jpeg = test_jpeg(full);
  std::vector<std::uint8_t> out(full.size());
  auto error_of = [&](std::span<const std::byte> bytes, int width, int height) {
    try {
      decode_jpeg_grey_rows(bytes, width, height, 0, 64, out.data(), "chunk 0-64_0-64_0-16");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kDataLoss);
      return std::string(e.what());
    }
    return std::string();
  };
  // Truncated after the first rows: the rows asked for are intact, the stream is not.
  const std::vector<std::byte> cut(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() / 2));
  CHECK_THAT(error_of(cut, 64, 1024), Catch::StartsWith("chunk 0-64_0-64_0-16: corrupt JPEG data"));
  CHECK_THAT(error_of(jpeg, 64, 512), Catch::Contains("expected 64x512 grey"));
  CHECK_FALSE(error_of(std::span<const std::byte>(jpeg.data(), 10), 64, 1024).empty());
  CHECK_FALSE(error_of({}, 64, 1024).empty());
}
