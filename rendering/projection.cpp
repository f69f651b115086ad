#include "imagery/rendering/projection.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "imagery/core/error.h"

namespace imagery::rendering {

std::optional<Projection> parse_projection(std::string_view text) {
  if (text == "max") return Projection::kMax;
  if (text == "min") return Projection::kMin;
  if (text == "mean") return Projection::kMean;
  if (text == "sum") return Projection::kSum;
  if (text == "none") return Projection::kNone;
  return std::nullopt;
}

std::string projection_name(Projection projection) {
  switch (projection) {
    case Projection::kMax:
      return "max";
    case Projection::kMin:
      return "min";
    case Projection::kMean:
      return "mean";
    case Projection::kSum:
      return "sum";
    case Projection::kNone:
      break;
  }
  return "none";
}

DataType projected_dtype(DataType input, Projection projection) {
  switch (projection) {
    case Projection::kMean:
      return DataType::kFloat32;
    case Projection::kSum:
      if (!dtype_is_integer(input)) return DataType::kFloat64;
      return dtype_is_signed(input) ? DataType::kInt64 : DataType::kUint64;
    default:
      return input;
  }
}

namespace {

// One row (x run) of one channel: out[x] = reduce over z of in[x + z * plane].
template <class T, class Acc, class Step>
void reduce_row(const T* in, std::int64_t plane, std::int64_t z_count, std::int64_t width,
                Acc* acc, Step step) {
  for (std::int64_t x = 0; x < width; ++x) acc[x] = static_cast<Acc>(in[x]);
  for (std::int64_t z = 1; z < z_count; ++z) {
    const T* slice = in + z * plane;
    for (std::int64_t x = 0; x < width; ++x) acc[x] = step(acc[x], slice[x]);
  }
}

template <class T>
Array project_typed(const Array& input, Projection projection, ThreadPool* pool) {
  const Shape4 s = input.shape();
  const DataType out_type = projected_dtype(input.dtype(), projection);
  Array out(out_type, {s.x, s.y, 1, s.c});
  const std::int64_t plane = s.x * s.y;
  const T* in = input.data<T>();
  const std::size_t rows = static_cast<std::size_t>(s.y * s.c);
  // NumPy's max and min return NaN for a column holding one; std::max would drop it.
  auto max_step = [](auto a, T v) {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(v) || std::isnan(a)) return static_cast<decltype(a)>(NAN);
    return v > a ? static_cast<decltype(a)>(v) : a;
  };
  auto min_step = [](auto a, T v) {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(v) || std::isnan(a)) return static_cast<decltype(a)>(NAN);
    return v < a ? static_cast<decltype(a)>(v) : a;
  };
  parallel_for(pool, rows, [&](std::size_t r) {
    const auto y = static_cast<std::int64_t>(r) % s.y;
    const auto c = static_cast<std::int64_t>(r) / s.y;
    const T* row_in = in + c * plane * s.z + y * s.x;
    const std::int64_t out_offset = c * plane + y * s.x;
    switch (projection) {
      case Projection::kMax:
        reduce_row(row_in, plane, s.z, s.x, out.data<T>() + out_offset, max_step);
        break;
      case Projection::kMin:
        reduce_row(row_in, plane, s.z, s.x, out.data<T>() + out_offset, min_step);
        break;
      case Projection::kMean: {
        std::vector<double> acc(static_cast<std::size_t>(s.x));
        reduce_row(row_in, plane, s.z, s.x, acc.data(),
                   [](double a, T v) { return a + static_cast<double>(v); });
        float* o = out.data<float>() + out_offset;
        const auto count = static_cast<double>(s.z);
        for (std::int64_t x = 0; x < s.x; ++x) o[x] = static_cast<float>(acc[x] / count);
        break;
      }
      case Projection::kSum:
        if constexpr (std::is_floating_point_v<T>) {
          reduce_row(row_in, plane, s.z, s.x, out.data<double>() + out_offset,
                     [](double a, T v) { return a + static_cast<double>(v); });
        } else if constexpr (std::is_signed_v<T>) {
          // Two's complement wrap, as NumPy's int64 sum: added as unsigned.
          reduce_row(row_in, plane, s.z, s.x,
                     reinterpret_cast<std::uint64_t*>(out.data<std::int64_t>() + out_offset),
                     [](std::uint64_t a, T v) {
                       return a + static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
                     });
        } else {
          reduce_row(row_in, plane, s.z, s.x, out.data<std::uint64_t>() + out_offset,
                     [](std::uint64_t a, T v) { return a + static_cast<std::uint64_t>(v); });
        }
        break;
      case Projection::kNone:
        break;
    }
  });
  return out;
}

}  // namespace

Array project(const Array& input, Projection projection, ThreadPool* pool) {
  const Shape4 s = input.shape();
  if (projection == Projection::kNone) {
    Array copy(input.dtype(), s);
    if (input.size_bytes()) std::memcpy(copy.bytes(), input.bytes(), input.size_bytes());
    return copy;
  }
  if (s.z < 1)
    fail(ErrorCode::kInvalidArgument,
         "a " + projection_name(projection) + " projection needs at least one section");
  return visit_dtype(input.dtype(),
                     [&](auto zero) { return project_typed<decltype(zero)>(input, projection, pool); });
}

}  // namespace imagery::rendering
