// The `jpeg` chunk encoding (spec 2.5): one baseline JPEG per chunk whose
// rows, read top to bottom, are the voxels in x-fastest order (any width x
// height equal to the voxel count; CloudVolume writes width = x, height = y*z).
// Channels (1 grey or 3 RGB) are interleaved per pixel. Decoded by
// libjpeg-turbo with its accurate integer IDCT, as CloudVolume's simplejpeg.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

void decode_jpeg_chunk(std::span<const std::byte> bytes, const ChunkTarget& target, int channels,
                       const std::string& name);

// Encodes a uint8 chunk (x-fastest, planar channels, 1 or 3) as width = x, height = y*z.
std::vector<std::byte> encode_jpeg_chunk(const std::uint8_t* voxels, const Vec3& shape,
                                         int channels, int quality);

}  // namespace imagery::precomputed
