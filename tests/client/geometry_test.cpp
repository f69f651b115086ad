// The client's cutout arithmetic against what the real ImageryClient asked CloudVolume for
// (tests/data/client/geometry_cases.json, copied from ../shared/fixtures/imageryclient): the
// coordinate bounds of each request, the voxels at the mip and the shape that came back. The
// volumes are empty local volumes with the same scales, read with fill_missing as the client does.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "imagery/client/client.h"
#include "imagery/core/error.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::client;
using imagery::testing::data_path;
using imagery::testing::TempDir;
using nlohmann::json;

namespace {

json load_cases() {
  std::ifstream in(data_path("client/geometry_cases.json"));
  return json::parse(in);
}

Vec3d vec3d(const json& j) {
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}
Vec3 vec3(const json& j) {
  return {j[0].get<std::int64_t>(), j[1].get<std::int64_t>(), j[2].get<std::int64_t>()};
}

// An empty volume (info only) with these resolutions; mip 0 optionally a placeholder.
std::string write_volume(const TempDir& dir, const std::string& name, const json& spec,
                         bool segmentation) {
  json info = {{"@type", "neuroglancer_multiscale_volume"},
               {"type", segmentation ? "segmentation" : "image"},
               {"data_type", segmentation ? "uint64" : "uint8"},
               {"num_channels", 1},
               {"scales", json::array()}};
  const bool placeholder = spec.value("placeholder_mip0", false);
  for (std::size_t i = 0; i < spec["resolutions"].size(); ++i) {
    const json& r = spec["resolutions"][i];
    const int f = r[0].get<int>() / 4;
    json scale = {{"key", placeholder && i == 0 ? "placeholder" : std::to_string(i)},
                  {"resolution", r},
                  {"size", {8192 / f, 8192 / f, 300}},
                  {"voxel_offset", {0, 0, 0}},
                  {"chunk_sizes", {{256, 256, 16}}},
                  {"encoding", "raw"}};
    info["scales"].push_back(scale);
  }
  std::filesystem::create_directories(dir.path() / name);
  imagery::testing::write_file(dir.file(name + "/info"), info.dump());
  return dir.file(name);
}

struct FakeClients {
  TempDir dir;
  std::string img, seg, img4;
  FakeClients(const json& volumes) {
    img = write_volume(dir, "img", volumes["img"], false);
    seg = write_volume(dir, "seg", volumes["seg"], true);
    img4 = write_volume(dir, "img4", volumes["img4"], false);
  }
  Client make(const std::string& which, std::optional<Vec3d> resolution = {}) const {
    ClientOptions o;
    o.resolution = resolution;
    return Client::open({which == "img4" ? img4 : img, seg}, o);
  }
};

Bbox bbox(const json& j) {
  return {vec3(j[0]), vec3(j[1])};
}

}  // namespace

TEST_CASE("client defaults match ImageryClient's base mips and resolution", "[client][geometry]") {
  json cases = load_cases();
  FakeClients fake(cases["volumes"]);
  Client c = fake.make("default");
  CHECK(c.image_mip() == cases["client_default"]["base_imagery_mip"].get<int>());
  CHECK(c.segmentation_mip() == cases["client_default"]["base_segmentation_mip"].get<int>());
  CHECK(c.resolution() == vec3d(cases["client_default"]["resolution"]));
  Client c4 = fake.make("img4");
  CHECK(c4.image_mip() == cases["client_img4"]["base_imagery_mip"].get<int>());
  CHECK(c4.resolution() == vec3d(cases["client_img4"]["resolution"]));
}

