// One figure of `imagery figure` as a reusable job: its arguments (every figure flag), their
// registration on a CLI11 command, the checks that need no network, and the run that fetches,
// aligns, draws and writes the PNG(s) and the sidecar, each file atomically. `imagery figure`
// runs one job; `imagery batch` runs one per manifest row.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "imagery/cli/global_options.h"
#include "imagery/cli/overlay_options.h"
#include "imagery/core/vec3.h"
#include "imagery/precomputed/volume.h"

namespace imagery::cli {

struct FigureArgs {
  std::string image, seg;
  std::string bounds, center, size, image_size;
  std::string resolution;
  std::string image_mip, seg_mip;
  bool bounded = false, no_fill_missing = false;
  OverlayArgs overlay;
  std::string save_arrays;  // PREFIX: also write PREFIX_image.npy and PREFIX_seg.npy
  std::string output;       // OUT.png, or a per-slice pattern containing {i}
};

// Registers --image ... --no-fill-missing and the overlay options (not -o, --from or
// --save-arrays, whose meaning depends on the command).
void add_figure_options(CLI::App* cmd, FigureArgs& a);

// The arguments as numbers, checked without touching any source.
struct FigurePlan {
  std::vector<double> bounds, center, size, image_size;  // empty when not given
  std::optional<Vec3d> resolution;
  std::optional<std::vector<std::uint64_t>> root_ids;
  bool three_d_request = false;  // the request spans more than one section
  bool per_slice_files = false;  // one PNG per slice ({i} in the output, no --stack)
};
// Throws kInvalidArgument naming the flag at fault.
FigurePlan plan_figure(const FigureArgs& a);

// Opens a source; `imagery batch` passes one that shares opened volumes between rows.
using VolumeOpener = std::function<precomputed::Volume(const std::string& source)>;

struct FigureFiles {
  std::vector<std::string> pictures;
  std::string sidecar;
};

// Makes the figure: every output is created (so an unwritable path fails) before any byte is
// fetched, and each is renamed into place only when complete; the sidecar is written last. With
// `timer`, phases are reported as `imagery figure --timings` shows them.
FigureFiles make_figure(const FigureArgs& a, const GlobalOptions& global,
                        const VolumeOpener& open = {}, PhaseTimer* timer = nullptr);

// OUT.png -> OUT.json; in a per-slice pattern "{i}" and a separator before it are dropped
// (slice_{i}.png -> slice.json).
std::string sidecar_path(const std::string& output);

// Fills `a` from a sidecar an earlier run wrote (`imagery figure --from`); `a.output` is kept
// when set. Throws kNotFound / kInvalidArgument naming the file.
void load_sidecar(const std::string& path, FigureArgs& a);

}  // namespace imagery::cli
