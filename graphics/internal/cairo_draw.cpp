#include "imagery/graphics/internal/cairo_draw.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/fonts.h"

namespace imagery::graphics {

namespace {

void append_subpaths(cairo_t* cr, const std::vector<Polyline>& subpaths) {
  for (const Polyline& line : subpaths) {
    for (const Point& p : line.points)
      if (!std::isfinite(p.x) || !std::isfinite(p.y))
        fail(ErrorCode::kInvalidArgument, "scene path: a point is not finite");
    if (line.points.empty()) continue;
    cairo_move_to(cr, line.points[0].x, line.points[0].y);
    for (std::size_t i = 1; i < line.points.size(); ++i)
      cairo_line_to(cr, line.points[i].x, line.points[i].y);
    if (line.closed) cairo_close_path(cr);
  }
}

cairo_fill_rule_t to_cairo(FillRule rule) {
  return rule == FillRule::kNonZero ? CAIRO_FILL_RULE_WINDING : CAIRO_FILL_RULE_EVEN_ODD;
}

void set_stroke_style(cairo_t* cr, const Stroke& stroke) {
  cairo_set_line_width(cr, stroke.width);
  cairo_set_line_join(cr, stroke.join == LineJoin::kRound   ? CAIRO_LINE_JOIN_ROUND
                          : stroke.join == LineJoin::kBevel ? CAIRO_LINE_JOIN_BEVEL
                                                            : CAIRO_LINE_JOIN_MITER);
  cairo_set_line_cap(cr, stroke.cap == LineCap::kRound    ? CAIRO_LINE_CAP_ROUND
                         : stroke.cap == LineCap::kSquare ? CAIRO_LINE_CAP_SQUARE
                                                          : CAIRO_LINE_CAP_BUTT);
  cairo_set_miter_limit(cr, stroke.miter_limit);
}

// How far a stroke can reach beyond its path: half the width, times the miter limit at miter
// joins (cairo bevels longer miters) or sqrt(2) for square caps. A bound, not the exact reach:
// cairo_stroke_extents would tessellate the whole stroke a second time.
double stroke_reach(const Stroke& stroke) {
  const double factor = stroke.join == LineJoin::kMiter
                            ? std::max(stroke.miter_limit, std::numbers::sqrt2)
                            : std::numbers::sqrt2;
  return stroke.width / 2 * factor;
}

// The current path's extents, grown by `reach`, cut to the clip.
UserBox marked_box(cairo_t* cr, double reach) {
  UserBox box;
  cairo_path_extents(cr, &box.x0, &box.y0, &box.x1, &box.y1);
  box.x0 -= reach;
  box.y0 -= reach;
  box.x1 += reach;
  box.y1 += reach;
  UserBox clip;
  cairo_clip_extents(cr, &clip.x0, &clip.y0, &clip.x1, &clip.y1);
  box.x0 = std::max(box.x0, clip.x0);
  box.y0 = std::max(box.y0, clip.y0);
  box.x1 = std::min(box.x1, clip.x1);
  box.y1 = std::min(box.y1, clip.y1);
  return box;
}

// The source for a paint operation: its colour, or opaque black when drawing coverage.
void set_paint(cairo_t* cr, Color color, CoverageSink* sink) {
  if (sink)
    cairo_set_source_rgba(cr, 0, 0, 0, 1);
  else
    set_color(cr, color);
}

void fill(cairo_t* cr, Color color, CoverageSink* sink) {
  set_paint(cr, color, sink);
  const UserBox box = sink ? marked_box(cr, 0) : UserBox{};
  cairo_fill_preserve(cr);
  if (sink) sink->painted(color, box);
}

void stroke(cairo_t* cr, const Stroke& s, CoverageSink* sink) {
  set_paint(cr, s.color, sink);
  set_stroke_style(cr, s);
  const UserBox box = sink ? marked_box(cr, stroke_reach(s)) : UserBox{};
  cairo_stroke_preserve(cr);
  if (sink) sink->painted(s.color, box);
}

bool shows(const Stroke& s) {
  return s.color.a > 0 && s.width > 0;
}

}  // namespace

void set_color(cairo_t* cr, Color color) {
  cairo_set_source_rgba(cr, color.r / 255.0, color.g / 255.0, color.b / 255.0, color.a / 255.0);
}

void draw_path(cairo_t* cr, const PathItem& path, CoverageSink* sink) {
  const bool filled = path.fill && path.fill->a > 0;
  const bool stroked = path.stroke && shows(*path.stroke);
  if (!filled && !stroked) return;
  cairo_save(cr);
  if (path.clip) {
    cairo_new_path(cr);
    append_subpaths(cr, path.clip->subpaths);
    cairo_set_fill_rule(cr, to_cairo(path.clip->rule));
    cairo_clip(cr);
  }
  cairo_new_path(cr);
  append_subpaths(cr, path.subpaths);
  if (filled) {
    cairo_set_fill_rule(cr, to_cairo(path.rule));
    fill(cr, *path.fill, sink);
  }
  if (stroked) stroke(cr, *path.stroke, sink);
  cairo_new_path(cr);
  cairo_restore(cr);
}

void draw_text(cairo_t* cr, const TextItem& text, TextMode mode, CoverageSink* sink) {
  const bool halo = text.halo && shows(*text.halo);
  const bool filled = text.fill.a > 0;
  if (!halo && !filled) return;
  const GlyphLayout layout = layout_text(text.text, text.size, text.bold);
  if (layout.glyphs.empty()) return;
  const double start = text.anchor == TextAnchor::kMiddle ? text.x - layout.width / 2
                       : text.anchor == TextAnchor::kEnd  ? text.x - layout.width
                                                          : text.x;
  std::vector<cairo_glyph_t> glyphs(layout.glyphs.size());
  std::vector<cairo_text_cluster_t> clusters(layout.glyphs.size());
  for (std::size_t i = 0; i < glyphs.size(); ++i) {
    glyphs[i] = {layout.glyphs[i].index, start + layout.glyphs[i].x, text.y};
    clusters[i] = {layout.glyphs[i].utf8_bytes, 1};
  }
  cairo_save(cr);
  cairo_set_font_face(cr, cairo_font_face(text.bold));
  cairo_set_font_size(cr, text.size);
  set_unhinted(cr);
  cairo_new_path(cr);
  cairo_glyph_path(cr, glyphs.data(), static_cast<int>(glyphs.size()));
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);  // TrueType outlines are non-zero
  if (halo) stroke(cr, *text.halo, sink);
  if (filled) {
    if (mode == TextMode::kOutlines) {
      fill(cr, text.fill, sink);
    } else {
      cairo_new_path(cr);
      set_color(cr, text.fill);
      cairo_show_text_glyphs(cr, layout.utf8.data(), static_cast<int>(layout.utf8.size()),
                             glyphs.data(), static_cast<int>(glyphs.size()), clusters.data(),
                             static_cast<int>(clusters.size()), cairo_text_cluster_flags_t{});
    }
  }
  cairo_new_path(cr);
  cairo_restore(cr);
}

}  // namespace imagery::graphics
