#include "imagery/rendering/render_volume.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "imagery/core/error.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/rendering/area_average.h"
#include "imagery/volume/open_volume.h"

namespace imagery::rendering {

overlay::Image picture_of(const Array& rendered) {
  const Shape4& s = rendered.shape();
  if (rendered.dtype() != DataType::kUint8 || s.z != 1 || (s.c != 1 && s.c != 3))
    fail(ErrorCode::kInvalidArgument, "a picture is one section of 1 or 3 uint8 channels");
  overlay::Image image(static_cast<std::uint32_t>(s.x), static_cast<std::uint32_t>(s.y),
                       static_cast<int>(s.c));
  const std::uint8_t* p = rendered.data<std::uint8_t>();
  const std::int64_t plane = s.x * s.y;
  for (std::int64_t i = 0; i < plane; ++i)
    for (std::int64_t c = 0; c < s.c; ++c) image.pixels[i * s.c + c] = p[c * plane + i];
  return image;
}

namespace {

// Labels sampled at the centres of the output pixels.
Array sample_nearest(const Array& labels, const LevelChoice& l) {
  const Shape4& s = labels.shape();
  Array out(labels.dtype(), {l.width, l.height, 1, 1});
  const std::size_t size = labels.element_size();
  for (std::int64_t y = 0; y < l.height; ++y) {
    const double sy =
        l.y0 + (static_cast<double>(y) + 0.5) * (l.y1 - l.y0) / static_cast<double>(l.height);
    const auto iy = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(sy)), 0, s.y - 1);
    for (std::int64_t x = 0; x < l.width; ++x) {
      const double sx =
          l.x0 + (static_cast<double>(x) + 0.5) * (l.x1 - l.x0) / static_cast<double>(l.width);
      const auto ix =
          std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(sx)), 0, s.x - 1);
      std::memcpy(out.bytes() + static_cast<std::size_t>(out.index(x, y, 0)) * size,
                  labels.bytes() + static_cast<std::size_t>(labels.index(ix, iy, 0)) * size, size);
    }
  }
  return out;
}

volume::ReadOptions read_options(const RenderRequest& request, const RenderHooks& hooks) {
  volume::ReadOptions o;
  o.fill_missing = request.fill_missing;
  o.bounded = false;
  o.max_output_bytes = hooks.max_memory_bytes;
  o.on_progress = hooks.on_progress;
  o.stop = hooks.stop;
  o.time_point = request.time_point;
  o.labels = request.labels;
  o.timestamp = request.timestamp;
  return o;
}

// Values read at a level, projected through the slab and brought to the output size.
Array values_at(const volume::Volume& v, const LevelChoice& level, const RenderRequest& request,
                const RenderHooks& hooks, std::int64_t width, std::int64_t height,
                ThreadPool* pool) {
  Array read = v.read(level.read_box, level.mip, read_options(request, hooks));
  if (read.shape().z > 1 || request.projection != Projection::kNone)
    read = project(read,
                   request.projection == Projection::kNone ? Projection::kMax : request.projection,
                   pool);
  const bool exact = read.shape().x == width && read.shape().y == height && level.x0 == 0 &&
                     level.y0 == 0 && level.x1 == static_cast<double>(width) &&
                     level.y1 == static_cast<double>(height);
  if (exact) return read;
  return area_average(read, width, height, level.x0, level.x1, level.y0, level.y1, pool);
}

}  // namespace

overlay::DisplayWindow default_window(const volume::Metadata& m, int channel) {
  const auto index = static_cast<std::size_t>(channel);
  if (index < m.channel_display.size() && m.channel_display[index].window)
    return {overlay::DisplayWindow::Mode::kRange, m.channel_display[index].window->first,
            m.channel_display[index].window->second};
  if (channel == 0 && m.display_window)
    return {overlay::DisplayWindow::Mode::kRange, m.display_window->first,
            m.display_window->second};
  if (m.dtype == DataType::kUint8) return {overlay::DisplayWindow::Mode::kFull};
  return {overlay::DisplayWindow::Mode::kAuto};
}

