// The fragments Neuroglancer's default shaders give a voxel, and how they are written into the
// panel's RGBA8 texture (../shared/docs/neuroglancer-render.md sections 5-7), in float32 in the
// GPU's order of operations: the image layer's invlerp (a table for 8- and 16-bit data), the
// segmentation layer's colours (cached per id), the unblended first layer and the blended rest,
// with 8-bit rounding after each. Internal to render_state.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/neuroglancer/state.h"

namespace imagery::neuroglancer::internal {

struct Rgba {
  float r = 0, g = 0, b = 0, a = 0;
};

// A fragment, and the texel it becomes when written without blending.
struct Fragment {
  Rgba color;
  std::array<std::uint8_t, 4> bytes{};
};
Fragment make_fragment(const Rgba& color);

// The default image shader: grey = clamp((x - lo) * f32(1 / (hi - lo)), 0, 1), alpha = opacity.
class ImageShader {
 public:
  ImageShader(DataType dtype, const ImageSettings& settings);
  // Thread-safe (read-only after construction).
  Fragment operator()(const Array& data, std::int64_t index) const {
    if (!table_.empty()) {
      const std::size_t key = dtype_ == DataType::kUint8
                                  ? static_cast<std::size_t>(data.bytes()[index])
                                  : table_key(data, index);
      return table_[key];
    }
    return shade(value(data, index));
  }

 private:
  std::size_t table_key(const Array& data, std::int64_t index) const;
  static double value(const Array& data, std::int64_t index);
  Fragment shade(double value) const;
  DataType dtype_;
  double lo_ = 0;
  float inverse_span_ = 1, opacity_ = 0.5f;
  std::vector<Fragment> table_;  // every value of 8- and 16-bit types
};

// The (upstream) 2-D segmentation shader with nothing hovered: segmentColors, else
// segmentDefaultColor, else the hash colour; mixed towards white by the saturation;
// selectedAlpha for visible ids, notSelectedAlpha for the rest; id 0 transparent when hidden.
// Not thread-safe (it caches per id): one per thread.
class SegmentShader {
 public:
  explicit SegmentShader(const SegmentationSettings& settings);
  const Fragment& operator()(const Array& data, std::int64_t index) {
    const std::uint64_t id = label(data, index);
    if (id == last_id_ && has_last_) return last_;
    last_ = shade(id);
    last_id_ = id;
    has_last_ = true;
    return last_;
  }
  Fragment shade(std::uint64_t id);

 private:
  static std::uint64_t label(const Array& data, std::int64_t index);
  const SegmentationSettings& settings_;
  std::unordered_set<std::uint64_t> visible_;
  bool all_visible_ = false;
  std::unordered_map<std::uint64_t, Fragment> cache_;
  Fragment last_;
  std::uint64_t last_id_ = 0;
  bool has_last_ = false;
};

// An 8-bit channel as the blender reads it: f32(f32(byte * 257) * f32(1 / 65535)).
inline float unorm(std::uint8_t byte) {
  const float scaled = static_cast<float>(byte) * 257.0f;
  return scaled * (1.0f / 65535.0f);
}

// rint(f32(clamp(x, 0, 1) * 255)), half to even: every write to an RGBA8 target.
std::uint8_t to_byte(float x);

// Writes a fragment into a texel: as is for the first layer, else src * a + dst * (1 - a) on all
// four channels (dst read back as byte * 257 / 65535), float32, rounded to 8 bits.
inline void write_fragment(std::uint8_t* texel, const Fragment& f, bool blend) {
  if (!blend) {
    texel[0] = f.bytes[0];
    texel[1] = f.bytes[1];
    texel[2] = f.bytes[2];
    texel[3] = f.bytes[3];
    return;
  }
  const float a = f.color.a < 0 ? 0 : (f.color.a > 1 ? 1 : f.color.a);
  const float keep = 1.0f - a;
  const float src[4] = {f.color.r, f.color.g, f.color.b, f.color.a};
  for (int c = 0; c < 4; ++c) {
    const float s = (src[c] < 0 ? 0 : (src[c] > 1 ? 1 : src[c])) * a;
    const float d = unorm(texel[c]) * keep;
    texel[c] = to_byte(s + d);
  }
}

}  // namespace imagery::neuroglancer::internal
