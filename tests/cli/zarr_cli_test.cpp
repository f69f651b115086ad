// OME-Zarr sources through the imagery program: info (levels, axes, units, label groups), cutouts
// at a time point and at a level chosen by pixel size (exactly or the nearest), figures of an
// image and its labels, the omero window as default, image-label colours, and a figure mixing a
// precomputed image with OME-Zarr labels in the same physical space.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "imagery/core/npy.h"
#include "imagery/core/png.h"
#include "imagery/precomputed/volume_writer.h"
#include "imagery/volume/open_volume.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::run_imagery;
using imagery::testing::TempDir;

TEST_CASE("imagery info lists an OME-Zarr image's levels, axes, units and labels", "[cli][zarr]") {
  const auto r = run_imagery({"info", data_path("zarr/zyx.zarr")});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("format:      zarr"));
  CHECK_THAT(r.out, Catch::Contains("axes:        z (micrometer), y (micrometer), x (micrometer)"));
  CHECK_THAT(r.out, Catch::Contains("label groups: cells"));
  CHECK_THAT(r.out, Catch::Contains("4, 4, 40"));
  CHECK_THAT(r.out, Catch::Contains("8, 8, 40"));
  const auto j = run_imagery({"info", "--json", data_path("zarr/zyx.zarr/labels/cells")});
  REQUIRE(j.exit_code == 0);
  CHECK(nlohmann::json::parse(j.out).contains("image-label"));
}

TEST_CASE("imagery cutout of OME-Zarr: time points, levels by pixel size, exit codes",
          "[cli][zarr]") {
  TempDir dir;
  const std::string src = data_path("zarr/tczyx.zarr");
  auto r = run_imagery(
      {"cutout", src, "--bounds", "10,20,10,30,36,13", "--t", "1", "-o", dir.file("t1.npy")});
  REQUIRE(r.exit_code == 0);
  const Array a = read_npy(dir.file("t1.npy")).array;
  CHECK(a.shape() == Shape4{20, 16, 3, 2});
  // value(t=1, c=0, z=0, y=0, x=0): flat index 1 * 2 * 3 * 16 * 20
  CHECK(a.at<std::uint16_t>(0, 0, 0, 0) == (1920 * 7 + 3) % 251);
  r = run_imagery(
      {"cutout", src, "--bounds", "10,20,10,30,36,13", "--t", "2", "-o", dir.file("t2.npy")});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("time point 2"));
  r = run_imagery(
      {"cutout", src, "--bounds", "10,20,10,30,36,13", "--mip", "9,9,40", "-o", dir.file("m.npy")});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("[4, 4, 40], [8, 8, 40]"));
  r = run_imagery({"cutout", src, "--bounds", "10,20,10,30,36,13", "--mip", "9,9,40", "--nearest",
                   "-o", dir.file("m.npy")});
  REQUIRE(r.exit_code == 0);
  CHECK(read_npy(dir.file("m.npy")).array.shape() == Shape4{10, 8, 3, 2});  // level 1
  r = run_imagery({"cutout", "zarr://" + data_path("zarr/v3/raw_u2"), "--bounds", "0,0,0,1,1,1",
                   "-o", dir.file("a.npy")});
  CHECK(r.exit_code == 2);  // a bare array is no OME-Zarr group
  CHECK_THAT(r.err, Catch::Contains("not an OME-Zarr group"));
}

namespace {

std::vector<std::byte> png_pixels(const std::string& path) {
  const auto bytes = imagery::testing::read_file(path);
  return decode_png(bytes, path).pixels;
}

}  // namespace

