#include "imagery/figure/vector_overlay.h"

#include <algorithm>
#include <memory>

#include "imagery/core/error.h"
#include "imagery/core/thread_pool.h"
#include "imagery/graphics/polygon_ops.h"
#include "imagery/graphics/trace_labels.h"
#include "imagery/overlay/composite.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/outline.h"
#include "imagery/overlay/series.h"
#include "imagery/overlay/tint.h"

namespace imagery::figure {

namespace {

using graphics::MultiPolygon;
using graphics::Point;
using graphics::Polyline;

// Slice `index` along `dim` of an x-fastest (X, Y, Z) volume of T, as a picture (row = y of the
// picture): the two other axes in order, the first as columns.
template <class T>
std::vector<T> slice_of(const std::vector<T>& volume, const Shape4& shape, int dim,
                        std::int64_t index) {
  const auto [w, h] = overlay::slice_size(shape, dim);
  std::vector<T> out(static_cast<std::size_t>(w) * h);
  const std::int64_t X = shape.x, XY = shape.x * shape.y;
  for (std::uint32_t r = 0; r < h; ++r)
    for (std::uint32_t c = 0; c < w; ++c) {
      std::int64_t at = 0;
      if (dim == 2)
        at = index * XY + static_cast<std::int64_t>(r) * X + c;
      else if (dim == 1)
        at = static_cast<std::int64_t>(r) * XY + index * X + c;
      else
        at = static_cast<std::int64_t>(r) * XY + static_cast<std::int64_t>(c) * X + index;
      out[static_cast<std::size_t>(r) * w + c] = volume[static_cast<std::size_t>(at)];
    }
  return out;
}

std::vector<Polyline> shifted(std::vector<Polyline> lines, double dx, double dy) {
  for (Polyline& l : lines)
    for (Point& p : l.points) {
      p.x += dx;
      p.y += dy;
    }
  return lines;
}

// The rings of `polygons` cut into open runs that leave out edges lying on the picture's border
// (an inner outline is not drawn along the border: ImageryClient erodes with border_value=1).
std::vector<Polyline> runs_off_border(const std::vector<Polyline>& rings, double w, double h) {
  auto on_border = [&](const Point& a, const Point& b) {
    return (a.x == 0 && b.x == 0) || (a.x == w && b.x == w) || (a.y == 0 && b.y == 0) ||
           (a.y == h && b.y == h);
  };
  std::vector<Polyline> runs;
  for (const Polyline& ring : rings) {
    const std::size_t n = ring.points.size();
    if (n < 2) continue;
    std::size_t first_border = n;
    for (std::size_t i = 0; i < n; ++i)
      if (on_border(ring.points[i], ring.points[(i + 1) % n])) {
        first_border = i;
        break;
      }
    if (first_border == n) {  // no border edge: the closed ring
      runs.push_back(ring);
      continue;
    }
    // Walk the edges from just after a border edge, collecting runs between border edges.
    Polyline run;
    run.closed = false;
    for (std::size_t k = 1; k <= n; ++k) {
      const std::size_t i = (first_border + k) % n;
      const Point& a = ring.points[i];
      const Point& b = ring.points[(i + 1) % n];
      if (on_border(a, b)) {
        if (run.points.size() >= 2) runs.push_back(run);
        run.points.clear();
        continue;
      }
      if (run.points.empty()) run.points.push_back(a);
      run.points.push_back(b);
    }
    if (run.points.size() >= 2) runs.push_back(run);
  }
  return runs;
}

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool meets(const Box& o) const { return x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1; }
};

Box bounds_of(const std::vector<Polyline>& lines, double grow = 0) {
  Box b{1e300, 1e300, -1e300, -1e300};
  for (const Polyline& l : lines)
    for (const Point& p : l.points) {
      b.x0 = std::min(b.x0, p.x);
      b.y0 = std::min(b.y0, p.y);
      b.x1 = std::max(b.x1, p.x);
      b.y1 = std::max(b.y1, p.y);
    }
  return {b.x0 - grow, b.y0 - grow, b.x1 + grow, b.y1 + grow};
}

graphics::Color with_alpha(const palettes::Rgb8& c, std::uint8_t a) {
  return {c.r, c.g, c.b, a};
}

// Pixel-exact outlines: each object's band exactly as the compositor draws it (ImageryClient's
// dilation or erosion, masked by the union's band when merged, earlier objects first without
// overlap), traced into polygons and filled. Each band is worked out in the object's box grown by
// the width (clamped to the picture), where the border rules are the picture's own.
void add_band_outlines(graphics::Scene& scene, const std::vector<std::uint32_t>& ranks,
                       std::uint32_t w, std::uint32_t h, std::uint32_t object_count,
                       const std::vector<palettes::Rgb8>& colors, std::uint8_t alpha,
                       const overlay::CompositeOptions& c, double x, double y, ThreadPool* pool) {
  struct PixelBox {
    std::uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;  // inclusive-exclusive
  };
  std::vector<PixelBox> boxes(object_count);
  for (std::uint32_t r = 0; r < h; ++r)
    for (std::uint32_t col = 0; col < w; ++col) {
      const std::uint32_t rank = ranks[static_cast<std::size_t>(r) * w + col];
      if (rank == 0 || rank > object_count) continue;
      PixelBox& b = boxes[rank - 1];
      b.x0 = std::min(b.x0, col);
      b.y0 = std::min(b.y0, r);
      b.x1 = std::max(b.x1, col + 1);
      b.y1 = std::max(b.y1, r + 1);
    }
  const std::uint32_t reach = overlay::effective_width(c.width, w, h) + 1;
  std::vector<std::uint8_t> ring;  // the union's band, when merged
  if (c.merge_outline) {
    std::vector<std::uint8_t> any(ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i)
      any[i] = ranks[i] != 0 && ranks[i] <= object_count;
    ring = overlay::binary_outline(any.data(), w, h, c.width, c.side);
  }
  std::vector<std::uint8_t> painted;  // without overlap: pixels an earlier band took
  if (!c.overlap) painted.assign(ranks.size(), 0);
  // Object k's band, traced, with the box it was worked out in.
  struct Traced {
    MultiPolygon polygons;
    std::uint32_t x0 = 0, y0 = 0;
  };
  std::vector<Traced> traced(object_count);
  const auto band_of = [&](std::size_t index) {
    const auto k = static_cast<std::uint32_t>(index);
    const PixelBox& b = boxes[k];
    if (b.x0 >= b.x1) return;
    const std::uint32_t x0 = b.x0 > reach ? b.x0 - reach : 0;
    const std::uint32_t y0 = b.y0 > reach ? b.y0 - reach : 0;
    const std::uint32_t x1 = std::min(w, b.x1 + reach), y1 = std::min(h, b.y1 + reach);
    const std::uint32_t cw = x1 - x0, ch = y1 - y0;
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(cw) * ch);
    for (std::uint32_t r = 0; r < ch; ++r)
      for (std::uint32_t col = 0; col < cw; ++col)
        mask[static_cast<std::size_t>(r) * cw + col] =
            ranks[static_cast<std::size_t>(y0 + r) * w + x0 + col] == k + 1;
    // A box clamped to the picture keeps the picture's border rules; elsewhere the object is
    // more than the width away from the box's edge, so that edge changes nothing.
    std::vector<std::uint8_t> band = overlay::binary_outline(mask.data(), cw, ch, c.width, c.side);
    // As the compositor: without overlap an earlier band keeps its pixels (whether or not the
    // union's band keeps them later); then only the union's band survives a merge.
    for (std::uint32_t r = 0; r < ch; ++r)
      for (std::uint32_t col = 0; col < cw; ++col) {
        const std::size_t local = static_cast<std::size_t>(r) * cw + col;
        const std::size_t global = static_cast<std::size_t>(y0 + r) * w + x0 + col;
        if (!band[local]) continue;
        if (!painted.empty()) {
          if (painted[global]) {
            band[local] = 0;
            continue;
          }
          if (alpha > 0) painted[global] = 1;
        }
        if (!ring.empty() && !ring[global]) band[local] = 0;
      }
    traced[k] = {graphics::trace_mask(band.data(), cw, ch), x0, y0};
  };
  // Bands are independent unless an earlier one takes pixels from later ones (no overlap).
  if (painted.empty()) {
    parallel_for(pool, object_count, band_of);
  } else {
    for (std::uint32_t k = 0; k < object_count; ++k) band_of(k);
  }
  for (std::uint32_t k = 0; k < object_count; ++k) {
    if (traced[k].polygons.empty()) continue;
    graphics::PathItem outline;
    outline.role = "outline";
    outline.subpaths =
        shifted(graphics::to_subpaths(traced[k].polygons), x + traced[k].x0, y + traced[k].y0);
    outline.rule = graphics::FillRule::kEvenOdd;
    outline.fill = with_alpha(colors[k], alpha);
    scene.items.push_back(std::move(outline));
  }
}

}  // namespace

