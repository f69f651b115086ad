// Scale bar lengths: a bar of L nm is exactly L / (output pixel size) output pixels long, rounded
// to the nearest pixel, where the output pixel size is the panel's nm per pixel (the mip's
// resolution, times any resampling of the grid) divided by the raster output's scale. `auto`
// picks the 1, 2 or 5 x 10^k nm closest to 20 % of the panel's width.
#pragma once

#include <string>

#include "imagery/figure/figure_spec.h"

namespace imagery::figure {

struct ScaleBarGeometry {
  double length_nm = 0;
  long long output_pixels = 0;  // the bar's length in the output's pixels
  double scene_length = 0;      // the same in scene units (output_pixels / output scale)
  std::string text;             // "500 nm", "2 µm"
};

// 1, 2 or 5 x 10^k nm nearest to 20 % of `panel_width` pixels of `nm_per_pixel`.
double auto_scale_bar_nm(double panel_width, double nm_per_pixel);

// `output_scale`: output pixels per scene unit (1 unless a raster output is resampled).
// `common_nm`: a length shared by several panels (layouts), used when the spec says auto.
ScaleBarGeometry scale_bar_geometry(const ScaleBarSpec& spec, double nm_per_pixel,
                                    double panel_width, double output_scale = 1,
                                    double common_nm = 0);

}  // namespace imagery::figure
