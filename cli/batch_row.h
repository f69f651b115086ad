// How one manifest row becomes one figure: the defaults file's values overlaid by the row's, each
// key a long option of `imagery figure` without its dashes (`root_ids` may be spelt with an
// underscore), parsed by the very same option definitions so every flag means what it means on
// the command line. The row's `name` places the output: DIR/NAME.png and DIR/NAME.json.
//
// Values: strings, numbers, booleans (flags, or "true"/"false" in CSV), arrays (joined with commas,
// nested arrays flattened, so "bounds": [[0,0,0],[64,64,1]] works; `color` takes one ID=COLOR per
// item, `colors` joins with ';'), objects only for `color` ({"ID": "COLOR"}), null to drop a
// default. `save_arrays: true` also writes DIR/NAME_image.npy and DIR/NAME_seg.npy. Keys starting
// with '_' are ignored, so a manifest may carry its own columns (`_synapse_id`).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/cli/figure_job.h"
#include "imagery/cli/manifest.h"

namespace imagery::cli {

struct BatchRow {
  std::size_t line = 0;
  std::string name;  // as the row gave it (without ".png")
  FigureArgs figure;
};

// Checks the defaults object (JSON of the same keys; no `name`). Throws kInvalidArgument naming
// `file` and the key.
void check_batch_defaults(const nlohmann::json& defaults, const std::string& file);

// The row's output name, or throws kInvalidArgument when it is missing or would leave the output
// folder (absolute, "..", empty pieces).
std::string row_name(const nlohmann::json& values);

// The figure of a row; throws kInvalidArgument with a message naming the key at fault (the caller
// adds the line). Everything checkable without a source is checked (plan_figure).
BatchRow figure_for_row(const ManifestRow& row, const nlohmann::json& defaults,
                        const std::string& out_dir);

// The columns of a CSV header that are not options (for one clear error before any row runs).
std::vector<std::string> unknown_columns(const std::vector<std::string>& columns);

}  // namespace imagery::cli
