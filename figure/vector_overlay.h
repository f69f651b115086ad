// A figure's overlay as vectors, for SVG and PDF: the imagery as one embedded grey picture at its
// native pixels, and every drawn object as polygons traced from its label pixels (pixel-exact
// edges, or simplified by OutputSpec::simplify): filled with the object's colour and alpha, or,
// for outlines, stroked at twice the outline width and clipped to the requested side of the edge
// (outside the object, or outside the union of all objects when outlines are merged; inside it
// for side "in", where the picture's border is no edge, as in ImageryClient). Colours, ranks and
// alpha are ImageryClient's, as in the PNG; where an outline band and a stroke differ (the band
// is a diamond-shaped dilation, the stroke a true offset) docs/figures.md says how.
#pragma once

#include <cstddef>

#include "imagery/figure/figure_spec.h"
#include "imagery/figure/render.h"
#include "imagery/graphics/scene.h"

namespace imagery::figure {

// Adds panel `panel` of `figure` (not a Neuroglancer state figure) to `scene` with its top-left
// corner at (x, y).
void add_vector_overlay(graphics::Scene& scene, const FigureSpec& spec,
                        const RenderedFigure& figure, std::size_t panel, double x, double y);

}  // namespace imagery::figure
