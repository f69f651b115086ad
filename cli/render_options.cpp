#include "imagery/cli/render_options.h"

#include "imagery/cli/arguments.h"
#include "imagery/core/error.h"
#include "imagery/rendering/render_parameters.h"

namespace imagery::cli {

void add_region_options(CLI::App* cmd, RenderArgs& a) {
  cmd->add_option("--bounds", a.bounds, "X0,Y0,Z0,X1,Y1,Z1: the region's corners (half-open)");
  cmd->add_option("--center", a.center, "X,Y,Z: the region's centre (with --size)");
  cmd->add_option("--size", a.size,
                  "W,H[,D]: the region's size around --center (no D: one section)");
  cmd->add_option("--units", a.units,
                  "voxels (mip 0, the default), nm, um, or fraction (0..1 of the volume's extent)");
}

void add_channel_options(CLI::App* cmd, RenderArgs& a) {
  cmd->add_option("--channel", a.channels,
                  "I[:window=LO,HI][:color=COLOR][:invert] (repeatable, 0-based): only the listed "
                  "channels are drawn; COLOR a colour or grey, red, green, blue, cyan, magenta, "
                  "yellow, fire, viridis");
  cmd->add_option("--model", a.model,
                  "greyscale (the first active channel) or color (active channels added)");
  cmd->add_option("--window", a.window,
                  "MIN,MAX; auto (0.5 and 99.5 percentiles); p:LO,HI (percentiles); minmax; full "
                  "(the data type's range). Default: the source's own, else full for uint8, else "
                  "auto");
  cmd->add_option("--layer", a.layers,
                  "SOURCE[:window=LO,HI][:color=COLOR][:opacity=A] (repeatable): another image "
                  "volume on the same grid, added in the colour model");
}

rendering::RegionRequest region_of(const RenderArgs& a) {
  rendering::RegionRequest r;
  const auto units = rendering::parse_region_units(a.units);
  if (!units)
    fail(ErrorCode::kInvalidArgument,
         "--units: expected voxels, nm, um or fraction, got '" + a.units + "'");
  r.units = *units;
  if (!a.bounds.empty() && !a.center.empty())
    fail(ErrorCode::kInvalidArgument, "--bounds and --center cannot be combined");
  if (!a.bounds.empty()) {
    const std::vector<double> b = parse_numbers(a.bounds, 6, "--bounds");
    r.kind = rendering::RegionRequest::Kind::kBounds;
    r.min = {b[0], b[1], b[2]};
    r.max = {b[3], b[4], b[5]};
    for (int i = 0; i < 3; ++i)
      if (!(r.max[i] > r.min[i]))
        fail(ErrorCode::kInvalidArgument,
             "--bounds: each max must exceed its min, got '" + a.bounds + "'");
  } else if (!a.center.empty()) {
    if (a.size.empty()) fail(ErrorCode::kInvalidArgument, "--center needs --size W,H[,D]");
    const std::vector<double> c = parse_numbers(a.center, 3, "--center");
    const std::size_t parts = split(a.size, ',').size();
    if (parts != 2 && parts != 3)
      fail(ErrorCode::kInvalidArgument, "--size: expected W,H or W,H,D, got '" + a.size + "'");
    const std::vector<double> s = parse_numbers(a.size, parts, "--size");
    for (double v : s)
      if (!(v > 0)) fail(ErrorCode::kInvalidArgument, "--size: sizes must be positive");
    r.kind = rendering::RegionRequest::Kind::kCenterSize;
    r.center = {c[0], c[1], c[2]};
    r.size = {s[0], s[1], parts == 3 ? s[2] : 0};
    r.has_depth = parts == 3;
  } else if (!a.size.empty()) {
    fail(ErrorCode::kInvalidArgument, "--size needs --center X,Y,Z");
  }
  return r;
}

rendering::LevelRequest level_of(const RenderArgs& a) {
  rendering::LevelRequest l;
  const int given = !a.mip.empty() + !a.max_size.empty() + !a.pixel_size.empty();
  if (given > 1)
    fail(ErrorCode::kInvalidArgument, "give one of --mip, --max-size and --pixel-size");
  if (!a.mip.empty()) {
    l.kind = rendering::LevelRequest::Kind::kMip;
    l.mip = static_cast<int>(parse_integers(a.mip, 1, "--mip")[0]);
    if (l.mip < 0) fail(ErrorCode::kInvalidArgument, "--mip: must be 0 or more");
  } else if (!a.max_size.empty()) {
    const std::size_t parts = split(a.max_size, ',').size();
    if (parts != 1 && parts != 2)
      fail(ErrorCode::kInvalidArgument, "--max-size: expected W or W,H, got '" + a.max_size + "'");
    const std::vector<std::int64_t> s = parse_integers(a.max_size, parts, "--max-size");
    for (std::int64_t v : s)
      if (v < 1) fail(ErrorCode::kInvalidArgument, "--max-size: sizes must be at least 1");
    l.kind = rendering::LevelRequest::Kind::kMaxSize;
    l.max_width = s[0];
    l.max_height = parts == 2 ? s[1] : s[0];
  } else if (!a.pixel_size.empty()) {
    l.kind = rendering::LevelRequest::Kind::kPixelSize;
    l.pixel_nm = parse_numbers(a.pixel_size, 1, "--pixel-size")[0];
    if (!(l.pixel_nm > 0))
      fail(ErrorCode::kInvalidArgument, "--pixel-size: must be a positive number of nm");
  }
  return l;
}

void apply_channel_options(const RenderArgs& a, rendering::RenderRequest& request) {
  rendering::apply_render_parameters(
      {a.channels, a.layers, a.model, a.window, a.projection, a.palette}, request, "--");
  request.time_point = a.time_point;
}

}  // namespace imagery::cli
