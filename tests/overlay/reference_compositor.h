// A deliberately literal re-statement of ImageryClient's composite_overlay for one picture, used
// as an oracle for the fast compositor: one full-size mask per object, scipy-style binary
// dilation/erosion repeated `width` times with the 4-connected cross, frames alpha-composited
// one after the other over the whole canvas. Slow (pixels x objects x width) by design.
#pragma once

#include <cstdint>
#include <vector>

#include "imagery/overlay/composite.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/internal/alpha_composite.h"
#include "imagery/palettes/color.h"

namespace imagery::testing {

// scipy.ndimage.binary_dilation / binary_erosion with the cross, `iterations` times (< 1: until
// nothing changes), outside pixels counted as `border`.
inline std::vector<std::uint8_t> cross_iterate(std::vector<std::uint8_t> m, std::uint32_t w,
                                               std::uint32_t h, int iterations, bool dilate,
                                               std::uint8_t border) {
  auto at = [&](const std::vector<std::uint8_t>& v, std::int64_t x,
                std::int64_t y) -> std::uint8_t {
    if (x < 0 || y < 0 || x >= w || y >= h) return border;
    return v[static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)];
  };
  for (int it = 0; iterations < 1 || it < iterations; ++it) {
    std::vector<std::uint8_t> next(m.size());
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t x = 0; x < w; ++x) {
        std::uint8_t c = at(m, x, y), l = at(m, x - 1, y), r = at(m, x + 1, y), u = at(m, x, y - 1),
                     d = at(m, x, y + 1);
        next[static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)] =
            dilate ? (c | l | r | u | d) : (c & l & r & u & d);
      }
    bool changed = next != m;
    m = std::move(next);
    if (!changed) break;
  }
  return m;
}

inline std::vector<std::uint8_t> reference_outline(const std::vector<std::uint8_t>& m,
                                                   std::uint32_t w, std::uint32_t h, int width,
                                                   overlay::Side side) {
  std::vector<std::uint8_t> out(m.size());
  if (side == overlay::Side::kOut) {
    auto d = cross_iterate(m, w, h, width, true, 0);
    for (std::size_t i = 0; i < m.size(); ++i) out[i] = d[i] && !m[i];
  } else {
    auto e = cross_iterate(m, w, h, width, false, 1);
    for (std::size_t i = 0; i < m.size(); ++i) out[i] = m[i] && !e[i];
  }
  return out;
}

inline overlay::Image reference_composite(const std::vector<std::uint32_t>& ranks, std::uint32_t w,
                                          std::uint32_t h,
                                          const std::vector<palettes::Rgb8>& colors,
                                          const std::uint8_t* grey,
                                          const overlay::CompositeOptions& o) {
  using overlay::Rgba8;
  const std::size_t n = static_cast<std::size_t>(w) * h;
  const std::uint8_t a = overlay::frame_alpha(o.alpha);
  std::vector<Rgba8> canvas(n);
  std::vector<std::uint8_t> uni(n, 0);
  for (std::size_t k = 0; k < colors.size(); ++k) {
    std::vector<std::uint8_t> mask(n);
    for (std::size_t i = 0; i < n; ++i) mask[i] = ranks[i] == k + 1;
    for (std::size_t i = 0; i < n; ++i) uni[i] |= mask[i];
    if (o.outline) mask = reference_outline(mask, w, h, o.width, o.side);
    for (std::size_t i = 0; i < n; ++i) {
      Rgba8 frame = mask[i] ? Rgba8{colors[k].r, colors[k].g, colors[k].b, a} : Rgba8{};
      if (!o.overlap && canvas[i].a > 0) frame.a = 0;
      canvas[i] = overlay::alpha_composite(canvas[i], frame);
    }
  }
  if (o.outline && o.merge_outline) {
    auto ring = reference_outline(uni, w, h, o.width, o.side);
    for (std::size_t i = 0; i < n; ++i)
      if (!ring[i]) canvas[i].a = 0;
  }
  overlay::Image out(w, h, 4);
  for (std::size_t i = 0; i < n; ++i) {
    Rgba8 p = canvas[i];
    if (grey) p = overlay::alpha_composite(Rgba8{grey[i], grey[i], grey[i], 255}, p);
    out.pixels[i * 4] = p.r;
    out.pixels[i * 4 + 1] = p.g;
    out.pixels[i * 4 + 2] = p.b;
    out.pixels[i * 4 + 3] = p.a;
  }
  return out;
}

}  // namespace imagery::testing
