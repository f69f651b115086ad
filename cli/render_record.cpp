#include "imagery/cli/render_record.h"

#include "imagery/cli/progress_bar.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/version.h"

namespace imagery::cli {

namespace {

nlohmann::ordered_json box_json(const Bbox& b) {
  return nlohmann::ordered_json::array({b.min.x, b.min.y, b.min.z, b.max.x, b.max.y, b.max.z});
}

}  // namespace

nlohmann::ordered_json render_record(const rendering::RenderResult& r, const std::string& command) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["format"] = "imagery.render/1";
  j["command"] = command;
  j["imagery_version"] = kVersion;
  j["source"] = r.source;
  j["driver"] = r.driver;
  j["kind"] = r.segmentation ? "segmentation" : "image";
  j["region_voxels"] = box_json(r.voxels);
  j["mip"] = r.level.mip;
  j["resolution"] = ordered_json::array({r.resolution.x, r.resolution.y, r.resolution.z});
  j["read_box"] = box_json(r.level.read_box);
  j["output"] = {{"width", r.level.width},
                 {"height", r.level.height},
                 {"pixel_size_nm", ordered_json::array({r.level.pixel_nm_x, r.level.pixel_nm_y})},
                 {"area_averaged", r.level.resampled}};
  j["projection"] = rendering::projection_name(r.projection);
  j["sections"] = r.sections;
  j["model"] = rendering::color_model_name(r.model);
  ordered_json channels = ordered_json::array();
  for (const rendering::RenderedChannel& c : r.channels) {
    ordered_json cj;
    if (!c.source.empty()) cj["source"] = c.source;
    cj["channel"] = c.channel;
    cj["window"] = ordered_json::array({c.low, c.high});
    cj["color"] = rendering::channel_color_text(c.color);
    cj["invert"] = c.invert;
    if (c.opacity != 1) cj["opacity"] = c.opacity;
    channels.push_back(cj);
  }
  j["channels"] = channels;
  return j;
}

rendering::RenderResult render_with_progress(
    const GlobalOptions& global, PhaseTimer& timer,
    const std::function<rendering::RenderResult(const rendering::RenderHooks&)>& render) {
  ProgressBar progress("chunks", global.quiet);
  rendering::RenderHooks hooks;
  hooks.max_memory_bytes = global.max_memory_bytes();
  hooks.on_progress = [&progress](std::size_t done, std::size_t total, std::uint64_t bytes) {
    progress.update(done, total, bytes);
  };
  timer.start("render");
  rendering::RenderResult result = render(hooks);
  progress.finish();
  return result;
}

void write_rendered_picture(const rendering::RenderResult& result, const std::string& output,
                            const std::string& command, ThreadPool* pool) {
  overlay::FigurePngOptions png;
  png.pool = pool;
  const std::vector<std::byte> bytes = overlay::encode_figure_png(result.picture, png);
  const std::string text = render_record(result, command).dump(2) + "\n";
  AtomicFile picture(output);
  AtomicFile sidecar(figure::sidecar_path(output));
  picture.write(bytes);
  sidecar.write(text.data(), text.size());
  picture.commit();
  sidecar.commit();
}

}  // namespace imagery::cli
