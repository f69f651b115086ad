#include "imagery/rendering/volume_summary.h"

#include "imagery/palettes/color.h"
#include "imagery/rendering/render_volume.h"

namespace imagery::rendering {

nlohmann::ordered_json volume_summary(const volume::Metadata& m) {
  using nlohmann::ordered_json;
  ordered_json j;
  const volume::ScaleInfo& s0 = m.scale(0);
  const Vec3 size = s0.bounds.size();
  j["kind"] = m.is_segmentation() ? "segmentation" : "image";
  j["driver"] = m.driver;
  j["size_x"] = size.x;
  j["size_y"] = size.y;
  j["size_z"] = size.z;
  j["size_c"] = m.channels;
  j["size_t"] = m.time_points;
  j["dtype"] = std::string(dtype_name(m.dtype));
  j["pixel_size_x"] = s0.resolution.x / 1000.0;
  j["pixel_size_y"] = s0.resolution.y / 1000.0;
  j["pixel_size_z"] = s0.resolution.z / 1000.0;
  j["pixel_size_unit"] = "µm";
  j["offset"] = ordered_json::array({s0.bounds.min.x, s0.bounds.min.y, s0.bounds.min.z});
  ordered_json channels = ordered_json::array();
  for (int c = 0; c < m.channels; ++c) {
    ordered_json cj;
    cj["index"] = c;
    const auto index = static_cast<std::size_t>(c);
    if (index < m.channel_display.size() && !m.channel_display[index].label.empty())
      cj["label"] = m.channel_display[index].label;
    cj["color"] = palettes::hex(default_channel_color(m, c).rgb);
    const overlay::DisplayWindow w = default_window(m, c);
    if (w.mode == overlay::DisplayWindow::Mode::kRange)
      cj["window"] = ordered_json::array({w.min, w.max});
    channels.push_back(cj);
  }
  j["channels"] = channels;
  j["default_level"] = m.default_mip;
  ordered_json levels = ordered_json::array();
  for (std::size_t i = 0; i < m.scales.size(); ++i) {
    const volume::ScaleInfo& s = m.scales[i];
    const Vec3 ls = s.bounds.size();
    levels.push_back(
        {{"level", i},
         {"key", s.key},
         {"size_x", ls.x},
         {"size_y", ls.y},
         {"size_z", ls.z},
         {"downsample",
          ordered_json::array({s.resolution.x / s0.resolution.x, s.resolution.y / s0.resolution.y,
                               s.resolution.z / s0.resolution.z})},
         {"pixel_size_x", s.resolution.x / 1000.0},
         {"pixel_size_y", s.resolution.y / 1000.0},
         {"pixel_size_z", s.resolution.z / 1000.0},
         {"chunk_size", ordered_json::array({s.chunk_size.x, s.chunk_size.y, s.chunk_size.z})},
         {"encoding", s.encoding},
         {"readable", s.readable && s.usable}});
  }
  j["levels"] = levels;
  return j;
}

}  // namespace imagery::rendering
