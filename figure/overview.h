// The overview inset (--inset): the whole section the figure lies in, read from a coarse mip of
// the image (the coarsest whose width is at least the inset's, so it is never enlarged when it
// need not be), shrunk to the inset's size with the figure's own display window, and where the
// figure's box falls on it.
#pragma once

#include <memory>
#include <string>

#include "imagery/core/bbox.h"
#include "imagery/core/vec3.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/figure/render.h"
#include "imagery/io/context.h"
#include "imagery/overlay/image.h"

namespace imagery::figure {

struct Overview {
  std::shared_ptr<const overlay::Image> picture;  // grey, the inset's pixels
  std::string source;
  int mip = 0;
  Vec3d resolution;  // nm per voxel of that mip
  Bbox voxels;       // the section read, at that mip
  // The figure's box on the picture, in its pixels (x0, y0, x1, y1).
  double box[4] = {0, 0, 0, 0};
};

// The inset's size for a panel of `width` x `height` pixels showing a section of
// `section_width_nm` x `section_height_nm`: at most 30 % of either side, the section's aspect kept.
std::pair<std::uint32_t, std::uint32_t> overview_size(double width, double height,
                                                      double section_width_nm,
                                                      double section_height_nm);

// Reads the overview for `panel` of a planned and rendered figure. Throws kInvalidArgument when
// the figure has no image (or is drawn from a Neuroglancer state), and what reading throws.
Overview fetch_overview(const FigureSpec& spec, const FigurePlan& plan,
                        const RenderedFigure& figure, std::size_t panel, io::Context& context,
                        const RenderOptions& options = {});

}  // namespace imagery::figure
