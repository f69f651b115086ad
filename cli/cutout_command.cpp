// `imagery cutout SOURCE --bounds ... -o OUT.npy`: a cutout as a NumPy array equal to what
// CloudVolume's download() returns, from any source a driver reads.
#include <charconv>
#include <memory>
#include <optional>

#include "imagery/cave/timestamp.h"
#include "imagery/cli/arguments.h"
#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/cli/progress_bar.h"
#include "imagery/client/client.h"
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
  std::string root_ids;
  std::string timestamp;
  std::string output;
  std::int64_t time_point = 0;
  bool nearest = false;
};

// --root-ids: "all", or ids separated by commas.
std::optional<std::vector<std::uint64_t>> parse_root_ids(const std::string& text) {
  if (trim(text) == "all") return std::nullopt;
  std::vector<std::uint64_t> ids;
  for (const std::string& raw : split(text, ',')) {
    const std::string part = trim(raw);
    std::uint64_t id = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size())
      fail(ErrorCode::kInvalidArgument,
           "--root-ids: '" + part + "' is not an object id (give all, or ID,ID,...)");
    ids.push_back(id);
  }
  return ids;
}
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
  cmd->add_flag("--nearest", args->nearest,
                "With --mip RX,RY,RZ: the nearest level when none has that pixel size");
  cmd->add_option("--t", args->time_point,
                  "T: the time point of a source with a time axis (OME-Zarr's t; default 0)");
  cmd->add_flag("--fill-missing", args->fill_missing, "Read missing chunks as 0");
  cmd->add_flag("--unbounded", args->unbounded,
                "Allow bounds outside the volume (outside reads as 0)");
  cmd->add_option("--root-ids", args->root_ids,
                  "all: map a graphene segmentation's supervoxels to root ids (at --timestamp); "
                  "ID,ID,...: keep only these objects (graphene: these roots, through their "
                  "leaves), others read 0. Default: the labels as stored (supervoxels)");
  cmd->add_option("--timestamp", args->timestamp,
                  "T: root ids as of T (unix seconds or ISO 8601; no zone: UTC). Default: the "
                  "instant the command started");
  cmd->add_option("-o,--output", args->output, "Output .npy file")->required();
  return [args, &global] {
    PhaseTimer timer(global);
    const Bbox bounds = parse_bounds(args->bounds, "--bounds");
    volume::MipSelector selector =
        with_flag("--mip", [&] { return volume::MipSelector::parse(args->mip); });
    selector.nearest = args->nearest;
    std::optional<std::vector<std::uint64_t>> root_ids;
    const bool map_roots = !args->root_ids.empty();
    if (map_roots) root_ids = parse_root_ids(args->root_ids);
    std::optional<cave::Timestamp> timestamp;
    if (!args->timestamp.empty()) timestamp = cave::parse_timestamp(args->timestamp, "--timestamp");
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
    options.time_point = args->time_point;
    if (volume->has_label_mapping()) {
      // CloudVolume's download(): supervoxels unless root ids are asked for.
      if (map_roots) options.labels = volume::ReadOptions::Labels::kMapped;
      options.mapped_ids = root_ids;
      if (timestamp) options.timestamp = *timestamp;
    } else if (timestamp) {
      fail(ErrorCode::kInvalidArgument,
           "--timestamp: " + args->source + " is not a graphene segmentation (no root ids to map)");
    }
    ProgressBar progress("chunks", global.quiet);
    options.on_progress = [&progress](std::size_t done, std::size_t total, std::uint64_t bytes) {
      progress.update(done, total, bytes);
    };
    timer.start("read");
    // Bounds are mip-0 voxels: floor(min / f), ceil(max / f) at the mip, as CloudVolume does.
    const Bbox at_mip = downsample_bounds(bounds, m.downsample_factor(mip));
    Array array = volume->read(at_mip, mip, options);
    if (root_ids && !volume->has_label_mapping()) {
      if (!dtype_is_integer(array.dtype()))
        fail(ErrorCode::kInvalidArgument,
             "--root-ids: " + args->source + " does not hold integer labels");
      client::keep_only_ids(array, *root_ids);
    }
    progress.finish();
    timer.start("write");
    write_npy(output, array, 4);
    return 0;
  };
}

}  // namespace imagery::cli
