#include "imagery/figure/print_size.h"

namespace imagery::figure {

namespace {
constexpr double kMmPerInch = 25.4;
}

PrintSize print_size(const OutputSpec& output, double width, double height) {
  PrintSize p;
  const double w = width > 0 ? width : 1;
  const double h = height > 0 ? height : 1;
  if (output.width_mm || output.height_mm) {
    // The physical size is given: the native pixels are printed at whatever DPI fills it.
    const double inches =
        output.width_mm ? *output.width_mm / kMmPerInch : *output.height_mm / kMmPerInch;
    p.native_dpi = (output.width_mm ? w : h) / inches;
    if (output.dpi) {
      p.raster_scale = *output.dpi / p.native_dpi;
      p.raster_dpi = *output.dpi;
    } else {
      p.raster_dpi = p.native_dpi;
    }
  } else {
    p.native_dpi = output.dpi.value_or(kDefaultDpi);
    p.raster_dpi = p.native_dpi;
  }
  p.size = {w / p.native_dpi * kMmPerInch, h / p.native_dpi * kMmPerInch};
  return p;
}

}  // namespace imagery::figure
