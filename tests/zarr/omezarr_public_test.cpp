// The cutouts of ../shared/fixtures/omezarr/MANIFEST.md (listed in its cutouts.json), written by
// zarr-python 2.13: every one byte-exact through the zarr layer and through the volume driver,
// from disk and over a real nginx. The fixtures are never copied into the repository; this file
// is built only when ../shared/fixtures is there, and skips when it has no omezarr folder.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "imagery/volume/open_volume.h"
#include "imagery/zarr/array.h"
#include "support/nginx_server.h"
#include "zarr/zarr_test_support.h"

using namespace imagery;
using imagery::testing::read_text;
using imagery::testing::sha256_hex;
using imagery::testing::shared_fixture_path;

namespace {

struct Slice {
  bool index = false;  // an integer: the axis is dropped
  std::int64_t start = 0, stop = 0;
};

struct Cutout {
  std::string name, group, level, sha256;
  std::vector<Slice> slices;
};

std::vector<Slice> parse_slices(const std::string& text, const std::vector<std::int64_t>& shape) {
  std::vector<Slice> out;
  const std::string inner = text.substr(1, text.size() - 2);
  std::size_t pos = 0;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::size_t comma = inner.find(',', pos);
    std::string part =
        inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    part.erase(0, part.find_first_not_of(' '));
    pos = comma == std::string::npos ? inner.size() : comma + 1;
    Slice s;
    const auto colon = part.find(':');
    if (colon == std::string::npos) {
      s.index = true;
      s.start = std::stoll(part);
      s.stop = s.start + 1;
    } else {
      const std::string a = part.substr(0, colon), b = part.substr(colon + 1);
      s.start = a.empty() ? 0 : std::stoll(a);
      s.stop = b.empty() ? shape[d] : std::stoll(b);
    }
    out.push_back(s);
  }
  return out;
}

bool have_fixtures() {
  return std::filesystem::exists(shared_fixture_path("omezarr/cutouts.json"));
}

// The cutouts, with the group and level of each array ("em.zarr/labels/cells/1").
std::vector<Cutout> cutouts(io::Context& context) {
  const auto doc = nlohmann::json::parse(read_text(shared_fixture_path("omezarr/cutouts.json")));
  std::vector<Cutout> out;
  for (const auto& c : doc) {
    Cutout cut;
    cut.name = c["name"];
    const std::string array = c["array"];
    const auto slash = array.rfind('/');
    cut.group = array.substr(0, slash);
    cut.level = array.substr(slash + 1);
    cut.sha256 = c["sha256"];
    const auto a = zarr::ZarrArray::open(
        imagery::testing::storage_at(shared_fixture_path("omezarr/" + cut.group), context),
        cut.level, 2, array);
    cut.slices = parse_slices(c["slices"], a.metadata().shape);
    out.push_back(std::move(cut));
  }
  return out;
}

// The cutout through the zarr layer, C order of the array's axes.
std::string zarr_layer_sha(const std::string& root, const Cutout& c, io::Context& context) {
  const auto storage = io::open_storage(io::parse_storage_url(root + "/" + c.group), context);
  const auto a = zarr::ZarrArray::open(storage, c.level, 2, c.group);
  std::vector<std::int64_t> start, stop, shape;
  for (const Slice& s : c.slices) {
    start.push_back(s.start);
    stop.push_back(s.stop);
    shape.push_back(s.stop - s.start);
  }
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  std::vector<std::byte> out(static_cast<std::size_t>(n) * dtype_size(a.metadata().dtype));
  a.read({start, stop, out.data(), imagery::testing::c_order_strides(shape)});
  return sha256_hex(out);
}

