#include "imagery/precomputed/internal/codec_png.h"

#include <cstring>

#include "imagery/core/png.h"

namespace imagery::precomputed {

void decode_png_chunk(std::span<const std::byte> bytes, const ChunkTarget& t, int channels,
                      const std::string& name) {
  // The geometry is checked against the chunk before any pixel is allocated.
  const PngHeader img = read_png_header(bytes, name);
  const std::int64_t voxels = t.chunk_box.size().volume();
  if (static_cast<std::int64_t>(img.width) * img.height != voxels)
    fail(ErrorCode::kDataLoss, name + ": PNG is " + std::to_string(img.width) + "x" +
                                   std::to_string(img.height) + " pixels, the chunk " +
                                   t.chunk_box.size().to_string() + " needs " +
                                   std::to_string(voxels));
  if (img.channels != channels)
    fail(ErrorCode::kDataLoss, name + ": PNG has " + std::to_string(img.channels) +
                                   " channel(s), the volume " + std::to_string(channels));
  const int want_depth = t.out->element_size() * 8;
  if (img.bit_depth != want_depth)
    fail(ErrorCode::kDataLoss,
         name + ": PNG has " + std::to_string(img.bit_depth) + "-bit samples, the volume's " +
             std::string(dtype_name(t.out->dtype())) + " needs " + std::to_string(want_depth));
  const PngImage decoded = decode_png(bytes, name, img.decoded_bytes);
  if (img.bit_depth == 8)
    scatter_interleaved(reinterpret_cast<const std::uint8_t*>(decoded.pixels.data()), channels, t);
  else
    scatter_interleaved(reinterpret_cast<const std::uint16_t*>(decoded.pixels.data()), channels, t);
}

std::vector<std::byte> encode_png_chunk(const std::byte* voxels, DataType dtype, const Vec3& shape,
                                        int channels, int level) {
  const std::size_t es = dtype_size(dtype);
  const std::int64_t n = shape.volume();
  std::vector<std::byte> interleaved(static_cast<std::size_t>(n) * channels * es);
  for (std::int64_t i = 0; i < n; ++i)
    for (int c = 0; c < channels; ++c)
      std::memcpy(&interleaved[(i * channels + c) * es], voxels + (i + n * c) * es, es);
  return encode_png(interleaved, static_cast<std::uint32_t>(shape.x),
                    static_cast<std::uint32_t>(shape.y * shape.z), channels,
                    static_cast<int>(es * 8), PngEncodeOptions{level, true});
}

}  // namespace imagery::precomputed
