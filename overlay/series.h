// ImageryClient's composite_overlay over a whole volume: the segmentation is split once (so an
// object keeps its colour on every slice), then each index along `dim` gives one picture of the
// remaining two axes, first axis as columns (the picture of a slice S[a, b] is S.T). A 2-D input
// is a volume with one z slice and dim 2.
#pragma once

#include <cstdint>
#include <vector>

#include "imagery/core/thread_pool.h"
#include "imagery/overlay/composite.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/palettes/color.h"

namespace imagery::overlay {

// The picture size (width, height) of one slice along `dim` of an (X, Y, Z) volume.
std::pair<std::uint32_t, std::uint32_t> slice_size(const Shape4& shape, int dim);
std::int64_t slice_count(const Shape4& shape, int dim);

// One RGBA picture per slice. `grey` is imagery of the same (X, Y, Z) shape in x-fastest order,
// or empty; `rgb`, when given instead, is colour imagery of that shape with 3 interleaved bytes a
// voxel; `colors` has one colour per object of `labels`. Slices are drawn in parallel on
// `pool` (one after the other without one).
std::vector<Image> composite_series(const ObjectLabels& labels,
                                    const std::vector<palettes::Rgb8>& colors,
                                    const std::vector<std::uint8_t>& grey, int dim,
                                    const CompositeOptions& options, ThreadPool* pool = nullptr,
                                    const std::vector<std::uint8_t>* rgb = nullptr);

}  // namespace imagery::overlay
