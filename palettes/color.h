// Colour values shared by the palettes and the compositor: float RGB in [0, 1]
// as seaborn returns them, and the 8-bit RGB that figures are drawn with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace imagery::palettes {

struct RgbF {
  double r = 0, g = 0, b = 0;
  bool operator==(const RgbF&) const = default;
};

struct Rgb8 {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb8&) const = default;
};

// ImageryClient's colors_to_uint8: int(255 * c) per component, i.e. truncation, so 0.999 gives
// 254 and only an exact 1.0 gives 255. Components outside [0, 1] are clamped first (they cannot
// come from a palette; the clamp only keeps the cast defined).
std::uint8_t to_uint8(double component);
Rgb8 to_uint8(const RgbF& color);
std::vector<Rgb8> to_uint8(const std::vector<RgbF>& colors);

// "#rrggbb" (lower case), which parse_color reads back exactly.
std::string hex(const Rgb8& color);

}  // namespace imagery::palettes
