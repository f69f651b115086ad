// Imagery to grey: ImageryClient's clipping by default, explicit and automatic windows.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/overlay/display_window.h"
#include "support/test_support.h"

using namespace imagery;
using overlay::DisplayWindow;

namespace {
template <class T>
Array column(std::vector<T> values) {
  Array a(dtype_of<T>(), {static_cast<std::int64_t>(values.size()), 1, 1, 1});
  std::copy(values.begin(), values.end(), a.data<T>());
  return a;
}
}  // namespace

TEST_CASE("by default non-uint8 imagery is clipped as Pillow converts it for ImageryClient",
          "[overlay][window]") {
  // Values Pillow 9.4 printed for Image.fromarray(a.T).convert('RGBA').
  const double nan = std::numeric_limits<double>::quiet_NaN(),
               inf = std::numeric_limits<double>::infinity();
  CHECK(overlay::to_grey8(column<double>({100.7, 300, -5, 255.5, 100.99999999, nan, inf, -inf}),
                          {}) == std::vector<std::uint8_t>{100, 255, 0, 255, 101, 0, 255, 0});
  CHECK(overlay::to_grey8(column<float>({100.7f, 0.99f, 254.99f}), {}) ==
        std::vector<std::uint8_t>{100, 0, 254});
  CHECK(overlay::to_grey8(column<std::uint16_t>({100, 300, 65535, 255}), {}) ==
        std::vector<std::uint8_t>{100, 255, 255, 255});
  CHECK(overlay::to_grey8(column<std::int32_t>({-5, 70000, 17}), {}) ==
        std::vector<std::uint8_t>{0, 255, 17});
  CHECK(overlay::to_grey8(column<std::uint8_t>({0, 7, 255}), {}) ==
        std::vector<std::uint8_t>{0, 7, 255});
}

TEST_CASE("a MIN,MAX window maps linearly onto 0-255, rounded and clipped", "[overlay][window]") {
  DisplayWindow w = overlay::parse_display_window("1000,2000", "--window");
  CHECK(w.mode == DisplayWindow::Mode::kRange);
  CHECK(overlay::to_grey8(column<std::uint16_t>({0, 1000, 1500, 1502, 2000, 65535}), w) ==
        std::vector<std::uint8_t>{0, 0, 128, 128, 255, 255});
  CHECK(overlay::to_grey8(column<float>({-1.f, 0.f, 0.5f, 1.f, NAN}),
                          overlay::parse_display_window("-1,1", "--window")) ==
        std::vector<std::uint8_t>{0, 128, 191, 255, 0});
}

TEST_CASE("the auto window uses NumPy's 0.5 and 99.5 percentiles", "[overlay][window]") {
  std::vector<std::uint16_t> values(1001);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(i * 10);
  auto [lo, hi] = overlay::auto_window_range(column(values));
  CHECK(lo == Approx(50.0));    // np.percentile(np.arange(1001) * 10, 0.5)
  CHECK(hi == Approx(9950.0));  // np.percentile(..., 99.5)
  // Interpolates between order statistics: np.percentile([0, 10, 20, 30], [0.5, 99.5]) =
  // 0.15, 29.85.
  auto [lo4, hi4] = overlay::auto_window_range(column<float>({30, 0, 20, 10}));
  CHECK(lo4 == Approx(0.15));
  CHECK(hi4 == Approx(29.85));
  auto grey = overlay::to_grey8(column(values), overlay::parse_display_window("auto", "--window"));
  CHECK(grey.front() == 0);
  CHECK(grey[5] == 0);
  CHECK(grey[500] == 128);
  CHECK(grey.back() == 255);
  // A flat picture has no range: nothing above it, so all black, and no division by zero.
  CHECK(overlay::to_grey8(column<float>({3, 3, 3}), {DisplayWindow::Mode::kAuto}) ==
        std::vector<std::uint8_t>{0, 0, 0});
}

TEST_CASE("malformed windows are refused naming the flag", "[overlay][window]") {
  for (const char* text : {"", "auto,1", "1", "1,2,3", "2,1", "1,1", "a,b", "1,inf", "1,2x"}) {
    INFO("'" << text << "'");
    try {
      overlay::parse_display_window(text, "--window");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidArgument);
      CHECK_THAT(e.what(), Catch::StartsWith("--window: "));
    }
  }
}

TEST_CASE("percentile windows equal np.percentile; minmax and full", "[overlay][window]") {
  const nlohmann::json truths = nlohmann::json::parse(
      imagery::testing::read_text(imagery::testing::data_path("rendering/truths.json")));
  for (const auto& t : truths["percentiles"]) {
    const Array a = imagery::read_npy(imagery::testing::data_path(
                                          "rendering/" + t["input"].get<std::string>() + ".npy"))
                        .array;
    const auto [lo, hi] = overlay::percentile_range({&a}, t["q"][0], t["q"][1], t["channel"]);
    INFO(t.dump());
    CHECK(lo == t["low"].get<double>());
    CHECK(hi == t["high"].get<double>());
  }
  const Array c = column<std::int16_t>({-7, 3, 12});
  CHECK(overlay::window_range(overlay::parse_display_window("minmax", "w"), {&c}, c.dtype()) ==
        std::pair<double, double>{-7, 12});
  CHECK(overlay::window_range(overlay::parse_display_window("full", "w"), {&c}, c.dtype()) ==
        std::pair<double, double>{-32768, 32767});
  CHECK(overlay::window_range({DisplayWindow::Mode::kFull}, {}, DataType::kFloat32) ==
        std::pair<double, double>{0, 1});
  const DisplayWindow p = overlay::parse_display_window("p:2,98", "w");
  CHECK(p.mode == DisplayWindow::Mode::kPercentile);
  CHECK(overlay::parse_display_window(overlay::display_window_text(p), "w") == p);
  CHECK(overlay::resolved_window(overlay::parse_display_window("minmax", "w"), {&c}) ==
        DisplayWindow{DisplayWindow::Mode::kRange, -7, 12});
  for (const char* bad : {"p:5", "p:50,10", "p:-1,50", "p:1,101", "max", "1,x"})
    CHECK_THROWS_WITH(overlay::parse_display_window(bad, "--window"), Catch::Contains("--window"));
  // The grey picture through a data window: minmax stretches -7..12 over 0..255.
  CHECK(overlay::to_grey8(c, overlay::parse_display_window("minmax", "w")) ==
        std::vector<std::uint8_t>{0, 134, 255});
}
