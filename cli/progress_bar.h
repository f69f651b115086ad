// ProgressBar: one line on stderr for work that takes longer than about a
// second (done / total, bytes, rate), drawn only on a terminal and never with
// --quiet. Safe to update from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace imagery::cli {

class ProgressBar {
 public:
  // `unit` names what is counted ("chunks", "rows").
  ProgressBar(std::string unit, bool quiet);
  ~ProgressBar();
  void update(std::size_t done, std::size_t total, std::uint64_t bytes);
  // Clears the bar (the work it showed is over).
  void finish();
  bool enabled() const { return enabled_; }

 private:
  std::string unit_;
  std::atomic<bool> enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace imagery::cli
