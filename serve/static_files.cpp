#include "imagery/serve/static_files.h"

#include <algorithm>
#include <map>

namespace fs = std::filesystem;

namespace imagery::serve {

std::optional<fs::path> resolve_static(const fs::path& root, const std::string& relative) {
  if (relative.empty() || relative.front() == '/' ||
      relative.find_first_of(std::string("\\\0", 2)) != std::string::npos)
    return std::nullopt;
  // Segment by segment: no "..", no "." tricks, no empty segments ("a//b").
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t slash = std::min(relative.find('/', start), relative.size());
    const std::string segment = relative.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    start = slash + 1;
  }
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path real = fs::canonical(real_root / relative, ec);
  if (ec) return std::nullopt;
  // The real location must still be under the real root (a symbolic link may point anywhere).
  const auto [root_end, unused] =
      std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
  if (root_end != real_root.end()) return std::nullopt;
  if (!fs::is_regular_file(real, ec)) return std::nullopt;
  return real;
}

std::string static_media_type(const fs::path& file) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace imagery::serve
