// Reading an annotation layer of a Neuroglancer viewer state (`"type": "annotation"`): its inline
// annotations in Neuroglancer's JSON form, its colour, shader and properties, or the URL of a
// precomputed annotation source that someone else reads. What is kept is what the cross-section
// renderer (annotation_draw.h) needs; docs/neuroglancer-annotations.md says where each default
// comes from in Neuroglancer's source.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "imagery/neuroglancer/annotation.h"

namespace imagery::neuroglancer {

// The colour the layer's shader gives each annotation. Only Neuroglancer's default shader
// (`setColor(defaultColor())`) and the common `setColor(prop_NAME())` template are understood.
enum class AnnotationColorSource {
  kDefaultColor,  // annotationColor (default yellow)
  kProperty,      // an "rgb"/"rgba" property, AnnotationLayerState::color_property
};

struct AnnotationLayerState {
  std::string name;
  bool visible = true;
  // Inline annotations (`local://annotations` or no source) are in `annotations`; any other
  // source is kept as its URL for a reader of precomputed annotations, and `annotations` is empty.
  bool inline_source = true;
  std::string source_url;
  // annotationColor as Neuroglancer holds it: bytes / 255 (float32 on the GPU). Default (1, 1, 0).
  std::array<double, 3> color{1.0, 1.0, 0.0};
  AnnotationColorSource color_source = AnnotationColorSource::kDefaultColor;
  std::size_t color_property = 0;  // index in `properties` when color_source is kProperty
  std::vector<AnnotationProperty> properties;
  // In Neuroglancer's order (the layer's list with repeated ids kept at their first place, the
  // later annotation winning), coordinates rounded to float32 as Neuroglancer stores them.
  std::vector<Annotation> annotations;
};

// Parses an annotation layer. `where` names the layer in error messages ("layer 'points'").
// Throws imagery::Error kInvalidArgument for: a layer whose type is not "annotation", a shader
// other than the default (or `setColor(prop_X())` with an rgb/rgba property X), a source with a
// coordinate transform, an unknown annotation type, a missing or malformed coordinate, an
// annotationColor that is not a colour, malformed annotationProperties or props.
// rgb/rgba property values are stored in Annotation::properties as packed 0xRRGGBB / 0xRRGGBBAA.
AnnotationLayerState parse_annotation_layer(const nlohmann::json& layer, const std::string& where);

// A CSS colour as Neuroglancer's colour fields accept it ("#rrggbb", "#rgb", "#rrggbbaa",
// "rgb(r, g, b)", and the basic named colours): {r, g, b, a} in 0..255 (a 0..1). nullopt when not
// understood.
std::optional<std::array<double, 4>> parse_css_color(const std::string& text);

}  // namespace imagery::neuroglancer
