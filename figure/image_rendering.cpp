#include "imagery/figure/image_rendering.h"

#include "imagery/rendering/render_volume.h"

namespace imagery::figure {

bool uses_channel_model(const FigureSpec& spec, int channels) {
  return spec.rendering.uses_channel_model() || channels > 1;
}

Array render_figure_imagery(const Array& image, const std::vector<Array>& layers,
                            const FigureSpec& spec, const volume::Metadata& meta,
                            const std::vector<volume::Metadata>& layer_meta, ThreadPool* pool) {
  const ImageRenderSpec& r = spec.rendering;
  rendering::ChannelRequest request;
  request.channels = r.channels;
  request.model = r.model;
  // The figure's --window serves the image's channels without their own (the grey path's clip
  // means none); layers keep their own or their source's.
  if (spec.style.window.mode != overlay::DisplayWindow::Mode::kClip)
    request.window = spec.style.window;
  request.window_for_layers = false;
  request.tint = spec.style.composite.tint;
  std::vector<rendering::LayerValues> layer_values;
  for (std::size_t i = 0; i < r.layers.size() && i < layers.size(); ++i)
    layer_values.push_back({&layers[i], &layer_meta[i], &r.layers[i]});
  return rendering::draw_channels(rendering::resolve_channels(image, meta, request, layer_values),
                                  pool);
}

}  // namespace imagery::figure
