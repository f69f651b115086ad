// The metadata of one Zarr array, v2 (`.zarray`) or v3 (`zarr.json` with node_type "array"),
// brought to one form: shape, the stored chunk grid, the element type, the fill value, how chunk
// keys are spelled, and the codec pipeline that turns a stored chunk back into elements.
//
// Zarr v2 `.zarray` (JSON): zarr_format 2, shape [n...], chunks [n...], dtype "<u2" (byte order
// '<' '>' or '|', kind u/i/f, size), order "C" or "F", fill_value (number, null, "NaN",
// "Infinity", "-Infinity"), compressor (null or {"id": ...}), filters (null), and
// dimension_separator "." (default) or "/". A v2 array is read as the v3 pipeline
// [transpose (F order)] bytes(endian) [compressor].
//
// Zarr v3 `zarr.json` (JSON): zarr_format 3, node_type "array", shape, data_type ("uint8",
// "int16", "float32", ...), chunk_grid {"name": "regular", "configuration": {"chunk_shape"}},
// chunk_key_encoding {"name": "default" | "v2", "configuration": {"separator"}}, fill_value,
// codecs [array->array..., one array->bytes, bytes->bytes...], dimension_names (optional).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imagery/core/dtype.h"

namespace imagery::zarr {

struct ShardingCodec;

// One step of a codec pipeline, in the order of encoding.
struct Codec {
  enum class Kind {
    kTranspose,  // array -> array: `order`
    kBytes,      // array -> bytes: elements in C order with `big_endian`
    kSharding,   // array -> bytes: `sharding`
    kZlib,       // bytes -> bytes (v2 "zlib", v3 has none; both read through one inflater)
    kGzip,
    kZstd,
    kLz4,    // numcodecs' framing: uint32 little-endian decoded size, then one LZ4 block
    kBlosc,  // c-blosc 1 frames, any inner codec and shuffle (the frame names them)
    kCrc32c  // bytes -> bytes: a 4-byte little-endian CRC-32C of the rest appended
  };
  Kind kind = Kind::kBytes;
  std::vector<int> order;   // kTranspose: encoded dimension i is decoded dimension order[i]
  bool big_endian = false;  // kBytes
  std::shared_ptr<const ShardingCodec> sharding;  // kSharding
  std::string name;  // as the metadata spells it, for messages ("blosc/lz4", "zstd")
};

// `sharding_indexed`: a stored object (shard) holds a grid of inner chunks, each encoded by
// `codecs`, and an index of (offset, nbytes) uint64 pairs per inner chunk, C order over the inner
// grid, encoded by `index_codecs`, at the start or the end of the shard. An entry of two
// 2^64 - 1 marks an inner chunk that is not stored (it reads as the fill value).
struct ShardingCodec {
  std::vector<std::int64_t> chunk_shape;  // the inner chunks
  std::vector<Codec> codecs;
  std::vector<Codec> index_codecs;
  bool index_at_end = true;
};

struct ArrayMetadata {
  int zarr_format = 2;
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> chunks;  // the stored grid (shards when sharded)
  DataType dtype = DataType::kUint8;
  // The fill value as one element in native byte order.
  std::vector<std::byte> fill_value;
  // Chunk keys: prefix "c" + separator for v3's "default" encoding, nothing for "v2" and v2.
  bool key_prefix_c = false;
  char separator = '.';
  std::vector<Codec> codecs;                 // encoding order
  std::vector<std::string> dimension_names;  // v3 only, may be empty

  std::size_t rank() const { return shape.size(); }
  // The sharding codec when the pipeline is exactly one sharding_indexed, else null.
  const ShardingCodec* sharding() const;
  // "blosc/lz4", "sharding_indexed(bytes, zstd)", "raw": the pipeline for listings.
  std::string codec_summary() const;
};

// Parses a `.zarray` document. `where` names it in errors (kDataLoss for malformed or
// contradictory metadata, kInvalidArgument for valid but unsupported features: filters, unknown
// compressors, dtypes other than the listed ones).
ArrayMetadata parse_zarray(const std::string& text, const std::string& where);
// Parses a `zarr.json` of an array (the same errors; a group's zarr.json is kDataLoss here).
ArrayMetadata parse_zarr_json_array(const std::string& text, const std::string& where);

// The key of chunk `cell` (grid indices, array dimension order) relative to the array.
std::string chunk_key(const ArrayMetadata& metadata, const std::vector<std::int64_t>& cell);

}  // namespace imagery::zarr
