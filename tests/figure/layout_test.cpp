// Layouts: geometry (panels row by row at native pixels, `spacing` apart with no outer margin,
// spans, letters), layout documents read with defaults under panels, and make_layout end to end.
#include "imagery/figure/layout.h"

#include <catch2/catch.hpp>

#include "figure/figure_test_support.h"
#include "imagery/core/error.h"
#include "imagery/figure/render.h"
#include "imagery/overlay/display_window.h"
#include "overlay/overlay_test_support.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::figure::layout_geometry;
using imagery::figure::panel_letter;
using imagery::figure::read_layout_spec;
using imagery::testing::error_of;
using nlohmann::json;

TEST_CASE("a 2x3 layout of 256 px panels is 788 x 522 with panels 266 px apart",
          "[figure][layout]") {
  const std::vector<std::pair<double, double>> sizes(6, {256, 256});
  const std::vector<std::pair<int, int>> spans(6, {1, 1});
  const auto g = layout_geometry(sizes, spans, 3, 10);
  CHECK(g.width == 788);
  CHECK(g.height == 522);
  const double xs[] = {0, 266, 532, 0, 266, 532};
  const double ys[] = {0, 0, 0, 266, 266, 266};
  for (std::size_t i = 0; i < 6; ++i) {
    INFO(i);
    CHECK(g.cells[i].x == xs[i]);
    CHECK(g.cells[i].y == ys[i]);
  }
  CHECK(panel_letter(0) == "a");
  CHECK(panel_letter(5) == "f");
  CHECK(panel_letter(25) == "z");
  CHECK(panel_letter(26) == "aa");
}

TEST_CASE("spans take several cells and tracks fit their largest panels", "[figure][layout]") {
  // a: 2 rows x 1 column, 300 x 522; then b, c, d, e fill the free cells row by row.
  const std::vector<std::pair<double, double>> sizes = {
      {300, 522}, {256, 256}, {256, 256}, {256, 256}, {256, 256}};
  const std::vector<std::pair<int, int>> spans = {{2, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}};
  const auto g = layout_geometry(sizes, spans, 3, 10);
  CHECK(g.cells[0].x == 0);
  CHECK(g.cells[1].x == 310);
  CHECK(g.cells[2].x == 576);
  CHECK(g.cells[3].x == 310);
  CHECK(g.cells[3].y == 266);
  CHECK(g.cells[4].x == 576);
  CHECK(g.width == 832);
  CHECK(g.height == 522);
  // A wide panel over two columns; a 512-wide panel widens the second column by what is missing.
  const auto w =
      layout_geometry({{600, 100}, {256, 100}, {256, 100}}, {{1, 2}, {1, 1}, {1, 1}}, 2, 10);
  CHECK(w.cells[1].y == 110);
  CHECK(w.cells[2].x == 266);
  CHECK(w.width == 600);
  // A short last row takes no extra width.
  const auto last = layout_geometry({{100, 100}, {100, 100}}, {{1, 1}, {1, 1}}, 3, 10);
  CHECK(last.width == 210);
}

