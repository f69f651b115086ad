// The compresso decoder against streams of our own encoder (compresso_encoder.h): every label
// width, window size (and so window width), connectivity and format version; labels at the top of
// the type (the literal-label escape); cutouts of part of a chunk; slices of a version 1 stream
// decoding on their own; and corrupt or truncated streams failing with one clear error naming the
// chunk, never a crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "compresso_encoder.h"
#include "imagery/io/gzip.h"
#include "imagery/precomputed/internal/compresso.h"
#include "imagery/precomputed/volume.h"
#include "label_arrays.h"
#include "label_blocks.h"
#include "support/error_of.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::CompressoOptions;
using imagery::testing::crop;
using imagery::testing::encode_compresso;
using imagery::testing::error_of;
using imagery::testing::label_array;
using imagery::testing::same;

namespace {

void decode(std::span<const std::byte> bytes, const ChunkTarget& t) {
  decode_compresso_chunk(bytes, t, "chunk k/0-8_0-8_0-8");
}

Array decode_whole(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape) {
  return imagery::testing::decode_chunk(decode, bytes, dtype, shape);
}

// A uint32 stream to corrupt: 12x10x4, steps 4x4x1, version 1.
struct Sample {
  Array labels = label_array(DataType::kUint32, {12, 10, 4}, 3, 4);
  std::vector<std::byte> bytes = encode_compresso(labels);
};

void put_u64(std::vector<std::byte>& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.at(at + i) = std::byte(static_cast<unsigned>(v >> (8 * i)) & 0xff);
}

}  // namespace

TEST_CASE("compresso round-trips every label width, window size and format version",
          "[precomputed][compresso]") {
  struct Steps {
    int x, y, z;
  };
  // Window products 1, 8 (uint8 windows), 15, 16 (uint16), 32 (uint32), 64 (uint64) and odd ones.
  const Steps steps[] = {{4, 4, 1}, {8, 8, 1}, {1, 1, 1}, {4, 2, 1}, {3, 5, 1},
                         {4, 4, 2}, {8, 4, 2}, {2, 2, 2}, {5, 3, 4}};
  const Vec3 shapes[] = {{17, 13, 5}, {1, 1, 1}, {64, 3, 2}, {2, 33, 7}};
  const DataType dtypes[] = {DataType::kUint8, DataType::kUint16, DataType::kUint32,
                             DataType::kUint64, DataType::kInt16};
  std::uint64_t seed = 1;
  for (const DataType dtype : dtypes)
    for (const Vec3& shape : shapes)
      for (const Steps& s : steps)
        for (const auto& [connectivity, version] : {std::pair{4, 1}, {4, 0}, {6, 0}}) {
          const Array labels = label_array(dtype, shape, ++seed, 3);
          CompressoOptions o;
          o.xstep = s.x;
          o.ystep = s.y;
          o.zstep = s.z;
          o.connectivity = connectivity;
          o.version = version;
          const auto bytes = encode_compresso(labels, o);
          INFO(dtype_name(dtype) << " " << shape.to_string() << " steps " << s.x << "x" << s.y
                                 << "x" << s.z << " connectivity " << connectivity << " version "
                                 << version);
          CHECK(std::to_integer<int>(bytes[4]) == version);
          CHECK(same(decode_whole(bytes, dtype, shape), labels));
        }
}

