// `imagery render SOURCE REGION [LEVEL] [CHANNELS] [PROJECTION] [--save-array OUT.npy] -o OUT.png`:
// one volume rendered as an image server renders it (rendering/render_volume.h), with a sidecar
// OUT.json recording the mip, the box read and every channel's window in numbers.
#include <memory>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/cli/render_options.h"
#include "imagery/cli/render_record.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/core/npy.h"

namespace imagery::cli {

namespace {

struct RenderCommandArgs {
  RenderArgs render;
  std::string save_array, output;
  bool strict = false;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

CommandRunner add_render_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<RenderCommandArgs>();
  auto* cmd = app.add_subcommand(
      "render",
      "Render one volume as an image server does: a region in any units, the level that fits, "
      "channels with windows and colours, layers, projections");
  cmd->add_option("source", a->render.source,
                  "Volume: path, file://, http(s)://, gs://, s3://, "
                  "graphene://, zarr://")
      ->required();
  add_region_options(cmd, a->render);
  cmd->add_option("--mip", a->render.mip, "M: read this mip at its own pixels");
  cmd->add_option("--max-size", a->render.max_size,
                  "W[,H]: the output fits inside W x H, aspect kept (large_image's maxWidth/"
                  "maxHeight), from the coarsest fine-enough mip, area-averaged");
  cmd->add_option("--pixel-size", a->render.pixel_size,
                  "NM: output pixels of NM nanometres, from the coarsest fine-enough mip, "
                  "area-averaged");
  add_channel_options(cmd, a->render);
  cmd->add_option("--projection", a->render.projection,
                  "max, min, mean or sum over the region's z range");
  cmd->add_option("--t", a->render.time_point, "T: the time point (OME-Zarr's t; default 0)");
  cmd->add_option("--palette", a->render.palette, "A segmentation's object colours (default husl)");
  cmd->add_flag("--no-fill-missing", a->strict, "Fail on missing chunks instead of reading 0");
  cmd->add_option("--save-array", a->save_array,
                  "OUT.npy: also the values drawn, (X, Y, 1, C): projected, area-averaged "
                  "(float32) when resampled");
  cmd->add_option("-o,--output", a->output, "Output PNG (a sidecar .json is written beside it)")
      ->required();
  return [a, &global] {
    rendering::RenderRequest request;
    request.source = a->render.source;
    request.region = region_of(a->render);
    if (request.region.kind == rendering::RegionRequest::Kind::kNone)
      fail(ErrorCode::kInvalidArgument, "give the region: --bounds, or --center with --size");
    request.level = level_of(a->render);
    apply_channel_options(a->render, request);
    request.fill_missing = !a->strict;
    if (!ends_with(a->output, ".png"))
      fail(ErrorCode::kInvalidArgument, "-o " + a->output + ": render writes PNG (OUT.png)");
    // Unwritable outputs fail before anything is fetched.
    { AtomicFile probe(a->output); }
    std::unique_ptr<AtomicFile> array_file;
    if (!a->save_array.empty()) array_file = std::make_unique<AtomicFile>(a->save_array);
    auto context = make_context(global);
    grant_token(*context, global, request.source);
    for (const rendering::LayerSetting& l : request.layers) grant_token(*context, global, l.url);
    PhaseTimer timer(global);
    const rendering::RenderResult result =
        render_with_progress(global, timer, [&](const rendering::RenderHooks& hooks) {
          return rendering::render_volume(request, *context, hooks);
        });
    timer.start("write");
    if (array_file) {
      write_npy(*array_file, result.values, 4);
    }
    write_rendered_picture(result, a->output, "render", &context->pool());
    timer.stop();
    return 0;
  };
}

}  // namespace imagery::cli
