#include "examples/synthetic/synthetic_em.h"

#include <algorithm>
#include <cmath>

namespace imagery::synthetic {

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

namespace {

// Label at continuous coordinates (segmentation voxels): the nearest of jittered seeds (a Voronoi
// diagram), with the coordinates gently warped so that boundaries curve.
std::uint64_t label_at_point(double x, double y, std::int64_t z, double cell) {
  const double dx0 = x - 3.1 * cell, dy0 = y - 2.3 * cell;
  if (dx0 * dx0 + dy0 * dy0 < 0.45 * cell * cell) return 0;  // a pocket of background
  const double wx = x + 0.12 * cell * std::sin(y / (0.7 * cell) + z / 31.0);
  const double wy = y + 0.12 * cell * std::sin(x / (0.6 * cell) - z / 29.0);
  const auto gx = static_cast<std::int64_t>(std::floor(wx / cell));
  const auto gy = static_cast<std::int64_t>(std::floor(wy / cell));
  const std::int64_t gz = z / 24;
  double best = 1e300;
  std::uint64_t best_hash = 0;
  for (std::int64_t j = gy - 1; j <= gy + 1; ++j)
    for (std::int64_t i = gx - 1; i <= gx + 1; ++i) {
      const std::uint64_t h =
          mix64(static_cast<std::uint64_t>(i * 73856093 ^ j * 19349663 ^ gz * 83492791));
      const double sx = (i + 0.15 + 0.7 * static_cast<double>(h & 0xffff) / 65535.0) * cell;
      const double sy = (j + 0.15 + 0.7 * static_cast<double>((h >> 16) & 0xffff) / 65535.0) * cell;
      const double d = (wx - sx) * (wx - sx) + (wy - sy) * (wy - sy);
      if (d < best) best = d, best_hash = h;
    }
  const std::uint64_t h = mix64(best_hash);
  switch (h % 3) {
    case 0:
      return 1 + h % 997;  // small ids
    case 1:
      return (std::uint64_t{1} << 32) + 7919 * (h % 100000);  // above 2^32
    default:
      return (std::uint64_t{1} << 40) | (h & 0xffffffffULL);  // above 2^40
  }
}
}  // namespace

std::uint64_t label_at(std::int64_t x, std::int64_t y, std::int64_t z, double cell_size) {
  return label_at_point(static_cast<double>(x), static_cast<double>(y), z, cell_size);
}

std::uint8_t grey_at(std::int64_t x, std::int64_t y, std::int64_t z, int ratio, double cell) {
  const double sx = (x + 0.5) / ratio, sy = (y + 0.5) / ratio;
  const std::uint64_t here = label_at_point(sx, sy, z, cell);
  // Membranes: dark where a nearby point (about one segmentation voxel away) is another cell.
  int different = 0;
  const double r = 0.8;
  const double offsets[4][2] = {{r, 0}, {-r, 0}, {0, r}, {0, -r}};
  for (const auto& o : offsets) different += label_at_point(sx + o[0], sy + o[1], z, cell) != here;
  different = std::min(different, 2);
  const std::uint64_t n =
      mix64(static_cast<std::uint64_t>(x) * 2654435761u ^ static_cast<std::uint64_t>(y) * 40503u ^
            static_cast<std::uint64_t>(z) * 97u);
  double v = here == 0 ? 205.0 : 168.0 + 12.0 * std::sin(x / 37.0) * std::cos(y / 41.0);
  v -= 45.0 * different;
  // Vesicle-like rings scattered through the cytoplasm.
  const std::int64_t gx = x / 12, gy = y / 12;
  const std::uint64_t dot = mix64(static_cast<std::uint64_t>(gx * 31 + gy * 1000003 + z * 7));
  if (here != 0 && dot % 7 == 0) {
    const double cx = gx * 12 + 3.0 + static_cast<double>(dot % 6),
                 cy = gy * 12 + 3.0 + static_cast<double>((dot >> 8) % 6);
    const double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
    if (d2 < 9.0 && d2 > 2.5) v -= 50.0;
  }
  v += static_cast<double>(n % 31) - 15.0;
  return static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
}

}  // namespace imagery::synthetic
