#include "imagery/neuroglancer/segment_color.h"

#include <algorithm>
#include <cmath>

namespace imagery::neuroglancer {
namespace {

// Constants as the shader compiler folds them: x / 255.0 becomes x * f32(1/255), and
// hue * 6.0 with hue = a / 255.0 becomes a * f32(f32(1/255) * 6).
const float kInv255 = 1.0f / 255.0f;
const float kSixOver255 = kInv255 * 6.0f;

std::uint32_t rotl(std::uint32_t x, int r) {
  return (x << r) | (x >> (32 - r));
}

}  // namespace

std::uint32_t hash_combine(std::uint32_t state, std::uint32_t value) {
  value *= 0xcc9e2d51u;
  value = rotl(value, 15);
  value *= 0x1b873593u;
  state ^= value;
  state = rotl(state, 13);
  return state * 5u + 0xe6546b64u;
}

std::array<float, 3> hash_color(std::uint64_t id, std::uint32_t seed) {
  const std::uint32_t h = hash_combine(hash_combine(seed, static_cast<std::uint32_t>(id)),
                                       static_cast<std::uint32_t>(id >> 32));
  const float a = static_cast<float>(h & 0xffu);
  const float b = static_cast<float>((h >> 8) & 0xffu);
  // Every intermediate is stored as float32: volatile-free, the compiler keeps float arithmetic
  // in float on x86-64 (SSE), which is what the GPU's float32 does too.
  const float s = 0.5f + (b * kInv255) * 0.5f;
  const float h6 = a * kSixOver255;
  const std::array<float, 3> hue = {std::clamp(std::fabs(h6 - 3.0f) - 1.0f, 0.0f, 1.0f),
                                    std::clamp(2.0f - std::fabs(h6 - 2.0f), 0.0f, 1.0f),
                                    std::clamp(2.0f - std::fabs(h6 - 4.0f), 0.0f, 1.0f)};
  std::array<float, 3> rgb{};
  for (int c = 0; c < 3; ++c) {
    const float scaled = (hue[c] - 1.0f) * s;
    rgb[c] = scaled + 1.0f;
  }
  return rgb;
}

std::array<float, 3> saturate(const std::array<float, 3>& rgb, float saturation) {
  std::array<float, 3> out{};
  for (int c = 0; c < 3; ++c) {
    const float scaled = (rgb[c] - 1.0f) * saturation;
    out[c] = 1.0f + scaled;
  }
  return out;
}

float channel_from_byte(std::uint8_t byte) {
  return static_cast<float>(byte) * kInv255;
}
}  // namespace imagery::neuroglancer
