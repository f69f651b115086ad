#include "imagery/figure/writer.h"

#include <algorithm>
#include <cctype>

#include "imagery/core/error.h"
#include "imagery/figure/internal/png_writer.h"

namespace imagery::figure {

namespace {
std::string extension_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}
}  // namespace

std::vector<std::string> writer_extensions() {
  return {".png"};
}

std::unique_ptr<FigureWriter> writer_for(const std::string& path) {
  const std::string ext = extension_of(path);
  if (ext == ".png") return std::make_unique<PngWriter>();
  std::string known;
  for (const auto& e : writer_extensions()) known += (known.empty() ? "" : ", ") + e;
  fail(ErrorCode::kInvalidArgument,
       path + ": " + (ext.empty() ? std::string("no extension") : "'" + ext + "'") +
           " is not a figure format imagery writes (" + known + ")");
}

}  // namespace imagery::figure
