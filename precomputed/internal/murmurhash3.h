// MurmurHash3_x86_128 of one little-endian uint64, the hash of sharded volumes
// (spec section 4.3). Input bytes: the 8 bytes of the value, least significant
// first (length 8). Output: four 32-bit lanes h1..h4; the format keeps the low
// 64 bits, h1 | h2 << 32, and discards h3 and h4. The seed fills all four lanes.
#pragma once

#include <array>
#include <cstdint>

namespace imagery::precomputed {

// The four output lanes h1, h2, h3, h4.
std::array<std::uint32_t, 4> murmurhash3_x86_128(std::uint64_t input, std::uint32_t seed = 0);

// The 64-bit hashed chunk id of the sharded format: lanes h1 | h2 << 32 with seed 0.
std::uint64_t murmurhash3_x86_128_low64(std::uint64_t input);

}  // namespace imagery::precomputed
