// What `imagery serve` is told when it starts: where it listens, the named sources, the caches
// and limits, and the folders of its static files; from flags and an optional --config JSON file
// ({"sources": {"NAME": "URL"}, "port": 8080, ..., "limits": {"request_timeout_ms": ...}}).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace imagery::serve {

// Caps on what one request may ask for (413 beyond them) and how long it may take.
struct RequestLimits {
  std::int64_t max_output_pixels = std::int64_t{4096} * 4096;  // a region, thumbnail or figure
  int max_bins = 65536;                                        // /histogram
  std::int64_t max_z_range = 256;                              // sections of a projection
  std::int64_t max_histogram_voxels = std::int64_t{64} << 20;  // voxels counted by /histogram
  std::size_t max_body_bytes = std::size_t{1} << 20;           // POST /api/figure
  int request_timeout_ms = 30000;  // a request still running then is cancelled (503)
  int drain_timeout_ms = 10000;    // after SIGTERM, requests in flight get this long
};

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (printed in the "listening on" line)
  std::vector<std::pair<std::string, std::string>> sources;  // name, URL, in order given
  std::size_t tile_cache_mb = 512;
  int max_inflight = 64;
  bool allow_remote_sources = false;
  std::string cors;        // the allowed origin; "" sends no CORS headers
  std::string access_log;  // "" none, "-" stdout
  std::string web_dir;     // the viewer page's folder
  std::string leaflet_dir = "/usr/share/javascript/leaflet";
  bool prefetch = true;
  RequestLimits limits;
};

// "NAME=URL" -> (NAME, URL). Throws kInvalidArgument for a missing '=', an empty name or URL, or
// a name with characters other than letters, digits, '-', '_' and '.'.
std::pair<std::string, std::string> parse_source_flag(const std::string& text);

// Sets what the JSON file at `path` names in `options` (sources are added after the flags').
// Throws kNotFound / kInvalidArgument naming the file and the key at fault.
void apply_config_file(const std::string& path, ServerOptions& options);

// Throws kInvalidArgument for options that cannot work (no source, a duplicate name, a port
// outside 0-65535, max_inflight below 1, limits below 1).
void check_server_options(const ServerOptions& options);

}  // namespace imagery::serve
