#include "imagery/figure/figure_spec_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "imagery/core/error.h"
#include "imagery/overlay/outline.h"
#include "imagery/palettes/parse_color.h"

namespace imagery::figure {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const std::vector<std::string> kKeys = {"format",
                                        "image",
                                        "image_mip",
                                        "seg",
                                        "seg_mip",
                                        "datastack",
                                        "cave_server",
                                        "mat_version",
                                        "timestamp",
                                        "supervoxels",
                                        "t",
                                        "nearest",
                                        "state",
                                        "panel",
                                        "panel_size",
                                        "position",
                                        "cross_section_scale",
                                        "segments",
                                        "bounds",
                                        "center",
                                        "size",
                                        "image_size",
                                        "resolution",
                                        "bounded",
                                        "fill_missing",
                                        "no_fill_missing",
                                        "root_ids",
                                        "include_zero",
                                        "outline",
                                        "side",
                                        "width",
                                        "merge_outline",
                                        "no_merge_outline",
                                        "overlap",
                                        "no_overlap",
                                        "alpha",
                                        "palette",
                                        "husl_h",
                                        "husl_s",
                                        "husl_l",
                                        "color",
                                        "colors",
                                        "dim",
                                        "stack",
                                        "spacing",
                                        "window",
                                        "tint",
                                        "rgb",
                                        "projection",
                                        "z_range",
                                        "channel",
                                        "model",
                                        "layer",
                                        "scale_bar",
                                        "scale_bar_position",
                                        "scale_bar_color",
                                        "scale_bar_thickness",
                                        "scale_bar_label",
                                        "no_scale_bar_label",
                                        "label",
                                        "title",
                                        "inset",
                                        "points",
                                        "lines",
                                        "boxes",
                                        "font_size",
                                        "output",
                                        "dpi",
                                        "width_mm",
                                        "height_mm",
                                        "simplify",
                                        "png_level",
                                        "save_arrays",
                                        "rendered",
                                        "neuroglancer"};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// A value as a message shows it: JSON text, invalid UTF-8 (a CSV cell may hold any bytes)
// replaced rather than thrown over, and long values cut.
std::string shown(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

std::string quoted_key(std::string_view key) {
  return "'" + std::string(key) + "'";
}

// Reads one document into a spec, naming keys the caller's way.
class Reader {
 public:
  Reader(FigureSpec& spec, const SpecReadOptions& options)
      : spec_(spec), options_(options), name_(options.name ? options.name : quoted_key) {}

  void apply(const json& doc) {
    if (!doc.is_object()) fail_plain("expected a JSON object of figure options");
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string key = canonical_key(it.key());
      if (!is_figure_key(key)) fail_plain(name_(it.key()) + " is not a figure option" + hint(key));
      // null, "" (an empty CSV cell) and [] leave the key at its default; but root_ids: [] is
      // a list of no ids (draw nothing), as a sidecar writes it.
      const json& v = it.value();
      if (v.is_null() || (v.is_string() && trim(v.get<std::string>()).empty()) ||
          (v.is_array() && v.empty() && key != "root_ids")) {
        reset(key);
        continue;
      }
      key_ = key;
      set(key, it.value());
    }
    build_region();
  }

 private:
  [[noreturn]] void fail_plain(const std::string& message) const {
    fail(ErrorCode::kInvalidArgument,
         options_.where.empty() ? message : options_.where + ": " + message);
  }
  [[noreturn]] void bad(const std::string& what) const { fail_plain(name_(key_) + ": " + what); }

  // " (did you mean 'alpha'?)" for a key two edits or fewer from one of the schema's, else "".
  std::string hint(const std::string& key) const {
    std::size_t best = 3;
    std::string closest;
    for (const auto& k : kKeys) {
      if (k == "format" || k == "rendered") continue;
      const std::size_t d = edit_distance(key, k);
      if (d < best) {
        best = d;
        closest = k;
      }
    }
    return closest.empty() ? "" : " (did you mean " + name_(closest) + "?)";
  }

  static std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
        diagonal = up;
      }
    }
    return row[b.size()];
  }

  // A key set to null goes back to its default.
  void reset(const std::string& key) {
    FigureSpec fresh;
    const overlay::OverlayStyle& ds = fresh.style;
    overlay::OverlayStyle& s = spec_.style;
    if (key == "image")
      spec_.image.reset();
    else if (key == "seg")
      spec_.segmentation.reset();
    else if (key == "image_mip") {
      if (spec_.image) spec_.image->mip = {};
    } else if (key == "seg_mip") {
      if (spec_.segmentation) spec_.segmentation->mip = {};
    } else if (key == "resolution")
      spec_.resolution.reset();
    else if (key == "bounded")
      spec_.bounded = fresh.bounded;
    else if (key == "t")
      spec_.time_point = 0;
    else if (key == "nearest")
      spec_.nearest = false;
    else if (key == "fill_missing" || key == "no_fill_missing")
      spec_.fill_missing = true;
    else if (key == "root_ids")
      s.root_ids.reset();
    else if (key == "include_zero")
      s.include_zero = ds.include_zero;
    else if (key == "outline")
      s.composite.outline = ds.composite.outline;
    else if (key == "side")
      s.composite.side = ds.composite.side;
    else if (key == "width")
      s.composite.width = ds.composite.width;
    else if (key == "merge_outline" || key == "no_merge_outline")
      s.composite.merge_outline = true;
    else if (key == "overlap" || key == "no_overlap")
      s.composite.overlap = true;
    else if (key == "alpha")
      s.composite.alpha = ds.composite.alpha;
    else if (key == "palette")
      s.colors.palette = ds.colors.palette;
    else if (key == "husl_h")
      s.colors.params.h = ds.colors.params.h;
    else if (key == "husl_s")
      s.colors.params.s = ds.colors.params.s;
    else if (key == "husl_l")
      s.colors.params.l = ds.colors.params.l;
    else if (key == "color")
      s.colors.by_id.clear();
    else if (key == "colors")
      s.colors.by_rank.clear();
    else if (key == "dim")
      s.dim = ds.dim;
    else if (key == "stack")
      s.stack.reset();
    else if (key == "spacing")
      s.spacing = ds.spacing;
    else if (key == "window")
      s.window = ds.window;
    else if (key == "tint")
      s.composite.tint = ds.composite.tint;
    else if (key == "projection")
      spec_.rendering.projection = rendering::Projection::kNone;
    else if (key == "z_range")
      spec_.rendering.z_range.reset();
    else if (key == "channel")
      spec_.rendering.channels.clear();
    else if (key == "model")
      spec_.rendering.model.reset();
    else if (key == "layer")
      spec_.rendering.layers.clear();
    else if (key == "rgb")
      s.rgb = ds.rgb;
    else if (key == "state")
      spec_.state.reset();
    else if (spec_.state && key == "panel")
      spec_.state->panel.clear();
    else if (spec_.state && key == "panel_size") {
      spec_.state->width = StateSpec{}.width;
      spec_.state->height = StateSpec{}.height;
    } else if (spec_.state && key == "position")
      spec_.state->position.reset();
    else if (spec_.state && key == "cross_section_scale")
      spec_.state->cross_section_scale.reset();
    else if (spec_.state && key == "segments")
      spec_.state->segments.clear();
    else if (key.rfind("scale_bar", 0) == 0 || key == "no_scale_bar_label" || key == "label" ||
             key == "title" || key == "inset" || key == "points" || key == "lines" ||
             key == "boxes" || key == "font_size")
      reset_element(key);
    else if (key == "dpi")
      spec_.output.dpi.reset();
    else if (key == "width_mm")
      spec_.output.width_mm.reset();
    else if (key == "height_mm")
      spec_.output.height_mm.reset();
    else if (key == "simplify")
      spec_.output.simplify = 0;
    else if (key == "output")
      spec_.output.path.clear();
    else if (key == "png_level")
      spec_.output.png_level = fresh.output.png_level;
    else if (key == "save_arrays") {
      spec_.output.save_arrays.clear();
      spec_.output.arrays_beside_output = false;
    }
    // A null region key leaves the region as it is: another key sets it.
  }

  void reset_element(const std::string& key) {
    const ElementsSpec fresh;
    ElementsSpec& e = spec_.elements;
    if (key == "scale_bar")
      e.scale_bar.enabled = false;
    else if (key == "scale_bar_position")
      e.scale_bar.position = fresh.scale_bar.position;
    else if (key == "scale_bar_color")
      e.scale_bar.color = fresh.scale_bar.color;
    else if (key == "scale_bar_thickness")
      e.scale_bar.thickness.reset();
    else if (key == "scale_bar_label" || key == "no_scale_bar_label")
      e.scale_bar.label = true;
    else if (key == "label")
      e.label.clear();
    else if (key == "title")
      e.title.clear();
    else if (key == "inset")
      e.inset.reset();
    else if (key == "points")
      e.points.clear();
    else if (key == "lines")
      e.lines.clear();
    else if (key == "boxes")
      e.boxes.clear();
    else if (key == "font_size")
      e.font_size = fresh.font_size;
  }

  // --scale-bar: auto, a length, true (auto) or false (none).
  void scale_bar(const json& v) {
    ScaleBarSpec& bar = spec_.elements.scale_bar;
    if (v.is_boolean() || (v.is_string() && is_bool_text(v.get<std::string>()))) {
      bar.enabled = boolean(v);
      bar.length_nm.reset();
      return;
    }
    if (v.is_number()) {
      bar.enabled = true;
      bar.length_nm = number(v);
      if (!(*bar.length_nm > 0)) bad("must be auto or a positive length");
      return;
    }
    const std::string t = text(v);
    bar.enabled = true;
    if (t == "auto") {
      bar.length_nm.reset();
      return;
    }
    try {
      bar.length_nm = parse_length_nm(t, name_(key_));
    } catch (const Error& e) {
      fail_plain(e.what());
    }
  }

  Corner corner(const json& v) const {
    const std::string t = text(v);
    const auto c = parse_corner(t);
    if (!c) bad("must be top-left, top-right, bottom-left or bottom-right, got '" + t + "'");
    return *c;
  }

  // The region from the region keys this document named (a document naming none leaves it).
  void build_region() {
    const int modes = !bounds_.empty() + !size_.empty() + !pixels_.empty();
    if ((modes == 0 && center_.empty()) || options_.partial) return;
    const auto n = name_;
    if (modes != 1)
      fail_plain("give exactly one of " + n("bounds") + ", " + n("center") + " with " + n("size") +
                 ", " + n("center") + " with " + n("image_size"));
    if (!bounds_.empty()) {
      if (!center_.empty()) fail_plain(n("center") + " cannot be combined with " + n("bounds"));
      spec_.region = RegionSpec::corners({bounds_[0], bounds_[1], bounds_[2]},
                                         {bounds_[3], bounds_[4], bounds_[5]});
      return;
    }
    if (center_.empty())
      fail_plain((size_.empty() ? n("image_size") : n("size")) + " needs " + n("center"));
    const Vec3d center{center_[0], center_[1], center_[2]};
    if (!size_.empty()) {
      spec_.region = RegionSpec::centered(
          center, {size_[0], size_[1], size_.size() > 2 ? size_[2] : 0}, size_.size() > 2);
    } else {
      Vec3 pixels{static_cast<std::int64_t>(pixels_[0]), static_cast<std::int64_t>(pixels_[1]),
                  pixels_.size() > 2 ? static_cast<std::int64_t>(pixels_[2]) : 0};
      spec_.region = RegionSpec::centered_pixels(center, pixels, pixels_.size() > 2);
    }
  }

  void set(const std::string& key, const json& v) {
    overlay::OverlayStyle& s = spec_.style;
    if (key == "format") {
      if (!v.is_string() || v.get<std::string>() != kFigureFormat)
        bad("this reader knows " + std::string(kFigureFormat) + ", not " + shown(v));
    } else if (key == "rendered" || key == "neuroglancer") {
      // What an earlier run drew, and a Neuroglancer state of its view: records, never inputs.
    } else if (key == "state") {
      if (!v.is_object() && !v.is_string())
        bad("expected a Neuroglancer state or where to read one, got " + shown(v));
      state().state = v.is_string() ? json(trim(v.get<std::string>())) : v;
    } else if (key == "panel") {
      state().panel = text(v);
      if (state().panel != "xy" && state().panel != "xz" && state().panel != "yz")
        bad("must be xy, xz or yz, got '" + state().panel + "'");
    } else if (key == "panel_size") {
      const std::vector<double> size = numbers(v, 2, 2);
      for (double d : size)
        if (d != std::floor(d) || d < 1 || d > 32768)
          bad("expected W,H in pixels within 1..32768, got " + shown(v));
      state().width = static_cast<int>(size[0]);
      state().height = static_cast<int>(size[1]);
    } else if (key == "position") {
      state().position = numbers(v, 1, 32);
    } else if (key == "cross_section_scale") {
      const double z = number(v);
      if (!(z > 0)) bad("must be a positive number");
      state().cross_section_scale = z;
    } else if (key == "segments") {
      // A list of ids for every segmentation layer, or {"layer name": [ids], ...}.
      auto& segments = state().segments;
      segments.clear();
      if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) segments[it.key()] = ids(it.value());
      } else {
        segments[""] = ids(v);
      }
    } else if (key == "image") {
      source(spec_.image).url = text(v);
    } else if (key == "seg") {
      source(spec_.segmentation).url = text(v);
    } else if (key == "image_mip") {
      source(spec_.image).mip = mip(v);
    } else if (key == "seg_mip") {
      source(spec_.segmentation).mip = mip(v);
    } else if (key == "datastack") {
      spec_.datastack = text(v);
    } else if (key == "cave_server") {
      spec_.cave_server = text(v);
    } else if (key == "mat_version") {
      spec_.mat_version = integer(v);
    } else if (key == "timestamp") {
      timestamp(v);
    } else if (key == "supervoxels") {
      spec_.supervoxels = boolean(v);
    } else if (key == "t") {
      spec_.time_point = integer(v);
      if (spec_.time_point < 0) bad("must be a time point index (0 or more)");
    } else if (key == "nearest") {
      spec_.nearest = boolean(v);
    } else if (key == "bounds") {
      bounds_ = numbers(v, 6, 6);
    } else if (key == "center") {
      center_ = numbers(v, 3, 3);
    } else if (key == "size") {
      size_ = numbers(v, 2, 3);
    } else if (key == "image_size") {
      const std::vector<double> p = numbers(v, 2, 3);
      for (double d : p)
        if (d != std::floor(d) || d < 1 || d > 1e9)
          bad("pixel counts must be whole numbers >= 1, got " + shown(v));
      pixels_ = p;
    } else if (key == "resolution") {
      const std::vector<double> r = numbers(v, 3, 3);
      spec_.resolution = Vec3d{r[0], r[1], r[2]};
    } else if (key == "bounded") {
      spec_.bounded = boolean(v);
    } else if (key == "fill_missing") {
      spec_.fill_missing = boolean(v);
    } else if (key == "no_fill_missing") {
      spec_.fill_missing = !boolean(v);
    } else if (key == "root_ids") {
      // "all": every object (a graphene segmentation's root ids, ImageryClient's default).
      if (v.is_string() && trim(v.get<std::string>()) == "all")
        s.root_ids.reset();
      else
        s.root_ids = ids(v);
    } else if (key == "include_zero") {
      s.include_zero = boolean(v);
    } else if (key == "outline") {
      s.composite.outline = boolean(v);
    } else if (key == "side") {
      const auto side = overlay::parse_side(text(v));
      if (!side) bad("must be out or in, got '" + text(v) + "'");
      s.composite.side = *side;
    } else if (key == "width") {
      s.composite.width = integer(v);
    } else if (key == "merge_outline") {
      s.composite.merge_outline = boolean(v);
    } else if (key == "no_merge_outline") {
      s.composite.merge_outline = !boolean(v);
    } else if (key == "overlap") {
      s.composite.overlap = boolean(v);
    } else if (key == "no_overlap") {
      s.composite.overlap = !boolean(v);
    } else if (key == "alpha") {
      s.composite.alpha = number(v);
    } else if (key == "palette") {
      s.colors.palette = text(v);
    } else if (key == "husl_h") {
      s.colors.params.h = number(v);
    } else if (key == "husl_s") {
      s.colors.params.s = number(v);
    } else if (key == "husl_l") {
      s.colors.params.l = number(v);
    } else if (key == "color") {
      colors_by_id(v);
    } else if (key == "colors") {
      colors_by_rank(v);
    } else if (key == "dim") {
      s.dim = integer(v);
    } else if (key == "stack") {
      const std::string t = text(v);
      if (t.empty()) {
        s.stack.reset();
      } else {
        const auto d = overlay::parse_direction(t);
        if (!d) bad("must be horizontal or vertical, got '" + t + "'");
        s.stack = *d;
      }
    } else if (key == "spacing") {
      s.spacing = integer(v);
    } else if (key == "window") {
      window(v);
    } else if (key == "tint") {
      // A colour, or "none" (white: the grey imagery); null or "" leaves the source's own.
      const std::string t = text(v);
      if (t.empty())
        s.composite.tint.reset();
      else if (t == "none")
        s.composite.tint = palettes::Rgb8{255, 255, 255};
      else
        s.composite.tint = palettes::parse_color(t, name_(key_));
    } else if (key == "rgb") {
      s.rgb = boolean(v);
    } else if (key == "projection") {
      const std::string t = text(v);
      const auto p = rendering::parse_projection(t.empty() ? "none" : t);
      if (!p) bad("must be max, min, mean or sum, got '" + t + "'");
      spec_.rendering.projection = *p;
    } else if (key == "z_range") {
      const std::vector<double> z = numbers(v, 2, 2);
      if (!(z[0] < z[1])) bad("must be Z0,Z1 with Z0 < Z1, got " + shown(v));
      spec_.rendering.z_range = std::pair{z[0], z[1]};
    } else if (key == "channel") {
      spec_.rendering.channels.clear();
      for (const std::string& c : entries(v))
        spec_.rendering.channels.push_back(rendering::parse_channel_setting(c, name_(key_)));
    } else if (key == "model") {
      const std::string t = text(v);
      if (t.empty()) {
        spec_.rendering.model.reset();
      } else {
        const auto m = rendering::parse_color_model(t);
        if (!m) bad("must be greyscale or color, got '" + t + "'");
        spec_.rendering.model = *m;
      }
    } else if (key == "layer") {
      spec_.rendering.layers.clear();
      for (const std::string& l : entries(v))
        spec_.rendering.layers.push_back(rendering::parse_layer_setting(l, name_(key_)));
    } else if (key == "scale_bar") {
      scale_bar(v);
    } else if (key == "scale_bar_position") {
      spec_.elements.scale_bar.position = corner(v);
    } else if (key == "scale_bar_color") {
      spec_.elements.scale_bar.color = palettes::parse_color(text(v), name_(key_));
    } else if (key == "scale_bar_thickness") {
      spec_.elements.scale_bar.thickness = number(v);
    } else if (key == "scale_bar_label") {
      spec_.elements.scale_bar.label = boolean(v);
    } else if (key == "no_scale_bar_label") {
      spec_.elements.scale_bar.label = !boolean(v);
    } else if (key == "label") {
      // false (a layout panel without its letter) is no label.
      spec_.elements.label = v.is_boolean() ? "" : text(v);
    } else if (key == "title") {
      spec_.elements.title = text(v);
    } else if (key == "inset") {
      // true: the default corner; false: none.
      if (v.is_boolean() || (v.is_string() && is_bool_text(v.get<std::string>())))
        spec_.elements.inset = boolean(v) ? std::optional<Corner>(Corner::kTopRight) : std::nullopt;
      else
        spec_.elements.inset = corner(v);
    } else if (key == "points") {
      spec_.elements.points = text(v);
    } else if (key == "lines") {
      spec_.elements.lines = text(v);
    } else if (key == "boxes") {
      spec_.elements.boxes = text(v);
    } else if (key == "font_size") {
      spec_.elements.font_size = number(v);
    } else if (key == "dpi") {
      spec_.output.dpi = number(v);
    } else if (key == "width_mm") {
      spec_.output.width_mm = number(v);
    } else if (key == "height_mm") {
      spec_.output.height_mm = number(v);
    } else if (key == "simplify") {
      spec_.output.simplify = number(v);
    } else if (key == "output") {
      spec_.output.path = text(v);
    } else if (key == "png_level") {
      spec_.output.png_level = integer(v);
    } else if (key == "save_arrays") {
      if (v.is_boolean() || (v.is_string() && is_bool_text(v.get<std::string>()))) {
        // true: beside the output (OUT.png -> OUT_image.npy, OUT_seg.npy).
        spec_.output.arrays_beside_output = boolean(v);
        spec_.output.save_arrays.clear();
      } else {
        spec_.output.save_arrays = text(v);
        spec_.output.arrays_beside_output = false;
      }
    }
  }

  // Unix seconds (a number or its text) or ISO 8601 text.
  void timestamp(const json& v) {
    std::string t;
    if (v.is_number_unsigned() || v.is_number_integer()) {
      t = std::to_string(v.get<std::int64_t>());
    } else if (v.is_number_float()) {
      const double d = v.get<double>();
      if (!std::isfinite(d) || d < 0)
        bad("expected unix seconds >= 0 or ISO 8601, got " + shown(v));
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.6f", d);
      t = buffer;
    } else {
      t = text(v);
    }
    try {
      spec_.timestamp = cave::parse_timestamp(t, name_(key_));
    } catch (const Error& e) {
      fail_plain(e.what());
    }
  }

  SourceSpec& source(std::optional<SourceSpec>& s) {
    if (!s) s.emplace();
    return *s;
  }

  // The state part of the spec, made when a state key is first set (its view keys may come
  // before "state" in a row, or in --defaults while the rows give the state).
  StateSpec& state() {
    if (!spec_.state) spec_.state.emplace();
    return *spec_.state;
  }

  // A list as an array of strings, or one string with entries separated by ';' (a CSV cell).
  std::vector<std::string> entries(const json& v) const {
    std::vector<std::string> out;
    if (v.is_array()) {
      for (const json& e : v) out.push_back(text(e));
    } else {
      for (const std::string& part : split(text(v), ';'))
        if (!trim(part).empty()) out.push_back(trim(part));
    }
    return out;
  }

  std::string text(const json& v) const {
    if (v.is_string()) return trim(v.get<std::string>());
    bad(std::string("expected a string, got ") + v.type_name());
  }

  static bool is_bool_text(const std::string& raw) {
    const std::string s = trim(raw);
    return s == "true" || s == "false" || s == "yes" || s == "no";
  }

  bool boolean(const json& v) const {
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (i == 0 || i == 1) return i == 1;
    }
    if (v.is_string()) {
      const std::string s = trim(v.get<std::string>());
      if (s == "true" || s == "yes" || s == "1") return true;
      if (s == "false" || s == "no" || s == "0") return false;
    }
    bad("expected true or false, got " + shown(v));
  }

  // A number: JSON, or a numeric string (CSV). Finite always.
  double number(const json& v) const {
    double d = 0;
    if (v.is_number()) {
      d = v.get<double>();
    } else if (v.is_string()) {
      const std::string s = trim(v.get<std::string>());
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size())
        bad("'" + s + "' is not a number");
    } else {
      bad(std::string("expected a number, got ") + v.type_name());
    }
    if (!std::isfinite(d)) bad("not a finite number");
    return d;
  }

  // A whole number that fits an int (checked before any cast).
  int integer(const json& v) const {
    const double d = number(v);
    if (d != std::floor(d) || d < std::numeric_limits<int>::min() ||
        d > std::numeric_limits<int>::max())
      bad("expected a whole number, got " + shown(v));
    return static_cast<int>(d);
  }

  // Between `min` and `max` numbers: a JSON array (nested arrays are flattened, so
  // [[0,0,0],[64,64,1]] works) or "a,b,c".
  std::vector<double> numbers(const json& v, std::size_t min, std::size_t max) const {
    std::vector<double> out;
    if (v.is_string()) {
      for (const std::string& part : split(v.get<std::string>(), ','))
        out.push_back(number(json(trim(part))));
    } else if (v.is_array()) {
      flatten(v, out);
    } else {
      bad(std::string("expected numbers, got ") + v.type_name());
    }
    if (out.size() < min || out.size() > max) {
      const std::string want =
          min == max ? std::to_string(min) + " numbers"
                     : std::to_string(min) + " or " + std::to_string(max) + " numbers";
      bad("expected " + want + ", got " + std::to_string(out.size()) + " (" + shown(v) + ")");
    }
    return out;
  }
  void flatten(const json& v, std::vector<double>& out) const {
    if (out.size() > 64) bad("too many numbers");
    if (v.is_array())
      for (const json& item : v) flatten(item, out);
    else
      out.push_back(number(v));
  }

  volume::MipSelector mip(const json& v) const {
    if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (i < 0 || i > 1000) bad("no mip " + shown(v));
      return volume::MipSelector::index(static_cast<int>(i));
    }
    if (v.is_array()) {
      const std::vector<double> r = numbers(v, 3, 3);
      if (!(r[0] > 0 && r[1] > 0 && r[2] > 0)) bad("resolutions must be > 0 nm");
      return volume::MipSelector::resolution({r[0], r[1], r[2]});
    }
    const std::string t = text(v);
    try {
      return volume::MipSelector::parse(t);
    } catch (const Error& e) {
      bad(e.what());
    }
  }

  // An object id: an unsigned 64-bit integer, or a negative one for signed segmentations (kept as
  // its two's complement, which is how ObjectLabels stores signed ids).
  std::uint64_t id(const json& v) const {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    if (!v.is_string()) bad(std::string("expected an object id, got ") + v.type_name());
    const std::string t = trim(v.get<std::string>());
    const char* first = t.data();
    const char* last = t.data() + t.size();
    std::uint64_t out = 0;
    std::from_chars_result r{};
    if (!t.empty() && t.front() == '-') {
      std::int64_t s = 0;
      r = std::from_chars(first, last, s);
      out = static_cast<std::uint64_t>(s);
    } else {
      r = std::from_chars(first, last, out);
    }
    if (t.empty() || r.ec != std::errc() || r.ptr != last) bad("'" + t + "' is not an object id");
    return out;
  }

  std::vector<std::uint64_t> ids(const json& v) const {
    std::vector<std::uint64_t> out;
    if (v.is_string()) {
      const std::string t = trim(v.get<std::string>());
      if (t.empty()) return out;
      for (const std::string& part : split(t, ',')) out.push_back(id(json(part)));
    } else if (v.is_array()) {
      for (const json& item : v) out.push_back(id(item));
    } else {
      out.push_back(id(v));
    }
    return out;
  }

  void colors_by_id(const json& v) {
    std::vector<std::pair<std::uint64_t, palettes::Rgb8>> by_id;
    auto add = [&](const json& id_value, const std::string& color) {
      by_id.emplace_back(id(id_value), palettes::parse_color(color, name_(key_)));
    };
    auto add_item = [&](const std::string& item) {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos) bad("expected ID=COLOR, got '" + item + "'");
      add(json(trim(item.substr(0, eq))), trim(item.substr(eq + 1)));
    };
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) add(json(it.key()), text(it.value()));
    } else if (v.is_array()) {
      for (const json& item : v) add_item(text(item));
    } else {
      for (const std::string& item : split(text(v), ';'))
        if (!trim(item).empty()) add_item(trim(item));
    }
    spec_.style.colors.by_id = std::move(by_id);
    spec_.style.colors.source = name_("color");
  }

  void colors_by_rank(const json& v) {
    std::vector<palettes::Rgb8> by_rank;
    std::vector<std::string> items;
    if (v.is_array()) {
      for (const json& item : v) items.push_back(text(item));
    } else {
      for (const std::string& item : split(text(v), ';')) items.push_back(trim(item));
    }
    for (const std::string& item : items)
      by_rank.push_back(palettes::parse_color(item, name_(key_)));
    spec_.style.colors.by_rank = std::move(by_rank);
    spec_.style.colors.source = name_("colors");
  }

  void window(const json& v) {
    if (v.is_array()) {
      const std::vector<double> w = numbers(v, 2, 2);
      overlay::DisplayWindow d;
      d.mode = overlay::DisplayWindow::Mode::kRange;
      d.min = w[0];
      d.max = w[1];
      if (!(d.min < d.max)) bad("MIN must be below MAX, got " + shown(v));
      spec_.style.window = d;
      return;
    }
    const std::string t = text(v);
    if (t.empty() || t == "clip") {
      spec_.style.window = {};
      return;
    }
    spec_.style.window = overlay::parse_display_window(t, name_(key_));
  }

  FigureSpec& spec_;
  const SpecReadOptions& options_;
  overlay::FieldNamer name_;
  std::string key_;
  std::vector<double> bounds_, center_, size_, pixels_;  // the region keys of this document
};

