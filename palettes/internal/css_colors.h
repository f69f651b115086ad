// CSS named colours ("red", "cornflowerblue", "rebeccapurple", ...), matched case-insensitively.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "imagery/palettes/color.h"

namespace imagery::palettes {

std::optional<Rgb8> css_color(std::string_view name);
std::size_t css_color_count();

}  // namespace imagery::palettes
