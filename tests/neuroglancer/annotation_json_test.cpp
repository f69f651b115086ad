// parse_annotation_layer: Neuroglancer's inline annotation JSON, the layer's colour, shader and
// properties, and a table of layers it must refuse with the message it must give.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_json.h"
#include "support/error_of.h"

using namespace imagery;
using namespace imagery::neuroglancer;
using imagery::testing::error_of;
using nlohmann::json;

namespace {

json layer_with(json annotations) {
  return json{{"type", "annotation"},
              {"source", "local://annotations"},
              {"name", "ann"},
              {"annotations", std::move(annotations)}};
}

}  // namespace

TEST_CASE("an annotation layer's four inline types parse with Neuroglancer's defaults",
          "[neuroglancer][annotation]") {
  const json layer = layer_with(json::parse(R"([
    {"type": "point", "point": [1.1, 2, 3], "id": "p", "description": "a point",
     "segments": ["12", "18446744073709551615"]},
    {"type": "line", "pointA": [0, 0, 0], "pointB": [4, 5, 6], "id": "l"},
    {"type": "axis_aligned_bounding_box", "pointA": [1, 2, 3], "pointB": [0, 0, 0], "id": "b"},
    {"type": "ellipsoid", "center": [5, 5, 5], "radii": [1, 2, 0.5], "id": "e"}
  ])"));
  const AnnotationLayerState s = parse_annotation_layer(layer, "layer 'ann'");
  CHECK(s.name == "ann");
  CHECK(s.visible);
  CHECK(s.inline_source);
  // annotation_layer_state.ts: TrackableRGB(1, 1, 0), the default shader.
  CHECK(s.color == std::array<double, 3>{1, 1, 0});
  CHECK(s.color_source == AnnotationColorSource::kDefaultColor);
  REQUIRE(s.annotations.size() == 4);
  const Annotation& p = s.annotations[0];
  CHECK(p.type == AnnotationType::kPoint);
  CHECK(p.id == "p");
  CHECK(p.description == "a point");
  // Float32Array storage: 1.1 becomes the float32 nearest to it.
  CHECK(p.a[0] == static_cast<double>(1.1f));
  CHECK(p.segments == std::vector<std::uint64_t>{12, 18446744073709551615ull});
  CHECK(s.annotations[1].type == AnnotationType::kLine);
  CHECK(s.annotations[1].b == std::array<double, 3>{4, 5, 6});
  CHECK(s.annotations[2].type == AnnotationType::kAxisAlignedBoundingBox);
  CHECK(s.annotations[2].a == std::array<double, 3>{1, 2, 3});
  CHECK(s.annotations[3].type == AnnotationType::kEllipsoid);
  CHECK(s.annotations[3].a == std::array<double, 3>{5, 5, 5});
  CHECK(s.annotations[3].b == std::array<double, 3>{1, 2, 0.5});
}

TEST_CASE("annotation layer colour, visibility, source and repeated ids",
          "[neuroglancer][annotation]") {
  json layer = layer_with(json::parse(R"([
    {"type": "point", "point": [1, 1, 1], "id": "x"},
    {"type": "point", "point": [2, 2, 2], "id": "y"},
    {"type": "point", "point": [3, 3, 3], "id": "x"}
  ])"));
  layer["annotationColor"] = "#ff8000";
  layer["visible"] = false;
  layer.erase("source");  // no source: inline, as local://annotations
  const AnnotationLayerState s = parse_annotation_layer(layer, "layer 'ann'");
  CHECK(s.color == std::array<double, 3>{1, 128 / 255.0, 0});
  CHECK_FALSE(s.visible);
  CHECK(s.inline_source);
  // A Map keyed by id: the later "x" replaces the first but keeps its place.
  REQUIRE(s.annotations.size() == 2);
  CHECK(s.annotations[0].id == "x");
  CHECK(s.annotations[0].a[0] == 3);
  CHECK(s.annotations[1].id == "y");

  json remote = layer;
  remote["source"] = "precomputed://gs://bucket/annotations";
  const AnnotationLayerState r = parse_annotation_layer(remote, "layer 'ann'");
  CHECK_FALSE(r.inline_source);
  CHECK(r.source_url == "precomputed://gs://bucket/annotations");
  CHECK(r.annotations.empty());
  json remote_object = layer;
  remote_object["source"] = json{{"url", "precomputed://https://host/a"}};
  CHECK(parse_annotation_layer(remote_object, "l").source_url == "precomputed://https://host/a");
}

