// Regions asked for as image servers take them, and the pyramid level that serves them:
// corners or a centre and size, in mip-0 voxels, nanometres, micrometres or fractions of the
// volume's extent (large_image's "fraction" units); and an output size given as a mip, a box
// to fit in (large_image's maxWidth / maxHeight) or an output pixel size. A physical box
// becomes voxels as floor(min / res), ceil(max / res).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "imagery/core/bbox.h"
#include "imagery/core/vec3.h"
#include "imagery/volume/volume.h"

namespace imagery::rendering {

enum class RegionUnits { kVoxels, kNanometres, kMicrometres, kFraction };
// "voxels" (also "vx"), "nm", "um" (also "µm"), "fraction"; nullopt otherwise.
std::optional<RegionUnits> parse_region_units(std::string_view text);
std::string region_units_name(RegionUnits units);

struct RegionRequest {
  enum class Kind { kNone, kBounds, kCenterSize };
  Kind kind = Kind::kNone;
  Vec3d min, max;      // kBounds, half-open
  Vec3d center, size;  // kCenterSize; without a depth, one section through the centre
  bool has_depth = true;
  RegionUnits units = RegionUnits::kVoxels;
};

// The region as a half-open box of mip-0 voxels of `metadata`. Voxel corners are taken as they
// are (rounded outwards when fractional); a voxel centre and size give [c - size // 2, + size).
// Throws kInvalidArgument for an empty box or a fraction outside [0, 1].
Bbox region_voxels(const RegionRequest& region, const volume::Metadata& metadata);

struct LevelRequest {
  enum class Kind { kDefault, kMip, kMaxSize, kPixelSize };
  Kind kind = Kind::kDefault;
  int mip = 0;                                 // kMip
  std::int64_t max_width = 0, max_height = 0;  // kMaxSize (max_height 0: the same as width)
  double pixel_nm = 0;                         // kPixelSize
  // kMaxSize: scale small regions up to fill the box too (thumbnails); else never above 1:1.
  bool enlarge = false;
};

// Where the pixels of a request come from and how many there are.
struct LevelChoice {
  int mip = 0;
  std::int64_t width = 0, height = 0;  // output pixels
  // The box read at `mip`, and the part of it (fractional, in its pixels) the output covers.
  Bbox read_box;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  bool resampled = false;                 // area-averaged to the output size
  double pixel_nm_x = 0, pixel_nm_y = 0;  // of the output
};

// The coarsest usable scale whose x and y resolutions are both no coarser than the output pixel
// (within 1e-6), or the finest usable one when none is fine enough.
int finest_enough_mip(const volume::Metadata& metadata, double pixel_nm_x, double pixel_nm_y);

// The level and output size for `box` (mip-0 voxels) of `metadata`. kMaxSize fits the box's
// aspect into max_width x max_height (at least one pixel each way); kPixelSize makes pixels of
// pixel_nm; both read the finest_enough_mip and area-average. kMip and kDefault read that mip at
// its own pixels. Throws kInvalidArgument for a bad size, kNotFound for a bad mip.
LevelChoice choose_level(const volume::Metadata& metadata, const Bbox& box,
                         const LevelRequest& level);

}  // namespace imagery::rendering
