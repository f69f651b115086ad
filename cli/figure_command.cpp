// `imagery figure --image SRC --seg SRC (--bounds ... | --center ... --size ... | --center ...
// --image-size ...) [overlay options] -o OUT.png`, or `imagery figure --from OUT.json [-o ...]`:
// the flags (or the sidecar) become a FigureSpec, which figure::make_figure draws into files with
// a sidecar OUT.json that remakes the same picture.
#include <cstdio>
#include <memory>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/figure_options.h"
#include "imagery/cli/json_file.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/cli/progress_bar.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/make_figure.h"

namespace imagery::cli {

namespace {

struct FigureArgs {
  std::string from, output, save_arrays;
};

// The spec of the command line: a sidecar's (--from) or the flags', with -o and --save-arrays.
figure::FigureSpec spec_of(const CLI::App* cmd, const FigureArgs& a) {
  figure::FigureSpec spec;
  if (!a.from.empty()) {
    for (const CLI::Option* opt : cmd->get_options())
      if (opt->count() > 0 && !opt->check_name("--from") && !opt->check_name("--output") &&
          !opt->check_name("--save-arrays"))
        fail(ErrorCode::kInvalidArgument,
             opt->get_name() + " cannot be combined with --from (the sidecar fixes it)");
    const nlohmann::json doc = read_json_file(a.from, "--from");
    spec = figure::read_figure_spec(doc, {{}, "--from " + a.from});
  } else {
    figure::apply_figure_json(given_options_json(cmd), spec, {flag_name, ""});
  }
  if (!a.output.empty()) spec.output.path = a.output;
  if (!a.save_arrays.empty()) {
    spec.output.save_arrays = a.save_arrays;
    spec.output.arrays_beside_output = false;
  }
  if (spec.output.path.empty()) fail(ErrorCode::kInvalidArgument, "-o OUT.png is required");
  return spec;
}

}  // namespace

CommandRunner add_figure_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<FigureArgs>();
  auto* cmd = app.add_subcommand(
      "figure",
      "Draw a segmentation over imagery straight from two volumes (aligned on the image grid), "
      "or a Neuroglancer state's cross-section as Neuroglancer draws it (--state)");
  add_figure_options(cmd);
  cmd->add_option("--save-arrays", a->save_arrays,
                  "PREFIX: also write PREFIX_image.npy and PREFIX_seg.npy, [x, y, z] as drawn");
  cmd->add_option("--from", a->from,
                  "Remake the figure a sidecar OUT.json describes (with -o: to another file)");
  cmd->add_option("-o,--output", a->output,
                  "Output PNG (a sidecar .json is written beside it); for one file per slice it "
                  "must contain {i}");

  return [a, cmd, &global] {
    figure::FigureSpec spec = spec_of(cmd, *a);
    auto context = make_context(global);
    load_state_of_spec(*context, global, spec);
    grant_token_for_spec(*context, global, spec);
    PhaseTimer timer(global);
    ProgressBar progress("chunks", global.quiet);
    figure::MakeOptions options;
    options.render.max_memory_bytes = global.max_memory_bytes();
    options.render.on_progress = [&progress](std::size_t done, std::size_t total,
                                             std::uint64_t bytes) {
      progress.update(done, total, bytes);
    };
    options.on_phase = [&](std::string_view phase, const figure::Provenance* p) {
      if (phase == "composite") {
        progress.finish();
        timer.stop();
        if (timer.enabled() && p && !p->neuroglancer)
          std::fprintf(stderr, "fetch-image: %.1f ms\nfetch-seg: %.1f ms\nalign: %.1f ms\n",
                       p->fetch_image_ms, p->fetch_segmentation_ms, p->align_ms);
      }
      timer.start(std::string(phase));
    };
    figure::make_figure(spec, *context, options, flag_name);
    timer.stop();
    return 0;
  };
}

}  // namespace imagery::cli
