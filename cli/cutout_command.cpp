// `imagery cutout SOURCE --bounds ... -o OUT.npy`: a cutout as a NumPy array equal to what
// CloudVolume's download() returns, from any source a driver reads.
#include <memory>

#include "imagery/cli/arguments.h"
#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/cli/progress_bar.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/npy.h"
#include "imagery/volume/mip.h"
#include "imagery/volume/open_volume.h"

namespace imagery::cli {

namespace {
struct CutoutArgs {
  std::string source;
  std::string bounds;
  std::string mip;
  bool fill_missing = false;
  bool unbounded = false;
  std::string output;
};
}  // namespace

CommandRunner add_cutout_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<CutoutArgs>();
  auto* cmd =
      app.add_subcommand("cutout", "Write a cutout of a volume as a .npy array (X, Y, Z, C)");
  cmd->add_option("source", args->source, "Volume: path, file://, http(s)://, gs://, s3://")
      ->required();
  cmd->add_option("--bounds", args->bounds, "X0,Y0,Z0,X1,Y1,Z1: half-open, in mip-0 voxels")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--mip", args->mip,
                  "Mip index, or a resolution RX,RY,RZ in nm (default: the default mip)");
  cmd->add_flag("--fill-missing", args->fill_missing, "Read missing chunks as 0");
  cmd->add_flag("--unbounded", args->unbounded,
                "Allow bounds outside the volume (outside reads as 0)");
  cmd->add_option("-o,--output", args->output, "Output .npy file")->required();
  return [args, &global] {
    PhaseTimer timer(global);
    const Bbox bounds = parse_bounds(args->bounds, "--bounds");
    const volume::MipSelector selector =
        with_flag("--mip", [&] { return volume::MipSelector::parse(args->mip); });
    AtomicFile output(args->output);  // fail on an unwritable output before reading anything
    auto context = make_context(global);
    grant_token(*context, global, args->source);
    timer.start("open");
    auto volume = volume::open_volume(args->source, *context);
    const volume::Metadata& m = volume->metadata();
    const int mip = with_flag("--mip", [&] { return volume::select_mip(m, selector); });
    volume::ReadOptions options;
    options.max_output_bytes = global.max_memory_bytes();
    options.fill_missing = args->fill_missing;
    options.bounded = !args->unbounded;
    ProgressBar progress("chunks", global.quiet);
    options.on_progress = [&progress](std::size_t done, std::size_t total, std::uint64_t bytes) {
      progress.update(done, total, bytes);
    };
    timer.start("read");
    // Bounds are mip-0 voxels: floor(min / f), ceil(max / f) at the mip, as CloudVolume does.
    const Bbox at_mip = downsample_bounds(bounds, m.downsample_factor(mip));
    const Array array = volume->read(at_mip, mip, options);
    progress.finish();
    timer.start("write");
    write_npy(output, array, 4);
    return 0;
  };
}

}  // namespace imagery::cli
