// `imagery composite --seg SEG.npy [--imagery IMG.npy] ... -o OUT.png`: ImageryClient's
// composite_overlay from .npy arrays, one picture (2-D input), one picture per slice (3-D input,
// OUT containing "{i}"), or the slices stacked into one RGB picture (--stack).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/figure_options.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/series.h"
#include "imagery/overlay/style.h"

namespace imagery::cli {

namespace {

struct CompositeArgs {
  std::string seg, imagery;
  std::string output;
};

// A 2-D [x, y] or 3-D [x, y, z] array; a 4-D cutout (X, Y, Z, 1) counts as 3-D.
NpyArray read_volume(const std::string& path, const std::string& flag) {
  NpyArray npy = read_npy(path);
  if (npy.ndim < 2 || npy.ndim > 4 || npy.array.shape().c != 1)
    fail(ErrorCode::kInvalidArgument, flag + " " + path +
                                          ": expected an array [x, y] or [x, y, z], got " +
                                          std::to_string(npy.ndim) + " axes" +
                                          (npy.array.shape().c != 1 ? " with channels" : ""));
  return npy;
}

std::string shape_text(const NpyArray& npy) {
  const Shape4& s = npy.array.shape();
  std::string text = "(" + std::to_string(s.x) + ", " + std::to_string(s.y);
  if (npy.ndim >= 3) text += ", " + std::to_string(s.z);
  return text + ")";
}

}  // namespace

CommandRunner add_composite_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<CompositeArgs>();
  auto* cmd = app.add_subcommand(
      "composite", "Draw a segmentation over imagery as ImageryClient's composite_overlay does");
  cmd->add_option("--seg", a->seg, "Segmentation .npy, [x, y] or [x, y, z], any integer dtype")
      ->required();
  cmd->add_option("--imagery", a->imagery,
                  "Imagery .npy of the same shape, drawn under the objects");
  add_overlay_options(cmd);
  cmd->add_option("-o,--output", a->output,
                  "Output PNG; for one file per slice it must contain {i}")
      ->required();

  return [a, cmd, &global] {
    PhaseTimer timer(global);
    // The overlay options mean what they mean for `imagery figure`: one reader for both.
    figure::FigureSpec spec;
    figure::apply_figure_json(given_options_json(cmd), spec, {flag_name, ""});
    const overlay::OverlayStyle& style = spec.style;
    overlay::check_style(style, flag_name);
    if (spec.output.png_level < 0 || spec.output.png_level > 9)
      fail(ErrorCode::kInvalidArgument,
           "--png-level must be 0-9, got " + std::to_string(spec.output.png_level));
    const bool per_slice_files = a->output.find("{i}") != std::string::npos && !style.stack;

    // Fail on an unwritable output before the expensive part; per-slice files are opened once
    // the slice count is known, still before compositing.
    std::vector<std::unique_ptr<AtomicFile>> outputs;
    if (!per_slice_files) outputs.push_back(std::make_unique<AtomicFile>(a->output));

    timer.start("read");
    NpyArray seg = read_volume(a->seg, "--seg");
    std::optional<NpyArray> img;
    if (!a->imagery.empty()) {
      img = read_volume(a->imagery, "--imagery");
      if (img->array.shape().xyz() != seg.array.shape().xyz())
        fail(ErrorCode::kInvalidArgument, "--imagery " + a->imagery + " has shape " +
                                              shape_text(*img) + " but --seg " + a->seg +
                                              " has shape " + shape_text(seg));
    }
    const bool three_d = seg.ndim >= 3;
    const int dim = three_d ? style.dim : 2;
    const std::int64_t slices = overlay::slice_count(seg.array.shape(), dim);
    if (three_d && !style.stack && slices > 1 && !per_slice_files)
      fail(ErrorCode::kInvalidArgument,
           "-o " + a->output + ": a 3-D input gives " + std::to_string(slices) +
               " pictures; put {i} in the output name (e.g. slice_{i}.png) "
               "or use --stack");
    if (per_slice_files)
      for (std::int64_t i = 0; i < slices; ++i)
        outputs.push_back(std::make_unique<AtomicFile>(figure::slice_path(a->output, i)));

    auto context = make_context(global);
    timer.start("composite");
    const std::vector<overlay::Image> pictures =
        overlay::composite_overlay(seg.array, img ? &img->array : nullptr, style, three_d,
                                   &context->pool(), "--seg " + a->seg);

    timer.start("encode");
    std::vector<std::vector<std::byte>> encoded;
    for (const overlay::Image& p : pictures)
      encoded.push_back(overlay::encode_figure_png(p, {spec.output.png_level, &context->pool()}));

    timer.start("write");
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      outputs[i]->write(std::span<const std::byte>(encoded[i]));
      outputs[i]->commit();
    }
    return 0;
  };
}

}  // namespace imagery::cli
