// MurmurHash3_x86_128 against every vector of spec section 4.3 (TensorStore's
// murmurhash3_test.cc values, seeds 0, 1 and 2).
#include "imagery/precomputed/internal/murmurhash3.h"

#include <catch2/catch.hpp>

using namespace imagery::precomputed;

TEST_CASE("murmurhash3 gives the spec's 64-bit hashed ids for seed 0", "[precomputed][sharding]") {
  struct Vector {
    std::uint64_t input, hashed;
  };
  const Vector vectors[] = {
      {0, 0x4772b084e028ae41},
      {1, 0xe8bd67d616d4ce9a},
      {2, 0xd62f9cd21b013f5a},
      {42, 0xc20b94f95119f47a},
      {255, 0x4e2fc5b5b87bf79a},
      {256, 0x4964fc5b464976da},
      {28483990, 0xc4e4f7ad82c21012},
      {1822975381, 0x587edeba6a30dba1},
      {4294967296, 0xbbb12d133b78fd64},
      {std::uint64_t{1} << 63, 0x998a35e4316acfa8},
      {~std::uint64_t{0}, 0x574f66bd212b5d1a},
      {648518346349515986, 0x57d6e6fc96d3f555},
  };
  for (const auto& v : vectors) {
    INFO("input " << v.input);
    CHECK(murmurhash3_x86_128_low64(v.input) == v.hashed);
  }
}

TEST_CASE("murmurhash3 gives all four lanes where the spec lists them", "[precomputed][sharding]") {
  using Lanes = std::array<std::uint32_t, 4>;
  CHECK(murmurhash3_x86_128(0) == Lanes{0xe028ae41, 0x4772b084, 0x4772b084, 0x4772b084});
  CHECK(murmurhash3_x86_128(1) == Lanes{0x16d4ce9a, 0xe8bd67d6, 0xe8bd67d6, 0xe8bd67d6});
  CHECK(murmurhash3_x86_128(4294967296) == Lanes{0x3b78fd64, 0xbbb12d13, 0x355ba269, 0x355ba269});
  const auto two = murmurhash3_x86_128(2);
  CHECK(two[0] == 0x1b013f5a);
  CHECK(two[1] == 0xd62f9cd2);
  const auto forty_two = murmurhash3_x86_128(42);
  CHECK(forty_two[0] == 0x5119f47a);
  CHECK(forty_two[1] == 0xc20b94f9);
}

TEST_CASE("murmurhash3 with seeds 1 and 2 matches TensorStore's vectors",
          "[precomputed][sharding]") {
  struct Vector {
    std::uint64_t input;
    std::uint32_t seed, h1, h2;
  };
  const Vector vectors[] = {
      {0, 1, 0x5ad58a7e, 0x54337108},  {0, 2, 0x64010da2, 0x62e8bc17},
      {1, 1, 0x4b7ab8c6, 0xeb555955},  {1, 2, 0xeb2301be, 0x48e12494},
      {42, 1, 0xd6b51bca, 0xa25ad86b}, {42, 2, 0x2d83d9c7, 0x082115eb},
  };
  for (const auto& v : vectors) {
    INFO("input " << v.input << " seed " << v.seed);
    const auto h = murmurhash3_x86_128(v.input, v.seed);
    CHECK(h[0] == v.h1);
    CHECK(h[1] == v.h2);
  }
}
