// The colour model against the formula as NumPy computes it (make_truths.py), greyscale, lookup
// tables, and the channel and layer settings as written on the command line.
#include "imagery/rendering/channel_model.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "imagery/rendering/lookup_table.h"
#include "rendering/rendering_truths.h"

using namespace imagery;
using overlay::DisplayWindow;
using rendering::ChannelColor;

TEST_CASE("the colour model adds windowed channels in their colours, as the formula gives",
          "[rendering][channels]") {
  const Array u16 = testing::rendering_array("u16");
  const Array truth = testing::rendering_array("u16_color");
  std::vector<rendering::ChannelDraw> draws(2);
  draws[0] = {&u16, 0, 1000, 40000, rendering::parse_channel_color("#ff0000", "c"), false, 1};
  draws[1] = {&u16, 1, 500, 60000, rendering::parse_channel_color("#00ff80", "c"), true, 1};
  ThreadPool pool(2);
  const Array got = rendering::render_color(draws, &pool);
  REQUIRE(got.shape() == truth.shape());
  CHECK(testing::differing_elements(got, truth) == 0);
}

TEST_CASE("greyscale is round(255 f) of the first channel; flat windows and NaN",
          "[rendering][channels]") {
  Array a(DataType::kFloat32, {5, 1, 1, 1});
  const float v[] = {-1, 0.25f, 0.5f, 2, NAN};
  std::memcpy(a.bytes(), v, sizeof v);
  rendering::ChannelDraw d{&a, 0, 0, 1, {}, false, 1};
  const Array g = rendering::render_greyscale(d);
  const std::vector<std::uint8_t> got(g.data<std::uint8_t>(), g.data<std::uint8_t>() + 5);
  // 255 * 0.25 = 63.75 -> 64; 127.5 -> 128 (ties to even).
  CHECK(got == std::vector<std::uint8_t>{0, 64, 128, 255, 0});
  d.invert = true;
  const Array inv = rendering::render_greyscale(d);
  CHECK(inv.at<std::uint8_t>(0, 0, 0) == 255);
  CHECK(inv.at<std::uint8_t>(1, 0, 0) == 191);
  d = {&a, 0, 0.5, 0.5, {}, false, 1};  // flat: above is white
  const Array flat = rendering::render_greyscale(d);
  CHECK(flat.at<std::uint8_t>(2, 0, 0) == 0);
  CHECK(flat.at<std::uint8_t>(3, 0, 0) == 255);
}

TEST_CASE("lookup tables: viridis and fire at their ends and middle; a LUT adds its entry",
          "[rendering][channels]") {
  const rendering::LookupTable* viridis = rendering::lookup_table("viridis");
  REQUIRE(viridis);
  CHECK((*viridis)[0] == palettes::Rgb8{0x44, 0x01, 0x54});
  CHECK((*viridis)[128] == palettes::Rgb8{0x21, 0x91, 0x8c});
  CHECK((*viridis)[255] == palettes::Rgb8{0xfd, 0xe7, 0x25});
  const rendering::LookupTable* fire = rendering::lookup_table("fire");
  REQUIRE(fire);
  CHECK((*fire)[0] == palettes::Rgb8{0, 0, 0});
  CHECK((*fire)[255] == palettes::Rgb8{255, 255, 255});
  // ImageJ's interpolation: entry 4 is halfway between control points 0 and 1 (b: 0 and 61).
  CHECK((*fire)[4].b == 30);
  CHECK(rendering::lut_index(0) == 0);
  CHECK(rendering::lut_index(0.5) == 128);
  CHECK(rendering::lut_index(1) == 255);
  Array a(DataType::kUint8, {3, 1, 1, 1});
  const std::uint8_t v[] = {0, 128, 255};
  std::memcpy(a.bytes(), v, 3);
  const Array rgb = rendering::render_color(
      {{&a, 0, 0, 256, rendering::parse_channel_color("viridis", "c"), false, 1}});
  CHECK(rgb.at<std::uint8_t>(1, 0, 0, 0) == 0x21);  // f = 0.5 -> entry 128
  CHECK(rgb.at<std::uint8_t>(1, 0, 0, 1) == 0x91);
  CHECK(rgb.at<std::uint8_t>(0, 0, 0, 2) == 0x54);
}

