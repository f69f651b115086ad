#include "imagery/precomputed/codec_png.h"

#include <cstring>

#include "imagery/core/png.h"

namespace imagery::precomputed {

namespace {

template <class T>
void scatter(const T* pixels, int channels, const ChunkTarget& t) {
  Bbox o = t.overlap();
  if (o.empty()) return;
  const Vec3 cs = t.chunk_box.size();
  const Shape4& os = t.out->shape();
  T* out = reinterpret_cast<T*>(t.out->bytes());
  for (std::int64_t c = 0; c < channels; ++c)
    for (std::int64_t z = o.min.z; z < o.max.z; ++z)
      for (std::int64_t y = o.min.y; y < o.max.y; ++y) {
        std::int64_t src = (o.min.x - t.chunk_box.min.x) +
                           cs.x * ((y - t.chunk_box.min.y) + cs.y * (z - t.chunk_box.min.z));
        std::int64_t dst =
            (o.min.x - t.out_box.min.x) +
            os.x * ((y - t.out_box.min.y) + os.y * ((z - t.out_box.min.z) + os.z * c));
        for (std::int64_t x = 0; x < o.max.x - o.min.x; ++x)
          out[dst + x] = pixels[(src + x) * channels + c];
      }
}

}  // namespace

void decode_png_chunk(std::span<const std::byte> bytes, const ChunkTarget& t, int channels,
                      const std::string& name) {
  PngImage img = decode_png(bytes, name);
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
  if (img.bit_depth == 8)
    scatter(reinterpret_cast<const std::uint8_t*>(img.pixels.data()), channels, t);
  else
    scatter(reinterpret_cast<const std::uint16_t*>(img.pixels.data()), channels, t);
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
