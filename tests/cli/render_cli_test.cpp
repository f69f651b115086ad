// `imagery render`, `histogram`, `thumbnail` and `info --json`'s summary as a user runs them:
// files, sidecars, arrays, JSON, and one-line errors that leave no file behind.
#include <catch2/catch.hpp>

#include "imagery/core/npy.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/precomputed/volume_writer.h"
#include "imagery/rendering/histogram.h"
#include "imagery/rendering/projection.h"
#include "imagery/volume/open_volume.h"
#include "support/expect_failure.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using testing::data_path;
using testing::run_imagery;
using testing::TempDir;

TEST_CASE("imagery render writes the picture, its sidecar and the projected array",
          "[cli][render]") {
  TempDir dir;
  const std::string src = data_path("cloudvolume/image_raw");
  auto r = run_imagery({"render", src, "--bounds", "100,36,16,250,136,24", "--projection", "max",
                        "--window", "p:1,99", "--save-array", dir.file("a.npy"), "-o",
                        dir.file("a.png")});
  REQUIRE(r.exit_code == 0);
  const overlay::Image picture = overlay::read_figure_png(dir.file("a.png"));
  CHECK(picture.width == 150);
  CHECK(picture.height == 100);
  const nlohmann::json side = nlohmann::json::parse(testing::read_text(dir.file("a.json")));
  CHECK(side["format"] == "imagery.render/1");
  CHECK(side["projection"] == "max");
  CHECK(side["sections"] == 8);
  CHECK(side["mip"] == 0);
  const Array saved = read_npy(dir.file("a.npy")).array;
  auto context = testing::make_context();
  const Array truth = rendering::project(
      volume::open_volume(src, *context)->read({{100, 36, 16}, {250, 136, 24}}, 0, {}),
      rendering::Projection::kMax);
  REQUIRE(saved.shape() == truth.shape());
  CHECK(std::memcmp(saved.bytes(), truth.bytes(), truth.size_bytes()) == 0);
  const auto [lo, hi] = overlay::percentile_range({&truth}, 1, 99);
  CHECK(side["channels"][0]["window"][0] == lo);
  CHECK(side["channels"][0]["window"][1] == hi);
}

TEST_CASE("imagery render in physical units with --max-size records the mip it read",
          "[cli][render]") {
  TempDir dir;
  auto r = run_imagery({"render", data_path("cloudvolume/image_raw"), "--units", "um", "--center",
                        "1,0.8,1.2", "--size", "1.2,0.8", "--max-size", "100", "--channel",
                        "0:color=fire", "-o", dir.file("u.png")});
  REQUIRE(r.exit_code == 0);
  const nlohmann::json side = nlohmann::json::parse(testing::read_text(dir.file("u.json")));
  // 1.2 x 0.8 µm = 300 x 200 voxels at 4 nm; 100 pixels of 12 nm: mip 1 (8 nm).
  CHECK(side["region_voxels"] == nlohmann::json::array({100, 100, 30, 400, 300, 31}));
  CHECK(side["mip"] == 1);
  CHECK(side["output"]["width"] == 100);
  CHECK(side["output"]["height"] == 67);
  CHECK(side["channels"][0]["color"] == "fire");
  CHECK(overlay::read_figure_png(dir.file("u.png")).channels == 3);
}

TEST_CASE("imagery render refuses bad flags in one line and writes nothing", "[cli][render]") {
  TempDir dir;
  const std::string src = data_path("cloudvolume/image_raw");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--bounds", "100,36,16,250,136,24"},  // a slab, no projection
        {"--bounds", "100,36,16,250,136,17", "--channel", "0:color=plaid"},
        {"--bounds", "100,36,16,250,136,17", "--projection", "median"},
        {"--bounds", "100,36,16,250,136,17", "--units", "furlongs"},
        {"--bounds", "100,36,16,250,136,17", "--max-size", "0"},
        {"--bounds", "100,36,16,250,136,17", "--mip", "1", "--pixel-size", "8"},
        {"--bounds", "100,36,16,250,136,17", "--window", "p:90,10"},
        {"--center", "1,2,3"}}) {
    std::vector<std::string> all{"render", src};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back("-o");
    all.push_back(dir.file("bad.png"));
    const auto before = testing::files_in(dir.path());
    auto r = run_imagery(all);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(testing::count_lines(r.err) == 1);
    CHECK(testing::files_in(dir.path()) == before);
  }
}

