#include "imagery/cli/overlay_options.h"

#include "imagery/cli/arguments.h"

#include <charconv>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/series.h"
#include "imagery/overlay/stack.h"
#include "imagery/palettes/palette.h"
#include "imagery/palettes/parse_color.h"

namespace imagery::cli {

// An object id: an unsigned 64-bit integer, or a negative one for signed segmentations (kept
// as its two's complement, which is how ObjectLabels stores signed ids).
std::uint64_t parse_id(const std::string& raw, const std::string& flag) {
  std::string text = trim(raw);
  const char* first = text.data();
  const char* last = text.data() + text.size();
  std::errc ec{};
  const char* end = nullptr;
  std::uint64_t id = 0;
  if (!text.empty() && text.front() == '-') {
    std::int64_t v = 0;
    auto r = std::from_chars(first, last, v);
    ec = r.ec;
    end = r.ptr;
    id = static_cast<std::uint64_t>(v);
  } else {
    auto r = std::from_chars(first, last, id);
    ec = r.ec;
    end = r.ptr;
  }
  if (text.empty() || ec != std::errc() || end != last)
    fail(ErrorCode::kInvalidArgument, flag + ": '" + text + "' is not an object id");
  return id;
}

std::string slice_path(const std::string& pattern, std::int64_t index) {
  std::string out = pattern;
  const std::string key = "{i}";
  for (std::size_t at = out.find(key); at != std::string::npos; at = out.find(key, at))
    out.replace(at, key.size(), std::to_string(index)), at += std::to_string(index).size();
  return out;
}

void add_overlay_options(CLI::App* cmd, OverlayArgs& a) {
  cmd->add_option("--root-ids", a.root_ids,
                  "ID,ID,...: draw only these objects (ascending id order)");
  cmd->add_flag("--include-zero", a.include_zero, "Draw id 0 as an object too");
  cmd->add_flag("--outline", a.outline, "Draw outlines instead of filled objects");
  cmd->add_option("--side", a.side, "Outline side: out or in")
      ->check(CLI::IsMember({"out", "in"}))
      ->capture_default_str();
  cmd->add_option("--width", a.width, "Outline width in pixels (0: unlimited)")
      ->capture_default_str();
  cmd->add_flag("--no-merge-outline", a.no_merge_outline, "Keep each object's whole outline");
  cmd->add_flag("--no-overlap", a.no_overlap, "Where outlines meet, the first object wins");
  cmd->add_option("--alpha", a.alpha, "Object opacity in [0, 1]")->capture_default_str();
  cmd->add_option("--palette", a.palette, "Palette: " + palettes::palette_names_text())
      ->capture_default_str();
  cmd->add_option("--husl-h", a.husl_h, "First hue of husl/hls, in turns")->capture_default_str();
  cmd->add_option("--husl-s", a.husl_s, "Saturation of husl/hls in [0, 1]")->capture_default_str();
  cmd->add_option("--husl-l", a.husl_l, "Lightness of husl/hls in [0, 1]")->capture_default_str();
  cmd->add_option("--color", a.color,
                  "ID=COLOR for one object (repeatable; then every drawn id needs one). COLOR is "
                  "#rrggbb, #rgb, a CSS name or r,g,b floats in [0, 1]");
  cmd->add_option("--colors", a.colors, "COLOR;COLOR;...: colours by rank (ascending id order)");
  cmd->add_option("--dim", a.dim, "Slicing axis of a 3-D input: 0 (x), 1 (y) or 2 (z)")
      ->capture_default_str();
  cmd->add_option("--stack", a.stack, "Stack the slices of a 3-D input into one RGB picture")
      ->check(CLI::IsMember({"horizontal", "vertical"}));
  cmd->add_option("--spacing", a.spacing, "Pixels between stacked slices (white)")
      ->capture_default_str();
  cmd->add_option("--window", a.window,
                  "Display window for the imagery: MIN,MAX or auto (0.5/99.5 percentiles). "
                  "Default: uint8 as is, other types clipped to [0, 255] as ImageryClient does");
  cmd->add_flag("--rgb", a.rgb,
                "Write RGB without alpha (a picture without imagery goes on black)");
  cmd->add_option("--png-level", a.png_level, "zlib level 0-9 (9: smallest files, slowest)")
      ->capture_default_str();
}

void check_overlay_options(const OverlayArgs& a) {
  auto bad = [](const std::string& msg) { fail(ErrorCode::kInvalidArgument, msg); };
  if (!(a.alpha >= 0 && a.alpha <= 1))
    bad("--alpha must be in [0, 1], got " + std::to_string(a.alpha));
  if (a.width < 0) bad("--width must be 0 (unlimited) or more, got " + std::to_string(a.width));
  if (a.spacing < 0) bad("--spacing must not be negative, got " + std::to_string(a.spacing));
  if (a.dim < 0 || a.dim > 2) bad("--dim must be 0, 1 or 2, got " + std::to_string(a.dim));
  if (a.png_level < 0 || a.png_level > 9)
    bad("--png-level must be 0-9, got " + std::to_string(a.png_level));
  if (!std::isfinite(a.husl_h)) bad("--husl-h must be a finite number");
  if (!(a.husl_s >= 0 && a.husl_s <= 1))
    bad("--husl-s must be in [0, 1], got " + std::to_string(a.husl_s));
  if (!(a.husl_l >= 0 && a.husl_l <= 1))
    bad("--husl-l must be in [0, 1], got " + std::to_string(a.husl_l));
  if (!palettes::is_palette_name(a.palette))
    bad("--palette: unknown palette '" + a.palette + "' (known: " + palettes::palette_names_text() +
        ")");
  if (!a.color.empty() && !a.colors.empty()) bad("--color and --colors cannot be combined");
  if (a.side != "out" && a.side != "in") bad("--side must be out or in, got '" + a.side + "'");
  if (!a.stack.empty() && !overlay::parse_direction(a.stack))
    bad("--stack must be horizontal or vertical, got '" + a.stack + "'");
}

overlay::ColorChoice color_choice(const OverlayArgs& a) {
  overlay::ColorChoice choice;
  choice.palette = a.palette;
  choice.params = {a.husl_h, a.husl_s, a.husl_l};
  for (const std::string& item : a.color) {
    std::size_t eq = item.find('=');
    if (eq == std::string::npos)
      fail(ErrorCode::kInvalidArgument, "--color: expected ID=COLOR, got '" + item + "'");
    std::uint64_t id = parse_id(item.substr(0, eq), "--color");
    choice.by_id.emplace_back(id, palettes::parse_color(item.substr(eq + 1), "--color " + item));
    choice.source = "--color";
  }
  if (!a.colors.empty()) {
    for (const std::string& c : split(a.colors, ';'))
      choice.by_rank.push_back(palettes::parse_color(c, "--colors"));
    choice.source = "--colors";
  }
  return choice;
}

overlay::CompositeOptions composite_options(const OverlayArgs& a) {
  overlay::CompositeOptions options;
  options.alpha = a.alpha;
  options.outline = a.outline;
  options.side = *overlay::parse_side(a.side);
  options.width = a.width;
  options.merge_outline = !a.no_merge_outline;
  options.overlap = !a.no_overlap;
  return options;
}

overlay::DisplayWindow display_window(const OverlayArgs& a) {
  overlay::DisplayWindow window;
  if (!a.window.empty()) window = overlay::parse_display_window(a.window, "--window");
  return window;
}

std::optional<std::vector<std::uint64_t>> root_ids(const OverlayArgs& a) {
  if (a.root_ids.empty()) return std::nullopt;
  std::vector<std::uint64_t> ids;
  for (const std::string& part : split(a.root_ids, ','))
    ids.push_back(parse_id(part, "--root-ids"));
  return ids;
}

std::vector<overlay::Image> render_overlay(const OverlayArgs& a, const Array& seg,
                                           const Array* imagery, bool three_d,
                                           const std::string& seg_name) {
  overlay::ColorChoice colors = color_choice(a);
  overlay::SplitOptions split_options;
  split_options.include_zero = a.include_zero;
  split_options.root_ids = root_ids(a);
  overlay::DisplayWindow window = display_window(a);
  overlay::CompositeOptions options = composite_options(a);
  const int dim = three_d ? a.dim : 2;
  overlay::ObjectLabels labels = overlay::ObjectLabels::split(seg, split_options, seg_name);
  std::vector<palettes::Rgb8> object_colors =
      overlay::object_colors(labels.ids(), labels.is_signed(), colors);
  std::vector<std::uint8_t> grey;
  if (imagery) grey = overlay::to_grey8(*imagery, window);
  std::vector<overlay::Image> pictures =
      overlay::composite_series(labels, object_colors, grey, dim, options);
  if (!a.stack.empty()) {
    overlay::Image stacked =
        overlay::stack_images(pictures, *overlay::parse_direction(a.stack), a.spacing);
    pictures.clear();
    pictures.push_back(std::move(stacked));
  } else if (a.rgb) {
    for (overlay::Image& p : pictures)
      p = imagery ? overlay::drop_alpha(p) : overlay::flatten_on_black(p);
  }
  return pictures;
}

std::vector<std::vector<std::byte>> encode_pictures(const std::vector<overlay::Image>& pictures,
                                                    int png_level) {
  std::vector<std::vector<std::byte>> encoded(pictures.size());
  overlay::FigurePngOptions png{png_level};
  for (std::size_t i = 0; i < pictures.size(); ++i)
    encoded[i] = overlay::encode_figure_png(pictures[i], png);
  return encoded;
}

nlohmann::json overlay_args_to_json(const OverlayArgs& a) {
  return {{"root_ids", a.root_ids},
          {"include_zero", a.include_zero},
          {"outline", a.outline},
          {"side", a.side},
          {"width", a.width},
          {"merge_outline", !a.no_merge_outline},
          {"overlap", !a.no_overlap},
          {"alpha", a.alpha},
          {"palette", a.palette},
          {"husl_h", a.husl_h},
          {"husl_s", a.husl_s},
          {"husl_l", a.husl_l},
          {"color", a.color},
          {"colors", a.colors},
          {"dim", a.dim},
          {"stack", a.stack},
          {"spacing", a.spacing},
          {"window", a.window},
          {"rgb", a.rgb},
          {"png_level", a.png_level}};
}

OverlayArgs overlay_args_from_json(const nlohmann::json& j, const std::string& name) {
  if (!j.is_object()) fail(ErrorCode::kInvalidArgument, name + ": overlay: expected an object");
  OverlayArgs a;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const nlohmann::json& v = it.value();
    try {
      if (key == "root_ids")
        a.root_ids = v.get<std::string>();
      else if (key == "include_zero")
        a.include_zero = v.get<bool>();
      else if (key == "outline")
        a.outline = v.get<bool>();
      else if (key == "side")
        a.side = v.get<std::string>();
      else if (key == "width")
        a.width = v.get<int>();
      else if (key == "merge_outline")
        a.no_merge_outline = !v.get<bool>();
      else if (key == "overlap")
        a.no_overlap = !v.get<bool>();
      else if (key == "alpha")
        a.alpha = v.get<double>();
      else if (key == "palette")
        a.palette = v.get<std::string>();
      else if (key == "husl_h")
        a.husl_h = v.get<double>();
      else if (key == "husl_s")
        a.husl_s = v.get<double>();
      else if (key == "husl_l")
        a.husl_l = v.get<double>();
      else if (key == "color")
        a.color = v.get<std::vector<std::string>>();
      else if (key == "colors")
        a.colors = v.get<std::string>();
      else if (key == "dim")
        a.dim = v.get<int>();
      else if (key == "stack")
        a.stack = v.get<std::string>();
      else if (key == "spacing")
        a.spacing = v.get<int>();
      else if (key == "window")
        a.window = v.get<std::string>();
      else if (key == "rgb")
        a.rgb = v.get<bool>();
      else if (key == "png_level")
        a.png_level = v.get<int>();
      else
        fail(ErrorCode::kInvalidArgument, name + ": overlay." + key + ": unknown field");
    } catch (const nlohmann::json::exception&) {
      fail(ErrorCode::kInvalidArgument, name + ": overlay." + key + ": wrong type");
    }
  }
  return a;
}

}  // namespace imagery::cli
