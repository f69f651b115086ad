#include "imagery/cli/shared_window.h"

#include <map>

#include "imagery/cli/batch_row.h"
#include "imagery/core/error.h"
#include "imagery/figure/render.h"
#include "imagery/overlay/display_window.h"
#include "imagery/rendering/projection.h"

namespace imagery::cli {

std::vector<SharedWindow> apply_shared_windows(const Manifest& manifest,
                                               const nlohmann::json& defaults,
                                               const std::string& out_dir, std::vector<Job>& jobs,
                                               io::Context& context, SharedVolumes& volumes,
                                               std::size_t max_memory_bytes) {
  bool any = false;
  for (const Job& j : jobs) any = any || (j.row && j.row->shared_window);
  if (!any) return {};
  // Every row of the manifest that shares, by image source, in manifest order.
  std::map<std::string, std::vector<BatchRow>> by_source;
  for (const ManifestRow& row : manifest.rows) {
    try {
      BatchRow r = figure_for_row(row, defaults, out_dir);
      if (r.shared_window && r.spec.image) by_source[r.spec.image->url].push_back(std::move(r));
    } catch (const Error&) {
      // A row that cannot be read fails on its own; it is no part of the sample.
    }
  }
  std::vector<SharedWindow> out;
  for (auto& [source, rows] : by_source) {
    SharedWindow w;
    w.source = source;
    w.rows = rows.size();
    const std::size_t k = std::min(kSharedWindowSample, rows.size());
    std::vector<Array> arrays;
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t pick = k == 1 ? 0 : i * (rows.size() - 1) / (k - 1);
      const BatchRow& r = rows[pick];
      figure::FigureSpec spec = r.spec;
      spec.segmentation.reset();
      spec.rendering.layers.clear();
      figure::RenderOptions options;
      options.max_memory_bytes = max_memory_bytes;
      options.open = [&](const std::string& s) { return volumes.open(s); };
      try {
        const figure::FigurePlan plan = figure::plan_figure(spec, context, options, key_name);
        Array image = plan.client->image_cutout(plan.region).data;
        if (spec.rendering.projection != rendering::Projection::kNone)
          image = rendering::project(image, spec.rendering.projection, &context.pool());
        arrays.push_back(std::move(image));
      } catch (const Error& e) {
        fail(e.code(),
             "\"window\": \"shared\": the sampled row '" + r.name + "' (line " +
                 std::to_string(r.line) + "): " + e.what(),
             e.remedy());
      }
      w.sample.push_back(r.name);
    }
    std::vector<const Array*> pointers;
    for (const Array& a : arrays) pointers.push_back(&a);
    const overlay::DisplayWindow window =
        overlay::resolved_window({overlay::DisplayWindow::Mode::kAuto}, pointers);
    w.low = window.min;
    w.high = window.max;
    for (Job& j : jobs)
      if (j.row && j.row->shared_window && j.row->spec.image && j.row->spec.image->url == source)
        j.row->spec.style.window = window;
    out.push_back(std::move(w));
  }
  return out;
}

nlohmann::ordered_json shared_windows_json(const std::vector<SharedWindow>& windows) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const SharedWindow& w : windows)
    list.push_back({{"source", w.source},
                    {"window", {w.low, w.high}},
                    {"from", "auto: 0.5 and 99.5 percentiles of the sampled rows' images"},
                    {"sample", w.sample},
                    {"rows", w.rows}});
  return {{"format", "imagery.shared_windows/1"}, {"windows", list}};
}

}  // namespace imagery::cli
