// fuzz_gzip: gzip/zlib inflation with an output cap, with and without a size hint.
#pragma once

#include <cstdint>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"

namespace imagery::fuzz {

inline void fuzz_gzip(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes{reinterpret_cast<const std::byte*>(data), size};
  try {
    io::gunzip(bytes, "fuzz", 0, 1 << 24);
  } catch (const Error&) {
  }
  try {  // the hint callers pass for raw chunks: libdeflate's path with a wrong size
    io::gunzip(bytes, "fuzz", size % 4096 + 1, 1 << 20);
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
