#include "imagery/overlay/display_window.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "imagery/core/error.h"

namespace imagery::overlay {

namespace {

template <class T>
std::uint8_t clip_like_pillow(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    float f = static_cast<float>(v);  // Pillow holds float imagery as 32-bit floats
    if (std::isnan(f) || f <= 0) return 0;
    if (f >= 255) return 255;
    return static_cast<std::uint8_t>(f);
  } else {
    if (v <= 0) return 0;
    if (v >= 255) return 255;
    return static_cast<std::uint8_t>(v);
  }
}

// NumPy's default percentile: linear interpolation between order statistics.
double percentile_of_sorted_position(std::vector<double>& values, double q) {
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double a = values[lo];
  double b = a;
  if (hi != lo)
    b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  const double t = pos - static_cast<double>(lo);
  // NumPy's _lerp: from the nearer end, so t = 1 gives b exactly.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

}  // namespace

DisplayWindow parse_display_window(const std::string& text, const std::string& flag) {
  const std::string expected =
      flag + ": expected MIN,MAX, auto, p:LO,HI (percentiles), minmax or full, got '" + text + "'";
  DisplayWindow window;
  if (text == "auto") {
    window.mode = DisplayWindow::Mode::kAuto;
    return window;
  }
  if (text == "minmax") {
    window.mode = DisplayWindow::Mode::kMinMax;
    return window;
  }
  if (text == "full") {
    window.mode = DisplayWindow::Mode::kFull;
    return window;
  }
  const bool percentiles = text.rfind("p:", 0) == 0;
  const std::string pair = percentiles ? text.substr(2) : text;
  const std::size_t comma = pair.find(',');
  auto number = [&](const std::string& part) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size() || !std::isfinite(v))
      fail(ErrorCode::kInvalidArgument, expected);
    return v;
  };
  if (comma == std::string::npos || pair.find(',', comma + 1) != std::string::npos)
    fail(ErrorCode::kInvalidArgument, expected);
  window.mode = percentiles ? DisplayWindow::Mode::kPercentile : DisplayWindow::Mode::kRange;
  window.min = number(pair.substr(0, comma));
  window.max = number(pair.substr(comma + 1));
  if (!(window.min < window.max))
    fail(ErrorCode::kInvalidArgument, flag + ": " + (percentiles ? "LO" : "MIN") +
                                          " must be below " + (percentiles ? "HI" : "MAX") +
                                          ", got '" + text + "'");
  if (percentiles && (window.min < 0 || window.max > 100))
    fail(ErrorCode::kInvalidArgument,
         flag + ": percentiles are between 0 and 100, got '" + text + "'");
  return window;
}

std::string display_window_text(const DisplayWindow& window) {
  auto number = [](double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return std::string(text);
  };
  switch (window.mode) {
    case DisplayWindow::Mode::kClip:
      return "";
    case DisplayWindow::Mode::kAuto:
      return "auto";
    case DisplayWindow::Mode::kMinMax:
      return "minmax";
    case DisplayWindow::Mode::kFull:
      return "full";
    case DisplayWindow::Mode::kPercentile:
      return "p:" + number(window.min) + "," + number(window.max);
    case DisplayWindow::Mode::kRange:
      break;
  }
  return number(window.min) + "," + number(window.max);
}

namespace {

// Calls fn(value) for every finite value of channel `channel` (-1: all) of each array.
template <class Fn>
void for_each_finite(const std::vector<const Array*>& arrays, int channel, Fn&& fn) {
  for (const Array* a : arrays) {
    const Array& array = *a;
    const Shape4& s = array.shape();
    const std::int64_t per_channel = s.x * s.y * s.z;
    if (channel >= s.c) continue;
    const std::int64_t begin = channel < 0 ? 0 : per_channel * channel;
    const std::int64_t end = channel < 0 ? s.count() : begin + per_channel;
    visit_dtype(array.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* p = array.data<T>();
      for (std::int64_t i = begin; i < end; ++i) {
        if constexpr (std::is_floating_point_v<T>) {
          if (!std::isfinite(p[i])) continue;
        }
        fn(static_cast<double>(p[i]));
      }
    });
  }
}

}  // namespace

std::pair<double, double> percentile_range(const std::vector<const Array*>& arrays, double lo,
                                           double hi, int channel) {
  std::vector<double> values;
  std::size_t total = 0;
  for (const Array* a : arrays) total += static_cast<std::size_t>(a->shape().count());
  values.reserve(total);
  for_each_finite(arrays, channel, [&](double v) { values.push_back(v); });
  if (values.empty()) return {0, 0};
  const double low = percentile_of_sorted_position(values, lo);
  const double high = percentile_of_sorted_position(values, hi);
  return {low, high};
}

std::pair<double, double> data_range(const std::vector<const Array*>& arrays, int channel) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for_each_finite(arrays, channel, [&](double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  });
  if (lo > hi) return {0, 0};
  return {lo, hi};
}

