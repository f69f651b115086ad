#include "imagery/overlay/outline.h"

#include <cstddef>

#include "imagery/overlay/internal/distance.h"

namespace imagery::overlay {

std::optional<Side> parse_side(std::string_view text) {
  if (text == "out") return Side::kOut;
  if (text == "in") return Side::kIn;
  return std::nullopt;
}

std::uint32_t effective_width(int width, std::uint32_t w, std::uint32_t h) {
  // No L1 distance inside the picture exceeds w + h, so larger widths change nothing.
  std::uint64_t cap = std::uint64_t{w} + h;
  if (width < 1 || static_cast<std::uint64_t>(width) > cap) return static_cast<std::uint32_t>(cap);
  return static_cast<std::uint32_t>(width);
}

std::vector<std::uint8_t> binary_outline(const std::uint8_t* mask, std::uint32_t w, std::uint32_t h,
                                         int width, Side side) {
  const std::size_t n = static_cast<std::size_t>(w) * h;
  const std::uint32_t r = effective_width(width, w, h);
  std::vector<std::uint8_t> out(n, 0);
  std::vector<std::uint32_t> dist(n);
  if (side == Side::kOut) {
    l1_distance(mask, w, h, dist.data());
    for (std::size_t i = 0; i < n; ++i) out[i] = !mask[i] && dist[i] <= r;
  } else {
    // Distance to the nearest pixel outside the mask; the border does not count as outside.
    std::vector<std::uint8_t> outside(n);
    for (std::size_t i = 0; i < n; ++i) outside[i] = !mask[i];
    l1_distance(outside.data(), w, h, dist.data());
    for (std::size_t i = 0; i < n; ++i) out[i] = mask[i] && dist[i] <= r;
  }
  return out;
}

}  // namespace imagery::overlay
