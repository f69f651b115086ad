// Reading Neuroglancer states as Neuroglancer (upstream 2.41) reads them: units, positions,
// orientations, layers in either form, segment lists with upstream's "!", colour seeds, the
// refusals (naming the key or layer), batch-row changes, and writing back what was read.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/neuroglancer/state.h"

using imagery::Error;
using imagery::ErrorCode;
using nlohmann::json;
namespace ng = imagery::neuroglancer;

namespace {

json base_state() {
  return json::parse(R"({
    "dimensions": {"x": [4, "nm"], "y": [4e-9, "m"], "z": [0.04, "um"]},
    "position": [250, "171.5", 30],
    "crossSectionScale": 1.5,
    "layers": [
      {"type": "image", "name": "em", "source": "precomputed://gs://b/em", "opacity": 0.8,
       "shaderControls": {"normalized": {"range": [40, 200]}}},
      {"type": "segmentation", "name": "seg",
       "source": {"url": "precomputed://gs://b/seg", "subsources": {"default": true}},
       "segments": ["12", 34, "!56", "18446744073709551615"],
       "segmentColors": {"12": "#ff0000", "34": "#0F0"}, "segmentDefaultColor": "#102030",
       "colorSeed": -1, "selectedAlpha": 0.3, "notSelectedAlpha": 0.1, "saturation": 0.5,
       "hideSegmentZero": false},
      {"type": "mesh", "name": "m", "source": "precomputed://gs://b/mesh"}
    ],
    "layout": {"type": "xz", "orthographicProjection": true},
    "crossSectionBackgroundColor": "#203040",
    "someKeyWeDoNotKnow": {"kept": true}
  })");
}

std::string error_text(const json& doc) {
  try {
    ng::parse_viewer_state(doc, "state s.json");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    return e.what();
  }
  FAIL("no error");
  return "";
}

}  // namespace

TEST_CASE("a state reads as Neuroglancer reads it", "[neuroglancer][state]") {
  const ng::ViewerState s = ng::parse_viewer_state(base_state(), "state s.json");
  REQUIRE(s.dimensions.size() == 3);
  CHECK(s.dimensions[0].scale == Approx(4e-9).epsilon(1e-12));
  CHECK(s.dimensions[0].unit == "m");
  CHECK(s.dimensions[2].scale == Approx(4e-8).epsilon(1e-12));
  CHECK(s.position == std::vector<double>{250, 171.5, 30});
  CHECK(s.cross_section_scale == 1.5);
  CHECK(s.layout == "xz");
  CHECK(s.background == ng::Rgb8{0x20, 0x30, 0x40});
  REQUIRE(s.layers.size() == 3);
  CHECK(s.layers[0].kind == ng::LayerType::kImage);
  CHECK(s.layers[0].image.opacity == 0.8);
  CHECK(s.layers[0].image.range == std::array<double, 2>{40, 200});
  const ng::SegmentationSettings& seg = s.layers[1].segmentation;
  CHECK(s.layers[1].sources.at(0).url == "precomputed://gs://b/seg");
  CHECK(seg.visible_segments == std::vector<std::uint64_t>{12, 34, 18446744073709551615ull});
  CHECK(seg.hidden_segments == std::vector<std::uint64_t>{56});
  CHECK(seg.segment_colors.at(12) == ng::Rgb8{255, 0, 0});
  CHECK(seg.segment_colors.at(34) == ng::Rgb8{0, 255, 0});
  CHECK(seg.default_color == ng::Rgb8{0x10, 0x20, 0x30});
  CHECK(seg.color_seed == 4294967295u);  // -1 >>> 0
  CHECK(seg.selected_alpha == 0.3);
  CHECK(seg.not_selected_alpha == 0.1);
  CHECK(seg.saturation == 0.5);
  CHECK_FALSE(seg.hide_segment_zero);
  CHECK(s.layers[2].kind == ng::LayerType::kOther);
}

TEST_CASE("defaults are Neuroglancer's", "[neuroglancer][state]") {
  const ng::ViewerState s = ng::parse_viewer_state(
      json::parse(R"({"layers": {"a": {"type": "segmentation", "source": "x"}}})"), "s");
  CHECK(s.dimensions.empty());  // left to the data
  CHECK_FALSE(s.cross_section_scale);
  CHECK(s.orientation == std::array<float, 4>{0, 0, 0, 1});
  CHECK(s.layout == "xy");
  REQUIRE(s.layers.size() == 1);
  CHECK(s.layers[0].name == "a");  // the old form: layers keyed by name
  const ng::SegmentationSettings& seg = s.layers[0].segmentation;
  CHECK(seg.selected_alpha == 0.5);
  CHECK(seg.not_selected_alpha == 0);
  CHECK(seg.saturation == 1);
  CHECK(seg.hide_segment_zero);
  CHECK(seg.color_seed == 0);
}

