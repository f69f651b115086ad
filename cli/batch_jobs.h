// The rows of one batch shard as jobs, and the files they own: which rows this shard renders
// (each parsed, or the reason it cannot be), which rows collide on their output files, which
// temporaries a killed earlier run left behind for them, and whether a row is already done.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/cli/batch_row.h"
#include "imagery/cli/manifest.h"
#include "imagery/cli/shard_selection.h"

namespace imagery::cli {

// One row of the shard: its figure, or why it cannot be drawn.
struct Job {
  std::size_t line = 0;
  std::string name;
  std::optional<BatchRow> row;
  std::string error;
};

// The rows of `shard`, each parsed and checked. A row whose files (sidecar, pictures or arrays)
// collide with an earlier row's anywhere in the manifest is an error naming that row (every
// shard sees the whole manifest, so all shards agree): "x_{i}" and "x" both own x.json.
std::vector<Job> shard_jobs(const Manifest& manifest, const nlohmann::json& defaults,
                            const std::string& out_dir, const ShardSelection& shard);

// The files a row writes, as exact paths and per-slice patterns ("a_{i}.png").
struct OwnedFiles {
  std::vector<std::string> exact;
  std::vector<std::string> patterns;
};
OwnedFiles owned_files(const figure::FigureSpec& spec);

// Does `path` fit a per-slice pattern ("a_{i}.png" fits "a_12.png")?
bool fits_slice_pattern(const std::string& path, const std::string& pattern);

// Deletes the temporary files a killed earlier run left for these jobs' outputs (and only
// those: other shards may be writing into the same folder right now). Returns how many.
std::size_t remove_abandoned_files(const std::string& out_dir, const std::vector<Job>& jobs);

}  // namespace imagery::cli