TEST_CASE("annotation colours are read as Neuroglancer's colour fields read them",
          "[neuroglancer][annotation]") {
  CHECK(parse_css_color("#FF8000") == std::array<double, 4>{255, 128, 0, 1});
  CHECK(parse_css_color("#f80") == std::array<double, 4>{255, 136, 0, 1});
  CHECK(parse_css_color("rgb(1, 2, 3)") == std::array<double, 4>{1, 2, 3, 1});
  CHECK(parse_css_color("red") == std::array<double, 4>{255, 0, 0, 1});
  CHECK(parse_css_color("#ff80") == std::array<double, 4>{255, 255, 136, 0});  // #rgba
  CHECK_FALSE(parse_css_color("#ff800"));
  CHECK_FALSE(parse_css_color("not a colour"));
}

TEST_CASE("the default shader in any spacing and setColor(prop_X()) are accepted",
          "[neuroglancer][annotation]") {
  json layer = layer_with(json::parse(R"([
    {"type": "point", "point": [1, 1, 1], "id": "a", "props": ["#102030", 7]}
  ])"));
  layer["annotationProperties"] =
      json::parse(R"([{"id": "color", "type": "rgb"}, {"id": "size", "type": "float32"}])");
  layer["shader"] = "\nvoid main() {\n  setColor(defaultColor());\n}\n";
  CHECK(parse_annotation_layer(layer, "l").color_source == AnnotationColorSource::kDefaultColor);
  layer["shader"] = "void main(){ setColor( prop_color() ); }";
  const AnnotationLayerState s = parse_annotation_layer(layer, "l");
  CHECK(s.color_source == AnnotationColorSource::kProperty);
  CHECK(s.color_property == 0);
  REQUIRE(s.properties.size() == 2);
  CHECK(s.properties[1].type == "float32");
  // Packed as Neuroglancer packs colours: red in the low byte.
  CHECK(s.annotations[0].properties ==
        std::vector<double>{double(0x10 | 0x20 << 8 | 0x30 << 16), 7});
}

TEST_CASE("annotation layers Neuroglancer would not draw as we do are refused with the reason",
          "[neuroglancer][annotation]") {
  struct Case {
    const char* name;
    json layer;
    const char* message;
  };
  const json point = json::parse(R"({"type": "point", "point": [1, 2, 3], "id": "a"})");
  auto with = [&](const char* key, json value) {
    json l = layer_with(json::array({point}));
    l[key] = std::move(value);
    return l;
  };
  auto one = [&](json annotation) { return layer_with(json::array({std::move(annotation)})); };
  const std::vector<Case> cases = {
      {"not an annotation layer", with("type", "image"), "not an annotation layer"},
      {"custom shader", with("shader", "void main() { setColor(vec3(1, 0, 0)); }"),
       "only Neuroglancer's default annotation shader"},
      {"prop shader without the property", with("shader", "void main() { setColor(prop_c()); }"),
       "no such property"},
      {"layer transform", with("transform", json::object()), "\"transform\" is not supported"},
      {"source transform",
       with("source", json{{"url", "local://annotations"}, {"transform", json::object()}}),
       "\"transform\" is not supported"},
      {"bad colour", with("annotationColor", "#12345"), "\"annotationColor\" is not a colour"},
      {"annotations not a list", with("annotations", json::object()), "must be an array"},
      {"missing id", one(json::parse(R"({"type": "point", "point": [1, 2, 3]})")),
       "without a string \"id\""},
      {"unknown type", one(json::parse(R"({"type": "polyline", "points": [], "id": "p"})")),
       "unsupported annotation type \"polyline\""},
      {"short point", one(json::parse(R"({"type": "point", "point": [1, 2], "id": "p"})")),
       "\"point\" must be an array of 3 numbers"},
      {"missing pointB", one(json::parse(R"({"type": "line", "pointA": [1, 2, 3], "id": "p"})")),
       "missing \"pointB\""},
      {"props without properties",
       one(json::parse(R"({"type": "point", "point": [1, 2, 3], "id": "p", "props": [1]})")),
       "\"props\" must have one value per annotation property (0)"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      const Error e = error_of([&] { parse_annotation_layer(c.layer, "layer 'ann'"); });
      CHECK(e.code() == ErrorCode::kInvalidArgument);
      CHECK_THAT(e.what(), Catch::Contains("layer 'ann'") && Catch::Contains(c.message));
    }
  }
}
