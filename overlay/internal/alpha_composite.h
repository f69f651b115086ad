// Pillow's Image.alpha_composite for one pixel, bit for bit (libImaging/AlphaComposite.c:
// 7 fractional bits and a shift-based division by 255). A float "over" differs by +-1 in places,
// and ImageryClient's pictures are made with this one.
#pragma once

#include <cstdint>

namespace imagery::overlay {

struct Rgba8 {
  std::uint8_t r = 0, g = 0, b = 0, a = 0;
  bool operator==(const Rgba8&) const = default;
};

namespace detail {
constexpr std::uint32_t kPrecisionBits = 7;
constexpr std::uint32_t div255_shift(std::uint32_t v) {
  return ((v >> 8) + v) >> 8;
}
constexpr std::uint8_t blend_channel(std::uint32_t src, std::uint32_t dst, std::uint32_t coef1,
                                     std::uint32_t coef2) {
  std::uint32_t t = src * coef1 + dst * coef2 + (0x80u << kPrecisionBits);
  return static_cast<std::uint8_t>(div255_shift(t) >> kPrecisionBits);
}
}  // namespace detail

// `src` over `dst`.
constexpr Rgba8 alpha_composite(Rgba8 dst, Rgba8 src) {
  if (src.a == 0) return dst;
  std::uint32_t sa = src.a;
  std::uint32_t blend = dst.a * (255u - sa);
  std::uint32_t outa255 = sa * 255u + blend;
  std::uint32_t coef1 = sa * 255u * 255u * (1u << detail::kPrecisionBits) / outa255;
  std::uint32_t coef2 = 255u * (1u << detail::kPrecisionBits) - coef1;
  return {detail::blend_channel(src.r, dst.r, coef1, coef2),
          detail::blend_channel(src.g, dst.g, coef1, coef2),
          detail::blend_channel(src.b, dst.b, coef1, coef2),
          static_cast<std::uint8_t>(detail::div255_shift(outa255 + 0x80u))};
}

// The same with an opaque grey `dst` (imagery): the division then always gives sa * 128, so the
// hot loop over imagery pixels needs none.
constexpr Rgba8 composite_over_grey(std::uint8_t grey, Rgba8 src) {
  if (src.a == 0) return {grey, grey, grey, 255};
  std::uint32_t coef1 = std::uint32_t{src.a} << detail::kPrecisionBits;
  std::uint32_t coef2 = 255u * (1u << detail::kPrecisionBits) - coef1;
  return {detail::blend_channel(src.r, grey, coef1, coef2),
          detail::blend_channel(src.g, grey, coef1, coef2),
          detail::blend_channel(src.b, grey, coef1, coef2), 255};
}

// The same with any opaque `dst` (tinted imagery): one division-free blend per channel.
constexpr Rgba8 composite_over_opaque(Rgba8 dst, Rgba8 src) {
  if (src.a == 0) return dst;
  std::uint32_t coef1 = std::uint32_t{src.a} << detail::kPrecisionBits;
  std::uint32_t coef2 = 255u * (1u << detail::kPrecisionBits) - coef1;
  return {detail::blend_channel(src.r, dst.r, coef1, coef2),
          detail::blend_channel(src.g, dst.g, coef1, coef2),
          detail::blend_channel(src.b, dst.b, coef1, coef2), 255};
}

}  // namespace imagery::overlay
