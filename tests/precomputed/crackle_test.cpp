// The crackle decoder against streams of our own encoder (crackle_encoder.h): every label width,
// narrower stored widths and signed labels, flat labels and pins, Markov models of several orders,
// both crack meanings, both format versions, slices without cracks; cutouts of part of a chunk;
// the CRCs of version 1; refused versions and formats; and corrupt or truncated streams failing
// with one clear error naming the chunk, never a crash.
#include <catch2/catch.hpp>

#include "crackle_encoder.h"
#include "imagery/precomputed/internal/crack_codes.h"
#include "imagery/precomputed/internal/crackle.h"
#include "label_arrays.h"
#include "label_blocks.h"
#include "support/error_of.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::CrackleOptions;
using imagery::testing::crop;
using imagery::testing::encode_crackle;
using imagery::testing::error_of;
using imagery::testing::label_array;
using imagery::testing::same;

namespace {

void decode(std::span<const std::byte> bytes, const ChunkTarget& t) {
  decode_crackle_chunk(bytes, t, "chunk k/0-8_0-8_0-8");
}

Array decode_whole(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape) {
  return imagery::testing::decode_chunk(decode, bytes, dtype, shape);
}

std::uint64_t le(const std::vector<std::byte>& b, std::size_t at, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | std::to_integer<std::uint64_t>(b.at(at + i));
  return v;
}

// A version 1 uint32 stream to damage: 13x11x4 cells, flat labels, no Markov model.
struct Sample {
  Array labels = label_array(DataType::kUint32, {13, 11, 4}, 21, 4);
  std::vector<std::byte> bytes = encode_crackle(labels);
};

}  // namespace

TEST_CASE("crackle round-trips label widths, label formats, Markov orders and crack meanings",
          "[precomputed][crackle]") {
  const Vec3 shapes[] = {{17, 13, 5}, {1, 1, 1}, {40, 3, 2}, {3, 29, 6}};
  std::uint64_t seed = 100;
  for (const DataType dtype : {DataType::kUint8, DataType::kUint16, DataType::kUint32,
                               DataType::kUint64, DataType::kInt16})
    for (const Vec3& shape : shapes)
      for (const bool pins : {false, true})
        for (const int markov : {0, 1, 3})
          for (const bool permissible : {false, true})
            for (const int version : {0, 1}) {
              const Array labels = label_array(dtype, shape, ++seed, 3, 29, 12);
              CrackleOptions o;
              o.pins = pins;
              o.markov_order = markov;
              o.permissible = permissible;
              o.version = version;
              const auto bytes = encode_crackle(labels, o);
              INFO(dtype_name(dtype)
                   << " " << shape.to_string() << (pins ? " pins" : " flat") << " markov " << markov
                   << (permissible ? " permissible" : " impermissible") << " version " << version);
              CHECK(std::to_integer<int>(bytes[4]) == version);
              CHECK(same(decode_whole(bytes, dtype, shape), labels));
            }
}

TEST_CASE("crackle stores labels narrower than the data type, sign-extending signed ones",
          "[precomputed][crackle]") {
  // uint64 ids below 2^16 stored in 2 bytes (as crackle does for small ids in wide arrays).
  Array small = Array::zeros(DataType::kUint64, {9, 7, 3, 1});
  for (std::int64_t i = 0; i < 9 * 7 * 3; ++i)
    small.data<std::uint64_t>()[i] = (i / 5) * 997 % 60000;
  const auto stored2 = encode_crackle(small);
  CHECK((le(stored2, 5, 2) >> 2 & 3) == 1);  // stored width 2 bytes
  CHECK(same(decode_whole(stored2, DataType::kUint64, {9, 7, 3}), small));
  // int32 labels, negative ones among them, stored in 1 and 2 bytes.
  Array negative = Array::zeros(DataType::kInt32, {8, 6, 2, 1});
  for (std::int64_t i = 0; i < 8 * 6 * 2; ++i)
    negative.data<std::int32_t>()[i] = static_cast<std::int32_t>((i / 3) % 11) - 5;
  for (const int stored : {1, 2}) {
    CrackleOptions o;
    o.stored_width = stored;
    CHECK(same(decode_whole(encode_crackle(negative, o), DataType::kInt32, {8, 6, 2}), negative));
  }
}

