// Histograms against numpy.histogram (make_truths.py), and the integer-snapped range.
#include "imagery/rendering/histogram.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "rendering/rendering_truths.h"

using namespace imagery;

namespace {
// One channel of an array as its own array.
Array channel_of(const Array& a, int c) {
  const Shape4 s = a.shape();
  Array out(a.dtype(), {s.x, s.y, s.z, 1});
  const std::size_t bytes = static_cast<std::size_t>(s.x * s.y * s.z) * a.element_size();
  std::memcpy(out.bytes(), a.bytes() + bytes * static_cast<std::size_t>(c), bytes);
  return out;
}
}  // namespace

TEST_CASE("histograms equal numpy.histogram's counts and edges exactly", "[rendering][histogram]") {
  const nlohmann::json truths = testing::rendering_truths();
  for (const auto& t : truths["histograms"]) {
    const Array a = channel_of(testing::rendering_array(t["input"]), t["channel"]);
    rendering::HistogramOptions o;
    o.bins = t["bins"];
    if (!t["range"].is_null()) {
      o.range = rendering::HistogramOptions::Range::kGiven;
      o.min = t["range"][0];
      o.max = t["range"][1];
    }
    const auto h = rendering::histogram(a, o);
    INFO(t.dump());
    REQUIRE(h.size() == 1);
    CHECK(h[0].counts == t["counts"].get<std::vector<std::uint64_t>>());
    CHECK(h[0].edges == t["edges"].get<std::vector<double>>());
  }
}

TEST_CASE("every channel gets its own histogram with its min and max", "[rendering][histogram]") {
  const Array a = testing::rendering_array("u8");
  const auto h = rendering::histogram(a, {});
  REQUIRE(h.size() == 2);
  for (int c = 0; c < 2; ++c) {
    CHECK(h[c].channel == c);
    CHECK(h[c].total() == 9u * 7 * 5);
    CHECK(h[c].edges.front() == h[c].min);
    CHECK(h[c].edges.back() == h[c].max);
  }
}

TEST_CASE("round snaps integer bins: uint8 in 256 bins is one bin per value",
          "[rendering][histogram]") {
  Array a(DataType::kUint8, {4, 1, 1, 1});
  const std::uint8_t v[] = {0, 7, 7, 255};
  std::memcpy(a.bytes(), v, 4);
  rendering::HistogramOptions o;
  o.range = rendering::HistogramOptions::Range::kRound;
  const auto h = rendering::histogram(a, o)[0];
  REQUIRE(h.counts.size() == 256);
  CHECK(h.counts[0] == 1);
  CHECK(h.counts[7] == 2);
  CHECK(h.counts[255] == 1);
  CHECK(h.edges[7] == 7);
  CHECK(h.edges[256] == 256);
  // 10 bins over 0..255: width ceil(256 / 10) = 26, integer edges.
  o.bins = 10;
  const auto h10 = rendering::histogram(a, o)[0];
  CHECK(h10.edges[1] == 26);
  CHECK(h10.counts[0] == 3);
  CHECK(h10.counts[9] == 1);
}

TEST_CASE("a flat channel widens by half a unit as numpy does; bad options are refused",
          "[rendering][histogram]") {
  Array a(DataType::kUint16, {3, 1, 1, 1});
  for (int i = 0; i < 3; ++i) a.at<std::uint16_t>(i, 0, 0) = 40;
  rendering::HistogramOptions o;
  o.bins = 2;
  const auto h = rendering::histogram(a, o)[0];
  CHECK(h.edges == std::vector<double>{39.5, 40, 40.5});
  CHECK(h.counts == std::vector<std::uint64_t>{0, 3});  // 40 is the last bin's left edge
  o.bins = 0;
  CHECK_THROWS_AS(rendering::histogram(a, o), Error);
  o.bins = 4;
  o.range = rendering::HistogramOptions::Range::kGiven;
  o.min = 5;
  o.max = 5;
  CHECK_THROWS_AS(rendering::histogram(a, o), Error);
}
