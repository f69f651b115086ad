// A rendered figure's panel as a graphics::Scene, with everything a published figure carries:
// the picture (raster: the compositor's exact pixels; vector: the imagery embedded and the
// objects as traced polygons, figure/vector_overlay.h), the scale bar, the panel letter, the
// title, the overview inset and the annotation marks. `imagery figure` draws one panel per
// scene; `imagery layout` places several in one scene.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "imagery/core/thread_pool.h"
#include "imagery/figure/annotation_file.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/figure/overview.h"
#include "imagery/figure/print_size.h"
#include "imagery/figure/render.h"
#include "imagery/figure/scale_bar.h"
#include "imagery/graphics/scene.h"

namespace imagery::figure {

// The annotation files of a spec, read once (a batch row or a layout panel reads its own).
struct MarkSet {
  std::vector<Mark> points, lines, boxes;
  std::string points_file, lines_file, boxes_file;
};
// Throws what read_marks throws.
MarkSet read_mark_files(const ElementsSpec& elements);

struct MarkTally {
  std::string kind, file;
  std::size_t drawn = 0, skipped = 0;  // skipped: outside the panel's box or z range
};

// What the elements drew on one panel, for the sidecar.
struct ElementsRecord {
  std::optional<ScaleBarGeometry> scale_bar;
  std::optional<Overview> inset;  // (the picture itself is not recorded)
  std::vector<MarkTally> marks;
};

struct PanelDrawing {
  bool vector = false;  // SVG/PDF: the overlay as traced polygons
  PrintSize print;      // text sizes in points; the raster scale the scale bar is exact in
  const MarkSet* marks = nullptr;
  const Overview* overview = nullptr;
  double common_scale_bar_nm = 0;  // layouts: one length for panels of one pixel size
  ThreadPool* pool = nullptr;      // traces the vector overlay's objects in parallel
};

// The space a panel takes in a scene: its picture plus a band above it for the title.
struct PanelFootprint {
  double width = 0, height = 0;
  double picture_y = 0;  // where the picture starts below the footprint's top
};
PanelFootprint panel_footprint(const FigureSpec& spec, const Panel& panel, const PrintSize& print);

// Adds panel `index` of `figure` to `scene` with its footprint's top-left at (x, y).
ElementsRecord add_panel(graphics::Scene& scene, const FigureSpec& spec,
                         const RenderedFigure& figure, std::size_t index, double x, double y,
                         const PanelDrawing& drawing);

// Whether panel `index` can be drawn as vectors (not a Neuroglancer state figure).
bool has_vector_overlay(const RenderedFigure& figure);

}  // namespace imagery::figure