// A coordinate: written as an integer when it is one (coordinates usually are).
ordered_json coordinate(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
  return v;
}

ordered_json ovec(const Vec3d& v) {
  return ordered_json::array({coordinate(v.x), coordinate(v.y), coordinate(v.z)});
}

ordered_json mip_json(const volume::MipSelector& m) {
  if (const int* i = std::get_if<int>(&m.choice)) return *i;
  if (const Vec3d* r = std::get_if<Vec3d>(&m.choice)) return ovec(*r);
  return nullptr;
}

// A length as the schema writes it back: "500nm", "2um".
std::string length_key(double nm) {
  char buffer[64];
  if (nm >= 1000 && std::fmod(nm, 1000) == 0)
    std::snprintf(buffer, sizeof buffer, "%.17gum", nm / 1000);
  else
    std::snprintf(buffer, sizeof buffer, "%.17gnm", nm);
  return buffer;
}

std::string id_text(std::uint64_t id) {
  return std::to_string(id);
}

}  // namespace

std::string canonical_key(std::string_view key) {
  std::string k(key);
  std::replace(k.begin(), k.end(), '-', '_');
  // Neuroglancer's own name for the zoom, as a state writes it.
  if (k == "crossSectionScale") return "cross_section_scale";
  return k;
}

const std::vector<std::string>& figure_keys() {
  return kKeys;
}

