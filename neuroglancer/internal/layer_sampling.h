// Which voxel of which mip each pixel of a cross-section panel shows, for one volume layer, by
// Neuroglancer's rules (../shared/docs/neuroglancer-render.md sections 2-4 and 9): the mips it
// draws at the zoom, finest first, each clipped to the mip-0 bounds and its own; nearest voxels,
// the z epsilon along the plane normal, and the tie rules of exact boundaries. For the default xy
// orientation the mapping is separable (a column's x, a row's y, one z), so it is kept per column
// and per row; other orientations keep it per pixel. Internal to render_state.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/neuroglancer/state.h"
#include "imagery/neuroglancer/view.h"
#include "imagery/volume/volume.h"

namespace imagery::neuroglancer::internal {

// No voxel: the pixel is outside the mip's region.
inline constexpr std::int64_t kNoVoxel = INT64_MIN;

struct MipSampling {
  int mip = 0;
  std::array<double, 3> factor{};          // resolution / mip-0 resolution
  std::array<double, 3> lower{}, upper{};  // drawn region, voxels of this mip
  Vec3 chunk_origin, chunk_size;           // the chunk grid (tie rule on horizontal edges)
  Bbox box;                                // the voxels its pixels need (empty: none)
  std::uint64_t pixels = 0;                // pixels it draws
  Array data;                              // `box`, once read
  // Separable views: the voxel of each column (x) and row (y), and the plane's z.
  std::vector<std::int64_t> column_voxel, row_voxel;
  std::int64_t plane_voxel = kNoVoxel;
};

struct LayerSampling {
  std::array<double, 3> ratio{};  // model (mip-0 voxel) units per global unit, float32-rounded
  std::vector<MipSampling> mips;  // finest first, the order they are drawn in
  bool separable = false;
  // Other views: per pixel (row by row), which entry of `mips` draws it (-1: none) and its voxel.
  std::vector<std::int8_t> pixel_mip;
  std::vector<std::array<std::int64_t, 3>> pixel_voxel;
};

struct NearTieRule {
  double voxels = 1e-4;  // within this many voxels of a boundary (not on it)
  double pixels = 0;     // or, when > 0, within this many screen pixels
};

// Plans a layer's sampling. `near_ties` (size width x height, or null) gets 1 for pixels near a
// boundary of a drawn mip.
LayerSampling plan_sampling(const volume::Metadata& meta, const LayerState& layer,
                            const CrossSection& view, const ViewerState& state,
                            const NearTieRule& near, std::vector<std::uint8_t>* near_ties);

// Calls visit(pixel, mip entry, element index in that mip's data) for every drawn pixel of row j.
template <class Visit>
void for_each_sample_in_row(const LayerSampling& s, int width, int j, Visit&& visit) {
  const std::size_t row_start = static_cast<std::size_t>(j) * width;
  if (!s.separable) {
    for (int i = 0; i < width; ++i) {
      const std::size_t p = row_start + i;
      const int k = s.pixel_mip[p];
      if (k < 0) continue;
      const MipSampling& m = s.mips[k];
      const auto& v = s.pixel_voxel[p];
      visit(p, k, m.data.index(v[0] - m.box.min.x, v[1] - m.box.min.y, v[2] - m.box.min.z));
    }
    return;
  }
  // Per mip: the row's offset in its data, or -1 when the row (or the plane) is outside it.
  std::int64_t row_offset[8];
  const std::size_t n = std::min<std::size_t>(s.mips.size(), 8);
  bool any = false;
  for (std::size_t k = 0; k < n; ++k) {
    const MipSampling& m = s.mips[k];
    const std::int64_t y = m.row_voxel.empty() ? kNoVoxel : m.row_voxel[j];
    if (m.pixels == 0 || y == kNoVoxel || m.plane_voxel == kNoVoxel) {
      row_offset[k] = -1;
      continue;
    }
    row_offset[k] = m.data.index(0, y - m.box.min.y, m.plane_voxel - m.box.min.z);
    any = true;
  }
  if (!any) return;
  for (int i = 0; i < width; ++i) {
    for (std::size_t k = 0; k < n; ++k) {
      if (row_offset[k] < 0) continue;
      const MipSampling& m = s.mips[k];
      const std::int64_t x = m.column_voxel[i];
      if (x == kNoVoxel) continue;
      visit(row_start + i, static_cast<int>(k), row_offset[k] + (x - m.box.min.x));
      break;
    }
  }
}

}  // namespace imagery::neuroglancer::internal
