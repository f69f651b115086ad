// The raster renderer: pictures copied exactly, shapes on pixel edges exact, clips, text where
// measure_text says, and scaled output sampled by the documented rules.
#include "imagery/graphics/raster_renderer.h"

#include <catch2/catch.hpp>
#include <random>

#include "graphics/graphics_test_support.h"
#include "imagery/core/error.h"
#include "imagery/graphics/text.h"
#include "imagery/overlay/internal/alpha_composite.h"
#include "overlay/overlay_test_support.h"

using namespace imagery;
using namespace imagery::graphics;
using imagery::testing::pixel_difference;

namespace {

std::shared_ptr<overlay::Image> random_image(std::uint32_t w, std::uint32_t h, int channels,
                                             unsigned seed) {
  auto im = std::make_shared<overlay::Image>(w, h, channels);
  std::mt19937 rng(seed);
  for (auto& p : im->pixels) p = static_cast<std::uint8_t>(rng());
  return im;
}

Scene image_scene(std::shared_ptr<const overlay::Image> im) {
  Scene s;
  s.width = im->width;
  s.height = im->height;
  s.items.push_back(ImageItem{im, 0, 0, double(im->width), double(im->height), "imagery"});
  return s;
}

// Pixels of `im` (RGBA) that are not `value` inside [x0,x1)x[y0,y1), or outside it when `inside`
// is false.
std::size_t count_not(const overlay::Image& im, overlay::Rgba8 value, int x0, int y0, int x1,
                      int y1, bool inside) {
  std::size_t n = 0;
  for (std::uint32_t y = 0; y < im.height; ++y)
    for (std::uint32_t x = 0; x < im.width; ++x) {
      const bool in = int(x) >= x0 && int(x) < x1 && int(y) >= y0 && int(y) < y1;
      if (in != inside) continue;
      const std::uint8_t* p = im.pixel(x, y);
      n += !(p[0] == value.r && p[1] == value.g && p[2] == value.b && p[3] == value.a);
    }
  return n;
}

struct InkBox {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;  // inclusive
};
InkBox ink(const overlay::Image& im) {
  InkBox b;
  for (std::uint32_t y = 0; y < im.height; ++y)
    for (std::uint32_t x = 0; x < im.width; ++x)
      if (im.pixel(x, y)[3] != 0) {
        b.x0 = std::min(b.x0, int(x)), b.x1 = std::max(b.x1, int(x));
        b.y0 = std::min(b.y0, int(y)), b.y1 = std::max(b.y1, int(y));
      }
  return b;
}

}  // namespace

TEST_CASE("an image alone renders back bit-exactly, semi-transparent pixels included",
          "[graphics][raster]") {
  for (int channels : {1, 2, 3, 4}) {
    INFO(channels << " channels");
    auto im = random_image(67, 45, channels, 11 + channels);
    if (channels == 4) {  // every alpha, and transparent pixels with colour
      for (std::size_t i = 0; i < im->pixels.size() / 4; ++i)
        im->pixels[i * 4 + 3] = static_cast<std::uint8_t>(i % 256);
    }
    overlay::Image got = render_raster(image_scene(im));
    CHECK(pixel_difference(got, overlay::to_rgba(*im)) == "");
  }
}

TEST_CASE("an image over a background is composited with Pillow's alpha_composite",
          "[graphics][raster]") {
  auto im = random_image(20, 10, 4, 5);
  Scene s;
  s.width = 30;
  s.height = 20;
  s.background = Color{10, 200, 30, 128};
  s.items.push_back(ImageItem{im, 5, 7, 20, 10, ""});
  overlay::Image got = render_raster(s);
  overlay::Image expected(30, 20, 4);
  for (std::uint32_t y = 0; y < 20; ++y)
    for (std::uint32_t x = 0; x < 30; ++x) {
      overlay::Rgba8 v{10, 200, 30, 128};
      if (x >= 5 && x < 25 && y >= 7 && y < 17) {
        const std::uint8_t* p = im->pixel(x - 5, y - 7);
        v = overlay::alpha_composite(v, {p[0], p[1], p[2], p[3]});
      }
      std::uint8_t* q = expected.pixel(x, y);
      q[0] = v.r, q[1] = v.g, q[2] = v.b, q[3] = v.a;
    }
  CHECK(pixel_difference(got, expected) == "");
}

