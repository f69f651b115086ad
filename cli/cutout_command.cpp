// `imagery cutout SOURCE --bounds ... -o OUT.npy`: a cutout as a NumPy array
// equal to what CloudVolume's download() returns.
#include <memory>

#include "imagery/cli/arguments.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/progress_bar.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/npy.h"
#include "imagery/precomputed/volume.h"

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
    Bbox bounds = parse_bounds(args->bounds, "--bounds");
    AtomicFile output(args->output);  // fail on an unwritable output before reading anything
    timer.start("open");
    auto volume = precomputed::Volume::open(args->source, open_options(global));
    int mip = args->mip.empty() ? volume.info().default_mip()
                                : parse_mip(args->mip, volume.info(), args->source, "--mip");
    precomputed::CutoutOptions options = cutout_options(global);
    options.fill_missing = args->fill_missing;
    options.bounded = !args->unbounded;
    ProgressBar progress("chunks", global.quiet);
    options.on_progress = [&progress](std::size_t done, std::size_t total, std::uint64_t bytes) {
      progress.update(done, total, bytes);
    };
    timer.start("read");
    Array array = volume.download_mip0(bounds, mip, options);
    options.on_progress = nullptr;
    timer.start("write");
    write_npy(output, array, 4);
    return 0;
  };
}

}  // namespace imagery::cli
