// A figure's imagery through OMERO's channel model (figure_spec.h's ImageRenderSpec): the
// image's active channels and the layers, each with its window worked out once over the whole
// figure (every slice), coloured and added, or the first channel alone in greyscale. The result
// is what the compositor draws the objects over: (X, Y, Z, 3) uint8 colour imagery, or
// (X, Y, Z, 1) uint8 grey.
#pragma once

#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/volume/volume.h"

namespace imagery::figure {

// Whether a figure of an image with `channels` channels goes through the channel model.
bool uses_channel_model(const FigureSpec& spec, int channels);

// `image` (X, Y, Z, C) and `layers` (each X, Y, Z, C') on the same grid; `layer_metadata` in the
// order of spec.rendering.layers. Throws kNotFound for a channel the image does not have.
Array render_figure_imagery(const Array& image, const std::vector<Array>& layers,
                            const FigureSpec& spec, const volume::Metadata& image_metadata,
                            const std::vector<volume::Metadata>& layer_metadata, ThreadPool* pool);

}  // namespace imagery::figure
