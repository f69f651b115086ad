#include "imagery/neuroglancer/view.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"

namespace imagery::neuroglancer {
namespace {

using Quat = std::array<float, 4>;  // x y z w

// gl-matrix's quat.multiply, computed in double from float32 inputs and stored as float32.
Quat multiply(const Quat& a, const Quat& b) {
  const double ax = a[0], ay = a[1], az = a[2], aw = a[3];
  const double bx = b[0], by = b[1], bz = b[2], bw = b[3];
  return {static_cast<float>(ax * bw + aw * bx + ay * bz - az * by),
          static_cast<float>(ay * bw + aw * by + az * bx - ax * bz),
          static_cast<float>(az * bw + aw * bz + ax * by - ay * bx),
          static_cast<float>(aw * bw - ax * bx - ay * by - az * bz)};
}

// The panel's orientation relative to crossSectionOrientation: quat.rotateX / rotateY of the
// identity by pi/2, as Neuroglancer's layouts make the xz and yz views.
Quat relative_orientation(const std::string& panel) {
  const float s = static_cast<float>(std::sin(M_PI / 4)),
              c = static_cast<float>(std::cos(M_PI / 4));
  if (panel == "xz") return {s, 0, 0, c};
  if (panel == "yz") return {0, s, 0, c};
  return {0, 0, 0, 1};
}

}  // namespace

std::string first_cross_section_panel(const std::string& layout, std::vector<std::string>* notes) {
  if (layout == "xy" || layout == "xy-3d" || layout == "4panel" || layout == "4panel-alt")
    return "xy";
  if (layout == "xz" || layout == "xz-3d") return "xz";
  if (layout == "yz" || layout == "yz-3d") return "yz";
  if (layout == "3d") {
    if (notes) notes->push_back("layout 3d has no cross-section panel: drew the xy cross-section");
    return "xy";
  }
  fail(ErrorCode::kInvalidArgument, "layout '" + layout +
                                        "' is not a Neuroglancer layout (xy, xz, yz, xy-3d, xz-3d, "
                                        "yz-3d, 4panel, 4panel-alt, 3d)");
}

CrossSection make_cross_section(const ViewerState& state, const std::string& panel_name, int width,
                                int height) {
  CrossSection view;
  view.panel =
      panel_name.empty() ? first_cross_section_panel(state.layout, &view.notes) : panel_name;
  if (view.panel != "xy" && view.panel != "xz" && view.panel != "yz")
    fail(ErrorCode::kInvalidArgument, "panel '" + view.panel + "' is not xy, xz or yz");
  if (width < 1 || height < 1 || width > 32768 || height > 32768)
    fail(ErrorCode::kInvalidArgument, "the panel size " + std::to_string(width) + "x" +
                                          std::to_string(height) + " is outside 1..32768");
  if (state.dimensions.size() < 3 || state.position.size() < 3)
    fail(ErrorCode::kInvalidArgument, "the state needs three dimensions and a position");
  // The canonical voxel: the smallest of the display dimensions' scales.
  std::array<double, 3> scales{};
  for (int d = 0; d < 3; ++d) scales[d] = state.dimensions[d].scale;
  const double canonical = std::min({scales[0], scales[1], scales[2]});
  const double zoom = state.cross_section_scale.value_or(1.0);
  const Quat q = multiply(state.orientation, relative_orientation(view.panel));
  // mat4.fromQuat (double arithmetic on the float32 quaternion, stored as float32), then each
  // row d scaled by zoom / canonicalVoxelFactor[d] (NavigationState.toMat4).
  const double x = q[0], y = q[1], z = q[2], w = q[3];
  const double x2 = x + x, y2 = y + y, z2 = z + z;
  const double xx = x * x2, yx = y * x2, yy = y * y2, zx = z * x2, zy = z * y2, zz = z * z2,
               wx = w * x2, wy = w * y2, wz = w * z2;
  const std::array<std::array<float, 3>, 3> columns = {
      std::array<float, 3>{static_cast<float>(1 - yy - zz), static_cast<float>(yx + wz),
                           static_cast<float>(zx - wy)},
      std::array<float, 3>{static_cast<float>(yx - wz), static_cast<float>(1 - xx - zz),
                           static_cast<float>(zy + wx)},
      std::array<float, 3>{static_cast<float>(zx + wy), static_cast<float>(zy - wx),
                           static_cast<float>(1 - xx - yy)}};
  for (int d = 0; d < 3; ++d) {
    const double factor = zoom / (scales[d] / canonical);
    view.right[d] = static_cast<float>(columns[0][d] * factor);
    view.down[d] = static_cast<float>(columns[1][d] * factor);
    view.normal[d] = static_cast<float>(columns[2][d] * factor);
    view.position[d] = static_cast<float>(state.position[d]);
  }
  PanelGeometry& g = view.geometry;
  g.width = width;
  g.height = height;
  double normal_length = 0;
  for (int d = 0; d < 3; ++d) {
    g.position[d] = view.position[d];
    g.right[d] = view.right[d];
    g.down[d] = view.down[d];
    normal_length += double(view.normal[d]) * view.normal[d];
    g.global_scales_m[d] = scales[d];
    g.global_names[d] = state.dimensions[d].name;
  }
  normal_length = std::sqrt(normal_length);
  for (int d = 0; d < 3; ++d) g.normal[d] = view.normal[d] / normal_length;
  // The physical length of one screen pixel along x (Neuroglancer's pixelSize).
  double pixel_size = 0;
  for (int d = 0; d < 3; ++d) pixel_size += std::pow(scales[d] * view.right[d], 2);
  g.pixel_size_m = std::sqrt(pixel_size);
  int off_axis = 0;
  for (int d = 0; d < 3; ++d) off_axis += (view.right[d] != 0) + (view.down[d] != 0);
  g.axis_aligned = off_axis == 2;
  return view;
}

std::vector<int> choose_mips(const std::vector<std::array<float, 3>>& sizes, double pixel_size_m,
                             double render_scale) {
  std::vector<int> taken;
  if (sizes.empty()) return taken;
  const double target = pixel_size_m * 1.1 * render_scale;
  const auto& smallest = sizes.front();
  auto can_improve = [&](const std::array<float, 3>& size) {
    for (int d = 0; d < 3; ++d)
      if (size[d] > target && size[d] > 1.01 * smallest[d]) return true;
    return false;
  };
  auto improves = [&](const std::array<float, 3>& size, const std::array<float, 3>& previous) {
    for (int d = 0; d < 3; ++d)
      if (std::abs(target - size[d]) < std::abs(target - previous[d]) &&
          size[d] < 1.01 * previous[d])
        return true;
    return false;
  };
  int index = static_cast<int>(sizes.size()) - 1;
  const std::array<float, 3>* previous = nullptr;
  for (;;) {
    if (previous && !improves(sizes[index], *previous)) break;
    taken.push_back(index);
    if (index == 0 || !can_improve(sizes[index])) break;
    previous = &sizes[index];
    --index;
  }
  std::reverse(taken.begin(), taken.end());  // finest first: the order they are drawn in
  return taken;
}

}  // namespace imagery::neuroglancer
