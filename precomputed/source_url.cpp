#include "imagery/precomputed/source_url.h"

#include "imagery/core/error.h"

namespace imagery::precomputed {

io::StorageUrl parse_source_url(const std::string& source) {
  std::string s = source;
  if (s.rfind("precomputed://", 0) == 0) s = s.substr(14);
  if (auto bar = s.rfind('|'); bar != std::string::npos && !s.empty() && s.back() == ':') {
    std::string format = s.substr(bar + 1);
    if (format != "neuroglancer-precomputed:")
      fail(ErrorCode::kInvalidArgument,
           "source " + source + ": unsupported format '" + format + "'");
    s.resize(bar);
  }
  if (s.empty()) fail(ErrorCode::kInvalidArgument, "source is empty");
  return io::parse_storage_url(s, source);
}

}  // namespace imagery::precomputed
