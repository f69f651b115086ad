// Splitting a segmentation: order of ids per dtype, id 0, root-id filtering, per-object masks.
#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/overlay/object_labels.h"
#include "support/test_support.h"

using namespace imagery;
using overlay::ObjectLabels;

namespace {
template <class T>
Array array_of(std::vector<T> values, std::int64_t x, std::int64_t y, std::int64_t z = 1) {
  Array a(dtype_of<T>(), {x, y, z, 1});
  std::copy(values.begin(), values.end(), a.data<T>());
  return a;
}
}  // namespace

TEST_CASE("objects are ordered by ascending unsigned id, ids above 2^63 last", "[overlay][split]") {
  const std::uint64_t big = 18446744073709551614ull, mid = 9223372036854775813ull;
  auto labels = ObjectLabels::split(array_of<std::uint64_t>({big, 0, 5, mid, 5, 3}, 3, 2));
  CHECK(labels.ids() == std::vector<std::uint64_t>{3, 5, mid, big});
  CHECK(labels.ranks() == std::vector<std::uint32_t>{4, 0, 2, 3, 2, 1});
  CHECK_FALSE(labels.is_signed());
}

TEST_CASE("signed segmentations order ids as signed numbers", "[overlay][split]") {
  auto labels = ObjectLabels::split(array_of<std::int64_t>({7, -2, 0, 3}, 2, 2));
  CHECK(labels.is_signed());
  CHECK(labels.ids() == std::vector<std::uint64_t>{static_cast<std::uint64_t>(-2), 3, 7});
  CHECK(labels.ranks() == std::vector<std::uint32_t>{3, 1, 0, 2});
  // int8 ids sign-extend, so -1 is the same id as int64 -1.
  auto small = ObjectLabels::split(array_of<std::int8_t>({-1, 4}, 2, 1));
  CHECK(small.ids() == std::vector<std::uint64_t>{~std::uint64_t{0}, 4});
}

TEST_CASE("id 0 is background unless asked for", "[overlay][split]") {
  auto seg = array_of<std::uint32_t>({0, 9, 0, 2}, 2, 2);
  CHECK(ObjectLabels::split(seg).ids() == std::vector<std::uint64_t>{2, 9});
  overlay::SplitOptions with_zero;
  with_zero.include_zero = true;
  auto labels = ObjectLabels::split(seg, with_zero);
  CHECK(labels.ids() == std::vector<std::uint64_t>{0, 2, 9});
  CHECK(labels.ranks() == std::vector<std::uint32_t>{1, 3, 1, 2});
}

TEST_CASE("a root-id filter keeps only the listed ids, in ascending order", "[overlay][split]") {
  overlay::SplitOptions options;
  options.root_ids = std::vector<std::uint64_t>{9, 4, 12345};  // 12345 is absent: ignored
  auto labels = ObjectLabels::split(array_of<std::uint16_t>({4, 9, 6, 4, 0, 9}, 3, 2), options);
  CHECK(labels.ids() == std::vector<std::uint64_t>{4, 9});
  CHECK(labels.ranks() == std::vector<std::uint32_t>{1, 2, 0, 1, 0, 2});
}

TEST_CASE("per-object masks are ImageryClient's 0/1 masks", "[overlay][split]") {
  auto labels = ObjectLabels::split(array_of<std::uint8_t>({1, 2, 2, 1, 0, 0}, 3, 1, 2));
  Array m = labels.mask(1);
  CHECK(m.shape() == Shape4{3, 1, 2, 1});
  CHECK(std::vector<std::uint8_t>(m.data<std::uint8_t>(), m.data<std::uint8_t>() + 6) ==
        std::vector<std::uint8_t>{0, 1, 1, 0, 0, 0});
  CHECK_THROWS_AS(labels.mask(2), Error);
}

TEST_CASE("the fixture segmentation splits into its 36 objects in uint64 order",
          "[overlay][split]") {
  NpyArray seg = read_npy(testing::data_path("imageryclient/inputs/seg256.npy"));
  auto labels = ObjectLabels::split(seg.array);
  REQUIRE(labels.object_count() == 36);
  CHECK(labels.ids().front() == 73);
  CHECK(labels.ids()[29] == 4294967297ull);
  CHECK(labels.ids().back() == 18446744073709551614ull);
  CHECK(std::is_sorted(labels.ids().begin(), labels.ids().end()));
}

TEST_CASE("float or multi-channel arrays are not segmentations", "[overlay][split]") {
  Array f(DataType::kFloat32, {2, 2, 1, 1});
  f.fill_zero();
  try {
    ObjectLabels::split(f, {}, "--seg x.npy");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("--seg x.npy") && Catch::Contains("float32"));
  }
  Array two(DataType::kUint32, {2, 2, 1, 2});
  two.fill_zero();
  CHECK_THROWS_AS(ObjectLabels::split(two), Error);
}
