// OMERO's rendering model: per channel a window, a colour or lookup table, invert and on/off,
// drawn in greyscale (the first active channel alone) or colour (the active channels added):
//
//   f_c = clip((v - LO) / (HI - LO), 0, 1), or 1 - f_c with invert
//   out = round(255 * clip(sum_c opacity_c * f_c * colour_c, 0, 1))   per R, G, B
//
// with colour_c in [0, 1] (a byte / 255); a lookup table contributes its entry at f_c instead
// of f_c * colour_c. Rounding is to nearest, ties to even (NumPy's round). A flat window
// (HI <= LO) gives f = 1 above LO and 0 elsewhere; NaN gives 0.
//
// Channels are written on the command line as `I[:window=W][:color=C][:invert]` and extra
// layers (other volumes on the same grid) as `SOURCE[:window=W][:color=C][:opacity=A]`, with W
// any window form (LO,HI, auto, p:LO,HI, minmax, full).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"
#include "imagery/overlay/display_window.h"
#include "imagery/rendering/lookup_table.h"

namespace imagery::rendering {

enum class ColorModel { kGreyscale, kColor };

// "greyscale" (also "grayscale", "grey") or "color" (also "colour"); nullopt otherwise.
std::optional<ColorModel> parse_color_model(std::string_view text);
std::string color_model_name(ColorModel model);  // "greyscale", "color"

// One channel as asked: unset fields take the request's window and the standard colour.
struct ChannelSetting {
  int index = 0;  // 0-based
  std::optional<overlay::DisplayWindow> window;
  std::optional<ChannelColor> color;
  bool invert = false;
  bool operator==(const ChannelSetting&) const = default;
};
// "I[:window=W][:color=C][:invert]"; throws kInvalidArgument naming `what`.
ChannelSetting parse_channel_setting(const std::string& text, const std::string& what);
std::string channel_setting_text(const ChannelSetting& setting);

// Another image volume drawn on the same grid, added in the colour model.
struct LayerSetting {
  std::string url;
  int channel = 0;
  std::optional<overlay::DisplayWindow> window;
  std::optional<ChannelColor> color;  // default: white
  bool invert = false;
  double opacity = 1;  // in [0, 1]
  bool operator==(const LayerSetting&) const = default;
};
// "SOURCE[:window=W][:color=C][:opacity=A][:channel=I][:invert]", options taken from the end
// (a URL has colons of its own); throws kInvalidArgument naming `what`.
LayerSetting parse_layer_setting(const std::string& text, const std::string& what);
std::string layer_setting_text(const LayerSetting& setting);

// The standard colour of channel `index` of `count`: one channel grey; otherwise red, green,
// blue, then cyan, magenta, yellow, grey, repeating (OMERO's and napari's order).
ChannelColor standard_channel_color(int index, int count);

// One channel ready to draw: its values (channel `channel` of `data`), its window in numbers,
// colour, invert and opacity.
struct ChannelDraw {
  const Array* data = nullptr;
  int channel = 0;
  double low = 0, high = 255;
  ChannelColor color;
  bool invert = false;
  double opacity = 1;
};

// The colour model: (X, Y, Z, 3) uint8, r, g, b as channels. Every input must have the same
// X, Y, Z. Rows are drawn on `pool`.
Array render_color(const std::vector<ChannelDraw>& channels, ThreadPool* pool = nullptr);
// The greyscale model: (X, Y, Z, 1) uint8 of round(255 f).
Array render_greyscale(const ChannelDraw& channel, ThreadPool* pool = nullptr);

}  // namespace imagery::rendering
