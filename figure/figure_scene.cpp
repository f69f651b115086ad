#include "imagery/figure/figure_scene.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

#include "imagery/core/error.h"
#include "imagery/figure/image_rendering.h"
#include "imagery/figure/vector_overlay.h"
#include "imagery/graphics/text.h"

namespace imagery::figure {

namespace {

using graphics::Color;
using graphics::PathItem;
using graphics::Point;
using graphics::Polyline;
using graphics::TextItem;

constexpr Color kDark{0, 0, 0, 200};
constexpr Color kLight{255, 255, 255, 220};
constexpr Color kPointColor{255, 221, 0, 255};
constexpr Color kLineColor{0, 200, 255, 255};
constexpr Color kBoxColor{255, 90, 90, 255};
constexpr Color kInsetBoxColor{255, 221, 0, 255};

Color color_of(const palettes::Rgb8& c) {
  return {c.r, c.g, c.b, 255};
}

// A dark halo for light text and a light one for dark text.
Color halo_for(const Color& c) {
  const double luminance = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
  return luminance >= 110 ? kDark : kLight;
}

Polyline rect(double x0, double y0, double x1, double y1) {
  return Polyline{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, true};
}

PathItem filled_rect(double x0, double y0, double x1, double y1, Color c, std::string role) {
  PathItem p;
  p.subpaths = {rect(x0, y0, x1, y1)};
  p.fill = c;
  p.role = std::move(role);
  return p;
}

TextItem text_item(std::string text, double x, double baseline, double size, bool bold,
                   graphics::TextAnchor anchor, Color fill, std::string role) {
  TextItem t;
  t.text = std::move(text);
  t.x = x;
  t.y = baseline;
  t.size = size;
  t.bold = bold;
  t.anchor = anchor;
  t.fill = fill;
  t.halo = graphics::Stroke{halo_for(fill), std::max(1.0, size * 0.16), graphics::LineJoin::kRound,
                            graphics::LineCap::kRound, 10};
  t.role = std::move(role);
  return t;
}

// Rounds a scene coordinate so that it lands on a whole output pixel.
double snap(double v, double scale) {
  return std::round(v * scale) / scale;
}

struct PanelRect {
  double x, y, w, h;
};

void add_scale_bar(graphics::Scene& scene, const ScaleBarSpec& spec, const ScaleBarGeometry& g,
                   const PanelRect& r, double font, double scale) {
  const double thickness = spec.thickness ? *spec.thickness : std::max(2.0, std::round(0.01 * r.h));
  const double margin = std::max(4.0, std::round(0.04 * std::min(r.w, r.h)));
  const double outline = std::max(1.0, std::round(thickness / 8));
  const bool right = spec.position == Corner::kBottomRight || spec.position == Corner::kTopRight;
  const bool bottom = spec.position == Corner::kBottomRight || spec.position == Corner::kBottomLeft;
  graphics::TextExtents extents = graphics::measure_text(g.text, font, false);
  // A label wider than the panel (a small panel printed with large text) is set smaller so that
  // it fits, halo included, rather than being cut by the panel's edges.
  const double room = r.w - 2 * std::max(1.0, font * 0.16);
  if (extents.width > room && room > 0 && extents.width > 0) {
    font *= room / extents.width;
    extents = graphics::measure_text(g.text, font, false);
  }
  const double text_gap = 0.3 * font;
  const double x0 =
      right ? snap(r.x + r.w - margin, scale) - g.scene_length : snap(r.x + margin, scale);
  const double x1 = x0 + g.scene_length;
  const double label_room = spec.label ? extents.ascent + text_gap : 0;
  const double y0 =
      bottom ? snap(r.y + r.h - margin - thickness, scale) : snap(r.y + margin + label_room, scale);
  const double y1 = y0 + std::max(1.0, std::round(thickness * scale)) / scale;
  const Color fill = color_of(spec.color);
  const Color edge = halo_for(fill);
  scene.items.push_back(
      filled_rect(x0 - outline, y0 - outline, x1 + outline, y1 + outline, edge, "scale-bar"));
  scene.items.push_back(filled_rect(x0, y0, x1, y1, fill, "scale-bar"));
  if (spec.label) {
    // Centred over the bar, but moved inwards where it would reach past the panel's edge (a bar
    // near the edge with a label wider than itself, on a small panel).
    const double half = extents.width / 2 + std::max(1.0, font * 0.16);
    const double lo = r.x + half, hi = r.x + r.w - half;
    const double label_x = lo <= hi ? std::clamp((x0 + x1) / 2, lo, hi) : r.x + r.w / 2;
    scene.items.push_back(text_item(g.text, label_x, y0 - outline - text_gap, font, false,
                                    graphics::TextAnchor::kMiddle, fill, "scale-bar"));
  }
}

void add_inset(graphics::Scene& scene, const Overview& o, Corner corner, const PanelRect& r) {
  const double w = o.picture->width, h = o.picture->height;
  const double margin = std::max(4.0, std::round(0.04 * std::min(r.w, r.h)));
  const bool right = corner == Corner::kTopRight || corner == Corner::kBottomRight;
  const bool bottom = corner == Corner::kBottomLeft || corner == Corner::kBottomRight;
  const double x = std::round(right ? r.x + r.w - margin - w : r.x + margin);
  const double y = std::round(bottom ? r.y + r.h - margin - h : r.y + margin);
  scene.items.push_back(graphics::ImageItem{o.picture, x, y, w, h, "inset"});
  PathItem frame;
  frame.subpaths = {rect(x - 0.5, y - 0.5, x + w + 0.5, y + h + 0.5)};
  frame.stroke = graphics::Stroke{Color{255, 255, 255, 255}, 1, graphics::LineJoin::kMiter,
                                  graphics::LineCap::kButt, 10};
  frame.role = "frame";
  scene.items.push_back(std::move(frame));
  // The figure's box, at least 3 pixels across so that it shows on a large section.
  double bx0 = o.box[0], by0 = o.box[1], bx1 = o.box[2], by1 = o.box[3];
  const double min_side = 3;
  if (bx1 - bx0 < min_side) {
    const double c = (bx0 + bx1) / 2;
    bx0 = c - min_side / 2;
    bx1 = c + min_side / 2;
  }
  if (by1 - by0 < min_side) {
    const double c = (by0 + by1) / 2;
    by0 = c - min_side / 2;
    by1 = c + min_side / 2;
  }
  PathItem box;
  box.subpaths = {rect(x + bx0, y + by0, x + bx1, y + by1)};
  box.stroke = graphics::Stroke{kInsetBoxColor, std::max(1.0, std::round(w / 100)),
                                graphics::LineJoin::kMiter, graphics::LineCap::kButt, 10};
  box.clip = graphics::Region{{rect(x, y, x + w, y + h)}, graphics::FillRule::kNonZero};
  box.role = "inset-box";
  scene.items.push_back(std::move(box));
}

// Where coordinates land on an xy panel.
struct CoordinateMap {
  Vec3d coordinate_nm;  // nm per coordinate unit
  Vec3d grid_nm;        // nm per grid voxel
  Bbox voxels;          // the panel's grid voxels
  PanelRect rect;

