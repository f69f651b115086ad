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

namespace {
struct Chunk {
  std::string type;
  std::size_t data_at, length;
};
// The PNG's chunks in order.
std::vector<Chunk> png_chunks(const std::vector<std::byte>& png) {
  std::vector<Chunk> out;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    std::uint32_t n = 0;
    for (int k = 0; k < 4; ++k) n = n << 8 | std::to_integer<std::uint32_t>(png[at + k]);
    out.push_back({std::string(reinterpret_cast<const char*>(png.data() + at + 4), 4), at + 8, n});
    at += 12 + n;
  }
  return out;
}
}  // namespace

TEST_CASE("a figure PNG records its dpi in pHYs, and only when asked", "[overlay][png]") {
  std::mt19937 rng(4);
  const overlay::Image im = random_picture(300, 200, 3, rng);
  const auto plain = overlay::encode_figure_png(im);
  const auto at_300 = overlay::encode_figure_png(im, {1, nullptr, 300});
  CHECK(overlay::encode_figure_png(im, {1, nullptr, 0}) == plain);
  const auto chunks = png_chunks(at_300);
  REQUIRE(chunks.size() >= 4);
  REQUIRE(chunks[1].type == "pHYs");  // right after IHDR, before the pixels
  // 300 dpi = 11811.02 pixels per metre: 11811 = 0x2E23 on both axes, unit 1 (metre).
  const unsigned char expected[] = {0, 0, 0x2E, 0x23, 0, 0, 0x2E, 0x23, 1};
  REQUIRE(chunks[1].length == sizeof expected);
  CHECK(std::memcmp(at_300.data() + chunks[1].data_at, expected, sizeof expected) == 0);
  // Nothing else changes: without the 21-byte pHYs chunk the bytes are those without a dpi.
  for (const auto& c : png_chunks(plain)) CHECK(c.type != "pHYs");
  const std::size_t ihdr_end = 8 + 25, phys = 21;
  REQUIRE(at_300.size() == plain.size() + phys);
  CHECK(std::memcmp(at_300.data(), plain.data(), ihdr_end) == 0);
  CHECK(std::memcmp(at_300.data() + ihdr_end + phys, plain.data() + ihdr_end,
                    plain.size() - ihdr_end) == 0);
  CHECK(overlay::decode_figure_png(at_300, "dpi").pixels == im.pixels);
  CHECK_THROWS_AS(overlay::encode_figure_png(im, {1, nullptr, -1}), Error);
  CHECK_THROWS_AS(overlay::encode_figure_png(im, {1, nullptr, std::nan("")}), Error);
}
