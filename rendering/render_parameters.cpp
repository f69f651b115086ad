#include "imagery/rendering/render_parameters.h"

#include "imagery/core/error.h"

namespace imagery::rendering {

void apply_render_parameters(const RenderParameters& p, RenderRequest& request,
                             const std::string& prefix) {
  for (const std::string& c : p.channels)
    request.channels.push_back(parse_channel_setting(c, prefix + "channel"));
  for (const std::string& l : p.layers)
    request.layers.push_back(parse_layer_setting(l, prefix + "layer"));
  if (!p.model.empty()) {
    const auto model = parse_color_model(p.model);
    if (!model)
      fail(ErrorCode::kInvalidArgument,
           prefix + "model: expected greyscale or color, got '" + p.model + "'");
    request.model = model;
  }
  if (!p.window.empty())
    request.window = overlay::parse_display_window(p.window, prefix + "window");
  if (!p.projection.empty()) {
    const auto projection = parse_projection(p.projection);
    if (!projection)
      fail(ErrorCode::kInvalidArgument,
           prefix + "projection: expected max, min, mean or sum, got '" + p.projection + "'");
    request.projection = *projection;
  }
  if (!p.palette.empty()) request.colors.palette = p.palette;
}

}  // namespace imagery::rendering
