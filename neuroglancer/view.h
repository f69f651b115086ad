// The cross-section view of a state: which panel (xy, xz, yz), its size, and where every pixel
// sits (make_cross_section), computed with Neuroglancer's float32 steps (its view matrix is a
// Float32Array: the quaternion, the zoom over each dimension's canonical factor, the position);
// and which mips of a layer it draws at that zoom (choose_mips, Neuroglancer's
// filterVisibleSources). ../shared/docs/neuroglancer-render.md sections 2 and 4.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "imagery/neuroglancer/panel_geometry.h"
#include "imagery/neuroglancer/state.h"

namespace imagery::neuroglancer {

struct CrossSection {
  std::string panel;  // "xy", "xz", "yz"
  PanelGeometry geometry;
  // The float32 numbers Neuroglancer draws with: the position and the view matrix's first three
  // columns (screen x, screen y, plane normal scaled by the zoom), global units.
  std::array<float, 3> position{}, right{}, down{}, normal{};
  std::vector<std::string> notes;  // what was assumed ("layout 3d has no cross-section: xy")
};

// The panel a layout shows first: "xy" for xy, xy-3d, 4panel, 4panel-alt (and 3d, with a note);
// "xz", "yz" for those. Throws kInvalidArgument for a layout Neuroglancer does not have.
std::string first_cross_section_panel(const std::string& layout, std::vector<std::string>* notes);

// `panel` "" takes the layout's. The state must have its dimensions and position filled in.
// Throws kInvalidArgument for a panel other than xy/xz/yz or a size outside 1..32768.
CrossSection make_cross_section(const ViewerState& state, const std::string& panel, int width,
                                int height);

// The mips to draw, finest first, from each mip's voxel size in metres along the three display
// dimensions (as float32, finest mip first) and the view's pixel size in metres.
std::vector<int> choose_mips(const std::vector<std::array<float, 3>>& voxel_sizes_m,
                             double pixel_size_m, double render_scale);

}  // namespace imagery::neuroglancer
