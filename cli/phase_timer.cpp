#include "imagery/cli/phase_timer.h"

#include <cstdio>

namespace imagery::cli {

void PhaseTimer::start(const std::string& name) {
  stop();
  phase_ = name;
  started_ = std::chrono::steady_clock::now();
}

void PhaseTimer::stop() {
  if (phase_.empty()) return;
  if (enabled_) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
            .count();
    std::fprintf(stderr, "%s: %.1f ms\n", phase_.c_str(), ms);
  }
  phase_.clear();
}

}  // namespace imagery::cli
