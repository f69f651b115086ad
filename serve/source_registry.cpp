#include "imagery/serve/source_registry.h"

#include "imagery/serve/http_error.h"
#include "imagery/volume/open_volume.h"

namespace imagery::serve {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

bool looks_like_url(const std::string& text) {
  return text.find("://") != std::string::npos;
}

bool is_remote_http_url(const std::string& url) {
  std::string rest = url;
  for (const char* format : {"precomputed://", "zarr://", "graphene://", "n5://"})
    if (starts_with(rest, format)) {
      rest = rest.substr(std::string(format).size());
      break;
    }
  return (starts_with(rest, "http://") || starts_with(rest, "https://")) &&
         rest.find("://", rest.find("://") + 3) == std::string::npos;
}

SourceRegistry::SourceRegistry(const std::vector<std::pair<std::string, std::string>>& sources,
                               bool allow_remote, io::Context& context)
    : context_(context), allow_remote_(allow_remote) {
  for (const auto& [name, url] : sources)
    configured_.push_back({name, url, volume::open_volume(url, context_)});
}

Source SourceRegistry::resolve(const std::string& name) {
  for (const Source& s : configured_)
    if (s.name == name) return s;
  if (!looks_like_url(name)) http_fail(404, "unknown_source", "no source named '" + name + "'");
  return open_remote(name);
}

std::shared_ptr<const volume::Volume> SourceRegistry::open_url(const std::string& url) {
  for (const Source& s : configured_)
    if (s.url == url || s.name == url) return s.volume;
  if (!looks_like_url(url)) http_fail(404, "unknown_source", "no source named '" + url + "'");
  return open_remote(url).volume;
}

Source SourceRegistry::open_remote(const std::string& url) {
  if (!allow_remote_)
    http_fail(400, "remote_source_forbidden",
              "requests may name configured sources only (start the server with "
              "--allow-remote-sources to admit http(s) URLs): '" +
                  url + "'");
  if (!is_remote_http_url(url))
    http_fail(400, "scheme_forbidden",
              "only http:// and https:// sources may be requested: '" + url + "'");
  {
    std::lock_guard lock(mutex_);
    if (auto it = remote_.find(url); it != remote_.end()) return it->second;
  }
  Source s{url, url, volume::open_volume(url, context_)};
  std::lock_guard lock(mutex_);
  return remote_.emplace(url, std::move(s)).first->second;
}

}  // namespace imagery::serve
