// `imagery figure` end to end over nginx with the CloudVolume fixtures (image_raw at 4 nm,
// seg_cseg at 8 nm): the picture is the composite of the aligned arrays it saves, the sidecar
// records the request and `--from` remakes the same pixels, image sizes are exact, either source
// may be left out, and bad input gives one line, the documented exit code and no files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "imagery/client/client.h"
#include "imagery/core/npy.h"
#include "imagery/precomputed/volume_writer.h"
#include "overlay/overlay_test_support.h"
#include "support/expect_failure.h"
#include "support/nginx_server.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::expect_failure;
using imagery::testing::NginxServer;
using imagery::testing::pixel_difference;
using imagery::testing::run_imagery;
using imagery::testing::sha256_hex;
using imagery::testing::TempDir;

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::vector<std::string> figure_args(const NginxServer& nginx, const TempDir& dir,
                                     std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "figure", "--image",          nginx.url("image_raw"), "--seg", nginx.url("seg_cseg"),
      "-o",     dir.file("fig.png")};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("imagery figure draws the aligned arrays it saves and records them in a sidecar",
          "[cli][figure][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  auto r = run_imagery(figure_args(
      nginx, dir,
      {"--bounds", "131,61,20,331,251,21", "--outline", "--width", "2", "--no-merge-outline",
       "--alpha", "0.8", "--palette", "tab10", "--save-arrays", dir.file("arrays")}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  overlay::Image fig = overlay::read_figure_png(dir.file("fig.png"));
  CHECK(fig.width == 200);
  CHECK(fig.height == 190);

  // The saved arrays are the client's aligned cutout, [x, y, z].
  NpyArray seg = read_npy(dir.file("arrays_seg.npy"));
  NpyArray img = read_npy(dir.file("arrays_image.npy"));
  CHECK(seg.ndim == 3);
  CHECK(seg.array.shape() == Shape4{200, 190, 1, 1});
  auto c = client::Client::open({nginx.url("image_raw"), nginx.url("seg_cseg")});
  auto both =
      c.image_and_segmentation_cutout(client::Region::corners({131, 61, 20}, {331, 251, 21}));
  CHECK(sha256_hex(seg.array) == sha256_hex(both.segmentation.data));
  CHECK(sha256_hex(img.array) == sha256_hex(both.image.data));

  // The picture is exactly `imagery composite` of those arrays with the same options.
  auto comp =
      run_imagery({"composite", "--seg", dir.file("arrays_seg.npy"), "--imagery",
                   dir.file("arrays_image.npy"), "--outline", "--width", "2", "--no-merge-outline",
                   "--alpha", "0.8", "--palette", "tab10", "-o", dir.file("composite.png")});
  REQUIRE(comp.exit_code == 0);
  CHECK(pixel_difference(fig, overlay::read_figure_png(dir.file("composite.png"))) == "");

  // The sidecar is the figure's spec (the schema every way in reads) and what was drawn.
  auto side = read_json(dir.file("fig.json"));
  CHECK(side["format"] == "imagery.figure/1");
  CHECK(side["image"] == nginx.url("image_raw"));
  CHECK(side["image_mip"] == 0);
  CHECK(side["seg_mip"] == 0);
  CHECK(side["bounds"] == nlohmann::json::parse("[[131,61,20],[331,251,21]]"));
  CHECK(side["resolution"] == nlohmann::json::parse("[4,4,40]"));
  CHECK(side["width"] == 2);
  CHECK(side["merge_outline"] == false);
  CHECK(side["palette"] == "tab10");
  CHECK(side["save_arrays"] == dir.file("arrays"));
  const auto& drawn = side["rendered"];
  CHECK(drawn["imagery_version"] == std::string(client::version()));
  CHECK(drawn["image"]["source"] == nginx.url("image_raw"));
  CHECK(drawn["image"]["driver"] == "precomputed");
  CHECK(drawn["image"]["mip"] == 0);
  CHECK(drawn["image"]["voxels"] == nlohmann::json::parse("[[131,61,20],[331,251,21]]"));
  CHECK(drawn["segmentation"]["mip"] == 0);
  CHECK(drawn["segmentation"]["resolution"] == nlohmann::json::parse("[8,8,40]"));
  CHECK(drawn["segmentation"]["voxels"] == nlohmann::json::parse("[[65,30,20],[166,126,21]]"));
  CHECK(drawn["resolution"] == nlohmann::json::parse("[4,4,40]"));
  CHECK(drawn["bounds"] == nlohmann::json::parse("[[131,61,20],[331,251,21]]"));
  CHECK(drawn["panels"].size() == 1);
  CHECK(drawn["panels"][0]["nm_per_pixel"] == nlohmann::json::parse("[4,4]"));
  CHECK(drawn["pictures"] == nlohmann::json::array({dir.file("fig.png")}));
  CHECK(drawn["arrays"] ==
        nlohmann::json::array({dir.file("arrays_image.npy"), dir.file("arrays_seg.npy")}));
}

