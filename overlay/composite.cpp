#include "imagery/overlay/composite.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>

#include "imagery/core/error.h"
#include "imagery/overlay/internal/alpha_composite.h"
#include "imagery/overlay/internal/distance.h"
#include "imagery/overlay/internal/object_runs.h"
#include "imagery/overlay/tint.h"

namespace imagery::overlay {

namespace {

// The opaque colour of each grey level of tinted imagery.
std::array<Rgba8, 256> tint_table(palettes::Rgb8 colour) {
  std::array<Rgba8, 256> table;
  for (int g = 0; g < 256; ++g) {
    const palettes::Rgb8 c = tinted(static_cast<std::uint8_t>(g), colour);
    table[g] = {c.r, c.g, c.b, 255};
  }
  return table;
}

// A frame pixel over the empty canvas: what every object looks like where it is the only frame.
std::vector<Rgba8> first_frame_colors(const std::vector<palettes::Rgb8>& colors, std::uint8_t a) {
  std::vector<Rgba8> out(colors.size() + 1);  // index 0: nothing drawn
  for (std::size_t i = 0; i < colors.size(); ++i)
    out[i + 1] = alpha_composite(Rgba8{}, Rgba8{colors[i].r, colors[i].g, colors[i].b, a});
  return out;
}

// Inner bands: pixel p of an object is on its band when the nearest pixel of another label (the
// picture border does not count) is within r. The nearest pixel having a differently labelled
// neighbour always belongs to p's own object, so one transform from all such pixels serves every
// object at once.
void paint_inner(const std::uint32_t* ranks, std::uint32_t w, std::uint32_t h, std::uint32_t r,
                 const std::vector<Rgba8>& first, Rgba8* canvas) {
  const std::size_t n = static_cast<std::size_t>(w) * h;
  std::vector<std::uint8_t> edge(n, 0);
  for (std::uint32_t y = 0; y < h; ++y) {
    const std::uint32_t* row = ranks + static_cast<std::size_t>(y) * w;
    std::uint8_t* e = edge.data() + static_cast<std::size_t>(y) * w;
    for (std::uint32_t x = 0; x < w; ++x) {
      std::uint32_t v = row[x];
      e[x] = (x > 0 && row[x - 1] != v) || (x + 1 < w && row[x + 1] != v) ||
             (y > 0 && row[x - static_cast<std::size_t>(w)] != v) ||
             (y + 1 < h && row[x + static_cast<std::size_t>(w)] != v);
    }
  }
  std::vector<std::uint32_t> dist(n);
  l1_distance(edge.data(), w, h, dist.data());
  // Distance to the first outside pixel is one more than to the nearest edge pixel.
  for (std::size_t i = 0; i < n; ++i)
    canvas[i] = ranks[i] && dist[i] + 1 <= r ? first[ranks[i]] : Rgba8{};
}

// Outer bands: objects may share band pixels, so frames are applied object by object in rank
// order, each over what the earlier ones left.
void paint_outer(const std::uint32_t* ranks, std::uint32_t w, std::uint32_t h, std::uint32_t r,
                 const std::vector<palettes::Rgb8>& colors, std::uint8_t a, bool overlap,
                 std::size_t object_count, Rgba8* canvas) {
  ObjectRuns runs(ranks, w, h, object_count);
  for (std::size_t k = 0; k < object_count; ++k) {
    const Rgba8 frame{colors[k].r, colors[k].g, colors[k].b, a};
    const auto own = static_cast<std::uint32_t>(k + 1);
    runs.for_each_dilated_interval(k, r, [&](std::uint32_t y, std::uint32_t x0, std::uint32_t x1) {
      const std::size_t base = static_cast<std::size_t>(y) * w;
      for (std::size_t i = base + x0; i < base + x1; ++i) {
        if (ranks[i] == own) continue;
        if (!overlap && canvas[i].a > 0) continue;  // the earlier frame keeps the pixel
        canvas[i] = alpha_composite(canvas[i], frame);
      }
    });
  }
}

}  // namespace

std::uint8_t frame_alpha(double alpha) {
  // int() truncates toward zero; the uint8 cast then keeps the low 8 bits (NumPy 1.x).
  double t = std::trunc(alpha * 255.0);
  if (!std::isfinite(t)) return 0;
  auto v = static_cast<std::int64_t>(std::fmod(t, 256.0));
  return static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) & 0xFF);
}

