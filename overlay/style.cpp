#include "imagery/overlay/style.h"

#include <cmath>

#include "imagery/core/error.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/series.h"
#include "imagery/palettes/palette.h"

namespace imagery::overlay {

namespace {
std::string plain_name(std::string_view field) {
  return std::string(field);
}

std::string number(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}
}  // namespace

void check_style(const OverlayStyle& s, const FieldNamer& namer) {
  const FieldNamer name = namer ? namer : FieldNamer(plain_name);
  auto bad = [&](std::string_view field, const std::string& what) {
    fail(ErrorCode::kInvalidArgument, name(field) + " " + what);
  };
  const CompositeOptions& c = s.composite;
  if (!(c.alpha >= 0 && c.alpha <= 1)) bad("alpha", "must be in [0, 1], got " + number(c.alpha));
  if (c.width < 0) bad("width", "must be 0 (unlimited) or more, got " + std::to_string(c.width));
  if (s.spacing < 0) bad("spacing", "must not be negative, got " + std::to_string(s.spacing));
  if (s.dim < 0 || s.dim > 2) bad("dim", "must be 0, 1 or 2, got " + std::to_string(s.dim));
  if (!std::isfinite(s.colors.params.h)) bad("husl_h", "must be a finite number");
  if (!(s.colors.params.s >= 0 && s.colors.params.s <= 1))
    bad("husl_s", "must be in [0, 1], got " + number(s.colors.params.s));
  if (!(s.colors.params.l >= 0 && s.colors.params.l <= 1))
    bad("husl_l", "must be in [0, 1], got " + number(s.colors.params.l));
  // "labels": the segmentation's own colours (OME-Zarr image-label), husl for the others.
  if (s.colors.palette != "labels" && !palettes::is_palette_name(s.colors.palette))
    fail(ErrorCode::kInvalidArgument, name("palette") + ": unknown palette '" + s.colors.palette +
                                          "' (known: " + palettes::palette_names_text() + ")");
  if (!s.colors.by_id.empty() && !s.colors.by_rank.empty())
    fail(ErrorCode::kInvalidArgument,
         name("color") + " and " + name("colors") + " cannot be combined");
  if (s.window.mode == DisplayWindow::Mode::kRange &&
      !(std::isfinite(s.window.min) && std::isfinite(s.window.max) && s.window.min < s.window.max))
    bad("window", "must be MIN,MAX with MIN < MAX, auto, p:LO,HI, minmax or full");
  if (s.window.mode == DisplayWindow::Mode::kPercentile &&
      !(s.window.min >= 0 && s.window.max <= 100 && s.window.min < s.window.max))
    bad("window", "percentiles p:LO,HI need 0 <= LO < HI <= 100");
}

std::vector<Image> composite_overlay(const Array& segmentation, const Array* imagery,
                                     const OverlayStyle& style, bool three_d, ThreadPool* pool,
                                     const std::string& seg_name) {
  check_style(style);
  SplitOptions split;
  split.include_zero = style.include_zero;
  split.root_ids = style.root_ids;
  const int dim = three_d ? style.dim : 2;
  const ObjectLabels labels = ObjectLabels::split(segmentation, split, seg_name);
  const std::vector<palettes::Rgb8> colors =
      object_colors(labels.ids(), labels.is_signed(), style.colors);
  std::vector<std::uint8_t> grey, rgb;
  if (imagery) {
    const std::int64_t c = imagery->shape().c;
    if (imagery->shape().xyz() != segmentation.shape().xyz() || (c != 1 && c != 3))
      fail(ErrorCode::kInvalidArgument,
           "the imagery's shape " + imagery->shape().xyz().to_string() + " x " + std::to_string(c) +
               " does not match " + seg_name + "'s " + segmentation.shape().xyz().to_string() +
               " x 1 (or x 3 for colour imagery)");
    if (c == 1) {
      grey = to_grey8(*imagery, style.window);
    } else {
      rgb = to_rgb8(*imagery, style.window);
    }
  }
  std::vector<Image> pictures = composite_series(labels, colors, grey, dim, style.composite, pool,
                                                 rgb.empty() ? nullptr : &rgb);
  if (style.stack) {
    Image stacked = stack_images(pictures, *style.stack, style.spacing);
    pictures.clear();
    pictures.push_back(std::move(stacked));
  } else if (style.rgb) {
    for (Image& p : pictures) p = imagery ? drop_alpha(p) : flatten_on_black(p);
  }
  return pictures;
}

std::uint64_t composite_overlay_bytes(const Shape4& shape, bool has_imagery,
                                      const OverlayStyle& style, bool three_d) {
  const int dim = three_d ? style.dim : 2;
  const auto [w, h] = slice_size(shape, dim);
  const std::int64_t slices = slice_count(shape, dim);
  const long double voxels = static_cast<long double>(shape.x) * shape.y * shape.z;
  const long double picture = static_cast<long double>(w) * h;
  // Ranks (4 bytes a voxel) and the sort buffer of the split, grey imagery (1), the RGBA
  // pictures (4 a pixel), the scratch of the slices drawn at once (distance maps and bands,
  // ~12 a pixel for two at a time), and a stacked RGB canvas or RGB copies (3 a pixel).
  long double bytes =
      voxels * (4 + 8 + (has_imagery ? 1 : 0)) + picture * slices * 4 + picture * 12 * 2;
  if (style.stack || style.rgb) bytes += picture * slices * 3 + picture * 3 * style.spacing;
  return bytes >= 1.8e19L ? UINT64_MAX : static_cast<std::uint64_t>(bytes);
}

}  // namespace imagery::overlay
