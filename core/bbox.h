// Bbox: a half-open box [min, max) of voxels, as CloudVolume's Bbox.
#pragma once

#include <string>

#include "imagery/core/vec3.h"

namespace imagery {

struct Bbox {
  Vec3 min, max;

  constexpr Vec3 size() const { return max - min; }
  constexpr bool empty() const { return max.x <= min.x || max.y <= min.y || max.z <= min.z; }
  constexpr bool contains(const Bbox& o) const {
    return o.min.x >= min.x && o.min.y >= min.y && o.min.z >= min.z && o.max.x <= max.x &&
           o.max.y <= max.y && o.max.z <= max.z;
  }
  constexpr bool operator==(const Bbox&) const = default;

  // "[x0, y0, z0] .. [x1, y1, z1]"
  std::string to_string() const;
};

// The overlap of two boxes; empty() when they do not meet.
Bbox intersect(const Bbox& a, const Bbox& b);

// Bounds in mip-0 voxels to bounds at a scale that is `factor` times coarser per axis:
// floor(min / f), ceil(max / f), as CloudVolume does (exact ratios such as 12/4 stay exact).
// Throws kInvalidArgument when the result leaves the range of voxel indices.
Bbox downsample_bounds(const Bbox& mip0, const Vec3d& factor);

}  // namespace imagery
