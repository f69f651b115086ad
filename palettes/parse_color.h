// Colours as users write them on the command line: "#rrggbb", "#rgb", a CSS name ("red"), or
// "r,g,b" floats in [0, 1]. Floats become bytes by truncation, int(255 * c), as ImageryClient
// does with its float colours, so "1,0.5,0" is (255, 127, 0).
#pragma once

#include <string>
#include <string_view>

#include "imagery/palettes/color.h"

namespace imagery::palettes {

// Throws kInvalidArgument naming `what` (e.g. the flag) and the text when it is not a colour.
Rgb8 parse_color(std::string_view text, const std::string& what);

}  // namespace imagery::palettes
