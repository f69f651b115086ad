// Scene: a finished figure as a list of drawing items in one coordinate system (scene units = the
// figure's native pixels, x right, y down, origin at the top-left corner), which every output
// format draws the same way: PNG and TIFF through the raster renderer (raster_renderer.h), SVG
// (svg_writer.h) and PDF (pdf_writer.h) as vectors with the imagery embedded at its native
// pixels. Items are drawn in order, later over earlier, with "over" compositing.
//
// The figure layer builds scenes (panels, outlines traced from labels, scale bars, text,
// annotations, insets, layouts); this layer only draws them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "imagery/overlay/image.h"

namespace imagery::graphics {

// 8-bit sRGB with straight (not premultiplied) alpha.
struct Color {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Color&) const = default;
};

struct Point {
  double x = 0, y = 0;
  bool operator==(const Point&) const = default;
};

// A run of connected straight segments; closed ones join the last point to the first.
struct Polyline {
  std::vector<Point> points;
  bool closed = true;
};

enum class FillRule { kNonZero, kEvenOdd };
enum class LineJoin { kMiter, kRound, kBevel };
enum class LineCap { kButt, kRound, kSquare };

struct Stroke {
  Color color;
  double width = 1;  // scene units
  LineJoin join = LineJoin::kMiter;
  LineCap cap = LineCap::kButt;
  double miter_limit = 10;
};

// A region: closed subpaths under a fill rule (holes are subpaths inside others).
struct Region {
  std::vector<Polyline> subpaths;
  FillRule rule = FillRule::kEvenOdd;
};

// Filled and/or stroked subpaths, optionally clipped to a region (outline bands on one side of an
// object's edge are a wide stroke clipped to the object or to its outside).
struct PathItem {
  std::vector<Polyline> subpaths;
  FillRule rule = FillRule::kEvenOdd;
  std::optional<Color> fill;
  std::optional<Stroke> stroke;
  std::optional<Region> clip;
  // What the path is, for the SVG's class attribute and for tests: "outline", "fill", "scale-bar",
  // "annotation", "inset-box", "frame", ...
  std::string role;
};

// A picture placed at (x, y) with size (width, height) in scene units. Vector outputs embed it at
// its own pixels (no resampling) and ask viewers not to smooth it; the raster renderer copies it
// exactly when it lands on whole pixels at scale 1, and otherwise samples it (nearest when
// enlarging, area-averaged when shrinking).
struct ImageItem {
  std::shared_ptr<const overlay::Image> image;  // grey, grey+alpha, RGB or RGBA
  double x = 0, y = 0, width = 0, height = 0;
  std::string role;  // "imagery", "inset", ...
};

enum class TextAnchor { kStart, kMiddle, kEnd };

// One line of UTF-8 text in DejaVu Sans (Bold when `bold`): `x` is where the anchor lies, `y` the
// alphabetic baseline; `size` is the em size in scene units. A halo is a stroke drawn under the
// glyphs (dark around white text so that it shows on any background).
struct TextItem {
  std::string text;
  double x = 0, y = 0;
  double size = 12;
  bool bold = false;
  TextAnchor anchor = TextAnchor::kStart;
  Color fill;
  std::optional<Stroke> halo;
  std::string role;  // "label", "title", "scale-bar", "annotation", ...
};

using Item = std::variant<ImageItem, PathItem, TextItem>;

struct Scene {
  double width = 0, height = 0;     // scene units (the native pixels of the whole figure)
  std::optional<Color> background;  // painted under everything (none: transparent)
  std::vector<Item> items;
};

// The physical size a scene is written at: the PDF page and the SVG width/height, and the DPI
// recorded in PNG and TIFF files.
struct PhysicalSize {
  double width_mm = 0, height_mm = 0;
};

// The size of `scene` when its units are printed at `dpi` per inch.
PhysicalSize size_at_dpi(const Scene& scene, double dpi);
// Scene units per inch when `scene` is printed at `size` (from its width).
double dpi_of(const Scene& scene, const PhysicalSize& size);

}  // namespace imagery::graphics
