// A figure's overlay as vectors, for SVG and PDF: the imagery as one embedded grey picture at its
// native pixels, and every drawn object as polygons traced from its label pixels, filled with the
// object's colour and alpha. Outlines are, by default, ImageryClient's band itself (the dilation
// or erosion of the object, merged and overlapped as the compositor does) traced into polygons,
// so a rasteriser draws exactly the PNG's pixels; with OutputSpec::simplify they become smooth
// strokes of the requested width along the simplified edges, clipped to the requested side
// (outside the object, or the union when merged; inside it, never along the picture's border).
// Colours, ranks and alpha are ImageryClient's, as in the PNG (docs/figures.md).
#pragma once

#include <cstddef>

#include "imagery/core/thread_pool.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/figure/render.h"
#include "imagery/graphics/scene.h"

namespace imagery::figure {

// Adds panel `panel` of `figure` (not a Neuroglancer state figure) to `scene` with its top-left
// corner at (x, y). Objects' bands are worked out on `pool` when given.
void add_vector_overlay(graphics::Scene& scene, const FigureSpec& spec,
                        const RenderedFigure& figure, std::size_t panel, double x, double y,
                        ThreadPool* pool = nullptr);

}  // namespace imagery::figure
