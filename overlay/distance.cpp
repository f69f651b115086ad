#include "imagery/overlay/internal/distance.h"

#include <algorithm>
#include <cstddef>

namespace imagery::overlay {

void l1_distance(const std::uint8_t* seed, std::uint32_t w, std::uint32_t h, std::uint32_t* dist) {
  const std::size_t stride = w;
  // Forward pass: nearest seed above or to the left.
  for (std::uint32_t y = 0; y < h; ++y) {
    const std::uint8_t* s = seed + y * stride;
    std::uint32_t* d = dist + y * stride;
    const std::uint32_t* up = y ? d - stride : nullptr;
    std::uint32_t left = kFarAway;
    for (std::uint32_t x = 0; x < w; ++x) {
      std::uint32_t v = s[x] ? 0 : std::min(left + 1, kFarAway);
      if (up) v = std::min(v, up[x] + 1);
      d[x] = v;
      left = v;
    }
  }
  // Backward pass: below or to the right.
  for (std::uint32_t y = h; y-- > 0;) {
    std::uint32_t* d = dist + y * stride;
    const std::uint32_t* down = y + 1 < h ? d + stride : nullptr;
    std::uint32_t right = kFarAway;
    for (std::uint32_t x = w; x-- > 0;) {
      std::uint32_t v = std::min(d[x], right + 1);
      if (down) v = std::min(v, down[x] + 1);
      d[x] = v;
      right = v;
    }
  }
}

}  // namespace imagery::overlay
