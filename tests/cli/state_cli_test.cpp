// `imagery figure --state` and `imagery link` as a user runs them: every way of giving a state
// (a file, stdin, a Neuroglancer link with the JSON or with the URL of a JSON state, a json_url
// link), the picture equal to Neuroglancer's own screenshot, the sidecar's "neuroglancer" state
// feeding back to the same picture, batch rows moving one state to many positions, a graphene
// segmentation through the fake CAVE, and the errors a user meets.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "imagery/core/png.h"
#include "imagery/neuroglancer/segment_color.h"
#include "imagery/neuroglancer/state_input.h"
#include "support/expect_failure.h"
#include "support/fake_cave.h"
#include "support/graphene_truth.h"
#include "support/nginx_server.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::testing;
namespace fs = std::filesystem;

namespace {

// An oracle case's state with its volumes on `nginx` (which serves tests/data).
nlohmann::json oracle_state(const std::string& name, const NginxServer& nginx) {
  std::string text = read_text(data_path("neuroglancer/oracle/" + name + ".state.json"));
  const std::string from = "http://127.0.0.1:8765/data/";
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at))
    text.replace(at, from.size(), nginx.url("") + "/");
  return nlohmann::json::parse(text);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

PngImage read_png_file(const std::string& path) {
  return decode_png(read_file(path), path);
}

// Pixels where two pictures differ in R, G or B (either may carry alpha).
std::size_t rgb_difference(const PngImage& a, const PngImage& b) {
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  std::size_t n = 0;
  for (std::size_t p = 0; p < std::size_t{a.width} * a.height; ++p)
    for (int c = 0; c < 3; ++c)
      if (a.pixels[p * a.channels + c] != b.pixels[p * b.channels + c]) {
        ++n;
        break;
      }
  return n;
}

nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_text(path));
}

}  // namespace

