#include "imagery/cli/arguments.h"

#include <charconv>
#include <cmath>

#include "imagery/core/error.h"

namespace imagery::cli {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::int64_t> parse_integers(const std::string& text, std::size_t count,
                                         const std::string& flag) {
  auto parts = split(text, ',');
  if (parts.size() != count)
    fail(ErrorCode::kInvalidArgument, flag + ": expected " + std::to_string(count) +
                                          " comma-separated integers, got '" + text + "'");
  std::vector<std::int64_t> out;
  for (const auto& raw : parts) {
    std::string p = trim(raw);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc() || ptr != p.data() + p.size())
      fail(ErrorCode::kInvalidArgument,
           flag + ": '" + p + "' is not an integer (in '" + text + "')");
    out.push_back(v);
  }
  return out;
}

std::vector<double> parse_numbers(const std::string& text, std::size_t count,
                                  const std::string& flag) {
  auto parts = split(text, ',');
  if (parts.size() != count)
    fail(ErrorCode::kInvalidArgument, flag + ": expected " + std::to_string(count) +
                                          " comma-separated numbers, got '" + text + "'");
  std::vector<double> out;
  for (const auto& raw : parts) {
    std::string p = trim(raw);
    double v = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || !std::isfinite(v))
      fail(ErrorCode::kInvalidArgument, flag + ": '" + p + "' is not a number (in '" + text + "')");
    out.push_back(v);
  }
  return out;
}

Bbox parse_bounds(const std::string& text, const std::string& flag) {
  auto v = parse_integers(text, 6, flag);
  // Far beyond any volume (they stay within +-2^53), and far from overflowing box arithmetic.
  constexpr std::int64_t kLimit = std::int64_t{1} << 60;
  for (auto x : v)
    if (x < -kLimit || x > kLimit)
      fail(ErrorCode::kInvalidArgument,
           flag + ": " + std::to_string(x) + " is beyond +-2^60 voxels (in '" + text + "')");
  Bbox b{{v[0], v[1], v[2]}, {v[3], v[4], v[5]}};
  for (int d = 0; d < 3; ++d)
    if (b.max[d] <= b.min[d])
      fail(ErrorCode::kInvalidArgument,
           flag + ": max must exceed min on every axis, got " + b.to_string());
  return b;
}

}  // namespace imagery::cli
