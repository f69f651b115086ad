// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF):
// the checksum of Zarr v3's `crc32c` codec and of crackle streams (header index, labels and the
// component images of its slices). Debian has no library for it: x86-64 processors with SSE4.2
// compute it in hardware (several GB/s), others with a table-driven loop (about 1 GB/s).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace imagery {

std::uint32_t crc32c(std::span<const std::byte> bytes);

}  // namespace imagery