Image composite_picture(const std::uint32_t* ranks, std::uint32_t w, std::uint32_t h,
                        const std::vector<palettes::Rgb8>& colors, const std::uint8_t* grey,
                        const CompositeOptions& options, const std::uint8_t* rgb) {
  const std::size_t n = static_cast<std::size_t>(w) * h;
  std::uint32_t max_rank = 0;
  for (std::size_t i = 0; i < n; ++i) max_rank = std::max(max_rank, ranks[i]);
  if (max_rank > colors.size())
    fail(ErrorCode::kInvalidArgument, "composite: " + std::to_string(colors.size()) +
                                          " colours for " + std::to_string(max_rank) + " objects");
  const std::uint8_t a = frame_alpha(options.alpha);
  const std::vector<Rgba8> first = first_frame_colors(colors, a);
  Image out(w, h, 4);
  static_assert(sizeof(Rgba8) == 4);
  auto store = [&out](std::size_t i, Rgba8 c) { std::memcpy(&out.pixels[i * 4], &c, 4); };
  auto rgb_at = [rgb](std::size_t i) {
    return Rgba8{rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255};
  };
  if (rgb && !options.outline) {
    for (std::size_t i = 0; i < n; ++i) store(i, composite_over_opaque(rgb_at(i), first[ranks[i]]));
    return out;
  }
  if (grey && is_tinted(options.tint)) {
    // Tinted imagery: each grey level's colour from a table, the objects over it.
    const std::array<Rgba8, 256> base = tint_table(*options.tint);
    if (!options.outline) {
      for (std::size_t i = 0; i < n; ++i)
        store(i, composite_over_opaque(base[grey[i]], first[ranks[i]]));
      return out;
    }
  }
  if (!options.outline) {
    // Fill touches each pixel once, so it goes straight to the output.
    if (grey)
      for (std::size_t i = 0; i < n; ++i) store(i, composite_over_grey(grey[i], first[ranks[i]]));
    else
      for (std::size_t i = 0; i < n; ++i) store(i, first[ranks[i]]);
    return out;
  }
  std::vector<Rgba8> canvas(n);
  const std::uint32_t r = effective_width(options.width, w, h);
  if (options.side == Side::kIn)
    paint_inner(ranks, w, h, r, first, canvas.data());
  else
    paint_outer(ranks, w, h, r, colors, a, options.overlap, colors.size(), canvas.data());
  if (options.merge_outline) {
    // Only the union's own band keeps its alpha; colours stay (visible without imagery as
    // transparent pixels, exactly as in ImageryClient).
    std::vector<std::uint8_t> uni(n);
    for (std::size_t i = 0; i < n; ++i) uni[i] = ranks[i] != 0;
    std::vector<std::uint8_t> ring = binary_outline(uni.data(), w, h, options.width, options.side);
    for (std::size_t i = 0; i < n; ++i)
      if (!ring[i]) canvas[i].a = 0;
  }
  if (rgb) {
    for (std::size_t i = 0; i < n; ++i) store(i, composite_over_opaque(rgb_at(i), canvas[i]));
  } else if (grey && is_tinted(options.tint)) {
    const std::array<Rgba8, 256> base = tint_table(*options.tint);
    for (std::size_t i = 0; i < n; ++i) store(i, composite_over_opaque(base[grey[i]], canvas[i]));
  } else if (grey)
    for (std::size_t i = 0; i < n; ++i) store(i, composite_over_grey(grey[i], canvas[i]));
  else
    for (std::size_t i = 0; i < n; ++i) store(i, canvas[i]);
  return out;
}

}  // namespace imagery::overlay
