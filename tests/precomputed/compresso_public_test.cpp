// compresso on a complete real volume (read from ../shared/fixtures/real, never copied into the
// project): CloudVolume's pinky40 test volume, 3 scales and 168 gzip'd chunks. Every chunk
// decodes; the coarsest scale holds every one of the 2,511 labels its mesh index lists; cutouts
// across chunk borders agree between scales (each voxel of a scale carries a label of the 2x2
// voxels it was downsampled from); `imagery info` reads it. CloudVolume's uint64 compresso volume
// of a pinky40 box decodes to its array; our encoder (compresso_encoder.h) writes real chunks
// byte for byte.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "compresso_encoder.h"
#include "imagery/io/gzip.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/compresso.h"
#include "imagery/precomputed/volume.h"
#include "label_arrays.h"
#include "label_blocks.h"
#include "support/npz.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::same;
using imagery::testing::shared_fixture_path;

namespace {

const std::string kPinky = "real/chunks/cloudvolume_pinky40_subvol_compresso";
const std::string kCloudVolume = "real/chunks/cloudvolume_crackle_compresso_from_pinky40/";

// The labels of `a` (the compositor's optimised split: this test code is built without
// optimisation, and the coarsest scale has 32 million voxels).
std::set<std::uint32_t> labels_of(const Array& a) {
  overlay::SplitOptions all;
  all.include_zero = true;
  const auto ids = overlay::ObjectLabels::split(a, all).ids();
  return {ids.begin(), ids.end()};
}

// The labels the mesh's spatial index lists (its boxes are in nm and only approximate).
std::set<std::uint32_t> mesh_index_labels() {
  std::set<std::uint32_t> labels;
  const std::string dir = shared_fixture_path(kPinky + "/mesh_mip_2_err_40");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (path.size() < 11 || path.substr(path.size() - 11) != ".spatial.gz") continue;
    const auto bytes = io::gunzip(imagery::testing::read_file(path), path);
    const auto doc = nlohmann::json::parse(
        std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    for (const auto& [key, box] : doc.items())
      labels.insert(static_cast<std::uint32_t>(std::stoul(key)));
  }
  return labels;
}

// The voxels of `coarse` whose label none of the 2x2 voxels of `fine` under them has (both boxes
// start at corresponding voxels; the scales are downsampled 2x2x1).
std::int64_t not_downsampled_from(const Array& coarse, const Array& fine) {
  std::int64_t outside = 0;
  const Shape4& s = coarse.shape();
  for (std::int64_t z = 0; z < s.z; ++z)
    for (std::int64_t y = 0; y < s.y; ++y)
      for (std::int64_t x = 0; x < s.x; ++x) {
        const std::uint32_t l = coarse.at<std::uint32_t>(x, y, z);
        bool found = false;
        for (int d = 0; d < 4; ++d)
          found = found || fine.at<std::uint32_t>(2 * x + d % 2, 2 * y + d / 2, z) == l;
        outside += !found;
      }
  return outside;
}

}  // namespace

TEST_CASE("every chunk of the pinky40 compresso volume decodes",
          "[precomputed][compresso][public]") {
  auto v = Volume::open(shared_fixture_path(kPinky));
  REQUIRE(v.info().scales.size() == 3);
  int chunks = 0;
  for (int mip = 0; mip < 3; ++mip) {
    const Scale& s = v.info().scales[static_cast<std::size_t>(mip)];
    CHECK(s.encoding == Encoding::kCompresso);
    const ChunkGrid grid(s);
    std::set<std::uint32_t> labels;
    for (const Vec3& cell : grid.cells_overlapping(s.bounds())) {
      // Each chunk's middle slice, alone (version 1 slices decode on their own; the coarsest
      // scale decodes whole below, and cutouts of the others across chunks).
      const Bbox b = grid.cell_bounds(cell);
      const std::int64_t z = b.min.z + 31;
      const auto l = labels_of(v.download({{b.min.x, b.min.y, z}, {b.max.x, b.max.y, z + 1}}, mip));
      labels.insert(l.begin(), l.end());
      ++chunks;
    }
    INFO("mip " << mip);
    CHECK(labels.size() > 1000);
  }
  CHECK(chunks == 168);
}

TEST_CASE("the coarsest pinky40 scale holds every label of the mesh index",
          "[precomputed][compresso][public]") {
  auto v = Volume::open(shared_fixture_path(kPinky));
  const Scale& s = v.info().scales[2];
  REQUIRE(s.size == Vec3{256, 256, 512});
  const Array all = v.download(s.bounds(), 2);
  const std::set<std::uint32_t> present = labels_of(all);
  const std::set<std::uint32_t> indexed = mesh_index_labels();
  CHECK(indexed.size() == 2511);
  std::vector<std::uint32_t> missing;
  std::set_difference(indexed.begin(), indexed.end(), present.begin(), present.end(),
                      std::back_inserter(missing));
  CHECK(missing.empty());
  CHECK(*indexed.begin() == 968670);
  CHECK(*indexed.rbegin() == 98340797);
  // CloudVolume's meshing test: these labels have fragments in z [0, 448), the last two in
  // [448, 512) as well.
  const std::set<std::uint32_t> low =
      labels_of(imagery::testing::crop(all, {{0, 0, 0}, {256, 256, 448}}));
  const std::set<std::uint32_t> high =
      labels_of(imagery::testing::crop(all, {{0, 0, 448}, {256, 256, 512}}));
  for (const std::uint32_t l : {13614423u, 16649205u, 22270104u}) CHECK(low.count(l) == 1);
  for (const std::uint32_t l : {16649205u, 22270104u}) CHECK(high.count(l) == 1);
}

