// Small helpers for label-block tests: a sub-box of an array as its own array, and exact equality.
#pragma once

#include <cstring>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"

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

}  // namespace imagery::testing
