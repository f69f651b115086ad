// fuzz_compresso: the compresso decoder directly (fuzz_label_codec.h: the stream's own chunk or
// another, whole or in part) and round trips through the tests' encoder with window steps of 1 to
// 64 voxels, connectivity 4 or 6 and format versions 0 and 1.
#pragma once

#include "compresso_encoder.h"
#include "fuzz/fuzz_label_codec.h"
#include "imagery/precomputed/internal/compresso.h"

namespace imagery::fuzz {

inline void fuzz_compresso(const std::uint8_t* data, std::size_t size) {
  static const LabelCodec codec{
      [](std::span<const std::byte> b) -> std::optional<Vec3> {
        if (b.size() < 12) return std::nullopt;
        auto u16 = [&](std::size_t at) {
          return static_cast<std::int64_t>(std::to_integer<int>(b[at]) |
                                           std::to_integer<int>(b[at + 1]) << 8);
        };
        return Vec3{u16(6), u16(8), u16(10)};
      },
      [](std::span<const std::byte> b, const precomputed::ChunkTarget& t) {
        precomputed::decode_compresso_chunk(b, t, "fuzz");
      },
      [](const Array& labels, std::uint8_t options) {
        testing::CompressoOptions o;
        const int steps[][3] = {{4, 4, 1}, {8, 8, 1}, {1, 1, 1}, {2, 3, 2}, {4, 4, 4}, {8, 4, 2}};
        const int* st = steps[options % 6];
        o.xstep = st[0];
        o.ystep = st[1];
        o.zstep = st[2];
        o.connectivity = options & 8 ? 6 : 4;
        o.version = o.connectivity == 6 ? 0 : (options >> 4 & 1);
        return testing::encode_compresso(labels, o);
      },
      5};
  fuzz_label_codec(data, size, codec);
}

}  // namespace imagery::fuzz
