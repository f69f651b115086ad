// Figures from Neuroglancer states: plan_figure() and render_planned() hand a FigureSpec with a
// `state` to these. Planning reads the state (a file, stdin, a link, a URL), makes the view
// changes a batch row asks for in it, fills in what it leaves to the data, and pins the
// timestamp of graphene layers, so that the planned spec (and so the sidecar) holds the exact
// state that is drawn; rendering draws its cross-section with neuroglancer::render_state.
#pragma once

#include "imagery/figure/render.h"

namespace imagery::figure {

FigurePlan plan_state_figure(const FigureSpec& spec, io::Context& context,
                             const RenderOptions& options, const overlay::FieldNamer& name);

RenderedFigure render_state_figure(const FigureSpec& spec, const FigurePlan& plan,
                                   io::Context& context, const RenderOptions& options);

}  // namespace imagery::figure
