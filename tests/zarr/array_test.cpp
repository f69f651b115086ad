// Zarr arrays read whole from the fixtures of tests/data/zarr: v2 arrays written by zarr-python
// (every dtype, both byte orders, C and F order, every compressor and blosc inner codec and
// shuffle, nested keys, absent chunks as fill values) and v3 arrays written from the
// specification (bytes endianness, gzip, zstd, blosc, crc32c, transpose, both chunk key
// encodings, sharding with the index at either end and missing inner chunks and shards).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "imagery/core/error.h"
#include "imagery/zarr/array.h"
#include "support/error_of.h"
#include "zarr/zarr_test_support.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::fixture_mismatches;
using imagery::testing::read_whole;
using imagery::testing::storage_at;

namespace {

zarr::ZarrArray open_fixture(const std::string& group, const std::string& name, int format,
                             io::Context& context) {
  return zarr::ZarrArray::open(storage_at(data_path("zarr/" + group), context), name, format,
                               group + "/" + name);
}

}  // namespace

TEST_CASE("zarr v2 arrays of every dtype and compressor read as zarr-python wrote them",
          "[zarr][v2]") {
  auto context = imagery::testing::make_context();
  const std::vector<std::string> names = {"u1",
                                          "i1",
                                          "u2",
                                          "i2",
                                          "u4",
                                          "i4",
                                          "u8",
                                          "i8",
                                          "f4",
                                          "f8",
                                          "be_u2",
                                          "be_i4",
                                          "be_u8",
                                          "be_f4",
                                          "be_f8",
                                          "zlib",
                                          "gzip",
                                          "zstd",
                                          "lz4",
                                          "f_order",
                                          "f_order_be",
                                          "nested",
                                          "blosc_lz4_noshuffle",
                                          "blosc_lz4_shuffle",
                                          "blosc_lz4_bitshuffle",
                                          "blosc_lz4hc_noshuffle",
                                          "blosc_lz4hc_shuffle",
                                          "blosc_lz4hc_bitshuffle",
                                          "blosc_zstd_noshuffle",
                                          "blosc_zstd_shuffle",
                                          "blosc_zstd_bitshuffle",
                                          "blosc_zlib_noshuffle",
                                          "blosc_zlib_shuffle",
                                          "blosc_zlib_bitshuffle",
                                          "blosc_blosclz_noshuffle",
                                          "blosc_blosclz_shuffle",
                                          "blosc_blosclz_bitshuffle"};
  for (const auto& name : names) {
    const auto a = open_fixture("v2", name, 2, *context);
    INFO(name << " " << a.metadata().codec_summary());
    CHECK(a.metadata().shape == std::vector<std::int64_t>{3, 5, 6});
    CHECK(fixture_mismatches(read_whole(a), a.metadata().dtype).empty());
  }
}

TEST_CASE("zarr v2 absent chunks read as the fill value, NaN included", "[zarr][v2]") {
  auto context = imagery::testing::make_context();
  {
    const auto a = open_fixture("v2", "fill_nan", 2, *context);
    const auto bytes = read_whole(a);
    const auto* v = reinterpret_cast<const float*>(bytes.data());
    for (std::int64_t z = 0; z < 3; ++z)
      for (std::int64_t y = 0; y < 5; ++y)
        for (std::int64_t x = 0; x < 6; ++x) {
          const std::int64_t i = (z * 5 + y) * 6 + x;
          if (z < 2 && y < 3 && x < 4)
            CHECK(v[i] == imagery::testing::fixture_value<float>(i));
          else
            CHECK(std::isnan(v[i]));
        }
  }
  {
    const auto a = open_fixture("v2", "fill_7", 2, *context);
    const auto bytes = read_whole(a);
    const auto* v = reinterpret_cast<const std::uint16_t*>(bytes.data());
    CHECK(v[0] == 3);
    CHECK(v[5] == 7);       // x 5 lies in chunk 0.0.1, never written
    CHECK(v[3 * 6] == 7);   // y 3
    CHECK(v[2 * 30] == 7);  // z 2
  }
}

