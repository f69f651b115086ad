// Outline geometry against ImageryClient's binary_seg_outline (primitives.json) and against a
// literal scipy-style iteration on random masks.
#include <catch2/catch.hpp>
#include <random>

#include "imagery/overlay/composite.h"
#include "imagery/overlay/internal/distance.h"
#include "imagery/overlay/outline.h"
#include "overlay/overlay_test_support.h"
#include "overlay/reference_compositor.h"

using namespace imagery;
using imagery::testing::load_json_file;

namespace {

// A [x][y] nested list as a picture (row = y).
std::vector<std::uint8_t> picture_of(const nlohmann::json& xy, std::uint32_t& w, std::uint32_t& h) {
  w = static_cast<std::uint32_t>(xy.size());
  h = static_cast<std::uint32_t>(xy[0].size());
  std::vector<std::uint8_t> out(static_cast<std::size_t>(w) * h);
  for (std::uint32_t x = 0; x < w; ++x)
    for (std::uint32_t y = 0; y < h; ++y) out[y * w + x] = xy[x][y].get<int>() != 0;
  return out;
}

std::vector<std::uint8_t> random_mask(std::mt19937& rng, std::uint32_t w, std::uint32_t h) {
  // Blobs rather than noise, so bands of several pixels are exercised.
  std::vector<std::uint8_t> m(static_cast<std::size_t>(w) * h, 0);
  std::uniform_int_distribution<std::uint32_t> px(0, w - 1), py(0, h - 1), pr(0, 4);
  for (int b = 0; b < 4; ++b) {
    std::int64_t cx = px(rng), cy = py(rng), r = pr(rng);
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t x = 0; x < w; ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
          m[static_cast<std::size_t>(y * w + x)] = 1;
  }
  return m;
}

}  // namespace

TEST_CASE("binary outlines match ImageryClient's binary_seg_outline at widths 1-3, in and out",
          "[overlay][outline]") {
  auto doc = load_json_file("imageryclient/primitives.json");
  std::uint32_t w = 0, h = 0;
  auto mask = picture_of(doc["mask_xy"], w, h);
  REQUIRE(doc["outlines"].size() == 6);
  for (auto& [name, expected_xy] : doc["outlines"].items()) {
    INFO(name);
    overlay::Side side = name.rfind("out", 0) == 0 ? overlay::Side::kOut : overlay::Side::kIn;
    int width = name.back() - '0';
    std::uint32_t ew = 0, eh = 0;
    auto expected = picture_of(expected_xy, ew, eh);
    CHECK(overlay::binary_outline(mask.data(), w, h, width, side) == expected);
    CHECK(testing::reference_outline(mask, w, h, width, side) == expected);  // the oracle too
  }
}

TEST_CASE("inner outlines leave the picture border alone and outer ones are clipped by it",
          "[overlay][outline]") {
  // A 5x3 mask that fills the picture: no band inside (border counts as inside), none outside.
  std::vector<std::uint8_t> full(15, 1);
  CHECK(overlay::binary_outline(full.data(), 5, 3, 1, overlay::Side::kIn) ==
        std::vector<std::uint8_t>(15, 0));
  CHECK(overlay::binary_outline(full.data(), 5, 3, 1, overlay::Side::kOut) ==
        std::vector<std::uint8_t>(15, 0));
  // One pixel in the corner: the outer band of width 2 is the clipped diamond.
  std::vector<std::uint8_t> corner(15, 0);
  corner[0] = 1;
  std::vector<std::uint8_t> expected = {0, 1, 1, 0, 0,  //
                                        1, 1, 0, 0, 0,  //
                                        1, 0, 0, 0, 0};
  CHECK(overlay::binary_outline(corner.data(), 5, 3, 2, overlay::Side::kOut) == expected);
}

TEST_CASE("width 0 repeats until nothing changes, as scipy does", "[overlay][outline]") {
  std::vector<std::uint8_t> m = {0, 0, 0, 0, 0, 0,  //
                                 0, 1, 1, 0, 0, 0,  //
                                 0, 1, 1, 0, 0, 0,  //
                                 0, 0, 0, 0, 0, 0};
  // out: the dilation floods the whole picture; in: the erosion eats the whole object.
  for (auto side : {overlay::Side::kOut, overlay::Side::kIn}) {
    auto got = overlay::binary_outline(m.data(), 6, 4, 0, side);
    CHECK(got == testing::reference_outline(m, 6, 4, 0, side));
    for (std::size_t i = 0; i < m.size(); ++i)
      CHECK(got[i] == (side == overlay::Side::kOut ? !m[i] : m[i]));
  }
}