bool is_figure_key(std::string_view key) {
  const std::string k = canonical_key(key);
  return std::find(kKeys.begin(), kKeys.end(), k) != kKeys.end();
}

void apply_figure_json(const json& doc, FigureSpec& spec, const SpecReadOptions& options) {
  Reader(spec, options).apply(upgrade_legacy_sidecar(doc, options));
}

FigureSpec read_figure_spec(const json& doc, const SpecReadOptions& options) {
  FigureSpec spec;
  apply_figure_json(doc, spec, options);
  return spec;
}

json upgrade_legacy_sidecar(const json& doc, const SpecReadOptions& options) {
  if (!doc.is_object() || doc.contains("format") || !doc.contains("command")) return doc;
  const std::string where = options.where.empty() ? "" : options.where + ": ";
  if (!doc["command"].is_string() || doc["command"].get<std::string>() != "figure")
    fail(ErrorCode::kInvalidArgument, where + "not a sidecar of imagery figure");
  try {
    json out = json::object();
    for (const auto& [key, ours] :
         {std::pair<const char*, const char*>{"image", "image"}, {"segmentation", "seg"}}) {
      if (!doc.contains(key) || doc.at(key).is_null()) continue;
      const json& s = doc.at(key);
      out[ours] = s.at("source");
      if (s.contains("mip")) out[std::string(ours) + "_mip"] = s.at("mip");
    }
    if (doc.contains("resolution")) out["resolution"] = doc.at("resolution");
    if (doc.contains("request"))
      for (const char* key : {"bounds", "center", "size", "image_size"})
        if (doc.at("request").contains(key)) out[key] = doc.at("request").at(key);
    if (doc.contains("bounded")) out["bounded"] = doc.at("bounded");
    if (doc.contains("fill_missing")) out["fill_missing"] = doc.at("fill_missing");
    if (doc.contains("overlay")) {
      const json& o = doc.at("overlay");
      if (!o.is_object()) fail(ErrorCode::kInvalidArgument, where + "overlay: expected an object");
      for (auto it = o.begin(); it != o.end(); ++it) {
        // 0.1 wrote "" for options left unset.
        if (it.value().is_string() && it.value().get<std::string>().empty()) continue;
        if (it.value().is_array() && it.value().empty()) continue;
        out[it.key()] = it.value();
      }
    }
    if (doc.contains("output")) out["output"] = doc.at("output");
    return out;
  } catch (const json::exception& e) {
    fail(ErrorCode::kInvalidArgument,
         where + "missing or mistyped field of an imagery 0.1 sidecar (" + e.what() + ")");
  }
}

