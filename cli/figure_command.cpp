// `imagery figure --image SRC --seg SRC (--bounds ... | --center ... --size ... | --center ...
// --image-size ...) [overlay options] -o OUT.png`: aligned image and segmentation cutouts from the
// client, drawn by the overlay engine, with a sidecar OUT.json recording what made the figure so
// that `imagery figure --from OUT.json` makes it again. The work is figure_job's.
#include <memory>

#include "imagery/cli/commands.h"
#include "imagery/cli/figure_job.h"
#include "imagery/core/error.h"

namespace imagery::cli {

CommandRunner add_figure_command(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    FigureArgs figure;
    std::string from;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "figure",
      "Draw a segmentation over imagery straight from two volumes (aligned on the image grid)");
  add_figure_options(cmd, a->figure);
  cmd->add_option("--save-arrays", a->figure.save_arrays,
                  "PREFIX: also write PREFIX_image.npy and PREFIX_seg.npy, [x, y, z] as drawn");
  cmd->add_option("--from", a->from,
                  "Remake the figure a sidecar OUT.json describes (with -o: to another file)");
  cmd->add_option("-o,--output", a->figure.output,
                  "Output PNG (a sidecar .json is written beside it); for one file per slice it "
                  "must contain {i}");

  return [a, cmd, &global] {
    if (!a->from.empty()) {
      for (const CLI::Option* opt : cmd->get_options())
        if (opt->count() > 0 && !opt->check_name("--from") && !opt->check_name("--output") &&
            !opt->check_name("--save-arrays"))
          fail(ErrorCode::kInvalidArgument,
               opt->get_name() + " cannot be combined with --from (the sidecar fixes it)");
      load_sidecar(a->from, a->figure);
    }
    PhaseTimer timer(global);
    make_figure(a->figure, global, {}, &timer);
    return 0;
  };
}

}  // namespace imagery::cli
