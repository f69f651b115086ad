// Imagery to 8-bit grey for display. uint8 passes through. By default other dtypes are clipped
// as ImageryClient's Pillow conversion does (floats via float32, truncated toward zero; values
// below 0 give 0 and above 255 give 255; NaN gives 0), so a composite of uint16 or float imagery
// matches ImageryClient's. A window maps [min, max] linearly onto [0, 255] instead (rounded,
// clipped), and the auto window takes min and max from the 0.5 and 99.5 percentiles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::overlay {

struct DisplayWindow {
  enum class Mode { kClip, kRange, kAuto };
  Mode mode = Mode::kClip;
  double min = 0, max = 255;  // for kRange
};

// "auto" or "MIN,MAX" (MIN < MAX, finite); throws kInvalidArgument naming `flag`.
DisplayWindow parse_display_window(const std::string& text, const std::string& flag);

// The [min, max] an auto window picks: NumPy's linear-interpolated 0.5 and 99.5 percentiles of
// the finite values (0, 0 for none).
std::pair<double, double> auto_window_range(const Array& imagery);
// The same over the values of several arrays together (one window for several figures).
std::pair<double, double> auto_window_range(const std::vector<const Array*>& imagery);

// One grey byte per voxel of a one-channel array, in the array's x-fastest order.
std::vector<std::uint8_t> to_grey8(const Array& imagery, const DisplayWindow& window);

}  // namespace imagery::overlay
