// `imagery composite --seg SEG.npy [--imagery IMG.npy] ... -o OUT.png`: ImageryClient's
// composite_overlay from .npy arrays, one picture (2-D input), one picture per slice (3-D input,
// OUT containing "{i}"), or the slices stacked into one RGB picture (--stack).
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imagery/cli/commands.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/series.h"
#include "imagery/overlay/stack.h"
#include "imagery/palettes/palette.h"
#include "imagery/palettes/parse_color.h"

namespace imagery::cli {

namespace {

struct CompositeArgs {
  std::string seg, imagery, root_ids;
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
  bool include_zero = false;
  int png_level = 1;
  std::string output;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

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

// A 2-D [x, y] or 3-D [x, y, z] array; a 4-D cutout (X, Y, Z, 1) counts as 3-D.
NpyArray read_volume(const std::string& path, const std::string& flag) {
  NpyArray npy = read_npy(path);
  if (npy.ndim < 2 || npy.ndim > 4 || npy.array.shape().c != 1)
    fail(ErrorCode::kInvalidArgument, flag + " " + path +
                                          ": expected an array [x, y] or [x, y, z], got " +
                                          std::to_string(npy.ndim) + " axes" +
                                          (npy.array.shape().c != 1 ? " with channels" : ""));
  return npy;
}

std::string shape_text(const NpyArray& npy) {
  const Shape4& s = npy.array.shape();
  std::string text = "(" + std::to_string(s.x) + ", " + std::to_string(s.y);
  if (npy.ndim >= 3) text += ", " + std::to_string(s.z);
  return text + ")";
}

std::string slice_path(const std::string& pattern, std::int64_t index) {
  std::string out = pattern;
  const std::string key = "{i}";
  for (std::size_t at = out.find(key); at != std::string::npos; at = out.find(key, at))
    out.replace(at, key.size(), std::to_string(index)), at += std::to_string(index).size();
  return out;
}

void check_options(const CompositeArgs& a) {
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
}

overlay::ColorChoice color_choice(const CompositeArgs& a) {
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

}  // namespace

CommandRunner add_composite_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<CompositeArgs>();
  auto* cmd = app.add_subcommand(
      "composite", "Draw a segmentation over imagery as ImageryClient's composite_overlay does");
  cmd->add_option("--seg", a->seg, "Segmentation .npy, [x, y] or [x, y, z], any integer dtype")
      ->required();
  cmd->add_option("--imagery", a->imagery,
                  "Imagery .npy of the same shape, drawn under the objects");
  cmd->add_option("--root-ids", a->root_ids,
                  "ID,ID,...: draw only these objects (ascending id order)");
  cmd->add_flag("--include-zero", a->include_zero, "Draw id 0 as an object too");
  cmd->add_flag("--outline", a->outline, "Draw outlines instead of filled objects");
  cmd->add_option("--side", a->side, "Outline side: out or in")
      ->check(CLI::IsMember({"out", "in"}))
      ->capture_default_str();
  cmd->add_option("--width", a->width, "Outline width in pixels (0: unlimited)")
      ->capture_default_str();
  cmd->add_flag("--no-merge-outline", a->no_merge_outline, "Keep each object's whole outline");
  cmd->add_flag("--no-overlap", a->no_overlap, "Where outlines meet, the first object wins");
  cmd->add_option("--alpha", a->alpha, "Object opacity in [0, 1]")->capture_default_str();
  cmd->add_option("--palette", a->palette, "Palette: " + palettes::palette_names_text())
      ->capture_default_str();
  cmd->add_option("--husl-h", a->husl_h, "First hue of husl/hls, in turns")->capture_default_str();
  cmd->add_option("--husl-s", a->husl_s, "Saturation of husl/hls in [0, 1]")->capture_default_str();
  cmd->add_option("--husl-l", a->husl_l, "Lightness of husl/hls in [0, 1]")->capture_default_str();
  cmd->add_option("--color", a->color,
                  "ID=COLOR for one object (repeatable; then every drawn id needs one). COLOR is "
                  "#rrggbb, #rgb, a CSS name or r,g,b floats in [0, 1]");
  cmd->add_option("--colors", a->colors, "COLOR;COLOR;...: colours by rank (ascending id order)");
  cmd->add_option("--dim", a->dim, "Slicing axis of a 3-D input: 0 (x), 1 (y) or 2 (z)")
      ->capture_default_str();
  cmd->add_option("--stack", a->stack, "Stack the slices of a 3-D input into one RGB picture")
      ->check(CLI::IsMember({"horizontal", "vertical"}));
  cmd->add_option("--spacing", a->spacing, "Pixels between stacked slices (white)")
      ->capture_default_str();
  cmd->add_option("--window", a->window,
                  "Display window for the imagery: MIN,MAX or auto (0.5/99.5 percentiles). "
                  "Default: uint8 as is, other types clipped to [0, 255] as ImageryClient does");
  cmd->add_flag("--rgb", a->rgb,
                "Write RGB without alpha (a picture without imagery goes on black)");
  cmd->add_option("--png-level", a->png_level, "zlib level 0-9 (9: smallest files, slowest)")
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output,
                  "Output PNG; for one file per slice it must contain {i}")
      ->required();

