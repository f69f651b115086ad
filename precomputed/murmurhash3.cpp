#include "imagery/precomputed/internal/murmurhash3.h"

#include <murmurhash.h>  // Debian libmurmurhash-dev (kloetzl/libmurmurhash)

#include <bit>

namespace imagery::precomputed {

static_assert(std::endian::native == std::endian::little,
              "the hash input is the little-endian byte image of the id");

std::array<std::uint32_t, 4> murmurhash3_x86_128(std::uint64_t input, std::uint32_t seed) {
  // The packaged hash reproduces every vector of spec section 4.3 (murmurhash3_test.cpp), so
  // there is no private copy of the algorithm to keep correct.
  std::array<std::uint32_t, 4> out{};
  lmmh_x86_128(&input, sizeof input, seed, out.data());
  return out;
}

std::uint64_t murmurhash3_x86_128_low64(std::uint64_t input) {
  const auto h = murmurhash3_x86_128(input, 0);
  return static_cast<std::uint64_t>(h[0]) | static_cast<std::uint64_t>(h[1]) << 32;
}

}  // namespace imagery::precomputed
