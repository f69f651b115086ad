// compressed_segmentation: the worked examples of the spec (decode and encode
// byte for byte), round trips of the FIB-25 block at many block and chunk
// shapes, and corrupt streams that must fail cleanly.
#include "imagery/precomputed/internal/compressed_segmentation.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {

std::vector<std::byte> from_words(std::initializer_list<std::uint32_t> words) {
  std::vector<std::byte> out(words.size() * 4);
  std::memcpy(out.data(), std::data(words), out.size());
  return out;
}

Array decode_whole(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape,
                   const Vec3& block, int channels = 1) {
  Array out(dtype, {shape.x, shape.y, shape.z, channels});
  Bbox box{{0, 0, 0}, shape};
  decode_compressed_segmentation_chunk(bytes, ChunkTarget{&out, box, box}, channels, block,
                                       "test chunk");
  return out;
}

Array fib25_block() {
  auto bytes = imagery::testing::read_file(
      imagery::testing::data_path("public/64x64x64-raw-uint64-segmentation.dat"));
  REQUIRE(bytes.size() == 64 * 64 * 64 * 8);
  Array a(DataType::kUint64, {64, 64, 64, 1});
  std::memcpy(a.bytes(), bytes.data(), bytes.size());
  return a;
}

// A sub-box of `a` as its own array.
Array crop(const Array& a, const Bbox& box) {
  const Vec3 s = box.size();
  Array out(a.dtype(), {s.x, s.y, s.z, a.shape().c});
  const std::size_t es = a.element_size();
  for (std::int64_t c = 0; c < a.shape().c; ++c)
    for (std::int64_t z = 0; z < s.z; ++z)
      for (std::int64_t y = 0; y < s.y; ++y)
        std::memcpy(out.bytes() + out.index(0, y, z, c) * es,
                    a.bytes() + a.index(box.min.x, box.min.y + y, box.min.z + z, c) * es,
                    static_cast<std::size_t>(s.x) * es);
  return out;
}

bool same(const Array& a, const Array& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.bytes(), b.bytes(), a.size_bytes()) == 0;
}

}  // namespace

TEST_CASE("compressed_segmentation decodes the spec's uint32 worked example",
          "[precomputed][cseg]") {
  auto bytes = from_words({1, 0x02000005, 4, 8, 8, 0x64, 5, 7, 9, 9});
  Array a = decode_whole(bytes, DataType::kUint32, {3, 2, 1}, {2, 2, 1});
  const std::uint32_t expected[] = {5, 7, 9, 9, 7, 9};
  for (int i = 0; i < 6; ++i) CHECK(a.data<std::uint32_t>()[i] == expected[i]);
}

TEST_CASE("compressed_segmentation decodes the spec's uint64 worked example",
          "[precomputed][cseg]") {
  auto bytes = from_words({1, 0x02000005, 4, 0x0b, 0x0b, 0x64, 5, 0, 7, 0, 9, 0, 9, 0});
  Array a = decode_whole(bytes, DataType::kUint64, {3, 2, 1}, {2, 2, 1});
  const std::uint64_t expected[] = {5, 7, 9, 9, 7, 9};
  for (int i = 0; i < 6; ++i) CHECK(a.data<std::uint64_t>()[i] == expected[i]);
}

TEST_CASE("compressed_segmentation decodes the TensorStore 2x2x1 vector", "[precomputed][cseg]") {
  auto bytes = from_words({1, 0x01000003, 2, 5, 0, 0, 4, 0});
  Array a = decode_whole(bytes, DataType::kUint64, {2, 2, 1}, {2, 2, 1});
  const std::uint64_t expected[] = {4, 0, 4, 0};
  for (int i = 0; i < 4; ++i) CHECK(a.data<std::uint64_t>()[i] == expected[i]);
}