TEST_CASE("compresso keeps labels at the top of the type through the literal escape",
          "[precomputed][compresso]") {
  // Isolated voxels of the largest labels (and their neighbours) are boundary voxels that no
  // neighbour explains: their locations hold the label itself after code 6, or label + 7.
  for (const DataType dtype : {DataType::kUint8, DataType::kUint64}) {
    const unsigned bits = static_cast<unsigned>(dtype_size(dtype)) * 8;
    const std::uint64_t max = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    const std::vector<std::uint64_t> values{max, max - 6,     max - 7, max - 8, 0,
                                            1,   max / 2 + 1, 6,       7,       248};
    Array a = Array::zeros(dtype, {9, 4, 2, 1});
    const std::size_t es = dtype_size(dtype);
    for (std::int64_t i = 0; i < 9 * 4 * 2; ++i)
      std::memcpy(a.bytes() + i * es, &values[static_cast<std::size_t>(i * 7 % 10)], es);
    const auto bytes = encode_compresso(a);
    const Array back = decode_whole(bytes, dtype, {9, 4, 2});
    CHECK(same(back, a));
    std::set<std::uint64_t> seen;
    for (std::int64_t i = 0; i < 9 * 4 * 2; ++i) {
      std::uint64_t v = 0;
      std::memcpy(&v, back.bytes() + i * es, es);
      seen.insert(v);
    }
    CHECK(seen.count(max) == 1);
    CHECK(seen.count(max - 6) == 1);
  }
}

TEST_CASE("compresso decodes part of a chunk, each version 1 slice on its own",
          "[precomputed][compresso]") {
  const Vec3 shape{23, 19, 9};
  const Array labels = label_array(DataType::kUint64, shape, 11, 4);
  for (const int version : {0, 1}) {
    CompressoOptions o;
    o.version = version;
    const auto bytes = encode_compresso(labels, o);
    for (const Bbox& part : {Bbox{{0, 0, 4}, {23, 19, 5}}, Bbox{{3, 5, 2}, {20, 6, 8}},
                             Bbox{{22, 18, 8}, {23, 19, 9}}, Bbox{{0, 0, 0}, {23, 19, 9}}}) {
      INFO("version " << version << " part " << part.to_string());
      CHECK(same(imagery::testing::decode_part(decode, bytes, DataType::kUint64, shape, part),
                 crop(labels, part)));
    }
  }
  // A version 1 stream whose slice 0 is damaged (a location of slice 0 changed) still gives
  // slice 5 exactly: it is decoded alone. The whole chunk no longer decodes to the labels.
  const Array cells = label_array(DataType::kUint32, shape, 5, 4, 0, 200);
  auto bytes = encode_compresso(cells);
  // Locations start after the header, the ids and the window values (uint16 for 4x4x1 steps).
  std::uint64_t ids = 0, values = 0;
  std::memcpy(&ids, bytes.data() + 15, 8);
  std::memcpy(&values, bytes.data() + 23, 4);
  const std::size_t first_location = 36 + 4 * ids + 2 * values;
  std::uint32_t code = 0;
  std::memcpy(&code, bytes.data() + first_location, 4);
  REQUIRE(code >= 7);  // a literal label (+7) of slice 0's first boundary voxel
  code += 1;
  std::memcpy(bytes.data() + first_location, &code, 4);
  const Bbox slice5{{0, 0, 5}, {23, 19, 6}};
  CHECK(same(imagery::testing::decode_part(decode, bytes, DataType::kUint32, shape, slice5),
             crop(cells, slice5)));
  CHECK_FALSE(same(decode_whole(bytes, DataType::kUint32, shape), cells));
}

TEST_CASE("compresso refuses other versions, widths and shapes naming the chunk",
          "[precomputed][compresso]") {
  Sample s;
  const Vec3 shape{12, 10, 4};
  auto expect = [&](std::vector<std::byte> bytes, const std::string& what,
                    DataType dtype = DataType::kUint32, Vec3 chunk = {12, 10, 4}) {
    const Error e = error_of([&] { decode_whole(bytes, dtype, chunk); });
    INFO(e.what());
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("chunk k/0-8_0-8_0-8") && Catch::Contains(what));
  };
  auto with = [&](std::size_t at, int value) {
    auto b = s.bytes;
    b.at(at) = std::byte(value);
    return b;
  };
  expect(with(4, 2), "compresso format version 2 is not supported");
  expect(with(0, 'x'), "does not start with \"cpso\"");
  expect(with(5, 3), "label width 3");
  expect(with(35, 5), "connectivity 5");
  expect(with(12, 0), "window steps 0x4x1");
  expect(with(12, 65), "window steps 65x4x1");
  expect(s.bytes, "labels are 4 bytes wide, the volume's uint64 8", DataType::kUint64);
  expect(s.bytes, "stream is 12x10x4 voxels, the chunk [12, 10, 3]", DataType::kUint32,
         {12, 10, 3});
  auto huge = s.bytes;
  put_u64(huge, 15, ~std::uint64_t{0});
  expect(huge, "components in 480 voxels");
  auto more = s.bytes;
  put_u64(more, 27, 900);
  expect(more, "locations");
  CHECK(same(decode_whole(s.bytes, DataType::kUint32, shape), s.labels));
}

