// A stored chunk back to elements: the bytes -> bytes codecs undone last to first, then the
// array -> bytes codec (`bytes`: elements in C order of the encoded shape, byte-swapped to the
// machine's order when stored big-endian), then the transposes, which cost nothing: they only
// permute the strides the decoded elements are read with.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "imagery/core/bytes.h"
#include "imagery/core/dtype.h"
#include "imagery/zarr/array_metadata.h"

namespace imagery::zarr {

// The elements of one chunk in native byte order: element (i_0, ..., i_n-1) of the chunk's
// logical shape is at element offset sum(i_d * strides[d]) of `data`.
struct DecodedChunk {
  Bytes data;
  std::vector<std::int64_t> strides;
};

// Decodes `stored` through `codecs` (sharding excluded) into a chunk of `shape` elements of
// `dtype`. Throws kDataLoss naming `name` for corrupt data and for a decoded size that does not
// match the chunk shape.
DecodedChunk decode_chunk(std::span<const std::byte> stored, const std::vector<Codec>& codecs,
                          const std::vector<std::int64_t>& shape, DataType dtype,
                          const std::string& name);

// The inverse, for tests, fixtures and benchmarks: `elements` (C order of `shape`, native) encoded
// by `codecs` with `options` for the compressors.
Bytes encode_chunk(std::span<const std::byte> elements, const std::vector<Codec>& codecs,
                   const std::vector<std::int64_t>& shape, DataType dtype,
                   const struct CompressOptions& options);

}  // namespace imagery::zarr
