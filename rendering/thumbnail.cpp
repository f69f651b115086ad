#include "imagery/rendering/thumbnail.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/volume/open_volume.h"

namespace imagery::rendering {

void mark_box(overlay::Image& picture, const Bbox& section, const Bbox& box, palettes::Rgb8 color) {
  if (picture.channels == 1) {
    overlay::Image rgb(picture.width, picture.height, 3);
    for (std::size_t i = 0; i < picture.pixels.size(); ++i)
      rgb.pixels[i * 3] = rgb.pixels[i * 3 + 1] = rgb.pixels[i * 3 + 2] = picture.pixels[i];
    picture = std::move(rgb);
  }
  const double sx = static_cast<double>(picture.width) / static_cast<double>(section.size().x);
  const double sy = static_cast<double>(picture.height) / static_cast<double>(section.size().y);
  const auto W = static_cast<std::int64_t>(picture.width);
  const auto H = static_cast<std::int64_t>(picture.height);
  auto px = [&](std::int64_t v) {
    return static_cast<std::int64_t>(std::floor(static_cast<double>(v - section.min.x) * sx));
  };
  auto py = [&](std::int64_t v) {
    return static_cast<std::int64_t>(std::floor(static_cast<double>(v - section.min.y) * sy));
  };
  const std::int64_t x0 = std::clamp<std::int64_t>(px(box.min.x), 0, W - 1);
  const std::int64_t x1 = std::clamp<std::int64_t>(px(box.max.x) - 1, x0, W - 1);
  const std::int64_t y0 = std::clamp<std::int64_t>(py(box.min.y), 0, H - 1);
  const std::int64_t y1 = std::clamp<std::int64_t>(py(box.max.y) - 1, y0, H - 1);
  const std::int64_t t = std::min<std::int64_t>({2, x1 - x0 + 1, y1 - y0 + 1});
  auto put = [&](std::int64_t x, std::int64_t y) {
    std::uint8_t* p = picture.pixel(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y));
    p[0] = color.r;
    p[1] = color.g;
    p[2] = color.b;
    if (picture.channels == 4) p[3] = 255;
  };
  for (std::int64_t y = y0; y <= y1; ++y)
    for (std::int64_t x = x0; x <= x1; ++x)
      if (x < x0 + t || x > x1 - t || y < y0 + t || y > y1 - t) put(x, y);
}

RenderResult render_thumbnail(const ThumbnailRequest& request, io::Context& context,
                              const RenderHooks& hooks) {
  if (request.width < 1 || request.height < 0)
    fail(ErrorCode::kInvalidArgument, "--size: a thumbnail is at least 1 pixel");
  auto open = [&](const std::string& url) {
    return hooks.open ? hooks.open(url) : volume::open_volume(url, context);
  };
  const std::shared_ptr<const volume::Volume> volume = open(request.render.source);
  const volume::ScaleInfo& s0 = volume->metadata().scale(0);
  const Bbox& bounds = s0.bounds;
  const std::int64_t z = request.z.value_or(bounds.min.z + bounds.size().z / 2);
  if (z < bounds.min.z || z >= bounds.max.z)
    fail(ErrorCode::kInvalidArgument, "--z " + std::to_string(z) + " is outside " + volume->url() +
                                          "'s sections " + std::to_string(bounds.min.z) + ".." +
                                          std::to_string(bounds.max.z - 1));
  RenderRequest render = request.render;
  render.region.kind = RegionRequest::Kind::kBounds;
  render.region.units = RegionUnits::kVoxels;
  render.region.min = {static_cast<double>(bounds.min.x), static_cast<double>(bounds.min.y),
                       static_cast<double>(z)};
  render.region.max = {static_cast<double>(bounds.max.x), static_cast<double>(bounds.max.y),
                       static_cast<double>(z + 1)};
  render.projection = Projection::kNone;
  render.level.kind = LevelRequest::Kind::kMaxSize;
  render.level.max_width = request.width;
  render.level.max_height = request.height > 0 ? request.height : request.width;
  render.level.enlarge = true;
  RenderHooks with_volume = hooks;
  with_volume.open = [&](const std::string& url) {
    return url == request.render.source ? volume : open(url);
  };
  RenderResult out = render_volume(render, context, with_volume);
  if (request.box) {
    const Bbox& b = *request.box;
    if (b.max.x <= out.voxels.min.x || b.min.x >= out.voxels.max.x || b.max.y <= out.voxels.min.y ||
        b.min.y >= out.voxels.max.y)
      fail(ErrorCode::kInvalidArgument,
           "--box [" + std::to_string(b.min.x) + ", " + std::to_string(b.min.y) + "] .. [" +
               std::to_string(b.max.x) + ", " + std::to_string(b.max.y) + "] lies outside " +
               volume->url() + "'s section, x " + std::to_string(out.voxels.min.x) + ".." +
               std::to_string(out.voxels.max.x) + ", y " + std::to_string(out.voxels.min.y) + ".." +
               std::to_string(out.voxels.max.y) + " (mip-0 voxels)");
    mark_box(out.picture, out.voxels, b, request.box_color);
  }
  return out;
}

}  // namespace imagery::rendering