TEST_CASE("layout documents merge defaults under panels", "[figure][layout]") {
  const json doc = json::parse(R"({
    "defaults": {"image": "file:///em", "seg": "file:///seg", "outline": true,
                 "center": [1, 2, 3], "image_size": [64, 64], "scale_bar": "auto"},
    "columns": 2, "spacing": 4, "window": "shared", "width_mm": 89, "dpi": 600,
    "panels": [{}, {"bounds": [[0, 0, 0], [8, 8, 1]], "label": "Z"}, {"span": [1, 2], "label": false}]
  })");
  const auto spec = read_layout_spec(doc, "layout.json");
  REQUIRE(spec.panels.size() == 3);
  CHECK(spec.columns == 2);
  CHECK(spec.spacing == 4);
  CHECK(spec.shared_window);
  CHECK(spec.output.width_mm == 89);
  CHECK(spec.output.dpi == 600);
  CHECK(spec.panels[0].spec.style.composite.outline);
  CHECK(spec.panels[0].spec.elements.scale_bar.enabled);
  CHECK(spec.panels[0].spec.region.kind == imagery::figure::RegionSpec::Kind::kCenterPixels);
  // A panel's own region replaces the defaults' (no "center with bounds" conflict).
  CHECK(spec.panels[1].spec.region.kind == imagery::figure::RegionSpec::Kind::kCorners);
  CHECK(spec.panels[1].label == "Z");
  CHECK_FALSE(spec.panels[0].label);
  CHECK(spec.panels[2].label == "");
  CHECK(spec.panels[2].columns == 2);

  struct Case {
    const char* doc;
    const char* message;
  };
  for (const Case& c : {Case{R"({"panels": []})", "'panels': expected a list"},
                        Case{R"({"panels": [{}], "colums": 2})", "'colums' is not a layout key"},
                        Case{R"({"panels": [{"span": [0, 1]}]})", "panel 1: 'span'"},
                        Case{R"({"panels": [{"image": "a", "alpah": 1}]})", "panel 1: 'alpah'"},
                        Case{R"({"panels": [{}], "window": "auto"})", "'window'"},
                        Case{R"({"panels": [{}], "format": "x"})", "imagery.layout/1"},
                        Case{R"([1])", "expected a JSON object"}}) {
    INFO(c.doc);
    const auto e = error_of([&] { read_layout_spec(json::parse(c.doc), "l.json"); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::StartsWith("l.json") && Catch::Contains(c.message));
  }
}

TEST_CASE("a panel's centre keeps the defaults' size, as a batch row's does", "[figure][layout]") {
  const json doc = json::parse(R"({
    "defaults": {"image": "file:///em", "center": [1, 2, 3], "image_size": [64, 48]},
    "panels": [{"center": [10, 20, 30]}, {"image_size": [32, 32]}, {"size": [100, 80]},
               {"bounds": [[0, 0, 0], [8, 8, 1]]}]
  })");
  const auto spec = read_layout_spec(doc, "layout.json");
  using Kind = imagery::figure::RegionSpec::Kind;
  const auto& centre = spec.panels[0].spec.region;
  CHECK(centre.kind == Kind::kCenterPixels);
  CHECK(centre.center == imagery::Vec3d{10, 20, 30});
  CHECK(centre.pixels == imagery::Vec3{64, 48, 0});
  const auto& pixels = spec.panels[1].spec.region;
  CHECK(pixels.kind == Kind::kCenterPixels);
  CHECK(pixels.center == imagery::Vec3d{1, 2, 3});
  CHECK(pixels.pixels == imagery::Vec3{32, 32, 0});
  const auto& size = spec.panels[2].spec.region;  // a size displaces the defaults' image size
  CHECK(size.kind == Kind::kCenterSize);
  CHECK(size.center == imagery::Vec3d{1, 2, 3});
  CHECK(size.size.x == 100);
  CHECK(spec.panels[3].spec.region.kind == Kind::kCorners);
}

// make_layout end to end on the CloudVolume fixtures (image_raw at 4 nm, seg_cseg at 8 nm, read
// from local paths): the grid's pixels, the letters, a shared display window, remaking a layout
// from its sidecar, and errors that name the panel and leave no files.
namespace {

using imagery::testing::fixture_figure;
using imagery::testing::TempDir;

// Six 64 x 64 panels of the fixtures in 3 columns, 10 pixels apart.
json six_panel_layout() {
  json doc = {{"defaults",
               {{"image", imagery::testing::fixture_image()},
                {"seg", imagery::testing::fixture_segmentation()},
                {"image_size", {64, 64}},
                {"font_size", 3}}},
              {"columns", 3},
              {"spacing", 10}};
  doc["panels"] = json::array({
      {{"center", {250, 170, 30}}},
      {{"center", {282, 202, 30}}, {"outline", true}, {"width", 2}},
      {{"center", {142, 82, 30}}, {"seg", nullptr}},
      {{"center", {300, 200, 30}}, {"alpha", 0.5}},
      {{"center", {250, 170, 25}}, {"image_mip", 1}},
      {{"center", {200, 150, 20}}, {"outline", true}, {"side", "in"}},
  });
  return doc;
}

imagery::figure::LayoutFiles make(const json& doc, const std::string& output) {
  imagery::figure::LayoutSpec spec = read_layout_spec(doc, "layout.json");
  spec.output.path = output;
  const auto context = imagery::testing::make_context();
  return imagery::figure::make_layout(spec, *context);
}

// The w x h pixels of `im` from (x, y).
imagery::overlay::Image crop(const imagery::overlay::Image& im, std::uint32_t x, std::uint32_t y,
                             std::uint32_t w, std::uint32_t h) {
  imagery::overlay::Image out(w, h, im.channels);
  for (std::uint32_t j = 0; j < h; ++j)
    std::copy(im.pixel(x, y + j), im.pixel(x + w, y + j), out.pixel(0, j));
  return out;
}

}  // namespace

