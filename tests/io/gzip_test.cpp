// gzip transport: one member (the fast libdeflate path), several members, zlib
// streams, lying size trailers, truncation and the output cap.
#include "imagery/io/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "imagery/core/error.h"

using namespace imagery;
using namespace imagery::io;

namespace {
Bytes text_bytes(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>("precomputed volumes "[i % 20]);
  return b;
}
ErrorCode code_of(std::span<const std::byte> in, std::size_t expected = 0,
                  std::size_t max = std::size_t{1} << 30) {
  try {
    io::gunzip(in, "chunk x", expected, max);
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("chunk x"));
    return e.code();
  }
  return ErrorCode::kInternal;  // no error
}
}  // namespace

TEST_CASE("gzip round-trips with and without a size hint", "[precomputed][gzip]") {
  const Bytes data = text_bytes(100000);
  const Bytes gz = io::gzip_compress(data);
  CHECK(io::has_gzip_magic(gz));
  CHECK(io::gunzip(gz, "x") == data);
  CHECK(io::gunzip(gz, "x", data.size()) == data);
  CHECK(io::gunzip(gz, "x", 10) == data);  // a wrong hint costs time, not correctness
}

TEST_CASE("concatenated gzip members inflate to their concatenation", "[precomputed][gzip]") {
  const Bytes a = text_bytes(5000), b = text_bytes(7000);
  const Bytes first = io::gzip_compress(a), second = io::gzip_compress(b);
  Bytes both(first.size() + second.size());
  std::copy(first.begin(), first.end(), both.begin());
  std::copy(second.begin(), second.end(), both.begin() + static_cast<std::ptrdiff_t>(first.size()));
  Bytes want(a.size() + b.size());
  std::copy(a.begin(), a.end(), want.begin());
  std::copy(b.begin(), b.end(), want.begin() + static_cast<std::ptrdiff_t>(a.size()));
  CHECK(io::gunzip(both, "x") == want);
}

TEST_CASE("a zlib stream without gzip framing inflates too", "[precomputed][gzip]") {
  const Bytes data = text_bytes(3000);
  uLongf len = compressBound(static_cast<uLong>(data.size()));
  Bytes z(len);
  REQUIRE(compress(reinterpret_cast<Bytef*>(z.data()), &len,
                   reinterpret_cast<const Bytef*>(data.data()),
                   static_cast<uLong>(data.size())) == Z_OK);
  z.resize(len);
  CHECK(io::gunzip(z, "x") == data);
}

TEST_CASE("corrupt, truncated and oversized gzip data fail naming the input",
          "[precomputed][gzip]") {
  const Bytes data = text_bytes(50000);
  Bytes gz = io::gzip_compress(data);
  Bytes lying = gz;
  lying[lying.size() - 4] ^= std::byte{0x40};  // ISIZE says another length
  CHECK(code_of(lying) == ErrorCode::kDataLoss);
  Bytes bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= std::byte{0x01};
  CHECK(code_of(bad_crc) == ErrorCode::kDataLoss);
  Bytes cut(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(gz.size() / 2));
  CHECK(code_of(cut) == ErrorCode::kDataLoss);
  CHECK(code_of(Bytes{}) == ErrorCode::kDataLoss);
  CHECK(code_of(gz, 0, 1000) == ErrorCode::kResourceExhausted);
}

TEST_CASE("a size trailer claiming gigabytes for a few bytes is not believed",
          "[precomputed][gzip]") {
  // Found by fuzz_chunk: 20 bytes of gzip whose ISIZE said 3.6 GB made us allocate 3.6 GB.
  Bytes gz = io::gzip_compress(text_bytes(100));
  const std::uint32_t claim = 3600000000u;
  std::memcpy(gz.data() + gz.size() - 4, &claim, 4);
  CHECK(code_of(gz, 0, std::size_t{4} << 30) == ErrorCode::kDataLoss);
  CHECK(code_of(gz, 3600000000u, std::size_t{4} << 30) ==
        ErrorCode::kDataLoss);  // nor a caller's hint
}
