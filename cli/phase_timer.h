// PhaseTimer: the --timings report, one "NAME: N.N ms" line on stderr per finished phase.
#pragma once

#include <chrono>
#include <string>

#include "imagery/cli/global_options.h"

namespace imagery::cli {

class PhaseTimer {
 public:
  explicit PhaseTimer(const GlobalOptions& global) : enabled_(global.timings) {}
  // Ends the running phase (if any) and starts `name`.
  void start(const std::string& name);
  // Ends the running phase.
  void stop();
  bool enabled() const { return enabled_; }
  ~PhaseTimer() { stop(); }

 private:
  bool enabled_;
  std::string phase_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace imagery::cli
