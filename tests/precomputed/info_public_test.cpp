// Real `info` documents from Neuroglancer's and CloudVolume's public test data (read from
// ../shared/fixtures/public, never copied into the project) parse with their documented scales.
#include <catch2/catch.hpp>

#include "imagery/precomputed/info.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::read_text;
using imagery::testing::shared_fixture_path;

TEST_CASE("the Neuroglancer one_channel info parses with its documented scales",
          "[precomputed][info]") {
  auto info =
      parse_info(read_text(shared_fixture_path(
                     "public/neuroglancer/testdata/datasource/precomputed/one_channel/info")),
                 "one_channel");
  CHECK(info.type == "image");
  CHECK(info.data_type == DataType::kUint16);
  CHECK(info.num_channels == 1);
  REQUIRE(info.scales.size() == 3);
  CHECK(info.scales[0].key == "3_4_5");
  CHECK(info.scales[0].resolution == Vec3d{3, 4, 5});
  CHECK(info.scales[0].size == Vec3{10, 20, 30});
  CHECK(info.scales[0].voxel_offset == Vec3{0, 0, 0});
  CHECK(info.scales[0].chunk_size() == Vec3{10, 20, 30});
  CHECK(info.scales[1].size == Vec3{5, 10, 15});
  CHECK(info.scales[2].key == "12_16_20");
  CHECK(info.scales[2].chunk_size() == Vec3{3, 5, 8});
  CHECK(info.scales[2].encoding == Encoding::kRaw);
  CHECK(info.downsample_factor(2) == Vec3d{4, 4, 4});
  auto two =
      parse_info(read_text(shared_fixture_path(
                     "public/neuroglancer/testdata/datasource/precomputed/two_channels/info")),
                 "two_channels");
  CHECK(two.num_channels == 2);
}

TEST_CASE("CloudVolume's compresso and sharded infos parse", "[precomputed][info]") {
  auto seg = parse_info(
      read_text(shared_fixture_path("public/cloud-volume/test/test_seg_unsharded/info")), "seg");
  CHECK(seg.is_segmentation());
  CHECK(seg.data_type == DataType::kUint32);
  REQUIRE(seg.scales.size() == 3);
  CHECK(seg.scales[0].encoding == Encoding::kCompresso);
  CHECK(encoding_is_supported(seg.scales[0].encoding));  // decoded since issue 19
  CHECK(seg.mesh == std::optional<std::string>("mesh_mip_2_err_40"));
  auto sharded = parse_info(
      read_text(shared_fixture_path("public/cloud-volume/test/test_cv_sharded/info")), "sharded");
  REQUIRE(sharded.scales[0].sharding.has_value());
  CHECK(sharded.scales[0].sharding->preshift_bits == 9);
  parse_info(read_text(shared_fixture_path("public/cloud-volume/test/test_cv/sharded_info.json")),
             "graphene");
  parse_info(read_text(shared_fixture_path("public/cloud-volume/test/test_cv/info")), "test_cv");
}
