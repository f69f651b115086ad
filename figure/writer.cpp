#include "imagery/figure/writer.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/graphics/pdf_writer.h"
#include "imagery/graphics/raster_renderer.h"
#include "imagery/graphics/svg_writer.h"
#include "imagery/graphics/tiff_writer.h"
#include "imagery/overlay/figure_png.h"

namespace imagery::figure {

namespace {

std::string extension_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// The scene as pixels at the output's scale: the compositor's picture itself when that is all
// there is.
overlay::Image raster_of(const graphics::Scene& scene, const EncodeOptions& options) {
  if (options.print.raster_scale == 1)
    if (const overlay::Image* picture = sole_picture(scene)) return *picture;
  return graphics::render_raster(scene, {options.print.raster_scale});
}

class PngWriter : public FigureWriter {
 public:
  std::string_view format() const override { return "PNG"; }
  bool draws_vectors() const override { return false; }
  std::vector<std::byte> encode(const graphics::Scene& scene,
                                const EncodeOptions& options) const override {
    overlay::FigurePngOptions png;
    png.level = options.png_level;
    png.pool = options.pool;
    if (options.record_dpi) png.dpi = options.print.raster_dpi;
    if (options.print.raster_scale == 1)
      if (const overlay::Image* picture = sole_picture(scene))
        return overlay::encode_figure_png(*picture, png);
    return overlay::encode_figure_png(raster_of(scene, options), png);
  }
};

class TiffWriter : public FigureWriter {
 public:
  std::string_view format() const override { return "TIFF"; }
  bool draws_vectors() const override { return false; }
  std::vector<std::byte> encode(const graphics::Scene& scene,
                                const EncodeOptions& options) const override {
    graphics::TiffOptions tiff;
    tiff.dpi = options.print.raster_dpi;
    return graphics::encode_tiff(raster_of(scene, options), tiff);
  }
};

class SvgWriter : public FigureWriter {
 public:
  std::string_view format() const override { return "SVG"; }
  bool draws_vectors() const override { return true; }
  std::vector<std::byte> encode(const graphics::Scene& scene,
                                const EncodeOptions& options) const override {
    const std::string text = graphics::write_svg(scene, options.print.size);
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    return {begin, begin + text.size()};
  }
};

class PdfWriter : public FigureWriter {
 public:
  std::string_view format() const override { return "PDF"; }
  bool draws_vectors() const override { return true; }
  std::vector<std::byte> encode(const graphics::Scene& scene,
                                const EncodeOptions& options) const override {
    return graphics::write_pdf(scene, options.print.size, options.pool);
  }
};

}  // namespace

const overlay::Image* sole_picture(const graphics::Scene& scene) {
  if (scene.items.size() != 1 || scene.background) return nullptr;
  const auto* item = std::get_if<graphics::ImageItem>(&scene.items[0]);
  if (!item || !item->image || item->x != 0 || item->y != 0 || item->width != item->image->width ||
      item->height != item->image->height || scene.width != item->width ||
      scene.height != item->height)
    return nullptr;
  return item->image.get();
}

std::vector<std::string> writer_extensions() {
  return {".png", ".svg", ".pdf", ".tif", ".tiff"};
}

std::unique_ptr<FigureWriter> writer_for(const std::string& path) {
  const std::string ext = extension_of(path);
  if (ext == ".png") return std::make_unique<PngWriter>();
  if (ext == ".svg") return std::make_unique<SvgWriter>();
  if (ext == ".pdf") return std::make_unique<PdfWriter>();
  if (ext == ".tif" || ext == ".tiff") return std::make_unique<TiffWriter>();
  std::string known;
  for (const auto& e : writer_extensions()) known += (known.empty() ? "" : ", ") + e;
  fail(ErrorCode::kInvalidArgument,
       path + ": " + (ext.empty() ? std::string("no extension") : "'" + ext + "'") +
           " is not a figure format imagery writes (" + known + ")");
}

}  // namespace imagery::figure
