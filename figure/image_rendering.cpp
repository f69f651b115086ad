#include "imagery/figure/image_rendering.h"

#include <algorithm>

#include "imagery/core/error.h"
#include "imagery/rendering/render_volume.h"

namespace imagery::figure {

bool uses_channel_model(const FigureSpec& spec, int channels) {
  return spec.rendering.uses_channel_model() || channels > 1;
}

Array render_figure_imagery(const Array& image, const std::vector<Array>& layers,
                            const FigureSpec& spec, const volume::Metadata& meta,
                            const std::vector<volume::Metadata>& layer_meta, ThreadPool* pool) {
  const ImageRenderSpec& r = spec.rendering;
  const int channels = static_cast<int>(image.shape().c);
  std::vector<rendering::ChannelSetting> settings = r.channels;
  const bool rgb_default =
      settings.empty() && channels == 3 && image.dtype() == DataType::kUint8 && r.layers.empty();
  if (settings.empty())
    for (int c = 0; c < channels; ++c) {
      rendering::ChannelSetting s;
      s.index = c;
      settings.push_back(s);
    }
  for (const rendering::ChannelSetting& s : settings)
    if (s.index >= channels)
      fail(ErrorCode::kNotFound, "--channel " + std::to_string(s.index) + ": " + meta.url +
                                     " has " + std::to_string(channels) + " channel(s)");
  const bool any_color = std::any_of(settings.begin(), settings.end(),
                                     [](const rendering::ChannelSetting& s) { return s.color; });
  const rendering::ColorModel model = r.model.value_or(
      settings.size() == 1 && r.layers.empty() && !any_color ? rendering::ColorModel::kGreyscale
                                                             : rendering::ColorModel::kColor);
  // The figure's --window for channels without their own (the grey path's clip means none).
  const overlay::DisplayWindow& figure_window = spec.style.window;
  const bool figure_has_window = figure_window.mode != overlay::DisplayWindow::Mode::kClip;
  std::vector<rendering::ChannelDraw> draws;
  for (const rendering::ChannelSetting& s : settings) {
    const overlay::DisplayWindow form =
        s.window            ? *s.window
        : figure_has_window ? figure_window
        : rgb_default       ? overlay::DisplayWindow{overlay::DisplayWindow::Mode::kFull}
                            : rendering::default_window(meta, s.index);
    const auto [lo, hi] = overlay::window_range(form, {&image}, image.dtype(), s.index);
    rendering::ChannelDraw d;
    d.data = &image;
    d.channel = s.index;
    d.low = lo;
    d.high = hi;
    if (s.color)
      d.color = *s.color;
    else if (channels == 1 && spec.style.composite.tint)
      d.color.rgb = *spec.style.composite.tint;
    else if (rgb_default)
      d.color = rendering::standard_channel_color(s.index, 3);
    else
      d.color = rendering::default_channel_color(meta, s.index);
    d.invert = s.invert;
    draws.push_back(d);
  }
  for (std::size_t i = 0; i < r.layers.size() && i < layers.size(); ++i) {
    const rendering::LayerSetting& l = r.layers[i];
    const overlay::DisplayWindow form =
        l.window ? *l.window : rendering::default_window(layer_meta[i], l.channel);
    const auto [lo, hi] = overlay::window_range(form, {&layers[i]}, layer_meta[i].dtype, l.channel);
    rendering::ChannelDraw d;
    d.data = &layers[i];
    d.channel = l.channel;
    d.low = lo;
    d.high = hi;
    d.color = l.color.value_or(rendering::ChannelColor{});
    d.invert = l.invert;
    d.opacity = l.opacity;
    draws.push_back(d);
  }
  if (model == rendering::ColorModel::kGreyscale)
    return rendering::render_greyscale(draws.front(), pool);
  return rendering::render_color(draws, pool);
}

}  // namespace imagery::figure