TEST_CASE("a filled rectangle on pixel edges gives exact pixels", "[graphics][raster]") {
  for (Color c : {Color{255, 0, 0, 255}, Color{200, 100, 50, 128}, Color{3, 4, 5, 1}}) {
    INFO("colour " << int(c.r) << "," << int(c.g) << "," << int(c.b) << "," << int(c.a));
    Scene s;
    s.width = 40;
    s.height = 40;
    PathItem p;
    p.subpaths = {testing::rect(10, 12, 25, 30)};
    p.fill = c;
    s.items.push_back(p);
    overlay::Image got = render_raster(s);
    CHECK(count_not(got, {c.r, c.g, c.b, c.a}, 10, 12, 25, 30, true) == 0);
    CHECK(count_not(got, {0, 0, 0, 0}, 10, 12, 25, 30, false) == 0);

    // Over grey imagery: exactly the compositor's "over" of the colour.
    auto grey = std::make_shared<overlay::Image>(40, 40, 1);
    for (std::size_t i = 0; i < grey->pixels.size(); ++i)
      grey->pixels[i] = static_cast<std::uint8_t>(i * 7);
    s.items.insert(s.items.begin(), ImageItem{grey, 0, 0, 40, 40, ""});
    got = render_raster(s);
    std::size_t wrong = 0;
    for (std::uint32_t y = 0; y < 40; ++y)
      for (std::uint32_t x = 0; x < 40; ++x) {
        const std::uint8_t g = *grey->pixel(x, y);
        const bool inside = x >= 10 && x < 25 && y >= 12 && y < 30;
        const overlay::Rgba8 want = inside ? overlay::composite_over_grey(g, {c.r, c.g, c.b, c.a})
                                           : overlay::Rgba8{g, g, g, 255};
        const std::uint8_t* q = got.pixel(x, y);
        wrong += !(q[0] == want.r && q[1] == want.g && q[2] == want.b && q[3] == want.a);
      }
    CHECK(wrong == 0);
  }
}

TEST_CASE("a clipped stroke marks only inside its clip", "[graphics][raster]") {
  Scene s;
  s.width = 60;
  s.height = 60;
  PathItem band;
  band.subpaths = {testing::rect(10, 10, 50, 50)};
  band.stroke = Stroke{Color{0, 0, 255, 255}, 8, LineJoin::kMiter, LineCap::kButt, 10};
  band.clip = Region{{testing::rect(10, 10, 50, 50)}, FillRule::kEvenOdd};
  s.items.push_back(band);
  overlay::Image got = render_raster(s);
  CHECK(count_not(got, {0, 0, 0, 0}, 10, 10, 50, 50, false) == 0);  // nothing outside
  // A 4-pixel band inside the edge, exactly; nothing in the middle.
  CHECK(count_not(got, {0, 0, 255, 255}, 10, 10, 50, 14, true) == 0);
  CHECK(count_not(got, {0, 0, 255, 255}, 10, 10, 14, 50, true) == 0);
  CHECK(count_not(got, {0, 0, 0, 0}, 14, 14, 46, 46, true) == 0);

  // Clipped to the outside (a hole in a big rectangle): the band lies outside the edge.
  band.clip =
      Region{{testing::rect(0, 0, 60, 60), testing::rect(10, 10, 50, 50)}, FillRule::kEvenOdd};
  s.items.clear();
  s.items.push_back(band);
  got = render_raster(s);
  CHECK(count_not(got, {0, 0, 0, 0}, 10, 10, 50, 50, true) == 0);
  CHECK(count_not(got, {0, 0, 255, 255}, 6, 6, 54, 10, true) == 0);
}

