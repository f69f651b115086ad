#include "imagery/neuroglancer/internal/shading.h"

#include <algorithm>
#include <cmath>

#include "imagery/neuroglancer/segment_color.h"

namespace imagery::neuroglancer::internal {
namespace {

std::array<double, 2> default_range(DataType dtype) {
  switch (dtype) {
    case DataType::kUint8:
      return {0, 255};
    case DataType::kInt8:
      return {-128, 127};
    case DataType::kUint16:
      return {0, 65535};
    case DataType::kInt16:
      return {-32768, 32767};
    case DataType::kUint32:
      return {0, 4294967295.0};
    case DataType::kInt32:
      return {-2147483648.0, 2147483647.0};
    default:
      return {0, 1};
  }
}

template <class T>
T at(const Array& a, std::int64_t i) {
  return reinterpret_cast<const T*>(a.bytes())[i];
}

}  // namespace

std::uint8_t to_byte(float x) {
  return byte_from_channel(x);
}

Fragment make_fragment(const Rgba& color) {
  return {color, {to_byte(color.r), to_byte(color.g), to_byte(color.b), to_byte(color.a)}};
}

ImageShader::ImageShader(DataType dtype, const ImageSettings& settings) : dtype_(dtype) {
  const auto range = settings.range.value_or(default_range(dtype));
  lo_ = range[0];
  // The uniform is computed in double and handed to the GPU as float32.
  inverse_span_ = static_cast<float>(1.0 / (range[1] - range[0]));
  opacity_ = static_cast<float>(settings.opacity);
  auto fill = [&](std::size_t count, auto value_of) {
    table_.resize(count);
    for (std::size_t k = 0; k < count; ++k) table_[k] = shade(value_of(k));
  };
  switch (dtype) {
    case DataType::kUint8:
      fill(256, [](std::size_t k) { return double(k); });
      break;
    case DataType::kInt8:
      fill(256, [](std::size_t k) { return double(static_cast<std::int8_t>(k)); });
      break;
    case DataType::kUint16:
      fill(65536, [](std::size_t k) { return double(k); });
      break;
    case DataType::kInt16:
      fill(65536, [](std::size_t k) { return double(static_cast<std::int16_t>(k)); });
      break;
    default:
      break;
  }
}

std::size_t ImageShader::table_key(const Array& data, std::int64_t index) const {
  switch (dtype_) {
    case DataType::kInt8:
      return static_cast<std::uint8_t>(at<std::int8_t>(data, index));
    case DataType::kUint16:
      return at<std::uint16_t>(data, index);
    case DataType::kInt16:
      return static_cast<std::uint16_t>(at<std::int16_t>(data, index));
    default:
      return static_cast<std::uint8_t>(data.bytes()[index]);
  }
}

double ImageShader::value(const Array& a, std::int64_t i) {
  switch (a.dtype()) {
    case DataType::kUint8:
      return at<std::uint8_t>(a, i);
    case DataType::kInt8:
      return at<std::int8_t>(a, i);
    case DataType::kUint16:
      return at<std::uint16_t>(a, i);
    case DataType::kInt16:
      return at<std::int16_t>(a, i);
    case DataType::kUint32:
      return at<std::uint32_t>(a, i);
    case DataType::kInt32:
      return at<std::int32_t>(a, i);
    case DataType::kUint64:
      return static_cast<double>(at<std::uint64_t>(a, i));
    case DataType::kInt64:
      return static_cast<double>(at<std::int64_t>(a, i));
    case DataType::kFloat32:
      return at<float>(a, i);
    case DataType::kFloat64:
      return at<double>(a, i);
  }
  return 0;
}

Fragment ImageShader::shade(double value) const {
  // float(x) - lo, times the float32 reciprocal, clamped (webgl/lerp.ts computeInvlerp).
  const float v = (static_cast<float>(value) - static_cast<float>(lo_)) * inverse_span_;
  const float grey = std::clamp(v, 0.0f, 1.0f);
  return make_fragment({grey, grey, grey, opacity_});
}

SegmentShader::SegmentShader(const SegmentationSettings& settings) : settings_(settings) {
  visible_.insert(settings.visible_segments.begin(), settings.visible_segments.end());
  // Nothing visible (no ids listed, or only hidden "!" ones): every id shows.
  all_visible_ = visible_.empty() && settings.ignore_null_visible_set;
}

std::uint64_t SegmentShader::label(const Array& a, std::int64_t i) {
  switch (a.dtype()) {
    case DataType::kUint8:
      return at<std::uint8_t>(a, i);
    case DataType::kUint16:
      return at<std::uint16_t>(a, i);
    case DataType::kUint32:
      return at<std::uint32_t>(a, i);
    case DataType::kUint64:
      return at<std::uint64_t>(a, i);
    case DataType::kInt64:
      return static_cast<std::uint64_t>(at<std::int64_t>(a, i));
    case DataType::kInt32:
      return static_cast<std::uint32_t>(at<std::int32_t>(a, i));
    case DataType::kInt16:
      return static_cast<std::uint16_t>(at<std::int16_t>(a, i));
    case DataType::kInt8:
      return static_cast<std::uint8_t>(at<std::int8_t>(a, i));
    default:
      return 0;
  }
}

Fragment SegmentShader::shade(std::uint64_t id) {
  if (id == 0 && settings_.hide_segment_zero) return make_fragment({});
  if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  const bool has = all_visible_ || visible_.count(id) > 0;
  std::array<float, 3> rgb;
  if (auto c = settings_.segment_colors.find(id); c != settings_.segment_colors.end()) {
    rgb = {channel_from_byte(c->second[0]), channel_from_byte(c->second[1]),
           channel_from_byte(c->second[2])};
  } else if (settings_.default_color) {
    const Rgb8& c8 = *settings_.default_color;
    rgb = {channel_from_byte(c8[0]), channel_from_byte(c8[1]), channel_from_byte(c8[2])};
  } else {
    rgb = hash_color(id, settings_.color_seed);
  }
  rgb = saturate(rgb, static_cast<float>(settings_.saturation));
  const float alpha =
      static_cast<float>(has ? settings_.selected_alpha : settings_.not_selected_alpha);
  const Fragment out = make_fragment({rgb[0], rgb[1], rgb[2], alpha});
  if (cache_.size() < (1u << 20)) cache_.emplace(id, out);
  return out;
}

}  // namespace imagery::neuroglancer::internal