TEST_CASE("imagery figure --from OUT.json remakes the same picture", "[cli][figure][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  SECTION("centre and size, filled, one root id") {
    auto r = run_imagery(figure_args(nginx, dir,
                                     {"--center", "250,170,30", "--size", "121,95", "--alpha",
                                      "0.5", "--palette", "Set1", "--window", "20,220"}));
    REQUIRE(r.exit_code == 0);
  }
  SECTION("image size at mip 1, 3-D stacked, segmentation at 16 nm") {
    auto r = run_imagery(figure_args(
        nginx, dir,
        {"--center", "250,170,30", "--image-size", "61,45,3", "--image-mip", "1", "--seg-mip",
         "16,16,40", "--stack", "vertical", "--spacing", "4", "--outline", "--width", "1"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    overlay::Image fig = overlay::read_figure_png(dir.file("fig.png"));
    CHECK(fig.width == 61);
    CHECK(fig.height == 3 * 45 + 2 * 4);
  }
  auto again = run_imagery({"figure", "--from", dir.file("fig.json"), "-o", dir.file("again.png")});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(pixel_difference(overlay::read_figure_png(dir.file("again.png")),
                         overlay::read_figure_png(dir.file("fig.png"))) == "");
  auto first = read_json(dir.file("fig.json"));
  auto second = read_json(dir.file("again.json"));
  first.erase("output"), second.erase("output");
  // What was drawn is the same, but for the files it went to.
  for (auto* doc : {&first, &second}) {
    (*doc)["rendered"].erase("pictures");
    for (auto& panel : (*doc)["rendered"]["panels"]) panel.erase("file");
  }
  CHECK(first == second);
  // --from fixes everything but the outputs.
  expect_failure(
      {"figure", "--from", dir.file("fig.json"), "--alpha", "1", "-o", dir.file("x.png")}, 2,
      "--from", dir);
}

TEST_CASE("imagery figure gives exact image sizes, odd sizes high, one source alone",
          "[cli][figure][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  auto r = run_imagery(figure_args(nginx, dir,
                                   {"--center", "250,170,30", "--image-size", "101,77",
                                    "--image-mip", "1", "--save-arrays", dir.file("a")}));
  REQUIRE(r.exit_code == 0);
  overlay::Image fig = overlay::read_figure_png(dir.file("fig.png"));
  CHECK(fig.width == 101);
  CHECK(fig.height == 77);
  CHECK(read_json(dir.file("fig.json"))["rendered"]["image"]["voxels"] ==
        nlohmann::json::parse("[[74,46,30],[175,123,31]]"));

  r = run_imagery(figure_args(nginx, dir, {"--center", "250,170,30", "--size", "5,7"}));
  REQUIRE(r.exit_code == 0);
  CHECK(read_json(dir.file("fig.json"))["rendered"]["image"]["voxels"] ==
        nlohmann::json::parse("[[248,167,30],[253,174,31]]"));

  // Two ids of the region: its smallest and its largest (top bit set in this fixture).
  auto seg_client = client::Client::open({"", nginx.url("seg_cseg")});
  client::Cutout plain =
      seg_client.segmentation_cutout(client::Region::corners({60, 30, 20}, {120, 70, 21}));
  std::set<std::uint64_t> present(plain.data.data<std::uint64_t>(),
                                  plain.data.data<std::uint64_t>() + plain.data.shape().count());
  present.erase(0);
  REQUIRE(present.size() >= 3);
  const std::uint64_t lo_id = *present.begin(), hi_id = *present.rbegin();
  r = run_imagery({"figure", "--seg", nginx.url("seg_cseg"), "--bounds", "60,30,20,120,70,21",
                   "--root-ids", std::to_string(lo_id) + "," + std::to_string(hi_id),
                   "--save-arrays", dir.file("s"), "-o", dir.file("seg_only.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(overlay::read_figure_png(dir.file("seg_only.png")).width == 60);
  NpyArray seg = read_npy(dir.file("s_seg.npy"));
  std::set<std::uint64_t> ids(seg.array.data<std::uint64_t>(),
                              seg.array.data<std::uint64_t>() + seg.array.shape().count());
  CHECK(ids == std::set<std::uint64_t>{0, lo_id, hi_id});
  CHECK_FALSE(std::filesystem::exists(dir.file("s_image.npy")));

  r = run_imagery({"figure", "--image", nginx.url("image_raw"), "--bounds", "131,61,20,331,251,21",
                   "-o", dir.file("image_only.png")});
  REQUIRE(r.exit_code == 0);
  overlay::Image grey = overlay::read_figure_png(dir.file("image_only.png"));
  REQUIRE(grey.width == 200);
  // No objects: the picture is the grey imagery itself.
  auto c = client::Client::open({nginx.url("image_raw"), ""});
  client::Cutout img = c.image_cutout(client::Region::corners({131, 61, 20}, {331, 251, 21}));
  const std::uint8_t* p = grey.pixel(17, 33);
  CHECK(p[0] == img.data.at<std::uint8_t>(17, 33, 0));
  CHECK(p[1] == p[0]);
}

TEST_CASE("imagery figure rejects bad input with one line and no files", "[cli][figure][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  expect_failure(figure_args(nginx, dir, {"--bounds", "131,61,20,331,251,21", "--seg-mip", "5"}), 3,
                 "--seg-mip", dir);
  expect_failure(
      figure_args(nginx, dir, {"--bounds", "131,61,20,331,251,21", "--image-mip", "8,8,8"}), 3,
      "no scale at resolution", dir);
  expect_failure(figure_args(nginx, dir, {}), 2, "--bounds", dir);
  expect_failure(figure_args(nginx, dir, {"--center", "1,2,3"}), 2, "--bounds", dir);
  expect_failure(
      figure_args(nginx, dir, {"--bounds", "1,2,3,4,5,6", "--center", "1,2,3", "--size", "4,4"}), 2,
      "exactly one", dir);
  expect_failure(figure_args(nginx, dir, {"--center", "1,2,3", "--image-size", "4.5,4"}), 2,
                 "--image-size", dir);
  expect_failure(figure_args(nginx, dir, {"--bounds", "131,61,20,331,251,24"}), 2, "{i}", dir);
  expect_failure(figure_args(nginx, dir, {"--bounds", "131,61,20,331,251,21", "--alpha", "2"}), 2,
                 "--alpha", dir);
  expect_failure({"figure", "--bounds", "131,61,20,331,251,21", "-o", dir.file("x.png")}, 2,
                 "--image", dir);
  expect_failure({"figure", "--image", nginx.url("nothing_here"), "--bounds",
                  "131,61,20,331,251,21", "-o", dir.file("x.png")},
                 3, "nothing_here", dir);
  expect_failure({"figure", "--image", nginx.url("image_raw"), "--bounds", "131,61,20,331,251,21",
                  "-o", dir.file("no/such/folder/x.png")},
                 1, "x.png", dir);
  expect_failure({"figure", "--from", dir.file("missing.json")}, 3, "missing.json", dir);
  // 200 x 190 pixels of uint8 and uint64 are more than 10 kB.
  expect_failure(
      {"--max-memory", "0.00001", "figure", "--image", nginx.url("image_raw"), "--seg",
       nginx.url("seg_cseg"), "--bounds", "131,61,20,331,251,21", "-o", dir.file("x.png")},
      7, "", dir);
}

namespace {
// Requests nginx answered for chunks (not infos) since `from`.
std::size_t chunk_requests(const NginxServer& nginx, std::size_t from = 0) {
  const auto lines = nginx.requests();
  std::size_t n = 0;
  for (std::size_t i = from; i < lines.size(); ++i)
    if (lines[i].find("/info ") == std::string::npos) ++n;
  return n;
}
}  // namespace

TEST_CASE("imagery figure refuses before fetching what cannot work", "[cli][figure][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  // A 3-D box without {i} or --stack: known from the request and the sources' metadata alone.
  expect_failure(figure_args(nginx, dir, {"--bounds", "131,61,20,331,251,24"}), 2, "{i}", dir);
  // Drawing would need more memory than the budget, though each cutout alone fits: 30 sections
  // of 1000 x 1000 pictures, stacked.
  expect_failure({"--max-memory", "0.5", "figure", "--image", nginx.url("image_raw"), "--seg",
                  nginx.url("seg_cseg"), "--center", "250,170,30", "--image-size", "1000,1000,30",
                  "--stack", "vertical", "-o", dir.file("big.png")},
                 7, "to fetch and draw", dir);
  // Nothing above read a single chunk.
  CHECK(chunk_requests(nginx) == 0);
}

TEST_CASE("each command names its own flag for what the user can do", "[cli][figure][cutout]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  // Outside the volume: figure says to leave out --bounded, cutout to pass --unbounded; the
  // library's message names neither.
  auto figure =
      run_imagery(figure_args(nginx, dir, {"--bounds", "0,0,20,200,200,21", "--bounded"}));
  CHECK(figure.exit_code == 2);
  CHECK_THAT(figure.err, Catch::Contains("--bounded") && !Catch::Contains("--unbounded"));
  auto cutout = run_imagery(
      {"cutout", nginx.url("image_raw"), "--bounds", "0,0,0,200,200,20", "-o", dir.file("o.npy")});
  CHECK(cutout.exit_code == 2);
  CHECK_THAT(cutout.err, Catch::Contains("pass --unbounded"));
  // A missing chunk: figure says to leave out --no-fill-missing, cutout to pass --fill-missing.
  auto missing = run_imagery({"figure", "--image", nginx.url("missing_chunk"), "--bounds",
                              "64,64,16,128,128,17", "--no-fill-missing", "-o", dir.file("m.png")});
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err,
             Catch::Contains("--no-fill-missing") && !Catch::Contains("pass --fill-missing"));
  // With missing chunks read as 0 (the default), a figure wholly of missing chunks still draws,
  // and says on stderr that its image was all missing.
  auto warned = run_imagery({"figure", "--image", nginx.url("missing_chunk"), "--bounds",
                             "64,64,16,128,128,17", "-o", dir.file("w.png")});
  CHECK(warned.exit_code == 0);
  CHECK_THAT(warned.err, Catch::Contains("warning") && Catch::Contains("missing"));
}

TEST_CASE("imagery figure --from reads sidecars of imagery 0.1 and draws the same pixels",
          "[cli][figure]") {
  // Sidecars and pictures that imagery 0.1 wrote for the demo volume (tests/data/figure).
  const std::string demo =
      (std::filesystem::path(IMAGERY_TEST_DATA).parent_path().parent_path() / "examples").string() +
      "/";
  for (const std::string name : {"sidecar_0.1_stacked", "sidecar_0.1_colors"}) {
    SECTION(name) {
      TempDir dir;
      nlohmann::json old = read_json(data_path("figure/" + name + ".json"));
      REQUIRE(old["command"] == "figure");  // the 0.1 layout, not the schema
      for (const char* source : {"image", "segmentation"})
        old[source]["source"] = demo + old[source]["source"].get<std::string>().substr(9);
      imagery::testing::write_file(dir.file("old.json"), old.dump());
      auto r = run_imagery({"figure", "--from", dir.file("old.json"), "-o", dir.file("new.png")});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(pixel_difference(overlay::read_figure_png(dir.file("new.png")),
                             overlay::read_figure_png(data_path("figure/" + name + ".png"))) == "");
      // What it writes now is the schema, and it remakes the same picture too.
      auto side = read_json(dir.file("new.json"));
      CHECK(side["format"] == "imagery.figure/1");
      auto again =
          run_imagery({"figure", "--from", dir.file("new.json"), "-o", dir.file("again.png")});
      REQUIRE(again.exit_code == 0);
      CHECK(pixel_difference(overlay::read_figure_png(dir.file("again.png")),
                             overlay::read_figure_png(dir.file("new.png"))) == "");
    }
  }
}

TEST_CASE("imagery figure takes --scale-bar and --inset bare as auto and top-right",
          "[cli][figure]") {
  TempDir dir;
  const std::vector<std::string> base = {"figure",
                                         "--image",
                                         data_path("cloudvolume/image_raw"),
                                         "--seg",
                                         data_path("cloudvolume/seg_cseg"),
                                         "--center",
                                         "250,170,30",
                                         "--image-size",
                                         "128,96"};
  struct Case {
    const char* name;
    std::vector<std::string> flags;  // after the base; "OUT" stands for the output file
    const char* scale_bar;           // in the sidecar; "" none
    const char* inset;
    double length_nm;
  };
  for (const Case& c : {Case{"both bare before -o",
                             {"--scale-bar", "--inset", "-o", "OUT"},
                             "auto",
                             "top-right",
                             100},
                        Case{"bare before another flag and at the end",
                             {"--inset", "--alpha", "0.3", "-o", "OUT", "--scale-bar"},
                             "auto",
                             "top-right",
                             100},
                        Case{"with values",
                             {"--scale-bar", "1um", "--inset", "bottom-left", "-o", "OUT"},
                             "1um",
                             "bottom-left",
                             1000},
                        Case{"the inset alone", {"-o", "OUT", "--inset"}, "", "top-right", 0}}) {
    SECTION(c.name) {
      std::vector<std::string> args = base;
      for (const std::string& f : c.flags) args.push_back(f == "OUT" ? dir.file("fig.png") : f);
      const auto r = run_imagery(args);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const auto side = read_json(dir.file("fig.json"));
      const auto& elements = side["rendered"]["panels"][0]["elements"];
      INFO(elements.dump());
      CHECK(side["inset"] == c.inset);
      CHECK(elements.contains("inset"));
      if (*c.scale_bar) {
        CHECK(side["scale_bar"] == c.scale_bar);
        // Auto on 128 pixels of 4 nm: 1, 2 or 5 x 10^k nm nearest 20 % of 512 nm.
        CHECK(elements["scale_bar"]["length_nm"] == c.length_nm);
        CHECK(elements["scale_bar"]["pixels"] == std::llround(c.length_nm / 4));
      } else {
        CHECK_FALSE(side.contains("scale_bar"));  // the sidecar names the elements drawn
        CHECK_FALSE(elements.contains("scale_bar"));
      }
    }
  }
}
