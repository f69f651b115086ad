// What fuzz_compresso and fuzz_crackle share: a label decoder run on the chunk its stream's header
// describes (so that hostile bytes reach past the shape check; a header claiming more than 2^18
// voxels gets a small chunk instead) or one of another shape, whole or a part of it; and a round
// trip: the input's bytes as labels of a small chunk, encoded with the tests' encoder under
// options from the input, must decode to themselves.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "imagery/core/array.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::fuzz {

struct LabelCodec {
  // The chunk size the stream's header gives, if it has one.
  std::function<std::optional<Vec3>(std::span<const std::byte>)> header_shape;
  std::function<void(std::span<const std::byte>, const precomputed::ChunkTarget&)> decode;
  // Encodes labels under options taken from one input byte.
  std::function<std::vector<std::byte>(const Array&, std::uint8_t)> encode;
  int distinct_labels = 5;  // in the round trip
};

inline void fuzz_label_codec(const std::uint8_t* data, std::size_t size, const LabelCodec& codec) {
  using precomputed::ChunkTarget;
  InputReader in(data, size);
  const std::uint8_t flags = in.byte();
  const DataType dtypes[] = {DataType::kUint8, DataType::kUint16, DataType::kUint32,
                             DataType::kUint64};
  const DataType dtype = dtypes[flags & 3];
  const Vec3 part_min{in.range(0, 8), in.range(0, 8), in.range(0, 4)};
  const Vec3 part_size{in.range(1, 16), in.range(1, 16), in.range(1, 4)};
  const std::uint8_t options = in.byte();
  const auto bytes = in.rest();
  Vec3 chunk{1 + (flags >> 4 & 7), 1 + (flags >> 3 & 3), 1 + (flags >> 7)};
  if (!(flags & 4))
    if (const auto header = codec.header_shape(bytes);
        header && header->x > 0 && header->y > 0 && header->z > 0 && header->x <= (1 << 18) &&
        header->y <= (1 << 18) && header->z <= (1 << 18) && header->volume() <= (1 << 18))
      chunk = *header;
  const Bbox chunk_box{{0, 0, 0}, chunk};
  const Bbox out_box = flags & 8 ? Bbox{part_min, part_min + part_size} : chunk_box;
  try {
    Array out = Array::zeros(dtype, {out_box.size().x, out_box.size().y, out_box.size().z, 1});
    codec.decode(bytes, ChunkTarget{&out, out_box, chunk_box});
  } catch (const Error&) {
  }
  // Round trip: the bytes as labels (few distinct values, repeated in every byte of a label).
  const Vec3 shape = part_size;
  Array labels = Array::zeros(dtype, {shape.x, shape.y, shape.z, 1});
  const std::size_t es = dtype_size(dtype);
  for (std::size_t i = 0; i < static_cast<std::size_t>(shape.volume()) && i < bytes.size(); ++i) {
    const std::uint64_t v = std::to_integer<std::uint64_t>(bytes[i]) %
                            static_cast<std::uint64_t>(codec.distinct_labels) *
                            0x0101010101010101ull;
    std::memcpy(labels.bytes() + i * es, &v, es);
  }
  const auto encoded = codec.encode(labels, options);
  Array back(dtype, labels.shape());
  const Bbox whole{{0, 0, 0}, shape};
  codec.decode(encoded, ChunkTarget{&back, whole, whole});
  if (std::memcmp(back.bytes(), labels.bytes(), labels.size_bytes()) != 0) __builtin_trap();
}

}  // namespace imagery::fuzz
