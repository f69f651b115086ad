// Imagery in a colour instead of grey, as OMERO and napari show one channel: grey level g becomes
// round(g * colour / 255) on each of r, g and b, so black stays black and white becomes the
// colour. Figures take the colour from --tint or from an OME-Zarr's omero channel; white draws
// exactly the grey pixels, so it counts as no tint.
#pragma once

#include <cstdint>
#include <optional>

#include "imagery/overlay/image.h"
#include "imagery/palettes/color.h"

namespace imagery::overlay {

// Whether `tint` changes anything: set and not white.
bool is_tinted(const std::optional<palettes::Rgb8>& tint);

// Grey level `grey` in `colour`.
palettes::Rgb8 tinted(std::uint8_t grey, palettes::Rgb8 colour);

// A one-channel grey picture as an RGB one in `colour`. Throws kInvalidArgument for a picture
// that is not one channel.
Image tint_picture(const Image& grey, palettes::Rgb8 colour);

}  // namespace imagery::overlay
