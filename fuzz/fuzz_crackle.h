// fuzz_crackle: the crackle decoder directly, on the chunk its stream's header describes (so
// that hostile bytes reach past the shape check; a header claiming more than 2^18 voxels gets a
// small chunk instead) or one of another shape, whole or a part of it; and a round trip: the
// input's bytes as labels of a small chunk, encoded with the tests' encoder (flat or pins, Markov
// order, crack meaning, version from the input), must decode to themselves.
#pragma once

#include <cstdint>
#include <cstring>

#include "crackle_encoder.h"
#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/crackle.h"

namespace imagery::fuzz {

inline void fuzz_crackle(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  InputReader in(data, size);
  const std::uint8_t flags = in.byte();
  const DataType dtypes[] = {DataType::kUint8, DataType::kUint16, DataType::kUint32,
                             DataType::kUint64};
  const DataType dtype = dtypes[flags & 3];
  const Vec3 part_min{in.range(0, 8), in.range(0, 8), in.range(0, 4)};
  const Vec3 part_size{in.range(1, 16), in.range(1, 16), in.range(1, 4)};
  const std::uint8_t options = in.byte();
  auto bytes = in.rest();
  Vec3 chunk{1 + (flags >> 4 & 7), 1 + (flags >> 3 & 3), 1 + (flags >> 7)};
  if (bytes.size() >= 19 && !(flags & 4)) {
    auto u32 = [&](std::size_t at) {
      std::uint32_t v = 0;
      std::memcpy(&v, bytes.data() + at, 4);
      return static_cast<std::int64_t>(v);
    };
    const Vec3 header{u32(7), u32(11), u32(15)};
    if (header.x > 0 && header.y > 0 && header.z > 0 && header.x <= (1 << 18) &&
        header.y <= (1 << 18) && header.z <= (1 << 18) && header.volume() <= (1 << 18))
      chunk = header;
  }
  const Bbox chunk_box{{0, 0, 0}, chunk};
  Bbox out_box = chunk_box;
  if (flags & 8) out_box = Bbox{part_min, part_min + part_size};
  try {
    Array out = Array::zeros(dtype, {out_box.size().x, out_box.size().y, out_box.size().z, 1});
    decode_crackle_chunk(bytes, ChunkTarget{&out, out_box, chunk_box}, "fuzz");
  } catch (const Error&) {
  }
  // Round trip: the bytes as labels.
  const Vec3 shape = part_size;
  Array labels = Array::zeros(dtype, {shape.x, shape.y, shape.z, 1});
  const std::size_t es = dtype_size(dtype);
  for (std::size_t i = 0; i < static_cast<std::size_t>(shape.volume()) && i < bytes.size(); ++i) {
    const std::uint64_t v = std::to_integer<std::uint64_t>(bytes[i]) % 7 * 0x0101010101010101ull;
    std::memcpy(labels.bytes() + i * es, &v, es);
  }
  testing::CrackleOptions o;
  o.pins = options & 1;
  o.markov_order = options >> 1 & 3;
  if (options & 8) o.permissible = (options & 16) != 0;
  o.version = options >> 5 & 1;
  const auto encoded = testing::encode_crackle(labels, o);
  Array back(dtype, labels.shape());
  const Bbox whole{{0, 0, 0}, shape};
  decode_crackle_chunk(encoded, ChunkTarget{&back, whole, whole}, "round trip");
  if (std::memcmp(back.bytes(), labels.bytes(), labels.size_bytes()) != 0) __builtin_trap();
}

}  // namespace imagery::fuzz
