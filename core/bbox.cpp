#include "imagery/core/bbox.h"

#include <algorithm>

namespace imagery {

std::string Bbox::to_string() const {
  return min.to_string() + " .. " + max.to_string();
}

Bbox intersect(const Bbox& a, const Bbox& b) {
  Bbox r;
  for (int d = 0; d < 3; ++d) {
    r.min[d] = std::max(a.min[d], b.min[d]);
    r.max[d] = std::max(r.min[d], std::min(a.max[d], b.max[d]));
  }
  return r;
}

}  // namespace imagery
