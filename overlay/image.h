// Image: an 8-bit picture as the compositor makes it, rows top to bottom (row = y, column = x,
// so the picture of an array A[x, y] is A.T), channels interleaved (RGBA, RGB or grey).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace imagery::overlay {

struct Image {
  std::uint32_t width = 0, height = 0;
  int channels = 4;
  std::vector<std::uint8_t> pixels;

  Image() = default;
  Image(std::uint32_t w, std::uint32_t h, int c)
      : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c, 0) {}

  std::uint8_t* pixel(std::uint32_t x, std::uint32_t y) {
    return pixels.data() + (static_cast<std::size_t>(y) * width + x) * channels;
  }
  const std::uint8_t* pixel(std::uint32_t x, std::uint32_t y) const {
    return pixels.data() + (static_cast<std::size_t>(y) * width + x) * channels;
  }
};

// RGBA -> RGB by dropping alpha (what Pillow's paste into an RGB canvas does).
Image drop_alpha(const Image& rgba);
// RGBA -> RGB over opaque black, with Pillow's alpha compositing: what a viewer shows on black.
Image flatten_on_black(const Image& rgba);
// Any of grey, grey+alpha, RGB, RGBA -> RGBA (grey spreads to r = g = b; missing alpha is 255).
Image to_rgba(const Image& image);

}  // namespace imagery::overlay
