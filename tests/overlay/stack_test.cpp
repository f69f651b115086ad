// stack_images: canvas size, white gaps, alignment, alpha dropped, grey spread to RGB.
#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/stack.h"

using namespace imagery;
using overlay::Image;

namespace {
Image filled(std::uint32_t w, std::uint32_t h, int channels, std::vector<std::uint8_t> value) {
  Image im(w, h, channels);
  for (std::size_t i = 0; i < static_cast<std::size_t>(w) * h; ++i)
    std::copy(value.begin(), value.end(),
              im.pixels.begin() + static_cast<std::ptrdiff_t>(i * channels));
  return im;
}
std::vector<int> rgb_at(const Image& im, std::uint32_t x, std::uint32_t y) {
  const std::uint8_t* p = im.pixel(x, y);
  return {p[0], p[1], p[2]};
}
}  // namespace

TEST_CASE("horizontal stacks are top aligned with white gaps and no alpha", "[overlay][stack]") {
  Image a = filled(2, 3, 4, {10, 20, 30, 0});  // alpha 0 is dropped, not blended
  Image b = filled(3, 1, 1, {77});             // grey spreads to r = g = b
  Image out = overlay::stack_images({a, b}, overlay::Direction::kHorizontal, 4);
  CHECK(out.channels == 3);
  CHECK(out.width == 2 + 4 + 3);
  CHECK(out.height == 3);
  CHECK(rgb_at(out, 1, 2) == std::vector<int>{10, 20, 30});
  CHECK(rgb_at(out, 2, 0) == std::vector<int>{255, 255, 255});  // the gap
  CHECK(rgb_at(out, 6, 0) == std::vector<int>{77, 77, 77});
  CHECK(rgb_at(out, 6, 1) == std::vector<int>{255, 255, 255});  // below the shorter picture
}

TEST_CASE("vertical stacks are left aligned", "[overlay][stack]") {
  Image a = filled(1, 2, 3, {1, 2, 3});
  Image b = filled(3, 2, 2, {9, 128});
  Image out = overlay::stack_images({a, b}, overlay::Direction::kVertical, 1);
  CHECK(out.width == 3);
  CHECK(out.height == 2 + 1 + 2);
  CHECK(rgb_at(out, 0, 1) == std::vector<int>{1, 2, 3});
  CHECK(rgb_at(out, 2, 1) == std::vector<int>{255, 255, 255});
  CHECK(rgb_at(out, 0, 2) == std::vector<int>{255, 255, 255});
  CHECK(rgb_at(out, 2, 4) == std::vector<int>{9, 9, 9});
}

TEST_CASE("stacking nothing, or with negative spacing, is an error", "[overlay][stack]") {
  CHECK_THROWS_AS(overlay::stack_images({}, overlay::Direction::kVertical, 1), Error);
  CHECK_THROWS_AS(overlay::stack_images({Image(1, 1, 3)}, overlay::Direction::kVertical, -1),
                  Error);
  CHECK_FALSE(overlay::parse_direction("diagonal"));
}

TEST_CASE("RGB output drops alpha over imagery and flattens on black without it",
          "[overlay][image]") {
  Image rgba = filled(1, 1, 4, {200, 100, 50, 51});
  CHECK(rgb_at(overlay::drop_alpha(rgba), 0, 0) == std::vector<int>{200, 100, 50});
  // Pillow: alpha_composite((0,0,0,255), (200,100,50,51)) = (40, 20, 10, 255).
  CHECK(rgb_at(overlay::flatten_on_black(rgba), 0, 0) == std::vector<int>{40, 20, 10});
  Image la = filled(1, 1, 2, {60, 7});
  Image up = overlay::to_rgba(la);
  CHECK(std::vector<int>(up.pixels.begin(), up.pixels.end()) == std::vector<int>{60, 60, 60, 7});
}
