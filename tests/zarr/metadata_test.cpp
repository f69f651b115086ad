// Zarr array metadata (v2 .zarray, v3 zarr.json): what is read, and the table of invalid
// documents with the error each must give; codec round trips over codec x dtype; CRC-32C; and
// corrupt chunks and shards.
#include <catch2/catch.hpp>
#include <cstring>
#include <numeric>

#include "imagery/core/error.h"
#include "imagery/zarr/array_metadata.h"
#include "imagery/zarr/chunk_codec.h"
#include "imagery/zarr/compressors.h"
#include "imagery/zarr/shard_index.h"
#include "support/error_of.h"

using namespace imagery;
using namespace imagery::zarr;
using imagery::testing::error_of;

namespace {

std::string zarray(const std::string& fields) {
  return R"({"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2",
             "order": "C", "compressor": null, "filters": null)" +
         (fields.empty() ? std::string() : ", " + fields) + "}";
}

std::string zarr_json(const std::string& codecs, const std::string& extra = "") {
  return R"({"zarr_format": 3, "node_type": "array", "shape": [10, 20], "data_type": "uint16",
             "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 8]}},
             "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": )" +
         codecs + extra + "}";
}

const char* kBytesLE = R"({"name": "bytes", "configuration": {"endian": "little"}})";

}  // namespace

TEST_CASE("zarr v2 metadata: dtype, order, fill value, separator, compressor", "[zarr][metadata]") {
  const auto m = parse_zarray(zarray(R"("fill_value": "NaN", "dimension_separator": "/")")
                                  .replace(zarray("").find("<u2"), 3, ">f8")
                                  .replace(zarray("").find("\"C\""), 3, "\"F\""),
                              "a/.zarray");
  CHECK(m.dtype == DataType::kFloat64);
  CHECK(m.separator == '/');
  double fill = 0;
  std::memcpy(&fill, m.fill_value.data(), 8);
  CHECK(std::isnan(fill));
  REQUIRE(m.codecs.size() == 2);
  CHECK(m.codecs[0].kind == Codec::Kind::kTranspose);
  CHECK(m.codecs[0].order == std::vector<int>{1, 0});
  CHECK(m.codecs[1].big_endian);
  CHECK(chunk_key(m, {1, 2}) == "1/2");
  const auto b = parse_zarray(
      zarray(R"("fill_value": 3)")
          .replace(zarray("").find("null"), 4, R"({"id": "blosc", "cname": "zstd", "shuffle": 2})"),
      "b/.zarray");
  CHECK(b.codec_summary() == "blosc/zstd");
  CHECK(chunk_key(b, {1, 2}) == "1.2");
}

