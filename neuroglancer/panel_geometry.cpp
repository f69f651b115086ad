#include "imagery/neuroglancer/panel_geometry.h"

namespace imagery::neuroglancer {

std::array<double, 3> PanelGeometry::pixel_center(double i, double j) const {
  const double u = i + 0.5 - width / 2.0, v = j + 0.5 - height / 2.0;
  return {position[0] + right[0] * u + down[0] * v, position[1] + right[1] * u + down[1] * v,
          position[2] + right[2] * u + down[2] * v};
}

std::array<double, 3> PanelGeometry::to_panel(const std::array<double, 3>& global) const {
  // right, down and normal are orthogonal (the rotation keeps them so; their lengths are the
  // pixel steps), so each panel coordinate is a projection.
  const std::array<double, 3> d{global[0] - position[0], global[1] - position[1],
                                global[2] - position[2]};
  auto dot = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  };
  const double u = dot(d, right) / dot(right, right), v = dot(d, down) / dot(down, down);
  return {u + width / 2.0, v + height / 2.0, dot(d, normal)};
}

}  // namespace imagery::neuroglancer