TEST_CASE("crackle decodes slices without cracks, one label, and many small components",
          "[precomputed][crackle]") {
  const Vec3 shape{16, 12, 4};
  Array one = Array::zeros(DataType::kUint32, {16, 12, 4, 1});
  std::fill_n(one.data<std::uint32_t>(), 16 * 12 * 4, 77u);
  // Slice 2 gets a checkerboard: every pixel its own component, cracks branching everywhere.
  Array mixed = Array::zeros(DataType::kUint32, {16, 12, 4, 1});
  std::fill_n(mixed.data<std::uint32_t>(), 16 * 12 * 4, 77u);
  for (std::int64_t y = 0; y < 12; ++y)
    for (std::int64_t x = 0; x < 16; ++x) mixed.at<std::uint32_t>(x, y, 2) = (x + y) % 2 ? 5 : 6;
  for (const Array* a : {&one, &mixed})
    for (const int markov : {0, 2})
      for (const bool pins : {false, true}) {
        CrackleOptions o;
        o.markov_order = markov;
        o.pins = pins;
        CHECK(same(decode_whole(encode_crackle(*a, o), DataType::kUint32, shape), *a));
      }
}

TEST_CASE("crackle decodes part of a chunk slice by slice", "[precomputed][crackle]") {
  const Vec3 shape{23, 19, 9};
  const Array labels = label_array(DataType::kUint64, shape, 31, 4);
  for (const bool pins : {false, true}) {
    CrackleOptions o;
    o.pins = pins;
    o.markov_order = 2;
    const auto bytes = encode_crackle(labels, o);
    for (const Bbox& part : {Bbox{{0, 0, 4}, {23, 19, 5}}, Bbox{{3, 5, 2}, {20, 6, 8}},
                             Bbox{{22, 18, 8}, {23, 19, 9}}}) {
      INFO((pins ? "pins " : "flat ") << part.to_string());
      CHECK(same(imagery::testing::decode_part(decode, bytes, DataType::kUint64, shape, part),
                 crop(labels, part)));
    }
  }
}

TEST_CASE("crackle checks the CRCs of version 1 streams", "[precomputed][crackle]") {
  Sample s;
  const Vec3 shape{13, 11, 4};
  auto expect = [&](const std::vector<std::byte>& bytes, const std::string& what) {
    const Error e = error_of([&] { decode_whole(bytes, DataType::kUint32, shape); });
    INFO(e.what());
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("chunk k/0-8_0-8_0-8") && Catch::Contains(what));
  };
  // The header (its num_label_bytes), the slice index, the label section.
  auto header = s.bytes;
  header[20] ^= std::byte{1};
  expect(header, "header CRC-8");
  auto index = s.bytes;
  index[29] ^= std::byte{1};
  expect(index, "slice index CRC-32C");
  const std::size_t labels_at = 29 + 4 * 4 + 4;
  auto labels = s.bytes;
  labels[labels_at + 8 + 2] ^= std::byte{1};  // in the first unique label
  expect(labels, "label section CRC-32C");
  // The component images: the stored CRC of slice 3 (the last 4 bytes).
  auto slice = s.bytes;
  slice[slice.size() - 1] ^= std::byte{1};
  expect(slice, "components of slice 3 do not match their CRC-32C");
  // The same damage to a version 0 stream, which has no CRCs, goes unnoticed in the labels.
  CrackleOptions v0;
  v0.version = 0;
  auto old = encode_crackle(s.labels, v0);
  const std::size_t old_labels = 24 + 4 * 4;
  old[old_labels + 8 + 2] ^= std::byte{1};
  CHECK_FALSE(same(decode_whole(old, DataType::kUint32, shape), s.labels));
  // The CRC-8 is crackle's: polynomial 0xE7 (LSB first) from 0xFF.
  const std::vector<std::byte> nothing;
  CHECK(crackle_crc8(nothing) == 0xff);
  CHECK(crackle_crc8(std::vector<std::byte>{std::byte{0xff}}) == 0x00);
}

