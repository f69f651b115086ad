// The overlay options shared by `imagery composite` and `imagery figure` (ImageryClient's
// composite_overlay parameters plus ours: colours by id, display window, stacking, PNG level):
// registration on a command, validation, conversion to the overlay engine's types, rendering,
// and a JSON form for the figure sidecar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "imagery/core/array.h"
#include "imagery/overlay/composite.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/object_colors.h"

namespace imagery::cli {

struct OverlayArgs {
  std::string root_ids;
  bool include_zero = false;
  bool outline = false;
  std::string side = "out";
  int width = 10;
  bool no_merge_outline = false, no_overlap = false;
  double alpha = 0.2;
  std::string palette = "husl";
  double husl_h = 0.01, husl_s = 1.0, husl_l = 0.65;
  std::vector<std::string> color;
  std::string colors;
  int dim = 2;
  std::string stack;
  int spacing = 10;
  std::string window;
  bool rgb = false;
  int png_level = 1;
};

// Registers --root-ids ... --png-level on `cmd` (the same flags, help and order for every
// command that draws).
void add_overlay_options(CLI::App* cmd, OverlayArgs& a);
// Throws kInvalidArgument naming the flag at fault.
void check_overlay_options(const OverlayArgs& a);
overlay::ColorChoice color_choice(const OverlayArgs& a);
overlay::CompositeOptions composite_options(const OverlayArgs& a);
overlay::DisplayWindow display_window(const OverlayArgs& a);
// --root-ids as 64-bit patterns (negative ids as two's complement); nullopt when not given.
std::optional<std::vector<std::uint64_t>> root_ids(const OverlayArgs& a);

// The pictures of `seg` (2-D when !three_d) over `imagery` (may be null): one per slice along
// --dim, or one stacked picture with --stack; --rgb drops alpha.
std::vector<overlay::Image> render_overlay(const OverlayArgs& a, const Array& seg,
                                           const Array* imagery, bool three_d,
                                           const std::string& seg_name);
std::vector<std::vector<std::byte>> encode_pictures(const std::vector<overlay::Image>& pictures,
                                                    int png_level);

nlohmann::json overlay_args_to_json(const OverlayArgs& a);
// Reads what overlay_args_to_json wrote; unknown or mistyped fields throw kInvalidArgument
// naming `name`.
OverlayArgs overlay_args_from_json(const nlohmann::json& j, const std::string& name);

// Small text helpers shared by the drawing commands.
std::string trim(const std::string& s);
std::vector<std::string> split(const std::string& text, char sep);
std::uint64_t parse_id(const std::string& raw, const std::string& flag);
// `pattern` with every "{i}" replaced by `index`.
std::string slice_path(const std::string& pattern, std::int64_t index);

}  // namespace imagery::cli
