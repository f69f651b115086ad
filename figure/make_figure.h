// make_figure: a FigureSpec all the way to files, as `imagery figure` and every row of `imagery
// batch` make them. Every output is opened first (so an unwritable path fails before any byte is
// fetched), the figure is planned (so what cannot work fails before fetching), then fetched,
// drawn, encoded by the writer of the output's extension, and each file renamed into place only
// when complete. The sidecar OUT.json is written last, so that its presence means the figure is
// whole: the spec as run (mips and resolution pinned, so it remakes the same picture) and what
// was drawn ("rendered").
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/figure/figure_scene.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/figure/print_size.h"
#include "imagery/figure/render.h"
#include "imagery/figure/writer.h"
#include "imagery/io/context.h"

namespace imagery::figure {

// How one picture file was drawn: its format, printed size and elements.
struct PanelDrawn {
  std::string format;  // "PNG", "SVG", ...
  PrintSize print;
  ElementsRecord elements;
};

struct FigureFiles {
  std::vector<std::string> pictures;
  std::vector<PanelDrawn> drawn;  // one per picture
  std::vector<std::string> arrays;
  std::string sidecar;
};

struct MakeOptions {
  RenderOptions render;
  // Told when a phase begins: "open", "fetch", "composite", "encode", "write" (fetch and
  // composite come with the provenance known by then).
  std::function<void(std::string_view phase, const Provenance* so_far)> on_phase;
};

// The scene of panel `index` as `writer` draws it (vectors or pixels), with the spec's elements
// (`marks` and `overview` as read for it; either may be null) at its printed size.
struct FigureScene {
  graphics::Scene scene;
  PanelDrawn drawn;
};
FigureScene panel_scene(const FigureSpec& spec, const RenderedFigure& figure, std::size_t index,
                        const FigureWriter& writer, const MarkSet* marks, const Overview* overview,
                        ThreadPool* pool = nullptr);

// Throws like plan_figure and render_figure, and kIoError for outputs that cannot be written.
// Fields are named in messages through `name`.
FigureFiles make_figure(const FigureSpec& spec, io::Context& context,
                        const MakeOptions& options = {}, const overlay::FieldNamer& name = {});

// The sidecar document: the schema of `spec` with the mips and resolution that were used, plus
// "rendered" (provenance, panels, files).
nlohmann::ordered_json sidecar_json(const FigureSpec& spec, const RenderedFigure& figure,
                                    const FigureFiles& files);

// The files a finished figure of `spec` leaves, as its sidecar lists them; empty when the
// sidecar is missing, unreadable, or names a file that is not there.
std::vector<std::string> finished_files(const FigureSpec& spec);

}  // namespace imagery::figure
