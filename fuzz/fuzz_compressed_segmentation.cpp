// Fuzzes the compressed_segmentation decoder directly, including cutouts that
// cover only part of the chunk, and checks that what we encode decodes back.
#include <cstdint>
#include <cstring>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/compressed_segmentation.h"

using namespace imagery;
using namespace imagery::precomputed;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::InputReader in(data, size);
  const DataType dtype = in.byte() % 2 ? DataType::kUint64 : DataType::kUint32;
  const int channels = in.range(1, 2);
  const Vec3 shape{in.range(1, 20), in.range(1, 20), in.range(1, 9)};
  const Vec3 block{in.range(1, 8), in.range(1, 8), in.range(1, 8)};
  const Bbox chunk{{0, 0, 0}, shape};
  const Bbox out_box{{in.range(-4, 4), in.range(-4, 4), in.range(-2, 2)}, {in.range(1, 24), in.range(1, 24), in.range(1, 12)}};
  auto bytes = in.rest();
  try {
    if (!out_box.empty()) {
      Array out = Array::zeros(dtype, {out_box.size().x, out_box.size().y, out_box.size().z, channels});
      decode_compressed_segmentation_chunk(bytes, ChunkTarget{&out, out_box, chunk}, channels, block, "fuzz");
    }
  } catch (const Error&) {
  }
  // Round trip: the input bytes as labels.
  const std::size_t n = static_cast<std::size_t>(shape.volume()) * channels;
  Array labels = Array::zeros(dtype, {shape.x, shape.y, shape.z, channels});
  std::memcpy(labels.bytes(), bytes.data(), std::min(bytes.size(), n * dtype_size(dtype)));
  auto encoded = encode_compressed_segmentation(labels.bytes(), dtype, shape, channels, block);
  Array back(dtype, labels.shape());
  decode_compressed_segmentation_chunk(encoded, ChunkTarget{&back, chunk, chunk}, channels, block, "round trip");
  if (std::memcmp(back.bytes(), labels.bytes(), labels.size_bytes()) != 0) __builtin_trap();
  return 0;
}
