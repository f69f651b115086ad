// `imagery thumbnail SOURCE [--size N | --size W,H] [--z Z] [--window ...] [--box X0,Y0,X1,Y1]
// -o OUT.png`: the whole xy section at z as a small picture from the coarsest adequate level
// (rendering/thumbnail.h), a segmentation in palette colours, a figure's box marked on it.
#include <memory>

#include "imagery/cli/arguments.h"
#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/cli/render_options.h"
#include "imagery/cli/render_record.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/palettes/parse_color.h"
#include "imagery/rendering/thumbnail.h"

namespace imagery::cli {

namespace {
struct ThumbnailArgs {
  RenderArgs render;
  std::string size = "256", box, box_color, output;
  std::optional<std::int64_t> z;
};
}  // namespace

CommandRunner add_thumbnail_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<ThumbnailArgs>();
  auto* cmd = app.add_subcommand(
      "thumbnail", "The whole xy section as a small picture from the coarsest adequate level");
  cmd->add_option("source", a->render.source,
                  "Volume: path, file://, http(s)://, gs://, s3://, "
                  "graphene://, zarr://")
      ->required();
  cmd->add_option("--size", a->size,
                  "N: the longest side N pixels (OMERO), or W,H: fit inside W x H (large_image); "
                  "default 256");
  cmd->add_option("--z", a->z, "Z: the section (mip-0 voxels; default the middle one)");
  add_channel_options(cmd, a->render);
  cmd->add_option("--palette", a->render.palette, "A segmentation's object colours (default husl)");
  cmd->add_option("--box", a->box, "X0,Y0,X1,Y1: mark this box (mip-0 voxels) on the thumbnail");
  cmd->add_option("--box-color", a->box_color, "The box's colour (default yellow)");
  cmd->add_option("--t", a->render.time_point, "T: the time point (OME-Zarr's t; default 0)");
  cmd->add_option("-o,--output", a->output, "Output PNG (a sidecar .json is written beside it)")
      ->required();
  return [a, &global] {
    rendering::ThumbnailRequest request;
    request.render.source = a->render.source;
    apply_channel_options(a->render, request.render);
    const std::size_t parts = split(a->size, ',').size();
    if (parts != 1 && parts != 2)
      fail(ErrorCode::kInvalidArgument, "--size: expected N or W,H, got '" + a->size + "'");
    const std::vector<std::int64_t> size = parse_integers(a->size, parts, "--size");
    for (std::int64_t v : size)
      if (v < 1 || v > 65536)
        fail(ErrorCode::kInvalidArgument, "--size: sides must be 1..65536 pixels");
    request.width = size[0];
    request.height = parts == 2 ? size[1] : 0;
    request.z = a->z;
    if (!a->box.empty()) {
      const std::vector<std::int64_t> b = parse_integers(a->box, 4, "--box");
      if (!(b[2] > b[0] && b[3] > b[1]))
        fail(ErrorCode::kInvalidArgument, "--box: X1 and Y1 must exceed X0 and Y0");
      request.box = Bbox{{b[0], b[1], 0}, {b[2], b[3], 1}};
    }
    if (!a->box_color.empty())
      request.box_color = palettes::parse_color(a->box_color, "--box-color");
    if (a->output.size() < 4 || a->output.compare(a->output.size() - 4, 4, ".png") != 0)
      fail(ErrorCode::kInvalidArgument, "-o " + a->output + ": thumbnail writes PNG (OUT.png)");
    { AtomicFile probe(a->output); }
    auto context = make_context(global);
    grant_token(*context, global, request.render.source);
    for (const rendering::LayerSetting& l : request.render.layers)
      grant_token(*context, global, l.url);
    PhaseTimer timer(global);
    const rendering::RenderResult result =
        render_with_progress(global, timer, [&](const rendering::RenderHooks& hooks) {
          return rendering::render_thumbnail(request, *context, hooks);
        });
    timer.start("write");
    write_rendered_picture(result, a->output, "thumbnail", &context->pool());
    timer.stop();
    return 0;
  };
}

}  // namespace imagery::cli
