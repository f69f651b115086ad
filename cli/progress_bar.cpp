#include "imagery/cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace imagery::cli {

ProgressBar::ProgressBar(std::string unit, bool quiet)
    : unit_(std::move(unit)),
      enabled_(!quiet && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::finish() {
  std::lock_guard lock(mutex_);
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
  enabled_ = false;
}

void ProgressBar::update(std::size_t done, std::size_t total, std::uint64_t bytes) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0 ||
      (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total))
    return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  const double mb = static_cast<double>(bytes) / 1e6;
  std::fprintf(stderr, "\r[%s] %zu/%zu %s  %.1f MB  %.1f MB/s\033[K", bar.c_str(), done, total,
               unit_.c_str(), mb, mb / elapsed);
  std::fflush(stderr);
}

}  // namespace imagery::cli
