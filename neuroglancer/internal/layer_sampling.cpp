#include "imagery/neuroglancer/internal/layer_sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "imagery/core/error.h"

namespace imagery::neuroglancer::internal {
namespace {

// Neuroglancer shifts every sampled position by this many voxels along the plane normal's
// absolute value, so a plane exactly between two sections shows the higher one.
constexpr double kChunkPositionEpsilon = 1e-3;

// Nearness to boundaries, measured in voxels or in screen pixels along one axis.
struct Nearness {
  NearTieRule rule;
  double voxels_per_pixel = 0;  // along the axis being measured
  bool near(double c, double boundary) const {
    const double d = std::abs(c - boundary);
    if (d == 0) return false;
    if (rule.pixels > 0) return voxels_per_pixel > 0 && d / voxels_per_pixel < rule.pixels;
    return d < rule.voxels;
  }
};

Bbox empty_box() {
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  return Bbox{{hi, hi, hi}, {lo, lo, lo}};
}

void grow(Bbox& box, int d, std::int64_t v) {
  box.min[d] = std::min(box.min[d], v);
  box.max[d] = std::max(box.max[d], v + 1);
}

// The voxel of sample coordinate `c` along an axis, or kNoVoxel outside [lower, upper). With
// `rows_rule` (the screen's vertical axis of an xy panel), horizontal edges belong to the quad
// above on screen: the axis is (lower, upper], and a sample exactly on a chunk's first row reads
// the row above (SwiftShader's rasterisation rule; neuroglancer-render.md section 9).
std::int64_t voxel_along(double c, const MipSampling& m, int d, bool rows_rule) {
  if (rows_rule) {
    if (!(c > m.lower[d] && c <= m.upper[d])) return kNoVoxel;
    const double fl = std::floor(c);
    std::int64_t v = static_cast<std::int64_t>(fl);
    const std::int64_t chunk = std::max<std::int64_t>(1, m.chunk_size[d]);
    if (fl == c && (c == m.upper[d] || (v - m.chunk_origin[d]) % chunk == 0)) --v;
    return v;
  }
  if (!(c >= m.lower[d] && c < m.upper[d])) return kNoVoxel;
  return static_cast<std::int64_t>(std::floor(c));
}

}  // namespace

LayerSampling plan_sampling(const volume::Metadata& meta, const LayerState& layer,
                            const CrossSection& view, const ViewerState& state,
                            const NearTieRule& near_rule, std::vector<std::uint8_t>* near_ties) {
  LayerSampling s;
  const Vec3d r0 = meta.scales.at(0).resolution;
  for (int d = 0; d < 3; ++d)
    s.ratio[d] = static_cast<float>(state.dimensions[d].scale / (r0[d] * 1e-9));
  // Mips as Neuroglancer lists them, finest first (scales the driver cannot decode are left
  // out, as Neuroglancer would fail their chunks).
  std::vector<int> scale_index;
  std::vector<std::array<float, 3>> sizes;
  for (int m = 0; m < static_cast<int>(meta.scales.size()); ++m) {
    if (!meta.scales[m].readable) continue;
    scale_index.push_back(m);
    const Vec3d r = meta.scales[m].resolution;
    sizes.push_back({static_cast<float>(r.x * 1e-9), static_cast<float>(r.y * 1e-9),
                     static_cast<float>(r.z * 1e-9)});
  }
  if (scale_index.empty())
    fail(ErrorCode::kInvalidArgument, "layer '" + layer.name + "': no readable scale");
  const volume::ScaleInfo& s0 = meta.scales.at(0);
  for (int c : choose_mips(sizes, view.geometry.pixel_size_m, layer.render_scale)) {
    const volume::ScaleInfo& scale = meta.scales[scale_index[c]];
    MipSampling m;
    m.mip = scale_index[c];
    for (int d = 0; d < 3; ++d) {
      m.factor[d] = scale.resolution[d] / r0[d];
      // Each mip is clipped to the mip-0 bounds, and has chunks only inside its own.
      m.lower[d] = std::max(static_cast<double>(scale.bounds.min[d]),
                            static_cast<double>(s0.bounds.min[d]) / m.factor[d]);
      m.upper[d] = std::min(static_cast<double>(scale.bounds.max[d]),
                            static_cast<double>(s0.bounds.max[d]) / m.factor[d]);
    }
    m.chunk_origin = scale.bounds.min;
    m.chunk_size = scale.chunk_size;
    m.box = empty_box();
    s.mips.push_back(std::move(m));
  }
  const PanelGeometry& g = view.geometry;
  // The plane normal in each mip's voxel coordinates (a normal transforms by the inverse
  // transpose: divide by the model scaling, multiply by the mip factor), normalised: the
  // epsilon shift along its absolute value.
  std::vector<std::array<double, 3>> shift(s.mips.size());
  std::vector<std::array<double, 3>> per_pixel(s.mips.size());  // voxels per screen pixel
  for (std::size_t k = 0; k < s.mips.size(); ++k) {
    std::array<double, 3> n{};
    double length = 0;
    for (int d = 0; d < 3; ++d) {
      n[d] = double(view.normal[d]) / s.ratio[d] * s.mips[k].factor[d];
      length += n[d] * n[d];
    }
    length = std::sqrt(length);
    for (int d = 0; d < 3; ++d) {
      shift[k][d] = kChunkPositionEpsilon * std::abs(n[d]) / length;
      const double scale = s.ratio[d] / s.mips[k].factor[d];
      per_pixel[k][d] = std::hypot(double(view.right[d]) * scale, double(view.down[d]) * scale);
    }
  }
  auto near = [&](std::size_t k, int d) { return Nearness{near_rule, per_pixel[k][d]}; };

  s.separable = view.panel == "xy" && g.axis_aligned && view.right[1] == 0 && view.down[0] == 0;
  if (s.separable) {
    // x depends on the column only, y on the row only, z is the plane's. Near ties per mip: a
    // pixel is near when a mip up to the one drawing it is near a region edge there, or the one
    // drawing it is near a voxel boundary.
    const std::size_t mips = s.mips.size();
    std::vector<std::vector<std::uint8_t>> column_edge(mips), column_int(mips), row_edge(mips),
        row_int(mips);
    std::vector<std::uint8_t> plane_edge(mips, 0), plane_int(mips, 0);
    for (std::size_t k = 0; k < mips; ++k) {
      MipSampling& m = s.mips[k];
      m.column_voxel.assign(g.width, kNoVoxel);
      m.row_voxel.assign(g.height, kNoVoxel);
      column_edge[k].assign(g.width, 0);
      column_int[k].assign(g.width, 0);
      row_edge[k].assign(g.height, 0);
      row_int[k].assign(g.height, 0);
      const double z = double(view.position[2]) * s.ratio[2] / m.factor[2] + shift[k][2];
      m.plane_voxel = voxel_along(z, m, 2, false);
      const Nearness nz = near(k, 2);
      plane_edge[k] = nz.near(z, m.lower[2]) || nz.near(z, m.upper[2]);
      plane_int[k] = nz.near(z, std::round(z));
      const Nearness nx = near(k, 0), ny = near(k, 1);
      for (int i = 0; i < g.width; ++i) {
        const double u = i + 0.5 - g.width / 2.0;
        const double x =
            (double(view.position[0]) + double(view.right[0]) * u) * s.ratio[0] / m.factor[0] +
            shift[k][0];
        m.column_voxel[i] = voxel_along(x, m, 0, false);
        column_edge[k][i] = nx.near(x, m.lower[0]) || nx.near(x, m.upper[0]);
        column_int[k][i] = nx.near(x, std::round(x));
      }
      for (int j = 0; j < g.height; ++j) {
        const double v = j + 0.5 - g.height / 2.0;
        const double y =
            (double(view.position[1]) + double(view.down[1]) * v) * s.ratio[1] / m.factor[1] +
            shift[k][1];
        m.row_voxel[j] = voxel_along(y, m, 1, true);
        row_edge[k][j] = ny.near(y, m.lower[1]) || ny.near(y, m.upper[1]);
        row_int[k][j] = ny.near(y, std::round(y));
      }
    }
    // Which mip draws each pixel: the finest covering it. Count and bound what each one draws.
    for (int j = 0; j < g.height; ++j)
      for (int i = 0; i < g.width; ++i) {
        bool near_edge = false;
        for (std::size_t k = 0; k < mips; ++k) {
          MipSampling& m = s.mips[k];
          near_edge = near_edge || plane_edge[k] || row_edge[k][j] || column_edge[k][i];
          if (m.plane_voxel == kNoVoxel || m.row_voxel[j] == kNoVoxel ||
              m.column_voxel[i] == kNoVoxel)
            continue;
          ++m.pixels;
          grow(m.box, 0, m.column_voxel[i]);
          grow(m.box, 1, m.row_voxel[j]);
          grow(m.box, 2, m.plane_voxel);
          if (near_ties && (near_edge || plane_int[k] || row_int[k][j] || column_int[k][i]))
            (*near_ties)[static_cast<std::size_t>(j) * g.width + i] = 1;
          near_edge = false;
          break;
        }
        if (near_ties && near_edge) (*near_ties)[static_cast<std::size_t>(j) * g.width + i] = 1;
      }
    return s;
  }

  const std::size_t n = static_cast<std::size_t>(g.width) * g.height;
  s.pixel_mip.assign(n, -1);
  s.pixel_voxel.resize(n);
  for (int j = 0; j < g.height; ++j) {
    for (int i = 0; i < g.width; ++i) {
      const double u = i + 0.5 - g.width / 2.0, v = j + 0.5 - g.height / 2.0;
      std::array<double, 3> model{};
      for (int d = 0; d < 3; ++d)
        model[d] =
            (double(view.position[d]) + double(view.right[d]) * u + double(view.down[d]) * v) *
            s.ratio[d];
      const std::size_t p = static_cast<std::size_t>(j) * g.width + i;
      for (std::size_t k = 0; k < s.mips.size(); ++k) {
        MipSampling& m = s.mips[k];
        std::array<double, 3> c{};
        std::array<std::int64_t, 3> voxel{};
        bool inside = true;
        for (int d = 0; d < 3; ++d) {
          c[d] = model[d] / m.factor[d] + shift[k][d];
          if (near_ties && (near(k, d).near(c[d], m.lower[d]) || near(k, d).near(c[d], m.upper[d])))
            (*near_ties)[p] = 1;
          voxel[d] = voxel_along(c[d], m, d, false);
          inside = inside && voxel[d] != kNoVoxel;
        }
        if (!inside) continue;
        if (near_ties)
          for (int d = 0; d < 3; ++d)
            if (near(k, d).near(c[d], std::round(c[d]))) (*near_ties)[p] = 1;
        s.pixel_mip[p] = static_cast<std::int8_t>(k);
        s.pixel_voxel[p] = voxel;
        ++m.pixels;
        for (int d = 0; d < 3; ++d) grow(m.box, d, voxel[d]);
        break;
      }
    }
  }
  return s;
}

}  // namespace imagery::neuroglancer::internal
