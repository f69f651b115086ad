// PNG encoding and decoding with libpng, for volume chunks (8/16-bit grey,
// grey+alpha, RGB, RGBA) and for figures. Samples are native-endian in memory;
// PNG's big-endian 16-bit samples are swapped on the way in and out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace imagery {

struct PngImage {
  std::uint32_t width = 0, height = 0;
  int channels = 0;               // 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
  int bit_depth = 8;              // 8 or 16
  std::vector<std::byte> pixels;  // rows top to bottom, channels interleaved, native-endian samples
};

struct PngEncodeOptions {
  int level = 1;          // zlib level 0-9; low levels are many times faster for a small size cost
  bool filter_up = true;  // the cheap "up" filter; false disables filtering altogether
};

// What decode_png will produce, from the header alone.
struct PngHeader {
  std::uint32_t width = 0, height = 0;
  int channels = 0, bit_depth = 8;
  std::size_t decoded_bytes = 0;
};

// The header of a PNG. Throws kDataLoss naming `name` for a corrupt header, or one that claims more
// pixels than its compressed data could ever inflate to (deflate stops at about 1032:1).
PngHeader read_png_header(std::span<const std::byte> bytes, const std::string& name);

// Decodes any non-interlaced or interlaced PNG; palette images expand to RGB(A) and sub-8-bit grey
// to 8 bits. Throws kDataLoss naming `name` for corrupt or truncated data (checked as
// read_png_header does before anything is allocated), and kResourceExhausted when the pixels
// would take more than `max_bytes`.
PngImage decode_png(std::span<const std::byte> bytes, const std::string& name,
                    std::size_t max_bytes = std::size_t{4} << 30);

// Encodes `pixels` (rows top to bottom, interleaved) as PNG.
std::vector<std::byte> encode_png(std::span<const std::byte> pixels, std::uint32_t width,
                                  std::uint32_t height, int channels, int bit_depth,
                                  const PngEncodeOptions& options = {});

}  // namespace imagery