TEST_CASE("colour names are pure colours; others parse as colours elsewhere do",
          "[rendering][channels]") {
  CHECK(rendering::parse_channel_color("green", "c").rgb == palettes::Rgb8{0, 255, 0});
  CHECK(rendering::parse_channel_color("grey", "c").rgb == palettes::Rgb8{255, 255, 255});
  CHECK(rendering::parse_channel_color("#102030", "c").rgb == palettes::Rgb8{0x10, 0x20, 0x30});
  CHECK(rendering::parse_channel_color("orange", "c").rgb == palettes::Rgb8{255, 165, 0});
  CHECK(rendering::parse_channel_color("fire", "c").lut == "fire");
  CHECK_THROWS_WITH(rendering::parse_channel_color("plaid", "--channel color"),
                    Catch::Contains("--channel color") && Catch::Contains("viridis"));
  CHECK(rendering::standard_channel_color(0, 1).rgb == palettes::Rgb8{255, 255, 255});
  CHECK(rendering::standard_channel_color(1, 3).rgb == palettes::Rgb8{0, 255, 0});
  CHECK(rendering::standard_channel_color(3, 5).rgb == palettes::Rgb8{0, 255, 255});
}

TEST_CASE("channel settings (--channel) parse and print back, percentile windows included",
          "[rendering][channels]") {
  const auto s =
      rendering::parse_channel_setting("2:window=p:1,99.5:color=magenta:invert", "--channel");
  CHECK(s.index == 2);
  REQUIRE(s.window);
  CHECK(s.window->mode == DisplayWindow::Mode::kPercentile);
  CHECK(s.window->max == 99.5);
  CHECK(s.color->rgb == palettes::Rgb8{255, 0, 255});
  CHECK(s.invert);
  CHECK(rendering::parse_channel_setting(rendering::channel_setting_text(s), "x") == s);
  const auto plain = rendering::parse_channel_setting("0", "--channel");
  CHECK_FALSE(plain.window);
  CHECK(rendering::channel_setting_text(plain) == "0");
  CHECK(rendering::parse_channel_setting("1:window=100,900", "x").window->min == 100);
  for (const char* bad : {"", "-1", "x", "1:colour", "1:window=5", "1:gamma=2"})
    CHECK_THROWS_WITH(rendering::parse_channel_setting(bad, "--channel"),
                      Catch::Contains("--channel"));
}

TEST_CASE("layer settings (--layer) take options off the end of URLs with colons",
          "[rendering][channels]") {
  const auto l = rendering::parse_layer_setting(
      "precomputed://https://example.org:8080/prob:window=p:2,98:color=magenta:opacity=0.5",
      "--layer");
  CHECK(l.url == "precomputed://https://example.org:8080/prob");
  CHECK(l.window->mode == DisplayWindow::Mode::kPercentile);
  CHECK(l.color->rgb == palettes::Rgb8{255, 0, 255});
  CHECK(l.opacity == 0.5);
  CHECK(rendering::parse_layer_setting(rendering::layer_setting_text(l), "x") == l);
  CHECK(rendering::parse_layer_setting("gs://bucket/em", "x").url == "gs://bucket/em");
  CHECK(rendering::parse_layer_setting("/data/prob:channel=1", "x").channel == 1);
  CHECK_THROWS_WITH(rendering::parse_layer_setting("/p:opacity=2", "--layer"),
                    Catch::Contains("opacity"));
  CHECK_THROWS_AS(rendering::parse_layer_setting(":color=red", "--layer"), Error);
}

TEST_CASE("channels to draw must match in size and exist", "[rendering][channels]") {
  Array a(DataType::kUint8, {2, 2, 1, 1}), b(DataType::kUint8, {3, 2, 1, 1});
  a.fill_zero();
  b.fill_zero();
  CHECK_THROWS_AS(
      rendering::render_color({{&a, 0, 0, 1, {}, false, 1}, {&b, 0, 0, 1, {}, false, 1}}), Error);
  CHECK_THROWS_AS(rendering::render_color({{&a, 1, 0, 1, {}, false, 1}}), Error);
  CHECK_THROWS_AS(rendering::render_color({}), Error);
}
