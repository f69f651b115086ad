// keep_only_ids: every voxel whose id is not listed becomes 0, for every integer dtype; ids are
// 64-bit patterns (ids >= 2^63 included, negative ids of signed dtypes as two's complement); 0
// stays 0; float segmentations are refused.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "imagery/client/client.h"
#include "imagery/core/error.h"
#include "support/error_of.h"

using namespace imagery;
using imagery::client::keep_only_ids;
using imagery::testing::error_of;

namespace {

template <class T>
Array array_of(const std::vector<T>& values) {
  Array a(dtype_of<T>(), {static_cast<std::int64_t>(values.size()), 1, 1, 1});
  for (std::size_t i = 0; i < values.size(); ++i) a.data<T>()[i] = values[i];
  return a;
}

template <class T>
std::vector<T> values_of(const Array& a) {
  const T* p = a.data<T>();
  return std::vector<T>(p, p + a.shape().count());
}

template <class T>
std::vector<T> filtered(const std::vector<T>& values, const std::vector<std::uint64_t>& ids) {
  Array a = array_of(values);
  keep_only_ids(a, ids);
  return values_of<T>(a);
}

// An id as keep_only_ids expects it: the 64-bit two's complement pattern.
std::uint64_t pattern(std::int64_t id) {
  return static_cast<std::uint64_t>(id);
}

}  // namespace

TEST_CASE("keep_only_ids zeroes every id not listed", "[client][ids]") {
  CHECK(filtered<std::uint64_t>({1, 2, 3, 2, 1, 4}, {2, 4}) ==
        std::vector<std::uint64_t>{0, 2, 0, 2, 0, 4});
  // Unsorted and repeated ids, and ids that do not occur, are fine.
  CHECK(filtered<std::uint32_t>({7, 8, 9}, {9, 100, 7, 9}) == std::vector<std::uint32_t>{7, 0, 9});
  // No ids: nothing is kept.
  CHECK(filtered<std::uint16_t>({5, 6}, {}) == std::vector<std::uint16_t>{0, 0});
}

TEST_CASE("keep_only_ids decides each run of equal ids like each single voxel", "[client][ids]") {
  // Runs, alternations and a kept id after a dropped one (the filter remembers the last id).
  CHECK(filtered<std::uint64_t>({5, 5, 7, 7, 5, 0, 5, 7, 9, 9, 5}, {5, 9}) ==
        std::vector<std::uint64_t>{5, 5, 0, 0, 5, 0, 5, 0, 9, 9, 5});
  CHECK(filtered<std::uint8_t>({3, 3, 3, 4, 4, 3}, {4}) ==
        std::vector<std::uint8_t>{0, 0, 0, 4, 4, 0});
}

TEST_CASE("keep_only_ids leaves 0 at 0, listed or not", "[client][ids]") {
  CHECK(filtered<std::uint64_t>({0, 1, 0}, {}) == std::vector<std::uint64_t>{0, 0, 0});
  CHECK(filtered<std::uint64_t>({0, 1, 0}, {0}) == std::vector<std::uint64_t>{0, 0, 0});
  CHECK(filtered<std::int32_t>({0, -1, 0}, {pattern(-1)}) == std::vector<std::int32_t>{0, -1, 0});
}

TEST_CASE("keep_only_ids keeps uint64 ids of 2^63 and above", "[client][ids]") {
  const std::uint64_t big = (std::uint64_t{1} << 63) + 5;
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  CHECK(filtered<std::uint64_t>({big, max, 5, std::uint64_t{1} << 63}, {big, max}) ==
        std::vector<std::uint64_t>{big, max, 0, 0});
  // 2^63 + 5 is not 5, even though the low bits agree.
  CHECK(filtered<std::uint64_t>({big, 5}, {5}) == std::vector<std::uint64_t>{0, 5});
}

TEST_CASE("keep_only_ids works on every unsigned dtype", "[client][ids]") {
  CHECK(filtered<std::uint8_t>({255, 1, 254}, {255}) == std::vector<std::uint8_t>{255, 0, 0});
  CHECK(filtered<std::uint16_t>({65535, 1}, {65535}) == std::vector<std::uint16_t>{65535, 0});
  CHECK(filtered<std::uint32_t>({4000000000u, 1}, {4000000000u}) ==
        std::vector<std::uint32_t>{4000000000u, 0});
  // An id beyond the dtype's range matches nothing (it is not truncated onto a small id).
  CHECK(filtered<std::uint8_t>({1, 2}, {257}) == std::vector<std::uint8_t>{0, 0});
  CHECK(filtered<std::uint16_t>({1, 2}, {65537}) == std::vector<std::uint16_t>{0, 0});
}

TEST_CASE("keep_only_ids matches negative ids of signed dtypes as two's complement",
          "[client][ids]") {
  CHECK(filtered<std::int8_t>({-5, 5, -128, 127}, {pattern(-5), pattern(-128)}) ==
        std::vector<std::int8_t>{-5, 0, -128, 0});
  CHECK(filtered<std::int16_t>({-300, 300}, {pattern(-300)}) == std::vector<std::int16_t>{-300, 0});
  CHECK(filtered<std::int32_t>({-7, 7}, {pattern(7)}) == std::vector<std::int32_t>{0, 7});
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  CHECK(filtered<std::int64_t>({min, -1, 1}, {std::uint64_t{1} << 63, pattern(-1)}) ==
        std::vector<std::int64_t>{min, -1, 0});
  // -5 in int8 is the pattern of -5, not its 8-bit form 251.
  CHECK(filtered<std::int8_t>({-5}, {251}) == std::vector<std::int8_t>{0});
}

TEST_CASE("keep_only_ids filters every channel and section", "[client][ids]") {
  Array a(DataType::kUint32, {2, 2, 2, 2});
  for (std::int64_t i = 0; i < a.shape().count(); ++i)
    a.data<std::uint32_t>()[i] = static_cast<std::uint32_t>(i % 3 + 1);
  keep_only_ids(a, {2});
  for (std::int64_t i = 0; i < a.shape().count(); ++i) {
    INFO(i);
    CHECK(a.data<std::uint32_t>()[i] == (i % 3 + 1 == 2 ? 2u : 0u));
  }
}

TEST_CASE("keep_only_ids refuses float segmentations and leaves them untouched", "[client][ids]") {
  for (DataType dtype : {DataType::kFloat32, DataType::kFloat64}) {
    Array a = Array::zeros(dtype, {3, 1, 1, 1});
    visit_dtype(dtype, [&](auto zero) {
      using T = decltype(zero);
      if constexpr (std::is_floating_point_v<T>) a.data<T>()[1] = T(2.5);
    });
    const auto e = error_of([&] { keep_only_ids(a, {1}); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(),
               Catch::Contains(std::string(dtype_name(dtype))) && Catch::Contains("integer"));
    visit_dtype(dtype, [&](auto zero) {
      using T = decltype(zero);
      if constexpr (std::is_floating_point_v<T>) CHECK(a.data<T>()[1] == T(2.5));
    });
  }
}

TEST_CASE("keep_only_ids on an empty array does nothing", "[client][ids]") {
  Array a(DataType::kUint64, {0, 3, 1, 1});
  CHECK_NOTHROW(keep_only_ids(a, {1}));
  CHECK(a.shape().count() == 0);
}
