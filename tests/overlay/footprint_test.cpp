// Objects through a slab: one section draws exactly what composite_overlay draws; through
// several, each object's footprint is the union of its voxels and later objects go over earlier
// ones where footprints overlap.
#include "imagery/overlay/footprint.h"

#include <catch2/catch.hpp>

#include "imagery/overlay/internal/alpha_composite.h"
#include "imagery/overlay/style.h"

using namespace imagery;
using overlay::Image;
using overlay::OverlayStyle;

namespace {

Array labels(std::int64_t w, std::int64_t h, std::int64_t z) {
  Array a = Array::zeros(DataType::kUint32, {w, h, z, 1});
  return a;
}

std::int64_t differing_pixels(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.channels != b.channels) return -1;
  std::int64_t n = 0;
  for (std::size_t i = 0; i < a.pixels.size(); i += static_cast<std::size_t>(a.channels))
    n += std::memcmp(&a.pixels[i], &b.pixels[i], static_cast<std::size_t>(a.channels)) != 0;
  return n;
}

}  // namespace

TEST_CASE("one section: footprints draw exactly what composite_overlay draws",
          "[overlay][footprint]") {
  Array seg = labels(40, 30, 1);
  Array img(DataType::kUint8, {40, 30, 1, 1});
  for (std::int64_t y = 0; y < 30; ++y)
    for (std::int64_t x = 0; x < 40; ++x) {
      seg.at<std::uint32_t>(x, y, 0) = (x < 15 ? 3 : x < 28 ? 9 : 0) * (y > 4 && y < 25);
      img.at<std::uint8_t>(x, y, 0) = static_cast<std::uint8_t>(x * 5 + y);
    }
  seg.at<std::uint32_t>(33, 10, 0) = 12;
  for (bool outline : {false, true})
    for (auto side : {overlay::Side::kOut, overlay::Side::kIn})
      for (bool merge : {false, true}) {
        OverlayStyle style;
        style.composite.outline = outline;
        style.composite.side = side;
        style.composite.width = 3;
        style.composite.merge_outline = merge;
        style.composite.alpha = 0.6;
        for (const Array* imagery :
             {static_cast<const Array*>(nullptr), static_cast<const Array*>(&img)}) {
          const Image a = overlay::composite_footprints(seg, imagery, style);
          const Image b = overlay::composite_overlay(seg, imagery, style, false)[0];
          INFO("outline " << outline << " side " << static_cast<int>(side) << " merge " << merge
                          << " imagery " << (imagery != nullptr));
          CHECK(differing_pixels(a, b) == 0);
        }
      }
}

TEST_CASE("through a slab each object's footprint is the union of its sections, later over earlier",
          "[overlay][footprint]") {
  Array seg = labels(10, 4, 3);
  // Object 5 at x 0..5 in section 0 and x 2..7 in section 2; object 8 at x 4..9 in section 1.
  for (std::int64_t y = 0; y < 4; ++y) {
    for (std::int64_t x = 0; x < 5; ++x) seg.at<std::uint32_t>(x, y, 0) = 5;
    for (std::int64_t x = 2; x < 7; ++x) seg.at<std::uint32_t>(x, y, 2) = 5;
    for (std::int64_t x = 4; x < 9; ++x) seg.at<std::uint32_t>(x, y, 1) = 8;
  }
  OverlayStyle style;
  style.composite.alpha = 0.5;
  style.colors.by_rank = {{255, 0, 0}, {0, 0, 255}};  // 5 red, 8 blue
  const Image p = overlay::composite_footprints(seg, nullptr, style);
  using overlay::Rgba8;
  const Rgba8 red = overlay::alpha_composite({}, {255, 0, 0, 127});
  const Rgba8 both = overlay::alpha_composite(red, {0, 0, 255, 127});
  const Rgba8 blue = overlay::alpha_composite({}, {0, 0, 255, 127});
  auto at = [&](int x) {
    const std::uint8_t* q = p.pixels.data() + 4 * (x + 10);  // row 1
    return Rgba8{q[0], q[1], q[2], q[3]};
  };
  CHECK(at(1) == red);   // object 5 only (section 0)
  CHECK(at(5) == both);  // 5 (sections 0 and 2) under 8
  CHECK(at(6) == both);  // 5 from section 2 only, still under 8
  CHECK(at(8) == blue);
  CHECK(at(9) == Rgba8{});
  // Over grey imagery every pixel is opaque.
  Array img(DataType::kUint8, {10, 4, 1, 1});
  std::memset(img.bytes(), 100, 40);
  const Image over = overlay::composite_footprints(seg, &img, style);
  CHECK(over.pixels[4 * 19 + 3] == 255);
  CHECK(over.pixels[4 * 19] == 100);
  // Imagery that is not one section of the slab's size is refused.
  Array wrong(DataType::kUint8, {10, 4, 3, 1});
  CHECK_THROWS_AS(overlay::composite_footprints(seg, &wrong, style), Error);
}
