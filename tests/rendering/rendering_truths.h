// The rendering tests' inputs and NumPy's answers (tests/data/rendering/make_truths.py).
#pragma once

#include <cstring>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/core/array.h"
#include "imagery/core/npy.h"
#include "support/test_support.h"

namespace imagery::testing {

inline Array rendering_array(const std::string& name) {
  return read_npy(data_path("rendering/" + name + ".npy")).array;
}

inline nlohmann::json rendering_truths() {
  return nlohmann::json::parse(read_text(data_path("rendering/truths.json")));
}

// How many elements of two arrays of one shape and type differ (bytewise per element).
inline std::int64_t differing_elements(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return -1;
  std::int64_t n = 0;
  const std::size_t size = a.element_size();
  for (std::int64_t i = 0; i < a.shape().count(); ++i)
    n += std::memcmp(a.bytes() + i * size, b.bytes() + i * size, size) != 0;
  return n;
}

}  // namespace imagery::testing
