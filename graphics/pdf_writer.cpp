#include "imagery/graphics/pdf_writer.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/cairo_draw.h"
#include "imagery/version.h"

namespace imagery::graphics {

namespace {

constexpr double kPointsPerMm = 72 / 25.4;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::byte>*>(closure);
  try {
    const auto* p = reinterpret_cast<const std::byte*>(data);
    out->insert(out->end(), p, p + length);
  } catch (...) {
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

// The picture as a cairo image surface: RGB24 when opaque (grey spread to r = g = b, which the
// PDF surface writes back as one DeviceGray channel), premultiplied ARGB32 with alpha.
SurfacePtr to_surface(const overlay::Image& im) {
  if (im.channels < 1 || im.channels > 4 ||
      im.pixels.size() != static_cast<std::size_t>(im.width) * im.height * im.channels)
    fail(ErrorCode::kInvalidArgument, "scene image: pixel buffer does not match its size");
  const bool alpha = im.channels == 2 || im.channels == 4;
  SurfacePtr s(cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                          static_cast<int>(im.width), static_cast<int>(im.height)));
  if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS)
    fail(ErrorCode::kResourceExhausted, "cannot allocate a " + std::to_string(im.width) + "x" +
                                            std::to_string(im.height) + " picture for the PDF");
  cairo_surface_flush(s.get());
  unsigned char* data = cairo_image_surface_get_data(s.get());
  const int stride = cairo_image_surface_get_stride(s.get());
  const int c = im.channels;
  for (std::uint32_t y = 0; y < im.height; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::size_t>(y) * stride);
    const std::uint8_t* p = im.pixel(0, y);
    for (std::uint32_t x = 0; x < im.width; ++x, p += c) {
      std::uint32_t r, g, b, a = 255;
      if (c <= 2) {
        r = g = b = p[0];
        if (c == 2) a = p[1];
      } else {
        r = p[0], g = p[1], b = p[2];
        if (c == 4) a = p[3];
      }
      if (a != 255) {  // premultiply, rounded
        r = (r * a + 127) / 255;
        g = (g * a + 127) / 255;
        b = (b * a + 127) / 255;
      }
      row[x] = a << 24 | r << 16 | g << 8 | b;
    }
  }
  cairo_surface_mark_dirty(s.get());
  return s;
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    fail(ErrorCode::kInternal,
         std::string("PDF: ") + what + " failed: " + cairo_status_to_string(status));
}

}  // namespace

std::vector<std::byte> write_pdf(const Scene& scene, const PhysicalSize& size) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!positive(scene.width) || !positive(scene.height))
    fail(ErrorCode::kInvalidArgument, "PDF: the scene has no size");
  if (!positive(size.width_mm) || !positive(size.height_mm))
    fail(ErrorCode::kInvalidArgument, "PDF: the physical size must be positive millimetres");
  const double width_pt = size.width_mm * kPointsPerMm, height_pt = size.height_mm * kPointsPerMm;

  std::vector<std::byte> out;
  SurfacePtr pdf(cairo_pdf_surface_create_for_stream(append, &out, width_pt, height_pt));
  check(cairo_surface_status(pdf.get()), "creating the PDF surface");
  const std::string creator = std::string("imagery ") + kVersion;
  cairo_pdf_surface_set_metadata(pdf.get(), CAIRO_PDF_METADATA_CREATOR, creator.c_str());
  // cairo stamps the current time as CreationDate; without one the same scene gives the same
  // bytes.
  cairo_pdf_surface_set_metadata(pdf.get(), CAIRO_PDF_METADATA_CREATE_DATE, nullptr);
  {
    ContextPtr cr(cairo_create(pdf.get()));
    cairo_scale(cr.get(), width_pt / scene.width, height_pt / scene.height);
    if (scene.background) {
      set_color(cr.get(), *scene.background);
      cairo_rectangle(cr.get(), 0, 0, scene.width, scene.height);
      cairo_fill(cr.get());
    }
    // One surface per picture, so a picture drawn twice is embedded once.
    std::map<const overlay::Image*, SurfacePtr> pictures;
    for (const Item& item : scene.items) {
      if (const auto* image = std::get_if<ImageItem>(&item)) {
        if (!image->image || image->image->width == 0 || image->image->height == 0 ||
            !(image->width > 0) || !(image->height > 0))
          continue;
        SurfacePtr& surface = pictures[image->image.get()];
        if (!surface) surface = to_surface(*image->image);
        cairo_save(cr.get());
        cairo_translate(cr.get(), image->x, image->y);
        cairo_scale(cr.get(), image->width / image->image->width,
                    image->height / image->image->height);
        cairo_set_source_surface(cr.get(), surface.get(), 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_NEAREST);
        cairo_paint(cr.get());
        cairo_restore(cr.get());
      } else if (const auto* path = std::get_if<PathItem>(&item)) {
        draw_path(cr.get(), *path);
      } else if (const auto* text = std::get_if<TextItem>(&item)) {
        draw_text(cr.get(), *text, TextMode::kText);
      }
    }
    check(cairo_status(cr.get()), "drawing");
  }
  cairo_surface_finish(pdf.get());
  check(cairo_surface_status(pdf.get()), "writing");
  pdf.reset();
  return out;
}

}  // namespace imagery::graphics
