// The info file: real-world documents parse with the documented values, mips
// are picked as CloudVolume and Neuroglancer do, and a table of malformed
// documents each fails naming the field.
#include "imagery/precomputed/info.h"

#include <catch2/catch.hpp>

#include "imagery/io/gzip.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/precomputed/volume.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::data_path;

using imagery::testing::read_text;

namespace {

const char* kMinimal = R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
  {"key": "4_4_40", "size": [10, 20, 30], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 8]],
   "encoding": "raw"}]})";
}  // namespace

TEST_CASE("the fixture volumes' sharding parameters are read", "[precomputed][info]") {
  auto info = parse_info(read_text(data_path("cloudvolume/seg_sharded_murmur/info")), "murmur");
  REQUIRE(info.scales[0].sharding);
  const auto& s = *info.scales[0].sharding;
  CHECK(s.hash == ShardHash::kMurmurHash3_x86_128);
  CHECK(s.minishard_bits == 2);
  CHECK(s.shard_bits == 1);
  CHECK(s.minishard_index_encoding == ShardEncoding::kGzip);
  CHECK(s.data_encoding == ShardEncoding::kGzip);
  CHECK(info.scales[0].compressed_segmentation_block_size == Vec3{8, 8, 8});
}

TEST_CASE("the default mip skips placeholder and hidden scales", "[precomputed][info]") {
  auto info = parse_info(R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
    {"key": "placeholder", "size": [1,1,1], "resolution": [2,2,40], "chunk_sizes": [[1,1,1]], "encoding": "raw"},
    {"key": "s1", "hidden": true, "size": [1,1,1], "resolution": [4,4,40], "chunk_sizes": [[1,1,1]], "encoding": "raw"},
    {"key": "s2", "size": [1,1,1], "resolution": [8,8,40], "chunk_sizes": [[1,1,1]], "encoding": "RAW"}]})",
                         "test");
  CHECK(info.scales[0].is_placeholder());
  CHECK(info.default_mip() == 2);
  CHECK(info.mip_with_resolution({4, 4, 40}) == std::optional<int>(1));
  CHECK(info.mip_with_resolution({4.0000000001, 4, 40}) == std::optional<int>(1));
  CHECK_FALSE(info.mip_with_resolution({5, 5, 40}));
  CHECK(info.nearest_mip({7, 7, 40}) == 2);
  CHECK(info.nearest_mip({1, 1, 40}) == 2);  // the only usable scale
}

TEST_CASE("nearest mip by resolution picks the closest usable scale", "[precomputed][info]") {
  auto info = parse_info(read_text(data_path("cloudvolume/image_raw/info")), "image_raw");
  CHECK(info.nearest_mip({4, 4, 40}) == 0);
  CHECK(info.nearest_mip({9, 9, 40}) == 1);
  CHECK(info.nearest_mip({14, 14, 40}) == 2);
  CHECK(info.nearest_mip({100, 100, 40}) == 2);
}

TEST_CASE("info round-trips through its JSON form", "[precomputed][info]") {
  auto info = parse_info(read_text(data_path("cloudvolume/seg_sharded_identity/info")), "identity");
  auto again = parse_info(info_to_json(info), "again");
  REQUIRE(again.scales.size() == info.scales.size());
  CHECK(again.scales[1].key == info.scales[1].key);
  CHECK(again.scales[1].sharding->preshift_bits == info.scales[1].sharding->preshift_bits);
  CHECK(again.scales[1].sharding->hash == ShardHash::kIdentity);
  CHECK(again.scales[0].voxel_offset == info.scales[0].voxel_offset);
}

TEST_CASE("info.gz and a gzip-compressed info file are read", "[precomputed][info]") {
  imagery::testing::TempDir dir;
  auto gz = io::gzip_compress(std::as_bytes(std::span(std::string_view(kMinimal))));
  imagery::testing::write_file(dir.file("info.gz"), gz);
  io::FileStorage storage(dir.path().string(), io::Context::default_context().pool());
  CHECK(read_info(storage, "vol").scales[0].size == Vec3{10, 20, 30});
  std::filesystem::rename(dir.file("info.gz"), dir.file("info"));
  CHECK(read_info(storage, "vol").scales[0].size == Vec3{10, 20, 30});
}

