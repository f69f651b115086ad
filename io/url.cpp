#include "imagery/io/url.h"

#include <algorithm>

#include "imagery/core/error.h"

namespace imagery::io {

namespace {
bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string after(const std::string& s, const char* prefix) {
  return s.substr(std::char_traits<char>::length(prefix));
}
}  // namespace

StorageUrl parse_storage_url(const std::string& text, const std::string& named) {
  const std::string& source = named.empty() ? text : named;
  StorageUrl url;
  url.original = source;
  std::string s = text;
  // Trailing slashes go, but never into a scheme's "://" (the last one: s3://https://...).
  const std::size_t scheme_end = s.rfind("://") == std::string::npos ? 0 : s.rfind("://") + 3;
  while (s.size() > std::max<std::size_t>(scheme_end, 1) && s.back() == '/') s.pop_back();
  auto need_path = [&](const std::string& rest) {
    if (rest.empty() || rest == "/")
      fail(ErrorCode::kInvalidArgument, "source " + source + ": no path after the scheme");
    return rest;
  };
  if (starts_with(s, "file://")) {
    url.kind = StorageUrl::Kind::kFile;
    url.location = need_path(after(s, "file://"));
  } else if (starts_with(s, "http://") || starts_with(s, "https://")) {
    url.kind = StorageUrl::Kind::kHttp;
    url.location = s;
    need_path(s.substr(s.find("://") + 3));
  } else if (starts_with(s, "gs://")) {
    url.kind = StorageUrl::Kind::kHttp;
    url.location = "https://storage.googleapis.com/" + need_path(after(s, "gs://"));
  } else if (starts_with(s, "s3://")) {
    std::string rest = need_path(after(s, "s3://"));
    url.kind = StorageUrl::Kind::kHttp;
    if (starts_with(rest, "https://") || starts_with(rest, "http://")) {
      url.location = rest;  // s3://https://host/bucket/path: a custom endpoint
      need_path(rest.substr(rest.find("://") + 3));
    } else {
      url.location = "https://s3.amazonaws.com/" + rest;
    }
  } else if (s.find("://") != std::string::npos) {
    fail(ErrorCode::kInvalidArgument, "source " + source + ": unsupported scheme '" +
                                          s.substr(0, s.find("://")) +
                                          "://' (use a path, file://, http(s)://, gs:// or s3://)");
  } else {
    if (s.empty()) fail(ErrorCode::kInvalidArgument, "source is empty");
    url.kind = StorageUrl::Kind::kFile;
    url.location = s;
  }
  return url;
}

std::string join_url(const std::string& base, const std::string& path) {
  if (base.empty()) return path;
  if (path.empty()) return base;
  return base.back() == '/' ? base + path : base + "/" + path;
}

}  // namespace imagery::io
