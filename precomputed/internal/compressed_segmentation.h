// The `compressed_segmentation` chunk encoding (spec section 3), uint32 or uint64.
//
// Bytes, all little-endian uint32 words:
//   [nc words]            channel c's data starts at word offset[c] of the chunk
//   per channel, offsets below count words from that channel's start:
//     [gx*gy*gz x 2 words] block headers, x fastest; gd = ceil(chunk / block)
//        word 0: bits 0-23 lookup table offset, bits 24-31 encoded_bits (0,1,2,4,8,16,32)
//        word 1: encoded values offset
//     values: a packed bit array; voxel (x,y,z) of a block is index x + bx*(y + by*z)
//        (full block dims, also for clipped blocks), LSB first, encoded_bits each
//     tables: labels (uint64 = low word, high word); voxel = table[index]
// Every offset and index is checked against the channel's extent.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

// Decodes the chunk's overlap with the cutout. The target array's dtype (uint32 or uint64) is the
// label type. Throws kDataLoss naming `name` for any length, offset or index out of range.
void decode_compressed_segmentation_chunk(std::span<const std::byte> bytes,
                                          const ChunkTarget& target, int channels,
                                          const Vec3& block_size, const std::string& name);

// Encodes a chunk (x-fastest, planar channels) of uint32 or uint64 labels.
std::vector<std::byte> encode_compressed_segmentation(const std::byte* voxels, DataType dtype,
                                                      const Vec3& shape, int channels,
                                                      const Vec3& block_size);

}  // namespace imagery::precomputed
