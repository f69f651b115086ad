// Area averaging (a box filter with fractional weights): each output pixel is the mean of the
// part of the input it covers. Output pixel i along an axis covers input coordinates
// [x0 + i * s, x0 + (i + 1) * s) with s = (x1 - x0) / n, and an input pixel j contributes the
// length of [j, j + 1) inside that interval, divided by s. For integer ratios this is the plain
// mean of s x s blocks; for others the pixels cut by an edge count by the part inside. Coordinates
// outside the input read the nearest edge pixel. This is how a level is brought to an exact
// output size (large_image's maxWidth, OMERO's thumbnails) after reading the coarsest mip that
// is fine enough.
#pragma once

#include <cstdint>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"

namespace imagery::rendering {

// The source window [x0, x1) x [y0, y1) of `input` (X, Y, Z, C; fractional, in input pixels)
// averaged onto width x height pixels, every z and channel. The result is float32 (float64
// for float64 input). Throws kInvalidArgument for an empty output or source window.
Array area_average(const Array& input, std::int64_t width, std::int64_t height, double x0,
                   double x1, double y0, double y1, ThreadPool* pool = nullptr);
// The whole of `input` onto width x height.
Array area_average(const Array& input, std::int64_t width, std::int64_t height,
                   ThreadPool* pool = nullptr);

}  // namespace imagery::rendering