TEST_CASE("crackle refuses other versions, formats and shapes naming the chunk",
          "[precomputed][crackle]") {
  Sample s;
  auto expect = [&](const std::vector<std::byte>& bytes, const std::string& what,
                    DataType dtype = DataType::kUint32, Vec3 chunk = {13, 11, 4}) {
    const Error e = error_of([&] { decode_whole(bytes, dtype, chunk); });
    INFO(e.what());
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("chunk k/0-8_0-8_0-8") && Catch::Contains(what));
  };
  // Edits of the format bits or the grid change the header CRC: use version 0, which has none.
  CrackleOptions v0;
  v0.version = 0;
  const auto old = encode_crackle(s.labels, v0);
  auto with = [](std::vector<std::byte> b, std::size_t at, int value) {
    b.at(at) = std::byte(value);
    return b;
  };
  expect(with(s.bytes, 4, 2), "crackle format version 2 is not supported");
  expect(with(s.bytes, 1, 'x'), "does not start with \"crkl\"");
  const auto format = static_cast<int>(le(old, 5, 1));
  expect(with(old, 5, (format & ~0x60) | 0x20), "label format 1 (fixed-width pins)");
  expect(with(old, 5, (format & ~0x60) | 0x60), "label format 3");
  expect(with(old, 19, 3), "grid size 2^3 is smaller than the slice");
  expect(s.bytes, "labels are 4 bytes wide, the volume's uint16 2", DataType::kUint16);
  expect(s.bytes, "stream is 13x11x4 voxels, the chunk [13, 11, 5]", DataType::kUint32,
         {13, 11, 5});
  // A Markov order beyond what the stream holds.
  expect(with(old, 6, static_cast<int>(le(old, 6, 1)) | 0x1e), "Markov model");
}

TEST_CASE("crackle streams cut short or with any byte changed fail cleanly",
          "[precomputed][crackle]") {
  const Vec3 shape{13, 11, 4};
  for (const bool pins : {false, true})
    for (const int version : {0, 1}) {
      Sample s;
      CrackleOptions o;
      o.pins = pins;
      o.version = version;
      o.markov_order = pins ? 2 : 0;
      const auto bytes = encode_crackle(s.labels, o);
      INFO((pins ? "pins" : "flat") << " version " << version);
      for (std::size_t keep = 0; keep < bytes.size(); ++keep) {
        const std::vector<std::byte> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
        const Error e = error_of([&] { decode_whole(cut, DataType::kUint32, shape); });
        CHECK(e.code() == ErrorCode::kDataLoss);
      }
      for (std::size_t at = 0; at < bytes.size(); ++at)
        for (const int flip : {0x01, 0x80}) {
          auto b = bytes;
          b[at] ^= std::byte(flip);
          try {
            decode_whole(b, DataType::kUint32, shape);
          } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::kDataLoss);
          }
        }
    }
}

TEST_CASE("crack codes: chains, branches and moves off the slice", "[precomputed][crackle]") {
  // A 3x2 slice; one chain from corner (1, 0) down to (1, 2): it separates pixel columns 0 and 1.
  const std::string name = "t";
  const std::vector<std::byte> none;
  const ChunkBytes in(none, name, "crackle");
  const CrackMarkovModel plain;
  auto draw = [&](std::vector<std::byte> code) {
    std::vector<std::uint8_t> left(6, 1), up(6, 1);
    draw_crack_code(code, 3, 2, plain, 0, left.data(), up.data(), in, 0);
    return std::pair{left, up};
  };
  // index: 4-byte size 4; 1 row; y 0; 1 vertex; x 1. Codes (differences): DOWN (2), DOWN (0),
  // then the closing pair DOWN (0), UP (2): 0b10'00'00'10 = 0x82.
  const std::vector<std::byte> down_twice{std::byte{4}, std::byte{0}, std::byte{0},
                                          std::byte{0}, std::byte{1}, std::byte{0},
                                          std::byte{1}, std::byte{1}, std::byte{0x82}};
  const auto [left, up] = draw(down_twice);
  CHECK(left == std::vector<std::uint8_t>{1, 0, 1, 1, 0, 1});
  CHECK(up == std::vector<std::uint8_t>{1, 1, 1, 1, 1, 1});
  // A chain left open: DOWN, RIGHT, UP, RIGHT (differences 2, 3, 3, 1) and the code ends.
  const Error e = error_of([&] {
    draw({std::byte{4}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}, std::byte{0},
          std::byte{1}, std::byte{1}, std::byte{0x7e}});
  });
  CHECK_THAT(e.what(), Catch::Contains("slice 0") && Catch::Contains("ends inside a chain"));
  // Moving up from the top edge leaves the corner grid.
  const Error off = error_of([&] {
    draw({std::byte{4}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}, std::byte{0},
          std::byte{1}, std::byte{1}, std::byte{0x00}});
  });
  CHECK_THAT(off.what(), Catch::Contains("moves above the slice"));
}