  return [a, &global] {
    PhaseTimer timer(global);
    check_options(*a);
    overlay::ColorChoice colors = color_choice(*a);
    overlay::SplitOptions split_options;
    split_options.include_zero = a->include_zero;
    if (!a->root_ids.empty()) {
      std::vector<std::uint64_t> ids;
      for (const std::string& part : split(a->root_ids, ','))
        ids.push_back(parse_id(part, "--root-ids"));
      split_options.root_ids = std::move(ids);
    }
    overlay::DisplayWindow window;
    if (!a->window.empty()) window = overlay::parse_display_window(a->window, "--window");
    overlay::CompositeOptions options;
    options.alpha = a->alpha;
    options.outline = a->outline;
    options.side = *overlay::parse_side(a->side);
    options.width = a->width;
    options.merge_outline = !a->no_merge_outline;
    options.overlap = !a->no_overlap;
    const bool per_slice_files = a->output.find("{i}") != std::string::npos && a->stack.empty();

    // Fail on an unwritable output before the expensive part; per-slice files are opened once
    // the slice count is known, still before compositing.
    std::vector<std::unique_ptr<AtomicFile>> outputs;
    if (!per_slice_files) outputs.push_back(std::make_unique<AtomicFile>(a->output));

    timer.start("read");
    NpyArray seg = read_volume(a->seg, "--seg");
    std::optional<NpyArray> img;
    if (!a->imagery.empty()) {
      img = read_volume(a->imagery, "--imagery");
      if (img->array.shape().xyz() != seg.array.shape().xyz())
        fail(ErrorCode::kInvalidArgument, "--imagery " + a->imagery + " has shape " +
                                              shape_text(*img) + " but --seg " + a->seg +
                                              " has shape " + shape_text(seg));
    }
    const bool three_d = seg.ndim >= 3;
    const int dim = three_d ? a->dim : 2;
    const std::int64_t slices = overlay::slice_count(seg.array.shape(), dim);
    if (three_d && a->stack.empty() && slices > 1 && !per_slice_files)
      fail(ErrorCode::kInvalidArgument,
           "-o " + a->output + ": a 3-D input gives " + std::to_string(slices) +
               " pictures; put {i} in the output name (e.g. slice_{i}.png) "
               "or use --stack");
    if (per_slice_files)
      for (std::int64_t i = 0; i < slices; ++i)
        outputs.push_back(std::make_unique<AtomicFile>(slice_path(a->output, i)));

    timer.start("composite");
    overlay::ObjectLabels labels =
        overlay::ObjectLabels::split(seg.array, split_options, "--seg " + a->seg);
    std::vector<palettes::Rgb8> object_colors =
        overlay::object_colors(labels.ids(), labels.is_signed(), colors);
    std::vector<std::uint8_t> grey;
    if (img) grey = overlay::to_grey8(img->array, window);
    std::vector<overlay::Image> pictures =
        overlay::composite_series(labels, object_colors, grey, dim, options);
    if (!a->stack.empty()) {
      overlay::Image stacked =
          overlay::stack_images(pictures, *overlay::parse_direction(a->stack), a->spacing);
      pictures.clear();
      pictures.push_back(std::move(stacked));
    } else if (a->rgb) {
      for (overlay::Image& p : pictures)
        p = img ? overlay::drop_alpha(p) : overlay::flatten_on_black(p);
    }

    timer.start("encode");
    std::vector<std::vector<std::byte>> encoded(pictures.size());
    overlay::FigurePngOptions png{a->png_level};
    for (std::size_t i = 0; i < pictures.size(); ++i)
      encoded[i] = overlay::encode_figure_png(pictures[i], png);

    timer.start("write");
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      outputs[i]->write(std::span<const std::byte>(encoded[i]));
      outputs[i]->commit();
    }
    return 0;
  };
}

}  // namespace imagery::cli