ordered_json figure_spec_to_json(const FigureSpec& spec) {
  const overlay::OverlayStyle& s = spec.style;
  ordered_json j = ordered_json::object();
  j["format"] = std::string(kFigureFormat);
  j["image"] = spec.image ? ordered_json(spec.image->url) : ordered_json(nullptr);
  j["image_mip"] = spec.image ? mip_json(spec.image->mip) : ordered_json(nullptr);
  j["seg"] = spec.segmentation ? ordered_json(spec.segmentation->url) : ordered_json(nullptr);
  j["seg_mip"] = spec.segmentation ? mip_json(spec.segmentation->mip) : ordered_json(nullptr);
  j["datastack"] = spec.datastack.empty() ? ordered_json(nullptr) : ordered_json(spec.datastack);
  j["cave_server"] =
      spec.cave_server.empty() ? ordered_json(nullptr) : ordered_json(spec.cave_server);
  j["mat_version"] = spec.mat_version ? ordered_json(*spec.mat_version) : ordered_json(nullptr);
  j["timestamp"] = spec.timestamp ? ordered_json(cave::format_timestamp(*spec.timestamp))
                                  : ordered_json(nullptr);
  j["supervoxels"] = spec.supervoxels;
  // Written only when set, so that sidecars of sources without time read as before.
  if (spec.time_point != 0) j["t"] = spec.time_point;
  if (spec.nearest) j["nearest"] = true;
  if (spec.state) {
    const StateSpec& st = *spec.state;
    j["state"] = st.state;
    j["panel"] = st.panel.empty() ? ordered_json(nullptr) : ordered_json(st.panel);
    j["panel_size"] = ordered_json::array({st.width, st.height});
    if (st.position) j["position"] = *st.position;
    if (st.cross_section_scale) j["cross_section_scale"] = *st.cross_section_scale;
    if (!st.segments.empty()) {
      ordered_json by_layer = ordered_json::object();
      for (const auto& [layer, list] : st.segments) {
        ordered_json a = ordered_json::array();
        for (std::uint64_t id : list) a.push_back(id);
        by_layer[layer] = a;
      }
      if (st.segments.size() == 1 && st.segments.count(""))
        j["segments"] = by_layer[""];
      else
        j["segments"] = by_layer;
    }
  }
  const RegionSpec& r = spec.region;
  switch (r.kind) {
    case RegionSpec::Kind::kNone:
      break;
    case RegionSpec::Kind::kCorners:
      j["bounds"] = ordered_json::array({ovec(r.min), ovec(r.max)});
      break;
    case RegionSpec::Kind::kCenterSize:
      j["center"] = ovec(r.center);
      j["size"] = r.has_depth ? ovec(r.size) : ordered_json::array({r.size.x, r.size.y});
      break;
    case RegionSpec::Kind::kCenterPixels:
      j["center"] = ovec(r.center);
      j["image_size"] = r.has_depth ? ordered_json::array({r.pixels.x, r.pixels.y, r.pixels.z})
                                    : ordered_json::array({r.pixels.x, r.pixels.y});
      break;
  }
  j["resolution"] = spec.resolution ? ovec(*spec.resolution) : ordered_json(nullptr);
  j["bounded"] = spec.bounded;
  j["fill_missing"] = spec.fill_missing;
  if (s.root_ids) {
    ordered_json ids = ordered_json::array();
    for (std::uint64_t id : *s.root_ids) ids.push_back(id);
    j["root_ids"] = ids;
  } else {
    j["root_ids"] = nullptr;
  }
  j["include_zero"] = s.include_zero;
  j["outline"] = s.composite.outline;
  j["side"] = s.composite.side == overlay::Side::kOut ? "out" : "in";
  j["width"] = s.composite.width;
  j["merge_outline"] = s.composite.merge_outline;
  j["overlap"] = s.composite.overlap;
  j["alpha"] = s.composite.alpha;
  j["palette"] = s.colors.palette;
  j["husl_h"] = s.colors.params.h;
  j["husl_s"] = s.colors.params.s;
  j["husl_l"] = s.colors.params.l;
  if (s.colors.by_id.empty()) {
    j["color"] = nullptr;
  } else {
    ordered_json by_id = ordered_json::object();
    for (const auto& [id, c] : s.colors.by_id) by_id[id_text(id)] = palettes::hex(c);
    j["color"] = by_id;
  }
  if (s.colors.by_rank.empty()) {
    j["colors"] = nullptr;
  } else {
    ordered_json by_rank = ordered_json::array();
    for (const auto& c : s.colors.by_rank) by_rank.push_back(palettes::hex(c));
    j["colors"] = by_rank;
  }
  j["dim"] = s.dim;
  j["stack"] = s.stack ? ordered_json(*s.stack == overlay::Direction::kHorizontal ? "horizontal"
                                                                                  : "vertical")
                       : ordered_json(nullptr);
  j["spacing"] = s.spacing;
  switch (s.window.mode) {
    case overlay::DisplayWindow::Mode::kClip:
      j["window"] = nullptr;
      break;
    case overlay::DisplayWindow::Mode::kAuto:
    case overlay::DisplayWindow::Mode::kPercentile:
    case overlay::DisplayWindow::Mode::kMinMax:
    case overlay::DisplayWindow::Mode::kFull:
      j["window"] = overlay::display_window_text(s.window);
      break;
    case overlay::DisplayWindow::Mode::kRange:
      j["window"] = ordered_json::array({s.window.min, s.window.max});
      break;
  }
  // Only when set (by the spec or by the source's omero colour), so other sidecars stay as
  // they were.
  if (s.composite.tint) j["tint"] = palettes::hex(*s.composite.tint);
  // The channel model and projection only when used, so other sidecars stay as they were.
  const ImageRenderSpec& ir = spec.rendering;
  if (ir.projection != rendering::Projection::kNone)
    j["projection"] = rendering::projection_name(ir.projection);
  if (ir.z_range) j["z_range"] = ordered_json::array({ir.z_range->first, ir.z_range->second});
  if (!ir.channels.empty()) {
    ordered_json channels = ordered_json::array();
    for (const rendering::ChannelSetting& c : ir.channels)
      channels.push_back(rendering::channel_setting_text(c));
    j["channel"] = channels;
  }
  if (ir.model) j["model"] = rendering::color_model_name(*ir.model);
  if (!ir.layers.empty()) {
    ordered_json layers = ordered_json::array();
    for (const rendering::LayerSetting& l : ir.layers)
      layers.push_back(rendering::layer_setting_text(l));
    j["layer"] = layers;
  }
  j["rgb"] = s.rgb;
  // The elements and the physical size only when asked for: most figures have none, and their
  // sidecars stay as they were.
  const ElementsSpec& e = spec.elements;
  const ElementsSpec plain_elements;
  if (e.scale_bar.enabled) {
    j["scale_bar"] = e.scale_bar.length_nm ? ordered_json(length_key(*e.scale_bar.length_nm))
                                           : ordered_json("auto");
    j["scale_bar_position"] = corner_name(e.scale_bar.position);
    j["scale_bar_color"] = palettes::hex(e.scale_bar.color);
    j["scale_bar_thickness"] =
        e.scale_bar.thickness ? ordered_json(*e.scale_bar.thickness) : ordered_json(nullptr);
    j["scale_bar_label"] = e.scale_bar.label;
  }
  if (!e.label.empty()) j["label"] = e.label;
  if (!e.title.empty()) j["title"] = e.title;
  if (e.inset) j["inset"] = corner_name(*e.inset);
  if (!e.points.empty()) j["points"] = e.points;
  if (!e.lines.empty()) j["lines"] = e.lines;
  if (!e.boxes.empty()) j["boxes"] = e.boxes;
  if (e.any() || e.font_size != plain_elements.font_size) j["font_size"] = e.font_size;
  j["output"] = spec.output.path;
  if (spec.output.dpi) j["dpi"] = *spec.output.dpi;
  if (spec.output.width_mm) j["width_mm"] = *spec.output.width_mm;
  if (spec.output.height_mm) j["height_mm"] = *spec.output.height_mm;
  if (spec.output.simplify != 0) j["simplify"] = spec.output.simplify;
  j["png_level"] = spec.output.png_level;
  if (spec.output.arrays_beside_output)
    j["save_arrays"] = true;
  else
    j["save_arrays"] = spec.output.save_arrays.empty() ? ordered_json(nullptr)
                                                       : ordered_json(spec.output.save_arrays);
  return j;
}

}  // namespace imagery::figure
