#include "imagery/core/error.h"
#include "imagery/volume/volume.h"

namespace imagery::volume {

const ScaleInfo& Metadata::scale(int mip) const {
  if (mip < 0 || mip >= static_cast<int>(scales.size()))
    fail(ErrorCode::kNotFound, url + " has no mip " + std::to_string(mip) + " (mips 0.." +
                                   std::to_string(static_cast<int>(scales.size()) - 1) + ")");
  return scales[static_cast<std::size_t>(mip)];
}

Vec3d Metadata::downsample_factor(int mip) const {
  const Vec3d& r = scale(mip).resolution;
  const Vec3d& r0 = scale(0).resolution;
  return {r.x / r0.x, r.y / r0.y, r.z / r0.z};
}

}  // namespace imagery::volume
