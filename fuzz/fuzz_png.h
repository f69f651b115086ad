// fuzz_png: PNG headers and decoding through libpng as imagery drives it (chunks and
// `stack` inputs).
#pragma once

#include <cstdint>

#include "imagery/core/error.h"
#include "imagery/core/png.h"

namespace imagery::fuzz {

inline void fuzz_png(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes{reinterpret_cast<const std::byte*>(data), size};
  try {
    const PngHeader header = read_png_header(bytes, "fuzz.png");
    const PngImage image = decode_png(bytes, "fuzz.png");
    if (image.pixels.size() != header.decoded_bytes) __builtin_trap();
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
