// HUSL (HSLuv 2.1.0 as vendored by seaborn) to RGB, and seaborn's husl_palette: the default
// object colours of ImageryClient. Every step follows seaborn's float operations in the same
// order so that int(255 * c) lands on the same integer as in Python.
#pragma once

#include <cstddef>
#include <vector>

#include "imagery/palettes/color.h"

namespace imagery::palettes {

// h in degrees [0, 360), s and l in [0, 100]. The result is not clipped (seaborn clips afterwards).
RgbF husl_to_rgb(double h, double s, double l);

// seaborn.husl_palette(n, h, s, l): n hues evenly spaced from h (all of h, s, l in [0, 1]), hue
// scaled by 359 (not 360) and s, l by 99, each channel clipped to [0, 1].
std::vector<RgbF> husl_palette(std::size_t n, double h, double s, double l);

}  // namespace imagery::palettes
