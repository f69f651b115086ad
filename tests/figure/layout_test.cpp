// Layout geometry: panels row by row at native pixels, `spacing` apart with no outer margin,
// spans, letters, and layout documents read with defaults under panels.
#include "imagery/figure/layout.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
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
  const auto w = layout_geometry({{600, 100}, {256, 100}, {256, 100}}, {{1, 2}, {1, 1}, {1, 1}}, 2,
                                 10);
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
