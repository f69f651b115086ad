#include "imagery/figure/view_state.h"

#include <algorithm>
#include <filesystem>

#include "imagery/palettes/color.h"

namespace imagery::figure {
namespace {

using nlohmann::json;

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

std::string hex_of(const palettes::Rgb8& c) {
  return palettes::hex(c);
}

}  // namespace

std::string neuroglancer_source(const std::string& url) {
  for (const char* format :
       {"precomputed://", "graphene://", "zarr://", "zarr2://", "zarr3://", "n5://"})
    if (starts_with(url, format)) return url;
  for (const char* storage : {"http://", "https://", "gs://", "s3://", "file://"})
    if (starts_with(url, storage)) return "precomputed://" + url;
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(url, ec);
  return "precomputed://file://" + (ec ? url : absolute.lexically_normal().string());
}

json neuroglancer_state_of(const FigureSpec& spec, const RenderedFigure& figure) {
  const Provenance& p = figure.provenance;
  if (spec.state && spec.state->state.is_object()) {
    json state = spec.state->state;
    if (!spec.state->panel.empty()) state["layout"] = spec.state->panel;
    return state;
  }
  json state = json::object();
  const Vec3d& coords = p.coordinate_resolution;
  state["dimensions"] = {
      {"x", {coords.x * 1e-9, "m"}}, {"y", {coords.y * 1e-9, "m"}}, {"z", {coords.z * 1e-9, "m"}}};
  // The centre of the first picture's section, in coordinates; z at the section's middle (a
  // voxel centre), so Neuroglancer shows exactly that section.
  const Bbox box = figure.panels.empty() ? p.grid_voxels : figure.panels.front().voxels;
  const Vec3d& grid = p.grid_resolution;
  json position = json::array();
  for (int d = 0; d < 3; ++d) {
    const double lo = static_cast<double>(box.min[d]), hi = static_cast<double>(box.max[d]);
    const double centre = d == 2 ? lo + 0.5 : (lo + hi) / 2;
    position.push_back(centre * grid[d] / coords[d]);
  }
  state["position"] = position;
  // One screen pixel = one figure pixel: pixelSize = crossSectionScale x the canonical voxel.
  const double canonical = std::min({coords.x, coords.y, coords.z});
  state["crossSectionScale"] = grid.x / canonical;
  state["layout"] = "xy";
  json layers = json::array();
  if (p.image)
    layers.push_back(
        {{"type", "image"}, {"source", neuroglancer_source(p.image->url)}, {"name", "image"}});
  if (p.segmentation) {
    json seg = {{"type", "segmentation"},
                {"source", neuroglancer_source(p.segmentation->url)},
                {"name", "segmentation"},
                {"selectedAlpha", spec.style.composite.alpha}};
    if (spec.style.root_ids) {
      json ids = json::array();
      for (std::uint64_t id : *spec.style.root_ids) ids.push_back(std::to_string(id));
      seg["segments"] = ids;
    }
    if (!spec.style.colors.by_id.empty()) {
      json colors = json::object();
      for (const auto& [id, c] : spec.style.colors.by_id) colors[std::to_string(id)] = hex_of(c);
      seg["segmentColors"] = colors;
    }
    if (p.labels && !p.labels->timestamp.empty()) seg["timestamp"] = p.labels->timestamp;
    layers.push_back(seg);
  }
  state["layers"] = layers;
  return state;
}

}  // namespace imagery::figure
