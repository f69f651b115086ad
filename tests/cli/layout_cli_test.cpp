// `imagery layout LAYOUT.json -o fig.{pdf,svg,png,tif}` and `imagery layout --from fig.json` on the
// CloudVolume fixtures read from local paths: every output format with its sidecar, the output
// named in the layout itself, remaking a layout from its sidecar, and bad input giving one line,
// the documented exit code (README: 1 output, 2 usage, 3 not found) and no files.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "figure/figure_test_support.h"
#include "overlay/overlay_test_support.h"
#include "support/expect_failure.h"

using imagery::testing::expect_failure;
using imagery::testing::pixel_difference;
using imagery::testing::read_text;
using imagery::testing::run_imagery;
using imagery::testing::TempDir;
using nlohmann::json;

namespace {

// Two 64 x 64 panels 10 pixels apart: 138 x 64.
json two_panels() {
  json doc = {{"defaults",
               {{"image", imagery::testing::fixture_image()},
                {"seg", imagery::testing::fixture_segmentation()},
                {"image_size", {64, 64}},
                {"font_size", 3},
                {"scale_bar", "auto"}}},
              {"window", "shared"}};
  doc["panels"] =
      json::array({{{"center", {250, 170, 30}}}, {{"center", {282, 202, 30}}, {"outline", true}}});
  return doc;
}

std::string write_layout(const TempDir& dir, const json& doc, const std::string& name = "l.json") {
  imagery::testing::write_file(dir.file(name), doc.dump());
  return dir.file(name);
}

}  // namespace

TEST_CASE("imagery layout writes PDF, SVG, PNG and TIFF with a sidecar", "[cli][layout]") {
  TempDir dir;
  const std::string layout = write_layout(dir, two_panels());
  struct Case {
    const char* name;
    const char* format;
    std::string magic;
  };
  for (const Case& c : {Case{"fig.pdf", "PDF", "%PDF-"}, Case{"fig.svg", "SVG", "<svg"},
                        Case{"fig.png", "PNG", "\x89PNG"}, Case{"fig.tif", "TIFF", "II*"}}) {
    INFO(c.name);
    const auto r = run_imagery({"layout", layout, "-o", dir.file(c.name)});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string bytes = read_text(dir.file(c.name));
    CHECK(bytes.find(c.magic) <= 128);  // (an SVG starts with an XML declaration and a comment)
    const json sidecar = json::parse(read_text(dir.file("fig.json")));
    CHECK(sidecar["format"] == "imagery.layout/1");
    CHECK(sidecar["output"] == dir.file(c.name));
    CHECK(sidecar["rendered"]["format"] == c.format);
    CHECK(sidecar["rendered"]["size"] == json::array({138, 64}));
    CHECK(sidecar["rendered"]["panels"].size() == 2);
  }
  const auto png = imagery::overlay::read_figure_png(dir.file("fig.png"));
  CHECK(png.width == 138);
  CHECK(png.height == 64);

  // The output named in the layout, with its printed size.
  json named = two_panels();
  named["output"] = dir.file("named.pdf");
  named["width_mm"] = 89;
  const auto r = run_imagery({"layout", write_layout(dir, named, "named_layout.json")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json sidecar = json::parse(read_text(dir.file("named.json")));
  CHECK(sidecar["rendered"]["print"]["width_mm"] == Approx(89));
}

TEST_CASE("imagery layout --from fig.json remakes the same picture", "[cli][layout]") {
  TempDir dir;
  const std::string layout = write_layout(dir, two_panels());
  REQUIRE(run_imagery({"layout", layout, "-o", dir.file("fig.png")}).exit_code == 0);
  const auto r =
      run_imagery({"layout", "--from", dir.file("fig.json"), "-o", dir.file("again.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(pixel_difference(imagery::overlay::read_figure_png(dir.file("again.png")),
                         imagery::overlay::read_figure_png(dir.file("fig.png"))) == "");
  // Without -o, the sidecar's own output (the same file, remade).
  const auto same = run_imagery({"layout", "--from", dir.file("again.json")});
  INFO(same.err);
  CHECK(same.exit_code == 0);
}

TEST_CASE("imagery layout rejects bad input with one line, its exit code and no files",
          "[cli][layout]") {
  TempDir dir;
  const std::string good = write_layout(dir, two_panels());
  // Not found: the layout, a sidecar, a panel's source.
  expect_failure({"layout", dir.file("missing.json"), "-o", dir.file("x.png")}, 3, "missing.json",
                 dir);
  expect_failure({"layout", "--from", dir.file("gone.json")}, 3, "gone.json", dir);
  json no_source = two_panels();
  no_source["panels"][1]["image"] = dir.file("nothing_here");
  expect_failure(
      {"layout", write_layout(dir, no_source, "no_source.json"), "-o", dir.file("x.png")}, 3,
      "panel 2: ", dir);
  // Usage: no layout, both, not JSON, bad keys, no output, an extension no writer has, {i}.
  expect_failure({"layout", "-o", dir.file("x.png")}, 2, "--from", dir);
  expect_failure({"layout", good, "--from", good, "-o", dir.file("x.png")}, 2, "one of them", dir);
  imagery::testing::write_file(dir.file("broken.json"), "{\"panels\": [");
  expect_failure({"layout", dir.file("broken.json"), "-o", dir.file("x.png")}, 2, "not JSON", dir);
  json bad_key = two_panels();
  bad_key["colums"] = 2;
  expect_failure({"layout", write_layout(dir, bad_key, "bad_key.json"), "-o", dir.file("x.png")}, 2,
                 "'colums'", dir);
  json bad_panel_key = two_panels();
  bad_panel_key["panels"][1]["alpah"] = 0.5;
  expect_failure(
      {"layout", write_layout(dir, bad_panel_key, "bad_panel.json"), "-o", dir.file("x.png")}, 2,
      "panel 2: 'alpah'", dir);
  expect_failure({"layout", good}, 2, "-o", dir);
  expect_failure({"layout", good, "-o", dir.file("x.jpg")}, 2, "'.jpg'", dir);
  expect_failure({"layout", good, "-o", dir.file("x_{i}.png")}, 2, "{i}", dir);
  // The output cannot be written.
  expect_failure({"layout", good, "-o", dir.file("no/such/folder/x.png")}, 1, "x.png", dir);
  // l.pdf's sidecar would be l.json, the layout itself: refused, the layout left as it was.
  const std::string before = imagery::testing::read_text(good);
  expect_failure({"layout", good, "-o", dir.file("l.pdf")}, 2, "would overwrite the layout", dir);
  CHECK(imagery::testing::read_text(good) == before);
}
