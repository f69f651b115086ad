// Multi-panel figures: `imagery layout LAYOUT.json -o fig.pdf`. A layout is a grid of panels,
// each a FigureSpec (the keys of a batch row or a sidecar) over shared defaults:
//
//   {"defaults": {"image": "...", "seg": "...", "outline": true, "scale_bar": "auto"},
//    "columns": 3, "spacing": 10, "labels": true, "window": "shared",
//    "width_mm": 183, "dpi": 300, "output": "fig.pdf",
//    "panels": [{"center": [...], "image_size": [256, 256]}, {"span": [2, 1], ...}, ...]}
//
// Panels go row by row into the first free cells (a "span": [rows, columns] takes several), at
// their native pixels, `spacing` pixels apart with no outer margin; a column is as wide as its
// widest panel, a row as tall as its tallest. Panels get letters a, b, c... at their top-left
// ("label" per panel to choose one, false for none; "labels": false for none at all). With
// "window": "shared" every panel of one image source is drawn with one auto window found over
// all of them. Panels whose scale bar is auto and whose pixels are the same size share one bar
// length. "width_mm"/"height_mm" and "dpi" size the whole as a figure's do. All panels are
// fetched concurrently through one context; the sidecar (format imagery.layout/1) holds every
// panel's spec as run and its provenance, so `imagery layout --from fig.json` remakes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/figure/figure_spec.h"
#include "imagery/figure/make_figure.h"
#include "imagery/io/context.h"

namespace imagery::figure {

inline constexpr std::string_view kLayoutFormat = "imagery.layout/1";

struct LayoutPanel {
  FigureSpec spec;
  int rows = 1, columns = 1;  // the span
  // nullopt: the automatic letter (when the layout has labels); "": none.
  std::optional<std::string> label;
};

struct LayoutSpec {
  std::vector<LayoutPanel> panels;
  int columns = 0;  // 0: min(3, panels)
  double spacing = 10;
  bool labels = true;
  bool shared_window = false;
  OutputSpec output;  // path, png_level, dpi, width_mm, height_mm
};

// A layout document (or a layout sidecar) to a spec; `where` names it in messages. Throws
// kInvalidArgument naming the key, or "panel N" and the key.
LayoutSpec read_layout_spec(const nlohmann::json& doc, const std::string& where);

struct LayoutCell {
  double x = 0, y = 0;  // the panel's top-left
  int row = 0, column = 0;
};

struct LayoutGeometry {
  double width = 0, height = 0;
  std::vector<LayoutCell> cells;  // one per panel
  std::vector<double> column_widths, row_heights;
};

// Places panels of `sizes` (width, height) with `spans` (rows, columns) in a grid.
LayoutGeometry layout_geometry(const std::vector<std::pair<double, double>>& sizes,
                               const std::vector<std::pair<int, int>>& spans, int columns,
                               double spacing);

// "a", ..., "z", "aa", "ab", ...
std::string panel_letter(std::size_t index);

struct LayoutFiles {
  std::string picture, sidecar;
};

// Plans every panel, fetches them concurrently, draws the grid and writes the picture (by its
// extension) and its sidecar. Throws like make_figure, naming the panel.
LayoutFiles make_layout(const LayoutSpec& spec, io::Context& context,
                        const MakeOptions& options = {});

}  // namespace imagery::figure
