// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF):
// the checksum of Zarr v3's `crc32c` codec, which appends it to the bytes it covers as a 4-byte
// little-endian number. Debian has no library for it; the table-driven form is a dozen lines.
#pragma once

#include <cstdint>
#include <span>

namespace imagery::zarr {

std::uint32_t crc32c(std::span<const std::byte> bytes);

}  // namespace imagery::zarr
