// DataType: the element types a volume or array may hold, with their names in
// precomputed `info` files ("uint8") and in NumPy .npy headers ("<u1").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace imagery {

enum class DataType {
  kUint8,
  kInt8,
  kUint16,
  kInt16,
  kUint32,
  kInt32,
  kUint64,
  kInt64,
  kFloat32,
  kFloat64
};

std::size_t dtype_size(DataType t);
std::string_view dtype_name(DataType t);                     // "uint8", ...
std::optional<DataType> parse_dtype(std::string_view name);  // case-insensitive
bool dtype_is_integer(DataType t);
bool dtype_is_signed(DataType t);

template <class T>
constexpr DataType dtype_of();
template <>
constexpr DataType dtype_of<std::uint8_t>() {
  return DataType::kUint8;
}
template <>
constexpr DataType dtype_of<std::int8_t>() {
  return DataType::kInt8;
}
template <>
constexpr DataType dtype_of<std::uint16_t>() {
  return DataType::kUint16;
}
template <>
constexpr DataType dtype_of<std::int16_t>() {
  return DataType::kInt16;
}
template <>
constexpr DataType dtype_of<std::uint32_t>() {
  return DataType::kUint32;
}
template <>
constexpr DataType dtype_of<std::int32_t>() {
  return DataType::kInt32;
}
template <>
constexpr DataType dtype_of<std::uint64_t>() {
  return DataType::kUint64;
}
template <>
constexpr DataType dtype_of<std::int64_t>() {
  return DataType::kInt64;
}
template <>
constexpr DataType dtype_of<float>() {
  return DataType::kFloat32;
}
template <>
constexpr DataType dtype_of<double>() {
  return DataType::kFloat64;
}

// Calls fn(T{}) with T the C++ type of `t`.
template <class Fn>
decltype(auto) visit_dtype(DataType t, Fn&& fn) {
  switch (t) {
    case DataType::kUint8:
      return fn(std::uint8_t{});
    case DataType::kInt8:
      return fn(std::int8_t{});
    case DataType::kUint16:
      return fn(std::uint16_t{});
    case DataType::kInt16:
      return fn(std::int16_t{});
    case DataType::kUint32:
      return fn(std::uint32_t{});
    case DataType::kInt32:
      return fn(std::int32_t{});
    case DataType::kUint64:
      return fn(std::uint64_t{});
    case DataType::kInt64:
      return fn(std::int64_t{});
    case DataType::kFloat32:
      return fn(float{});
    case DataType::kFloat64:
      return fn(double{});
  }
  return fn(std::uint8_t{});
}

}  // namespace imagery
