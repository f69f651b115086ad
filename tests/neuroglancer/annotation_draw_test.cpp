// draw_annotations against the real Neuroglancer: states shot by upstream Neuroglancer 2.41.2 in
// headless Chromium (tests/data/neuroglancer/annotations, made by make_states*.py there), drawn
// here over the same background and compared pixel for pixel.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include <nlohmann/json.hpp>

#include "imagery/core/png.h"
#include "imagery/neuroglancer/annotation_draw.h"
#include "imagery/neuroglancer/annotation_json.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::neuroglancer;
using imagery::testing::data_path;
using imagery::testing::read_file;
using nlohmann::json;

namespace {

std::string case_path(const std::string& name, const std::string& suffix) {
  return data_path("neuroglancer/annotations/" + name + suffix);
}

overlay::Image load_png(const std::string& path) {
  const PngImage png = decode_png(read_file(path), path);
  overlay::Image out(png.width, png.height, png.channels);
  std::transform(png.pixels.begin(), png.pixels.end(), out.pixels.begin(),
                 [](std::byte b) { return static_cast<std::uint8_t>(b); });
  return out;
}

// The panel of an xy state (section 2 of neuroglancer-render.md): float32 steps and position.
PanelGeometry panel_of(const json& state, std::uint32_t width, std::uint32_t height) {
  PanelGeometry panel;
  panel.width = static_cast<int>(width);
  panel.height = static_cast<int>(height);
  const json& dims = state["dimensions"];
  const double s[3] = {dims["x"][0].get<double>(), dims["y"][0].get<double>(),
                       dims["z"][0].get<double>()};
  const double canonical = std::min({s[0], s[1], s[2]});
  const double zoom = state["crossSectionScale"].get<double>();
  for (int d = 0; d < 3; ++d) {
    panel.position[d] = static_cast<float>(state["position"][d].get<double>());
    panel.global_scales_m[d] = s[d];
  }
  panel.right = {static_cast<float>(zoom * canonical / s[0]), 0, 0};
  panel.down = {0, static_cast<float>(zoom * canonical / s[1]), 0};
  panel.pixel_size_m = zoom * canonical;
  return panel;
}

// The panel before annotations: crossSectionBackgroundColor (default grey 0.5 -> 128), or a
// screenshot of the volume layers alone.
overlay::Image background_of(const json& state, std::uint32_t width, std::uint32_t height) {
  std::array<double, 4> bg{128, 128, 128, 1};
  if (state.contains("crossSectionBackgroundColor"))
    bg = *parse_css_color(state["crossSectionBackgroundColor"].get<std::string>());
  overlay::Image out(width, height, 3);
  for (std::size_t i = 0; i < out.pixels.size(); ++i)
    out.pixels[i] = static_cast<std::uint8_t>(bg[i % 3]);
  return out;
}

overlay::Image render_case(const std::string& name, const overlay::Image* under = nullptr) {
  const json state = json::parse(imagery::testing::read_text(case_path(name, ".state.json")));
  const overlay::Image truth = load_png(case_path(name, ".png"));
  overlay::Image picture = under ? *under : background_of(state, truth.width, truth.height);
  const PanelGeometry panel = panel_of(state, truth.width, truth.height);
  for (const json& layer : state["layers"]) {
    if (layer["type"] != "annotation") continue;
    const AnnotationLayerState parsed =
        parse_annotation_layer(layer, "layer '" + layer["name"].get<std::string>() + "'");
    draw_annotations(parsed, parsed.annotations, panel, picture);
  }
  return picture;
}

struct Difference {
  int pixels = 0, max = 0;
  std::string first;  // where the first few differ, for the failure message
};

Difference compare(const overlay::Image& ours, const overlay::Image& truth) {
  Difference d;
  REQUIRE(ours.width == truth.width);
  REQUIRE(ours.height == truth.height);
  std::ostringstream where;
  for (std::uint32_t y = 0; y < truth.height; ++y) {
    for (std::uint32_t x = 0; x < truth.width; ++x) {
      int m = 0;
      for (int c = 0; c < 3; ++c)
        m = std::max(m, std::abs(int(ours.pixel(x, y)[c]) - int(truth.pixel(x, y)[c])));
      if (m == 0) continue;
      if (d.pixels < 5) where << " (" << x << "," << y << ")";
      ++d.pixels;
      d.max = std::max(d.max, m);
    }
  }
  d.first = where.str();
  return d;
}

}  // namespace

TEST_CASE("annotation states are drawn exactly as Neuroglancer draws them",
          "[neuroglancer][annotation]") {
  // The first nine served to write the renderer; blind_* and blind2_* (with split_*, blind2_two
  // one type at a time) to pin SwiftShader's interpolation and depth arithmetic; blind3_* to pin
  // the depth arithmetic; blind4_* were compared only once everything was fixed.
  const char* cases[] = {"points_plane", "points_depth", "points_color_zoom",
                         "lines",        "boxes",        "ellipsoids",
                         "two_layers",   "mixed_zoom2",  "mixed_zoom_small",
                         "prop_color",   "hidden_layer", "blind_random",
                         "blind_square", "blind2_aniso", "blind2_two",
                         "split_poin",   "split_line",   "split_axis",
                         "split_elli",   "blind3_white", "blind3_wide",
                         "blind4_a",     "blind4_b"};
  for (const char* name : cases) {
    SECTION(name) {
      const Difference d = compare(render_case(name), load_png(case_path(name, ".png")));
      INFO(name << ": " << d.pixels << " pixels differ (max " << d.max << ") at" << d.first);
      CHECK(d.pixels == 0);
    }
  }
}

TEST_CASE("annotations are blended onto the finished volume panel", "[neuroglancer][annotation]") {
  // image_alone is the image layer's panel; image_under the same with an annotation layer.
  const overlay::Image under = load_png(case_path("image_alone", ".png"));
  const Difference d =
      compare(render_case("image_under", &under), load_png(case_path("image_under", ".png")));
  INFO(d.pixels << " pixels differ (max " << d.max << ") at" << d.first);
  CHECK(d.pixels == 0);
}

TEST_CASE("an invisible annotation layer draws nothing and RGBA pictures keep their alpha rule",
          "[neuroglancer][annotation]") {
  AnnotationLayerState layer;
  Annotation point;
  point.a = {8, 8, 0};
  layer.annotations = {point};
  PanelGeometry panel;
  panel.width = panel.height = 16;
  panel.position = {8, 8, 0};
  panel.right = {1, 0, 0};
  panel.down = {0, 1, 0};
  panel.global_scales_m = {1e-9, 1e-9, 1e-9};
  panel.pixel_size_m = 1e-9;
  overlay::Image rgba(16, 16, 4);
  std::fill(rgba.pixels.begin(), rgba.pixels.end(), std::uint8_t{128});
  const overlay::Image before = rgba;
  layer.visible = false;
  draw_annotations(layer, layer.annotations, panel, rgba);
  CHECK(rgba.pixels == before.pixels);
  layer.visible = true;
  draw_annotations(layer, layer.annotations, panel, rgba);
  // The centre pixel (8.5, 8.5) is half a pixel diagonally from the point: fill, alpha 1.
  CHECK(rgba.pixel(8, 8)[0] == 255);
  CHECK(rgba.pixel(8, 8)[2] == 0);
  CHECK(rgba.pixel(8, 8)[3] == 255);  // a' = a * a + dst_a * (1 - a)
  CHECK(rgba.pixel(0, 0)[3] == 128);  // far away: untouched
}
