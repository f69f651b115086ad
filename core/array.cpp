#include "imagery/core/array.h"

#include <string>

namespace imagery {

Array::Array(DataType dtype, Shape4 shape) : dtype_(dtype), shape_(shape) {
  if (shape.x < 0 || shape.y < 0 || shape.z < 0 || shape.c < 0)
    fail(ErrorCode::kInvalidArgument, "array shape must not be negative");
  std::int64_t count = 1;
  for (std::int64_t n : {shape.x, shape.y, shape.z, shape.c, static_cast<std::int64_t>(dtype_size(dtype))})
    if (__builtin_mul_overflow(count, n, &count))
      fail(ErrorCode::kResourceExhausted, "array shape overflows the address space");
  data_ = std::make_unique_for_overwrite<std::byte[]>(size_bytes());
}

Array Array::zeros(DataType dtype, Shape4 shape) {
  Array a(dtype, shape);
  a.fill_zero();
  return a;
}

void Array::check_type(DataType requested) const {
  if (requested != dtype_)
    fail(ErrorCode::kInvalidArgument, "array holds " + std::string(dtype_name(dtype_)) +
                                          ", not " + std::string(dtype_name(requested)));
}

}  // namespace imagery
