#include "imagery/rendering/area_average.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "imagery/core/error.h"

namespace imagery::rendering {

namespace {

// The input pixels and weights of each output pixel along one axis.
struct AxisWeights {
  std::vector<std::int64_t> first;  // per output pixel: index into taps
  std::vector<std::int64_t> count;
  std::vector<std::int64_t> source;  // input index (clamped to the input)
  std::vector<double> weight;
};

AxisWeights axis_weights(std::int64_t input_size, std::int64_t output_size, double lo, double hi) {
  AxisWeights w;
  const double scale = (hi - lo) / static_cast<double>(output_size);
  for (std::int64_t i = 0; i < output_size; ++i) {
    const double a = lo + static_cast<double>(i) * scale;
    const double b = lo + static_cast<double>(i + 1) * scale;
    w.first.push_back(static_cast<std::int64_t>(w.source.size()));
    const auto j0 = static_cast<std::int64_t>(std::floor(a));
    const auto j1 = static_cast<std::int64_t>(std::ceil(b));
    std::int64_t taps = 0;
    for (std::int64_t j = j0; j < std::max(j1, j0 + 1); ++j) {
      const double overlap =
          std::min(b, static_cast<double>(j + 1)) - std::max(a, static_cast<double>(j));
      if (overlap <= 0) continue;
      w.source.push_back(std::clamp<std::int64_t>(j, 0, input_size - 1));
      w.weight.push_back(overlap / scale);
      ++taps;
    }
    w.count.push_back(taps);
  }
  return w;
}

template <class T, class Out>
void average_typed(const Array& input, Array& out, const AxisWeights& wx, const AxisWeights& wy,
                   ThreadPool* pool) {
  const Shape4 s = input.shape();
  const Shape4 o = out.shape();
  const T* in = input.data<T>();
  Out* dst = out.data<Out>();
  const std::size_t rows = static_cast<std::size_t>(o.y * o.z * o.c);
  parallel_for(pool, rows, [&](std::size_t r) {
    const auto oy = static_cast<std::int64_t>(r) % o.y;
    const auto zc = static_cast<std::int64_t>(r) / o.y;  // z + Z * c, the same in and out
    std::vector<double> acc(static_cast<std::size_t>(s.x), 0.0);
    // Rows of the input weighted into one row, then that row weighted along x.
    for (std::int64_t t = 0; t < wy.count[oy]; ++t) {
      const std::int64_t k = wy.first[oy] + t;
      const T* row = in + (zc * s.y + wy.source[k]) * s.x;
      const double weight = wy.weight[k];
      for (std::int64_t x = 0; x < s.x; ++x) acc[x] += weight * static_cast<double>(row[x]);
    }
    Out* out_row = dst + (zc * o.y + oy) * o.x;
    for (std::int64_t ox = 0; ox < o.x; ++ox) {
      double v = 0;
      for (std::int64_t t = 0; t < wx.count[ox]; ++t) {
        const std::int64_t k = wx.first[ox] + t;
        v += wx.weight[k] * acc[wx.source[k]];
      }
      out_row[ox] = static_cast<Out>(v);
    }
  });
}

}  // namespace

Array area_average(const Array& input, std::int64_t width, std::int64_t height, double x0,
                   double x1, double y0, double y1, ThreadPool* pool) {
  const Shape4 s = input.shape();
  if (width < 1 || height < 1)
    fail(ErrorCode::kInvalidArgument, "area averaging to " + std::to_string(width) + " x " +
                                          std::to_string(height) + " pixels: nothing to draw");
  if (!(x1 > x0) || !(y1 > y0) || s.x < 1 || s.y < 1)
    fail(ErrorCode::kInvalidArgument, "area averaging an empty source window");
  const AxisWeights wx = axis_weights(s.x, width, x0, x1);
  const AxisWeights wy = axis_weights(s.y, height, y0, y1);
  const DataType out_type =
      input.dtype() == DataType::kFloat64 ? DataType::kFloat64 : DataType::kFloat32;
  Array out(out_type, {width, height, s.z, s.c});
  visit_dtype(input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (out_type == DataType::kFloat64)
      average_typed<T, double>(input, out, wx, wy, pool);
    else
      average_typed<T, float>(input, out, wx, wy, pool);
  });
  return out;
}

Array area_average(const Array& input, std::int64_t width, std::int64_t height, ThreadPool* pool) {
  return area_average(input, width, height, 0, static_cast<double>(input.shape().x), 0,
                      static_cast<double>(input.shape().y), pool);
}

}  // namespace imagery::rendering
