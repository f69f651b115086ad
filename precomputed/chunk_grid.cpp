#include "imagery/precomputed/internal/chunk_grid.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"

namespace imagery::precomputed {

ChunkGrid::ChunkGrid(const Vec3& voxel_offset, const Vec3& size, const Vec3& chunk_size)
    : offset_(voxel_offset), size_(size), chunk_size_(chunk_size) {
  for (int d = 0; d < 3; ++d) shape_[d] = size[d] > 0 ? ceil_div(size[d], chunk_size[d]) : 0;
}

Bbox ChunkGrid::cell_bounds(const Vec3& cell) const {
  Bbox b;
  for (int d = 0; d < 3; ++d) {
    b.min[d] = offset_[d] + cell[d] * chunk_size_[d];
    b.max[d] = offset_[d] + std::min((cell[d] + 1) * chunk_size_[d], size_[d]);
  }
  return b;
}

std::vector<Vec3> ChunkGrid::cells_overlapping(const Bbox& box) const {
  Bbox clipped = intersect(box, volume_bounds());
  std::vector<Vec3> cells;
  if (clipped.empty()) return cells;
  Vec3 lo, hi;
  for (int d = 0; d < 3; ++d) {
    lo[d] = floor_div(clipped.min[d] - offset_[d], chunk_size_[d]);
    hi[d] = ceil_div(clipped.max[d] - offset_[d], chunk_size_[d]);
  }
  cells.reserve(static_cast<std::size_t>((hi - lo).volume()));
  for (std::int64_t z = lo.z; z < hi.z; ++z)
    for (std::int64_t y = lo.y; y < hi.y; ++y)
      for (std::int64_t x = lo.x; x < hi.x; ++x) cells.push_back({x, y, z});
  return cells;
}

std::uint64_t ChunkGrid::count_overlapping(const Bbox& box) const {
  const Bbox clipped = intersect(box, volume_bounds());
  if (clipped.empty()) return 0;
  std::uint64_t n = 1;
  for (int d = 0; d < 3; ++d) {
    const auto cells =
        static_cast<std::uint64_t>(ceil_div(clipped.max[d] - offset_[d], chunk_size_[d]) -
                                   floor_div(clipped.min[d] - offset_[d], chunk_size_[d]));
    if (__builtin_mul_overflow(n, cells, &n)) return UINT64_MAX;
  }
  return n;
}

std::string chunk_name(const Bbox& c) {
  auto s = [](std::int64_t v) { return std::to_string(v); };
  return s(c.min.x) + "-" + s(c.max.x) + "_" + s(c.min.y) + "-" + s(c.max.y) + "_" + s(c.min.z) +
         "-" + s(c.max.z);
}

}  // namespace imagery::precomputed
