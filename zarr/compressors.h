// The bytes -> bytes codecs of Zarr chunks, undone: zlib and gzip (one inflater, io/gzip.h),
// zstd (frames, RFC 8878), lz4 (numcodecs' framing: a uint32 little-endian decoded size, then one
// LZ4 block), blosc (c-blosc 1 frames: a 16-byte header naming the inner codec, the shuffle and
// the sizes, then blocks; libblosc undoes every inner codec and shuffle mode it names), and
// crc32c (the last 4 bytes are the little-endian CRC-32C of the rest).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "imagery/core/bytes.h"
#include "imagery/zarr/array_metadata.h"

namespace imagery::zarr {

// Undoes one bytes -> bytes codec. The output may not exceed `max_output` bytes (the decoded
// chunk's size plus what the codecs after it add). Throws kDataLoss naming `name` (the chunk) for
// corrupt, truncated or oversized data and for checksum mismatches.
Bytes undo_bytes_codec(const Codec& codec, std::span<const std::byte> input, std::size_t max_output,
                       const std::string& name);

// Compression for tests, fixtures and benchmarks (numcodecs-compatible framing): kZlib, kGzip,
// kZstd, kLz4, kBlosc (`blosc_cname` "lz4", "lz4hc", "zstd", "zlib", "blosclz"; `shuffle` 0 none,
// 1 byte, 2 bit; `typesize` the element size), kCrc32c.
struct CompressOptions {
  int level = 5;
  std::string blosc_cname = "lz4";
  int shuffle = 1;
  std::size_t typesize = 1;
};
Bytes apply_bytes_codec(Codec::Kind kind, std::span<const std::byte> input,
                        const CompressOptions& options = {});

}  // namespace imagery::zarr
