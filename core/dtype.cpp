#include "imagery/core/dtype.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace imagery {

namespace {
struct DtypeEntry {
  DataType type;
  std::string_view name;
  std::size_t size;
};
constexpr std::array<DtypeEntry, 10> kDtypes{{
    {DataType::kUint8, "uint8", 1},
    {DataType::kInt8, "int8", 1},
    {DataType::kUint16, "uint16", 2},
    {DataType::kInt16, "int16", 2},
    {DataType::kUint32, "uint32", 4},
    {DataType::kInt32, "int32", 4},
    {DataType::kUint64, "uint64", 8},
    {DataType::kInt64, "int64", 8},
    {DataType::kFloat32, "float32", 4},
    {DataType::kFloat64, "float64", 8},
}};
const DtypeEntry& entry(DataType t) {
  return kDtypes[static_cast<std::size_t>(t)];
}
}  // namespace

std::size_t dtype_size(DataType t) {
  return entry(t).size;
}
std::string_view dtype_name(DataType t) {
  return entry(t).name;
}

std::optional<DataType> parse_dtype(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& e : kDtypes)
    if (e.name == lower) return e.type;
  return std::nullopt;
}

bool dtype_is_integer(DataType t) {
  return t != DataType::kFloat32 && t != DataType::kFloat64;
}

bool dtype_is_signed(DataType t) {
  switch (t) {
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kFloat32:
    case DataType::kFloat64:
      return true;
    default:
      return false;
  }
}

}  // namespace imagery
