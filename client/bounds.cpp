#include "imagery/client/bounds.h"

#include <cmath>

#include "imagery/core/error.h"

namespace imagery::client {

namespace {
std::string number_text(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}
std::string vec_text(const Vec3d& v) {
  return "[" + number_text(v.x) + ", " + number_text(v.y) + ", " + number_text(v.z) + "]";
}
}  // namespace

std::string CoordBounds::to_string() const {
  return vec_text(min) + " .. " + vec_text(max);
}

CoordBounds bounds_from_center(const Vec3d& center, const Vec3d& size) {
  CoordBounds b;
  for (int d = 0; d < 3; ++d) {
    b.min[d] = center[d] - std::floor(size[d] / 2);
    b.max[d] = b.min[d] + size[d];
  }
  return b;
}

Region Region::corners(const Vec3d& min, const Vec3d& max) {
  for (int d = 0; d < 3; ++d)
    if (!(max[d] > min[d]) || !std::isfinite(min[d]) || !std::isfinite(max[d]))
      fail(ErrorCode::kInvalidArgument,
           "bounds " + CoordBounds{min, max}.to_string() + ": max must exceed min on every axis");
  Region r;
  r.bounds = {min, max};
  return r;
}

Region Region::centered(const Vec3d& center, const Vec3d& size) {
  Vec3d s = size;
  if (s.z == 0) s.z = 1;  // a 2-D size means one section
  for (int d = 0; d < 3; ++d)
    if (!(s[d] >= 1) || !std::isfinite(s[d]) || !std::isfinite(center[d]))
      fail(ErrorCode::kInvalidArgument,
           "size " + vec_text(s) + " around " + vec_text(center) + ": every size must be >= 1");
  Region r;
  r.bounds = bounds_from_center(center, s);
  return r;
}

Bbox coordinates_to_voxels(const CoordBounds& bounds, const Vec3d& coord_resolution,
                           const Vec3d& mip_resolution) {
  Bbox v;
  for (int d = 0; d < 3; ++d) {
    // Multiply before dividing so that integer resolutions give exact quotients.
    auto to_voxel = [&](double c) {
      long double t = std::trunc(static_cast<long double>(c));
      const long double voxel = std::floor(t * static_cast<long double>(coord_resolution[d]) /
                                           static_cast<long double>(mip_resolution[d]));
      // Coordinates far outside any volume must not reach an out-of-range conversion.
      if (!(std::fabs(voxel) < 0x1p62L))
        fail(ErrorCode::kInvalidArgument, "bounds " + bounds.to_string() + " at " +
                                              vec_text(coord_resolution) +
                                              " nm are beyond the range of voxels");
      return static_cast<std::int64_t>(voxel);
    };
    v.min[d] = to_voxel(bounds.min[d]);
    v.max[d] = to_voxel(bounds.max[d]);
  }
  return v;
}

Vec3d size_from_dimensions(const Vec3& pixels, const Vec3d& coord_resolution,
                           const Vec3d& mip_resolution) {
  Vec3d s;
  for (int d = 0; d < 3; ++d)
    s[d] = static_cast<double>(pixels[d]) * mip_resolution[d] / coord_resolution[d];
  return s;
}

}  // namespace imagery::client
