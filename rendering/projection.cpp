#include "imagery/rendering/projection.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

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

// Elements of one plane reduced together: 16 KiB of uint8, so the running result stays in the
// first-level cache while every section streams through it in order (the planes are read
// sequentially, which is what the memory system is fastest at).
constexpr std::int64_t kBlock = 16384;

// out[i] = reduce over z of in[i + z * plane] for i in one block; `Acc` is the running type.
// The result never overlaps the input: saying so (__restrict__) lets the compiler vectorise the
// byte loops without run-time overlap checks.
template <class T, class Acc, class Step>
void reduce_block(const T* __restrict__ in, std::int64_t plane, std::int64_t z_count,
                  std::int64_t count, Acc* __restrict__ acc, Step step) {
  for (std::int64_t i = 0; i < count; ++i) acc[i] = static_cast<Acc>(in[i]);
  for (std::int64_t z = 1; z < z_count; ++z) {
    const T* __restrict__ slice = in + z * plane;
    for (std::int64_t i = 0; i < count; ++i) acc[i] = step(acc[i], slice[i]);
  }
}

template <class T>
Array project_typed(const Array& input, Projection projection, ThreadPool* pool) {
  const Shape4 s = input.shape();
  const DataType out_type = projected_dtype(input.dtype(), projection);
  Array out(out_type, {s.x, s.y, 1, s.c});
  const std::int64_t plane = s.x * s.y;
  const T* in = input.data<T>();
  const std::int64_t blocks_per_plane = (plane + kBlock - 1) / kBlock;
  // NumPy's max and min return NaN for a column holding one; a plain comparison would drop it.
  auto max_step = [](T a, T v) -> T {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(v) || std::isnan(a)) return std::numeric_limits<T>::quiet_NaN();
    return v > a ? v : a;
  };
  auto min_step = [](T a, T v) -> T {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(v) || std::isnan(a)) return std::numeric_limits<T>::quiet_NaN();
    return v < a ? v : a;
  };
  // Integers are summed exactly in 64 bits (wrapping as NumPy's), floats in double.
  using Sum =
      std::conditional_t<std::is_floating_point_v<T>, double,
                         std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>>;
  auto add = [](Sum a, T v) -> Sum {
    if constexpr (std::is_same_v<Sum, std::int64_t>)
      return static_cast<Sum>(static_cast<std::uint64_t>(a) +
                              static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
    else
      return a + static_cast<Sum>(v);
  };
  parallel_for(pool, static_cast<std::size_t>(blocks_per_plane * s.c), [&](std::size_t k) {
    const std::int64_t c = static_cast<std::int64_t>(k) / blocks_per_plane;
    const std::int64_t begin = (static_cast<std::int64_t>(k) % blocks_per_plane) * kBlock;
    const std::int64_t count = std::min(kBlock, plane - begin);
    const T* block_in = in + c * plane * s.z + begin;
    const std::int64_t out_offset = c * plane + begin;
    switch (projection) {
      case Projection::kMax:
        reduce_block(block_in, plane, s.z, count, out.data<T>() + out_offset, max_step);
        break;
      case Projection::kMin:
        reduce_block(block_in, plane, s.z, count, out.data<T>() + out_offset, min_step);
        break;
      case Projection::kMean: {
        std::vector<Sum> acc(static_cast<std::size_t>(count));
        reduce_block(block_in, plane, s.z, count, acc.data(), add);
        float* o = out.data<float>() + out_offset;
        const auto sections = static_cast<double>(s.z);
        for (std::int64_t i = 0; i < count; ++i)
          o[i] =
              static_cast<float>(static_cast<double>(acc[static_cast<std::size_t>(i)]) / sections);
        break;
      }
      case Projection::kSum:
        reduce_block(block_in, plane, s.z, count, reinterpret_cast<Sum*>(out.bytes()) + out_offset,
                     add);
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
  return visit_dtype(input.dtype(), [&](auto zero) {
    return project_typed<decltype(zero)>(input, projection, pool);
  });
}

}  // namespace imagery::rendering