TEST_CASE("invalid zarr array metadata fails naming the document and field", "[zarr][metadata]") {
  struct Row {
    const char* name;
    std::string text;
    bool v3;
    ErrorCode code;
    const char* message;
  };
  const std::string s = zarray(R"("fill_value": 0)");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = s;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  const std::vector<Row> rows = {
      {"not JSON", "[1", false, ErrorCode::kDataLoss, "not valid JSON"},
      {"not an object", "[1]", false, ErrorCode::kDataLoss, "not a JSON object"},
      {"zarr_format 3 in .zarray", with("\"zarr_format\": 2", "\"zarr_format\": 3"), false,
       ErrorCode::kDataLoss, "not 2"},
      {"no shape", with("\"shape\": [10, 20], ", ""), false, ErrorCode::kDataLoss,
       "'shape' is missing"},
      {"negative shape", with("[10, 20]", "[-1, 20]"), false, ErrorCode::kDataLoss, "'shape'"},
      {"zero chunk", with("[4, 8]", "[0, 8]"), false, ErrorCode::kDataLoss, "'chunks'"},
      {"chunks of another rank", with("[4, 8]", "[4, 8, 2]"), false, ErrorCode::kDataLoss,
       "dimensions but the chunks"},
      {"huge chunks", with("[4, 8]", "[100000, 100000]"), false, ErrorCode::kDataLoss, "more than"},
      {"dtype |u2", with("<u2", "|u2"), false, ErrorCode::kDataLoss, "no byte order"},
      {"dtype <c8", with("<u2", "<c8"), false, ErrorCode::kInvalidArgument, "not supported"},
      {"structured dtype", with("\"<u2\"", "[[\"a\", \"<u2\"]]"), false,
       ErrorCode::kInvalidArgument, "structured"},
      {"order K", with("\"C\"", "\"K\""), false, ErrorCode::kDataLoss, "'order'"},
      {"fill value out of range", with("\"fill_value\": 0", "\"fill_value\": 70000"), false,
       ErrorCode::kDataLoss, "not a uint16"},
      {"fill value text", with("\"fill_value\": 0", "\"fill_value\": \"x\""), false,
       ErrorCode::kDataLoss, "fill_value"},
      {"separator", with("\"fill_value\": 0", "\"fill_value\": 0, \"dimension_separator\": \"-\""),
       false, ErrorCode::kDataLoss, "dimension_separator"},
      {"compressor without id", with("\"compressor\": null", "\"compressor\": {}"), false,
       ErrorCode::kDataLoss, "no \"id\""},
      {"unknown compressor", with("\"compressor\": null", "\"compressor\": {\"id\": \"bz2\"}"),
       false, ErrorCode::kInvalidArgument, "compressor 'bz2'"},
      {"v3 unknown codec", zarr_json(std::string("[") + kBytesLE + R"(, {"name": "lzma"}])"), true,
       ErrorCode::kInvalidArgument, "codec 'lzma'"},
      {"v3 no bytes codec", zarr_json(R"([{"name": "gzip", "configuration": {"level": 1}}])"), true,
       ErrorCode::kDataLoss, "before the array->bytes codec"},
      {"v3 two bytes codecs", zarr_json(std::string("[") + kBytesLE + ", " + kBytesLE + "]"), true,
       ErrorCode::kDataLoss, "more than one array->bytes"},
      {"v3 bytes without endian", zarr_json(R"([{"name": "bytes"}])"), true, ErrorCode::kDataLoss,
       "without 'endian'"},
      {"v3 transpose not a permutation",
       zarr_json(std::string(R"([{"name": "transpose", "configuration": {"order": [0, 0]}}, )") +
                 kBytesLE + "]"),
       true, ErrorCode::kDataLoss, "not a permutation"},
      {"v3 group as array", R"({"zarr_format": 3, "node_type": "group", "attributes": {}})", true,
       ErrorCode::kDataLoss, "not \"array\""},
      {"v3 irregular grid",
       std::string(zarr_json(std::string("[") + kBytesLE + "]"))
           .replace(zarr_json("").find("regular"), 7, "rectilinear"),
       true, ErrorCode::kInvalidArgument, "chunk_grid"},
      {"v3 shard not a multiple of inner chunks",
       zarr_json(std::string(R"([{"name": "sharding_indexed", "configuration": {
           "chunk_shape": [3, 8], "codecs": [)") +
                 kBytesLE + R"(], "index_codecs": [)" + kBytesLE + "]}}]"),
       true, ErrorCode::kDataLoss, "not a multiple"},
      {"v3 inner chunks of another rank",
       zarr_json(std::string(R"([{"name": "sharding_indexed", "configuration": {
           "chunk_shape": [2], "codecs": [)") +
                 kBytesLE + R"(], "index_codecs": [)" + kBytesLE + "]}}]"),
       true, ErrorCode::kDataLoss, "1 dimensions, the array 2"},
      {"v3 compressed index",
       zarr_json(std::string(R"([{"name": "sharding_indexed", "configuration": {
           "chunk_shape": [2, 4], "codecs": [)") +
                 kBytesLE + R"(], "index_codecs": [)" + kBytesLE +
                 R"(, {"name": "zstd", "configuration": {"level": 1}}]}}])"),
       true, ErrorCode::kInvalidArgument, "index codec 'zstd'"},
      {"v3 bad index location",
       zarr_json(std::string(R"([{"name": "sharding_indexed", "configuration": {
           "chunk_shape": [2, 4], "index_location": "middle", "codecs": [)") +
                 kBytesLE + R"(], "index_codecs": [)" + kBytesLE + "]}}]"),
       true, ErrorCode::kDataLoss, "index_location"},
      {"v3 unknown data type",
       std::string(zarr_json(std::string("[") + kBytesLE + "]"))
           .replace(zarr_json("").find("uint16"), 6, "complex64"),
       true, ErrorCode::kInvalidArgument, "data_type"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    const Error e = error_of([&] {
      if (row.v3)
        parse_zarr_json_array(row.text, "x/zarr.json");
      else
        parse_zarray(row.text, "x/.zarray");
    });
    CHECK(e.code() == row.code);
    CHECK_THAT(e.what(), Catch::Contains(row.message));
    CHECK_THAT(e.what(), Catch::Contains(row.v3 ? "x/zarr.json" : "x/.zarray"));
  }
}

TEST_CASE("codec pipelines round-trip every dtype", "[zarr][codec]") {
  const std::vector<DataType> dtypes = {DataType::kUint8, DataType::kInt16,   DataType::kUint32,
                                        DataType::kInt64, DataType::kFloat32, DataType::kFloat64};
  struct Pipeline {
    const char* name;
    std::vector<Codec::Kind> kinds;
    bool big_endian, transpose;
  };
  const std::vector<Pipeline> pipelines = {
      {"bytes", {}, false, false},
      {"big-endian bytes", {}, true, false},
      {"transpose + gzip", {Codec::Kind::kGzip}, false, true},
      {"zstd + crc32c", {Codec::Kind::kZstd, Codec::Kind::kCrc32c}, false, false},
      {"lz4", {Codec::Kind::kLz4}, true, false},
      {"blosc", {Codec::Kind::kBlosc}, false, true},
  };
  const std::vector<std::int64_t> shape{3, 4, 5};
  for (const auto& p : pipelines)
    for (DataType dt : dtypes) {
      INFO(p.name << " " << dtype_name(dt));
      std::vector<Codec> codecs;
      if (p.transpose) {
        Codec t;
        t.kind = Codec::Kind::kTranspose;
        t.order = {2, 0, 1};
        codecs.push_back(t);
      }
      Codec b;
      b.big_endian = p.big_endian;
      codecs.push_back(b);
      for (auto k : p.kinds) {
        Codec c;
        c.kind = k;
        codecs.push_back(c);
      }
      std::vector<std::byte> data(60 * dtype_size(dt));
      for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 37 % 251);
      const Bytes stored = encode_chunk(data, codecs, shape, dt, CompressOptions{});
      const DecodedChunk d = decode_chunk(stored, codecs, shape, dt, "chunk");
      // Element (i, j, k) of the decoded chunk is at the strides it reports.
      const std::size_t e = dtype_size(dt);
      int wrong = 0;
      for (std::int64_t i = 0; i < 3; ++i)
        for (std::int64_t j = 0; j < 4; ++j)
          for (std::int64_t k = 0; k < 5; ++k) {
            const auto at =
                static_cast<std::size_t>(i * d.strides[0] + j * d.strides[1] + k * d.strides[2]);
            const auto want = static_cast<std::size_t>((i * 4 + j) * 5 + k);
            wrong += std::memcmp(d.data.data() + at * e, data.data() + want * e, e) != 0;
          }
      CHECK(wrong == 0);
    }
}

TEST_CASE("corrupt chunks and shards fail with kDataLoss naming them", "[zarr][codec][sharding]") {
  std::vector<Codec> codecs(2);
  codecs[1].kind = Codec::Kind::kBlosc;
  const std::vector<std::int64_t> shape{8, 8};
  std::vector<std::byte> data(64 * 2, std::byte{7});
  Bytes stored = encode_chunk(data, codecs, shape, DataType::kUint16, CompressOptions{});
  SECTION("truncated blosc") {
    stored.resize(stored.size() / 2);
    const Error e =
        error_of([&] { decode_chunk(stored, codecs, shape, DataType::kUint16, "chunk c/0/0"); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("chunk c/0/0"));
  }
  SECTION("a chunk that decodes to the wrong size") {
    const Error e = error_of([&] {
      decode_chunk(stored, codecs, {4, 8}, DataType::kUint16, "chunk c/0/0");
    });
    CHECK(e.code() == ErrorCode::kDataLoss);
  }
  SECTION("a crc32c that does not match") {
    std::vector<Codec> crc(2);
    crc[1].kind = Codec::Kind::kCrc32c;
    Bytes s = encode_chunk(data, crc, shape, DataType::kUint16, CompressOptions{});
    s[3] ^= std::byte{1};
    const Error e = error_of([&] { decode_chunk(s, crc, shape, DataType::kUint16, "chunk x"); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("crc32c"));
  }
  SECTION("shard indices pointing outside the shard, or shards shorter than their index") {
    ShardingCodec sh;
    sh.chunk_shape = {4, 8};
    sh.codecs.resize(1);
    sh.index_codecs.resize(2);
    sh.index_codecs[1].kind = Codec::Kind::kCrc32c;
    Bytes shard = build_shard(sh, {Bytes(10, std::byte{1}), std::nullopt});
    const auto index = read_shard_index(sh, 2, shard, "shard s");
    REQUIRE(index[0]);
    CHECK(index[0]->nbytes == 10);
    CHECK_FALSE(index[1]);
    // An entry pointing past the end, with its checksum made to match.
    std::vector<std::uint64_t> entries{5, 100, ~0ull, ~0ull};
    Bytes idx(reinterpret_cast<std::byte*>(entries.data()),
              reinterpret_cast<std::byte*>(entries.data()) + 32);
    idx = apply_bytes_codec(Codec::Kind::kCrc32c, idx);
    Bytes bad(10, std::byte{1});
    bad.insert(bad.end(), idx.begin(), idx.end());
    const Error e = error_of([&] { read_shard_index(sh, 2, bad, "shard s"); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("points outside the shard"));
    const Error t = error_of([&] { read_shard_index(sh, 2, Bytes(12), "shard s"); });
    CHECK(t.code() == ErrorCode::kDataLoss);
    CHECK_THAT(t.what(), Catch::Contains("shorter than its shard index"));
  }
}