  // A point's pixel position (voxel centres: coordinate c is the voxel [c, c+1)).
  Point centre(const Vec3d& c) const { return at({c.x + 0.5, c.y + 0.5, c.z + 0.5}); }
  Point at(const Vec3d& c) const {
    return {rect.x + c.x * coordinate_nm.x / grid_nm.x - static_cast<double>(voxels.min.x),
            rect.y + c.y * coordinate_nm.y / grid_nm.y - static_cast<double>(voxels.min.y)};
  }
  // The grid section holding coordinate z.
  double section(double z) const { return std::floor((z + 0.5) * coordinate_nm.z / grid_nm.z); }
  bool z_inside(double z) const {
    const double s = section(z);
    return s >= static_cast<double>(voxels.min.z) && s < static_cast<double>(voxels.max.z);
  }
  bool z_overlaps(double z0, double z1) const {
    const double s0 = section(std::min(z0, z1)), s1 = section(std::max(z0, z1));
    return s1 >= static_cast<double>(voxels.min.z) && s0 < static_cast<double>(voxels.max.z);
  }
  bool inside(const Point& p) const {
    return p.x >= rect.x && p.x < rect.x + rect.w && p.y >= rect.y && p.y < rect.y + rect.h;
  }
  bool meets(Point a, Point b) const {
    const double x0 = std::min(a.x, b.x), x1 = std::max(a.x, b.x);
    const double y0 = std::min(a.y, b.y), y1 = std::max(a.y, b.y);
    return x0 <= rect.x + rect.w && x1 >= rect.x && y0 <= rect.y + rect.h && y1 >= rect.y;
  }
};

Polyline circle(Point c, double radius) {
  Polyline p;
  constexpr int kSides = 48;
  for (int i = 0; i < kSides; ++i) {
    const double a = 2 * std::numbers::pi * i / kSides;
    p.points.push_back({c.x + radius * std::cos(a), c.y + radius * std::sin(a)});
  }
  return p;
}

void add_mark_label(graphics::Scene& scene, const Mark& m, Point at, double offset, Color c,
                    double font) {
  if (m.label.empty()) return;
  TextItem t = text_item(m.label, at.x + offset, at.y - offset, font * 0.9, false,
                         graphics::TextAnchor::kStart, c, "annotation");
  scene.items.push_back(std::move(t));
}

MarkTally add_marks(graphics::Scene& scene, const std::vector<Mark>& marks, MarkKind kind,
                    const std::string& file, const CoordinateMap& map, double font) {
  MarkTally tally{mark_kind_name(kind), file, 0, 0};
  const PanelRect& r = map.rect;
  const graphics::Region clip{{rect(r.x, r.y, r.x + r.w, r.y + r.h)}, graphics::FillRule::kNonZero};
  const double default_marker = std::max(8.0, std::round(0.02 * r.w));
  const double default_line = std::max(1.5, r.w / 400);
  for (const Mark& m : marks) {
    if (kind == MarkKind::kPoint) {
      const Point p = map.centre(m.a);
      if (!map.z_inside(m.a.z) || !map.inside(p)) {
        ++tally.skipped;
        continue;
      }
      const Color c = m.color ? color_of(*m.color) : kPointColor;
      const double size = m.size.value_or(default_marker);
      const double edge = std::max(1.0, size / 6);
      PathItem mark;
      mark.role = "annotation";
      mark.clip = clip;
      switch (m.shape) {
        case MarkShape::kCircle:
          mark.subpaths = {circle(p, size / 2)};
          mark.fill = c;
          mark.stroke = graphics::Stroke{halo_for(c), edge, graphics::LineJoin::kRound,
                                         graphics::LineCap::kRound, 10};
          break;
        case MarkShape::kSquare:
          mark.subpaths = {rect(p.x - size / 2, p.y - size / 2, p.x + size / 2, p.y + size / 2)};
          mark.fill = c;
          mark.stroke = graphics::Stroke{halo_for(c), edge, graphics::LineJoin::kMiter,
                                         graphics::LineCap::kButt, 10};
          break;
        case MarkShape::kCross: {
          const double a = size / 2;
          mark.subpaths = {Polyline{{{p.x - a, p.y - a}, {p.x + a, p.y + a}}, false},
                           Polyline{{{p.x - a, p.y + a}, {p.x + a, p.y - a}}, false}};
          mark.stroke = graphics::Stroke{c, std::max(1.5, size / 5), graphics::LineJoin::kMiter,
                                         graphics::LineCap::kButt, 10};
          break;
        }
      }
      scene.items.push_back(std::move(mark));
      add_mark_label(scene, m, p, size * 0.7, c, font);
      ++tally.drawn;
      continue;
    }
    const bool line = kind == MarkKind::kLine;
    const Point a = line ? map.centre(m.a) : map.at(m.a);
    const Point b = line ? map.centre(m.b) : map.at(m.b);
    if (!map.z_overlaps(m.a.z, line ? m.b.z : m.b.z - 1) || !map.meets(a, b)) {
      ++tally.skipped;
      continue;
    }
    const Color c = m.color ? color_of(*m.color) : line ? kLineColor : kBoxColor;
    PathItem mark;
    mark.role = "annotation";
    mark.clip = clip;
    mark.subpaths = {line ? Polyline{{a, b}, false} : rect(a.x, a.y, b.x, b.y)};
    mark.stroke = graphics::Stroke{c, m.size.value_or(default_line),
                                   line ? graphics::LineJoin::kRound : graphics::LineJoin::kMiter,
                                   line ? graphics::LineCap::kRound : graphics::LineCap::kButt, 10};
    scene.items.push_back(std::move(mark));
    add_mark_label(scene, m, {std::max(a.x, b.x), std::min(a.y, b.y)}, 2, c, font);
    ++tally.drawn;
  }
  return tally;
}

}  // namespace

MarkSet read_mark_files(const ElementsSpec& e) {
  MarkSet set;
  if (!e.points.empty()) set.points = read_marks(e.points, MarkKind::kPoint);
  if (!e.lines.empty()) set.lines = read_marks(e.lines, MarkKind::kLine);
  if (!e.boxes.empty()) set.boxes = read_marks(e.boxes, MarkKind::kBox);
  set.points_file = e.points;
  set.lines_file = e.lines;
  set.boxes_file = e.boxes;
  return set;
}

bool has_vector_overlay(const RenderedFigure& figure) {
  return !figure.provenance.neuroglancer.has_value();
}

PanelFootprint panel_footprint(const FigureSpec& spec, const Panel& panel, const PrintSize& print) {
  PanelFootprint f;
  f.width = panel.picture.width;
  f.height = panel.picture.height;
  if (!spec.elements.title.empty()) {
    const double font = print.points(spec.elements.font_size * 1.15);
    f.picture_y = std::ceil(font * 1.6);
    f.height += f.picture_y;
  }
  return f;
}

ElementsRecord add_panel(graphics::Scene& scene, const FigureSpec& spec,
                         const RenderedFigure& figure, std::size_t index, double x, double y,
                         const PanelDrawing& drawing) {
  if (index >= figure.panels.size())
    fail(ErrorCode::kInternal, "no panel " + std::to_string(index));
  const Panel& panel = figure.panels[index];
  const ElementsSpec& e = spec.elements;
  const PanelFootprint footprint = panel_footprint(spec, panel, drawing.print);
  const PanelRect r{x, y + footprint.picture_y, static_cast<double>(panel.picture.width),
                    static_cast<double>(panel.picture.height)};
  const double font = drawing.print.points(e.font_size);
  ElementsRecord record;

  // Footprints through a slab and channel-model imagery are drawn by the compositor only: such
  // panels go into SVG and PDF as their pixels.
  const bool raster_only =
      spec.rendering.projection != rendering::Projection::kNone ||
      (figure.image.shape().count() > 0 &&
       uses_channel_model(spec, static_cast<int>(figure.image.shape().c)));
  if (drawing.vector && has_vector_overlay(figure) && !raster_only) {
    add_vector_overlay(scene, spec, figure, index, r.x, r.y, drawing.pool);
  } else {
    auto picture = std::make_shared<overlay::Image>(panel.picture);
    scene.items.push_back(graphics::ImageItem{std::move(picture), r.x, r.y, r.w, r.h, "picture"});
  }

  if (drawing.marks && !has_vector_overlay(figure) &&
      !(drawing.marks->points.empty() && drawing.marks->lines.empty() &&
        drawing.marks->boxes.empty()))
    fail(ErrorCode::kInvalidArgument,
         "--points, --lines and --boxes mark figures of an image and segmentation; a "
         "Neuroglancer state draws its own annotation layers");
  if (drawing.marks) {
    const CoordinateMap map{figure.provenance.coordinate_resolution,
                            figure.provenance.grid_resolution, panel.voxels, r};
    const MarkSet& m = *drawing.marks;
    if (!m.boxes_file.empty())
      record.marks.push_back(add_marks(scene, m.boxes, MarkKind::kBox, m.boxes_file, map, font));
    if (!m.lines_file.empty())
      record.marks.push_back(add_marks(scene, m.lines, MarkKind::kLine, m.lines_file, map, font));
    if (!m.points_file.empty())
      record.marks.push_back(
          add_marks(scene, m.points, MarkKind::kPoint, m.points_file, map, font));
  }

  if (e.inset && drawing.overview) {
    add_inset(scene, *drawing.overview, *e.inset, r);
    record.inset = *drawing.overview;
    record.inset->picture.reset();
  }

  if (e.scale_bar.enabled) {
    const ScaleBarGeometry g =
        scale_bar_geometry(e.scale_bar, panel.nm_per_pixel_x, r.w, drawing.print.raster_scale,
                           drawing.common_scale_bar_nm);
    add_scale_bar(scene, e.scale_bar, g, r, font, drawing.print.raster_scale);
    record.scale_bar = g;
  }

  if (!e.label.empty()) {
    const double size = font * 1.25;
    const graphics::TextExtents t = graphics::measure_text(e.label, size, true);
    const double margin = std::max(3.0, std::round(0.03 * std::min(r.w, r.h)));
    scene.items.push_back(text_item(e.label, r.x + margin, r.y + margin + t.ascent, size, true,
                                    graphics::TextAnchor::kStart, Color{255, 255, 255, 255},
                                    "label"));
  }
  if (!e.title.empty()) {
    const double size = drawing.print.points(e.font_size * 1.15);
    const graphics::TextExtents t = graphics::measure_text(e.title, size, false);
    TextItem title =
        text_item(e.title, r.x + r.w / 2, y + (footprint.picture_y + t.ascent - t.descent) / 2,
                  size, false, graphics::TextAnchor::kMiddle, Color{0, 0, 0, 255}, "title");
    title.halo.reset();
    scene.items.push_back(std::move(title));
  }
  return record;
}

}  // namespace imagery::figure
