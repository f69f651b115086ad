#include "imagery/precomputed/internal/codec_raw.h"

#include <bit>

namespace imagery::precomputed {

static_assert(std::endian::native == std::endian::little, "raw chunks are read as little-endian");

void decode_raw_chunk(std::span<const std::byte> bytes, const ChunkTarget& t, int channels,
                      const std::string& name) {
  const std::size_t expected = static_cast<std::size_t>(t.chunk_box.size().volume()) *
                               static_cast<std::size_t>(channels) * t.out->element_size();
  if (bytes.size() != expected)
    fail(ErrorCode::kDataLoss, name + ": raw chunk has " + std::to_string(bytes.size()) +
                                   " bytes, expected " + std::to_string(expected) + " for shape " +
                                   t.chunk_box.size().to_string() + " x " +
                                   std::to_string(channels) + " channel(s) of " +
                                   std::string(dtype_name(t.out->dtype())));
  copy_chunk_region(bytes.data(), channels, t);
}

}  // namespace imagery::precomputed
