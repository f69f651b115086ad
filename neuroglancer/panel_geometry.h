// PanelGeometry: where each pixel of a Neuroglancer cross-section panel sits in global
// coordinates. Pixel (i, j) (column from the left, row from the top) has its centre at
//   position + right * (i + 0.5 - width / 2) + down * (j + 0.5 - height / 2)
// (global coordinate units); for the default xy orientation `right` and `down` are
// (step_x, 0, 0) and (0, step_y, 0) with step_d = f32(crossSectionScale * canonical / scale_d)
// (docs/neuroglancer.md, after ../shared/docs/neuroglancer-render.md section 2).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace imagery::neuroglancer {

struct PanelGeometry {
  int width = 1024, height = 1024;
  std::array<double, 3> position{};         // the view's centre, global coordinates
  std::array<double, 3> right{}, down{};    // global units per pixel along screen x and y
  std::array<double, 3> normal{0, 0, 1};    // unit normal of the plane (global units)
  std::array<double, 3> global_scales_m{};  // metres per global unit, x y z
  std::array<std::string, 3> global_names{"x", "y", "z"};
  double pixel_size_m = 0;   // metres per screen pixel (zoom x canonical voxel)
  bool axis_aligned = true;  // right and down are along two global axes

  // The centre of pixel (i, j), in global coordinates.
  std::array<double, 3> pixel_center(double i, double j) const;
  // The (fractional) pixel coordinates of a global point, with its signed distance from the
  // plane in global units along `normal`: {x, y, depth} with pixel centres at k + 0.5.
  std::array<double, 3> to_panel(const std::array<double, 3>& global) const;
};

}  // namespace imagery::neuroglancer
