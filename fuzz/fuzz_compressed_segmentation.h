// fuzz_compressed_segmentation: the decoder directly, including cutouts that cover only part of
// the chunk and block sizes far beyond what a chunk needs, and a check that what we encode
// decodes back.
#pragma once

#include <cstdint>
#include <cstring>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"

namespace imagery::fuzz {

inline void fuzz_compressed_segmentation(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  InputReader in(data, size);
  const DataType dtype = in.byte() % 2 ? DataType::kUint64 : DataType::kUint32;
  const int channels = in.range(1, 2);
  const Vec3 shape{in.range(1, 20), in.range(1, 20), in.range(1, 9)};
  const Vec3 block{in.range(1, 8), in.range(1, 8), in.range(1, 8)};
  const Bbox chunk{{0, 0, 0}, shape};
  const Bbox out_box{{in.range(-4, 4), in.range(-4, 4), in.range(-2, 2)},
                     {in.range(1, 24), in.range(1, 24), in.range(1, 12)}};
  // Now and then a block size an info could declare but no encoder would use: 2^(s) per axis.
  const int shift = in.range(0, 15);
  const Vec3 decode_block =
      shift < 12 ? block : Vec3{block.x << (shift * 2), block.y << (shift * 2), block.z << shift};
  auto bytes = in.rest();
  try {
    if (!out_box.empty()) {
      Array out =
          Array::zeros(dtype, {out_box.size().x, out_box.size().y, out_box.size().z, channels});
      decode_compressed_segmentation_chunk(bytes, ChunkTarget{&out, out_box, chunk}, channels,
                                           decode_block, "fuzz");
    }
  } catch (const Error&) {
  }
  // Round trip: the input bytes as labels.
  const std::size_t n = static_cast<std::size_t>(shape.volume()) * channels;
  Array labels = Array::zeros(dtype, {shape.x, shape.y, shape.z, channels});
  if (!bytes.empty())
    std::memcpy(labels.bytes(), bytes.data(), std::min(bytes.size(), n * dtype_size(dtype)));
  auto encoded = encode_compressed_segmentation(labels.bytes(), dtype, shape, channels, block);
  Array back(dtype, labels.shape());
  decode_compressed_segmentation_chunk(encoded, ChunkTarget{&back, chunk, chunk}, channels, block,
                                       "round trip");
  if (std::memcmp(back.bytes(), labels.bytes(), labels.size_bytes()) != 0) __builtin_trap();
}

}  // namespace imagery::fuzz
