// fuzz_zarr_chunk: stored chunks and shards through the whole zarr read path. The input is an
// array's metadata (`.zarray` or `zarr.json`, by the first byte), a zero byte, then the bytes of
// the chunk (or shard) at grid position 0; the region of that first object (at most 64 elements
// a side) is read from an in-memory storage, so decompressors (blosc, zstd, lz4, zlib/gzip),
// checksums, byte order, transposes and shard indices all meet hostile bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/zarr/array.h"

namespace imagery::fuzz {

inline void fuzz_zarr_chunk(const std::uint8_t* data, std::size_t size) {
  InputReader in(data, size);
  const int format = in.range(2, 3);
  const auto rest = in.rest();
  const auto* begin = reinterpret_cast<const char*>(rest.data());
  const auto* zero = static_cast<const char*>(std::memchr(begin, 0, rest.size()));
  const std::size_t split = zero ? static_cast<std::size_t>(zero - begin) : rest.size();
  const std::string metadata(begin, split);
  const auto chunk = rest.subspan(std::min(rest.size(), split + 1));
  try {
    auto storage = std::make_shared<MemoryStorage>();
    const std::string key = format == 3 ? "a/zarr.json" : "a/.zarray";
    storage->put(key, std::as_bytes(std::span(metadata.data(), metadata.size())));
    const zarr::ZarrArray array = zarr::ZarrArray::open(storage, "a", format, "fuzz");
    const auto& m = array.metadata();
    std::vector<std::int64_t> cell(m.rank(), 0);
    storage->put(array.object_key(cell), chunk);
    zarr::Region r;
    std::uint64_t elements = 1;
    for (std::size_t d = 0; d < m.rank(); ++d) {
      r.start.push_back(0);
      r.stop.push_back(std::min<std::int64_t>({m.shape[d], m.chunks[d], 64}));
      elements *= static_cast<std::uint64_t>(r.stop.back());
    }
    if (elements > (1u << 20)) return;
    std::vector<std::byte> out(elements * dtype_size(m.dtype));
    std::int64_t stride = 1;
    r.out_strides.assign(m.rank(), 0);
    for (std::size_t d = m.rank(); d-- > 0;) {
      r.out_strides[d] = stride;
      stride *= r.stop[d];
    }
    r.out = out.data();
    array.read(r);
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