void add_vector_overlay(graphics::Scene& scene, const FigureSpec& spec,
                        const RenderedFigure& figure, std::size_t panel_index, double x, double y,
                        ThreadPool* pool) {
  if (panel_index >= figure.panels.size())
    fail(ErrorCode::kInternal, "no panel " + std::to_string(panel_index));
  const overlay::OverlayStyle& style = spec.style;
  const Panel& panel = figure.panels[panel_index];
  const Shape4& shape = figure.segmentation.shape();
  const bool three_d = figure.panels.size() > 1 || spec.region.spans_sections();
  const int dim = three_d ? style.dim : 2;
  const std::int64_t index = panel.voxels.min[dim] - figure.provenance.grid_voxels.min[dim];
  const auto [w, h] = overlay::slice_size(shape, dim);
  const double W = w, H = h;

  // The imagery: one grey picture at its own pixels.
  const bool has_image = figure.image.shape().count() > 0;
  if (has_image) {
    auto grey = std::make_shared<overlay::Image>(w, h, 1);
    grey->pixels = slice_of(overlay::to_grey8(figure.image, style.window), shape, dim, index);
    if (overlay::is_tinted(style.composite.tint))
      grey = std::make_shared<overlay::Image>(overlay::tint_picture(*grey, *style.composite.tint));
    scene.items.push_back(graphics::ImageItem{grey, x, y, W, H, "imagery"});
  } else if (style.rgb) {
    // A figure without imagery goes on black in RGB, as the PNG does.
    graphics::PathItem black;
    black.subpaths = {Polyline{{{x, y}, {x + W, y}, {x + W, y + H}, {x, y + H}}, true}};
    black.fill = graphics::Color{0, 0, 0, 255};
    black.role = "background";
    scene.items.push_back(std::move(black));
  }

  overlay::SplitOptions split;
  split.include_zero = style.include_zero;
  split.root_ids = style.root_ids;
  const overlay::ObjectLabels labels =
      overlay::ObjectLabels::split(figure.segmentation, split, "segmentation");
  if (labels.object_count() == 0) return;
  const std::vector<palettes::Rgb8> colors =
      overlay::object_colors(labels.ids(), labels.is_signed(), style.colors);
  const std::vector<std::uint32_t> ranks = slice_of(labels.ranks(), shape, dim, index);
  const auto object_count = static_cast<std::uint32_t>(labels.object_count());
  const double tolerance = spec.output.simplify;
  const std::uint8_t alpha = overlay::frame_alpha(style.composite.alpha);
  const overlay::CompositeOptions& c = style.composite;
  // Exact outlines are the compositor's bands, traced one by one: the objects' own polygons are
  // not needed then.
  std::vector<MultiPolygon> objects;
  if (!c.outline || tolerance > 0) {
    objects = graphics::trace_objects(ranks.data(), w, h, object_count);
    if (tolerance > 0)
      parallel_for(pool, objects.size(),
                   [&](std::size_t k) { objects[k] = graphics::simplify(objects[k], tolerance); });
  }

  if (!c.outline) {
    for (std::uint32_t k = 0; k < object_count; ++k) {
      if (objects[k].empty()) continue;
      graphics::PathItem fill;
      fill.subpaths = shifted(graphics::to_subpaths(objects[k]), x, y);
      fill.rule = graphics::FillRule::kEvenOdd;
      fill.fill = with_alpha(colors[k], alpha);
      fill.role = "fill";
      scene.items.push_back(std::move(fill));
    }
    return;
  }

  if (tolerance == 0) {
    add_band_outlines(scene, ranks, w, h, object_count, colors, alpha, c, x, y, pool);
    return;
  }
  // Simplified outlines: a stroke of twice the width centred on the simplified edge, clipped to
  // one side of it (a smooth line of the requested width, where pixels no longer matter).
  const double band = c.width >= 1 ? c.width : std::max(W, H);
  const Polyline frame{{{x, y}, {x + W, y}, {x + W, y + H}, {x, y + H}}, true};
  MultiPolygon united;
  if (c.merge_outline) {
    std::vector<std::uint8_t> any(ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i) any[i] = ranks[i] != 0;
    united = graphics::trace_mask(any.data(), w, h);
    if (tolerance > 0) united = graphics::simplify(united, tolerance);
  }
  const std::vector<Polyline> union_rings = shifted(graphics::to_subpaths(united), x, y);
  // Side in with merged outlines strokes the union's edges near each object (clipped to it):
  // only the union's runs whose box meets the object's.
  std::vector<Polyline> union_runs;
  std::vector<Box> union_run_boxes;
  if (c.merge_outline && c.side != overlay::Side::kOut) {
    union_runs = runs_off_border(graphics::to_subpaths(united), W, H);
    for (const Polyline& run : union_runs) union_run_boxes.push_back(bounds_of({run}));
  }
  for (std::uint32_t k = 0; k < object_count; ++k) {
    if (objects[k].empty()) continue;
    const std::vector<Polyline> rings = shifted(graphics::to_subpaths(objects[k]), x, y);
    graphics::PathItem outline;
    outline.role = "outline";
    outline.stroke = graphics::Stroke{with_alpha(colors[k], alpha), 2 * band,
                                      graphics::LineJoin::kRound, graphics::LineCap::kButt, 10};
    graphics::Region clip;
    clip.rule = graphics::FillRule::kEvenOdd;
    if (c.side == overlay::Side::kOut) {
      // Outside the object (or the union), inside the picture.
      outline.subpaths = rings;
      clip.subpaths.push_back(frame);
      const std::vector<Polyline>& holes = c.merge_outline ? union_rings : rings;
      clip.subpaths.insert(clip.subpaths.end(), holes.begin(), holes.end());
    } else {
      // Inside the object, along its edges (or the union's) that are not the picture's border.
      std::vector<Polyline> local;
      if (c.merge_outline) {
        const Box near = bounds_of(graphics::to_subpaths(objects[k]), 2 * band);
        for (std::size_t r = 0; r < union_runs.size(); ++r)
          if (union_run_boxes[r].meets(near)) local.push_back(union_runs[r]);
      } else {
        local = runs_off_border(graphics::to_subpaths(objects[k]), W, H);
      }
      outline.subpaths = shifted(std::move(local), x, y);
      clip.subpaths = rings;
    }
    if (outline.subpaths.empty()) continue;
    outline.clip = std::move(clip);
    scene.items.push_back(std::move(outline));
  }
}

}  // namespace imagery::figure
