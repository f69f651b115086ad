// CRC-32C against the published check values (the standard check string and RFC 3720's test
// patterns), at lengths that take the eight-byte loop, the byte loop and both.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "imagery/core/crc32c.h"

using imagery::crc32c;

namespace {

std::vector<std::byte> pattern(int n, int first, int step) {
  std::vector<std::byte> v;
  for (int i = 0; i < n; ++i)
    v.push_back(std::byte(static_cast<unsigned>(first + step * i) & 0xff));
  return v;
}

}  // namespace

TEST_CASE("CRC-32C of the standard check string and the empty input", "[core][crc32c]") {
  const std::string s = "123456789";
  CHECK(crc32c(std::as_bytes(std::span(s.data(), s.size()))) == 0xE3069283u);
  CHECK(crc32c({}) == 0);
  CHECK(crc32c(std::as_bytes(std::span(s.data(), 1))) == 0x90F599E3u);  // "1"
}

TEST_CASE("CRC-32C of RFC 3720's 32-byte patterns", "[core][crc32c]") {
  CHECK(crc32c(pattern(32, 0, 0)) == 0x8A9136AAu);
  CHECK(crc32c(pattern(32, 0xff, 0)) == 0x62A8AB43u);
  CHECK(crc32c(pattern(32, 0, 1)) == 0x46DD794Eu);
  CHECK(crc32c(pattern(32, 31, -1)) == 0x113FDB5Cu);
}