TEST_CASE("a 2x3 layout of 64 px panels is 212 x 138, each panel drawn as alone with its letter",
          "[figure][layout]") {
  TempDir dir;
  const json doc = six_panel_layout();
  const auto files = make(doc, dir.file("fig.png"));
  CHECK(files.picture == dir.file("fig.png"));
  CHECK(files.sidecar == dir.file("fig.json"));
  const auto fig = imagery::overlay::read_figure_png(dir.file("fig.png"));
  REQUIRE(fig.width == 212);
  REQUIRE(fig.height == 138);
  const json sidecar = json::parse(imagery::testing::read_text(dir.file("fig.json")));
  CHECK(sidecar["format"] == "imagery.layout/1");
  CHECK(sidecar["rendered"]["size"] == json::array({212, 138}));
  const json& rendered = sidecar["rendered"]["panels"];
  REQUIRE(rendered.size() == 6);
  const char* letters[] = {"a", "b", "c", "d", "e", "f"};
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("panel " << letters[i]);
    const std::uint32_t x = 74 * static_cast<std::uint32_t>(i % 3);
    const std::uint32_t y = 74 * static_cast<std::uint32_t>(i / 3);
    CHECK(rendered[i]["label"] == letters[i]);
    CHECK(rendered[i]["position"] == json::array({x, y}));
    CHECK(rendered[i]["cell"] == json::array({i / 3, i % 3}));
    CHECK(rendered[i]["size"] == json::array({64, 64}));
    // The same figure made alone, with the same letter at the same print size, is the panel's
    // pixels.
    json alone = doc["defaults"];
    const json& own = doc["panels"][i];
    for (auto it = own.begin(); it != own.end(); ++it) {
      if (it.value().is_null())
        alone.erase(it.key());
      else
        alone[it.key()] = it.value();
    }
    alone["label"] = letters[i];
    const auto single = imagery::testing::make_fixture_figure(alone, dir.file("alone.png"));
    CHECK(imagery::testing::pixel_difference(crop(fig, x, y, 64, 64), single.picture) == "");
  }
  // The gaps between panels are the layout's white.
  std::size_t not_white = 0;
  for (std::uint32_t y = 0; y < 138; ++y)
    for (std::uint32_t x = 0; x < 212; ++x) {
      const bool gap = (x >= 64 && x < 74) || (x >= 138 && x < 148) || (y >= 64 && y < 74);
      if (!gap) continue;
      int p[4];
      imagery::testing::rgba_at(fig, x, y, p);
      not_white += !(p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255);
    }
  CHECK(not_white == 0);
}

