// A batch's `"window": "shared"`: one display window per image source for all rows that ask for
// it, so a series of figures shares one contrast. The window is the auto window (0.5 and 99.5
// percentiles) over the image of a sample of the manifest's rows of that source: at most
// kSharedWindowSample rows, evenly spaced in manifest order and taken from the whole manifest,
// so every shard of a Slurm or Kubernetes run picks the same rows and the same window. Each
// row's sidecar records the window in numbers; OUT_DIR/shared_windows.json records the window,
// the rows sampled and how many rows use it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/cli/batch_jobs.h"
#include "imagery/cli/manifest.h"
#include "imagery/cli/shared_volumes.h"
#include "imagery/io/context.h"

namespace imagery::cli {

inline constexpr std::size_t kSharedWindowSample = 8;

struct SharedWindow {
  std::string source;
  double low = 0, high = 0;
  std::vector<std::string> sample;  // the rows' names
  std::size_t rows = 0;             // rows of the manifest that use it
};

// Works out the shared windows and sets them on `jobs`' specs. Throws what fetching a sampled
// row's image throws, naming the row.
std::vector<SharedWindow> apply_shared_windows(const Manifest& manifest,
                                               const nlohmann::json& defaults,
                                               const std::string& out_dir, std::vector<Job>& jobs,
                                               io::Context& context, SharedVolumes& volumes,
                                               std::size_t max_memory_bytes);

// The record written to OUT_DIR/shared_windows.json.
nlohmann::ordered_json shared_windows_json(const std::vector<SharedWindow>& windows);

}  // namespace imagery::cli
