// The `png` chunk encoding (spec 2.5): one PNG per chunk, 8-bit (uint8) or
// 16-bit (uint16, big-endian in the file) samples, grey / grey+alpha / RGB /
// RGBA for 1-4 channels interleaved per pixel, rows in x-fastest voxel order.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

void decode_png_chunk(std::span<const std::byte> bytes, const ChunkTarget& target, int channels,
                      const std::string& name);

// Encodes a uint8 or uint16 chunk (x-fastest, planar channels) as width = x, height = y*z.
std::vector<std::byte> encode_png_chunk(const std::byte* voxels, DataType dtype, const Vec3& shape,
                                        int channels, int level = 6);

}  // namespace imagery::precomputed
