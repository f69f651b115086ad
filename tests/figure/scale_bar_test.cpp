// Scale bars: the bar is exactly LENGTH / (output pixel size) pixels, rounded, for every pixel
// size, mip and resampling; auto picks 1, 2 or 5 x 10^k nm nearest to 20 % of the width; lengths
// parse in nm, um and µm.
#include "imagery/figure/scale_bar.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::figure::auto_scale_bar_nm;
using imagery::figure::length_text;
using imagery::figure::parse_length_nm;
using imagery::figure::scale_bar_geometry;
using imagery::figure::ScaleBarSpec;
using imagery::testing::error_of;

TEST_CASE("a scale bar is the length over the output pixel size, rounded", "[figure][scale_bar]") {
  struct Case {
    double length_nm, nm_per_pixel, output_scale;
    long long pixels;
  };
  // mip 0 at 4 nm, mip 1 at 8, mip 3 at 32; a 2x raster resampling halves the output pixel.
  for (const Case& c :
       {Case{1000, 4, 1, 250}, Case{1000, 8, 1, 125}, Case{1000, 32, 1, 31}, Case{500, 32, 1, 16},
        Case{1000, 8, 2, 250}, Case{1000, 32, 2.5, 78}, Case{2000, 3.58, 1, 559},
        Case{5000, 16, 0.5, 156}, Case{1000, 6, 1, 167}, Case{100, 40, 1, 3}}) {
    INFO(c.length_nm << " nm at " << c.nm_per_pixel << " nm/px, scale " << c.output_scale);
    ScaleBarSpec spec;
    spec.enabled = true;
    spec.length_nm = c.length_nm;
    const auto g = scale_bar_geometry(spec, c.nm_per_pixel, 512, c.output_scale);
    CHECK(g.output_pixels == c.pixels);
    CHECK(g.scene_length * c.output_scale == Approx(static_cast<double>(c.pixels)));
  }
}

TEST_CASE("auto scale bars are 1, 2 or 5 x 10^k nm nearest to a fifth of the width",
          "[figure][scale_bar]") {
  CHECK(auto_scale_bar_nm(1024, 4) == 1000);      // 819 nm -> 1 µm
  CHECK(auto_scale_bar_nm(512, 4) == 500);        // 410 nm -> 500 nm
  CHECK(auto_scale_bar_nm(256, 8) == 500);        // 410 nm
  CHECK(auto_scale_bar_nm(1024, 32) == 5000);     // 6554 nm -> 5 µm
  CHECK(auto_scale_bar_nm(1000, 10) == 2000);     // 2000 exactly
  CHECK(auto_scale_bar_nm(300, 50) == 2000);      // 3000 nm: 2000 is nearer than 5000
  CHECK(auto_scale_bar_nm(2048, 512) == 200000);  // 209715 nm
  ScaleBarSpec spec;
  spec.enabled = true;
  const auto g = scale_bar_geometry(spec, 4, 1024);
  CHECK(g.length_nm == 1000);
  CHECK(g.output_pixels == 250);
  CHECK(g.text == "1 \u00b5m");
  // A common length (a layout's panels) wins over each panel's own auto length.
  CHECK(scale_bar_geometry(spec, 4, 1024, 1, 500).output_pixels == 125);
}

TEST_CASE("scale bar lengths parse with units and print as nm or µm", "[figure][scale_bar]") {
  CHECK(parse_length_nm("500nm", "--scale-bar") == 500);
  CHECK(parse_length_nm("500 nm", "--scale-bar") == 500);
  CHECK(parse_length_nm("1um", "--scale-bar") == 1000);
  CHECK(parse_length_nm("2\u00b5m", "--scale-bar") == 2000);
  CHECK(parse_length_nm("2\u03bcm", "--scale-bar") == 2000);
  CHECK(parse_length_nm("0.5um", "--scale-bar") == 500);
  CHECK(parse_length_nm("750", "--scale-bar") == 750);
  CHECK(parse_length_nm("0.01mm", "--scale-bar") == 10000);
  for (const char* bad : {"", "nm", "-5nm", "0nm", "5 parsecs", "1e999nm", "5km", "abc"}) {
    INFO(bad);
    const auto e = error_of([&] { parse_length_nm(bad, "--scale-bar"); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::StartsWith("--scale-bar: expected auto or a positive length"));
  }
  CHECK(length_text(500) == "500 nm");
  CHECK(length_text(2000) == "2 \u00b5m");
  CHECK(length_text(1500) == "1.5 \u00b5m");
  CHECK(length_text(200000) == "200 \u00b5m");
}
