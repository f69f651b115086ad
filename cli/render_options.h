// The options `imagery render`, `histogram` and `thumbnail` share: the region (--bounds or
// --center with --size, in --units), the level (--mip, --max-size, --pixel-size), the channels
// (--channel, --model, --window, --layer), --projection and --t, turned into a
// rendering::RenderRequest.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "imagery/rendering/render_volume.h"

namespace imagery::cli {

struct RenderArgs {
  std::string source;
  std::string bounds, center, size, units = "voxels";
  std::string mip, max_size, pixel_size;
  std::vector<std::string> channels, layers;
  std::string model, window, projection, palette;
  std::int64_t time_point = 0;
};

// Region options (--bounds, --center, --size, --units).
void add_region_options(CLI::App* cmd, RenderArgs& args);
// Channel options (--channel, --model, --window, --layer).
void add_channel_options(CLI::App* cmd, RenderArgs& args);

// The region of the flags (kNone when neither --bounds nor --center was given).
rendering::RegionRequest region_of(const RenderArgs& args);
// The level of the flags (--mip, --max-size, --pixel-size: at most one).
rendering::LevelRequest level_of(const RenderArgs& args);
// Channels, model, window, layers and projection into `request`.
void apply_channel_options(const RenderArgs& args, rendering::RenderRequest& request);

}  // namespace imagery::cli