TEST_CASE("outlines of random masks equal the literal iterated dilation and erosion",
          "[overlay][outline]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 60; ++round) {
    std::uint32_t w = 1 + rng() % 23, h = 1 + rng() % 17;
    auto m = random_mask(rng, w, h);
    int width = static_cast<int>(rng() % 7);
    for (auto side : {overlay::Side::kOut, overlay::Side::kIn}) {
      INFO("round " << round << " " << w << "x" << h << " width " << width << " side "
                    << (side == overlay::Side::kOut ? "out" : "in"));
      CHECK(overlay::binary_outline(m.data(), w, h, width, side) ==
            testing::reference_outline(m, w, h, width, side));
    }
  }
}

TEST_CASE("the L1 distance transform gives city-block distances", "[overlay][outline]") {
  std::vector<std::uint8_t> seed = {0, 0, 0, 0,  //
                                    0, 0, 0, 0,  //
                                    0, 0, 0, 1};
  std::vector<std::uint32_t> d(12);
  overlay::l1_distance(seed.data(), 4, 3, d.data());
  CHECK(d == std::vector<std::uint32_t>{5, 4, 3, 2, 4, 3, 2, 1, 3, 2, 1, 0});
  std::vector<std::uint8_t> none(12, 0);
  overlay::l1_distance(none.data(), 4, 3, d.data());
  for (auto v : d) CHECK(v >= overlay::kFarAway);
}

TEST_CASE("two touching objects composite as ImageryClient draws them, merged or not, in and out",
          "[overlay][outline][composite]") {
  auto doc = load_json_file("imageryclient/primitives.json");
  const auto& t = doc["touching"];
  std::uint32_t w = 0, h = 0;
  auto a = picture_of(t["a"], w, h);
  auto b = picture_of(t["b"], w, h);
  std::vector<std::uint32_t> ranks(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) ranks[i] = a[i] ? 1 : b[i] ? 2 : 0;
  const std::vector<palettes::Rgb8> colors = {{255, 0, 0}, {0, 0, 255}};
  struct Case {
    const char* key;
    overlay::Side side;
    bool merge;
  };
  for (const Case& c : {Case{"out_merge_rgba_rows_y", overlay::Side::kOut, true},
                        Case{"out_nomerge_rgba_rows_y", overlay::Side::kOut, false},
                        Case{"in_merge_rgba_rows_y", overlay::Side::kIn, true},
                        Case{"in_nomerge_rgba_rows_y", overlay::Side::kIn, false}}) {
    INFO(c.key);
    overlay::CompositeOptions o;
    o.outline = true;
    o.alpha = 1.0;
    o.width = 1;
    o.side = c.side;
    o.merge_outline = c.merge;
    overlay::Image got = overlay::composite_picture(ranks.data(), w, h, colors, nullptr, o);
    overlay::Image expected(w, h, 4);
    const auto& rows = t[c.key];
    REQUIRE(rows.size() == h);
    for (std::uint32_t y = 0; y < h; ++y)
      for (std::uint32_t x = 0; x < w; ++x)
        for (int k = 0; k < 4; ++k) expected.pixel(x, y)[k] = rows[y][x][k].get<std::uint8_t>();
    CHECK(testing::pixel_difference(got, expected) == "");
  }
}

TEST_CASE("frame alpha truncates int(255 * alpha) like ImageryClient and wraps past 1",
          "[overlay][composite]") {
  auto doc = load_json_file("imageryclient/primitives.json");
  for (auto& [alpha, byte] : doc["alpha_byte"].items()) {
    INFO(alpha);
    CHECK(int(overlay::frame_alpha(std::stod(alpha))) == byte.get<int>());
  }
  CHECK(overlay::frame_alpha(1.2) == 50);    // int(306) as uint8
  CHECK(overlay::frame_alpha(-0.2) == 205);  // int(-51) as uint8
}
