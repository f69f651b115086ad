// Helpers of the zarr tests: the fixtures of tests/data/zarr (make_fixtures.py) hold
// value(i) = (flat C index * 7 + 3) % 251 - (50 for signed types), floats flat * 0.5 - 10;
// whole arrays are read into C-order buffers and compared with that.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "imagery/io/open_storage.h"
#include "imagery/io/url.h"
#include "imagery/zarr/array.h"
#include "support/test_context.h"
#include "support/test_support.h"

namespace imagery::testing {

template <class T>
T fixture_value(std::int64_t flat) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(static_cast<double>(flat) * 0.5 - 10);
  } else {
    const std::int64_t v = (flat * 7 + 3) % 251 - (std::is_signed_v<T> ? 50 : 0);
    return static_cast<T>(v);
  }
}

inline std::vector<std::int64_t> c_order_strides(const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> s(shape.size());
  std::int64_t n = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    s[d] = n;
    n *= shape[d];
  }
  return s;
}

// A whole array read into a C-order buffer.
inline std::vector<std::byte> read_whole(const zarr::ZarrArray& a) {
  const auto& m = a.metadata();
  std::int64_t n = 1;
  for (auto s : m.shape) n *= s;
  std::vector<std::byte> out(static_cast<std::size_t>(n) * dtype_size(m.dtype));
  zarr::Region r;
  r.start.assign(m.rank(), 0);
  r.stop = m.shape;
  r.out = out.data();
  r.out_strides = c_order_strides(m.shape);
  a.read(r);
  return out;
}

// Mismatches between `bytes` (C order, native) and the fixture values (first few listed).
inline std::string fixture_mismatches(const std::vector<std::byte>& bytes, DataType dtype) {
  std::string out;
  int count = 0;
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    const std::size_t n = bytes.size() / sizeof(T);
    for (std::size_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
      if (v != fixture_value<T>(static_cast<std::int64_t>(i)) && count++ < 5)
        out += "[" + std::to_string(i) + "]=" + std::to_string(v) + " ";
    }
  });
  return count ? std::to_string(count) + " differ: " + out : "";
}

inline std::shared_ptr<io::Storage> storage_at(const std::string& path, io::Context& context) {
  return io::open_storage(io::parse_storage_url(path), context);
}

}  // namespace imagery::testing
