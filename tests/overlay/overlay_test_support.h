// Helpers for the overlay tests: golden pictures and pixel comparisons that say how many pixels
// differ and where the first one is.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/image.h"
#include "support/test_support.h"

namespace imagery::testing {

inline nlohmann::json load_json_file(const std::string& relative) {
  std::ifstream in(data_path(relative));
  if (!in) throw std::runtime_error("cannot read " + relative);
  return nlohmann::json::parse(in);
}

inline std::string pixel_sha256(const overlay::Image& image) {
  return sha256_hex(std::as_bytes(std::span(image.pixels)));
}

// "" when identical, else a one-line account of the difference.
inline std::string pixel_difference(const overlay::Image& got, const overlay::Image& expected) {
  std::ostringstream out;
  if (got.width != expected.width || got.height != expected.height ||
      got.channels != expected.channels) {
    out << "size differs: got " << got.width << "x" << got.height << "x" << got.channels
        << ", expected " << expected.width << "x" << expected.height << "x" << expected.channels;
    return out.str();
  }
  std::size_t differing = 0, first = 0;
  const std::size_t n = static_cast<std::size_t>(got.width) * got.height;
  const int c = got.channels;
  for (std::size_t i = 0; i < n; ++i) {
    bool same = true;
    for (int k = 0; k < c; ++k) same &= got.pixels[i * c + k] == expected.pixels[i * c + k];
    if (!same && differing++ == 0) first = i;
  }
  if (!differing) return "";
  out << differing << " of " << n << " pixels differ; first at (x=" << first % got.width
      << ", y=" << first / got.width << "): got (";
  for (int k = 0; k < c; ++k) out << (k ? "," : "") << int(got.pixels[first * c + k]);
  out << ") expected (";
  for (int k = 0; k < c; ++k) out << (k ? "," : "") << int(expected.pixels[first * c + k]);
  out << ")";
  return out.str();
}

}  // namespace imagery::testing