TEST_CASE("pinky40 cutouts across chunk borders agree between scales",
          "[precomputed][compresso][public]") {
  auto v = Volume::open(shared_fixture_path(kPinky));
  // A mip-1 box across the chunk borders x = 256, y = 256 and z = 64, and its mip-0 box (the
  // scales are downsampled 2x2x1).
  const Bbox mip1{{200, 220, 60}, {312, 300, 70}};
  const Bbox mip0{{400, 440, 60}, {624, 600, 70}};
  const Array a1 = v.download(mip1, 1);
  const Array a0 = v.download(mip0, 0);
  const std::set<std::uint32_t> l1 = labels_of(a1), l0 = labels_of(a0);
  CHECK(l1.size() > 10);
  CHECK(std::includes(l0.begin(), l0.end(), l1.begin(), l1.end()));
  // Each mip-1 voxel carries the label of one of its 2x2 mip-0 voxels, each mip-2 voxel one of
  // its 2x2 mip-1 voxels.
  CHECK(not_downsampled_from(a1, a0) == 0);
  CHECK(not_downsampled_from(v.download({{100, 110, 60}, {156, 150, 70}}, 2), a1) == 0);
  // A cutout's corner against the whole chunk.
  const Array chunk = v.download({{256, 256, 64}, {512, 512, 128}}, 0);
  const Array corner = v.download({{256, 256, 64}, {300, 290, 70}}, 0);
  CHECK(same(corner, imagery::testing::crop(chunk, {{0, 0, 0}, {44, 34, 6}})));
}

TEST_CASE("our compresso encoder writes real chunks byte for byte",
          "[precomputed][compresso][public]") {
  struct Real {
    std::string path;
    DataType dtype;
  };
  const std::vector<Real> chunks{
      {kPinky + "/32_32_40/0-256_0-256_448-512.gz", DataType::kUint32},
      {kCloudVolume + "compresso_u64/32_32_40/138-210_20-148_133-155.gz", DataType::kUint64},
      {kCloudVolume + "compresso_u64/32_32_40/10-138_20-148_69-133.gz", DataType::kUint64}};
  for (const Real& r : chunks) {
    INFO(r.path);
    const std::string path = shared_fixture_path(r.path);
    const auto bytes = io::gunzip(imagery::testing::read_file(path), path);
    auto u16 = [&](std::size_t at) {
      return static_cast<std::int64_t>(std::to_integer<int>(bytes[at]) |
                                       std::to_integer<int>(bytes[at + 1]) << 8);
    };
    const Vec3 shape{u16(6), u16(8), u16(10)};
    const Array decoded = imagery::testing::decode_chunk(
        [&](std::span<const std::byte> b, const ChunkTarget& t) {
          decode_compresso_chunk(b, t, path);
        },
        bytes, r.dtype, shape);
    imagery::testing::CompressoOptions o;
    o.version = std::to_integer<int>(bytes[4]);
    o.xstep = std::to_integer<int>(bytes[12]);
    o.ystep = std::to_integer<int>(bytes[13]);
    o.zstep = std::to_integer<int>(bytes[14]);
    o.connectivity = std::to_integer<int>(bytes[35]);
    CHECK(imagery::testing::encode_compresso(decoded, o) == bytes);
  }
}

TEST_CASE("CloudVolume's uint64 compresso volume of pinky40 decodes to its array",
          "[precomputed][compresso][public]") {
  const NpyArray truth = imagery::testing::read_npz_array(
      shared_fixture_path(kCloudVolume + "truth_u64.npz"), "data.npy");
  auto v = Volume::open(shared_fixture_path(kCloudVolume + "compresso_u64"));
  const Bbox bounds = v.info().scales[0].bounds();
  const Array all = v.download(bounds, 0);
  CHECK(same(all, truth.array));
  // Ids above 2^40 survive.
  CHECK(*std::max_element(all.data<std::uint64_t>(),
                          all.data<std::uint64_t>() + all.shape().count()) >
        (std::uint64_t{1} << 40));
}

TEST_CASE("imagery info reads the pinky40 compresso volume", "[precomputed][compresso][public]") {
  const auto r = imagery::testing::run_imagery({"info", shared_fixture_path(kPinky)});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("compresso"));
  CHECK_THAT(r.out, !Catch::Contains("unsupported"));
  CHECK_THAT(r.out, Catch::Contains("32_32_40"));
}
