// The Neuroglancer state of a figure's view, which every sidecar carries ("neuroglancer") so that
// collaborators open the same place (`imagery link` makes it a link). For a figure drawn from a
// state it is that state as drawn; for one drawn from sources and a region it is a state over the
// same sources (precomputed://, graphene://) centred on the section shown, at the zoom where one
// screen pixel is one pixel of the figure, with the drawn root ids selected.
#pragma once

#include <nlohmann/json.hpp>

#include "imagery/figure/figure_spec.h"
#include "imagery/figure/render.h"

namespace imagery::figure {

nlohmann::json neuroglancer_state_of(const FigureSpec& spec, const RenderedFigure& figure);

// A source URL as a Neuroglancer layer names it: format prefixes kept, storage URLs with
// "precomputed://" in front, local paths as precomputed://file:///absolute/path.
std::string neuroglancer_source(const std::string& url);

}  // namespace imagery::figure
