// Projections through a slab, against NumPy's max, min, mean and sum (make_truths.py).
#include "imagery/rendering/projection.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "imagery/core/thread_pool.h"
#include "rendering/rendering_truths.h"

using namespace imagery;
using rendering::Projection;

TEST_CASE("projections equal NumPy's element for element, with its result types",
          "[rendering][projection]") {
  ThreadPool pool(3);
  for (const std::string input : {"u8", "i16", "f32"}) {
    const Array a = testing::rendering_array(input);
    for (const std::string mode : {"max", "min", "mean", "sum"}) {
      const Array truth = testing::rendering_array(input + "_" + mode);
      const Array got = rendering::project(a, *rendering::parse_projection(mode), &pool);
      INFO(input << " " << mode);
      REQUIRE(got.dtype() == truth.dtype());
      REQUIRE(got.shape() == truth.shape());
      CHECK(testing::differing_elements(got, truth) == 0);
      // The same without a pool.
      CHECK(testing::differing_elements(rendering::project(a, *rendering::parse_projection(mode)),
                                        truth) == 0);
    }
  }
}

TEST_CASE("projection result types follow the input", "[rendering][projection]") {
  CHECK(rendering::projected_dtype(DataType::kUint16, Projection::kMax) == DataType::kUint16);
  CHECK(rendering::projected_dtype(DataType::kInt8, Projection::kMean) == DataType::kFloat32);
  CHECK(rendering::projected_dtype(DataType::kUint32, Projection::kSum) == DataType::kUint64);
  CHECK(rendering::projected_dtype(DataType::kInt32, Projection::kSum) == DataType::kInt64);
  CHECK(rendering::projected_dtype(DataType::kFloat32, Projection::kSum) == DataType::kFloat64);
  CHECK_FALSE(rendering::parse_projection("median"));
}

TEST_CASE("a NaN in a column makes its max and min NaN, as np.max", "[rendering][projection]") {
  Array a(DataType::kFloat32, {2, 1, 3, 1});
  const float values[] = {1, 5, NAN, 2, 3, 9};  // column 0: 1, NaN, 3; column 1: 5, 2, 9
  std::memcpy(a.bytes(), values, sizeof values);
  const Array mx = rendering::project(a, Projection::kMax);
  CHECK(std::isnan(mx.at<float>(0, 0, 0)));
  CHECK(mx.at<float>(1, 0, 0) == 9);
  const Array mn = rendering::project(a, Projection::kMin);
  CHECK(std::isnan(mn.at<float>(0, 0, 0)));
  CHECK(mn.at<float>(1, 0, 0) == 2);
}

TEST_CASE("a signed sum wraps like NumPy's int64 and an unsigned one does not saturate",
          "[rendering][projection]") {
  Array a(DataType::kUint8, {1, 1, 300, 1});
  for (int z = 0; z < 300; ++z) a.at<std::uint8_t>(0, 0, z) = 255;
  CHECK(rendering::project(a, Projection::kSum).at<std::uint64_t>(0, 0, 0) == 300u * 255u);
  Array b(DataType::kInt8, {1, 1, 3, 1});
  b.at<std::int8_t>(0, 0, 0) = -128;
  b.at<std::int8_t>(0, 0, 1) = -1;
  b.at<std::int8_t>(0, 0, 2) = 7;
  CHECK(rendering::project(b, Projection::kSum).at<std::int64_t>(0, 0, 0) == -122);
}
