#include "imagery/serve/tile_geometry.h"

#include <algorithm>
#include <string>

#include "imagery/core/error.h"

namespace imagery::serve {

std::int64_t TileGrid::scale(int level) const {
  return std::int64_t{1} << (levels - 1 - level);
}

std::int64_t TileGrid::columns(int level) const {
  const std::int64_t span = kTileSize * scale(level);
  return (section.size().x + span - 1) / span;
}

std::int64_t TileGrid::rows(int level) const {
  const std::int64_t span = kTileSize * scale(level);
  return (section.size().y + span - 1) / span;
}

TileGrid tile_grid(const volume::Metadata& metadata) {
  TileGrid g;
  g.section = metadata.scale(0).bounds;
  const std::int64_t longest = std::max(g.section.size().x, g.section.size().y);
  // The smallest n with 256 * 2^n >= longest: integer arithmetic, no log2 rounding.
  int n = 0;
  while (kTileSize * (std::int64_t{1} << n) < longest && n < 40) ++n;
  g.levels = n + 1;
  return g;
}

TileBox tile_box(const TileGrid& g, int level, std::int64_t x, std::int64_t y, std::int64_t z) {
  if (level < 0 || level >= g.levels)
    fail(ErrorCode::kNotFound,
         "level " + std::to_string(level) + " is outside 0-" + std::to_string(g.levels - 1));
  if (x < 0 || y < 0 || x >= g.columns(level) || y >= g.rows(level))
    fail(ErrorCode::kNotFound, "tile " + std::to_string(x) + "," + std::to_string(y) +
                                   " is outside level " + std::to_string(level) + " (" +
                                   std::to_string(g.columns(level)) + " x " +
                                   std::to_string(g.rows(level)) + " tiles)");
  if (z < g.section.min.z || z >= g.section.max.z)
    fail(ErrorCode::kInvalidArgument, "z=" + std::to_string(z) + " is outside the volume's " +
                                          std::to_string(g.section.min.z) + "-" +
                                          std::to_string(g.section.max.z - 1));
  const std::int64_t s = g.scale(level), span = kTileSize * s;
  TileBox t;
  t.voxels.min = {g.section.min.x + x * span, g.section.min.y + y * span, z};
  t.voxels.max = {std::min(t.voxels.min.x + span, g.section.max.x),
                  std::min(t.voxels.min.y + span, g.section.max.y), z + 1};
  t.width = (t.voxels.size().x + s - 1) / s;
  t.height = (t.voxels.size().y + s - 1) / s;
  return t;
}

nlohmann::ordered_json tile_grid_json(const TileGrid& g) {
  nlohmann::ordered_json j;
  j["tile_size"] = kTileSize;
  j["levels"] = g.levels;
  j["size_x"] = g.section.size().x;
  j["size_y"] = g.section.size().y;
  j["size_z"] = g.section.size().z;
  j["offset"] = {g.section.min.x, g.section.min.y, g.section.min.z};
  return j;
}

}  // namespace imagery::serve
