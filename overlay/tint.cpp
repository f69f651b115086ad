#include "imagery/overlay/tint.h"

#include "imagery/core/error.h"

namespace imagery::overlay {

namespace {
std::uint8_t scale(std::uint8_t grey, std::uint8_t channel) {
  return static_cast<std::uint8_t>((grey * channel + 127) / 255);
}
}  // namespace

bool is_tinted(const std::optional<palettes::Rgb8>& tint) {
  return tint && !(tint->r == 255 && tint->g == 255 && tint->b == 255);
}

palettes::Rgb8 tinted(std::uint8_t grey, palettes::Rgb8 colour) {
  return {scale(grey, colour.r), scale(grey, colour.g), scale(grey, colour.b)};
}

Image tint_picture(const Image& grey, palettes::Rgb8 colour) {
  if (grey.channels != 1) fail(ErrorCode::kInvalidArgument, "tint: the picture is not grey");
  palettes::Rgb8 table[256];
  for (int g = 0; g < 256; ++g) table[g] = tinted(static_cast<std::uint8_t>(g), colour);
  Image out(grey.width, grey.height, 3);
  const std::size_t n = static_cast<std::size_t>(grey.width) * grey.height;
  for (std::size_t i = 0; i < n; ++i) {
    const palettes::Rgb8 c = table[grey.pixels[i]];
    out.pixels[3 * i] = c.r;
    out.pixels[3 * i + 1] = c.g;
    out.pixels[3 * i + 2] = c.b;
  }
  return out;
}

}  // namespace imagery::overlay
