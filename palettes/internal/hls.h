// Python's colorsys.hls_to_rgb and seaborn's hls_palette (evenly spaced hues in HLS space).
#pragma once

#include <cstddef>
#include <vector>

#include "imagery/palettes/color.h"

namespace imagery::palettes {

// h, l, s in [0, 1], exactly as colorsys computes it (so l = 0.65, s = 1 gives 0.9999999999999999
// rather than 1, and ImageryClient's truncation then gives 254).
RgbF hls_to_rgb(double h, double l, double s);

// seaborn.hls_palette(n, h, l, s).
std::vector<RgbF> hls_palette(std::size_t n, double h, double l, double s);

}  // namespace imagery::palettes
