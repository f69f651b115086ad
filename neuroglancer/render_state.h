// render_state(): a Neuroglancer state's cross-section panel drawn without a browser, pixel for
// pixel as Neuroglancer draws it (../shared/docs/neuroglancer-render.md; docs/neuroglancer.md):
// each visible image and segmentation layer at the mips Neuroglancer would choose for the zoom,
// nearest voxels with its tie rules, its default image shader and segmentation colours in
// float32, composited in layer order into an RGBA8 buffer (first layer unblended, the rest
// blended, 8-bit rounding after each), the background wherever alpha is 0, then annotation
// layers on top. Layers it cannot draw (meshes, skeletons, ...) are listed with the reason.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/cave/timestamp.h"
#include "imagery/core/bbox.h"
#include "imagery/core/vec3.h"
#include "imagery/io/context.h"
#include "imagery/neuroglancer/state.h"
#include "imagery/neuroglancer/view.h"
#include "imagery/overlay/image.h"
#include "imagery/volume/volume.h"

namespace imagery::neuroglancer {

struct StateRenderOptions {
  std::string panel;  // "xy", "xz", "yz"; "" the layout's first cross-section
  int width = 1024, height = 1024;
  // Graphene segmentations: root ids as of this instant (default: the layer's `timestamp`, else
  // the context's pinned now).
  std::optional<cave::Timestamp> timestamp;
  // Opens a source URL (batch runs share opened volumes); default volume::open_volume.
  std::function<std::shared_ptr<const volume::Volume>(const std::string& url)> open;
  std::size_t max_memory_bytes = std::size_t{8} << 30;
  std::stop_token stop;
  // Also say which pixels are near ties (StateRendering::near_ties).
  bool mark_near_ties = false;
  // How near (in voxels) counts as near.
  double near_tie_voxels = 1e-4;
  // If > 0, nearness is measured on the screen instead: pixels whose centre is within this many
  // pixels of a boundary. For oblique views: the GPU rasterises tilted chunk faces from vertices
  // snapped to a sub-pixel grid, which moves samples by a fraction of a pixel.
  double near_tie_pixels = 0;
};

// What one layer contributed.
struct LayerRecord {
  std::string name, type;
  std::string url, driver;  // the first source's
  bool drawn = false;
  std::string note;  // why not drawn, or what was assumed
  struct Mip {
    int mip = 0;
    Vec3d resolution;          // nm per voxel
    Bbox voxels;               // read, at that mip
    std::uint64_t pixels = 0;  // panel pixels it drew
  };
  std::vector<Mip> mips;        // finest first, as drawn
  std::size_t annotations = 0;  // annotation layers: how many were drawn
};

struct StateRendering {
  overlay::Image picture;  // RGB, width x height
  ViewerState state;       // as drawn: dimensions and position filled in
  CrossSection view;
  std::vector<LayerRecord> layers;
  std::vector<std::string> notes;
  // With mark_near_ties: 1 for each pixel (row by row) whose sample position is within 1e-4
  // voxel of a voxel or region boundary of a drawn layer without being exactly on it. There the
  // GPU's float32 rounding decides which voxel Neuroglancer shows, so no model can predict it
  // (../shared/docs/neuroglancer-render.md section 9).
  std::vector<std::uint8_t> near_ties;
};

// Opens the sources of `state` and fills in what it leaves to the data (dimensions from the
// first volume layer's finest resolution, the position at the centre of its bounds), as
// Neuroglancer would. Throws kInvalidArgument for a state it cannot draw.
ViewerState complete_state(const ViewerState& state, io::Context& context,
                           const StateRenderOptions& options = {});

// Draws the panel. Throws kInvalidArgument (naming the layer) for settings it cannot draw the
// same way, and whatever reading the sources throws.
StateRendering render_state(const ViewerState& state, io::Context& context,
                            const StateRenderOptions& options = {});

// The URL a source of a state names, as volume::open_volume takes it: "precomputed://" kept,
// Neuroglancer's pipeline form "URL|neuroglancer-precomputed:" and "URL|zarr2:" rewritten.
std::string volume_url(const std::string& source_url);

}  // namespace imagery::neuroglancer
