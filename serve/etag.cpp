#include "imagery/serve/etag.h"

#include <cstdint>
#include <cstdio>

namespace imagery::serve {

std::string etag_of(std::span<const std::byte> bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::byte b : bytes) {
    h ^= static_cast<std::uint64_t>(b);
    h *= 1099511628211ull;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(h));
  return text;
}

bool etag_matches(const std::string& header, const std::string& etag) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(',', pos);
    if (end == std::string::npos) end = header.size();
    std::string tag = header.substr(pos, end - pos);
    const auto first = tag.find_first_not_of(" \t");
    const auto last = tag.find_last_not_of(" \t");
    tag = first == std::string::npos ? "" : tag.substr(first, last - first + 1);
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag == etag) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace imagery::serve
