// fuzz_crackle: the crackle decoder directly (fuzz_label_codec.h: the stream's own chunk or
// another, whole or in part) and round trips through the tests' encoder with flat labels or pins,
// Markov orders 0 to 3, either crack meaning and format versions 0 and 1.
#pragma once

#include "crackle_encoder.h"
#include "fuzz/fuzz_label_codec.h"
#include "imagery/precomputed/internal/crackle.h"

namespace imagery::fuzz {

inline void fuzz_crackle(const std::uint8_t* data, std::size_t size) {
  static const LabelCodec codec{
      [](std::span<const std::byte> b) -> std::optional<Vec3> {
        if (b.size() < 19) return std::nullopt;
        auto u32 = [&](std::size_t at) {
          std::uint32_t v = 0;
          std::memcpy(&v, b.data() + at, 4);
          return static_cast<std::int64_t>(v);
        };
        return Vec3{u32(7), u32(11), u32(15)};
      },
      [](std::span<const std::byte> b, const precomputed::ChunkTarget& t) {
        precomputed::decode_crackle_chunk(b, t, "fuzz");
      },
      [](const Array& labels, std::uint8_t options) {
        testing::CrackleOptions o;
        o.pins = options & 1;
        o.markov_order = options >> 1 & 3;
        if (options & 8) o.permissible = (options & 16) != 0;
        o.version = options >> 5 & 1;
        return testing::encode_crackle(labels, o);
      },
      7};
  fuzz_label_codec(data, size, codec);
}

}  // namespace imagery::fuzz
