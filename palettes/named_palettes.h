// Fixed qualitative palettes by name: tab10, tab20, tab20b, tab20c, Set1, Set2, Set3, Paired,
// Dark2, Accent, Pastel1, Pastel2 (matplotlib) and deep, muted, bright, pastel, dark,
// colorblind (seaborn). Names are case-sensitive, as in matplotlib.
#pragma once

#include <string_view>
#include <vector>

#include "imagery/palettes/color.h"

namespace imagery::palettes {

// The palette's base colours in order, or nullptr for an unknown name.
const std::vector<RgbF>* named_palette(std::string_view name);
std::vector<std::string_view> named_palette_names();

}  // namespace imagery::palettes
