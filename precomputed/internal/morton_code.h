// The chunk id of a sharded scale: the compressed Morton code of the chunk's
// grid cell (spec section 4.2). Axis d contributes b_d = bit_width(G_d - 1)
// bits for a grid of G_d cells (a single-cell axis contributes none). Starting
// at the least significant bit, bit i of x, then of y, then of z is appended
// for as long as that axis has bits; exhausted axes are skipped, so the code is
// dense in b_x + b_y + b_z <= 64 bits.
#pragma once

#include <array>
#include <cstdint>

#include "imagery/core/vec3.h"

namespace imagery::precomputed {

// Bits per axis for a grid of `grid` cells (every component >= 0).
std::array<int, 3> morton_bits(const Vec3& grid);

// The compressed Morton code of `cell` (0 <= cell < grid per axis). Throws kInvalidArgument when
// the cell lies outside the grid or the grid needs more than 64 bits.
std::uint64_t compressed_morton_code(const Vec3& cell, const Vec3& grid);

}  // namespace imagery::precomputed
