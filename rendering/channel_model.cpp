#include "imagery/rendering/channel_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imagery/core/error.h"

namespace imagery::rendering {

std::optional<ColorModel> parse_color_model(std::string_view text) {
  if (text == "greyscale" || text == "grayscale" || text == "grey" || text == "gray")
    return ColorModel::kGreyscale;
  if (text == "color" || text == "colour") return ColorModel::kColor;
  return std::nullopt;
}

std::string color_model_name(ColorModel model) {
  return model == ColorModel::kGreyscale ? "greyscale" : "color";
}

namespace {

// The options after a channel index or a layer URL, split at ':' with "window=p" joined to the
// "LO,HI" after it (percentiles have a colon of their own).
std::vector<std::string> split_options(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  std::vector<std::string> joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "window=p" && i + 1 < parts.size()) {
      joined.push_back(parts[i] + ":" + parts[i + 1]);
      ++i;
    } else {
      joined.push_back(parts[i]);
    }
  }
  return joined;
}

std::string number_text(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

// Applies one "key=value" or "invert" option; false when `option` is not one.
template <class Setting>
bool apply_option(Setting& s, const std::string& option, const std::string& what, bool layer) {
  const std::size_t eq = option.find('=');
  const std::string key = option.substr(0, eq);
  const std::string value = eq == std::string::npos ? "" : option.substr(eq + 1);
  if (option == "invert") {
    s.invert = true;
    return true;
  }
  if (eq == std::string::npos) return false;
  if (key == "window") {
    s.window = overlay::parse_display_window(value, what + " window");
    return true;
  }
  if (key == "color" || key == "colour") {
    s.color = parse_channel_color(value, what + " color");
    return true;
  }
  if constexpr (std::is_same_v<Setting, LayerSetting>) {
    if (layer && key == "opacity") {
      std::size_t used = 0;
      double a = -1;
      try {
        a = std::stod(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != value.size() || !(a >= 0 && a <= 1))
        fail(ErrorCode::kInvalidArgument,
             what + ": opacity must be a number in [0, 1], got '" + value + "'");
      s.opacity = a;
      return true;
    }
    if (layer && key == "channel") {
      std::size_t used = 0;
      int c = -1;
      try {
        c = std::stoi(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != value.size() || c < 0)
        fail(ErrorCode::kInvalidArgument,
             what + ": channel must be a channel index (0, 1, ...), got '" + value + "'");
      s.channel = c;
      return true;
    }
  }
  return false;
}

std::string options_text(const std::optional<overlay::DisplayWindow>& window,
                         const std::optional<ChannelColor>& color, bool invert) {
  std::string out;
  if (window) out += ":window=" + overlay::display_window_text(*window);
  if (color) out += ":color=" + channel_color_text(*color);
  if (invert) out += ":invert";
  return out;
}

}  // namespace

ChannelSetting parse_channel_setting(const std::string& text, const std::string& what) {
  const std::vector<std::string> parts = split_options(text);
  ChannelSetting s;
  std::size_t used = 0;
  int index = -1;
  try {
    index = std::stoi(parts[0], &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (parts[0].empty() || used != parts[0].size() || index < 0)
    fail(ErrorCode::kInvalidArgument,
         what +
             ": expected I[:window=LO,HI][:color=COLOR][:invert] with I a channel index "
             "(0, 1, ...), got '" +
             text + "'");
  s.index = index;
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (!apply_option(s, parts[i], what, false))
      fail(ErrorCode::kInvalidArgument, what + ": unknown option '" + parts[i] + "' in '" + text +
                                            "' (window=, color=, invert)");
  return s;
}

std::string channel_setting_text(const ChannelSetting& s) {
  return std::to_string(s.index) + options_text(s.window, s.color, s.invert);
}

LayerSetting parse_layer_setting(const std::string& text, const std::string& what) {
  LayerSetting s;
  std::string rest = text;
  // Options come off the end while the last ':'-part is one.
  while (true) {
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos) break;
    std::string option = rest.substr(colon + 1);
    std::size_t cut = colon;
    // "window=p:LO,HI": the percentile pair has its own colon.
    if (colon >= 9 && rest.compare(colon - 9, 9, ":window=p") == 0) {
      option = "window=p:" + option;
      cut = colon - 9;
    }
    if (!apply_option(s, option, what, true)) break;
    rest = rest.substr(0, cut);
  }
  if (rest.empty())
    fail(ErrorCode::kInvalidArgument,
         what + ": expected SOURCE[:window=LO,HI][:color=COLOR][:opacity=A], got '" + text + "'");
  s.url = rest;
  return s;
}

std::string layer_setting_text(const LayerSetting& s) {
  std::string out = s.url;
  if (s.channel != 0) out += ":channel=" + std::to_string(s.channel);
  out += options_text(s.window, s.color, s.invert);
  if (s.opacity != 1) out += ":opacity=" + number_text(s.opacity);
  return out;
}

ChannelColor standard_channel_color(int index, int count) {
  ChannelColor c;
  if (count <= 1) return c;
  static constexpr palettes::Rgb8 order[] = {{255, 0, 0},    {0, 255, 0},   {0, 0, 255},
                                             {0, 255, 255},  {255, 0, 255}, {255, 255, 0},
                                             {255, 255, 255}};
  c.rgb = order[static_cast<std::size_t>(index) % 7];
  return c;
}

namespace {

// The fraction of the window a value is at, inverted when asked.
struct Fraction {
  // A division, not a multiplication by the reciprocal: the formula's own rounding, so that
  // ties at .5 after scaling by 255 fall as NumPy's do.
  double low, range;  // range = high - low, 0 for a flat window
  bool invert;
  double operator()(double v) const {
    double f;
    if (std::isnan(v))
      f = 0;
    else if (range == 0)
      f = v > low ? 1 : 0;
    else
      f = std::clamp((v - low) / range, 0.0, 1.0);
    return invert ? 1 - f : f;
  }
};

Fraction fraction_of(const ChannelDraw& c) {
  return {c.low, c.high > c.low ? c.high - c.low : 0.0, c.invert};
}

std::uint8_t to_byte(double x) {
  return static_cast<std::uint8_t>(std::nearbyint(255.0 * std::clamp(x, 0.0, 1.0)));
}

void check_channel(const ChannelDraw& c, const Shape4& shape) {
  if (!c.data) fail(ErrorCode::kInvalidArgument, "a channel to draw has no data");
  if (c.data->shape().xyz() != shape.xyz())
    fail(ErrorCode::kInvalidArgument,
         "channels to draw differ in size: " + c.data->shape().xyz().to_string() + " and " +
             shape.xyz().to_string());
  if (c.channel < 0 || c.channel >= c.data->shape().c)
    fail(ErrorCode::kNotFound, "channel " + std::to_string(c.channel) + " of data with " +
                                   std::to_string(c.data->shape().c) + " channel(s)");
}

// Adds channel `c`'s contribution over voxels [begin, end) into sum (3 doubles per voxel).
void accumulate(const ChannelDraw& c, std::int64_t begin, std::int64_t end, double* sum) {
  const Shape4& s = c.data->shape();
  const std::int64_t offset = s.x * s.y * s.z * c.channel;
  const Fraction fraction = fraction_of(c);
  const LookupTable* lut = c.color.lut.empty() ? nullptr : lookup_table(c.color.lut);
  const double r = c.opacity * c.color.rgb.r / 255.0, g = c.opacity * c.color.rgb.g / 255.0,
               b = c.opacity * c.color.rgb.b / 255.0;
  visit_dtype(c.data->dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = c.data->data<T>() + offset;
    for (std::int64_t i = begin; i < end; ++i) {
      const double f = fraction(static_cast<double>(p[i]));
      double* o = sum + 3 * (i - begin);
      if (lut) {
        const palettes::Rgb8 e = (*lut)[static_cast<std::size_t>(lut_index(f))];
        o[0] += c.opacity * e.r / 255.0;
        o[1] += c.opacity * e.g / 255.0;
        o[2] += c.opacity * e.b / 255.0;
      } else {
        o[0] += f * r;
        o[1] += f * g;
        o[2] += f * b;
      }
    }
  });
}

}  // namespace

Array render_color(const std::vector<ChannelDraw>& channels, ThreadPool* pool) {
  if (channels.empty()) fail(ErrorCode::kInvalidArgument, "no channel to draw");
  const Shape4 shape = channels.front().data ? channels.front().data->shape() : Shape4{};
  for (const ChannelDraw& c : channels) check_channel(c, shape);
  const std::int64_t n = shape.x * shape.y * shape.z;
  Array out(DataType::kUint8, {shape.x, shape.y, shape.z, 3});
  std::uint8_t* rgb = out.data<std::uint8_t>();
  constexpr std::int64_t kBlock = 16384;
  const auto blocks = static_cast<std::size_t>((n + kBlock - 1) / kBlock);
  parallel_for(pool, blocks, [&](std::size_t k) {
    const std::int64_t begin = static_cast<std::int64_t>(k) * kBlock;
    const std::int64_t end = std::min(n, begin + kBlock);
    std::vector<double> sum(static_cast<std::size_t>(3 * (end - begin)), 0.0);
    for (const ChannelDraw& c : channels) accumulate(c, begin, end, sum.data());
    for (std::int64_t i = begin; i < end; ++i) {
      const double* s = sum.data() + 3 * (i - begin);
      rgb[i] = to_byte(s[0]);
      rgb[n + i] = to_byte(s[1]);
      rgb[2 * n + i] = to_byte(s[2]);
    }
  });
  return out;
}

Array render_greyscale(const ChannelDraw& c, ThreadPool* pool) {
  if (!c.data) fail(ErrorCode::kInvalidArgument, "no channel to draw");
  check_channel(c, c.data->shape());
  const Shape4& s = c.data->shape();
  const std::int64_t n = s.x * s.y * s.z;
  Array out(DataType::kUint8, {s.x, s.y, s.z, 1});
  std::uint8_t* grey = out.data<std::uint8_t>();
  const Fraction fraction = fraction_of(c);
  constexpr std::int64_t kBlock = 65536;
  const auto blocks = static_cast<std::size_t>((n + kBlock - 1) / kBlock);
  visit_dtype(c.data->dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = c.data->data<T>() + n * c.channel;
    parallel_for(pool, blocks, [&](std::size_t k) {
      const std::int64_t begin = static_cast<std::int64_t>(k) * kBlock;
      const std::int64_t end = std::min(n, begin + kBlock);
      for (std::int64_t i = begin; i < end; ++i)
        grey[i] = to_byte(fraction(static_cast<double>(p[i])));
    });
  });
  return out;
}

}  // namespace imagery::rendering
