// The parallel PNG writer: every level and channel count round-trips through libpng's reader,
// including pictures split into many strips and single pixels.
#include <catch2/catch.hpp>
#include <random>

#include "imagery/core/error.h"
#include "imagery/core/png.h"
#include "imagery/overlay/figure_png.h"
#include "overlay/overlay_test_support.h"

using namespace imagery;

namespace {
overlay::Image random_picture(std::uint32_t w, std::uint32_t h, int channels, std::mt19937& rng) {
  overlay::Image im(w, h, channels);
  // Runs of equal bytes mixed with noise, so the compressor both matches and emits literals.
  std::uint8_t v = 0;
  for (auto& p : im.pixels) {
    if (rng() % 8 == 0) v = static_cast<std::uint8_t>(rng());
    p = v;
  }
  return im;
}
}  // namespace

TEST_CASE("figure PNGs decode to the same pixels at every level and channel count",
          "[overlay][png]") {
  std::mt19937 rng(3);
  struct Size {
    std::uint32_t w, h;
  };
  for (Size s : {Size{1, 1}, Size{3, 2}, Size{700, 400}, Size{257, 1500}})
    for (int channels = 1; channels <= 4; ++channels)
      for (int level : {0, 1, 6, 9}) {
        INFO(s.w << "x" << s.h << "x" << channels << " level " << level);
        overlay::Image im = random_picture(s.w, s.h, channels, rng);
        auto bytes = overlay::encode_figure_png(im, {level});
        PngImage back = decode_png(bytes, "roundtrip");
        CHECK(back.width == s.w);
        CHECK(back.height == s.h);
        CHECK(back.channels == channels);
        REQUIRE(back.pixels.size() == im.pixels.size());
        CHECK(std::memcmp(back.pixels.data(), im.pixels.data(), im.pixels.size()) == 0);
      }
}

TEST_CASE("a higher PNG level gives a smaller file of the same picture", "[overlay][png]") {
  auto golden =
      overlay::read_figure_png(testing::data_path("imageryclient/golden/fill_256_defaults.png"));
  auto fast = overlay::encode_figure_png(golden, {1});
  auto small = overlay::encode_figure_png(golden, {9});
  auto stored = overlay::encode_figure_png(golden, {0});
  CHECK(small.size() < fast.size());
  CHECK(fast.size() < stored.size());
  CHECK(testing::pixel_difference(overlay::decode_figure_png(small, "small"), golden) == "");
}

TEST_CASE("bad PNG levels and corrupt PNG files are errors", "[overlay][png]") {
  overlay::Image im(2, 2, 3);
  CHECK_THROWS_AS(overlay::encode_figure_png(im, {10}), Error);
  CHECK_THROWS_AS(overlay::encode_figure_png(im, {-1}), Error);
  auto bytes = overlay::encode_figure_png(im, {1});
  bytes.resize(bytes.size() - 20);  // truncated inside the image data
  try {
    overlay::decode_figure_png(bytes, "cut.png");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("cut.png"));
  }
}
