// Array: a dense voxel array of any DataType, x fastest, shape (X, Y, Z, C) with
// channels slowest (Fortran order), exactly the layout CloudVolume returns.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "imagery/core/dtype.h"
#include "imagery/core/error.h"
#include "imagery/core/vec3.h"

namespace imagery {

struct Shape4 {
  std::int64_t x = 0, y = 0, z = 0, c = 1;
  constexpr std::int64_t count() const { return x * y * z * c; }
  constexpr bool operator==(const Shape4&) const = default;
  constexpr Vec3 xyz() const { return {x, y, z}; }
};

// Bytes of an array of `size` voxels x `channels` of `dtype`, saturating at UINT64_MAX instead of
// overflowing (sizes come from untrusted metadata and user boxes).
std::uint64_t array_bytes(const Vec3& size, std::int64_t channels, DataType dtype);

namespace detail {
// Large arrays come straight from the kernel (already zero, backed by huge pages where the
// system allows): page faults on fresh cutouts cost more than decoding them otherwise.
struct ArrayRelease {
  std::size_t mapped_bytes = 0;  // 0: allocated with new[]
  void operator()(std::byte* p) const;
};
}  // namespace detail

class Array {
 public:
  Array() = default;
  // Allocates without initialising: callers that do not overwrite every element call fill_zero().
  Array(DataType dtype, Shape4 shape);
  // Allocates and zeroes.
  static Array zeros(DataType dtype, Shape4 shape);

  DataType dtype() const { return dtype_; }
  const Shape4& shape() const { return shape_; }
  std::size_t element_size() const { return dtype_size(dtype_); }
  std::size_t size_bytes() const {
    return static_cast<std::size_t>(shape_.count()) * element_size();
  }
  std::byte* bytes() { return data_.get(); }
  const std::byte* bytes() const { return data_.get(); }
  void fill_zero() {
    if (size_bytes()) std::memset(data_.get(), 0, size_bytes());
  }

  // Typed access; throws kInvalidArgument when T does not match the dtype.
  template <class T>
  T* data() {
    check_type(dtype_of<T>());
    return reinterpret_cast<T*>(data_.get());
  }
  template <class T>
  const T* data() const {
    check_type(dtype_of<T>());
    return reinterpret_cast<const T*>(data_.get());
  }
  // Element offset of (x, y, z, c).
  std::int64_t index(std::int64_t x, std::int64_t y, std::int64_t z, std::int64_t c = 0) const {
    return x + shape_.x * (y + shape_.y * (z + shape_.z * c));
  }
  template <class T>
  T& at(std::int64_t x, std::int64_t y, std::int64_t z, std::int64_t c = 0) {
    return data<T>()[index(x, y, z, c)];
  }
  template <class T>
  const T& at(std::int64_t x, std::int64_t y, std::int64_t z, std::int64_t c = 0) const {
    return data<T>()[index(x, y, z, c)];
  }

 private:
  void check_type(DataType requested) const;

  DataType dtype_ = DataType::kUint8;
  Shape4 shape_{0, 0, 0, 0};
  std::unique_ptr<std::byte[], detail::ArrayRelease> data_;
  bool kernel_zeroed_ = false;  // fresh from mmap: zeros() need not clear it
};

}  // namespace imagery