TEST_CASE("zarr v3 arrays decode every codec of the pipeline", "[zarr][v3]") {
  auto context = imagery::testing::make_context();
  for (const std::string name : {"raw_u2", "be_f8", "be_i2_gzip", "zstd_u4", "blosc_u2", "crc_u1",
                                 "transpose_i4", "v2_keys", "dot_keys"}) {
    const auto a = open_fixture("v3", name, 3, *context);
    INFO(name << " " << a.metadata().codec_summary());
    CHECK(fixture_mismatches(read_whole(a), a.metadata().dtype).empty());
  }
  CHECK(open_fixture("v3", "v2_keys", 3, *context).object_key({1, 0, 1}) == "v2_keys/1.0.1");
  CHECK(open_fixture("v3", "dot_keys", 3, *context).object_key({1, 0, 1}) == "dot_keys/c.1.0.1");
  CHECK(open_fixture("v3", "raw_u2", 3, *context).object_key({1, 0, 1}) == "raw_u2/c/1/0/1");
}

TEST_CASE("sharded zarr v3 arrays read inner chunks, missing ones as the fill value",
          "[zarr][v3][sharding]") {
  auto context = imagery::testing::make_context();
  for (const std::string name : {"sharded_end", "sharded_start"}) {
    const auto a = open_fixture("v3", name, 3, *context);
    INFO(name);
    REQUIRE(a.metadata().sharding());
    CHECK(a.metadata().sharding()->index_at_end == (name == "sharded_end"));
    const auto bytes = read_whole(a);
    const auto* v = reinterpret_cast<const std::uint16_t*>(bytes.data());
    int wrong = 0;
    for (std::int64_t z = 0; z < 3; ++z)
      for (std::int64_t y = 0; y < 8; ++y)
        for (std::int64_t x = 0; x < 12; ++x) {
          const std::int64_t i = (z * 8 + y) * 12 + x;
          const bool zero = (z == 0 && y < 2 && x < 3) || (z == 1 && y >= 4) ||
                            (z >= 2 && y >= 4 && x >= 6);  // the shard never written
          const std::uint16_t want = zero ? 0 : imagery::testing::fixture_value<std::uint16_t>(i);
          wrong += v[i] != want;
        }
    CHECK(wrong == 0);
    // A region inside one shard decodes only the inner chunks it touches.
    std::vector<std::uint16_t> part(2 * 3);
    zarr::Region r{{2, 1, 7}, {3, 3, 10}, reinterpret_cast<std::byte*>(part.data()), {6, 3, 1}};
    const zarr::ReadReport report = a.read(r);
    CHECK(report.objects == 1);
    CHECK(part[0] == imagery::testing::fixture_value<std::uint16_t>((2 * 8 + 1) * 12 + 7));
  }
}

TEST_CASE("zarr reads write through any output strides", "[zarr]") {
  auto context = imagery::testing::make_context();
  const auto a = open_fixture("v2", "u2", 2, *context);
  // x fastest (imagery's layout) for the box z 1..3, y 2..5, x 1..6.
  std::vector<std::uint16_t> out(5 * 3 * 2);
  a.read({{1, 2, 1}, {3, 5, 6}, reinterpret_cast<std::byte*>(out.data()), {15, 5, 1}});
  std::vector<std::uint16_t> f(5 * 3 * 2);
  // The same box with z fastest (strides of a transposed layout).
  a.read({{1, 2, 1}, {3, 5, 6}, reinterpret_cast<std::byte*>(f.data()), {1, 2, 6}});
  for (std::int64_t z = 0; z < 2; ++z)
    for (std::int64_t y = 0; y < 3; ++y)
      for (std::int64_t x = 0; x < 5; ++x) {
        const auto want =
            imagery::testing::fixture_value<std::uint16_t>(((z + 1) * 5 + y + 2) * 6 + x + 1);
        CHECK(out[static_cast<std::size_t>(x + 5 * (y + 3 * z))] == want);
        CHECK(f[static_cast<std::size_t>(z + 2 * y + 6 * x)] == want);
      }
  CHECK(imagery::testing::error_of([&] {
          a.read({{0, 0, 0}, {4, 5, 6}, reinterpret_cast<std::byte*>(out.data()), {30, 6, 1}});
        }).code() == ErrorCode::kInvalidArgument);
}