ChannelColor default_channel_color(const volume::Metadata& m, int channel) {
  const auto index = static_cast<std::size_t>(channel);
  if (index < m.channel_display.size() && m.channel_display[index].color) {
    const auto& c = *m.channel_display[index].color;
    return {palettes::Rgb8{c[0], c[1], c[2]}, ""};
  }
  if (channel == 0 && m.tint && m.channels == 1)
    return {palettes::Rgb8{(*m.tint)[0], (*m.tint)[1], (*m.tint)[2]}, ""};
  return standard_channel_color(channel, m.channels);
}

Array read_on_grid(const volume::Volume& v, const PhysicalGrid& grid,
                   const volume::ReadOptions& options, Projection projection, ThreadPool* pool) {
  const volume::Metadata& m = v.metadata();
  const int mip = finest_enough_mip(m, grid.pixel_nm.x, grid.pixel_nm.y);
  const Vec3d res = m.scale(mip).resolution;
  Bbox read_box;
  double lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    lo[a] = grid.origin_nm[a] / res[a];
    hi[a] = (grid.origin_nm[a] + static_cast<double>(grid.size[a]) * grid.pixel_nm[a]) / res[a];
    read_box.min[a] = static_cast<std::int64_t>(std::floor(lo[a] + 1e-9));
    read_box.max[a] =
        std::max(read_box.min[a] + 1, static_cast<std::int64_t>(std::ceil(hi[a] - 1e-9)));
  }
  Array read = v.read(read_box, mip, options);
  if (projection != Projection::kNone) {
    read = project(read, projection, pool);
  } else if (read.shape().z != grid.size.z) {
    // Each grid section takes the section that holds its centre.
    const Shape4 rs = read.shape();
    Array picked(read.dtype(), {rs.x, rs.y, grid.size.z, rs.c});
    const std::size_t plane = static_cast<std::size_t>(rs.x * rs.y) * read.element_size();
    for (std::int64_t c = 0; c < rs.c; ++c)
      for (std::int64_t k = 0; k < grid.size.z; ++k) {
        const double centre =
            (grid.origin_nm.z + (static_cast<double>(k) + 0.5) * grid.pixel_nm.z) / res.z;
        const std::int64_t src = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor(centre)) - read_box.min.z, 0, rs.z - 1);
        std::memcpy(picked.bytes() + plane * static_cast<std::size_t>(c * grid.size.z + k),
                    read.bytes() + plane * static_cast<std::size_t>(c * rs.z + src), plane);
      }
    read = std::move(picked);
  }
  const double x0 = lo[0] - static_cast<double>(read_box.min.x);
  const double x1 = hi[0] - static_cast<double>(read_box.min.x);
  const double y0 = lo[1] - static_cast<double>(read_box.min.y);
  const double y1 = hi[1] - static_cast<double>(read_box.min.y);
  if (read.shape().x == grid.size.x && read.shape().y == grid.size.y && x0 == 0 && y0 == 0 &&
      x1 == static_cast<double>(grid.size.x) && y1 == static_cast<double>(grid.size.y))
    return read;
  return area_average(read, grid.size.x, grid.size.y, x0, x1, y0, y1, pool);
}

void check_channel_indices(const std::vector<ChannelSetting>& channels, const volume::Metadata& m) {
  for (const ChannelSetting& s : channels)
    if (s.index >= m.channels)
      fail(ErrorCode::kNotFound, "--channel " + std::to_string(s.index) + ": " + m.url + " has " +
                                     std::to_string(m.channels) + " channel(s) (0.." +
                                     std::to_string(m.channels - 1) + ")");
}

