// fuzz_info: info parsing and validation, the JSON round trip of what parses, and the
// geometry every reader derives from it (mip choice, bounds at each mip, chunk counts).
#pragma once

#include <cstdint>
#include <string_view>

#include "imagery/core/error.h"
#include "imagery/precomputed/info.h"
#include "imagery/precomputed/internal/chunk_grid.h"

namespace imagery::fuzz {

inline void fuzz_info(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  try {
    VolumeInfo info =
        parse_info(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    info.default_mip();
    info.nearest_mip({8, 8, 40});
    for (std::size_t mip = 0; mip < info.scales.size(); ++mip) {
      const Scale& s = info.scales[mip];
      const ChunkGrid grid(s);
      grid.count_overlapping(s.bounds());
      decoded_chunk_bytes(s.chunk_size(), info.num_channels, info.data_type);
      try {
        downsample_bounds({{-1000, 0, 0}, {100000, 100000, 1000}},
                          info.downsample_factor(static_cast<int>(mip)));
      } catch (const Error&) {
      }
    }
    parse_info(info_to_json(info), "round trip");  // what we accept we must write back validly
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
