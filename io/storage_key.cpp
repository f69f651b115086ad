#include "imagery/io/internal/storage_key.h"

#include "imagery/core/error.h"

namespace imagery::io {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One round of percent-decoding; a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::optional<std::string> literal_reason(std::string_view key) {
  if (key.empty()) return "it is empty";
  for (unsigned char c : key)
    if (c < 0x20 || c == 0x7f) return "a control character";
  if (key.front() == '/') return "an absolute path";
  if (key.find('\\') != std::string_view::npos) return "a backslash";
  if (key.find("://") != std::string_view::npos) return "a URL scheme";
  if (key.find('?') != std::string_view::npos) return "a '?' (URL query)";
  if (key.find('#') != std::string_view::npos) return "a '#' (URL fragment)";
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = key.find('/', start);
    if (key.substr(start, end == std::string_view::npos ? end : end - start) == "..")
      return "a '..' segment";
    if (end == std::string_view::npos) return std::nullopt;
    start = end + 1;
  }
}

}  // namespace

std::optional<std::string> key_escape_reason(std::string_view key) {
  std::string current(key);
  // Each round undoes one layer of escaping ("%252e" is "%2e" is "."); four layers is plenty.
  for (int round = 0; round < 4; ++round) {
    if (auto reason = literal_reason(current))
      return round == 0 ? *reason : *reason + " once percent-decoded";
    std::string next = percent_decode(current);
    if (next == current) return std::nullopt;
    current = std::move(next);
  }
  return "percent-escapes nested too deep";
}

void check_storage_key(std::string_view key, const std::string& root) {
  if (auto reason = key_escape_reason(key))
    fail(ErrorCode::kInvalidArgument,
         "key " + quoted_text(key) + " leaves the volume at " + root + " (" + *reason + ")");
}

std::string quoted_text(std::string_view text) {
  constexpr std::size_t kMaxShown = 200;  // a hostile megabyte-long key stays a short message
  static const char* hex = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '\'') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "'";
}

}  // namespace imagery::io
