// OverlayStyle: every parameter of ImageryClient's composite_overlay plus ours (colours by id, a
// display window for the imagery, stacking, RGB output), and composite_overlay(): ImageryClient's
// one call, the pictures of a segmentation over imagery, done natively.
//
//   imagery::overlay::OverlayStyle style;
//   style.composite.outline = true;
//   style.composite.width = 3;
//   auto pictures = imagery::overlay::composite_overlay(seg, &img, style);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"
#include "imagery/overlay/composite.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/stack.h"

namespace imagery::overlay {

struct OverlayStyle {
  // Objects to draw, as 64-bit patterns (negative ids of signed dtypes as two's complement);
  // nullopt draws every id.
  std::optional<std::vector<std::uint64_t>> root_ids;
  bool include_zero = false;       // id 0 is an object too
  CompositeOptions composite;      // alpha, outline, side, width, merge_outline, overlap
  ColorChoice colors;              // palette (with husl/hls parameters), by rank or by id
  int dim = 2;                     // slicing axis of a 3-D input
  std::optional<Direction> stack;  // one stacked RGB picture of every slice
  int spacing = 10;                // white pixels between stacked slices
  DisplayWindow window;            // imagery to 8-bit grey
  bool rgb = false;  // drop alpha (over imagery) or flatten on black (without imagery)
};

// Names a style field in messages: the CLI says "--alpha", a manifest "'alpha'".
using FieldNamer = std::function<std::string(std::string_view field)>;

// Throws kInvalidArgument naming the field at fault (alpha, width, spacing, dim, husl_h, husl_s,
// husl_l, palette, color/colors) through `name` (default: the field's own name).
void check_style(const OverlayStyle& style, const FieldNamer& name = {});

// ImageryClient's composite_overlay: `segmentation` (X, Y, Z, 1, any integer dtype) drawn over
// `imagery` (the same X, Y, Z, one channel; null: none). A 2-D input (three_d false) gives one
// picture; a 3-D one gives one picture per slice along style.dim, or one stacked RGB picture.
// Slices are drawn on `pool` when given. `seg_name` names the segmentation in messages.
std::vector<Image> composite_overlay(const Array& segmentation, const Array* imagery,
                                     const OverlayStyle& style, bool three_d,
                                     ThreadPool* pool = nullptr,
                                     const std::string& seg_name = "segmentation");

// Bytes composite_overlay holds at its peak for a segmentation of `shape` (labels, grey imagery,
// every RGBA picture and the stacked canvas), for memory budgets checked before any work.
std::uint64_t composite_overlay_bytes(const Shape4& shape, bool has_imagery,
                                      const OverlayStyle& style, bool three_d);

}  // namespace imagery::overlay
