// The tiles of a source's xy sections as large_image's getTile numbers them: 256 x 256 pixels,
// level 0 the coarsest level at which the whole section fits in one tile, each next level twice
// as fine, so there are ceil(log2(max(w, h) / 256)) + 1 levels and level L shows 2^(levels - 1 -
// L) mip-0 voxels per pixel. Tile (x, y) of a level covers the mip-0 box from the section's
// corner; tiles at the right and bottom edges are clipped to the section.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "imagery/core/bbox.h"
#include "imagery/volume/volume.h"

namespace imagery::serve {

inline constexpr std::int64_t kTileSize = 256;

struct TileGrid {
  Bbox section;  // mip-0 voxels of the whole volume (its z range included)
  int levels = 1;
  // Mip-0 voxels per tile pixel at `level` (2^(levels - 1 - level)).
  std::int64_t scale(int level) const;
  // Tiles across and down at `level`.
  std::int64_t columns(int level) const;
  std::int64_t rows(int level) const;
};

TileGrid tile_grid(const volume::Metadata& metadata);

struct TileBox {
  Bbox voxels;                         // mip-0 voxels, one section
  std::int64_t width = 0, height = 0;  // pixels of the tile they fill (<= 256)
};

// The box of tile (x, y) of `level` at section z (mip-0). Throws kNotFound for a level or tile
// outside the grid and kInvalidArgument for a z outside the volume.
TileBox tile_box(const TileGrid& grid, int level, std::int64_t x, std::int64_t y, std::int64_t z);

// {"tile_size": 256, "levels": N, "size_x", "size_y", "size_z", "offset": [x, y, z]}.
nlohmann::ordered_json tile_grid_json(const TileGrid& grid);

}  // namespace imagery::serve
