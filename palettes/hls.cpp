#include "imagery/palettes/internal/hls.h"

#include "imagery/palettes/internal/python_math.h"

namespace imagery::palettes {

namespace {

constexpr double kOneThird = 1.0 / 3.0;
constexpr double kOneSixth = 1.0 / 6.0;
constexpr double kTwoThirds = 2.0 / 3.0;

double hue_value(double m1, double m2, double hue) {
  hue = python_mod(hue, 1.0);
  if (hue < kOneSixth) return m1 + (m2 - m1) * hue * 6.0;
  if (hue < 0.5) return m2;
  if (hue < kTwoThirds) return m1 + (m2 - m1) * (kTwoThirds - hue) * 6.0;
  return m1;
}

}  // namespace

RgbF hls_to_rgb(double h, double l, double s) {
  if (s == 0.0) return {l, l, l};
  double m2 = l <= 0.5 ? l * (1.0 + s) : l + s - (l * s);
  double m1 = 2.0 * l - m2;
  return {hue_value(m1, m2, h + kOneThird), hue_value(m1, m2, h), hue_value(m1, m2, h - kOneThird)};
}

std::vector<RgbF> hls_palette(std::size_t n, double h, double l, double s) {
  std::vector<RgbF> out;
  out.reserve(n);
  for (double hue : linspace_without_end(n))
    out.push_back(hls_to_rgb(python_mod(hue + h, 1.0), l, s));
  return out;
}

}  // namespace imagery::palettes
