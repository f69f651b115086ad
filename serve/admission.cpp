#include "imagery/serve/admission.h"

namespace imagery::serve {

std::optional<Admission::Ticket> Admission::try_admit() {
  int now = inflight_.load();
  do {
    if (now >= max_inflight_) return std::nullopt;
  } while (!inflight_.compare_exchange_weak(now, now + 1));
  if (on_admit_) on_admit_();
  return Ticket(this);
}

DeadlineWatch::DeadlineWatch() : thread_([this] { run(); }) {}

DeadlineWatch::~DeadlineWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

DeadlineWatch::Watched DeadlineWatch::watch(std::stop_source source,
                                            std::chrono::steady_clock::time_point deadline) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    entries_.emplace(id, Entry{std::move(source), deadline});
  }
  changed_.notify_all();
  return Watched(this, id);
}

void DeadlineWatch::forget(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

void DeadlineWatch::stop_all() {
  std::lock_guard lock(mutex_);
  for (auto& [id, entry] : entries_) entry.source.request_stop();
}

void DeadlineWatch::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = std::chrono::steady_clock::time_point::max();
    const auto now = std::chrono::steady_clock::now();
    for (auto& [id, entry] : entries_) {
      if (entry.deadline <= now)
        entry.source.request_stop();
      else
        next = std::min(next, entry.deadline);
    }
    if (next == std::chrono::steady_clock::time_point::max())
      changed_.wait(lock);
    else
      changed_.wait_until(lock, next);
  }
}

}  // namespace imagery::serve
