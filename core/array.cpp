#include "imagery/core/array.h"

#include <sys/mman.h>

#include <string>

namespace imagery {

std::uint64_t array_bytes(const Vec3& size, std::int64_t channels, DataType dtype) {
  std::uint64_t bytes = dtype_size(dtype);
  for (std::int64_t n : {size.x, size.y, size.z, channels})
    if (n < 0 || __builtin_mul_overflow(bytes, static_cast<std::uint64_t>(n), &bytes))
      return UINT64_MAX;
  return bytes;
}

Array::Array(DataType dtype, Shape4 shape) : dtype_(dtype), shape_(shape) {
  if (shape.x < 0 || shape.y < 0 || shape.z < 0 || shape.c < 0)
    fail(ErrorCode::kInvalidArgument, "array shape must not be negative");
  std::int64_t count = 1;
  for (std::int64_t n :
       {shape.x, shape.y, shape.z, shape.c, static_cast<std::int64_t>(dtype_size(dtype))})
    if (__builtin_mul_overflow(count, n, &count))
      fail(ErrorCode::kResourceExhausted, "array shape overflows the address space");
  const std::size_t bytes = size_bytes();
  constexpr std::size_t kMapThreshold = std::size_t{4} << 20;
  if (bytes >= kMapThreshold) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    ::madvise(p, bytes, MADV_HUGEPAGE);
    data_ = std::unique_ptr<std::byte[], detail::ArrayRelease>(static_cast<std::byte*>(p),
                                                               detail::ArrayRelease{bytes});
    kernel_zeroed_ = true;
  } else {
    data_ = std::unique_ptr<std::byte[], detail::ArrayRelease>(new std::byte[bytes],
                                                               detail::ArrayRelease{0});
  }
}

void detail::ArrayRelease::operator()(std::byte* p) const {
  if (mapped_bytes)
    ::munmap(p, mapped_bytes);
  else
    delete[] p;
}

Array Array::zeros(DataType dtype, Shape4 shape) {
  Array a(dtype, shape);
  if (!a.kernel_zeroed_) a.fill_zero();
  return a;
}

void Array::check_type(DataType requested) const {
  if (requested != dtype_)
    fail(ErrorCode::kInvalidArgument, "array holds " + std::string(dtype_name(dtype_)) + ", not " +
                                          std::string(dtype_name(requested)));
}

}  // namespace imagery
