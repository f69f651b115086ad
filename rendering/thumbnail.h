// Thumbnails and overviews: the whole xy section at one z, its longest side N pixels (OMERO's
// renderThumbnail) or fitted into W x H (large_image's getThumbnail), aspect kept, read from
// the coarsest level that is fine enough and area-averaged (images) or sampled (segmentations,
// in palette colours). Optionally a rectangle marks a box of mip-0 voxels on it (where a figure
// lies in its section).
#pragma once

#include <cstdint>
#include <optional>

#include "imagery/core/bbox.h"
#include "imagery/rendering/render_volume.h"

namespace imagery::rendering {

struct ThumbnailRequest {
  RenderRequest render;  // source, channels, window, layers, colours (region and level are set)
  std::int64_t width = 256, height = 0;  // height 0: the longest side is `width`
  std::optional<std::int64_t> z;         // mip-0 section; default the middle one
  std::optional<Bbox> box;               // mip-0 voxels (z ignored) to mark
  palettes::Rgb8 box_color{255, 255, 0};
};

// Throws as render_volume, and kInvalidArgument for a size below 1 or a z outside the volume.
RenderResult render_thumbnail(const ThumbnailRequest& request, io::Context& context,
                              const RenderHooks& hooks = {});

// Draws the outline of `box` (mip-0 voxels) on `picture` (RGB; a grey one becomes RGB), which
// shows `section` (mip-0 voxels), two pixels wide inside the box's edge where it fits.
void mark_box(overlay::Image& picture, const Bbox& section, const Bbox& box, palettes::Rgb8 color);

}  // namespace imagery::rendering