TEST_CASE("text is drawn where measure_text says", "[graphics][raster][text]") {
  for (bool bold : {false, true})
    for (TextAnchor anchor : {TextAnchor::kStart, TextAnchor::kMiddle, TextAnchor::kEnd}) {
      INFO((bold ? "bold" : "regular") << ", anchor " << int(anchor));
      Scene s;
      s.width = 200;
      s.height = 60;
      TextItem t;
      t.text = "100 \u00b5m";
      t.x = 100;
      t.y = 40;
      t.size = 20;
      t.bold = bold;
      t.anchor = anchor;
      t.fill = Color{255, 255, 255, 255};
      s.items.push_back(t);
      const TextExtents e = measure_text(t.text, t.size, bold);
      REQUIRE(e.width > 40);
      const double start = anchor == TextAnchor::kStart    ? t.x
                           : anchor == TextAnchor::kMiddle ? t.x - e.width / 2
                                                           : t.x - e.width;
      const InkBox b = ink(render_raster(s));
      REQUIRE(b.x1 >= 0);
      // The ink lies within the advance (give or take the side bearings and a pixel of
      // antialiasing) and spans ascent + descent around the baseline.
      CHECK(b.x0 >= std::floor(start) - 1);
      CHECK(b.x0 <= start + 3);
      CHECK(b.x1 <= std::ceil(start + e.width) + 1);
      CHECK(b.x1 >= start + e.width - 4);
      CHECK(b.y0 == Approx(t.y - e.ascent).margin(1));
      CHECK(b.y1 + 1 == Approx(t.y + e.descent).margin(1));
    }
}

TEST_CASE("a text halo surrounds the glyphs", "[graphics][raster][text]") {
  Scene s;
  s.width = 120;
  s.height = 50;
  TextItem t;
  t.text = "Ag";
  t.x = 10;
  t.y = 35;
  t.size = 24;
  t.fill = Color{255, 255, 255, 255};
  s.items.push_back(t);
  const InkBox plain = ink(render_raster(s));
  t.halo = Stroke{Color{0, 0, 0, 255}, 4, LineJoin::kRound, LineCap::kRound, 10};
  s.items.clear();
  s.items.push_back(t);
  const overlay::Image haloed = render_raster(s);
  const InkBox h = ink(haloed);
  CHECK(h.x0 == Approx(plain.x0 - 2).margin(1));
  CHECK(h.x1 == Approx(plain.x1 + 2).margin(1));
  CHECK(h.y0 == Approx(plain.y0 - 2).margin(1));
  CHECK(h.y1 == Approx(plain.y1 + 2).margin(1));
  // Dark pixels (the halo) and white ones (the glyphs, drawn over it) both show.
  std::size_t white = 0, black = 0;
  for (std::uint32_t y = 0; y < haloed.height; ++y)
    for (std::uint32_t x = 0; x < haloed.width; ++x) {
      const std::uint8_t* p = haloed.pixel(x, y);
      white += p[3] == 255 && p[0] == 255;
      black += p[3] == 255 && p[0] == 0;
    }
  CHECK(white > 50);
  CHECK(black > 50);
}

TEST_CASE("at scale 2 images are enlarged by nearest neighbour", "[graphics][raster]") {
  auto im = random_image(31, 17, 4, 3);
  Scene s = image_scene(im);
  overlay::Image got = render_raster(s, {2});
  REQUIRE(got.width == 62);
  REQUIRE(got.height == 34);
  overlay::Image expected(62, 34, 4);
  for (std::uint32_t y = 0; y < 34; ++y)
    for (std::uint32_t x = 0; x < 62; ++x)
      std::memcpy(expected.pixel(x, y), im->pixel(x / 2, y / 2), 4);
  CHECK(pixel_difference(got, expected) == "");

  // A picture drawn at three times its size at a fractional position: nearest pixel centres.
  auto grey = random_image(5, 4, 1, 9);
  Scene t;
  t.width = 20;
  t.height = 20;
  t.items.push_back(ImageItem{grey, 2.5, 1.5, 15, 12, ""});
  got = render_raster(t);
  std::size_t wrong = 0;
  for (std::uint32_t y = 0; y < 20; ++y)
    for (std::uint32_t x = 0; x < 20; ++x) {
      const double cx = x + 0.5 - 2.5, cy = y + 0.5 - 1.5;
      const std::uint8_t* p = got.pixel(x, y);
      if (cx < 0 || cy < 0 || cx >= 15 || cy >= 12) {
        wrong += p[3] != 0;
        continue;
      }
      const std::uint8_t g =
          *grey->pixel(static_cast<std::uint32_t>(cx / 3), static_cast<std::uint32_t>(cy / 3));
      wrong += !(p[0] == g && p[1] == g && p[2] == g && p[3] == 255);
    }
  CHECK(wrong == 0);
}

