// How a channel is coloured: a plain colour (OMERO's channel colour; the value's fraction of the
// window scales it) or a lookup table of 256 colours (ImageJ's "fire", matplotlib's "viridis").
// The LUT names grey, red, green, blue, cyan, magenta and yellow are the pure colours (so
// "green" is #00ff00, not CSS's #008000); any other text is a colour as elsewhere ("#ff00ff",
// a CSS name, "r,g,b").
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "imagery/palettes/color.h"

namespace imagery::rendering {

using LookupTable = std::array<palettes::Rgb8, 256>;

struct ChannelColor {
  palettes::Rgb8 rgb{255, 255, 255};
  std::string lut;  // "fire", "viridis"; "" draws `rgb`
  bool operator==(const ChannelColor&) const = default;
};

// A colour or LUT name; throws kInvalidArgument naming `what`.
ChannelColor parse_channel_color(std::string_view text, const std::string& what);
// The text parse_channel_color reads back ("viridis", "#ff00ff").
std::string channel_color_text(const ChannelColor& color);
// The table named `name` ("fire", "viridis"); nullptr for another name.
const LookupTable* lookup_table(std::string_view name);
// The entry a fraction f in [0, 1] of the window takes: floor(256 f), 255 for f = 1
// (matplotlib's rule for a 256-colour map).
int lut_index(double f);
// "grey, red, ..., fire, viridis" for messages.
std::string channel_color_names_text();

}  // namespace imagery::rendering