TEST_CASE("imagery histogram --json equals the library's histogram of the cutout",
          "[cli][histogram]") {
  const std::string src = data_path("cloudvolume/image_raw");
  auto r =
      run_imagery({"histogram", src, "--bounds", "100,36,16,250,136,20", "--bins", "16", "--json"});
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["bins"] == 16);
  auto context = testing::make_context();
  const Array a = volume::open_volume(src, *context)->read({{100, 36, 16}, {250, 136, 20}}, 0, {});
  rendering::HistogramOptions o;
  o.bins = 16;
  const auto h = rendering::histogram(a, o)[0];
  CHECK(j["channels"][0]["counts"] == h.counts);
  CHECK(j["channels"][0]["edges"] == h.edges);
  CHECK(j["channels"][0]["min"] == h.min);
  // The table: one line per row of bins, with bars.
  auto t = run_imagery({"histogram", src, "--bounds", "100,36,16,250,136,20", "--bins", "64",
                        "--range", "round", "--mip", "1"});
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("channel 0: min") && Catch::Contains("#") &&
                        Catch::Contains("at mip 1"));
  auto bad = run_imagery({"histogram", src, "--bins", "0"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("imagery thumbnail: OMERO's longest side and large_image's fit, with a box",
          "[cli][thumbnail]") {
  TempDir dir;
  const std::string src = data_path("cloudvolume/image_raw");
  REQUIRE(run_imagery({"thumbnail", src, "--size", "96", "-o", dir.file("t.png")}).exit_code == 0);
  const overlay::Image t = overlay::read_figure_png(dir.file("t.png"));
  CHECK(t.width == 96);
  CHECK(t.height == 86);  // 300 x 270 kept
  REQUIRE(run_imagery({"thumbnail", data_path("cloudvolume/seg_cseg"), "--size", "80,20", "--box",
                       "80,30,120,60", "-o", dir.file("s.png")})
              .exit_code == 0);
  const overlay::Image s = overlay::read_figure_png(dir.file("s.png"));
  CHECK(s.height == 20);
  CHECK(s.width == 22);
  const nlohmann::json side = nlohmann::json::parse(testing::read_text(dir.file("s.json")));
  CHECK(side["kind"] == "segmentation");
  auto bad = run_imagery({"thumbnail", src, "--size", "0", "-o", dir.file("b.png")});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("imagery info --json adds a summary in OMERO's words", "[cli][info]") {
  auto r = run_imagery({"info", "--json", data_path("zarr/tczyx.zarr")});
  REQUIRE(r.exit_code == 0);
  const nlohmann::json s = nlohmann::json::parse(r.out)["summary"];
  CHECK(s["size_x"] == 20);
  CHECK(s["size_y"] == 16);
  CHECK(s["size_z"] == 3);
  CHECK(s["size_c"] == 2);
  CHECK(s["size_t"] == 2);
  CHECK(s["dtype"] == "uint16");
  CHECK(s["pixel_size_x"] == Approx(0.004));
  CHECK(s["pixel_size_z"] == Approx(0.04));
  CHECK(s["channels"][0]["label"] == "DAPI");
  CHECK(s["channels"][0]["color"] == "#0000ff");
  CHECK(s["channels"][1]["window"] == nlohmann::json::array({0.0, 250.0}));
  CHECK(s["levels"].size() == 2);
  CHECK(s["levels"][1]["downsample"][0] == 2.0);
}

TEST_CASE("figures of an RGB image, of layers and of a max projection", "[cli][figure][render]") {
  TempDir dir;
  // Three uint8 channels are drawn as RGB under the objects.
  precomputed::VolumeInfo info;
  info.type = "image";
  info.data_type = DataType::kUint8;
  info.num_channels = 3;
  precomputed::Scale s;
  s.key = "k";
  s.size = {16, 16, 1};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {{16, 16, 1}};
  info.scales = {s};
  Array rgb(DataType::kUint8, {16, 16, 1, 3});
  for (std::int64_t i = 0; i < 256; ++i) {
    rgb.data<std::uint8_t>()[i] = 200;
    rgb.data<std::uint8_t>()[256 + i] = 10;
    rgb.data<std::uint8_t>()[512 + i] = 90;
  }
  precomputed::VolumeWriter(dir.file("rgb"), info).write(rgb, s.bounds(), 0);
  auto r = run_imagery({"figure", "--image", dir.file("rgb"), "--bounds", "0,0,0,16,16,1", "--rgb",
                        "-o", dir.file("rgb.png")});
  REQUIRE(r.exit_code == 0);
  const overlay::Image p = overlay::read_figure_png(dir.file("rgb.png"));
  REQUIRE(p.channels == 3);
  CHECK((p.pixel(5, 5)[0] == 200 && p.pixel(5, 5)[1] == 10 && p.pixel(5, 5)[2] == 90));

  // A max projection through 8 sections: one picture, its sidecar keeps projection and z_range.
  const std::string img = data_path("cloudvolume/image_raw");
  const std::string seg = data_path("cloudvolume/seg_cseg");
  auto proj = run_imagery({"figure",
                           "--image",
                           img,
                           "--seg",
                           seg,
                           "--center",
                           "200,150,20",
                           "--size",
                           "100,80",
                           "--z-range",
                           "16,24",
                           "--projection",
                           "max",
                           "--outline",
                           "--no-merge-outline",
                           "--layer",
                           data_path("cloudvolume/image_jpeg") + ":color=magenta",
                           "--channel",
                           "0:color=grey",
                           "-o",
                           dir.file("proj.png")});
  INFO(proj.err);
  REQUIRE(proj.exit_code == 0);
  const overlay::Image pp = overlay::read_figure_png(dir.file("proj.png"));
  CHECK(pp.width == 100);
  CHECK(pp.height == 80);
  const nlohmann::json side = nlohmann::json::parse(testing::read_text(dir.file("proj.json")));
  CHECK(side["projection"] == "max");
  CHECK(side["z_range"] == nlohmann::json::array({16, 24}));
  CHECK(side["layer"].size() == 1);
  CHECK(side["channel"][0] == "0:color=#ffffff");
  // --from remakes the same picture.
  REQUIRE(run_imagery({"figure", "--from", dir.file("proj.json"), "-o", dir.file("again.png")})
              .exit_code == 0);
  CHECK(overlay::read_figure_png(dir.file("again.png")).pixels == pp.pixels);
  // SVG: a projected figure goes in as its picture (the footprints are the compositor's), an
  // ordinary one keeps its traced outlines.
  REQUIRE(run_imagery({"figure", "--from", dir.file("proj.json"), "-o", dir.file("proj.svg")})
              .exit_code == 0);
  const std::string svg = testing::read_text(dir.file("proj.svg"));
  CHECK_THAT(svg, Catch::Contains("class=\"picture\"") && !Catch::Contains("class=\"outline\""));
  // A projection cannot be stacked; a channel the image lacks is named.
  auto stacked =
      run_imagery({"figure", "--image", img, "--seg", seg, "--bounds", "150,100,16,250,180,24",
                   "--projection", "max", "--stack", "vertical", "-o", dir.file("s.png")});
  CHECK(stacked.exit_code == 2);
  CHECK_THAT(stacked.err, Catch::Contains("--stack"));
  auto channel = run_imagery({"figure", "--image", img, "--bounds", "150,100,16,250,180,17",
                              "--channel", "3", "-o", dir.file("c.png")});
  CHECK(channel.exit_code == 3);
  CHECK_THAT(channel.err, Catch::Contains("--channel 3"));
}
