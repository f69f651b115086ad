// Tinted imagery: grey levels times a colour, white as no tint, objects composited over the
// tinted imagery exactly as Pillow's alpha_composite puts them over any opaque colour.
#include "imagery/overlay/tint.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "imagery/overlay/composite.h"
#include "imagery/overlay/internal/alpha_composite.h"

using namespace imagery;
using namespace imagery::overlay;

TEST_CASE("a grey level in a colour is g * colour / 255, rounded", "[overlay][tint]") {
  CHECK(tinted(0, {255, 128, 7}) == palettes::Rgb8{0, 0, 0});
  CHECK(tinted(255, {255, 128, 7}) == palettes::Rgb8{255, 128, 7});
  CHECK(tinted(100, {255, 128, 7}) == palettes::Rgb8{100, 50, 3});  // 50.2 -> 50, 2.75 -> 3
  CHECK_FALSE(is_tinted(std::nullopt));
  CHECK_FALSE(is_tinted(palettes::Rgb8{255, 255, 255}));
  CHECK(is_tinted(palettes::Rgb8{255, 255, 254}));
  Image grey(3, 1, 1);
  grey.pixels = {0, 100, 255};
  const Image rgb = tint_picture(grey, {255, 128, 7});
  CHECK(rgb.channels == 3);
  CHECK(rgb.pixels == std::vector<std::uint8_t>{0, 0, 0, 100, 50, 3, 255, 128, 7});
  CHECK_THROWS_AS(tint_picture(rgb, {1, 2, 3}), Error);
}

TEST_CASE("over an opaque colour, the shortcut composite is Pillow's alpha_composite",
          "[overlay][tint]") {
  std::size_t differ = 0;
  for (int a = 0; a < 256; a += 3)
    for (int d = 0; d < 256; d += 17) {
      const Rgba8 dst{static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(255 - d), 40, 255};
      const Rgba8 src{200, 30, static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(a)};
      if (composite_over_opaque(dst, src) != alpha_composite(dst, src)) ++differ;
    }
  CHECK(differ == 0);
}

TEST_CASE("objects are composited over tinted imagery; a white tint changes nothing",
          "[overlay][tint]") {
  // 4 x 1: no object, object 1, object 1, no object; grey 0, 60, 120, 250.
  const std::vector<std::uint32_t> ranks = {0, 1, 1, 0};
  const std::vector<std::uint8_t> grey = {0, 60, 120, 250};
  const std::vector<palettes::Rgb8> colors = {{0, 0, 255}};
  for (const bool outline : {false, true}) {
    CompositeOptions o;
    o.alpha = 0.5;
    o.outline = outline;
    o.width = 1;
    o.side = Side::kIn;
    const Image plain = composite_picture(ranks.data(), 4, 1, colors, grey.data(), o);
    o.tint = palettes::Rgb8{255, 255, 255};
    CHECK(composite_picture(ranks.data(), 4, 1, colors, grey.data(), o).pixels == plain.pixels);
    o.tint = palettes::Rgb8{0, 255, 0};
    const Image green = composite_picture(ranks.data(), 4, 1, colors, grey.data(), o);
    for (int x = 0; x < 4; ++x) {
      INFO("outline " << outline << ", x " << x);
      const palettes::Rgb8 base = tinted(grey[x], {0, 255, 0});
      const Rgba8 dst{base.r, base.g, base.b, 255};
      const Rgba8 src = ranks[x] ? Rgba8{0, 0, 255, 127} : Rgba8{};
      const Rgba8 want = alpha_composite(dst, src);
      const std::uint8_t* p = green.pixel(x, 0);
      CHECK(Rgba8{p[0], p[1], p[2], p[3]} == want);
    }
  }
}
