// Source URLs as users write them (spec section 6): plain paths, file://,
// http(s)://, gs://BUCKET/PATH, s3://BUCKET/PATH, each optionally behind
// precomputed:// or followed by Neuroglancer's "|neuroglancer-precomputed:".
#pragma once

#include <string>

namespace imagery::precomputed {

struct SourceUrl {
  enum class Kind { kFile, kHttp };
  Kind kind = Kind::kFile;
  std::string location;  // an absolute or relative path, or an http(s) URL; no trailing '/'
  std::string original;  // as the user wrote it, for messages
};

// Throws kInvalidArgument naming the source for unsupported schemes or empty locations.
SourceUrl parse_source_url(const std::string& source);

}  // namespace imagery::precomputed
