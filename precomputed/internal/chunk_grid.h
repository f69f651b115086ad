// ChunkGrid: how one scale is cut into chunks (spec section 2.1). The grid is
// anchored at voxel_offset; the last cell of each axis is clipped to the volume.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imagery/core/bbox.h"
#include "imagery/precomputed/info.h"

namespace imagery::precomputed {

class ChunkGrid {
 public:
  ChunkGrid(const Vec3& voxel_offset, const Vec3& size, const Vec3& chunk_size);
  explicit ChunkGrid(const Scale& scale)
      : ChunkGrid(scale.voxel_offset, scale.size, scale.chunk_size()) {}

  // Number of cells per axis: ceil(size / chunk), 0 for an empty axis.
  const Vec3& shape() const { return shape_; }
  const Vec3& chunk_size() const { return chunk_size_; }
  Bbox volume_bounds() const { return {offset_, offset_ + size_}; }

  // Voxels covered by cell g, clipped to the volume.
  Bbox cell_bounds(const Vec3& cell) const;
  // The cells that overlap `box` (absolute voxels at this scale), x fastest.
  std::vector<Vec3> cells_overlapping(const Bbox& box) const;
  // How many those are, without listing them (saturates at UINT64_MAX).
  std::uint64_t count_overlapping(const Bbox& box) const;

 private:
  Vec3 offset_, size_, chunk_size_, shape_;
};

// "x0-x1_y0-y1_z0-z1" of a chunk's absolute bounds (negative numbers keep their sign).
std::string chunk_name(const Bbox& cell);

// downsample_bounds (mip-0 voxels to a coarser scale) is in core/bbox.h.

}  // namespace imagery::precomputed
