#include "imagery/serve/source_views.h"

#include <cmath>

#include "imagery/core/dtype.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/rendering/histogram.h"
#include "imagery/rendering/histogram_json.h"
#include "imagery/rendering/render_volume.h"
#include "imagery/rendering/thumbnail.h"
#include "imagery/serve/etag.h"
#include "imagery/serve/http_error.h"

namespace imagery::serve {

namespace {

EncodedImage png_of(const overlay::Image& picture) {
  EncodedImage out;
  out.bytes = overlay::encode_figure_png(picture);
  out.content_type = "image/png";
  out.etag = etag_of(out.bytes);
  return out;
}

rendering::RenderHooks hooks_of(const ViewContext& view) {
  rendering::RenderHooks hooks;
  SourceRegistry* registry = &view.registry;
  hooks.open = [registry](const std::string& url) { return registry->open_url(url); };
  hooks.stop = view.stop;
  hooks.max_memory_bytes = std::size_t{2} << 30;
  return hooks;
}

[[noreturn]] void too_large(const std::string& what, std::int64_t asked, std::int64_t limit) {
  http_fail(
      413, "too_large",
      what + " of " + std::to_string(asked) + " is over the limit of " + std::to_string(limit));
}

rendering::RegionRequest bounds_region(const QueryParams& params, bool required) {
  rendering::RegionRequest region;
  const auto bounds = param(params, "bounds");
  if (!bounds) {
    if (required) http_fail(400, "invalid_argument", "bounds=X0,Y0,Z0,X1,Y1,Z1 is required");
    return region;
  }
  const std::vector<double> b = number_list(*bounds, 6, "bounds");
  region.kind = rendering::RegionRequest::Kind::kBounds;
  region.min = {b[0], b[1], b[2]};
  region.max = {b[3], b[4], b[5]};
  for (int i = 0; i < 3; ++i)
    if (!(region.max[i] > region.min[i]))
      http_fail(400, "invalid_argument", "bounds: each max must exceed its min");
  return region;
}

rendering::LevelRequest level_of(const QueryParams& params) {
  rendering::LevelRequest level;
  if (const auto size = param(params, "max_size")) {
    const std::size_t parts = std::count(size->begin(), size->end(), ',') + 1;
    if (parts > 2) http_fail(400, "invalid_argument", "max_size: expected W or W,H");
    const std::vector<double> s = number_list(*size, parts, "max_size");
    for (double v : s)
      if (v < 1 || v != std::floor(v))
        http_fail(400, "invalid_argument", "max_size: sizes must be whole numbers from 1");
    level.kind = rendering::LevelRequest::Kind::kMaxSize;
    level.max_width = static_cast<std::int64_t>(s[0]);
    level.max_height = static_cast<std::int64_t>(parts == 2 ? s[1] : s[0]);
  } else if (const auto mip = integer_param(params, "mip")) {
    if (*mip < 0) http_fail(400, "invalid_argument", "mip: must be 0 or more");
    level.kind = rendering::LevelRequest::Kind::kMip;
    level.mip = static_cast<int>(*mip);
  }
  return level;
}

// The output size and depth the request would make, refused over the limits before reading.
void check_region_size(const volume::Metadata& m, const rendering::RegionRequest& region,
                       const rendering::LevelRequest& level, const RequestLimits& limits) {
  const Bbox box = rendering::region_voxels(region, m);
  if (box.size().z > limits.max_z_range) too_large("a z range", box.size().z, limits.max_z_range);
  const rendering::LevelChoice choice = rendering::choose_level(m, box, level);
  if (choice.width * choice.height > limits.max_output_pixels)
    too_large("an output of " + std::to_string(choice.width) + " x " +
                  std::to_string(choice.height) + " pixels: a pixel count",
              choice.width * choice.height, limits.max_output_pixels);
}

}  // namespace

EncodedImage render_region(const Source& source, const QueryParams& params,
                           const ViewContext& view) {
  std::set<std::string> known = {"bounds", "max_size", "mip", "palette"};
  known.insert(render_keys().begin(), render_keys().end());
  known.erase("z_range");  // the bounds give the z range
  check_known_params(params, known);
  rendering::RenderRequest r;
  r.source = source.url;
  r.region = bounds_region(params, true);
  r.level = level_of(params);
  rendering::RenderParameters texts = render_parameters_of(params);
  texts.palette = param(params, "palette").value_or("");
  rendering::apply_render_parameters(texts, r, "");
  check_region_size(source.volume->metadata(), r.region, r.level, view.limits);
  return png_of(rendering::render_volume(r, view.context, hooks_of(view)).picture);
}

EncodedImage render_thumbnail_view(const Source& source, const QueryParams& params,
                                   const ViewContext& view) {
  std::set<std::string> known = {"size", "z", "palette"};
  for (const char* k : {"window", "channel", "model", "layer"}) known.insert(k);
  check_known_params(params, known);
  rendering::ThumbnailRequest t;
  t.render.source = source.url;
  rendering::RenderParameters texts = render_parameters_of(params);
  texts.palette = param(params, "palette").value_or("");
  rendering::apply_render_parameters(texts, t.render, "");
  t.width = integer_param(params, "size").value_or(256);
  if (t.width < 1) http_fail(400, "invalid_argument", "size: must be at least 1");
  if (t.width * t.width > view.limits.max_output_pixels)
    too_large("a thumbnail of " + std::to_string(t.width) + " x " + std::to_string(t.width) +
                  " pixels: a pixel count",
              t.width * t.width, view.limits.max_output_pixels);
  t.z = integer_param(params, "z");
  return png_of(rendering::render_thumbnail(t, view.context, hooks_of(view)).picture);
}

nlohmann::ordered_json histogram_view(const Source& source, const QueryParams& params,
                                      const ViewContext& view) {
  check_known_params(params, {"bounds", "bins", "mip", "range"});
  rendering::HistogramOptions options;
  const std::int64_t bins = integer_param(params, "bins").value_or(256);
  if (bins < 1) http_fail(400, "invalid_argument", "bins: must be at least 1");
  if (bins > view.limits.max_bins) too_large("a bin count", bins, view.limits.max_bins);
  options.bins = static_cast<int>(bins);
  if (const auto range = param(params, "range")) {
    if (*range == "round") {
      options.range = rendering::HistogramOptions::Range::kRound;
    } else {
      const std::vector<double> r = number_list(*range, 2, "range");
      if (!(r[0] < r[1])) http_fail(400, "invalid_argument", "range: MIN must be below MAX");
      options.range = rendering::HistogramOptions::Range::kGiven;
      options.min = r[0];
      options.max = r[1];
    }
  }
  const volume::Metadata& m = source.volume->metadata();
  const rendering::RegionRequest region = bounds_region(params, false);
  const Bbox box = region.kind == rendering::RegionRequest::Kind::kNone
                       ? m.scale(0).bounds
                       : rendering::region_voxels(region, m);
  rendering::LevelRequest level = level_of(params);
  if (level.kind == rendering::LevelRequest::Kind::kMaxSize)
    http_fail(400, "invalid_argument", "histogram takes mip, not max_size");
  const rendering::LevelChoice choice = rendering::choose_level(m, box, level);
  const Vec3 size = choice.read_box.size();
  const std::int64_t voxels = size.x * size.y * size.z * m.channels;
  if (voxels > view.limits.max_histogram_voxels)
    too_large("a region of " + std::to_string(voxels) + " values: a value count", voxels,
              view.limits.max_histogram_voxels);
  volume::ReadOptions read;
  read.fill_missing = true;
  read.bounded = false;
  read.stop = view.stop;
  const Array data = source.volume->read(choice.read_box, choice.mip, read);
  return rendering::histogram_json(rendering::histogram(data, options), options.bins,
                                   source.volume->url(), choice.mip, choice.read_box);
}

nlohmann::ordered_json value_view(const Source& source, const QueryParams& params,
                                  const ViewContext& view) {
  check_known_params(params, {"x", "y", "z", "timestamp"});
  const auto x = integer_param(params, "x"), y = integer_param(params, "y"),
             z = integer_param(params, "z");
  if (!x || !y || !z) http_fail(400, "invalid_argument", "x, y and z (mip-0 voxels) are required");
  const volume::Metadata& m = source.volume->metadata();
  const Bbox bounds = m.scale(0).bounds;
  const Bbox voxel{{*x, *y, *z}, {*x + 1, *y + 1, *z + 1}};
  if (!bounds.contains(voxel))
    http_fail(404, "outside",
              "voxel " + std::to_string(*x) + "," + std::to_string(*y) + "," + std::to_string(*z) +
                  " lies outside " + bounds.to_string());
  volume::ReadOptions read;
  read.fill_missing = true;
  read.stop = view.stop;
  if (source.volume->has_label_mapping()) read.labels = volume::ReadOptions::Labels::kMapped;
  if (const auto t = param(params, "timestamp"))
    read.timestamp = overlay_options_of(params).timestamp;
  const Array data = source.volume->read(voxel, 0, read);
  nlohmann::ordered_json j;
  j["x"] = *x;
  j["y"] = *y;
  j["z"] = *z;
  j["kind"] = m.is_segmentation() ? "segmentation" : "image";
  j["dtype"] = std::string(dtype_name(m.dtype));
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  std::string first_text;
  for (std::int64_t c = 0; c < data.shape().c; ++c)
    visit_dtype(data.dtype(), [&](auto type) {
      using T = decltype(type);
      const T v = data.at<T>(0, 0, 0, c);
      if (c == 0) {
        if constexpr (std::is_floating_point_v<T>) {
          nlohmann::json number = v;
          first_text = number.dump();
        } else {
          first_text = std::to_string(v);
        }
      }
      values.push_back(v);
    });
  j["value"] = first_text;
  j["number"] = values.empty() ? nlohmann::ordered_json() : values[0];
  j["values"] = values;
  return j;
}

}  // namespace imagery::serve
