// Pillow's integer alpha_composite, checked against values Pillow 9.4 printed.
#include <catch2/catch.hpp>

#include "imagery/overlay/internal/alpha_composite.h"

using imagery::overlay::alpha_composite;
using imagery::overlay::composite_over_grey;
using imagery::overlay::Rgba8;

TEST_CASE("alpha_composite reproduces Pillow's results bit for bit", "[overlay][alpha]") {
  struct Case {
    Rgba8 dst, src, expected;
  };
  // Image.alpha_composite(Image.new('RGBA', (1, 1), dst), Image.new('RGBA', (1, 1), src)).
  const Case cases[] = {
      {{0, 0, 0, 0}, {254, 106, 134, 51}, {254, 106, 134, 51}},
      {{100, 100, 100, 255}, {254, 106, 134, 51}, {131, 101, 107, 255}},
      {{10, 200, 30, 128}, {250, 5, 60, 77}, {121, 110, 44, 166}},
      {{255, 255, 255, 255}, {0, 0, 0, 1}, {254, 254, 254, 255}},
      {{0, 0, 0, 0}, {12, 34, 56, 0}, {0, 0, 0, 0}},
      {{40, 50, 60, 70}, {200, 100, 0, 255}, {200, 100, 0, 255}},
      {{37, 99, 201, 3}, {250, 251, 252, 254}, {250, 251, 252, 254}},
      {{130, 183, 14, 238}, {127, 26, 80, 57}, {129, 146, 30, 242}},
      {{190, 240, 126, 194}, {52, 127, 6, 110}, {121, 184, 66, 220}},
      {{208, 143, 93, 199}, {81, 36, 71, 227}, {92, 45, 73, 249}},
      {{64, 67, 0, 2}, {107, 110, 84, 85}, {106, 109, 83, 86}},
      {{148, 160, 101, 104}, {93, 100, 196, 152}, {105, 113, 175, 194}},
  };
  for (const Case& c : cases) {
    Rgba8 got = alpha_composite(c.dst, c.src);
    INFO("got " << int(got.r) << "," << int(got.g) << "," << int(got.b) << "," << int(got.a));
    CHECK(got == c.expected);
  }
}

TEST_CASE("a source with alpha 0 leaves the destination untouched, colour included",
          "[overlay][alpha]") {
  CHECK(alpha_composite({1, 2, 3, 0}, {200, 200, 200, 0}) == Rgba8{1, 2, 3, 0});
  CHECK(alpha_composite({9, 8, 7, 6}, {200, 200, 200, 0}) == Rgba8{9, 8, 7, 6});
}

TEST_CASE("compositing over opaque grey equals the general formula for every grey and alpha",
          "[overlay][alpha]") {
  const Rgba8 colors[] = {{254, 106, 134, 0}, {0, 0, 0, 0}, {255, 255, 255, 0}, {31, 119, 180, 0}};
  for (Rgba8 c : colors)
    for (int a = 0; a < 256; ++a)
      for (int g = 0; g < 256; ++g) {
        Rgba8 src{c.r, c.g, c.b, static_cast<std::uint8_t>(a)};
        auto grey = static_cast<std::uint8_t>(g);
        REQUIRE(composite_over_grey(grey, src) == alpha_composite({grey, grey, grey, 255}, src));
      }
}
