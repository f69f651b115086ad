#include "imagery/palettes/parse_color.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/palettes/internal/css_colors.h"

namespace imagery::palettes {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Rgb8> parse_hex(std::string_view hex) {
  if (hex.size() != 3 && hex.size() != 6) return std::nullopt;
  int d[6];
  for (std::size_t i = 0; i < hex.size(); ++i)
    if ((d[i] = hex_digit(hex[i])) < 0) return std::nullopt;
  if (hex.size() == 3)  // #rgb means #rrggbb
    return Rgb8{static_cast<std::uint8_t>(d[0] * 17), static_cast<std::uint8_t>(d[1] * 17),
                static_cast<std::uint8_t>(d[2] * 17)};
  return Rgb8{static_cast<std::uint8_t>(d[0] * 16 + d[1]),
              static_cast<std::uint8_t>(d[2] * 16 + d[3]),
              static_cast<std::uint8_t>(d[4] * 16 + d[5])};
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

[[noreturn]] void not_a_colour(std::string_view text, const std::string& what,
                               const std::string& why) {
  fail(ErrorCode::kInvalidArgument, what + ": '" + std::string(text) + "' " + why);
}

}  // namespace

Rgb8 parse_color(std::string_view text, const std::string& what) {
  std::string_view s = trim(text);
  if (!s.empty() && s.front() == '#') {
    if (auto c = parse_hex(s.substr(1))) return *c;
    not_a_colour(text, what, "is not a hex colour (use #rrggbb or #rgb)");
  }
  if (s.find(',') != std::string_view::npos) {
    std::vector<double> parts;
    std::size_t start = 0;
    while (true) {
      std::size_t comma = s.find(',', start);
      std::string_view part =
          s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
      auto v = parse_double(part);
      if (!v)
        not_a_colour(text, what,
                     "is not a colour: '" + std::string(trim(part)) + "' is not a number");
      parts.push_back(*v);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (parts.size() != 3)
      not_a_colour(text, what, "is not a colour: r,g,b takes exactly 3 numbers");
    for (double v : parts)
      if (v < 0 || v > 1)
        not_a_colour(text, what, "is not a colour: r,g,b components are floats in [0, 1]");
    return to_uint8(RgbF{parts[0], parts[1], parts[2]});
  }
  if (auto c = css_color(s)) return *c;
  not_a_colour(text, what,
               "is not a colour (use #rrggbb, #rgb, a CSS name such as 'red', or r,g,b floats in "
               "[0, 1])");
}

}  // namespace imagery::palettes