TEST_CASE("bounds_from_center puts the extra unit of an odd size on the high side",
          "[client][geometry]") {
  json cases = load_cases();
  const std::vector<std::pair<std::string, Vec3d>> sizes = {
      {"ctr=[100, 200, 10], w/h/d=(1, 1, 1)", {1, 1, 1}},
      {"ctr=[100, 200, 10], w/h/d=(4, 4, 1)", {4, 4, 1}},
      {"ctr=[100, 200, 10], w/h/d=(5, 5, 3)", {5, 5, 3}},
      {"ctr=[100, 200, 10], w/h/d=(400.0, 255.0, 1)", {400.0, 255.0, 1}}};
  for (const auto& [key, size] : sizes) {
    INFO(key);
    const json& expected = cases["bounds_from_center"][key];
    CoordBounds b = bounds_from_center({100, 200, 10}, size);
    CHECK(b.min == vec3d(expected[0]));
    CHECK(b.max == vec3d(expected[1]));
  }
}

TEST_CASE("every expressible golden cutout asks for the same voxels and gets the same shape",
          "[client][geometry]") {
  json cases = load_cases();
  FakeClients fake(cases["volumes"]);
  REQUIRE(cases["cases"].size() == 18);
  for (const json& k : cases["cases"]) {
    SECTION(k["call"].get<std::string>()) {
      std::optional<Vec3d> resolution;
      if (k.contains("resolution")) resolution = vec3d(k["resolution"]);
      Client c = fake.make(k["client"], resolution);
      std::optional<int> mip;
      if (k.contains("mip")) mip = k["mip"].get<int>();
      Region region;
      if (k.contains("bounds")) {
        region = Region::corners(vec3d(k["bounds"][0]), vec3d(k["bounds"][1]));
      } else if (k.contains("bbox_size")) {
        region = Region::centered(vec3d(k["center"]), vec3d(k["bbox_size"]));
      } else {
        region = c.image_region_from_size(vec3d(k["center"]), vec3(k["image_size"]), mip);
      }
      const json& first = k["calls"][0];
      CHECK(c.resolution() == vec3d(first["coord_resolution"]));
      // The coordinate box ImageryClient handed to CloudVolume.
      CHECK(region.bounds.min == vec3d(first["requested_bbox"][0]));
      CHECK(region.bounds.max == vec3d(first["requested_bbox"][1]));
      const std::string kind = k["kind"];
      if (kind == "image") {
        CHECK(c.image_voxels(region, mip) == bbox(first["voxels"]));
        Cutout cut = c.image_cutout(region, mip, k.value("scale_to_bounds", false));
        CHECK(cut.mip == first["mip"].get<int>());
        Vec3 shape = cut.data.shape().xyz();
        if (k.value("scale_to_bounds", false)) {
          CHECK(shape.x == k["result_shape"][0].get<std::int64_t>());
          CHECK(shape.y == k["result_shape"][1].get<std::int64_t>());
        } else {
          CHECK(shape == vec3(first["shape"]));
        }
      } else if (kind == "segmentation") {
        CHECK(c.segmentation_voxels(region, mip) == bbox(first["voxels"]));
        Cutout cut = c.segmentation_cutout(region);
        CHECK(cut.data.shape().xyz() == vec3(first["shape"]));
      } else {
        std::optional<int> image_mip;
        if (k.contains("image_mip")) image_mip = k["image_mip"].get<int>();
        const json& seg_call = k["calls"][1];
        AlignedCutout both = c.image_and_segmentation_cutout(region, {}, image_mip);
        CHECK(both.image.mip == first["mip"].get<int>());
        CHECK(both.image.voxels == bbox(first["voxels"]));
        CHECK(both.image.data.shape().xyz() == vec3(first["shape"]));
        CHECK(both.segmentation.mip == seg_call["mip"].get<int>());
        // The segmentation voxels read are those ImageryClient read (then resized by it); for an
        // image coarser than the segmentation, those under the image voxels' centres.
        if (both.image.resolution == c.segmentation_resolution() ||
            both.image.resolution.x < c.segmentation_resolution().x)
          CHECK(both.segmentation_voxels == bbox(seg_call["voxels"]));
        else
          CHECK(bbox(seg_call["voxels"]).contains(both.segmentation_voxels));
        // Ours always lands on the image grid (ImageryClient zooms a coarser image up instead).
        CHECK(both.segmentation.data.shape().xyz() == both.image.data.shape().xyz());
      }
    }
  }
}

