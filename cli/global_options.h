// Options every imagery command takes (network, caches, memory, reporting), registered on the
// program before or after the command.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace imagery::cli {

struct GlobalOptions {
  bool timings = false;   // print "PHASE: N ms" lines to stderr
  bool quiet = false;     // no progress output
  std::string token;      // --token, else IMAGERY_TOKEN; for the hosts of the named sources
  std::string cache_dir;  // --cache DIR: keep fetched bytes on disk
  double cache_size_gb = 20;
  double cache_mem_mb = 512;
  // --decoded-cache-mb: decoded chunks kept in memory; negative: the command's default (256 for
  // `serve`, whose tiles and prefetches read the same chunks again; 0 for one-shot commands,
  // which read each chunk once, so the cache would only cost memory and a copy).
  double decoded_cache_mb = -1;
  int max_requests = 64;     // HTTP requests in flight at once, process-wide
  double max_memory_gb = 8;  // cutouts and figures that need more are refused
  bool insecure = false;     // --insecure: TLS certificates are not verified (warned on stderr)

  std::size_t max_memory_bytes() const;
};

// Registers the global flags on the app (they may come before or after the command).
void add_global_options(CLI::App& app, GlobalOptions& global);

}  // namespace imagery::cli
