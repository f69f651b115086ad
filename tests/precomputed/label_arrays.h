// Label arrays for codec tests: cells of a few voxels with ragged borders and isolated specks,
// drawn from a set of labels that includes the extremes of the type (0, the largest values, 2^53
// + 1 and 2^63 for 64-bit labels), and whole-chunk decoding through any chunk decoder.
#pragma once

#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::testing {

// The labels of `dtype` the arrays use, extremes first.
inline std::vector<std::uint64_t> test_labels(DataType dtype, std::size_t count,
                                              std::uint64_t seed) {
  const unsigned bits = static_cast<unsigned>(dtype_size(dtype)) * 8;
  const std::uint64_t max = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  std::vector<std::uint64_t> labels{0, max, max - 1, max - 6, max - 7, 1, 7};
  if (bits == 64)
    labels.insert(labels.end(), {(std::uint64_t{1} << 53) + 1, std::uint64_t{1} << 63,
                                 std::uint64_t{52043487570}});
  std::mt19937_64 rng(seed);
  while (labels.size() < count) labels.push_back(rng() & max);
  return labels;
}

// Cells about `cell` voxels wide (half as deep), one voxel in `speck` a random label (0: none).
inline Array label_array(DataType dtype, const Vec3& shape, std::uint64_t seed, int cell = 5,
                         int speck = 37, std::size_t distinct = 24) {
  const auto labels = test_labels(dtype, distinct, seed);
  std::mt19937_64 rng(seed * 7919 + 1);
  Array a = Array::zeros(dtype, {shape.x, shape.y, shape.z, 1});
  const std::size_t es = dtype_size(dtype);
  const std::int64_t cz = std::max(1, cell / 2);
  for (std::int64_t z = 0; z < shape.z; ++z)
    for (std::int64_t y = 0; y < shape.y; ++y)
      for (std::int64_t x = 0; x < shape.x; ++x) {
        // Ragged borders: the cell grid is shifted by a wobble that depends on the other axes.
        const std::int64_t wx = (x + (y * 3 + z) % 3) / cell, wy = (y + (x * 5 + z) % 4) / cell;
        std::uint64_t h =
            static_cast<std::uint64_t>(wx * 73856093 ^ wy * 19349663 ^ (z / cz) * 83492791) ^ seed;
        h ^= h >> 13;
        h *= 0x9e3779b97f4a7c15ull;
        std::uint64_t v = labels[(h >> 20) % labels.size()];
        if (speck && rng() % static_cast<std::uint64_t>(speck) == 0)
          v = labels[rng() % labels.size()];
        std::memcpy(a.bytes() + a.index(x, y, z) * es, &v, es);  // little-endian: low bytes
      }
  return a;
}

using ChunkDecoder =
    std::function<void(std::span<const std::byte>, const precomputed::ChunkTarget&)>;

// The chunk at the origin decoded whole into a fresh array of `dtype` (filled with 0xab first,
// so that a voxel the decoder leaves alone shows).
inline Array decode_chunk(const ChunkDecoder& decode, std::span<const std::byte> bytes,
                          DataType dtype, const Vec3& shape, int channels = 1) {
  Array out(dtype, {shape.x, shape.y, shape.z, channels});
  std::memset(out.bytes(), 0xab, out.size_bytes());
  const Bbox box{{0, 0, 0}, shape};
  decode(bytes, precomputed::ChunkTarget{&out, box, box});
  return out;
}

// The part `part` of the chunk (chunk-local coordinates) decoded on its own.
inline Array decode_part(const ChunkDecoder& decode, std::span<const std::byte> bytes,
                         DataType dtype, const Vec3& shape, const Bbox& part) {
  const Vec3 s = part.size();
  Array out(dtype, {s.x, s.y, s.z, 1});
  std::memset(out.bytes(), 0xab, out.size_bytes());
  decode(bytes, precomputed::ChunkTarget{&out, part, Bbox{{0, 0, 0}, shape}});
  return out;
}

}  // namespace imagery::testing
