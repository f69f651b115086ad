// The sources a server may read: the volumes named when it started, opened once and shared by
// every request. A request names a source by its name only, so it cannot make the server fetch
// an address of its choosing; with allow_remote a request may also give an http(s) URL (never
// file:// or another scheme), opened on first use and kept.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "imagery/io/context.h"
#include "imagery/volume/volume.h"

namespace imagery::serve {

struct Source {
  std::string name;  // the configured name, or the URL of a remote source
  std::string url;
  std::shared_ptr<const volume::Volume> volume;
};

class SourceRegistry {
 public:
  // Opens every configured source now: a source that cannot be read stops the server at start.
  SourceRegistry(const std::vector<std::pair<std::string, std::string>>& sources, bool allow_remote,
                 io::Context& context);

  // The source a request names. Throws HttpError: 404 for an unknown name, 400
  // "remote_source_forbidden" for a URL without allow_remote and "scheme_forbidden" for a URL
  // that is not http(s).
  Source resolve(const std::string& name_or_url);
  // The volume of a URL as render_volume's hook asks for it: a configured source's own, or a
  // remote one allowed as above.
  std::shared_ptr<const volume::Volume> open_url(const std::string& url);
  // Configured sources, in order.
  const std::vector<Source>& configured() const { return configured_; }
  bool allow_remote() const { return allow_remote_; }

 private:
  Source open_remote(const std::string& url);

  io::Context& context_;
  bool allow_remote_;
  std::vector<Source> configured_;
  std::mutex mutex_;
  std::map<std::string, Source> remote_;
};

// Whether `text` is a URL rather than a name (it has a scheme: "xyz://").
bool looks_like_url(const std::string& text);
// Whether a remote source URL may be opened: http:// or https://, also behind a format prefix
// (precomputed://https://..., zarr://http://...); never file:// or a path.
bool is_remote_http_url(const std::string& url);

}  // namespace imagery::serve
