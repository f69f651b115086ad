#include "imagery/serve/tile_renderer.h"

#include <algorithm>
#include <cstring>

#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/palettes/palette.h"
#include "imagery/rendering/render_volume.h"
#include "imagery/serve/etag.h"
#include "imagery/serve/http_error.h"
#include "imagery/serve/tile_geometry.h"

namespace imagery::serve {

namespace {

// Colours an object keeps on every tile: one of 64 palette colours picked by a hash of its id
// (a tile's own ranks would give the same object a different colour on each tile).
constexpr std::size_t kPaletteColors = 64;

std::uint64_t mix(std::uint64_t v) {
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdull;
  v ^= v >> 33;
  v *= 0xc4ceb9fe1a85ec53ull;
  v ^= v >> 33;
  return v;
}

overlay::Image segmentation_picture(const Array& labels, OverlayOptions& overlay_options,
                                    const std::string& name) {
  overlay::OverlayStyle& style = overlay_options.style;
  const overlay::ObjectLabels split = overlay::ObjectLabels::split(labels, {}, name);
  const std::vector<palettes::Rgb8> palette = palettes::to_uint8(
      palettes::discrete_colors(style.colors.palette, kPaletteColors, style.colors.params));
  for (std::uint64_t id : split.ids())
    style.colors.by_id.emplace_back(id, palette[mix(id) % palette.size()]);
  std::vector<overlay::Image> pictures = overlay::composite_overlay(labels, nullptr, style, false);
  return std::move(pictures.at(0));
}

// `picture` (grey, RGB or RGBA) at the top-left of a transparent 256 x 256 RGBA canvas.
overlay::Image on_tile_canvas(const overlay::Image& picture) {
  overlay::Image canvas(static_cast<std::uint32_t>(kTileSize),
                        static_cast<std::uint32_t>(kTileSize), 4);
  const std::uint32_t w = std::min<std::uint32_t>(picture.width, canvas.width);
  const std::uint32_t h = std::min<std::uint32_t>(picture.height, canvas.height);
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      const std::uint8_t* in = picture.pixel(x, y);
      std::uint8_t* out = canvas.pixel(x, y);
      switch (picture.channels) {
        case 1:
          out[0] = out[1] = out[2] = in[0];
          out[3] = 255;
          break;
        case 3:
          std::memcpy(out, in, 3);
          out[3] = 255;
          break;
        default:
          std::memcpy(out, in, 4);
      }
    }
  return canvas;
}

}  // namespace

std::string tile_cache_key(const TileRequest& r) {
  return r.source + "/tiles/" + std::to_string(r.level) + "/" + std::to_string(r.x) + "/" +
         std::to_string(r.y) + "?z=" + std::to_string(r.z) + "&" + canonical_query(r.params);
}

EncodedImage render_tile(const TileRequest& request, SourceRegistry& registry, io::Context& context,
                         const RequestLimits& limits, std::stop_token stop) {
  const Source source = registry.resolve(request.source);
  const volume::Metadata& m = source.volume->metadata();
  const bool segmentation = m.is_segmentation();
  std::set<std::string> known = {"z"};
  known.insert(render_keys().begin(), render_keys().end());
  if (segmentation) known.insert(overlay_keys().begin(), overlay_keys().end());
  check_known_params(request.params, known);

  const TileGrid grid = tile_grid(m);
  const TileBox tile = tile_box(grid, request.level, request.x, request.y, request.z);
  Bbox box = tile.voxels;
  if (const auto z_range = z_range_of(request.params)) {
    if (z_range->second - z_range->first > limits.max_z_range)
      http_fail(413, "too_large",
                "z_range spans " + std::to_string(z_range->second - z_range->first) +
                    " sections; the limit is " + std::to_string(limits.max_z_range));
    box.min.z = std::max(z_range->first, grid.section.min.z);
    box.max.z = std::min(z_range->second, grid.section.max.z);
    if (box.max.z <= box.min.z)
      http_fail(400, "invalid_argument", "z_range lies outside the volume");
  }

  rendering::RenderRequest r;
  r.source = source.url;
  r.region.kind = rendering::RegionRequest::Kind::kBounds;
  r.region.min = {static_cast<double>(box.min.x), static_cast<double>(box.min.y),
                  static_cast<double>(box.min.z)};
  r.region.max = {static_cast<double>(box.max.x), static_cast<double>(box.max.y),
                  static_cast<double>(box.max.z)};
  r.level.kind = rendering::LevelRequest::Kind::kMaxSize;
  r.level.max_width = tile.width;
  r.level.max_height = tile.height;
  rendering::apply_render_parameters(render_parameters_of(request.params), r, "");
  OverlayOptions overlay_options;
  if (segmentation) {
    overlay_options = overlay_options_of(request.params);
    if (source.volume->has_label_mapping()) r.labels = volume::ReadOptions::Labels::kMapped;
    r.timestamp = overlay_options.timestamp;
  }
  rendering::RenderHooks hooks;
  hooks.open = [&registry](const std::string& url) { return registry.open_url(url); };
  hooks.stop = stop;
  hooks.max_memory_bytes = std::size_t{1} << 30;
  const rendering::RenderResult result = rendering::render_volume(r, context, hooks);

  const overlay::Image canvas = on_tile_canvas(
      segmentation ? segmentation_picture(result.values, overlay_options, source.name)
                   : result.picture);
  EncodedImage out;
  out.bytes = overlay::encode_figure_png(canvas);
  out.content_type = "image/png";
  out.etag = etag_of(out.bytes);
  return out;
}

}  // namespace imagery::serve
