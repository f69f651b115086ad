// The compositor for one picture: ImageryClient's _composite_overlay_single computed from a label
// picture. Objects are painted in rank order as Pillow frames would be (fill, or the outline band
// of `width` on `side`), each pixel alpha-composited with Pillow's integer formula over a
// transparent canvas; with merge_outline only the union's own band keeps its alpha; finally the
// result goes over the opaque grey imagery, if any.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "imagery/overlay/image.h"
#include "imagery/overlay/outline.h"
#include "imagery/palettes/color.h"

namespace imagery::overlay {

struct CompositeOptions {
  double alpha = 0.2;         // frame alpha; int(255 * alpha) wraps modulo 256 like NumPy's cast
  bool outline = false;       // draw outline bands instead of filled objects
  Side side = Side::kOut;     // where the band lies
  int width = 10;             // band width in pixels (< 1: unlimited, as scipy)
  bool merge_outline = true;  // keep only the band of the union of all objects
  bool overlap = true;        // false: where objects' bands meet, the first object wins
  // The imagery's colour, as OMERO and napari show one channel: grey g is drawn as
  // round(g * colour / 255) per channel under the objects. None (or white, the same pixels): grey.
  std::optional<palettes::Rgb8> tint;
};

// The 8-bit alpha ImageryClient gives frames for `alpha`.
std::uint8_t frame_alpha(double alpha);

// `ranks` is a w x h picture (row = y) of 0 or 1 + object index; `colors[i]` is object i's colour
// (there must be one per object that occurs); `grey` is the w x h imagery or nullptr (drawn in
// options.tint when given); `rgb`, when given instead, is colour imagery (3 bytes a pixel,
// interleaved: a rendering of several channels or layers), drawn as it is. Returns RGBA.
Image composite_picture(const std::uint32_t* ranks, std::uint32_t w, std::uint32_t h,
                        const std::vector<palettes::Rgb8>& colors, const std::uint8_t* grey,
                        const CompositeOptions& options, const std::uint8_t* rgb = nullptr);

}  // namespace imagery::overlay
