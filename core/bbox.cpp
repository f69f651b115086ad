#include "imagery/core/bbox.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"

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

Bbox downsample_bounds(const Bbox& mip0, const Vec3d& factor) {
  // A relative tolerance keeps exact ratios like 12/4 exact after floating-point division.
  constexpr double kEps = 1e-9;
  Bbox r;
  for (int d = 0; d < 3; ++d) {
    double lo = static_cast<double>(mip0.min[d]) / factor[d];
    double hi = static_cast<double>(mip0.max[d]) / factor[d];
    // Extreme resolution ratios from a hostile info must not turn into an out-of-range cast.
    constexpr double kLimit = 4.0e18;
    if (!(std::fabs(lo) < kLimit) || !(std::fabs(hi) < kLimit))
      fail(ErrorCode::kInvalidArgument, "bounds " + mip0.to_string() + " divided by " +
                                            factor.to_string() + " leave the range of voxels");
    r.min[d] = static_cast<std::int64_t>(std::floor(lo + kEps * std::max(1.0, std::fabs(lo))));
    r.max[d] = static_cast<std::int64_t>(std::ceil(hi - kEps * std::max(1.0, std::fabs(hi))));
  }
  return r;
}

}  // namespace imagery
