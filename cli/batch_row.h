// How one manifest row becomes one FigureSpec: the defaults file's values overlaid by the row's,
// key by key ('-' and '_' alike; a row's region keys displace the defaults' keys of another kind
// of region, so that a sidecar can serve as the defaults of rows of other centres), then read by
// the figure schema's one reader (figure/figure_spec_json.h), so a row, a --defaults file and a
// sidecar say the same things the same way. The row's `name` places the output: DIR/NAME.png and
// DIR/NAME.json (a row may give `output`, relative to DIR, instead; in --defaults, a sidecar's
// `output` is replaced by the row's). `save_arrays: true` also writes DIR/NAME_image.npy and
// DIR/NAME_seg.npy. Keys starting with '_' are the user's own columns and are ignored
// (`_synapse_id`).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/cli/manifest.h"
#include "imagery/figure/figure_spec.h"

namespace imagery::cli {

struct BatchRow {
  std::size_t line = 0;
  std::string name;  // as the row gave it (without the extension)
  figure::FigureSpec spec;
  // "window": "shared": the batch works out one window for the rows of this image source
  // (shared_window.h) and sets it on the spec before drawing.
  bool shared_window = false;
};

// How a manifest names a key in messages: 'root_ids'.
std::string key_name(std::string_view key);

// Checks the defaults object (schema keys, no `name`). Throws kInvalidArgument naming `file` and
// the key.
void check_batch_defaults(const nlohmann::json& defaults, const std::string& file);

// The row's output name, or throws kInvalidArgument when it is missing or would leave the output
// folder (absolute, "..", empty pieces).
std::string row_name(const nlohmann::json& values);

// The figure of a row; throws kInvalidArgument with a message naming the key at fault (the caller
// adds the line). Everything checkable without a source is checked (check_figure_spec).
BatchRow figure_for_row(const ManifestRow& row, const nlohmann::json& defaults,
                        const std::string& out_dir);

// The columns of a CSV header that are not figure keys (for one clear error before any row runs).
std::vector<std::string> unknown_columns(const std::vector<std::string>& columns);

}  // namespace imagery::cli
