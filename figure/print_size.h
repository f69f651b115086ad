// The printed size of a figure: from --dpi, --width-mm or --height-mm (OutputSpec) and the
// figure's native pixels, the physical size (the SVG width/height, the PDF page), the DPI the
// native pixels are printed at (which sets text sizes given in points), and the scale a raster
// output is resampled by (only when both a physical size and a DPI are given: the journal asks
// for 89 mm at 600 dpi, so the PNG/TIFF gets 2102 pixels across).
#pragma once

#include "imagery/figure/figure_spec.h"
#include "imagery/graphics/scene.h"

namespace imagery::figure {

struct PrintSize {
  graphics::PhysicalSize size;      // millimetres
  double native_dpi = kDefaultDpi;  // scene units (native pixels) per inch
  double raster_scale = 1;          // output pixels per scene unit for PNG/TIFF
  double raster_dpi = kDefaultDpi;  // the DPI recorded in PNG/TIFF files
  // Scene units for a length in points (1/72 inch) at the printed size.
  double points(double pt) const { return pt / 72.0 * native_dpi; }
};

// `width` x `height`: the figure's size in scene units.
PrintSize print_size(const OutputSpec& output, double width, double height);

}  // namespace imagery::figure