TEST_CASE("figures of an OME-Zarr image with its labels, alone or beside precomputed",
          "[cli][zarr][figure]") {
  TempDir dir;
  const std::string image = data_path("zarr/zyx.zarr");
  const std::string cells = data_path("zarr/zyx.zarr/labels/cells");
  const std::vector<std::string> region = {"--bounds", "0,0,2,40,32,3", "--outline", "--width",
                                           "1",        "--palette",     "labels"};
  auto args = [&](const std::string& img, const std::string& out) {
    std::vector<std::string> a = {"figure", "--image", img, "--seg", cells};
    a.insert(a.end(), region.begin(), region.end());
    a.insert(a.end(), {"-o", dir.file(out)});
    return a;
  };
  auto r = run_imagery(args(image, "zarr.png"));
  REQUIRE(r.exit_code == 0);
  const auto sidecar = nlohmann::json::parse(imagery::testing::read_text(dir.file("zarr.json")));
  // The omero window became the display window; image-label colours the labels' colours.
  CHECK(sidecar["window"] == nlohmann::json::array({20.0, 230.0}));
  CHECK(sidecar["palette"] == "labels");
  // The same image as precomputed, written at the OME-Zarr's voxel offset and pixel size: the
  // figure is pixel for pixel the same.
  auto ctx = imagery::testing::make_context();
  const auto zarr_image = volume::open_volume(image, *ctx);
  const volume::ScaleInfo& s0 = zarr_image->metadata().scales[0];
  precomputed::VolumeInfo info;
  info.type = "image";
  info.data_type = DataType::kUint8;
  precomputed::Scale s;
  s.key = "4_4_40";
  s.size = s0.bounds.size();
  s.voxel_offset = s0.bounds.min;
  s.resolution = s0.resolution;
  s.chunk_sizes = {s0.bounds.size()};
  info.scales = {s};
  precomputed::VolumeWriter(dir.file("pre"), info)
      .write(zarr_image->read(s0.bounds, 0, {}), s.bounds(), 0);
  r = run_imagery([&] {
    auto a = args(dir.file("pre"), "mixed.png");
    a.insert(a.end(), {"--window", "20,230"});
    return a;
  }());
  REQUIRE(r.exit_code == 0);
  CHECK(png_pixels(dir.file("mixed.png")) == png_pixels(dir.file("zarr.png")));
  // Labels at the coarser level line up too (--seg-mip 1 is put onto the image grid).
  const auto both = run_imagery({"figure", "--image", image, "--seg", cells, "--seg-mip", "8,8,40",
                                 "--bounds", "0,0,2,40,32,3", "-o", dir.file("coarse.png")});
  CHECK(both.exit_code == 0);
}

TEST_CASE("an OME-Zarr image's omero colour tints its figures unless --tint says otherwise",
          "[cli][zarr][figure]") {
  // zyx.zarr with its omero channel coloured orange.
  TempDir dir;
  const std::string image = dir.file("orange.zarr");
  std::filesystem::copy(data_path("zarr/zyx.zarr"), image,
                        std::filesystem::copy_options::recursive);
  auto attrs = nlohmann::json::parse(imagery::testing::read_text(image + "/.zattrs"));
  REQUIRE(attrs["omero"]["channels"][0]["color"] == "FFFFFF");
  attrs["omero"]["channels"][0]["color"] = "FF8000";
  imagery::testing::write_file(image + "/.zattrs", attrs.dump());
  const auto figure = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> a = {"figure", "--image", image, "--bounds", "0,0,2,40,32,3"};
    a.insert(a.end(), extra.begin(), extra.end());
    a.insert(a.end(), {"-o", dir.file(out)});
    const auto r = run_imagery(a);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return decode_png(imagery::testing::read_file(dir.file(out)), out);
  };
  const PngImage tinted = figure("tinted.png", {});
  const PngImage grey = figure("grey.png", {"--tint", "none"});
  const PngImage named = figure("named.png", {"--tint", "#ff8000"});
  CHECK(nlohmann::json::parse(imagery::testing::read_text(dir.file("tinted.json")))["tint"] ==
        "#ff8000");
  CHECK(nlohmann::json::parse(imagery::testing::read_text(dir.file("grey.json")))["tint"] ==
        "#ffffff");
  REQUIRE(tinted.channels >= 3);
  REQUIRE(grey.pixels.size() == tinted.pixels.size());
  CHECK(named.pixels == tinted.pixels);
  // Every pixel is its grey level times the colour: round(g * 255 / 255), round(g * 128 / 255), 0.
  std::size_t wrong = 0, not_grey = 0;
  const int c = tinted.channels;
  const auto* t = reinterpret_cast<const std::uint8_t*>(tinted.pixels.data());
  const auto* g = reinterpret_cast<const std::uint8_t*>(grey.pixels.data());
  for (std::size_t i = 0; i < tinted.pixels.size(); i += c) {
    if (g[i] != g[i + 1] || g[i] != g[i + 2]) ++not_grey;
    if (t[i] != g[i] || t[i + 1] != (g[i] * 128 + 127) / 255 || t[i + 2] != 0) ++wrong;
  }
  CHECK(not_grey == 0);
  CHECK(wrong == 0);
}
