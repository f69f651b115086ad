#include "imagery/graphics/raster_renderer.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/cairo_draw.h"
#include "imagery/overlay/internal/alpha_composite.h"

namespace imagery::graphics {

namespace {

using overlay::Rgba8;

constexpr double kMaxSide = 32767;  // cairo's largest image surface

// `src` over the straight RGBA pixel at `dst`. Over nothing (alpha 0) the source is copied as
// it is, colour of transparent pixels included, so that an image alone renders back unchanged.
inline void over(std::uint8_t* dst, Rgba8 src) {
  if (dst[3] == 0 || src.a == 255) {
    dst[0] = src.r;
    dst[1] = src.g;
    dst[2] = src.b;
    dst[3] = src.a;
    return;
  }
  if (src.a == 0) return;
  const Rgba8 out = overlay::alpha_composite({dst[0], dst[1], dst[2], dst[3]}, src);
  dst[0] = out.r;
  dst[1] = out.g;
  dst[2] = out.b;
  dst[3] = out.a;
}

inline Rgba8 fetch(const std::uint8_t* p, int channels) {
  switch (channels) {
    case 1:
      return {p[0], p[0], p[0], 255};
    case 2:
      return {p[0], p[0], p[0], p[1]};
    case 3:
      return {p[0], p[1], p[2], 255};
    default:
      return {p[0], p[1], p[2], p[3]};
  }
}

// The source pixels one output pixel takes along one axis, with their weights.
struct Taps {
  int begin = 0, end = 0;            // output pixels [begin, end) inside the image
  std::vector<std::uint32_t> first;  // per output pixel: index into `source`/`weight`
  std::vector<std::uint32_t> source;
  std::vector<double> weight;
};

// Output pixels whose centres lie in [origin, origin + extent), `size` source pixels across it,
// within [0, limit).
Taps axis_taps(double origin, double extent, std::uint32_t size, int limit) {
  Taps t;
  t.begin = static_cast<int>(std::clamp(std::ceil(origin - 0.5), 0.0, double(limit)));
  t.end = static_cast<int>(std::clamp(std::ceil(origin + extent - 0.5), 0.0, double(limit)));
  if (t.end <= t.begin) return t;
  const double per_pixel = size / extent;  // source pixels per output pixel
  for (int p = t.begin; p < t.end; ++p) {
    t.first.push_back(static_cast<std::uint32_t>(t.source.size()));
    if (per_pixel <= 1) {  // enlarging (or the same size): nearest
      const double u = std::floor((p + 0.5 - origin) * per_pixel);
      t.source.push_back(static_cast<std::uint32_t>(std::clamp(u, 0.0, size - 1.0)));
      t.weight.push_back(1);
    } else {  // shrinking: the area of each source pixel under the output pixel
      const double s0 = std::clamp((p - origin) * per_pixel, 0.0, double(size));
      const double s1 = std::clamp((p + 1 - origin) * per_pixel, 0.0, double(size));
      const auto u0 = static_cast<std::uint32_t>(std::floor(s0));
      const auto u1 = std::min(size, static_cast<std::uint32_t>(std::ceil(s1)));
      for (std::uint32_t u = u0; u < u1; ++u) {
        const double w = std::min(u + 1.0, s1) - std::max(double(u), s0);
        if (w <= 0) continue;
        t.source.push_back(u);
        t.weight.push_back(w);
      }
      if (t.source.size() == t.first.back()) {  // a sliver: take the nearest pixel
        t.source.push_back(std::min(u0, size - 1));
        t.weight.push_back(1);
      }
    }
  }
  t.first.push_back(static_cast<std::uint32_t>(t.source.size()));
  return t;
}

bool whole(double v) {
  return std::abs(v - std::round(v)) < 1e-9;
}

void draw_image(overlay::Image& canvas, const ImageItem& item, double scale) {
  if (!item.image) return;
  const overlay::Image& im = *item.image;
  if (!std::isfinite(item.x) || !std::isfinite(item.y) || !std::isfinite(item.width) ||
      !std::isfinite(item.height))
    fail(ErrorCode::kInvalidArgument, "scene image: its rectangle is not finite");
  if (im.width == 0 || im.height == 0 || !(item.width > 0) || !(item.height > 0)) return;
  if (im.channels < 1 || im.channels > 4 ||
      im.pixels.size() != static_cast<std::size_t>(im.width) * im.height * im.channels)
    fail(ErrorCode::kInvalidArgument, "scene image: pixel buffer does not match its size");
  const int c = im.channels;
  const double x0 = item.x * scale, y0 = item.y * scale;
  const double w = item.width * scale, h = item.height * scale;
  const int cw = static_cast<int>(canvas.width), ch = static_cast<int>(canvas.height);
  if (x0 >= cw || y0 >= ch || x0 + w <= 0 || y0 + h <= 0) return;  // off the canvas

  if (whole(x0) && whole(y0) && std::abs(w - im.width) < 1e-9 && std::abs(h - im.height) < 1e-9) {
    // On whole pixels at its own size: pixel (u, v) of the image is output pixel (ox+u, oy+v).
    const auto ox = static_cast<long>(std::round(x0)), oy = static_cast<long>(std::round(y0));
    const long u_begin = std::max(0L, -ox), u_end = std::min<long>(im.width, cw - ox);
    const long v_begin = std::max(0L, -oy), v_end = std::min<long>(im.height, ch - oy);
    if (u_begin >= u_end) return;
    for (long v = v_begin; v < v_end; ++v) {
      const std::uint8_t* src = im.pixel(static_cast<std::uint32_t>(u_begin), v);
      std::uint8_t* dst = canvas.pixel(static_cast<std::uint32_t>(ox + u_begin), oy + v);
      for (long u = u_begin; u < u_end; ++u, src += c, dst += 4) over(dst, fetch(src, c));
    }
    return;
  }

  const Taps tx = axis_taps(x0, w, im.width, cw), ty = axis_taps(y0, h, im.height, ch);
  for (int py = ty.begin; py < ty.end; ++py) {
    const std::uint32_t jy0 = ty.first[py - ty.begin], jy1 = ty.first[py - ty.begin + 1];
    std::uint8_t* dst = canvas.pixel(static_cast<std::uint32_t>(tx.begin), py);
    for (int px = tx.begin; px < tx.end; ++px, dst += 4) {
      const std::uint32_t jx0 = tx.first[px - tx.begin], jx1 = tx.first[px - tx.begin + 1];
      if (jy1 - jy0 == 1 && jx1 - jx0 == 1) {
        over(dst, fetch(im.pixel(tx.source[jx0], ty.source[jy0]), c));
        continue;
      }
      // Area average with colours weighted by alpha (premultiplied), so that transparent
      // pixels lend no colour.
      double sum_w = 0, sum_a = 0, sum_r = 0, sum_g = 0, sum_b = 0;
      for (std::uint32_t jy = jy0; jy < jy1; ++jy)
        for (std::uint32_t jx = jx0; jx < jx1; ++jx) {
          const double wt = tx.weight[jx] * ty.weight[jy];
          const Rgba8 s = fetch(im.pixel(tx.source[jx], ty.source[jy]), c);
          const double wa = wt * s.a;
          sum_w += wt;
          sum_a += wa;
          sum_r += wa * s.r;
          sum_g += wa * s.g;
          sum_b += wa * s.b;
        }
      const auto byte = [](double v) {
        return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
      };
      Rgba8 s{0, 0, 0, byte(sum_a / sum_w)};
      if (sum_a > 0) s = {byte(sum_r / sum_a), byte(sum_g / sum_a), byte(sum_b / sum_a), s.a};
      over(dst, s);
    }
  }
}

// Vector items are drawn by cairo as coverage (an A8 mask, opaque black), one paint operation at
// a time; each is then composited in its straight colour, alpha scaled by the coverage, onto the
// canvas within the box it marked, and the mask is cleared there. A pixel the shape covers fully
// gets exactly the colour's "over", as the compositor would give it; one it does not cover is
// not touched.
class CoverageLayer : public CoverageSink {
 public:
  CoverageLayer(overlay::Image& canvas, double scale) : canvas_(canvas), scale_(scale) {}
  ~CoverageLayer() override {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  CoverageLayer(const CoverageLayer&) = delete;
  CoverageLayer& operator=(const CoverageLayer&) = delete;

  cairo_t* context() {
    if (!cr_) {
      surface_ = cairo_image_surface_create(CAIRO_FORMAT_A8, static_cast<int>(canvas_.width),
                                            static_cast<int>(canvas_.height));
      if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS)
        fail(ErrorCode::kResourceExhausted, "cannot allocate a " + std::to_string(canvas_.width) +
                                                "x" + std::to_string(canvas_.height) +
                                                " drawing mask");
      cr_ = cairo_create(surface_);
      cairo_scale(cr_, scale_, scale_);
    }
    return cr_;
  }

