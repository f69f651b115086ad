#include "imagery/overlay/image.h"

#include "imagery/overlay/internal/alpha_composite.h"

namespace imagery::overlay {

Image drop_alpha(const Image& rgba) {
  Image out(rgba.width, rgba.height, 3);
  const std::size_t n = static_cast<std::size_t>(rgba.width) * rgba.height;
  for (std::size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) out.pixels[i * 3 + c] = rgba.pixels[i * 4 + c];
  return out;
}

Image flatten_on_black(const Image& rgba) {
  Image out(rgba.width, rgba.height, 3);
  const std::size_t n = static_cast<std::size_t>(rgba.width) * rgba.height;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* p = &rgba.pixels[i * 4];
    Rgba8 c = composite_over_grey(0, Rgba8{p[0], p[1], p[2], p[3]});
    out.pixels[i * 3] = c.r;
    out.pixels[i * 3 + 1] = c.g;
    out.pixels[i * 3 + 2] = c.b;
  }
  return out;
}

Image to_rgba(const Image& image) {
  if (image.channels == 4) return image;
  Image out(image.width, image.height, 4);
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int c = image.channels;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* p = &image.pixels[i * c];
    std::uint8_t* q = &out.pixels[i * 4];
    bool grey = c <= 2;
    q[0] = p[0];
    q[1] = grey ? p[0] : p[1];
    q[2] = grey ? p[0] : p[2];
    q[3] = c == 2 ? p[1] : 255;
  }
  return out;
}

}  // namespace imagery::overlay
