#include "imagery/figure/figure_spec.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "imagery/core/error.h"

namespace imagery::figure {

namespace {
std::string plain(std::string_view field) {
  return std::string(field);
}

std::string number_text(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// The physical size, the vector options and the elements.
void check_output_and_elements(const FigureSpec& spec, const overlay::FieldNamer& name) {
  auto bad = [](const std::string& message) { fail(ErrorCode::kInvalidArgument, message); };
  const OutputSpec& o = spec.output;
  if (o.dpi && !(*o.dpi >= 1 && *o.dpi <= 100000))
    bad(name("dpi") + " must be within 1..100000, got " + number_text(*o.dpi));
  if (o.width_mm && o.height_mm)
    bad(name("width_mm") + " and " + name("height_mm") +
        " cannot be combined (the figure keeps its aspect ratio)");
  for (const auto& [key, value] : {std::pair{"width_mm", o.width_mm}, {"height_mm", o.height_mm}})
    if (value && !(*value > 0 && *value <= 10000))
      bad(name(key) + " must be within 0..10000 mm, got " + number_text(*value));
  if (!(o.simplify >= 0 && o.simplify <= 1000))
    bad(name("simplify") + " must be within 0..1000 pixels, got " + number_text(o.simplify));
  const ElementsSpec& e = spec.elements;
  if (e.scale_bar.length_nm &&
      !(*e.scale_bar.length_nm > 0 && std::isfinite(*e.scale_bar.length_nm)))
    bad(name("scale_bar") + " must be auto or a positive length");
  if (e.scale_bar.thickness && !(*e.scale_bar.thickness >= 1 && *e.scale_bar.thickness <= 10000))
    bad(name("scale_bar_thickness") + " must be within 1..10000 pixels, got " +
        number_text(*e.scale_bar.thickness));
  if (!(e.font_size >= 1 && e.font_size <= 500))
    bad(name("font_size") + " must be within 1..500 points, got " + number_text(e.font_size));
  if (e.label.size() > 200) bad(name("label") + " is longer than 200 bytes");
  if (e.title.size() > 2000) bad(name("title") + " is longer than 2000 bytes");
  if (spec.style.stack && e.any())
    bad("scale bars, labels, titles, insets and annotations draw on one section; " + name("stack") +
        " does not go with them");
}
}  // namespace

RegionSpec RegionSpec::corners(const Vec3d& min, const Vec3d& max) {
  RegionSpec r;
  r.kind = Kind::kCorners;
  r.min = min;
  r.max = max;
  r.has_depth = true;
  return r;
}

RegionSpec RegionSpec::centered(const Vec3d& center, const Vec3d& size, bool has_depth) {
  RegionSpec r;
  r.kind = Kind::kCenterSize;
  r.center = center;
  r.size = size;
  r.has_depth = has_depth;
  return r;
}

RegionSpec RegionSpec::centered_pixels(const Vec3d& center, const Vec3& pixels, bool has_depth) {
  RegionSpec r;
  r.kind = Kind::kCenterPixels;
  r.center = center;
  r.pixels = pixels;
  r.has_depth = has_depth;
  return r;
}

bool RegionSpec::spans_sections() const {
  switch (kind) {
    case Kind::kNone:
      return false;
    case Kind::kCorners:
      return max.z - min.z > 1;
    case Kind::kCenterSize:
      return has_depth && size.z > 1;
    case Kind::kCenterPixels:
      return has_depth && pixels.z > 1;
  }
  return false;
}

std::optional<Corner> parse_corner(std::string_view text) {
  std::string t(text);
  for (char& c : t)
    if (c == '_') c = '-';
  if (t == "top-left") return Corner::kTopLeft;
  if (t == "top-right") return Corner::kTopRight;
  if (t == "bottom-left") return Corner::kBottomLeft;
  if (t == "bottom-right") return Corner::kBottomRight;
  return std::nullopt;
}

std::string corner_name(Corner corner) {
  switch (corner) {
    case Corner::kTopLeft:
      return "top-left";
    case Corner::kTopRight:
      return "top-right";
    case Corner::kBottomLeft:
      return "bottom-left";
    case Corner::kBottomRight:
      return "bottom-right";
  }
  return "bottom-right";
}

double parse_length_nm(std::string_view text, const std::string& what) {
  std::string t(text);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  std::size_t begin = 0;
  while (begin < t.size() && (t[begin] == ' ' || t[begin] == '\t')) ++begin;
  t = t.substr(begin);
  double value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  std::string unit(end, static_cast<const char*>(t.data() + t.size()));
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  double scale = 0;
  if (unit.empty() || unit == "nm")
    scale = 1;
  else if (unit == "um" || unit == "\u00b5m" || unit == "\u03bcm" || unit == "micron" ||
           unit == "microns")
    scale = 1e3;
  else if (unit == "mm")
    scale = 1e6;
  if (t.empty() || ec != std::errc() || end == t.data() || scale == 0 || !std::isfinite(value) ||
      !(value > 0))
    fail(ErrorCode::kInvalidArgument,
         what + ": expected auto or a positive length such as 500nm, 1um or 2\u00b5m, got '" +
             std::string(text) + "'");
  return value * scale;
}

std::string length_text(double nm) {
  const bool micrometres = nm >= 1000;
  const double value = micrometres ? nm / 1000 : nm;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return std::string(buffer) + (micrometres ? " \u00b5m" : " nm");
}

bool ElementsSpec::any() const {
  return scale_bar.enabled || !label.empty() || !title.empty() || inset.has_value() ||
         !points.empty() || !lines.empty() || !boxes.empty();
}

bool FigureSpec::per_slice_files() const {
  return output.path.find("{i}") != std::string::npos && !style.stack;
}

void check_figure_spec(const FigureSpec& spec, const overlay::FieldNamer& namer) {
  const overlay::FieldNamer name = namer ? namer : overlay::FieldNamer(plain);
  auto bad = [](const std::string& message) { fail(ErrorCode::kInvalidArgument, message); };
  if (spec.output.path.empty()) bad(name("output") + " is required");
  if (spec.state) {
    // A state names its layers and view; sources, a region or a datastack would contradict it.
    if (spec.image || spec.segmentation || !spec.datastack.empty() ||
        spec.region.kind != RegionSpec::Kind::kNone || spec.resolution)
      bad(name("state") + " draws the state's layers at its position; " + name("image") + ", " +
          name("seg") + ", " + name("datastack") + ", the region and " + name("resolution") +
          " do not go with it (change the view with " + name("position") + ", " +
          name("cross_section_scale") + " and " + name("segments") + ")");
    const StateSpec& st = spec.state.value();
    if (st.state.is_null() || (st.state.is_string() && st.state.get<std::string>().empty()))
      bad(name("state") + " is missing: " + name("position") + ", " + name("cross_section_scale") +
          ", " + name("segments") + ", " + name("panel") + " and " + name("panel_size") +
          " change a state's view");
    if (!st.state.is_object() && !st.state.is_string())
      bad(name("state") + " must be a Neuroglancer state or where to read one");
    if (!st.panel.empty() && st.panel != "xy" && st.panel != "xz" && st.panel != "yz")
      bad(name("panel") + " must be xy, xz or yz, got '" + st.panel + "'");
    if (st.width < 1 || st.height < 1 || st.width > 32768 || st.height > 32768)
      bad(name("panel_size") + " must be W,H within 1..32768, got " + std::to_string(st.width) +
          "," + std::to_string(st.height));
    if (st.cross_section_scale &&
        !(*st.cross_section_scale > 0 && std::isfinite(*st.cross_section_scale)))
      bad(name("cross_section_scale") + " must be a positive number");
    if (st.position)
      for (double v : *st.position)
        if (!std::isfinite(v)) bad(name("position") + ": coordinates must be finite");
    overlay::check_style(spec.style, name);
    if (spec.output.png_level < 0 || spec.output.png_level > 9)
      bad(name("png_level") + " must be 0-9, got " + std::to_string(spec.output.png_level));
    check_output_and_elements(spec, name);
    return;
  }
  if (!spec.image && !spec.segmentation && spec.datastack.empty())
    bad("give " + name("image") + ", " + name("seg") + ", both, " + name("datastack") + ", or " +
        name("state"));
  if (spec.mat_version && spec.datastack.empty())
    bad(name("mat_version") + " needs " + name("datastack") +
        " (a materialization version belongs to one)");
  if (spec.mat_version && *spec.mat_version < 0)
    bad(name("mat_version") + " must be a version number >= 0");
  if (spec.image && spec.image->url.empty()) bad(name("image") + " is empty");
  if (spec.segmentation && spec.segmentation->url.empty()) bad(name("seg") + " is empty");
  const RegionSpec& r = spec.region;
  auto finite = [](const Vec3d& v) {
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
  };
  // Coordinates stay far inside the range of voxel indices (volumes stay within +-2^53).
  constexpr double kLimit = 0x1p60;
  auto in_range = [&](const Vec3d& v) {
    return finite(v) && std::fabs(v.x) < kLimit && std::fabs(v.y) < kLimit &&
           std::fabs(v.z) < kLimit;
  };
  switch (r.kind) {
    case RegionSpec::Kind::kNone:
      bad("give exactly one of " + name("bounds") + ", " + name("center") + " with " +
          name("size") + ", " + name("center") + " with " + name("image_size"));
      break;  // bad() throws; the compiler cannot see that through the lambda
    case RegionSpec::Kind::kCorners:
      if (!in_range(r.min) || !in_range(r.max))
        bad(name("bounds") + ": coordinates must be finite and within +-2^60");
      if (!(r.max.x > r.min.x && r.max.y > r.min.y && r.max.z > r.min.z))
        bad(name("bounds") + ": max must exceed min on every axis, got [" + r.min.to_string() +
            " .. " + r.max.to_string() + ")");
      break;
    case RegionSpec::Kind::kCenterSize:
      if (!in_range(r.center)) bad(name("center") + ": coordinates must be finite");
      if (!in_range(r.size) || r.size.x < 1 || r.size.y < 1 || (r.has_depth && r.size.z < 1))
        bad(name("size") + ": every size must be at least 1, got " + r.size.to_string());
      break;
    case RegionSpec::Kind::kCenterPixels:
      if (!in_range(r.center)) bad(name("center") + ": coordinates must be finite");
      if (r.pixels.x < 1 || r.pixels.y < 1 || (r.has_depth && r.pixels.z < 1) ||
          r.pixels.x > 1000000000 || r.pixels.y > 1000000000 || r.pixels.z > 1000000000)
        bad(name("image_size") + ": pixel counts must be whole numbers >= 1, got " +
            r.pixels.to_string());
      break;
  }
  if (spec.resolution && !(finite(*spec.resolution) && spec.resolution->x > 0 &&
                           spec.resolution->y > 0 && spec.resolution->z > 0))
    bad(name("resolution") + ": every value must be > 0 nm");
  overlay::check_style(spec.style, name);
  if (spec.output.png_level < 0 || spec.output.png_level > 9)
    bad(name("png_level") + " must be 0-9, got " + std::to_string(spec.output.png_level));
  check_output_and_elements(spec, name);
}

std::string OutputSpec::arrays_prefix() const {
  if (!save_arrays.empty()) return save_arrays;
  if (!arrays_beside_output) return "";
  const std::string json = sidecar_path(path);
  return json.substr(0, json.size() - 5);
}

std::string sidecar_path(const std::string& output) {
  std::string base = output;
  for (std::size_t at = base.find("{i}"); at != std::string::npos; at = base.find("{i}")) {
    std::size_t from = at;
    if (from > 0 && (base[from - 1] == '_' || base[from - 1] == '-' || base[from - 1] == '.'))
      --from;
    base.erase(from, at + 3 - from);
  }
  // The picture's extension (whatever the format) gives way to .json; a name that starts with a
  // dot and has no other (".hidden") keeps it.
  const auto slash = base.find_last_of('/');
  const std::size_t stem = slash == std::string::npos ? 0 : slash + 1;
  const auto out_slash = output.find_last_of('/');
  const bool all_index =
      output.compare(out_slash == std::string::npos ? 0 : out_slash + 1, 3, "{i}") == 0;
  const auto dot = base.find_last_of('.');
  if (dot != std::string::npos && (dot > stem || (dot == stem && all_index))) base.resize(dot);
  // A pattern whose name was all index ("{i}.png") leaves none: call the sidecar "figure".
  if (base.size() == stem) base += "figure";
  return base + ".json";
}

std::string slice_path(const std::string& pattern, std::int64_t index) {
  std::string out = pattern;
  const std::string key = "{i}";
  const std::string value = std::to_string(index);
  for (std::size_t at = out.find(key); at != std::string::npos; at = out.find(key, at)) {
    out.replace(at, key.size(), value);
    at += value.size();
  }
  return out;
}

}  // namespace imagery::figure