  void painted(Color color, const UserBox& box) override {
    if (cairo_status(cr_) != CAIRO_STATUS_SUCCESS)
      fail(ErrorCode::kInternal,
           std::string("drawing failed: ") + cairo_status_to_string(cairo_status(cr_)));
    if (box.empty()) return;
    // Antialiasing reaches into the pixel around the geometry.
    const int x0 = clamp(std::floor(box.x0 * scale_) - 1, canvas_.width);
    const int y0 = clamp(std::floor(box.y0 * scale_) - 1, canvas_.height);
    const int x1 = clamp(std::ceil(box.x1 * scale_) + 1, canvas_.width);
    const int y1 = clamp(std::ceil(box.y1 * scale_) + 1, canvas_.height);
    if (x1 <= x0 || y1 <= y0) return;
    cairo_surface_flush(surface_);
    unsigned char* data = cairo_image_surface_get_data(surface_);
    const int stride = cairo_image_surface_get_stride(surface_);
    const std::uint32_t alpha = color.a;
    for (int y = y0; y < y1; ++y) {
      unsigned char* row = data + static_cast<std::size_t>(y) * stride;
      std::uint8_t* dst = canvas_.pixel(static_cast<std::uint32_t>(x0), y);
      for (int x = x0; x < x1; ++x, dst += 4) {
        const std::uint32_t coverage = row[x];
        if (coverage == 0) continue;
        row[x] = 0;
        const auto a = static_cast<std::uint8_t>((alpha * coverage + 127) / 255);
        if (a != 0) over(dst, {color.r, color.g, color.b, a});
      }
    }
    cairo_surface_mark_dirty_rectangle(surface_, x0, y0, x1 - x0, y1 - y0);
  }