TEST_CASE("compresso streams cut short or with any byte changed fail cleanly",
          "[precomputed][compresso]") {
  Sample s;
  const Vec3 shape{12, 10, 4};
  // Every truncation is an error (the tail and the window count see to it).
  for (std::size_t keep = 0; keep < s.bytes.size(); ++keep) {
    const std::vector<std::byte> cut(s.bytes.begin(), s.bytes.begin() + static_cast<long>(keep));
    const Error e = error_of([&] { decode_whole(cut, DataType::kUint32, shape); });
    CHECK(e.code() == ErrorCode::kDataLoss);
  }
  // A changed byte either still decodes or is an error; never a crash (ASan checks the rest).
  int errors = 0;
  for (std::size_t at = 0; at < s.bytes.size(); ++at)
    for (const int flip : {0x01, 0x80, 0xff}) {
      auto b = s.bytes;
      b[at] ^= std::byte(flip);
      try {
        decode_whole(b, DataType::kUint32, shape);
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kDataLoss);
        ++errors;
      }
    }
  CHECK(errors > 0);
}

TEST_CASE("a compresso volume reads through Volume, gzip'd as CloudVolume stores it",
          "[precomputed][compresso]") {
  imagery::testing::TempDir dir;
  imagery::testing::write_file(dir.file("info"), std::string(R"({"type": "segmentation",
    "data_type": "uint64", "num_channels": 1, "scales": [{"key": "s", "size": [40, 30, 6],
    "resolution": [8, 8, 40], "chunk_sizes": [[32, 32, 4]], "encoding": "compresso"}]})"));
  std::filesystem::create_directories(dir.file("s"));
  const Array whole = label_array(DataType::kUint64, {40, 30, 6}, 9, 6);
  for (const Bbox& cell : {Bbox{{0, 0, 0}, {32, 30, 4}}, Bbox{{32, 0, 0}, {40, 30, 4}},
                           Bbox{{0, 0, 4}, {32, 30, 6}}, Bbox{{32, 0, 4}, {40, 30, 6}}}) {
    const auto bytes = encode_compresso(crop(whole, cell));
    const std::string name = std::to_string(cell.min.x) + "-" + std::to_string(cell.max.x) + "_" +
                             std::to_string(cell.min.y) + "-" + std::to_string(cell.max.y) + "_" +
                             std::to_string(cell.min.z) + "-" + std::to_string(cell.max.z);
    imagery::testing::write_file(dir.file("s/" + name + ".gz"), io::gzip_compress(bytes));
  }
  auto volume = Volume::open(dir.path().string());
  CHECK(same(volume.download({{0, 0, 0}, {40, 30, 6}}, 0), whole));
  CHECK(
      same(volume.download({{30, 7, 3}, {35, 20, 5}}, 0), crop(whole, {{30, 7, 3}, {35, 20, 5}})));
  // A corrupt chunk: one error, naming the file.
  const std::string bad = dir.file("s/32-40_0-30_4-6.gz");
  auto raw = io::gunzip(imagery::testing::read_file(bad), bad);
  raw[4] = std::byte{7};
  imagery::testing::write_file(bad, io::gzip_compress(raw));
  const Error e = error_of([&] { volume.download({{0, 0, 0}, {40, 30, 6}}, 0); });
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK_THAT(e.what(), Catch::Contains(bad) && Catch::Contains("version 7"));
}
