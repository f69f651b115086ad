// .npy files: the header numpy writes and reads, Fortran and C order, 1- to
// 4-D arrays, and malformed files that must fail naming the file.
#include "imagery/core/npy.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "support/test_support.h"

using namespace imagery;
using imagery::testing::TempDir;

namespace {
std::vector<std::byte> npy_bytes(const std::string& header_dict,
                                 const std::vector<std::uint8_t>& payload) {
  std::string dict = header_dict;
  std::size_t total = 10 + dict.size() + 1;
  dict.append((total + 63) / 64 * 64 - total, ' ');
  dict += '\n';
  std::string h = "\x93NUMPY";
  h += '\x01';
  h += '\x00';
  h += static_cast<char>(dict.size() & 0xff);
  h += static_cast<char>(dict.size() >> 8);
  h += dict;
  std::vector<std::byte> out(h.size() + payload.size());
  std::memcpy(out.data(), h.data(), h.size());
  if (!payload.empty()) std::memcpy(out.data() + h.size(), payload.data(), payload.size());
  return out;
}
}  // namespace

TEST_CASE("npy headers are 64-byte aligned and say fortran_order True", "[core][npy]") {
  std::string h = npy_header(DataType::kUint64, {269, 241, 25, 1}, true);
  CHECK(h.size() % 64 == 0);
  CHECK(h.substr(0, 6) == "\x93NUMPY");
  CHECK(h.find("{'descr': '<u8', 'fortran_order': True, 'shape': (269, 241, 25, 1), }") !=
        std::string::npos);
  CHECK(h.back() == '\n');
  CHECK(npy_header(DataType::kUint8, {7}, true).find("'shape': (7,)") != std::string::npos);
}

TEST_CASE("npy files round-trip every dtype", "[core][npy]") {
  TempDir dir;
  for (DataType t : {DataType::kUint8, DataType::kInt8, DataType::kUint16, DataType::kInt16,
                     DataType::kUint32, DataType::kInt32, DataType::kUint64, DataType::kInt64,
                     DataType::kFloat32, DataType::kFloat64}) {
    Array a(t, {3, 4, 5, 2});
    for (std::size_t i = 0; i < a.size_bytes(); ++i) a.bytes()[i] = std::byte(i * 31 + 7);
    write_npy(dir.file("a.npy"), a);
    NpyArray b = read_npy(dir.file("a.npy"));
    CHECK(b.ndim == 4);
    CHECK(b.array.dtype() == t);
    CHECK(b.array.shape() == a.shape());
    CHECK(std::memcmp(a.bytes(), b.array.bytes(), a.size_bytes()) == 0);
  }
}

TEST_CASE("C-ordered npy arrays are transposed into x-fastest order", "[core][npy]") {
  // numpy.arange(6, dtype=uint8).reshape(2, 3): a[x, y] = 3x + y in C order.
  auto bytes =
      npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", {0, 1, 2, 3, 4, 5});
  NpyArray a = decode_npy(bytes, "c.npy");
  CHECK(a.ndim == 2);
  REQUIRE(a.array.shape() == Shape4{2, 3, 1, 1});
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 3; ++y) CHECK(a.array.at<std::uint8_t>(x, y, 0) == 3 * x + y);
  // A 3-D C-ordered array: a[x, y, z] = 6x + 2y + z.
  std::vector<std::uint8_t> v(12);
  for (int i = 0; i < 12; ++i) v[i] = static_cast<std::uint8_t>(i);
  NpyArray b = decode_npy(
      npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 2), }", v), "c3.npy");
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 3; ++y)
      for (int z = 0; z < 2; ++z) CHECK(b.array.at<std::uint8_t>(x, y, z) == 6 * x + 2 * y + z);
}

TEST_CASE("big-endian and bool npy arrays are read as native numbers", "[core][npy]") {
  NpyArray a = decode_npy(
      npy_bytes("{'descr': '>u2', 'fortran_order': True, 'shape': (2,), }", {1, 2, 0, 5}),
      "be.npy");
  CHECK(a.array.data<std::uint16_t>()[0] == 0x0102);
  CHECK(a.array.data<std::uint16_t>()[1] == 5);
  NpyArray b = decode_npy(
      npy_bytes("{'descr': '|b1', 'fortran_order': True, 'shape': (2, 1), }", {1, 0}), "bool.npy");
  CHECK(b.array.dtype() == DataType::kUint8);
  CHECK(b.array.data<std::uint8_t>()[0] == 1);
}

TEST_CASE("an empty C-ordered npy with huge other axes is read at once", "[core][npy]") {
  // Found by fuzz_npy: the transposing loops used to walk the non-empty axes of an empty array.
  auto bytes = npy_bytes(
      "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 100000000, 100000000), }", {});
  NpyArray a = decode_npy(bytes, "empty.npy");
  CHECK(a.array.shape().count() == 0);
}

TEST_CASE("malformed npy files fail naming the file", "[core][npy]") {
  const std::pair<const char*, std::vector<std::byte>> cases[] = {
      {"empty", {}},
      {"no magic",
       npy_bytes("{'descr': '|u1', 'fortran_order': True, 'shape': (2,), }", {1, 2}).size() > 0
           ? std::vector<std::byte>(20, std::byte{'x'})
           : std::vector<std::byte>{}},
      {"short data",
       npy_bytes("{'descr': '<u4', 'fortran_order': True, 'shape': (2,), }", {1, 2, 3})},
      {"complex dtype", npy_bytes("{'descr': '<c8', 'fortran_order': True, 'shape': (1,), }",
                                  {0, 0, 0, 0, 0, 0, 0, 0})},
      {"object dtype", npy_bytes("{'descr': '|O', 'fortran_order': True, 'shape': (1,), }", {0})},
      {"five axes",
       npy_bytes("{'descr': '|u1', 'fortran_order': True, 'shape': (1, 1, 1, 1, 1), }", {0})},
      {"no shape", npy_bytes("{'descr': '|u1', 'fortran_order': True, }", {0})},
      {"bad fortran_order",
       npy_bytes("{'descr': '|u1', 'fortran_order': Maybe, 'shape': (1,), }", {0})},
      {"overflowing shape", npy_bytes("{'descr': '|u1', 'fortran_order': True, 'shape': "
                                      "(4294967296, 4294967296, 4294967296), }",
                                      {0})},
  };
  for (const auto& [what, bytes] : cases) {
    SECTION(what) {
      CHECK_THROWS_MATCHES(decode_npy(bytes, "in.npy"), Error,
                           Catch::Predicate<Error>([](const Error& e) {
                             return e.code() == ErrorCode::kInvalidArgument &&
                                    std::string(e.what()).find("in.npy") != std::string::npos;
                           }));
    }
  }
}

TEST_CASE("writing an npy into a missing folder fails and leaves no file", "[core][npy]") {
  TempDir dir;
  Array a = Array::zeros(DataType::kUint8, {2, 2, 1, 1});
  const std::string path = dir.file("missing/out.npy");
  CHECK_THROWS_WITH(write_npy(path, a), Catch::Contains(path));
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(std::filesystem::is_empty(dir.path()));
}
