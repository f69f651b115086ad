// Regions of a client cutout, in coordinate units (nm per unit = the client's resolution), and
// their conversion to voxels of a mip, with ImageryClient's arithmetic:
//   - bounds_from_center: lo = ctr - floor(size / 2), hi = lo + size (an odd size puts the extra
//     unit on the high side: ctr 100, size 5 -> [98, 103));
//   - to voxels of a mip with factor f = mip resolution / coordinate resolution: coordinates are
//     truncated to integers, then v = floor(c / f) at BOTH ends, as CloudVolume's
//     `bbox / factor` then `astype(int64)` does ([1001, 1401) at f = 4 -> [250, 350)). This is
//     not the floor/ceil of Volume::download_mip0; CloudVolume truncates toward zero, we floor,
//     which differs only for negative coordinates (where flooring keeps sizes consistent);
//   - a region made from an exact image size keeps exactly that many voxels at its mip.
#pragma once

#include <optional>
#include <string>

#include "imagery/core/bbox.h"
#include "imagery/core/vec3.h"

namespace imagery::client {

// A half-open box in coordinate units; fractional values are allowed (from image sizes).
struct CoordBounds {
  Vec3d min, max;
  Vec3d size() const { return {max.x - min.x, max.y - min.y, max.z - min.z}; }
  bool operator==(const CoordBounds&) const = default;
  std::string to_string() const;  // "[x0, y0, z0] .. [x1, y1, z1]"
};

// ImageryClient's bounds_from_center: lo = ctr - floor(size / 2), hi = lo + size.
CoordBounds bounds_from_center(const Vec3d& center, const Vec3d& size);

// What a cutout covers: coordinate bounds, and optionally an exact voxel count at one mip of one
// source (a region made from an image size). Build one with the helpers below.
struct Region {
  CoordBounds bounds;
  // Set by Client::region_from_image_size: at `exact_mip` of that source the cutout has exactly
  // these many voxels (lo from the bounds, hi = lo + count).
  std::optional<Vec3> exact_voxels;
  std::optional<int> exact_mip;
  bool exact_for_segmentation = false;  // exact_mip is a segmentation mip (else an image mip)

  // Two corners (half-open). Throws kInvalidArgument unless max > min on every axis.
  static Region corners(const Vec3d& min, const Vec3d& max);
  // A centre and a size in coordinate units; a size with z = 0 is treated as depth 1 (a 2-D
  // bbox_size). Throws kInvalidArgument for sizes below 1.
  static Region centered(const Vec3d& center, const Vec3d& size);
};

// Bounds in coordinates -> voxels at a scale of resolution `mip_resolution`, with the
// coordinates read at `coord_resolution` (see the header comment). May be empty (sub-voxel).
Bbox coordinates_to_voxels(const CoordBounds& bounds, const Vec3d& coord_resolution,
                           const Vec3d& mip_resolution);

// The coordinate size that `pixels` voxels at `mip_resolution` cover: pixels * mip / coord.
Vec3d size_from_dimensions(const Vec3& pixels, const Vec3d& coord_resolution,
                           const Vec3d& mip_resolution);

}  // namespace imagery::client
