#include "imagery/volume/open_volume.h"

#include <map>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/io/url.h"
#include "imagery/volume/internal/precomputed_driver.h"

namespace imagery::volume {

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, DriverFactory> by_prefix;
  DriverFactory fallback = open_precomputed;  // URLs without a format prefix

  Registry() { by_prefix["precomputed://"] = open_precomputed; }
  static Registry& get() {
    static Registry registry;
    return registry;
  }
};

// Storage schemes that are not formats: a URL starting with one of these has no format prefix.
bool is_storage_scheme(const std::string& scheme) {
  return scheme == "file" || scheme == "http" || scheme == "https" || scheme == "gs" ||
         scheme == "s3";
}

}  // namespace

std::shared_ptr<const Volume> open_volume(const std::string& url, io::Context& context) {
  DriverFactory factory;
  {
    Registry& r = Registry::get();
    std::lock_guard lock(r.mutex);
    std::size_t longest = 0;  // the longest matching prefix wins
    for (const auto& [prefix, f] : r.by_prefix)
      if (url.rfind(prefix, 0) == 0 && prefix.size() > longest) {
        factory = f;
        longest = prefix.size();
      }
    if (!factory) {
      const auto sep = url.find("://");
      const std::string scheme = sep == std::string::npos ? "" : url.substr(0, sep);
      if (!scheme.empty() && !is_storage_scheme(scheme)) {
        std::string known;
        for (const auto& [prefix, f] : r.by_prefix) known += (known.empty() ? "" : ", ") + prefix;
        fail(ErrorCode::kInvalidArgument,
             "source " + url + ": unsupported scheme '" + scheme + "://' (formats: " + known +
                 "; storage: a path, file://, http(s)://, gs://, s3://)");
      }
      factory = r.fallback;
    }
  }
  return factory(url, context);
}

void register_driver(const std::string& prefix, DriverFactory factory) {
  Registry& r = Registry::get();
  std::lock_guard lock(r.mutex);
  r.by_prefix[prefix] = std::move(factory);
}

std::string fetch_location(const std::string& url) {
  std::string rest = url;
  // Format prefixes ("precomputed://", "zarr://", ...) go; storage schemes stay.
  for (;;) {
    const auto sep = rest.find("://");
    if (sep == std::string::npos || is_storage_scheme(rest.substr(0, sep))) break;
    rest = rest.substr(sep + 3);
  }
  // Neuroglancer's "|format:" suffix.
  if (auto bar = rest.rfind('|'); bar != std::string::npos && !rest.empty() && rest.back() == ':')
    rest.resize(bar);
  const io::StorageUrl storage = io::parse_storage_url(rest, url);
  return storage.kind == io::StorageUrl::Kind::kHttp ? storage.location : "";
}

std::vector<std::string> driver_prefixes() {
  Registry& r = Registry::get();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& [prefix, f] : r.by_prefix) out.push_back(prefix);
  return out;
}

}  // namespace imagery::volume