// The cutout through open_volume: boxes in the level's voxels (its offset included); arrays are
// x fastest, so a z,y,x cutout has the bytes of numpy's C order; a channel index picks a plane.
std::string driver_sha(const std::string& root, const Cutout& c, io::Context& context) {
  const auto volume = volume::open_volume(root + "/" + c.group, context);
  const int mip = std::stoi(c.level);
  const Bbox bounds = volume->metadata().scale(mip).bounds;
  const auto* zarr_driver = volume.get();
  (void)zarr_driver;
  // The fixtures' axes: z,y,x or c,y,x.
  const bool cyx = c.group == "cyx.zarr";
  const Slice x = c.slices[2], y = c.slices[1];
  const Slice z = cyx ? Slice{true, 0, 1} : c.slices[0];
  const Bbox box{bounds.min + Vec3{x.start, y.start, z.start},
                 bounds.min + Vec3{x.stop, y.stop, z.stop}};
  const Array a = volume->read(box, mip, {});
  if (!cyx) return sha256_hex(a);
  const std::size_t plane = static_cast<std::size_t>(a.shape().x * a.shape().y) * a.element_size();
  const auto channel = static_cast<std::size_t>(c.slices[0].start);
  return sha256_hex(std::span<const std::byte>(a.bytes() + channel * plane, plane));
}

}  // namespace

TEST_CASE("every MANIFEST cutout of the shared OME-Zarr fixtures is byte-exact from disk",
          "[zarr][omezarr][public]") {
  if (!have_fixtures()) {
    WARN("no ../shared/fixtures/omezarr: skipped");
    return;
  }
  auto context = imagery::testing::make_context();
  const auto all = cutouts(*context);
  REQUIRE(all.size() == 6);
  const std::string manifest = read_text(shared_fixture_path("omezarr/MANIFEST.md"));
  for (const Cutout& c : all) {
    INFO(c.name);
    CHECK(manifest.find(c.sha256) != std::string::npos);
    CHECK(zarr_layer_sha(shared_fixture_path("omezarr"), c, *context) == c.sha256);
    CHECK(driver_sha(shared_fixture_path("omezarr"), c, *context) == c.sha256);
  }
}

TEST_CASE("every MANIFEST cutout of the shared OME-Zarr fixtures is byte-exact over nginx",
          "[zarr][omezarr][public][http]") {
  if (!have_fixtures()) {
    WARN("no ../shared/fixtures/omezarr: skipped");
    return;
  }
  imagery::testing::NginxServer nginx(shared_fixture_path("omezarr"));
  auto context = imagery::testing::make_context();
  const std::string root = nginx.url("");
  for (const Cutout& c : cutouts(*context)) {
    INFO(c.name);
    CHECK(zarr_layer_sha(root, c, *context) == c.sha256);
    CHECK(driver_sha(root, c, *context) == c.sha256);
    CHECK(driver_sha("zarr://" + root, c, *context) == c.sha256);
  }
}

TEST_CASE("the shared OME-Zarr image's levels, units and labels", "[zarr][omezarr][public]") {
  if (!have_fixtures()) {
    WARN("no ../shared/fixtures/omezarr: skipped");
    return;
  }
  auto context = imagery::testing::make_context();
  const auto em = volume::open_volume(shared_fixture_path("omezarr/em.zarr"), *context);
  const auto& m = em->metadata();
  CHECK(m.driver == "zarr");
  REQUIRE(m.scales.size() == 3);
  CHECK(m.scales[0].resolution == Vec3d{8, 8, 50});
  CHECK(m.scales[2].resolution == Vec3d{32, 32, 50});
  CHECK(m.scales[0].bounds == Bbox{{3750, 2500, 30}, {3750 + 232, 2500 + 200, 30 + 20}});
  CHECK(m.scales[1].bounds.min == Vec3{1875, 1250, 30});
  CHECK(m.scales[2].bounds.min == Vec3{937, 625, 30});  // 3750 / 4, floored
  CHECK(m.display_window == std::make_pair(30.0, 220.0));
  CHECK(!m.tint);  // white: no tint
  const auto cells =
      volume::open_volume(shared_fixture_path("omezarr/em.zarr/labels/cells"), *context);
  CHECK(cells->metadata().is_segmentation());
  CHECK(cells->metadata().dtype == DataType::kUint32);
  CHECK(cells->metadata().label_colors.size() == 5);
  CHECK(cells->metadata().scales[1].bounds == m.scales[1].bounds);
  const auto cyx = volume::open_volume(shared_fixture_path("omezarr/cyx.zarr"), *context);
  CHECK(cyx->metadata().channels == 2);
  CHECK(cyx->metadata().scales[0].resolution == Vec3d{325, 325, 325});
  CHECK(cyx->metadata().tint == std::array<std::uint8_t, 3>{0, 0, 255});
}
