// The raster renderer: a Scene drawn into straight-alpha RGBA pixels, for the PNG and TIFF
// outputs.
//
// Exactness: the PNG figures are pixel-for-pixel copies of ImageryClient's compositor, and a
// scene keeps them so. An ImageItem that lands on whole pixels at its own size is copied
// exactly (straight alpha, no premultiplied round trip; over a pixel that already holds
// something it is composited with Pillow's integer alpha_composite, as the compositor does), and
// pixels that no vector item touches keep those values. Vector items (paths, text) are drawn by
// cairo as antialiased coverage, one fill or stroke at a time, and their straight colour is
// composited through it with the same "over": a pixel a shape covers fully gets exactly what
// the compositor would give for that colour, one it misses is left alone. Images elsewhere or at
// other sizes are sampled: nearest neighbour when enlarging, the area average when shrinking; an
// output pixel belongs to an image when its centre lies inside the image's rectangle (image edges
// are not antialiased).
#pragma once

#include "imagery/graphics/scene.h"
#include "imagery/overlay/image.h"

namespace imagery::graphics {

struct RasterOptions {
  double scale = 1;  // output pixels per scene unit
};

// RGBA of round(width * scale) x round(height * scale); transparent where nothing is drawn and
// there is no background. Throws kInvalidArgument for an empty or non-finite scene size or
// scale, or an output side over 32767 pixels (cairo's limit); kNotFound when a font is missing.
overlay::Image render_raster(const Scene& scene, const RasterOptions& options = {});

}  // namespace imagery::graphics
