// Printed sizes: --dpi alone prints the native pixels at that DPI; --width-mm (or --height-mm)
// fixes the size and, with --dpi, resamples raster outputs to that many pixels.
#include "imagery/figure/print_size.h"

#include <catch2/catch.hpp>

using imagery::figure::OutputSpec;
using imagery::figure::print_size;

TEST_CASE("the printed size follows the DPI, or the width in mm", "[figure][print]") {
  OutputSpec o;
  auto p = print_size(o, 1024, 512);  // the default: 300 dpi
  CHECK(p.native_dpi == 300);
  CHECK(p.size.width_mm == Approx(1024 / 300.0 * 25.4));
  CHECK(p.size.height_mm == Approx(512 / 300.0 * 25.4));
  CHECK(p.raster_scale == 1);
  CHECK(p.points(72) == Approx(300));  // one inch

  o.dpi = 600;
  p = print_size(o, 1024, 512);
  CHECK(p.size.width_mm == Approx(1024 / 600.0 * 25.4));
  CHECK(p.raster_dpi == 600);
  CHECK(p.raster_scale == 1);

  o.dpi.reset();
  o.width_mm = 89;
  p = print_size(o, 1024, 512);
  CHECK(p.size.width_mm == Approx(89));
  CHECK(p.size.height_mm == Approx(44.5));
  CHECK(p.native_dpi == Approx(1024 / (89 / 25.4)));
  CHECK(p.raster_scale == 1);

  o.dpi = 600;  // 89 mm at 600 dpi: 2102.4 pixels across
  p = print_size(o, 1024, 512);
  CHECK(p.size.width_mm == Approx(89));
  CHECK(p.raster_scale * 1024 == Approx(89 / 25.4 * 600));
  CHECK(p.raster_dpi == 600);

  o.width_mm.reset();
  o.height_mm = 50;
  o.dpi.reset();
  p = print_size(o, 1000, 500);
  CHECK(p.size.height_mm == Approx(50));
  CHECK(p.size.width_mm == Approx(100));
}
