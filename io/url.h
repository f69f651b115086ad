// Storage URLs as users write them: plain paths, file://PATH, http(s)://..., gs://BUCKET/PATH
// (public buckets, through storage.googleapis.com) and s3://BUCKET/PATH (through
// s3.amazonaws.com; s3://https://HOST/BUCKET/PATH names another endpoint). Format prefixes such
// as precomputed:// or zarr:// are the drivers' business and are removed before this.
#pragma once

#include <string>

namespace imagery::io {

struct StorageUrl {
  enum class Kind { kFile, kHttp };
  Kind kind = Kind::kFile;
  std::string location;  // an absolute or relative path, or an http(s) URL; no trailing '/'
  std::string original;  // as the user wrote it, for messages
};

// Throws kInvalidArgument naming `source` (the URL as the user wrote it, default `url`) for
// unsupported schemes or empty locations.
StorageUrl parse_storage_url(const std::string& url, const std::string& source = "");

// `base` joined with a relative `path` ("a/b" + "c" -> "a/b/c"), for files and URLs alike.
std::string join_url(const std::string& base, const std::string& path);

}  // namespace imagery::io
