// fuzz_jxl: the jxl chunk decoder (libjxl as imagery drives it: picture size, bit depth, colour
// and frame checks, the frame buffers) on a chunk of a shape, data type and channel count taken
// from the input, whole or a part of it; and a round trip: the input's bytes as a small uint8 or
// uint16 chunk of 1 or 3 channels, encoded losslessly, must decode to themselves.
#pragma once

#include <cstdint>
#include <cstring>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/codec_jxl.h"

namespace imagery::fuzz {

inline void fuzz_jxl(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  InputReader in(data, size);
  const std::uint8_t flags = in.byte();
  const DataType dtype = flags & 1 ? DataType::kUint16 : DataType::kUint8;
  const int channels = flags & 2 ? 3 : 1;
  const Vec3 chunk{in.range(1, 40), in.range(1, 24), in.range(1, 4)};
  const Vec3 part_min{in.range(0, 8), in.range(0, 8), in.range(0, 2)};
  const Vec3 part_size{in.range(1, 16), in.range(1, 16), in.range(1, 3)};
  auto bytes = in.rest();
  const Bbox chunk_box{{0, 0, 0}, chunk};
  Bbox out_box = chunk_box;
  if (flags & 4) out_box = Bbox{part_min, part_min + part_size};
  try {
    Array out =
        Array::zeros(dtype, {out_box.size().x, out_box.size().y, out_box.size().z, channels});
    decode_jxl_chunk(bytes, ChunkTarget{&out, out_box, chunk_box}, channels, "fuzz");
  } catch (const Error&) {
  }
  if (!(flags & 8)) return;  // encoding is slow: every other input
  const Vec3 shape = part_size;
  Array voxels = Array::zeros(dtype, {shape.x, shape.y, shape.z, channels});
  std::memcpy(voxels.bytes(), bytes.data(), std::min(bytes.size(), voxels.size_bytes()));
  const auto encoded = encode_jxl_chunk(voxels.bytes(), dtype, shape, channels, true, 0, 1);
  Array back(dtype, voxels.shape());
  const Bbox whole{{0, 0, 0}, shape};
  decode_jxl_chunk(encoded, ChunkTarget{&back, whole, whole}, channels, "round trip");
  if (std::memcmp(back.bytes(), voxels.bytes(), voxels.size_bytes()) != 0) __builtin_trap();
}

}  // namespace imagery::fuzz
