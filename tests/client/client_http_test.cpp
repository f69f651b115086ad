// The client over a real nginx with the CloudVolume-written fixtures: image_raw at 4 nm and
// seg_cseg at 8 nm. Aligned arrays equal the segmentation truth resampled by the centre rule
// (and the fixtures' seg_on_image_grid SHA-256), image sizes give exact pixel counts, odd sizes
// put the extra voxel high, root ids filter, and a missing mip is a clear error.
#include <catch2/catch.hpp>
#include <set>

#include "imagery/client/client.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/volume.h"
#include "support/nginx_server.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::client;
using imagery::testing::data_path;
using imagery::testing::NginxServer;
using imagery::testing::sha256_hex;

namespace {

// The truth: a plain cutout of the segmentation at `mip`, read straight from the volume.
Array seg_truth(const std::string& url, const Bbox& box, int mip) {
  auto v = precomputed::Volume::open(url);
  precomputed::CutoutOptions o;
  o.bounded = false;
  o.fill_missing = true;
  return v.download(box, mip, o);
}

// Checks aligned[x, y, z] == truth[floor((x + 0.5) * ri / rs), ...] with explicit arithmetic.
void check_resampled(const Array& aligned, const Bbox& image_box, std::int64_t ratio,
                     const Array& truth, const Bbox& truth_box) {
  std::int64_t mismatches = 0;
  const Shape4& s = aligned.shape();
  for (std::int64_t z = 0; z < s.z; ++z)
    for (std::int64_t y = 0; y < s.y; ++y)
      for (std::int64_t x = 0; x < s.x; ++x) {
        const std::int64_t sx = (image_box.min.x + x) / ratio - truth_box.min.x;
        const std::int64_t sy = (image_box.min.y + y) / ratio - truth_box.min.y;
        const std::int64_t sz = image_box.min.z + z - truth_box.min.z;
        mismatches += aligned.at<std::uint64_t>(x, y, z) != truth.at<std::uint64_t>(sx, sy, sz);
      }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("segmentation at 8 nm lands on the 4 nm image grid as MANIFEST's seg_on_image_grid",
          "[client][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  Client c = Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")});
  CHECK(c.resolution() == Vec3d{4, 4, 40});
  Region r = Region::corners({131, 61, 20}, {331, 251, 28});
  AlignedCutout both = c.image_and_segmentation_cutout(r);
  CHECK(both.segmentation_voxels == Bbox{{65, 30, 20}, {166, 126, 28}});
  REQUIRE(both.segmentation.data.shape() == Shape4{200, 190, 8, 1});
  CHECK(both.segmentation.data.dtype() == DataType::kUint64);
  CHECK(sha256_hex(both.segmentation.data) ==
        "f25f8db2c3591d0602b3eff2d9dc423fd1b5a7920adb655ceb99d2ef0dfdc6c5");
  CHECK(both.image.data.shape() == Shape4{200, 190, 8, 1});
  // The image part is the plain image cutout.
  CHECK(sha256_hex(both.image.data) == sha256_hex(c.image_cutout(r).data));
  // Both sources were read over HTTP.
  std::size_t image_requests = 0, seg_requests = 0;
  for (const auto& line : nginx.requests()) {
    image_requests += line.find("/image_raw/4_4_40/") != std::string::npos;
    seg_requests += line.find("/seg_cseg/8_8_40/") != std::string::npos;
  }
  CHECK(image_requests > 0);
  CHECK(seg_requests > 0);
}

TEST_CASE("aligned arrays equal the truth resampled by the centre rule at ratios 2 and 4",
          "[client][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  Client c = Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")});
  // Odd start and odd sizes, reaching past the volume's high edge (outside reads 0).
  Region r = Region::corners({107, 41, 13}, {397, 304, 17});
  SECTION("segmentation mip 0 (8 nm), ratio 2") {
    AlignedCutout both = c.image_and_segmentation_cutout(r);
    Bbox tb{{53, 20, 13}, {199, 152, 17}};
    CHECK(both.segmentation_voxels == tb);
    check_resampled(both.segmentation.data, both.image.voxels, 2,
                    seg_truth(nginx.url("seg_cseg"), tb, 0), tb);
  }
  SECTION("segmentation mip 1 (16 nm), ratio 4") {
    AlignedCutout both = c.image_and_segmentation_cutout(r, {}, {}, 1);
    Bbox tb{{26, 10, 13}, {100, 76, 17}};
    CHECK(both.segmentation_voxels == tb);
    check_resampled(both.segmentation.data, both.image.voxels, 4,
                    seg_truth(nginx.url("seg_cseg"), tb, 1), tb);
  }
  SECTION("image mip 1 (8 nm) is the segmentation's own grid") {
    AlignedCutout both = c.image_and_segmentation_cutout(r, {}, 1);
    CHECK(both.image.voxels == Bbox{{53, 20, 13}, {198, 152, 17}});
    CHECK(both.segmentation_voxels == both.image.voxels);
    CHECK(sha256_hex(both.segmentation.data) ==
          sha256_hex(seg_truth(nginx.url("seg_cseg"), both.image.voxels, 0)));
  }
}

