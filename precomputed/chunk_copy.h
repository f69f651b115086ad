// Copying the part of a decoded chunk that lies inside a cutout into the
// cutout's array. Both sides are x-fastest with planar channels.
#pragma once

#include <cstddef>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"

namespace imagery::precomputed {

// Where a chunk's voxels go: the output array covers `out_box`; the chunk covers `chunk_box`.
struct ChunkTarget {
  Array* out;
  Bbox out_box;
  Bbox chunk_box;
  Bbox overlap() const { return intersect(out_box, chunk_box); }
};

// Copies chunk_box ∩ out_box from `chunk` (shape chunk_box.size() x channels) into the target.
void copy_chunk_region(const std::byte* chunk, int channels, const ChunkTarget& target);

// Zeroes out_box ∩ region in the output (used for missing chunks and out-of-volume parts).
void zero_region(const Bbox& region, const ChunkTarget& target);

}  // namespace imagery::precomputed
