// The `raw` chunk encoding (spec 2.4): no header; prod(chunk shape) x channels
// little-endian elements, x fastest, channels slowest (planar).
#pragma once

#include <span>
#include <string>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

// Checks the length exactly and copies the chunk's overlap with the cutout. Throws kDataLoss
// naming `name` when the length is not prod(chunk shape) x channels x element size.
void decode_raw_chunk(std::span<const std::byte> bytes, const ChunkTarget& target, int channels,
                      const std::string& name);

}  // namespace imagery::precomputed