std::pair<double, double> window_range(const DisplayWindow& window,
                                       const std::vector<const Array*>& arrays, DataType dtype,
                                       int channel) {
  switch (window.mode) {
    case DisplayWindow::Mode::kClip:
      return {0, 255};
    case DisplayWindow::Mode::kRange:
      return {window.min, window.max};
    case DisplayWindow::Mode::kAuto:
      return percentile_range(arrays, 0.5, 99.5, channel);
    case DisplayWindow::Mode::kPercentile:
      return percentile_range(arrays, window.min, window.max, channel);
    case DisplayWindow::Mode::kMinMax:
      return data_range(arrays, channel);
    case DisplayWindow::Mode::kFull:
      break;
  }
  return visit_dtype(dtype, [](auto zero) -> std::pair<double, double> {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T>)
      return {0.0, 1.0};
    else
      return {static_cast<double>(std::numeric_limits<T>::min()),
              static_cast<double>(std::numeric_limits<T>::max())};
  });
}

DisplayWindow resolved_window(const DisplayWindow& window, const std::vector<const Array*>& arrays,
                              int channel) {
  if (window.mode == DisplayWindow::Mode::kClip || window.mode == DisplayWindow::Mode::kRange)
    return window;
  const DataType dtype = arrays.empty() ? DataType::kUint8 : arrays.front()->dtype();
  const auto [lo, hi] = window_range(window, arrays, dtype, channel);
  // A flat window (one value, or no data) widens by one so that it stays a valid MIN,MAX; the
  // value itself still draws black.
  return {DisplayWindow::Mode::kRange, lo, hi > lo ? hi : lo + 1};
}

std::pair<double, double> auto_window_range(const Array& imagery) {
  return auto_window_range(std::vector<const Array*>{&imagery});
}

std::pair<double, double> auto_window_range(const std::vector<const Array*>& arrays) {
  return percentile_range(arrays, 0.5, 99.5);
}

std::vector<std::uint8_t> to_grey8(const Array& imagery, const DisplayWindow& window) {
  const auto n = static_cast<std::size_t>(imagery.shape().count());
  std::vector<std::uint8_t> out(n);
  if (window.mode == DisplayWindow::Mode::kClip) {
    visit_dtype(imagery.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* p = imagery.data<T>();
      if constexpr (std::is_same_v<T, std::uint8_t>)
        std::copy(p, p + n, out.begin());
      else
        for (std::size_t i = 0; i < n; ++i) out[i] = clip_like_pillow(p[i]);
    });
    return out;
  }
  const auto [lo, hi] = window_range(window, {&imagery}, imagery.dtype());
  // A flat image has no range to stretch: values above it are white, the rest black.
  const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
  visit_dtype(imagery.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = imagery.data<T>();
    for (std::size_t i = 0; i < n; ++i) {
      double v = static_cast<double>(p[i]);
      double g;
      if (std::isnan(v))
        g = 0;
      else if (scale == 0)
        g = v > lo ? 255 : 0;
      else
        g = std::nearbyint((v - lo) * scale);
      out[i] = static_cast<std::uint8_t>(std::clamp(g, 0.0, 255.0));
    }
  });
  return out;
}

std::vector<std::uint8_t> to_rgb8(const Array& imagery, const DisplayWindow& window) {
  const Shape4& s = imagery.shape();
  if (s.c != 3)
    fail(ErrorCode::kInvalidArgument, "colour imagery has 3 channels, not " + std::to_string(s.c));
  const std::int64_t n = s.x * s.y * s.z;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(3 * n));
  if (imagery.dtype() == DataType::kUint8 && window.mode == DisplayWindow::Mode::kClip) {
    const std::uint8_t* p = imagery.data<std::uint8_t>();
    for (std::int64_t i = 0; i < n; ++i)
      for (int c = 0; c < 3; ++c) out[static_cast<std::size_t>(3 * i + c)] = p[c * n + i];
    return out;
  }
  // One window over the three channels together, as one picture.
  const auto [lo, hi] = window_range(window, {&imagery}, imagery.dtype());
  const DisplayWindow fixed = window.mode == DisplayWindow::Mode::kClip
                                  ? window
                                  : DisplayWindow{DisplayWindow::Mode::kRange, lo, hi};
  for (int c = 0; c < 3; ++c) {
    Array channel(imagery.dtype(), {s.x, s.y, s.z, 1});
    const std::size_t bytes = static_cast<std::size_t>(n) * imagery.element_size();
    std::memcpy(channel.bytes(), imagery.bytes() + bytes * static_cast<std::size_t>(c), bytes);
    DisplayWindow w = fixed;
    if (w.mode == DisplayWindow::Mode::kRange && !(w.min < w.max)) w.max = w.min + 1;
    const std::vector<std::uint8_t> grey = to_grey8(channel, w);
    for (std::int64_t i = 0; i < n; ++i)
      out[static_cast<std::size_t>(3 * i + c)] = grey[static_cast<std::size_t>(i)];
  }
  return out;
}

}  // namespace imagery::overlay
