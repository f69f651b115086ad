#include "imagery/overlay/footprint.h"

#include <algorithm>
#include <cstring>

#include "imagery/core/error.h"
#include "imagery/overlay/internal/alpha_composite.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/outline.h"
#include "imagery/overlay/tint.h"

namespace imagery::overlay {

namespace {

struct Box {
  std::uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;  // inclusive min, exclusive max
  bool empty() const { return x0 >= x1; }
};

// One object's footprint inside its own box, padded for bands.
struct Footprint {
  Box box;  // of the mask below, in picture pixels
  std::vector<std::uint8_t> mask;
  std::uint32_t width() const { return box.x1 - box.x0; }
};

}  // namespace

Image composite_footprints(const Array& segmentation, const Array* imagery,
                           const OverlayStyle& style, ThreadPool* pool,
                           const std::string& seg_name) {
  check_style(style);
  SplitOptions split;
  split.include_zero = style.include_zero;
  split.root_ids = style.root_ids;
  const ObjectLabels labels = ObjectLabels::split(segmentation, split, seg_name);
  const std::vector<palettes::Rgb8> colors =
      object_colors(labels.ids(), labels.is_signed(), style.colors);
  const Shape4& s = labels.shape();
  const auto w = static_cast<std::uint32_t>(s.x), h = static_cast<std::uint32_t>(s.y);
  const std::size_t n = static_cast<std::size_t>(w) * h;
  const std::size_t objects = labels.object_count();
  const CompositeOptions& o = style.composite;
  const std::uint32_t r = o.outline ? effective_width(o.width, w, h) : 0;
  // Bands outside reach r pixels beyond the object; inside bands need one pixel of outside.
  const std::uint32_t pad = !o.outline ? 0 : o.side == Side::kOut ? r : 1;

  // Each object's box, then its footprint mask in the padded box.
  std::vector<Box> boxes(objects);
  const std::vector<std::uint32_t>& ranks = labels.ranks();
  for (std::int64_t z = 0; z < s.z; ++z)
    for (std::uint32_t y = 0; y < h; ++y) {
      const std::uint32_t* row = ranks.data() + (static_cast<std::size_t>(z) * h + y) * w;
      for (std::uint32_t x = 0; x < w; ++x)
        if (row[x]) {
          Box& b = boxes[row[x] - 1];
          b.x0 = std::min(b.x0, x);
          b.y0 = std::min(b.y0, y);
          b.x1 = std::max(b.x1, x + 1);
          b.y1 = std::max(b.y1, y + 1);
        }
    }
  std::vector<Footprint> feet(objects);
  for (std::size_t k = 0; k < objects; ++k) {
    Box b = boxes[k];
    if (b.empty()) continue;
    b.x0 = b.x0 > pad ? b.x0 - pad : 0;
    b.y0 = b.y0 > pad ? b.y0 - pad : 0;
    b.x1 = std::min(w, b.x1 + pad);
    b.y1 = std::min(h, b.y1 + pad);
    feet[k].box = b;
    feet[k].mask.assign(static_cast<std::size_t>(b.x1 - b.x0) * (b.y1 - b.y0), 0);
  }
  for (std::int64_t z = 0; z < s.z; ++z)
    for (std::uint32_t y = 0; y < h; ++y) {
      const std::uint32_t* row = ranks.data() + (static_cast<std::size_t>(z) * h + y) * w;
      for (std::uint32_t x = 0; x < w; ++x)
        if (row[x]) {
          Footprint& f = feet[row[x] - 1];
          f.mask[static_cast<std::size_t>(y - f.box.y0) * f.width() + (x - f.box.x0)] = 1;
        }
    }
  // Bands per object (the expensive part) in parallel; a band replaces its footprint's mask.
  if (o.outline)
    parallel_for(pool, objects, [&](std::size_t k) {
      Footprint& f = feet[k];
      if (f.box.empty()) return;
      f.mask = binary_outline(f.mask.data(), f.width(), f.box.y1 - f.box.y0, o.width, o.side);
    });

  // Frames in drawing order over the empty canvas.
  const std::uint8_t a = frame_alpha(o.alpha);
  std::vector<Rgba8> canvas(n);
  for (std::size_t k = 0; k < objects; ++k) {
    const Footprint& f = feet[k];
    if (f.box.empty()) continue;
    const Rgba8 frame{colors[k].r, colors[k].g, colors[k].b, a};
    for (std::uint32_t y = f.box.y0; y < f.box.y1; ++y)
      for (std::uint32_t x = f.box.x0; x < f.box.x1; ++x) {
        if (!f.mask[static_cast<std::size_t>(y - f.box.y0) * f.width() + (x - f.box.x0)]) continue;
        Rgba8& c = canvas[static_cast<std::size_t>(y) * w + x];
        if (o.outline && !o.overlap && c.a > 0) continue;  // the earlier frame keeps the pixel
        c = alpha_composite(c, frame);
      }
  }
  if (o.outline && o.merge_outline) {
    std::vector<std::uint8_t> uni(n, 0);
    for (std::int64_t z = 0; z < s.z; ++z)
      for (std::size_t i = 0; i < n; ++i)
        if (ranks[static_cast<std::size_t>(z) * n + i]) uni[i] = 1;
    const std::vector<std::uint8_t> ring = binary_outline(uni.data(), w, h, o.width, o.side);
    for (std::size_t i = 0; i < n; ++i)
      if (!ring[i]) canvas[i].a = 0;
  }

  Image out(w, h, 4);
  auto store = [&out](std::size_t i, Rgba8 c) { std::memcpy(&out.pixels[i * 4], &c, 4); };
  if (imagery) {
    const Shape4& is = imagery->shape();
    if (is.x != s.x || is.y != s.y || is.z != 1 || (is.c != 1 && is.c != 3))
      fail(ErrorCode::kInvalidArgument, "the projected imagery's shape " + is.xyz().to_string() +
                                            " x " + std::to_string(is.c) + " does not match " +
                                            seg_name + "'s footprint " + std::to_string(s.x) +
                                            " x " + std::to_string(s.y));
    if (is.c == 3) {
      const std::vector<std::uint8_t> rgb = to_rgb8(*imagery, style.window);
      for (std::size_t i = 0; i < n; ++i)
        store(i,
              composite_over_opaque({rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255}, canvas[i]));
    } else {
      const std::vector<std::uint8_t> grey = to_grey8(*imagery, style.window);
      if (is_tinted(o.tint)) {
        for (std::size_t i = 0; i < n; ++i) {
          const palettes::Rgb8 t = tinted(grey[i], *o.tint);
          store(i, composite_over_opaque({t.r, t.g, t.b, 255}, canvas[i]));
        }
      } else {
        for (std::size_t i = 0; i < n; ++i) store(i, composite_over_grey(grey[i], canvas[i]));
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) store(i, canvas[i]);
  }
  if (style.rgb) out = imagery ? drop_alpha(out) : flatten_on_black(out);
  return out;
}

}  // namespace imagery::overlay
