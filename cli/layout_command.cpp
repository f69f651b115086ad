// `imagery layout LAYOUT.json -o fig.pdf` (or .svg, .png, .tif): a grid of figure panels over
// shared defaults, drawn into one picture with letters, scale bars and a shared display window
// (figure/layout.h has the format); `imagery layout --from fig.json` remakes one from its sidecar.
#include <filesystem>
#include <memory>
#include <optional>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/figure_options.h"
#include "imagery/cli/json_file.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/core/error.h"
#include "imagery/figure/layout.h"

namespace imagery::cli {

namespace {
struct LayoutArgs {
  std::string layout, from, output;
  std::optional<double> dpi, width_mm, height_mm;
};
}  // namespace

CommandRunner add_layout_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<LayoutArgs>();
  auto* cmd = app.add_subcommand(
      "layout",
      "Draw a multi-panel figure: a grid of figures (each the keys of a batch row) with panel "
      "letters, scale bars and a shared display window, to PNG, SVG, PDF or TIFF");
  cmd->add_option("layout", a->layout,
                  "LAYOUT.json: {\"defaults\": {...}, \"columns\": 3, \"panels\": [{...}], "
                  "\"spacing\": 10, \"labels\": true, \"window\": \"shared\", \"width_mm\": 183, "
                  "\"dpi\": 300}");
  cmd->add_option("--from", a->from, "Remake the layout a sidecar fig.json describes");
  cmd->add_option("-o,--output", a->output,
                  "Output .pdf, .svg, .png or .tif (a sidecar .json is written beside it)");
  cmd->add_option("--dpi", a->dpi, "N: print at N dots per inch (instead of the layout's)");
  cmd->add_option("--width-mm", a->width_mm,
                  "W: the printed width in mm (instead of the layout's)");
  cmd->add_option("--height-mm", a->height_mm, "H: the printed height in mm instead");

  return [a, cmd, &global] {
    if (a->layout.empty() == a->from.empty())
      fail(ErrorCode::kInvalidArgument, "give LAYOUT.json or --from fig.json (one of them)");
    const std::string where = a->from.empty() ? a->layout : "--from " + a->from;
    const nlohmann::json doc = read_json_file(a->from.empty() ? a->layout : a->from,
                                              a->from.empty() ? "layout" : "--from");
    figure::LayoutSpec spec = figure::read_layout_spec(doc, where);
    if (!a->output.empty()) spec.output.path = a->output;
    // The physical size given on the command line replaces the layout's.
    if (a->dpi) spec.output.dpi = a->dpi;
    if (a->width_mm) {
      spec.output.width_mm = a->width_mm;
      spec.output.height_mm.reset();
    }
    if (a->height_mm) {
      spec.output.height_mm = a->height_mm;
      spec.output.width_mm.reset();
    }
    if (a->dpi || a->width_mm || a->height_mm) {
      figure::FigureSpec check;
      check.output = spec.output;
      check.output.path = "layout.png";
      check.image = figure::SourceSpec{"unused", {}};
      check.region = figure::RegionSpec::corners({0, 0, 0}, {1, 1, 1});
      figure::check_figure_spec(check, flag_name);
    }
    if (spec.output.path.empty())
      fail(ErrorCode::kInvalidArgument, "-o OUT.pdf is required (or \"output\" in the layout)");
    // OUT.pdf's sidecar is OUT.json: never let it replace the layout it was drawn from (a
    // sidecar given with --from is rewritten by its remake, as a figure's is).
    if (a->from.empty()) {
      std::error_code ec;
      const std::string sidecar = figure::sidecar_path(spec.output.path);
      if (std::filesystem::exists(sidecar, ec) &&
          std::filesystem::equivalent(a->layout, sidecar, ec))
        fail(ErrorCode::kInvalidArgument, "-o " + spec.output.path + ": its sidecar " + sidecar +
                                              " would overwrite the layout " + a->layout +
                                              "; choose another output name");
    }
    auto context = make_context(global);
    for (figure::LayoutPanel& panel : spec.panels) {
      panel.spec.output.path = spec.output.path;
      load_state_of_spec(*context, global, panel.spec);
      grant_token_for_spec(*context, global, panel.spec);
    }
    (void)cmd;
    PhaseTimer timer(global);
    // (No progress bar: the panels are fetched at once, each with its own count of chunks.)
    figure::MakeOptions options;
    options.render.max_memory_bytes = global.max_memory_bytes();
    options.on_phase = [&](std::string_view phase, const figure::Provenance*) {
      timer.start(std::string(phase));
    };
    figure::make_layout(spec, *context, options);
    timer.stop();
    return 0;
  };
}

}  // namespace imagery::cli
