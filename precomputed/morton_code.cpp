#include "imagery/precomputed/internal/morton_code.h"

#include <algorithm>
#include <bit>

#include "imagery/core/error.h"

namespace imagery::precomputed {

std::array<int, 3> morton_bits(const Vec3& grid) {
  std::array<int, 3> bits{};
  for (int d = 0; d < 3; ++d) {
    // bit_width(G - 1) equals ceil(log2(G)), which is what Neuroglancer uses, for every G >= 1.
    const auto cells = static_cast<std::uint64_t>(std::max<std::int64_t>(grid[d], 1));
    bits[d] = static_cast<int>(std::bit_width(cells - 1));
  }
  return bits;
}

std::uint64_t compressed_morton_code(const Vec3& cell, const Vec3& grid) {
  const auto bits = morton_bits(grid);
  if (bits[0] + bits[1] + bits[2] > 64)
    fail(ErrorCode::kInvalidArgument,
         "a chunk grid of " + grid.to_string() + " cells needs more than 64 Morton bits");
  for (int d = 0; d < 3; ++d)
    if (cell[d] < 0 || cell[d] >= grid[d])
      fail(ErrorCode::kInvalidArgument,
           "grid cell " + cell.to_string() + " is outside the chunk grid " + grid.to_string());
  std::uint64_t code = 0;
  int out_bit = 0;
  const int rounds = std::max({bits[0], bits[1], bits[2]});
  for (int i = 0; i < rounds; ++i)
    for (int d = 0; d < 3; ++d)
      if (i < bits[d]) code |= ((static_cast<std::uint64_t>(cell[d]) >> i) & 1u) << out_bit++;
  return code;
}

}  // namespace imagery::precomputed
