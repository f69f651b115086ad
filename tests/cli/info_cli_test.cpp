// `imagery info`: the readable table, --json, and errors as one line with the
// documented exit codes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using imagery::testing::count_lines;
using imagery::testing::data_path;
using imagery::testing::run_imagery;

TEST_CASE("imagery info prints type, dtype, channels and one row per mip", "[cli][info]") {
  auto r = run_imagery({"info", data_path("cloudvolume/image_raw")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("type:        image"));
  CHECK_THAT(r.out, Catch::Contains("data type:   uint8"));
  CHECK_THAT(r.out, Catch::Contains("channels:    1"));
  CHECK_THAT(r.out, Catch::Contains("mip  key"));
  CHECK_THAT(
      r.out,
      Catch::Matches(
          R"([\s\S]*\n0 +4_4_40 +4, 4, 40 +300 x 270 x 37 +100, 36, 12 +64 x 64 x 16 +raw +no\n[\s\S]*)"));
  CHECK_THAT(
      r.out,
      Catch::Matches(
          R"([\s\S]*\n2 +16_16_40 +16, 16, 40 +75 x 68 x 37 +25, 9, 12 +64 x 64 x 16 +raw +no\n[\s\S]*)"));
}

TEST_CASE("imagery info shows sharding and compressed_segmentation blocks", "[cli][info]") {
  auto r = run_imagery({"info", "file://" + data_path("cloudvolume/seg_sharded_identity")});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("type:        segmentation"));
  CHECK_THAT(r.out, Catch::Contains("compressed_segmentation (block 8 x 8 x 8)"));
  CHECK_THAT(r.out, Catch::Contains("yes (identity, preshift 3, minishard 1, shard 2 bits"));
}

TEST_CASE("imagery info --json prints the validated info", "[cli][info]") {
  auto r =
      run_imagery({"info", "precomputed://file://" + data_path("cloudvolume/seg_cseg"), "--json"});
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["type"] == "segmentation");
  CHECK(doc["data_type"] == "uint64");
  CHECK(doc["scales"].size() == 2);
  CHECK(doc["scales"][1]["key"] == "16_16_40");
  CHECK(doc["scales"][0]["voxel_offset"] == nlohmann::json::array({50, 18, 12}));
}

TEST_CASE("imagery info of a missing volume exits 3 with one line naming it", "[cli][info]") {
  auto r = run_imagery({"info", "/no/such/volume"});
  CHECK(r.exit_code == 3);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("/no/such/volume"));
  CHECK(r.out.empty());
}

TEST_CASE("imagery info of a malformed info exits 5 naming the file and field", "[cli][info]") {
  imagery::testing::TempDir dir;
  imagery::testing::write_file(
      dir.file("info"), std::string(R"({"type": "image", "data_type": "uint8", "num_channels": 1,
    "scales": [{"key": "k", "size": [1, 1], "resolution": [1,1,1], "chunk_sizes": [[1,1,1]], "encoding": "raw"}]})"));
  auto r = run_imagery({"info", dir.path().string()});
  CHECK(r.exit_code == 5);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(dir.file("info")) && Catch::Contains("scales[0].size"));
}

TEST_CASE("imagery with a bad scheme, a wrong flag or no command exits 2", "[cli][info]") {
  auto scheme = run_imagery({"info", "ftp://host/vol"});
  CHECK(scheme.exit_code == 2);
  CHECK_THAT(scheme.err, Catch::Contains("ftp://host/vol"));
  auto flag = run_imagery({"info", data_path("cloudvolume/image_raw"), "--colour"});
  CHECK(flag.exit_code == 2);
  CHECK_THAT(flag.err, Catch::Contains("--colour"));
  CHECK(count_lines(flag.err) == 1);
  auto none = run_imagery({});
  CHECK(none.exit_code == 2);
  CHECK(count_lines(none.err) == 1);
}

TEST_CASE("imagery --version and --help exit 0", "[cli][info]") {
  CHECK(run_imagery({"--version"}).exit_code == 0);
  auto help = run_imagery({"cutout", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--bounds") && Catch::Contains("--fill-missing"));
}
