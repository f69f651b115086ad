// compressed_segmentation: the worked examples of the spec (decode and encode
// byte for byte), round trips of synthetic label blocks at many block and chunk
// shapes, and corrupt streams that must fail cleanly. (The FIB-25 block of
// Neuroglancer's test data: compressed_segmentation_public_test.cpp.)
#include "imagery/precomputed/internal/compressed_segmentation.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "label_blocks.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::decode_whole;

namespace {

std::vector<std::byte> from_words(std::initializer_list<std::uint32_t> words) {
  std::vector<std::byte> out(words.size() * 4);
  std::memcpy(out.data(), std::data(words), out.size());
  return out;
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

TEST_CASE("compressed_segmentation round-trips synthetic labels at many block and chunk shapes",
          "[precomputed][cseg]") {
  // Objects as runs of ids along x with some large and some sparse ids, like a real
  // segmentation: blocks hold 1 to dozens of labels, so every encoded_bits width occurs.
  std::mt19937_64 rng(25);
  Array full(DataType::kUint64, {48, 40, 24, 1});
  auto* v = full.data<std::uint64_t>();
  for (std::int64_t i = 0; i < full.shape().count();) {
    const std::uint64_t id = rng() % 3 == 0 ? rng() : rng() % 40;
    for (std::int64_t run = 1 + static_cast<std::int64_t>(rng() % 12);
         run > 0 && i < full.shape().count(); --run)
      v[i++] = id;
  }
  for (const Vec3& block : {Vec3{8, 8, 8}, Vec3{4, 4, 2}, Vec3{1, 1, 1}, Vec3{16, 8, 3}})
    for (const Bbox& box : {Bbox{{0, 0, 0}, {48, 40, 24}}, Bbox{{5, 3, 1}, {37, 40, 18}}}) {
      INFO("block " << block.to_string() << " chunk " << box.to_string());
      Array chunk = imagery::testing::crop(full, box);
      const Vec3 s = box.size();
      auto enc = encode_compressed_segmentation(chunk.bytes(), DataType::kUint64, s, 1, block);
      CHECK(imagery::testing::same(decode_whole(enc, DataType::kUint64, s, block), chunk));
    }
}

TEST_CASE("compressed_segmentation round-trips uint32 labels with several channels",
          "[precomputed][cseg]") {
  std::mt19937 rng(7);
  Array a(DataType::kUint32, {13, 9, 5, 3});
  for (std::int64_t i = 0; i < a.shape().count(); ++i)
    a.data<std::uint32_t>()[i] = rng() % 5 + (i % 3 ? 0 : 1u << 31);
  auto enc = encode_compressed_segmentation(a.bytes(), DataType::kUint32, {13, 9, 5}, 3, {4, 4, 2});
  CHECK(imagery::testing::same(decode_whole(enc, DataType::kUint32, {13, 9, 5}, {4, 4, 2}, 3), a));
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
