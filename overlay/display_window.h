// Imagery to 8-bit grey for display. uint8 passes through. By default other dtypes are clipped
// as ImageryClient's Pillow conversion does (floats via float32, truncated toward zero; values
// below 0 give 0 and above 255 give 255; NaN gives 0), so a composite of uint16 or float imagery
// matches ImageryClient's. A window maps [min, max] linearly onto [0, 255] instead (rounded,
// clipped), and the auto window takes min and max from the 0.5 and 99.5 percentiles. The other
// forms OMERO and large_image offer are worked out from the data the same way: given
// percentiles, the data's min and max, or the data type's whole range (floats: 0..1). A window
// is worked out once per request over everything it shows (window_range over several arrays).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::overlay {

struct DisplayWindow {
  // kPercentile: min and max are percentiles (0..100); kMinMax: the data's min and max;
  // kFull: the data type's range.
  enum class Mode { kClip, kRange, kAuto, kPercentile, kMinMax, kFull };
  Mode mode = Mode::kClip;
  double min = 0, max = 255;  // for kRange (values) and kPercentile (percentiles)
  // Whether the window depends on the data (auto, percentiles, minmax).
  bool from_data() const {
    return mode == Mode::kAuto || mode == Mode::kPercentile || mode == Mode::kMinMax;
  }
  bool operator==(const DisplayWindow&) const = default;
};

// "auto", "MIN,MAX" (MIN < MAX, finite), "p:LO,HI" (0 <= LO < HI <= 100), "minmax", "full";
// throws kInvalidArgument naming `flag`.
DisplayWindow parse_display_window(const std::string& text, const std::string& flag);
// The text parse_display_window reads back ("" for kClip).
std::string display_window_text(const DisplayWindow& window);
// The [min, max] `window` stands for over the finite values of `arrays` together (channel
// `channel` of each, or every value for -1). kClip gives 0..255, kFull the range of `dtype`
// (floats 0..1), kRange its own numbers; the data forms give 0, 0 for no finite value.
std::pair<double, double> window_range(const DisplayWindow& window,
                                       const std::vector<const Array*>& arrays, DataType dtype,
                                       int channel = -1);
// NumPy's linear-interpolated percentiles `lo` and `hi` of the finite values.
std::pair<double, double> percentile_range(const std::vector<const Array*>& arrays, double lo,
                                           double hi, int channel = -1);
// The smallest and largest finite value (0, 0 for none).
std::pair<double, double> data_range(const std::vector<const Array*>& arrays, int channel = -1);
// The window fixed to its numbers over `arrays` (a data form becomes kRange, widened to
// [v, v + 1] when flat; kClip and kRange stay): what a request records after working it out.
DisplayWindow resolved_window(const DisplayWindow& window, const std::vector<const Array*>& arrays,
                              int channel = -1);

// The [min, max] an auto window picks: NumPy's linear-interpolated 0.5 and 99.5 percentiles of
// the finite values (0, 0 for none).
std::pair<double, double> auto_window_range(const Array& imagery);
// The same over the values of several arrays together (one window for several figures).
std::pair<double, double> auto_window_range(const std::vector<const Array*>& imagery);

// One grey byte per voxel of a one-channel array, in the array's x-fastest order.
std::vector<std::uint8_t> to_grey8(const Array& imagery, const DisplayWindow& window);
// Three bytes (r, g, b) per voxel of a three-channel array (colour imagery: an RGB volume, or a
// rendering of channels and layers), interleaved in x-fastest order, each channel through
// `window` as to_grey8 does (uint8 with no window passes through).
std::vector<std::uint8_t> to_rgb8(const Array& imagery, const DisplayWindow& window);

}  // namespace imagery::overlay
