// Small helpers for label-block tests: a sub-box of an array as its own array, exact equality, and
// a whole compressed_segmentation chunk decoded.
#pragma once

#include <cstring>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"

namespace imagery::testing {

// A sub-box of `a` as its own array.
inline Array crop(const Array& a, const Bbox& box) {
  const Vec3 s = box.size();
  Array out(a.dtype(), {s.x, s.y, s.z, a.shape().c});
  const std::size_t es = a.element_size();
  for (std::int64_t c = 0; c < a.shape().c; ++c)
    for (std::int64_t z = 0; z < s.z; ++z)
      for (std::int64_t y = 0; y < s.y; ++y)
        std::memcpy(out.bytes() + out.index(0, y, z, c) * es,
                    a.bytes() + a.index(box.min.x, box.min.y + y, box.min.z + z, c) * es,
                    static_cast<std::size_t>(s.x) * es);
  return out;
}

inline bool same(const Array& a, const Array& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.bytes(), b.bytes(), a.size_bytes()) == 0;
}

inline Array decode_whole(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape,
                          const Vec3& block, int channels = 1) {
  Array out(dtype, {shape.x, shape.y, shape.z, channels});
  Bbox box{{0, 0, 0}, shape};
  precomputed::decode_compressed_segmentation_chunk(bytes, precomputed::ChunkTarget{&out, box, box},
                                                    channels, block, "test chunk");
  return out;
}

}  // namespace imagery::testing