TEST_CASE("compressed_segmentation encodes the spec's examples byte for byte",
          "[precomputed][cseg]") {
  const std::uint32_t v32[] = {5, 7, 9, 9, 7, 9};
  auto e32 = encode_compressed_segmentation(reinterpret_cast<const std::byte*>(v32),
                                            DataType::kUint32, {3, 2, 1}, 1, {2, 2, 1});
  CHECK(e32 == from_words({1, 0x02000005, 4, 8, 8, 0x64, 5, 7, 9, 9}));
  const std::uint64_t v64[] = {5, 7, 9, 9, 7, 9};
  auto e64 = encode_compressed_segmentation(reinterpret_cast<const std::byte*>(v64),
                                            DataType::kUint64, {3, 2, 1}, 1, {2, 2, 1});
  CHECK(e64 == from_words({1, 0x02000005, 4, 0x0b, 0x0b, 0x64, 5, 0, 7, 0, 9, 0, 9, 0}));
  const std::uint64_t ts[] = {4, 0, 4, 0};
  auto ets = encode_compressed_segmentation(reinterpret_cast<const std::byte*>(ts),
                                            DataType::kUint64, {2, 2, 1}, 1, {2, 2, 1});
  CHECK(ets == from_words({1, 0x01000003, 2, 5, 0, 0, 4, 0}));
}

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

TEST_CASE("compressed_segmentation round-trips uint32 labels with several channels",
          "[precomputed][cseg]") {
  std::mt19937 rng(7);
  Array a(DataType::kUint32, {13, 9, 5, 3});
  for (std::int64_t i = 0; i < a.shape().count(); ++i)
    a.data<std::uint32_t>()[i] = rng() % 5 + (i % 3 ? 0 : 1u << 31);
  auto enc = encode_compressed_segmentation(a.bytes(), DataType::kUint32, {13, 9, 5}, 3, {4, 4, 2});
  CHECK(same(decode_whole(enc, DataType::kUint32, {13, 9, 5}, {4, 4, 2}, 3), a));
}

TEST_CASE("corrupt compressed_segmentation streams fail with data loss naming the chunk",
          "[precomputed][cseg]") {
  const Vec3 shape{3, 2, 1}, block{2, 2, 1};
  struct Case {
    const char* what;
    std::vector<std::byte> bytes;
  };
  auto good = from_words({1, 0x02000005, 4, 8, 8, 0x64, 5, 7, 9, 9});
  auto truncated_bytes = good;
  truncated_bytes.pop_back();
  const Case cases[] = {
      {"empty", {}},
      {"length not a multiple of 4", truncated_bytes},
      {"channel offset past the end", from_words({11, 0x02000005, 4, 8, 8, 0x64, 5, 7, 9, 9})},
      {"channel offset inside the offsets", from_words({0, 0x02000005, 4, 8, 8, 0x64, 5, 7, 9, 9})},
      {"headers cut short", from_words({1, 0x02000005, 4})},
      {"table offset past the end", from_words({1, 0x02000050, 4, 8, 8, 0x64, 5, 7, 9, 9})},
      {"encoded_bits 3", from_words({1, 0x03000005, 4, 8, 8, 0x64, 5, 7, 9, 9})},
      {"encoded_bits 64", from_words({1, 0x40000005, 4, 8, 8, 0x64, 5, 7, 9, 9})},
      {"values past the end", from_words({1, 0x02000005, 40, 8, 8, 0x64, 5, 7, 9, 9})},
      {"index past the table", from_words({1, 0x02000008, 4, 8, 8, 0xff, 5, 7, 9, 9})},
      {"last word missing", from_words({1, 0x02000005, 4, 8, 8, 0x64, 5, 7, 9})},
  };
  for (const auto& c : cases) {
    SECTION(c.what) {
      try {
        decode_whole(c.bytes, DataType::kUint32, shape, block);
        // "last word missing" leaves block 1 with an empty table: must not pass silently.
        FAIL("expected a data-loss error");
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kDataLoss);
        CHECK_THAT(e.what(), Catch::Contains("test chunk"));
      }
    }
  }
}
