#include "imagery/figure/state_figure.h"

#include "imagery/cave/pinned_time.h"
#include "imagery/core/error.h"
#include "imagery/neuroglancer/state_input.h"
#include "imagery/version.h"

namespace imagery::figure {
namespace {

bool has_graphene_layer(const neuroglancer::ViewerState& state) {
  for (const auto& layer : state.layers)
    for (const auto& source : layer.sources)
      if (neuroglancer::volume_url(source.url).rfind("graphene://", 0) == 0) return true;
  return false;
}

neuroglancer::StateRenderOptions render_options(const FigureSpec& spec,
                                                const RenderOptions& options) {
  neuroglancer::StateRenderOptions o;
  o.panel = spec.state->panel;
  o.width = spec.state->width;
  o.height = spec.state->height;
  o.timestamp = spec.timestamp;
  o.open = options.open;
  o.max_memory_bytes = options.max_memory_bytes;
  o.stop = options.stop;
  return o;
}

}  // namespace

FigurePlan plan_state_figure(const FigureSpec& given, io::Context& context,
                             const RenderOptions& options, const overlay::FieldNamer& name) {
  FigurePlan plan;
  plan.spec = given;
  StateSpec& st = *plan.spec.state;
  std::string where = name("state");
  nlohmann::json document;
  if (st.state.is_string()) {
    const std::string reference = st.state.get<std::string>();
    where = name("state") + " " + reference.substr(0, 120);
    document = neuroglancer::load_state(reference, context);
  } else {
    document = st.state;
  }
  neuroglancer::ViewerState state = neuroglancer::parse_viewer_state(document, where);
  // The changes one at a time, so that a message names the key that was wrong.
  neuroglancer::ViewOverride position, zoom, segments;
  position.position = st.position;
  zoom.cross_section_scale = st.cross_section_scale;
  segments.segments = st.segments;
  neuroglancer::override_view(state, position, name("position"));
  neuroglancer::override_view(state, zoom, name("cross_section_scale"));
  neuroglancer::override_view(state, segments, name("segments"));
  const neuroglancer::StateRenderOptions ropts = render_options(plan.spec, options);
  state = neuroglancer::complete_state(state, context, ropts);
  // Check the view before any voxel is read (a bad layout or panel fails here).
  neuroglancer::make_cross_section(state, st.panel, st.width, st.height);
  if (has_graphene_layer(state) && !plan.spec.timestamp)
    plan.spec.timestamp = cave::pinned_now(context);  // the sidecar redraws the same roots
  // The planned spec holds the state as drawn, the row's changes made in it.
  st.state = neuroglancer::viewer_state_to_json(state);
  st.position.reset();
  st.cross_section_scale.reset();
  st.segments.clear();
  const std::uint64_t pixels = static_cast<std::uint64_t>(st.width) * st.height;
  // The RGBA texture, the picture, and per-layer sample positions (about 32 bytes a pixel).
  plan.memory_bytes = pixels * (4 + 3 + 32 * std::max<std::size_t>(1, state.layers.size()));
  if (plan.memory_bytes > options.max_memory_bytes)
    fail(ErrorCode::kResourceExhausted,
         name("panel_size") + " " + std::to_string(st.width) + "x" + std::to_string(st.height) +
             " needs about " + std::to_string(plan.memory_bytes >> 20) +
             " MiB, more than the memory budget",
         Remedy::kRaiseMemoryBudget);
  plan.viewer_state = std::move(state);
  plan.picture_count = 1;
  return plan;
}

RenderedFigure render_state_figure(const FigureSpec& spec, const FigurePlan& plan,
                                   io::Context& context, const RenderOptions& options) {
  RenderedFigure out;
  Provenance& p = out.provenance;
  p.imagery_version = kVersion;
  if (options.on_phase) options.on_phase("fetch", p);
  neuroglancer::StateRendering drawn =
      neuroglancer::render_state(*plan.viewer_state, context, render_options(spec, options));
  StateProvenance s;
  s.panel = drawn.view.panel;
  s.width = drawn.view.geometry.width;
  s.height = drawn.view.geometry.height;
  s.pixel_size_nm = drawn.view.geometry.pixel_size_m * 1e9;
  s.layers = std::move(drawn.layers);
  s.notes = std::move(drawn.notes);
  p.neuroglancer = std::move(s);
  if (options.on_phase) options.on_phase("composite", p);
  Panel panel;
  panel.picture = std::move(drawn.picture);
  panel.nm_per_pixel_x = panel.nm_per_pixel_y = p.neuroglancer->pixel_size_nm;
  out.panels.push_back(std::move(panel));
  return out;
}

}  // namespace imagery::figure
