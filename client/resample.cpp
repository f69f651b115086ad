#include "imagery/client/resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "imagery/core/error.h"
#include "imagery/core/thread_pool.h"

namespace imagery::client {

std::vector<std::int64_t> nearest_indices(std::int64_t lo, std::int64_t hi, double dst_resolution,
                                          double src_resolution) {
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, hi - lo)));
  const long double rd = dst_resolution, rs = src_resolution;
  for (std::int64_t i = lo; i < hi; ++i) {
    // (2i + 1) * r_dst / (2 r_src): exact for integer resolutions.
    long double q = (static_cast<long double>(2 * i + 1) * rd) / (2 * rs);
    out.push_back(static_cast<std::int64_t>(std::floor(q)));
  }
  return out;
}

Bbox source_box(const Bbox& dst_box, const Vec3d& dst_resolution, const Vec3d& src_resolution) {
  Bbox b;
  for (int d = 0; d < 3; ++d) {
    auto first =
        nearest_indices(dst_box.min[d], dst_box.min[d] + 1, dst_resolution[d], src_resolution[d]);
    auto last =
        nearest_indices(dst_box.max[d] - 1, dst_box.max[d], dst_resolution[d], src_resolution[d]);
    b.min[d] = first.front();
    b.max[d] = last.front() + 1;
  }
  return b;
}

Array resample_nearest(const Array& src, const Bbox& src_box, const Vec3d& src_resolution,
                       const Bbox& dst_box, const Vec3d& dst_resolution, ThreadPool* pool) {
  const Shape4& ss = src.shape();
  Vec3 size = dst_box.size();
  // Every destination voxel reads a source voxel (clamped to the edge): there must be one.
  if (size.x > 0 && size.y > 0 && size.z > 0 && ss.c > 0 && ss.xyz().volume() <= 0)
    fail(ErrorCode::kInvalidArgument, "cannot resample an empty source of " + ss.xyz().to_string() +
                                          " voxels onto " + dst_box.to_string());
  Array dst(src.dtype(), {size.x, size.y, size.z, ss.c});
  std::vector<std::int64_t> idx[3];
  for (int d = 0; d < 3; ++d) {
    idx[d] = nearest_indices(dst_box.min[d], dst_box.max[d], dst_resolution[d], src_resolution[d]);
    const std::int64_t n = ss.xyz()[d];
    for (auto& v : idx[d]) v = std::clamp<std::int64_t>(v - src_box.min[d], 0, n - 1);
  }
  const std::size_t es = src.element_size();
  const std::byte* in = src.bytes();
  std::byte* out = dst.bytes();
  const std::int64_t rows = size.y * size.z * ss.c;
  parallel_for(pool, static_cast<std::size_t>(rows), [&](std::size_t row) {
    const std::int64_t r = static_cast<std::int64_t>(row);
    const std::int64_t y = r % size.y, z = (r / size.y) % size.z, c = r / (size.y * size.z);
    const std::byte* src_row = in + src.index(0, idx[1][y], idx[2][z], c) * es;
    std::byte* dst_row = out + dst.index(0, y, z, c) * es;
    for (std::int64_t x = 0; x < size.x; ++x)
      std::memcpy(dst_row + x * es, src_row + idx[0][x] * es, es);
  });
  return dst;
}

}  // namespace imagery::client