TEST_CASE("malformed info documents fail naming the file and the field", "[precomputed][info]") {
  struct Case {
    const char* what;
    std::string json;
    const char* field;  // expected in the message
  };
  const std::string scale_ok =
      R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")";
  auto with_scale = [](const std::string& scale,
                       const std::string& top =
                           R"("type": "image", "data_type": "uint8", "num_channels": 1)") {
    return "{" + top + R"(, "scales": [{)" + scale + "}]}";
  };
  const Case cases[] = {
      {"not JSON", "{\"type\": ", "not valid JSON"},
      // Found by fuzz_info: a number too large for any JSON number type.
      {"overflowing number", "{\"type\": 1" + std::string(400, '8') + "}", "not valid JSON"},
      {"an array", "[1, 2]", "expected a JSON object"},
      {"no type", R"({"data_type": "uint8", "num_channels": 1, "scales": []})", "type"},
      {"type not a string",
       with_scale(scale_ok, R"("type": 3, "data_type": "uint8", "num_channels": 1)"), "type"},
      {"wrong @type",
       with_scale(scale_ok,
                  R"("@type": "zarr", "type": "image", "data_type": "uint8", "num_channels": 1)"),
       "@type"},
      {"no data_type", with_scale(scale_ok, R"("type": "image", "num_channels": 1)"), "data_type"},
      {"unknown data_type",
       with_scale(scale_ok, R"("type": "image", "data_type": "complex64", "num_channels": 1)"),
       "data_type"},
      {"no num_channels", with_scale(scale_ok, R"("type": "image", "data_type": "uint8")"),
       "num_channels"},
      {"zero channels",
       with_scale(scale_ok, R"("type": "image", "data_type": "uint8", "num_channels": 0)"),
       "num_channels"},
      {"fractional channels",
       with_scale(scale_ok, R"("type": "image", "data_type": "uint8", "num_channels": 1.5)"),
       "num_channels"},
      {"segmentation with 2 channels",
       with_scale(scale_ok, R"("type": "segmentation", "data_type": "uint64", "num_channels": 2)"),
       "num_channels"},
      {"no scales", R"({"type": "image", "data_type": "uint8", "num_channels": 1})", "scales"},
      {"empty scales",
       R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": []})", "scales"},
      {"scale not an object",
       R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [3]})", "scales[0]"},
      {"no key",
       with_scale(
           R"("size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].key"},
      {"empty key",
       with_scale(
           R"("key": "", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].key"},
      {"size of 2",
       with_scale(
           R"("key": "k", "size": [10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].size"},
      {"negative size",
       with_scale(
           R"("key": "k", "size": [10,-1,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].size[1]"},
      {"size as strings",
       with_scale(
           R"("key": "k", "size": ["10","10","10"], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].size[0]"},
      {"huge size",
       with_scale(
           R"("key": "k", "size": [10,10,90000000000000000], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].size"},
      {"bad voxel_offset",
       with_scale(
           R"("key": "k", "size": [10,10,10], "voxel_offset": [0,0], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].voxel_offset"},
      {"zero resolution",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,0,40], "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].resolution[1]"},
      {"resolution not numbers",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": "4,4,40", "chunk_sizes": [[8,8,8]], "encoding": "raw")"),
       "scales[0].resolution"},
      {"no chunk_sizes",
       with_scale(R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "encoding": "raw")"),
       "scales[0].chunk_sizes"},
      {"empty chunk_sizes",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [], "encoding": "raw")"),
       "scales[0].chunk_sizes"},
      {"zero chunk size",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,0,8]], "encoding": "raw")"),
       "scales[0].chunk_sizes[0][1]"},
      {"flat chunk_sizes",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [8,8,8], "encoding": "raw")"),
       "scales[0].chunk_sizes[0]"},
      {"no encoding",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]])"),
       "scales[0].encoding"},
      {"unknown encoding",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "webp")"),
       "scales[0].encoding"},
      {"jpeg of uint16",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "jpeg")",
           R"("type": "image", "data_type": "uint16", "num_channels": 1)"),
       "scales[0].encoding"},
      {"jpeg with 2 channels",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "jpeg")",
           R"("type": "image", "data_type": "uint8", "num_channels": 2)"),
       "scales[0].encoding"},
      {"png of float32",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "png")",
           R"("type": "image", "data_type": "float32", "num_channels": 1)"),
       "scales[0].encoding"},
      {"cseg of uint8",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "compressed_segmentation")",
           R"("type": "segmentation", "data_type": "uint8", "num_channels": 1)"),
       "scales[0].encoding"},
      {"cseg block of zero",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8]], "encoding": "compressed_segmentation", "compressed_segmentation_block_size": [8,0,8])",
           R"("type": "segmentation", "data_type": "uint64", "num_channels": 1)"),
       "compressed_segmentation_block_size[1]"},
      {"sharding not an object", with_scale(scale_ok + R"(, "sharding": 5)"), "scales[0].sharding"},
      {"sharding wrong @type",
       with_scale(
           scale_ok +
           R"(, "sharding": {"@type": "v2", "hash": "identity", "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0})"),
       "scales[0].sharding.@type"},
      {"sharding unknown hash",
       with_scale(
           scale_ok +
           R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "md5", "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0})"),
       "scales[0].sharding.hash"},
      {"sharding bits over 64",
       with_scale(
           scale_ok +
           R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity", "preshift_bits": 0, "minishard_bits": 40, "shard_bits": 30})"),
       "scales[0].sharding"},
      {"sharding negative preshift",
       with_scale(
           scale_ok +
           R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity", "preshift_bits": -1, "minishard_bits": 0, "shard_bits": 0})"),
       "scales[0].sharding.preshift_bits"},
      {"sharding missing minishard_bits",
       with_scale(
           scale_ok +
           R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity", "preshift_bits": 0, "shard_bits": 0})"),
       "scales[0].sharding.minishard_bits"},
      {"sharding bad data_encoding",
       with_scale(
           scale_ok +
           R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity", "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0, "data_encoding": "zstd"})"),
       "scales[0].sharding.data_encoding"},
      {"sharded with two chunk sizes",
       with_scale(
           R"("key": "k", "size": [10,10,10], "resolution": [4,4,40], "chunk_sizes": [[8,8,8],[4,4,4]], "encoding": "raw", "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity", "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0})"),
       "scales[0].chunk_sizes"},
      {"hidden not a boolean", with_scale(scale_ok + R"(, "hidden": "yes")"), "scales[0].hidden"},
      {"mesh not a string",
       with_scale(scale_ok).substr(0, with_scale(scale_ok).size() - 1) + R"(, "mesh": 3})", "mesh"},
  };
  for (const auto& c : cases) {
    SECTION(c.what) {
      try {
        parse_info(c.json, "/data/vol/info");
        FAIL("expected an error for " << c.what);
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kDataLoss);
        CHECK_THAT(e.what(), Catch::StartsWith("info /data/vol/info: "));
        CHECK_THAT(e.what(), Catch::Contains(c.field));
      }
    }
  }
}

