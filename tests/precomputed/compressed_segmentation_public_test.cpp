// compressed_segmentation on the 64^3 uint64 block of FIB-25 from Neuroglancer's test data
// (read from ../shared/fixtures/public, never copied into the project): its documented labels,
// the encoded_bits chosen per block, round trips at many block and chunk shapes, and partial
// decodes.
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <set>

#include "imagery/precomputed/internal/compressed_segmentation.h"
#include "label_blocks.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::crop;
using imagery::testing::decode_whole;
using imagery::testing::same;

namespace {

Array fib25_block() {
  auto bytes = imagery::testing::read_file(imagery::testing::shared_fixture_path(
      "public/neuroglancer/testdata/codec/compressed_segmentation/"
      "64x64x64-raw-uint64-segmentation.dat"));
  REQUIRE(bytes.size() == 64 * 64 * 64 * 8);
  Array a(DataType::kUint64, {64, 64, 64, 1});
  std::memcpy(a.bytes(), bytes.data(), bytes.size());
  return a;
}

}  // namespace

TEST_CASE("the FIB-25 block has the documented labels", "[precomputed][cseg]") {
  Array a = fib25_block();
  const auto at = [&](int x, int y, int z) { return a.at<std::uint64_t>(x, y, z); };
  CHECK(at(0, 0, 0) == 1752);
  CHECK(at(63, 0, 0) == 88847);
  CHECK(at(0, 63, 0) == 149879);
  CHECK(at(63, 63, 63) == 88816);
  CHECK(at(10, 20, 30) == 87687);
  CHECK(at(31, 32, 33) == 53216);
  std::set<std::uint64_t> labels(a.data<std::uint64_t>(), a.data<std::uint64_t>() + 64 * 64 * 64);
  CHECK(labels.size() == 52);
}

TEST_CASE("compressed_segmentation picks the documented encoded_bits per 8^3 block",
          "[precomputed][cseg]") {
  Array a = fib25_block();
  auto enc =
      encode_compressed_segmentation(a.bytes(), DataType::kUint64, {64, 64, 64}, 1, {8, 8, 8});
  std::map<unsigned, int> histogram;
  for (int b = 0; b < 512; ++b) {
    std::uint32_t w0;
    std::memcpy(&w0, enc.data() + 4 * (1 + 2 * b), 4);
    histogram[w0 >> 24]++;
  }
  CHECK(histogram[0] == 88);
  CHECK(histogram[1] == 138);
  CHECK(histogram[2] == 188);
  CHECK(histogram[4] == 98);
}

TEST_CASE("compressed_segmentation round-trips the FIB-25 block at many block and chunk shapes",
          "[precomputed][cseg]") {
  Array full = fib25_block();
  const Vec3 blocks[] = {{8, 8, 8}, {4, 4, 4},    {16, 8, 3}, {7, 5, 3},
                         {1, 1, 1}, {64, 64, 64}, {64, 1, 2}};
  const Bbox chunks[] = {
      {{0, 0, 0}, {64, 64, 64}}, {{3, 5, 7}, {60, 41, 29}}, {{10, 0, 0}, {11, 64, 13}}};
  for (const auto& block : blocks)
    for (const auto& box : chunks) {
      Array chunk = crop(full, box);
      const Vec3 s = box.size();
      auto enc = encode_compressed_segmentation(chunk.bytes(), DataType::kUint64, s, 1, block);
      INFO("block " << block.to_string() << " chunk " << s.to_string());
      CHECK(same(decode_whole(enc, DataType::kUint64, s, block), chunk));
    }
}

TEST_CASE("compressed_segmentation decodes only the part of a chunk inside the cutout",
          "[precomputed][cseg]") {
  Array full = fib25_block();
  auto enc =
      encode_compressed_segmentation(full.bytes(), DataType::kUint64, {64, 64, 64}, 1, {8, 8, 8});
  // The chunk sits at absolute [100,200,300]; the cutout straddles its corner.
  const Bbox chunk_box{{100, 200, 300}, {164, 264, 364}};
  const Bbox out_box{{150, 190, 333}, {170, 230, 340}};
  Array out = Array::zeros(DataType::kUint64, {20, 40, 7, 1});
  decode_compressed_segmentation_chunk(enc, ChunkTarget{&out, out_box, chunk_box}, 1, {8, 8, 8},
                                       "chunk");
  int wrong = 0;
  for (int z = 0; z < 7; ++z)
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 20; ++x) {
        const Vec3 p{150 + x, 190 + y, 333 + z};
        const bool inside = p.x < 164 && p.y >= 200;
        const std::uint64_t want =
            inside ? full.at<std::uint64_t>(p.x - 100, p.y - 200, p.z - 300) : 0;
        wrong += out.at<std::uint64_t>(x, y, z) != want;
      }
  CHECK(wrong == 0);
}
