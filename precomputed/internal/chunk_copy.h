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

// Copies chunk_box ∩ out_box from `pixels`, whose samples are interleaved per voxel (`channels` of
// type T each, voxels x fastest, as 2-D image codecs store them), into the target's planar layout.
template <class T>
void scatter_interleaved(const T* pixels, int channels, const ChunkTarget& t) {
  const Bbox o = t.overlap();
  if (o.empty()) return;
  const Vec3 cs = t.chunk_box.size();
  const Shape4& os = t.out->shape();
  T* out = reinterpret_cast<T*>(t.out->bytes());
  for (std::int64_t c = 0; c < channels; ++c)
    for (std::int64_t z = o.min.z; z < o.max.z; ++z)
      for (std::int64_t y = o.min.y; y < o.max.y; ++y) {
        const std::int64_t src = (o.min.x - t.chunk_box.min.x) +
                                 cs.x * ((y - t.chunk_box.min.y) + cs.y * (z - t.chunk_box.min.z));
        const std::int64_t dst =
            (o.min.x - t.out_box.min.x) +
            os.x * ((y - t.out_box.min.y) + os.y * ((z - t.out_box.min.z) + os.z * c));
        for (std::int64_t x = 0; x < o.max.x - o.min.x; ++x)
          out[dst + x] = pixels[(src + x) * channels + c];
      }
}

// Zeroes out_box ∩ region in the output (used for missing chunks and out-of-volume parts).
void zero_region(const Bbox& region, const ChunkTarget& target);

}  // namespace imagery::precomputed
