// ViewerState: the parts of a Neuroglancer viewer state (the JSON of a link's fragment) that
// decide what its cross-section panel shows: the global coordinate space (`dimensions`), the
// view (`position`, `crossSectionScale`, `crossSectionOrientation`, `layout`, the background)
// and the layers in order, with every setting of image and segmentation layers the panel's
// pixels depend on. parse_viewer_state() reads a state as Neuroglancer (upstream 2.41) reads it
// and refuses, naming the key, what cannot be drawn the same way; the document itself is kept,
// so that a state is written back with everything it had.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace imagery::neuroglancer {

// One dimension of a coordinate space: "x": [4e-9, "m"].
struct Dimension {
  std::string name;
  double scale = 1;  // in `unit`, SI-normalised: [4, "nm"] is scale 4e-9, unit "m"
  std::string unit = "m";
};

using Rgb8 = std::array<std::uint8_t, 3>;

// A layer's data source: a URL ("precomputed://...", "graphene://...", "zarr://...") and an
// optional affine transform into the layer's space.
struct LayerSource {
  std::string url;
  // The source's transform as given (`transform` of a source object); only the identity, and
  // translations and scalings that leave the voxel grid axis-aligned, are drawn.
  std::optional<nlohmann::json> transform;
};

struct ImageSettings {
  double opacity = 0.5;
  // shaderControls.normalized.range; default: the data type's range.
  std::optional<std::array<double, 2>> range;
};

struct SegmentationSettings {
  std::vector<std::uint64_t> visible_segments;  // `segments`
  std::vector<std::uint64_t> hidden_segments;   // upstream's "!ID": listed but not visible
  std::map<std::uint64_t, Rgb8> segment_colors;
  std::optional<Rgb8> default_color;
  std::uint32_t color_seed = 0;
  double selected_alpha = 0.5;
  double not_selected_alpha = 0;
  double saturation = 1;
  bool hide_segment_zero = true;
  bool ignore_null_visible_set = true;
};

enum class LayerType { kImage, kSegmentation, kAnnotation, kOther };

struct LayerState {
  std::string name;
  std::string type;  // as written ("image", "segmentation", "annotation", "mesh", ...)
  LayerType kind = LayerType::kOther;
  bool visible = true;  // `visible` (false: not drawn)
  bool archived = false;
  std::vector<LayerSource> sources;
  double render_scale = 1;  // crossSectionRenderScale
  ImageSettings image;
  SegmentationSettings segmentation;
  nlohmann::json document;  // the layer as given
};

struct ViewerState {
  std::vector<Dimension> dimensions;             // global coordinate space, x y z first
  std::vector<double> position;                  // global coordinates (voxel centres at k + 0.5)
  std::optional<double> cross_section_scale;     // canonical voxels per pixel (default: 1)
  std::array<float, 4> orientation{0, 0, 0, 1};  // crossSectionOrientation, quaternion x y z w
  std::string layout = "xy";                     // the layout's name ("xy", "4panel", ...) or type
  std::optional<Rgb8> background;                // crossSectionBackgroundColor (default grey 0.5)
  std::vector<LayerState> layers;
  nlohmann::json document;  // the whole state as given
};

// Reads a state. `where` names it in messages ("state fig.json"). Throws kInvalidArgument
// naming the key for values of the wrong form (a position that is not numbers, an unknown
// unit, a colour that is not #rrggbb ...). Layers of types the renderer does not draw are kept
// with kind kOther.
ViewerState parse_viewer_state(const nlohmann::json& document, const std::string& where);

// The document with the view and layer settings of `state` written back in (what
// override_view() changed), everything else as it was.
nlohmann::json viewer_state_to_json(const ViewerState& state);

// Changes that a batch row may make to a state: the position, the zoom, and the selected
// segments of segmentation layers (by layer name; the key "" applies to every segmentation
// layer).
struct ViewOverride {
  std::optional<std::vector<double>> position;
  std::optional<double> cross_section_scale;
  std::map<std::string, std::vector<std::uint64_t>> segments;
};
// Throws kInvalidArgument when a position has the wrong length or a named layer is absent or
// not a segmentation layer.
void override_view(ViewerState& state, const ViewOverride& change, const std::string& where);

// "#rrggbb" -> bytes; throws kInvalidArgument naming `what`.
Rgb8 parse_hex_color(const std::string& text, const std::string& what);
std::string hex_color(const Rgb8& color);

}  // namespace imagery::neuroglancer