TEST_CASE("bbox sizes from dimensions scale pixels by mip over coordinate resolution",
          "[client][geometry]") {
  json cases = load_cases();
  FakeClients fake(cases["volumes"]);
  Client c = fake.make("default");
  // image_bbox_size_from_dimensions((256,256), mip=2): 16 nm pixels at 8 nm coordinates.
  CHECK(c.image_bbox_size_from_dimensions({256, 256, 1}, 2) == Vec3d{512, 512, 1});
  // segmentation_bbox_size_from_dimensions((256,256,4)): seg mip 0 is 8 nm like the coordinates.
  CHECK(c.segmentation_bbox_size_from_dimensions({256, 256, 4}) == Vec3d{256, 256, 4});
  Client c4 = fake.make("img4");
  CHECK(c4.segmentation_bbox_size_from_dimensions({100, 50, 1}) == Vec3d{200, 100, 1});
}

TEST_CASE("image sizes start where ImageryClient starts and give exact pixel counts",
          "[client][geometry]") {
  json cases = load_cases();
  FakeClients fake(cases["volumes"]);
  // The recorded calls: image_size (256, 256) at mip 2 and (255, 255) at mip 3 around
  // [1203, 2151, 100] read exactly these voxels from CloudVolume.
  Client c = fake.make("default");
  CHECK(c.image_voxels(c.image_region_from_size({1203, 2151, 100}, {256, 256, 0}, 2), 2) ==
        Bbox{{473, 947, 100}, {729, 1203, 101}});
  CHECK(c.image_voxels(c.image_region_from_size({1203, 2151, 100}, {255, 255, 0}, 3), 3) ==
        Bbox{{173, 410, 100}, {428, 665, 101}});
  // Non-integer ratios (8/3 and 16/3 voxels per unit): the first voxel is ImageryClient's (its
  // bbox_size = pixels * mip / coordinate resolution, bounds_from_center's lo = ctr - size // 2,
  // then CloudVolume's truncate-and-divide), and the count is exactly what was asked for (where
  // ImageryClient's own rounding can give one more or one fewer).
  const Vec3d coord{3, 3, 40};
  Client odd = fake.make("default", coord);
  const Vec3d center{1203.5, 2151, 100};
  for (int mip : {1, 2, 3})
    for (std::int64_t n : {1, 2, 7, 255, 256}) {
      INFO("mip " << mip << " n " << n);
      const Vec3 pixels{n, n + 1, 1};
      const Vec3d mip_res = odd.image_resolution(mip);
      Vec3 first;
      for (int d = 0; d < 3; ++d) {
        const double size = static_cast<double>(pixels[d]) * mip_res[d] / coord[d];
        const double lo = center[d] - std::floor(size / 2);
        first[d] = static_cast<std::int64_t>(std::floor(std::trunc(lo) / (mip_res[d] / coord[d])));
      }
      Region r = odd.image_region_from_size(center, {n, n + 1, 0}, mip);
      Bbox v = odd.image_voxels(r, mip);
      CHECK(v.min == first);
      CHECK(v.size() == pixels);
      // The aligned cutout keeps the count on the image grid, with the segmentation under it.
      AlignedBoxes boxes = odd.aligned_boxes(r, mip);
      CHECK(boxes.grid_voxels == v);
    }
}

TEST_CASE("a region smaller than one voxel and a missing mip are clear errors",
          "[client][geometry]") {
  json cases = load_cases();
  FakeClients fake(cases["volumes"]);
  Client c = fake.make("default");
  Region tiny = Region::corners({1001, 2001, 100}, {1002, 2002, 101});
  try {
    c.image_voxels(tiny, 3);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("smaller than one voxel") != std::string::npos);
  }
  ClientOptions o;
  o.image_mip = volume::MipSelector::index(9);
  try {
    Client::open({fake.img, fake.seg}, o);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK(std::string(e.what()).find("no mip 9") != std::string::npos);
  }
  CHECK_THROWS_AS(Region::corners({0, 0, 0}, {10, 0, 1}), Error);
  CHECK_THROWS_AS(Client::open({"", ""}), Error);
}
