#include "imagery/volume/open_volume.h"

#include <map>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/io/url.h"
#include "imagery/volume/internal/graphene_driver.h"
#include "imagery/volume/internal/precomputed_driver.h"
#include "imagery/volume/internal/zarr_driver.h"

namespace imagery::volume {

namespace {

// URLs without a format prefix: a name with a ".zarr" segment is OME-Zarr; anything else is
// precomputed, unless it has no `info` but an OME-Zarr group's metadata (zarr.json or .zattrs).
std::shared_ptr<const Volume> open_unprefixed(const std::string& url, io::Context& context) {
  if (looks_like_zarr(url)) return open_zarr(url, context);
  try {
    return open_precomputed(url, context);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    try {
      return open_zarr(url, context);
    } catch (const Error& z) {
      if (z.code() == ErrorCode::kNotFound) throw e;  // neither: the precomputed message
      throw;
    }
  }
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, DriverFactory> by_prefix;
  DriverFactory fallback = open_unprefixed;  // URLs without a format prefix

  Registry() {
    by_prefix["precomputed://"] = open_precomputed;
    by_prefix["graphene://"] = open_graphene;
    // Neuroglancer's names for Zarr sources (zarr2:// and zarr3:// pin the version there; here
    // the group's own metadata says which it is).
    by_prefix["zarr://"] = open_zarr;
    by_prefix["zarr2://"] = open_zarr;
    by_prefix["zarr3://"] = open_zarr;
  }
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

// The registered prefix `url` starts with (the longest), or "" for none. Call with the lock held.
std::string longest_prefix_locked(const Registry& r, const std::string& url) {
  std::string longest;
  for (const auto& [prefix, f] : r.by_prefix)
    if (url.rfind(prefix, 0) == 0 && prefix.size() > longest.size()) longest = prefix;
  return longest;
}

// Throws kInvalidArgument for `url` (as the user wrote it) when `rest` starts with a scheme that
// is neither a format nor a storage scheme. Call with the lock held.
void check_scheme_locked(const Registry& r, const std::string& url, const std::string& rest) {
  const auto sep = rest.find("://");
  const std::string scheme = sep == std::string::npos ? "" : rest.substr(0, sep);
  if (scheme.empty() || is_storage_scheme(scheme)) return;
  std::string known;
  for (const auto& [prefix, f] : r.by_prefix) known += (known.empty() ? "" : ", ") + prefix;
  fail(ErrorCode::kInvalidArgument, "source " + url + ": unsupported scheme '" + scheme +
                                        "://' (formats: " + known +
                                        "; storage: a path, file://, http(s)://, gs://, s3://)");
}

}  // namespace

std::shared_ptr<const Volume> open_volume(const std::string& url, io::Context& context) {
  DriverFactory factory;
  {
    Registry& r = Registry::get();
    std::lock_guard lock(r.mutex);
    // The longest matching prefix wins.
    if (const std::string prefix = longest_prefix_locked(r, url); !prefix.empty()) {
      factory = r.by_prefix.at(prefix);
    } else {
      check_scheme_locked(r, url, url);
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
  // Format prefixes of registered drivers ("precomputed://", ...) go; storage schemes stay; any
  // other scheme is refused as open_volume refuses it.
  {
    Registry& r = Registry::get();
    std::lock_guard lock(r.mutex);
    for (;;) {
      const auto sep = rest.find("://");
      if (sep == std::string::npos || is_storage_scheme(rest.substr(0, sep))) break;
      const std::string prefix = longest_prefix_locked(r, rest);
      if (prefix.empty()) {
        check_scheme_locked(r, url, rest);
        break;  // "://x": parse_storage_url refuses it
      }
      rest = rest.substr(prefix.size());
      // A graphene server behind middleauth+ is an ordinary https:// server to fetch from.
      if (prefix == "graphene://" && rest.rfind("middleauth+", 0) == 0) rest = rest.substr(11);
    }
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
