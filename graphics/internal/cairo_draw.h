// Drawing scene items with cairo, shared by the raster renderer (coverage masks) and the PDF
// writer (a PDF surface): one place decides how a PathItem's fill, stroke and clip and a
// TextItem's glyphs and halo become cairo calls, so both formats draw the same shapes.
#pragma once

#include <cairo.h>

#include "imagery/graphics/scene.h"

namespace imagery::graphics {

// A box in the user space of the cairo context (scene units), possibly empty.
struct UserBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return !(x1 > x0 && y1 > y0); }
};

// Given to the draw functions by the raster renderer: every paint operation (a fill, a stroke,
// the glyphs) is then drawn in opaque black, as coverage, and `painted` is called after each with
// the colour it stands for and a box holding every pixel it marked. The renderer composites the
// colour through that coverage itself, in straight alpha.
class CoverageSink {
 public:
  virtual ~CoverageSink() = default;
  virtual void painted(Color color, const UserBox& box) = 0;
};

void set_color(cairo_t* cr, Color color);

// Fill, then stroke, inside the clip; in their colours, or as coverage reported to `sink`.
void draw_path(cairo_t* cr, const PathItem& path, CoverageSink* sink = nullptr);

enum class TextMode {
  kOutlines,  // glyph outlines filled as paths (rasters: the same outlines the halo strokes)
  kText,      // real text (cairo_show_text_glyphs): selectable and searchable in a PDF
};

// The halo stroke, then the glyphs, laid out by layout_text (internal/fonts.h).
void draw_text(cairo_t* cr, const TextItem& text, TextMode mode, CoverageSink* sink = nullptr);

}  // namespace imagery::graphics
