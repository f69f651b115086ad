// Segment colours as Neuroglancer's segmentation layer draws them in a cross-section: the hash
// colour of an id for a colour seed, the saturation mix, evaluated in float32 the way the GPU
// evaluates Neuroglancer's shader, so that every 8-bit value matches its screenshots
// (../shared/docs/neuroglancer-render.md section 6; docs/neuroglancer.md).
#pragma once

#include <array>
#include <cstdint>

namespace imagery::neuroglancer {

// One MurmurHash3 mixing step (Neuroglancer's hashCombine), on uint32.
std::uint32_t hash_combine(std::uint32_t state, std::uint32_t value);

// The hash colour of `id` for `seed` (value 1, saturation from the hash), as float32 RGB in [0, 1].
std::array<float, 3> hash_color(std::uint64_t id, std::uint32_t seed);

// mix(vec3(1), rgb, saturation) as the shader computes it: 1 + (rgb - 1) * saturation, float32.
std::array<float, 3> saturate(const std::array<float, 3>& rgb, float saturation);

// An 8-bit colour channel as the shader reads a "#rrggbb" colour: byte * f32(1/255).
float channel_from_byte(std::uint8_t byte);

// A float channel written to an RGBA8 target: rint(f32(clamp(x, 0, 1) * 255)), half to even.
// (Adding and taking away 2^23 rounds a float in [0, 2^23) to an integer in the current rounding
// mode, round-half-to-even by default, without a call to rint.)
inline std::uint8_t byte_from_channel(float x) {
  // NaN (a float image's NaN voxel) goes to 0, as clamp() does on the GPU.
  const float clamped = x > 1.0f ? 1.0f : (x >= 0.0f ? x : 0.0f);
  const float scaled = clamped * 255.0f;
  const float rounded = (scaled + 8388608.0f) - 8388608.0f;
  return static_cast<std::uint8_t>(rounded);
}

}  // namespace imagery::neuroglancer
