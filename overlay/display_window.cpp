#include "imagery/overlay/display_window.h"

#include <algorithm>
#include <cmath>

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
  const double frac = pos - static_cast<double>(lo);
  return a + (b - a) * frac;
}

}  // namespace

DisplayWindow parse_display_window(const std::string& text, const std::string& flag) {
  DisplayWindow window;
  if (text == "auto") {
    window.mode = DisplayWindow::Mode::kAuto;
    return window;
  }
  const std::size_t comma = text.find(',');
  auto number = [&](const std::string& part) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size() || !std::isfinite(v))
      fail(ErrorCode::kInvalidArgument,
           flag + ": expected 'auto' or MIN,MAX (two numbers), got '" + text + "'");
    return v;
  };
  if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos)
    fail(ErrorCode::kInvalidArgument,
         flag + ": expected 'auto' or MIN,MAX (two numbers), got '" + text + "'");
  window.mode = DisplayWindow::Mode::kRange;
  window.min = number(text.substr(0, comma));
  window.max = number(text.substr(comma + 1));
  if (!(window.min < window.max))
    fail(ErrorCode::kInvalidArgument, flag + ": MIN must be below MAX, got '" + text + "'");
  return window;
}

std::pair<double, double> auto_window_range(const Array& imagery) {
  return auto_window_range(std::vector<const Array*>{&imagery});
}

std::pair<double, double> auto_window_range(const std::vector<const Array*>& arrays) {
  std::vector<double> values;
  std::size_t total = 0;
  for (const Array* a : arrays) total += static_cast<std::size_t>(a->shape().count());
  values.reserve(total);
  for (const Array* a : arrays) {
    const Array& imagery = *a;
    visit_dtype(imagery.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* p = imagery.data<T>();
      const auto n = static_cast<std::size_t>(imagery.shape().count());
      for (std::size_t i = 0; i < n; ++i) {
        double v = static_cast<double>(p[i]);
        if (std::isfinite(v)) values.push_back(v);
      }
    });
  }
  if (values.empty()) return {0, 0};
  double lo = percentile_of_sorted_position(values, 0.5);
  double hi = percentile_of_sorted_position(values, 99.5);
  return {lo, hi};
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
  double lo = window.min, hi = window.max;
  if (window.mode == DisplayWindow::Mode::kAuto) std::tie(lo, hi) = auto_window_range(imagery);
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

}  // namespace imagery::overlay