 private:
  static int clamp(double v, std::uint32_t limit) {
    return static_cast<int>(std::clamp(v, 0.0, double(limit)));
  }

  overlay::Image& canvas_;
  double scale_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

}  // namespace

overlay::Image render_raster(const Scene& scene, const RasterOptions& options) {
  const double scale = options.scale;
  if (!std::isfinite(scale) || scale <= 0)
    fail(ErrorCode::kInvalidArgument,
         "raster scale must be a positive number, not " + std::to_string(scale));
  if (!std::isfinite(scene.width) || !std::isfinite(scene.height))
    fail(ErrorCode::kInvalidArgument, "scene size is not a number");
  const double w = std::round(scene.width * scale), h = std::round(scene.height * scale);
  if (w < 1 || h < 1 || w > kMaxSide || h > kMaxSide)
    fail(ErrorCode::kInvalidArgument, "a " + std::to_string(scene.width) + " x " +
                                          std::to_string(scene.height) + " scene at scale " +
                                          std::to_string(scale) +
                                          " gives a raster outside 1-32767 pixels a side");
  overlay::Image canvas(static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h), 4);
  if (scene.background) {
    const Color b = *scene.background;
    for (std::size_t i = 0; i < canvas.pixels.size(); i += 4) {
      canvas.pixels[i] = b.r;
      canvas.pixels[i + 1] = b.g;
      canvas.pixels[i + 2] = b.b;
      canvas.pixels[i + 3] = b.a;
    }
  }
  CoverageLayer layer(canvas, scale);
  for (const Item& item : scene.items) {
    if (const auto* image = std::get_if<ImageItem>(&item))
      draw_image(canvas, *image, scale);
    else if (const auto* path = std::get_if<PathItem>(&item))
      draw_path(layer.context(), *path, &layer);
    else if (const auto* text = std::get_if<TextItem>(&item))
      draw_text(layer.context(), *text, TextMode::kOutlines, &layer);
  }
  return canvas;
}

}  // namespace imagery::graphics
