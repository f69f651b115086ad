// Nearest resampling between voxel grids of one physical space: each destination voxel takes the
// source voxel that contains its centre. For a destination at resolution r_dst and a source at
// r_src, destination index i reads source index floor((i + 0.5) * r_dst / r_src). For an integer
// ratio k = r_src / r_dst this repeats each source voxel exactly k times (aligned to the physical
// grid, so a box starting at an odd image voxel begins with a single copy). This is how the client
// puts a segmentation onto the image grid, and how scale_to_bounds upsamples a coarse cutout.
#pragma once

#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/core/thread_pool.h"
#include "imagery/core/vec3.h"

namespace imagery::client {

// The source index each destination index of [lo, hi) reads along one axis.
std::vector<std::int64_t> nearest_indices(std::int64_t lo, std::int64_t hi, double dst_resolution,
                                          double src_resolution);

// The source voxels that `dst_box` (at `dst_resolution`) reads from a source at `src_resolution`.
Bbox source_box(const Bbox& dst_box, const Vec3d& dst_resolution, const Vec3d& src_resolution);

// Resamples `src` (covering `src_box` at `src_resolution`, shape X, Y, Z, C) onto `dst_box` at
// `dst_resolution`. Indices outside src_box are clamped to its edge. Rows are copied on `pool`
// (serially without one).
Array resample_nearest(const Array& src, const Bbox& src_box, const Vec3d& src_resolution,
                       const Bbox& dst_box, const Vec3d& dst_resolution,
                       ThreadPool* pool = nullptr);

}  // namespace imagery::client