TEST_CASE("imagery figure --state draws Neuroglancer's screenshot, from every form of state",
          "[cli][state][http]") {
  NginxServer nginx(data_path(""));
  TempDir dir;
  const nlohmann::json state = oracle_state("img_seg_default", nginx);
  const PngImage truth = read_png_file(data_path("neuroglancer/oracle/img_seg_default.png"));
  write_text(dir.file("state.json"), state.dump(1));
  // A JSON state served over HTTP, for "#!URL" and "?json_url=" links.
  TempDir served;
  write_text(served.file("view.json"), state.dump());
  NginxServer states(served.path().string());
  const std::string encoded = neuroglancer::percent_encode(state.dump());
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"file", dir.file("state.json")},
      {"link", "https://neuroglancer-demo.appspot.com/#!" + encoded},
      {"link to a JSON state",
       "https://neuroglancer-demo.appspot.com/#!" + states.url("view.json")},
      {"json_url link", "https://ngl.example.org/?json_url=" + states.url("view.json")},
      {"URL", states.url("view.json")}};
  for (const auto& [form, value] : forms) {
    DYNAMIC_SECTION(form) {
      const std::string out = dir.file(form.substr(0, 4) + ".png");
      const auto r =
          run_imagery({"figure", "--state", value, "--panel-size", "512,384", "-o", out});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const std::size_t differing = rgb_difference(read_png_file(out), truth);
      INFO(differing << " pixels differ from Neuroglancer's screenshot");
      CHECK(differing == 0);
    }
  }
  SECTION("stdin") {
    const auto r = run_program(
        "/bin/sh", {"-c", "'" + std::string(IMAGERY_CLI_PATH) +
                              "' figure --state - --panel-size 512,384 -o '" +
                              dir.file("stdin.png") + "' < '" + dir.file("state.json") + "'"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(rgb_difference(read_png_file(dir.file("stdin.png")), truth) == 0);
  }
}

TEST_CASE("a state figure's sidecar records the state as drawn and remakes the same picture",
          "[cli][state][http]") {
  NginxServer nginx(data_path(""));
  TempDir dir;
  write_text(dir.file("state.json"), oracle_state("img_seg_selected", nginx).dump());
  auto r = run_imagery({"figure", "--state", dir.file("state.json"), "--panel-size", "256,192",
                        "--position", "240,160,30", "--cross-section-scale", "1.5", "-o",
                        dir.file("a.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json sidecar = read_json(dir.file("a.json"));
  // The changes are made in the recorded state, which is also the "neuroglancer" view.
  CHECK(sidecar["state"]["position"] == nlohmann::json::array({240.0, 160.0, 30.0}));
  CHECK(sidecar["state"]["crossSectionScale"] == 1.5);
  CHECK(sidecar["neuroglancer"] == sidecar["state"]);
  CHECK_FALSE(sidecar.contains("position"));
  const auto& layers = sidecar["rendered"]["neuroglancer"]["layers"];
  REQUIRE(layers.size() == 2);
  CHECK(layers[0]["drawn"] == true);
  // 6 nm pixels, target 1.1 x 6 = 6.6 nm: the 8 nm mip is nearer than the 4 nm one.
  CHECK(layers[0]["mips"][0]["mip"] == 1);
  CHECK(layers[1]["mips"][0]["mip"] == 0);  // the 8 nm segmentation's finest
  CHECK(sidecar["rendered"]["neuroglancer"]["pixel_size_nm"].get<double>() ==
        Approx(6.0).epsilon(1e-6));
  const PngImage first = read_png_file(dir.file("a.png"));
  SECTION("--from the sidecar") {
    r = run_imagery({"figure", "--from", dir.file("a.json"), "-o", dir.file("b.png")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(rgb_difference(read_png_file(dir.file("b.png")), first) == 0);
  }
  SECTION("the sidecar's neuroglancer state given back with --state") {
    write_text(dir.file("view.json"), sidecar["neuroglancer"].dump());
    r = run_imagery({"figure", "--state", dir.file("view.json"), "--panel-size", "256,192", "-o",
                     dir.file("c.png")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(rgb_difference(read_png_file(dir.file("c.png")), first) == 0);
  }
  SECTION("imagery link prints the state as a Neuroglancer link") {
    r = run_imagery({"link", dir.file("a.json")});
    REQUIRE(r.exit_code == 0);
    const std::string prefix = std::string(neuroglancer::kDefaultNeuroglancerBase) + "#!";
    REQUIRE(r.out.rfind(prefix, 0) == 0);
    REQUIRE(r.out.back() == '\n');
    const std::string fragment = r.out.substr(prefix.size(), r.out.size() - prefix.size() - 1);
    CHECK(fragment.find_first_of("{}\" ") == std::string::npos);  // encoded
    CHECK(nlohmann::json::parse(neuroglancer::percent_decode(fragment)) == sidecar["neuroglancer"]);
    // The picture's name works too, and another app.
    r = run_imagery({"link", dir.file("a.png"), "--base", "https://spelunker.cave-explorer.org/"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("https://spelunker.cave-explorer.org/#!%7B", 0) == 0);
    // ... and the link itself is a state figure's input.
    r = run_imagery({"figure", "--state", r.out.substr(0, r.out.size() - 1), "--panel-size",
                     "256,192", "-o", dir.file("d.png")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(rgb_difference(read_png_file(dir.file("d.png")), first) == 0);
  }
}

TEST_CASE("a figure from flags carries a Neuroglancer state that shows the same picture",
          "[cli][state][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  // The image alone: Neuroglancer draws a first (unblended) image layer as its grey values, so
  // the state's picture is the figure's pixel for pixel.
  auto r = run_imagery({"figure", "--image", nginx.url("image_raw"), "--bounds",
                        "131,61,20,331,251,21", "--rgb", "-o", dir.file("flags.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json sidecar = read_json(dir.file("flags.json"));
  const nlohmann::json& view = sidecar["neuroglancer"];
  CHECK(view["layers"][0]["source"] == "precomputed://" + nginx.url("image_raw"));
  CHECK(view["position"] == nlohmann::json::array({231.0, 156.0, 20.5}));
  CHECK(view["crossSectionScale"] == 1.0);
  write_text(dir.file("view.json"), view.dump());
  r = run_imagery({"figure", "--state", dir.file("view.json"), "--panel-size", "200,190", "-o",
                   dir.file("state.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::size_t differing =
      rgb_difference(read_png_file(dir.file("state.png")), read_png_file(dir.file("flags.png")));
  INFO(differing << " pixels differ");
  CHECK(differing == 0);
  // With a segmentation, the state selects the drawn ids with the figure's alpha and colours.
  r = run_imagery({"figure", "--image", nginx.url("image_raw"), "--seg", nginx.url("seg_cseg"),
                   "--bounds", "131,61,20,331,251,21", "--root-ids", "425,1234", "--color",
                   "425=#ff0000", "--color", "1234=#00ff00", "--alpha", "0.4", "-o",
                   dir.file("seg.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json seg_view = read_json(dir.file("seg.json"))["neuroglancer"]["layers"][1];
  CHECK(seg_view["segments"] == nlohmann::json::array({"425", "1234"}));
  CHECK(seg_view["segmentColors"]["425"] == "#ff0000");
  CHECK(seg_view["selectedAlpha"] == 0.4);
}

TEST_CASE("imagery batch moves one state to many positions and selections",
          "[cli][state][batch][http]") {
  NginxServer nginx(data_path(""));
  TempDir dir, out;
  write_text(dir.file("state.json"), oracle_state("img_seg_default", nginx).dump());
  write_text(dir.file("rows.jsonl"),
             "{\"name\": \"a\", \"position\": [200, 150, 30], \"segments\": []}\n"
             "{\"name\": \"b\", \"position\": [300, 200, 25], \"crossSectionScale\": 2}\n"
             "{\"name\": \"c\", \"position\": [250, 171, 30], \"segments\": {\"seg\": [425]}}\n"
             "{\"name\": \"bad\", \"position\": [1, 2]}\n");
  write_text(dir.file("defaults.json"),
             nlohmann::json({{"state", dir.file("state.json")}, {"panel_size", "128,96"}}).dump());
  const auto r = run_imagery({"batch", dir.file("rows.jsonl"), "--defaults",
                              dir.file("defaults.json"), "--out-dir", out.path().string()});
  INFO(r.err);
  CHECK(r.exit_code != 0);  // the bad row
  CHECK_THAT(r.out + r.err, Catch::Contains("bad") && Catch::Contains("position"));
  for (const char* name : {"a", "b", "c"}) {
    INFO(name);
    REQUIRE(fs::exists(out.file(std::string(name) + ".png")));
    const nlohmann::json sidecar = read_json(out.file(std::string(name) + ".json"));
    CHECK(sidecar["neuroglancer"] == sidecar["state"]);
  }
  CHECK(read_json(out.file("b.json"))["state"]["crossSectionScale"] == 2.0);
  CHECK(read_json(out.file("c.json"))["state"]["layers"][1]["segments"] ==
        nlohmann::json::array({"425"}));
  // Row b equals the same figure made on its own.
  const auto single = run_imagery({"figure", "--state", dir.file("state.json"), "--panel-size",
                                   "128,96", "--position", "300,200,25", "--cross-section-scale",
                                   "2", "-o", dir.file("b.png")});
  REQUIRE(single.exit_code == 0);
  CHECK(rgb_difference(read_png_file(dir.file("b.png")), read_png_file(out.file("b.png"))) == 0);
}

TEST_CASE("a state with a graphene segmentation draws root ids at the timestamp",
          "[cli][state][graphene]") {
  NginxServer nginx(examples_path("graphene/watershed"));
  FakeCave cave([&] {
    FakeCaveOptions o = example_cave_options();
    o.data_dir = nginx.url();
    return o;
  }());
  TempDir dir;
  // One screen pixel per 8 nm voxel of the watershed; the panel covers its 272 x 240 section.
  const nlohmann::json state = {
      {"dimensions", {{"x", {8e-9, "m"}}, {"y", {8e-9, "m"}}, {"z", {4e-8, "m"}}}},
      {"position", {1136, 920, 105.5}},
      {"crossSectionScale", 1},
      {"layout", "xy"},
      {"layers",
       {{{"type", "segmentation"}, {"name", "cells"}, {"source", cave.segmentation_source()}}}}};
  write_text(dir.file("state.json"), state.dump());
  const Array supervoxels = example_supervoxels({{1000, 800, 105}, {1272, 1040, 106}});
  for (double ts : {1709294400.0 - 3600, 1717243200.0 + 3600}) {
    DYNAMIC_SECTION("timestamp " << ts) {
      const std::string png = dir.file("g" + std::to_string(static_cast<long>(ts)) + ".png");
      const auto r = run_imagery({"figure", "--token", kFakeCaveToken, "--state",
                                  dir.file("state.json"), "--panel-size", "272,240", "--timestamp",
                                  std::to_string(static_cast<long>(ts)), "-o", png});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const Array roots = roots_in_graph(cave, supervoxels, ts);
      const PngImage picture = read_png_file(png);
      std::size_t differing = 0;
      for (std::uint32_t y = 0; y < 240; ++y)
        for (std::uint32_t x = 0; x < 272; ++x) {
          const std::uint64_t id = roots.at<std::uint64_t>(x, y, 0);
          std::array<std::uint8_t, 3> want{128, 128, 128};  // id 0: the background
          if (id != 0) {
            const auto rgb = neuroglancer::hash_color(id, 0);
            for (int c = 0; c < 3; ++c) want[c] = neuroglancer::byte_from_channel(rgb[c]);
          }
          const auto* px = &picture.pixels[(std::size_t{y} * 272 + x) * picture.channels];
          for (int c = 0; c < 3; ++c)
            if (std::to_integer<int>(px[c]) != want[c]) {
              ++differing;
              break;
            }
        }
      INFO(differing << " pixels differ from the roots' hash colours");
      CHECK(differing == 0);
      const nlohmann::json sidecar =
          read_json(dir.file("g" + std::to_string(static_cast<long>(ts)) + ".json"));
      CHECK(sidecar["timestamp"].is_string());
      CHECK(sidecar["rendered"]["neuroglancer"]["layers"][0]["driver"] == "graphene");
    }
  }
}

TEST_CASE("bad states give one line, the documented exit code and no files", "[cli][state]") {
  TempDir dir;
  write_text(dir.file("broken.json"), "{\"layers\": [");
  write_text(dir.file("shader.json"),
             R"({"dimensions": {"x": [4e-9, "m"], "y": [4e-9, "m"], "z": [4e-8, "m"]},
                 "position": [1, 2, 3], "layers": [{"type": "image", "name": "em",
                 "source": "precomputed://file:///nonexistent", "shader": "void main() {}"}]})");
  write_text(dir.file("list.json"), "[1, 2]");
  TempDir out;
  const std::string png = out.file("f.png");
  expect_failure({"figure", "--state", dir.file("broken.json"), "-o", png}, 2,
                 dir.file("broken.json") + ": not valid JSON", out);
  expect_failure({"figure", "--state", dir.file("list.json"), "-o", png}, 2, "a JSON object", out);
  expect_failure({"figure", "--state", dir.file("shader.json"), "-o", png}, 2,
                 "layer 'em': a custom shader is not drawn", out);
  expect_failure({"figure", "--state", dir.file("missing.json"), "-o", png}, 3,
                 dir.file("missing.json"), out);
  expect_failure({"figure", "--state", dir.file("shader.json"), "--image", "x", "-o", png}, 2,
                 "--state draws the state's layers", out);
  expect_failure({"figure", "--state", dir.file("shader.json"), "--panel", "xw", "-o", png}, 2,
                 "--panel", out);
  expect_failure({"figure", "--state", dir.file("shader.json"), "--panel-size", "0,10", "-o", png},
                 2, "--panel-size", out);
  expect_failure({"figure", "--position", "1,2,3", "-o", png}, 2, "--state is missing", out);
  expect_failure({"figure", "--state", "https://x.org/#!%7B%ZZ", "-o", png}, 2, "%-escape", out);
  expect_failure({"link", dir.file("broken.json")}, 2, "not JSON", out);
  // The sidecar of view.png is view.json: it must not replace the state drawn.
  write_text(out.file("view.json"), read_text(dir.file("shader.json")));
  expect_failure({"figure", "--state", out.file("view.json"), "-o", out.file("view.png")}, 2,
                 "would overwrite the state", out);
  CHECK(read_text(out.file("view.json")) == read_text(dir.file("shader.json")));
  expect_failure({"link", dir.file("list.json")}, 2, "no Neuroglancer state", out);
}