TEST_CASE("orientations are normalised in float32", "[neuroglancer][state]") {
  json doc = base_state();
  doc["crossSectionOrientation"] = {0, 0, 2, 2};
  const ng::ViewerState s = ng::parse_viewer_state(doc, "s");
  CHECK(s.orientation[2] == static_cast<float>(2 / std::sqrt(8.0)));
  CHECK(s.orientation[3] == s.orientation[2]);
}

TEST_CASE("what cannot be drawn the same way is refused, naming the key or layer",
          "[neuroglancer][state]") {
  json doc = base_state();
  doc["dimensions"]["x"] = {4, "furlongs"};
  CHECK_THAT(error_text(doc), Catch::Contains("'dimensions.x' has an unknown unit 'furlongs'"));
  doc = base_state();
  doc["position"] = {1, 2};
  CHECK_THAT(error_text(doc), Catch::Contains("'position' has 2 coordinates for 3 dimensions"));
  doc = base_state();
  doc["crossSectionScale"] = -1;
  CHECK_THAT(error_text(doc), Catch::Contains("'crossSectionScale' must be positive"));
  doc = base_state();
  doc["layers"][0]["shader"] = "void main() { emitRGB(vec3(1, 0, 0)); }";
  CHECK_THAT(error_text(doc),
             Catch::Contains("state s.json: layer 'em': a custom shader is not drawn"));
  doc = base_state();
  doc["layers"][1]["segments"] = {"12a"};
  CHECK_THAT(error_text(doc), Catch::Contains("layer 'seg': 'segments' holds \"12a\""));
  doc = base_state();
  doc["layers"][1]["segmentColors"]["12"] = "reddish";
  CHECK_THAT(error_text(doc), Catch::Contains("'reddish' is not a colour"));
  doc = base_state();
  doc["layers"][1]["equivalences"] = json::array({json::array({"1", "2"})});
  CHECK_THAT(error_text(doc), Catch::Contains("'equivalences'"));
  doc = base_state();
  doc["displayDimensions"] = {"x", "z", "y"};
  CHECK_THAT(error_text(doc), Catch::Contains("'displayDimensions'"));
  CHECK_THAT(error_text(json::array()), Catch::Contains("a Neuroglancer state is a JSON object"));
}

TEST_CASE("the default image shader, in both of its forms, is not a custom shader",
          "[neuroglancer][state]") {
  for (const char* shader : {"#uicontrol invlerp normalized\nvoid main() {\n  "
                             "emitGrayscale(normalized());\n}\n",
                             "void main () { emitGrayscale(toNormalized(getDataValue())); }"}) {
    json doc = base_state();
    doc["layers"][0]["shader"] = shader;
    CHECK_NOTHROW(ng::parse_viewer_state(doc, "s"));
  }
}

TEST_CASE("a batch row's changes are made in the state and written back", "[neuroglancer][state]") {
  ng::ViewerState s = ng::parse_viewer_state(base_state(), "s");
  ng::ViewOverride change;
  change.position = std::vector<double>{1, 2, 3.5};
  change.cross_section_scale = 4;
  change.segments["seg"] = {7, 8};
  ng::override_view(s, change, "'position'");
  const json out = ng::viewer_state_to_json(s);
  CHECK(out["position"] == json::array({1, 2, 3.5}));
  CHECK(out["crossSectionScale"] == 4);
  CHECK(out["layers"][1]["segments"] == json::array({"7", "8"}));
  CHECK(out["someKeyWeDoNotKnow"]["kept"] == true);  // everything else as it was
  CHECK(out["layers"][0] == base_state()["layers"][0]);
  // Written back and read again: the same state.
  CHECK(ng::viewer_state_to_json(ng::parse_viewer_state(out, "again")) == out);

  ng::ViewOverride wrong;
  wrong.segments["nope"] = {1};
  CHECK_THROWS_WITH(ng::override_view(s, wrong, "'segments'"),
                    Catch::Contains("'segments': the state has no segmentation layer 'nope'"));
  wrong = {};
  wrong.position = std::vector<double>{1, 2};
  CHECK_THROWS_WITH(ng::override_view(s, wrong, "'position'"),
                    Catch::Contains("'position': 2 coordinates; the state has 3 dimensions"));
}

TEST_CASE("hidden segments stay hidden when written back", "[neuroglancer][state]") {
  const ng::ViewerState s = ng::parse_viewer_state(base_state(), "s");
  const json out = ng::viewer_state_to_json(s);
  CHECK(out["layers"][1]["segments"] == json::array({"12", "34", "18446744073709551615", "!56"}));
}