TEST_CASE("image sizes give exact pixel counts and odd sizes grow on the high side",
          "[client][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  Client c = Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")});
  const Vec3d center{250, 170, 30};
  for (int mip : {0, 1, 2})
    for (Vec3 px : {Vec3{64, 64, 1}, Vec3{33, 17, 3}, Vec3{1, 1, 1}}) {
      INFO("mip " << mip << " pixels " << px.to_string());
      Region r = c.image_region_from_size(center, px, mip);
      AlignedCutout both = c.image_and_segmentation_cutout(r, {}, mip);
      CHECK(both.image.data.shape().xyz() == px);
      CHECK(both.segmentation.data.shape().xyz() == px);
    }
  // bbox size 5 x 5 x 3 around (250, 170, 30): [248, 253) x [168, 173) x [29, 32).
  Region odd = Region::centered(center, {5, 5, 3});
  CHECK(c.image_voxels(odd) == Bbox{{248, 168, 29}, {253, 173, 32}});
  Cutout img = c.image_cutout(odd);
  CHECK(img.data.shape() == Shape4{5, 5, 3, 1});
  // A 2-D size means one section at the centre.
  CHECK(c.image_voxels(Region::centered(center, {4, 6, 0})) ==
        Bbox{{248, 167, 30}, {252, 173, 31}});
}

TEST_CASE("root ids keep only the listed objects and split gives one mask per object",
          "[client][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  Client c = Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")});
  Region r = Region::corners({150, 80, 20}, {300, 230, 22});
  Cutout all = c.segmentation_cutout(r);
  std::set<std::uint64_t> ids;
  const auto* p = all.data.data<std::uint64_t>();
  for (std::int64_t i = 0; i < all.data.shape().count(); ++i) ids.insert(p[i]);
  ids.erase(0);
  REQUIRE(ids.size() >= 3);
  // Two ids: the largest (top bit set in this fixture) and one small one.
  std::vector<std::uint64_t> keep{*ids.rbegin(), *ids.begin(), 123456789};
  Cutout some = c.segmentation_cutout(r, keep);
  const auto* q = some.data.data<std::uint64_t>();
  std::int64_t kept = 0, zeroed = 0;
  for (std::int64_t i = 0; i < all.data.shape().count(); ++i) {
    const bool listed = p[i] == keep[0] || p[i] == keep[1];
    if (listed) {
      kept += q[i] == p[i];
    } else {
      zeroed += q[i] == 0;
    }
    CHECK((q[i] == 0 || q[i] == p[i]));
  }
  CHECK(kept > 0);
  CHECK(kept + zeroed == all.data.shape().count());

  auto masks = c.split_segmentation_cutout(r);
  CHECK(masks.size() == ids.size());
  CHECK(masks.begin()->first == *ids.begin());
  std::int64_t covered = 0;
  for (const auto& [id, mask] : masks) {
    CHECK(mask.dtype() == DataType::kUint8);
    for (std::int64_t i = 0; i < mask.shape().count(); ++i) {
      const bool on = mask.data<std::uint8_t>()[i] != 0;
      covered += on;
      if (on) CHECK(p[i] == id);
    }
  }
  std::int64_t nonzero = 0;
  for (std::int64_t i = 0; i < all.data.shape().count(); ++i) nonzero += p[i] != 0;
  CHECK(covered == nonzero);
  // The filtered aligned cutout keeps the same objects.
  AlignedCutout both = c.image_and_segmentation_cutout(r, std::vector<std::uint64_t>{keep[1]});
  std::set<std::uint64_t> left;
  const auto* s = both.segmentation.data.data<std::uint64_t>();
  for (std::int64_t i = 0; i < both.segmentation.data.shape().count(); ++i) left.insert(s[i]);
  CHECK(left == std::set<std::uint64_t>{0, keep[1]});
}

TEST_CASE("scale_to_bounds upsamples a coarse cutout to one voxel per coordinate unit",
          "[client][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  Client c = Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")});
  Region r = Region::corners({200, 100, 20}, {264, 140, 21});
  Cutout coarse = c.segmentation_cutout(r, {}, 1);  // 16 nm: 16 x 10
  CHECK(coarse.data.shape().xyz() == Vec3{16, 10, 1});
  Cutout fine = c.segmentation_cutout(r, {}, 1, true);
  REQUIRE(fine.data.shape().xyz() == Vec3{64, 40, 1});
  std::int64_t bad = 0;
  for (std::int64_t y = 0; y < 40; ++y)
    for (std::int64_t x = 0; x < 64; ++x)
      bad += fine.data.at<std::uint64_t>(x, y, 0) != coarse.data.at<std::uint64_t>(x / 4, y / 4, 0);
  CHECK(bad == 0);
}

TEST_CASE("the client reads one source alone and names a missing mip or source", "[client][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  Client seg_only = Client::open({"", nginx.url("seg_cseg")});
  CHECK(seg_only.resolution() == Vec3d{8, 8, 40});
  AlignedCutout s =
      seg_only.image_and_segmentation_cutout(Region::corners({60, 30, 20}, {90, 50, 21}));
  CHECK(s.image.data.shape().count() == 0);
  CHECK(s.segmentation.data.shape() == Shape4{30, 20, 1, 1});
  CHECK_THROWS_AS(seg_only.image_cutout(Region::corners({0, 0, 0}, {1, 1, 1})), Error);

  ClientOptions o;
  o.segmentation_mip = volume::MipSelector::index(2);
  try {
    Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")}, o);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK(std::string(e.what()).find("seg_cseg") != std::string::npos);
    CHECK(std::string(e.what()).find("no mip 2") != std::string::npos);
  }
  try {
    Client::open({nginx.url("no_such_volume"), ""});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
  }
}