TEST_CASE("shrunk images are area averaged", "[graphics][raster]") {
  auto im = std::make_shared<overlay::Image>(4, 2, 2);  // grey + alpha
  // Two 2x2 blocks: one of 0/100/200/255 opaque, one half transparent (colour only from the
  // opaque pixels).
  const std::uint8_t px[] = {0,   255, 100, 255, 50, 0,   90,  255,
                             200, 255, 255, 255, 70, 255, 110, 255};
  std::memcpy(im->pixels.data(), px, sizeof px);
  Scene s = image_scene(im);
  overlay::Image got = render_raster(s, {0.5});
  REQUIRE(got.width == 2);
  REQUIRE(got.height == 1);
  const std::uint8_t* a = got.pixel(0, 0);
  CHECK(int(a[0]) == 139);  // (0 + 100 + 200 + 255) / 4 = 138.75
  CHECK(int(a[3]) == 255);
  const std::uint8_t* b = got.pixel(1, 0);
  CHECK(int(b[0]) == 90);   // (90 + 70 + 110) / 3: the transparent pixel lends no colour
  CHECK(int(b[3]) == 191);  // 3/4 of 255
}

TEST_CASE("pixels no item touches keep the picture's values", "[graphics][raster]") {
  testing::PixelBox untouched{160, 150, 250, 190};
  Scene s = testing::figure_scene();
  overlay::Image got = render_raster(s);
  const auto& noise = *std::get<ImageItem>(s.items[0]).image;
  std::size_t wrong = 0;
  for (int y = untouched.y0; y < untouched.y1; ++y)
    for (int x = untouched.x0; x < untouched.x1; ++x) {
      const std::uint8_t g = *noise.pixel(x, y);
      const std::uint8_t* p = got.pixel(x, y);
      wrong += !(p[0] == g && p[1] == g && p[2] == g && p[3] == 255);
    }
  CHECK(wrong == 0);
}

TEST_CASE("images partly or wholly off the canvas are cut, not wrapped", "[graphics][raster]") {
  auto im = random_image(12, 12, 3, 8);
  Scene s;
  s.width = 8;
  s.height = 8;
  s.items.push_back(ImageItem{im, -3, -2, 12, 12, ""});  // covers the canvas and more
  s.items.push_back(ImageItem{im, 1e30, 0, 12, 12, ""});
  s.items.push_back(ImageItem{im, -20, 0, 12, 12, ""});
  overlay::Image got = render_raster(s);
  overlay::Image expected(8, 8, 4);
  for (std::uint32_t y = 0; y < 8; ++y)
    for (std::uint32_t x = 0; x < 8; ++x) {
      std::memcpy(expected.pixel(x, y), im->pixel(x + 3, y + 2), 3);
      expected.pixel(x, y)[3] = 255;
    }
  CHECK(pixel_difference(got, expected) == "");
}

TEST_CASE("bad scene sizes and scales are errors", "[graphics][raster]") {
  Scene s;
  s.width = 10;
  s.height = 10;
  CHECK_THROWS_AS(render_raster(s, {0}), Error);
  CHECK_THROWS_AS(render_raster(s, {-1}), Error);
  CHECK_THROWS_AS(render_raster(s, {std::nan("")}), Error);
  Scene nan_path = s;
  PathItem p;
  p.subpaths = {{{{1, 1}, {std::nan(""), 2}}, false}};
  p.stroke = Stroke{};
  nan_path.items.push_back(p);
  CHECK_THROWS_AS(render_raster(nan_path), Error);
  Scene nan_image = s;
  nan_image.items.push_back(ImageItem{random_image(2, 2, 1, 1), std::nan(""), 0, 2, 2, ""});
  CHECK_THROWS_AS(render_raster(nan_image), Error);
  s.width = 0;
  CHECK_THROWS_AS(render_raster(s), Error);
  s.width = 40000;
  try {
    render_raster(s);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("32767"));
  }
}