ResolvedChannels resolve_channels(const Array& values, const volume::Metadata& m,
                                  const ChannelRequest& request,
                                  const std::vector<LayerValues>& layers) {
  check_channel_indices(request.channels, m);
  std::vector<ChannelSetting> settings = request.channels;
  // Three uint8 channels with nothing asked are RGB: full windows, red, green and blue.
  const bool rgb_default =
      settings.empty() && m.channels == 3 && m.dtype == DataType::kUint8 && layers.empty();
  if (settings.empty())
    for (int c = 0; c < m.channels; ++c) {
      ChannelSetting s;
      s.index = c;
      settings.push_back(s);
    }
  const bool any_color = std::any_of(settings.begin(), settings.end(),
                                     [](const ChannelSetting& s) { return s.color.has_value(); });
  ResolvedChannels out;
  out.model = request.model.value_or(settings.size() == 1 && layers.empty() && !any_color
                                         ? ColorModel::kGreyscale
                                         : ColorModel::kColor);
  // Windows in numbers, worked out once over everything shown.
  for (const ChannelSetting& s : settings) {
    const overlay::DisplayWindow form =
        s.window         ? *s.window
        : request.window ? *request.window
        : rgb_default    ? overlay::DisplayWindow{overlay::DisplayWindow::Mode::kFull}
                         : default_window(m, s.index);
    const auto [lo, hi] = overlay::window_range(form, {&values}, m.dtype, s.index);
    ChannelDraw d;
    d.data = &values;
    d.channel = s.index;
    d.low = lo;
    d.high = hi;
    if (s.color)
      d.color = *s.color;
    else if (m.channels == 1 && request.tint)
      d.color.rgb = *request.tint;
    else if (rgb_default)
      d.color = standard_channel_color(s.index, 3);
    else
      d.color = default_channel_color(m, s.index);
    d.invert = s.invert;
    out.draws.push_back(d);
    out.channels.push_back({"", s.index, lo, hi, d.color, s.invert, 1});
  }
  for (const LayerValues& layer : layers) {
    const LayerSetting& l = *layer.setting;
    const volume::Metadata& lm = *layer.metadata;
    const overlay::DisplayWindow form = l.window ? *l.window
                                        : request.window && request.window_for_layers
                                            ? *request.window
                                            : default_window(lm, l.channel);
    const auto [lo, hi] = overlay::window_range(form, {layer.values}, lm.dtype, l.channel);
    ChannelDraw d;
    d.data = layer.values;
    d.channel = l.channel;
    d.low = lo;
    d.high = hi;
    d.color = l.color.value_or(ChannelColor{});
    d.invert = l.invert;
    d.opacity = l.opacity;
    out.draws.push_back(d);
    out.channels.push_back({lm.url, l.channel, lo, hi, d.color, l.invert, l.opacity});
  }
  if (out.model == ColorModel::kGreyscale) out.channels.resize(1);
  return out;
}

Array draw_channels(const ResolvedChannels& resolved, ThreadPool* pool) {
  if (resolved.model == ColorModel::kGreyscale)
    return render_greyscale(resolved.draws.front(), pool);
  return render_color(resolved.draws, pool);
}

