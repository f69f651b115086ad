#include "imagery/figure/figure_spec.h"

#include <cmath>

#include "imagery/core/error.h"

namespace imagery::figure {

namespace {
std::string plain(std::string_view field) {
  return std::string(field);
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
