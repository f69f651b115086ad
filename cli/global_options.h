// Options every imagery command takes, and the --timings phase report.
#pragma once

#include <chrono>
#include <string>

namespace imagery::cli {

struct GlobalOptions {
  bool timings = false;  // print "PHASE: N ms" lines to stderr
  bool quiet = false;    // no progress output
};

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
