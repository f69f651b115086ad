// Area averaging against a reference written here: each input pixel repeated `out` times and
// each output pixel the mean of `in` repeats, which is the exact area average for any ratio.
#include "imagery/rendering/area_average.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "imagery/core/error.h"

using namespace imagery;
using rendering::area_average;

namespace {

std::vector<double> reference_1d(const std::vector<double>& in, std::size_t out) {
  std::vector<double> repeated;
  for (double v : in)
    for (std::size_t k = 0; k < out; ++k) repeated.push_back(v);
  std::vector<double> result(out);
  for (std::size_t i = 0; i < out; ++i) {
    double sum = 0;
    for (std::size_t k = 0; k < in.size(); ++k) sum += repeated[i * in.size() + k];
    result[i] = sum / static_cast<double>(in.size());
  }
  return result;
}

Array ramp(std::int64_t w, std::int64_t h, std::int64_t z = 1) {
  Array a(DataType::kUint16, {w, h, z, 1});
  for (std::int64_t k = 0; k < z; ++k)
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t x = 0; x < w; ++x)
        a.at<std::uint16_t>(x, y, k) =
            static_cast<std::uint16_t>((x * 37 + y * 101 + k * 7 + x * y) % 1000);
  return a;
}

}  // namespace

TEST_CASE("area averaging equals the exact area average for integer and fractional ratios",
          "[rendering][area_average]") {
  for (auto [w, h, ow, oh] : std::vector<std::array<std::int64_t, 4>>{{12, 8, 4, 2},
                                                                      {10, 7, 3, 3},
                                                                      {17, 13, 5, 4},
                                                                      {9, 9, 9, 9},
                                                                      {5, 3, 8, 6},
                                                                      {64, 48, 7, 5}}) {
    const Array in = ramp(w, h, 2);
    const Array out = area_average(in, ow, oh);
    REQUIRE(out.dtype() == DataType::kFloat32);
    REQUIRE(out.shape() == Shape4{ow, oh, 2, 1});
    for (std::int64_t k = 0; k < 2; ++k) {
      // Separable: rows first, then columns, each by the 1-D reference.
      std::vector<std::vector<double>> rows(static_cast<std::size_t>(h));
      for (std::int64_t y = 0; y < h; ++y) {
        std::vector<double> row;
        for (std::int64_t x = 0; x < w; ++x) row.push_back(in.at<std::uint16_t>(x, y, k));
        rows[static_cast<std::size_t>(y)] = reference_1d(row, static_cast<std::size_t>(ow));
      }
      std::int64_t off = 0;
      for (std::int64_t x = 0; x < ow; ++x) {
        std::vector<double> column;
        for (std::int64_t y = 0; y < h; ++y) column.push_back(rows[static_cast<std::size_t>(y)][x]);
        const std::vector<double> ref = reference_1d(column, static_cast<std::size_t>(oh));
        for (std::int64_t y = 0; y < oh; ++y)
          off += std::abs(out.at<float>(x, y, k) - static_cast<float>(ref[y])) >
                 1e-5f * std::max(1.0f, std::abs(static_cast<float>(ref[y])));
      }
      INFO(w << "x" << h << " -> " << ow << "x" << oh << ", section " << k);
      CHECK(off == 0);
    }
  }
}

TEST_CASE("integer ratios are plain block means; a source window picks the part averaged",
          "[rendering][area_average]") {
  Array in(DataType::kUint8, {4, 2, 1, 1});
  const std::uint8_t v[] = {0, 2, 10, 20, 4, 6, 30, 40};
  std::memcpy(in.bytes(), v, sizeof v);
  const Array out = area_average(in, 2, 1);
  CHECK(out.at<float>(0, 0, 0) == 3.0f);   // (0 + 2 + 4 + 6) / 4
  CHECK(out.at<float>(1, 0, 0) == 25.0f);  // (10 + 20 + 30 + 40) / 4
  // The window [1, 3) x [0, 1) onto 1 x 1: pixels 1 and 2 of row 0.
  CHECK(area_average(in, 1, 1, 1, 3, 0, 1).at<float>(0, 0, 0) == 6.0f);
  // Half pixels at the window's edges count by half: [0.5, 2.5) of row 0 = (0 + 2 * 2 + 10) / 4.
  CHECK(area_average(in, 1, 1, 0.5, 2.5, 0, 1).at<float>(0, 0, 0) == Approx(3.5));
  CHECK_THROWS_AS(area_average(in, 0, 1), Error);
  CHECK_THROWS_AS(area_average(in, 1, 1, 2, 2, 0, 1), Error);
}

TEST_CASE("float64 stays float64", "[rendering][area_average]") {
  Array in(DataType::kFloat64, {2, 2, 1, 1});
  for (int i = 0; i < 4; ++i) in.data<double>()[i] = 0.1 * i;
  const Array out = area_average(in, 1, 1);
  CHECK(out.dtype() == DataType::kFloat64);
  CHECK(out.at<double>(0, 0, 0) == Approx(0.15));
}
