// Intensity projections through a slab, as OMERO's renderer and Fiji's Z Project make them: per
// x, y and channel the max, min, mean or sum over z. An (X, Y, Z, C) array becomes (X, Y, 1, C).
// Max and min keep the data type; mean is float32 (summed in double, then rounded once); sum is
// uint64 for unsigned input, int64 for signed and float64 for float, wrapping on overflow as
// NumPy's does. A NaN in a float column makes its max, min, mean and sum NaN (NumPy's np.max).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"

namespace imagery::rendering {

enum class Projection { kNone, kMax, kMin, kMean, kSum };

// "max", "min", "mean", "sum" ("none" too); nullopt otherwise.
std::optional<Projection> parse_projection(std::string_view text);
std::string projection_name(Projection projection);  // "max", ..., "none"
// The data type a projection of `input` holds.
DataType projected_dtype(DataType input, Projection projection);
// The projection over z of `input`; kNone returns a copy. Rows are projected on `pool`.
Array project(const Array& input, Projection projection, ThreadPool* pool = nullptr);

}  // namespace imagery::rendering
