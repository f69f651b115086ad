// Options every imagery command takes (network, caches, reporting), and the
// --timings phase report.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "imagery/precomputed/volume.h"

namespace imagery::cli {

struct GlobalOptions {
  bool timings = false;   // print "PHASE: N ms" lines to stderr
  bool quiet = false;     // no progress output
  std::string token;      // --token, else IMAGERY_TOKEN, else CloudVolume's secret files
  std::string cache_dir;  // --cache DIR: keep fetched bytes on disk
  double cache_size_gb = 20;
  double cache_mem_mb = 512;
  int max_requests = 32;
  double max_memory_gb = 8;  // a cutout whose output would be larger is refused
  bool insecure = false;     // --insecure: TLS certificates are not verified (warned on stderr)
};

// Registers the global flags on the app (they may come before or after the command).
void add_global_options(CLI::App& app, GlobalOptions& global);

// How volumes are opened under these options (also sets the process-wide memory cache budget).
precomputed::OpenOptions open_options(const GlobalOptions& global);
// Cutout options under these flags (memory budget; fill_missing and bounded left at their
// defaults).
precomputed::CutoutOptions cutout_options(const GlobalOptions& global);

// Measures consecutive phases; with timings on, each finished phase prints "NAME: N.N ms".
class PhaseTimer {
 public:
  explicit PhaseTimer(const GlobalOptions& global) : enabled_(global.timings) {}
  // Ends the running phase (if any) and starts `name`.
  void start(const std::string& name);
  // Ends the running phase.
  void stop();
  ~PhaseTimer() { stop(); }

 private:
  bool enabled_;
  std::string phase_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace imagery::cli
