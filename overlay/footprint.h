// Objects seen through a slab (a figure of a max projection): each object's footprint is the
// union of its voxels over z, and the footprints are drawn one object after another in drawing
// order, so where footprints overlap the later object's frame goes over the earlier one's
// (fills, or the band of each footprint with ImageryClient's width and side; merge_outline keeps
// only the band of the union of all footprints). The result goes over the projected imagery
// (grey or colour, X x Y x 1) as composite_overlay does, and is one picture.
#pragma once

#include <string>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/style.h"

namespace imagery::overlay {

// `segmentation` (X, Y, Z, 1, integers); `imagery` (X, Y, 1, 1 or 3) or null. Object colours,
// ids and root_ids filtering are those of composite_overlay over the whole slab. Per-object bands
// are worked out on `pool`.
Image composite_footprints(const Array& segmentation, const Array* imagery,
                           const OverlayStyle& style, ThreadPool* pool = nullptr,
                           const std::string& seg_name = "segmentation");

}  // namespace imagery::overlay