TEST_CASE("a shared window draws every panel of one image with one window", "[figure][layout]") {
  TempDir dir;
  // a: voxels [218, 282) x [138, 202); b: [250, 314) x [170, 234), overlapping a's lower right
  // 32 x 32; c elsewhere. Their own auto windows differ (a: 16-205.5, b: 32.5-214.5).
  json doc = {
      {"defaults", {{"image", imagery::testing::fixture_image()}, {"image_size", {64, 64}}}},
      {"labels", false},
      {"spacing", 4},
      {"window", "shared"}};
  doc["panels"] = json::array(
      {{{"center", {250, 170, 30}}}, {{"center", {282, 202, 30}}}, {{"center", {142, 82, 30}}}});
  make(doc, dir.file("shared.png"));
  const json sidecar = json::parse(imagery::testing::read_text(dir.file("shared.json")));
  const json& rendered = sidecar["rendered"]["panels"];
  REQUIRE(rendered[0].contains("window"));
  const std::pair<double, double> shared = {rendered[0]["window"][0], rendered[0]["window"][1]};
  for (std::size_t i = 1; i < 3; ++i) CHECK(rendered[i]["window"] == rendered[0]["window"]);
  // Panel a drawn alone with its own auto window.
  json alone = doc["defaults"];
  alone["center"] = {250, 170, 30};
  alone["window"] = "auto";
  alone["output"] = dir.file("alone.png");
  const auto context = imagery::testing::make_context();
  const auto figure =
      imagery::figure::render_figure(imagery::figure::read_figure_spec(alone), *context);
  const auto own = imagery::overlay::auto_window_range(figure.image);
  INFO("shared window " << shared.first << "-" << shared.second << ", panel a's own " << own.first
                        << "-" << own.second);
  CHECK(own != shared);

  // Where a and b show the same voxels, their pixels are the same under one window and not under
  // each panel's own.
  const auto count_differing = [&](const std::string& png) {
    const auto fig = imagery::overlay::read_figure_png(png);
    REQUIRE(fig.width == 64 * 3 + 2 * 4);
    return imagery::testing::pixel_difference(crop(fig, 32, 32, 32, 32), crop(fig, 68, 0, 32, 32));
  };
  CHECK(count_differing(dir.file("shared.png")) == "");
  doc["window"] = nullptr;
  doc["defaults"]["window"] = "auto";
  make(doc, dir.file("own.png"));
  CHECK(count_differing(dir.file("own.png")) != "");
}

TEST_CASE("a layout's sidecar remakes the same picture", "[figure][layout]") {
  TempDir dir;
  json doc = six_panel_layout();
  doc["window"] = "shared";
  doc["defaults"]["scale_bar"] = "auto";
  doc["panels"][0]["label"] = "Z";
  doc["panels"][1]["span"] = {1, 2};
  make(doc, dir.file("fig.png"));
  const json sidecar = json::parse(imagery::testing::read_text(dir.file("fig.json")));
  make(sidecar, dir.file("again.png"));
  CHECK(imagery::testing::pixel_difference(
            imagery::overlay::read_figure_png(dir.file("again.png")),
            imagery::overlay::read_figure_png(dir.file("fig.png"))) == "");
  json again = json::parse(imagery::testing::read_text(dir.file("again.json")));
  CHECK(again["rendered"]["panels"].size() == 6);
  CHECK(again["rendered"]["panels"][0]["label"] == "Z");
  CHECK(again["rendered"]["panels"][1]["label"] == "b");
  CHECK(again["panels"][1]["span"] == json::array({1, 2}));
}

TEST_CASE("layout errors name the panel and leave no files", "[figure][layout]") {
  TempDir dir;
  json doc = six_panel_layout();
  SECTION("a source that is not there") {
    doc["panels"][2]["image"] = dir.file("nothing_here");
    const auto e = error_of([&] { make(doc, dir.file("fig.png")); });
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::StartsWith("panel 3: ") && Catch::Contains("nothing_here"));
  }
  SECTION("an annotation file that is not there") {
    doc["panels"][1]["points"] = dir.file("missing.csv");
    const auto e = error_of([&] { make(doc, dir.file("fig.png")); });
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::StartsWith("panel 2: ") && Catch::Contains("missing.csv"));
  }
  SECTION("a region outside a bounded volume") {
    doc["panels"][4]["bounded"] = true;
    doc["panels"][4]["center"] = {0, 0, 30};
    const auto e = error_of([&] { make(doc, dir.file("fig.png")); });
    CHECK_THAT(e.what(), Catch::StartsWith("panel 5: "));
  }
  CHECK(std::filesystem::is_empty(dir.path()));
}