RenderResult render_volume(const RenderRequest& request, io::Context& context,
                           const RenderHooks& hooks) {
  auto open = [&](const std::string& url) {
    return hooks.open ? hooks.open(url) : volume::open_volume(url, context);
  };
  ThreadPool* pool = &context.pool();
  const std::shared_ptr<const volume::Volume> volume = open(request.source);
  const volume::Metadata& m = volume->metadata();
  RenderResult out;
  out.source = volume->url();
  out.driver = m.driver;
  out.segmentation = m.is_segmentation();
  out.projection = request.projection;
  out.voxels = region_voxels(request.region, m);
  if (out.voxels.size().z > 1 && request.projection == Projection::kNone)
    fail(ErrorCode::kInvalidArgument,
         "the region " + out.voxels.to_string() + " spans " + std::to_string(out.voxels.size().z) +
             " sections: give --projection max|min|mean|sum, or a region one section deep");
  out.level = choose_level(m, out.voxels, request.level);
  const LevelChoice& level = out.level;
  out.resolution = m.scale(level.mip).resolution;
  out.sections = level.read_box.size().z;

  if (out.segmentation) {
    if (request.projection != Projection::kNone)
      fail(ErrorCode::kInvalidArgument,
           volume->url() +
               " is a segmentation: its labels cannot be projected (figure "
               "--projection draws each object's footprint instead)");
    if (!request.layers.empty() || !request.channels.empty())
      fail(ErrorCode::kInvalidArgument,
           volume->url() + " is a segmentation: --channel and --layer apply to images");
    const Array labels = volume->read(level.read_box, level.mip, read_options(request, hooks));
    out.values = sample_nearest(labels, level);
    const overlay::ObjectLabels split = overlay::ObjectLabels::split(out.values, {}, volume->url());
    const std::vector<palettes::Rgb8> colors =
        overlay::object_colors(split.ids(), split.is_signed(), request.colors);
    overlay::Image image(static_cast<std::uint32_t>(level.width),
                         static_cast<std::uint32_t>(level.height), 3);
    const std::vector<std::uint32_t>& ranks = split.ranks();
    for (std::size_t i = 0; i < ranks.size(); ++i)
      if (ranks[i]) {
        const palettes::Rgb8 c = colors[ranks[i] - 1];
        image.pixels[i * 3] = c.r;
        image.pixels[i * 3 + 1] = c.g;
        image.pixels[i * 3 + 2] = c.b;
      }
    out.picture = std::move(image);
    out.model = ColorModel::kColor;
    return out;
  }

  // A channel the volume lacks fails before anything is read.
  check_channel_indices(request.channels, m);

  // The values shown: read, projected, averaged; the channels not shown are dropped only at
  // drawing (the saved array keeps them all).
  out.values = values_at(*volume, level, request, hooks, level.width, level.height, pool);

  std::vector<Array> layer_values;
  std::vector<std::shared_ptr<const volume::Volume>> layer_volumes;
  for (const LayerSetting& l : request.layers) {
    auto lv = open(l.url);
    const volume::Metadata& lm = lv->metadata();
    if (lm.is_segmentation())
      fail(ErrorCode::kInvalidArgument,
           "--layer " + l.url + " is a segmentation; layers are image volumes");
    if (l.channel >= lm.channels)
      fail(ErrorCode::kNotFound, "--layer " + l.url + ": no channel " + std::to_string(l.channel));
    // Layers are averaged onto the output grid; their z range is the same slab.
    const Vec3d res0 = m.scale(0).resolution;
    PhysicalGrid grid;
    grid.origin_nm = {static_cast<double>(out.voxels.min.x) * res0.x,
                      static_cast<double>(out.voxels.min.y) * res0.y,
                      static_cast<double>(out.voxels.min.z) * res0.z};
    grid.pixel_nm = {level.pixel_nm_x, level.pixel_nm_y, res0.z};
    grid.size = {level.width, level.height, out.voxels.size().z};
    const Projection through = out.voxels.size().z > 1 && request.projection == Projection::kNone
                                   ? Projection::kMax
                                   : request.projection;
    Array values = read_on_grid(*lv, grid, read_options(request, hooks), through, pool);
    if (values.shape().z > 1) values = project(values, Projection::kMax, pool);
    layer_values.push_back(std::move(values));
    layer_volumes.push_back(lv);
  }

  ChannelRequest channels;
  channels.channels = request.channels;
  channels.model = request.model;
  channels.window = request.window;
  std::vector<LayerValues> layers;
  for (std::size_t i = 0; i < request.layers.size(); ++i)
    layers.push_back({&layer_values[i], &layer_volumes[i]->metadata(), &request.layers[i]});
  ResolvedChannels resolved = resolve_channels(out.values, m, channels, layers);
  out.model = resolved.model;
  out.picture = picture_of(draw_channels(resolved, pool));
  out.channels = std::move(resolved.channels);
  return out;
}

}  // namespace imagery::rendering