TEST_CASE("unknown members are ignored and optional members default", "[precomputed][info]") {
  auto info =
      parse_info(R"({"type": "weird", "data_type": "FLOAT32", "num_channels": 3, "extra": {"a": 1},
    "scales": [{"key": "k", "size": [1,2,3], "resolution": [1.5, 2.5, 40], "chunk_sizes": [[1,2,3]],
    "encoding": "raw", "locked": true, "rois": []}]})",
                 "t");
  CHECK(info.type == "weird");
  CHECK_FALSE(info.is_segmentation());
  CHECK(info.data_type == DataType::kFloat32);
  CHECK(info.scales[0].voxel_offset == Vec3{0, 0, 0});
  CHECK_FALSE(info.scales[0].sharding);
  CHECK(info.scales[0].resolution == Vec3d{1.5, 2.5, 40});
}

TEST_CASE("a compressed_segmentation scale without a block size defaults to 8x8x8",
          "[precomputed][info]") {
  auto info = parse_info(R"({"type": "segmentation", "data_type": "uint32", "num_channels": 1,
    "scales": [{"key": "k", "size": [1,2,3], "resolution": [8,8,8], "chunk_sizes": [[1,2,3]],
    "encoding": "compressed_segmentation"}]})",
                         "t");
  CHECK(info.scales[0].compressed_segmentation_block_size == Vec3{8, 8, 8});
}
