// Object colours by palette name: ImageryClient's discrete_colors. "husl" and "hls" take the
// h, s, l parameters; the named qualitative palettes cycle past their length, as seaborn's
// color_palette does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/palettes/color.h"

namespace imagery::palettes {

struct PaletteParams {
  double h = 0.01;  // first hue, in turns
  double s = 1.0;   // saturation
  double l = 0.65;  // lightness
};

// n float colours; throws kInvalidArgument for an unknown name, listing the known ones.
std::vector<RgbF> discrete_colors(std::string_view palette, std::size_t n,
                                  const PaletteParams& params = {});

bool is_palette_name(std::string_view palette);
// "husl, hls, tab10, ..." for help texts and error messages.
std::string palette_names_text();

}  // namespace imagery::palettes
