#include "imagery/palettes/color.h"

#include <cmath>

namespace imagery::palettes {

std::uint8_t to_uint8(double component) {
  if (!(component > 0)) return 0;  // also NaN
  if (component >= 1) return 255;
  return static_cast<std::uint8_t>(255.0 * component);  // truncates toward zero like Python's int()
}

Rgb8 to_uint8(const RgbF& color) {
  return {to_uint8(color.r), to_uint8(color.g), to_uint8(color.b)};
}

std::vector<Rgb8> to_uint8(const std::vector<RgbF>& colors) {
  std::vector<Rgb8> out;
  out.reserve(colors.size());
  for (const RgbF& c : colors) out.push_back(to_uint8(c));
  return out;
}

std::string hex(const Rgb8& color) {
  static const char* digits = "0123456789abcdef";
  std::string out = "#";
  for (std::uint8_t v : {color.r, color.g, color.b}) {
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

}  // namespace imagery::palettes
