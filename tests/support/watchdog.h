// Watchdog: runs work on detached threads and waits for it with a deadline, so a hung transport
// fails the test instead of hanging the suite. The work must own what it touches (capture
// shared_ptrs and copies, never references to the test's locals): when the deadline passes the
// test ends while the threads may still run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace imagery::testing {

class Watchdog {
 public:
  // Starts work(i) on a detached thread for each i in [0, threads).
  void start(int threads, std::function<void(int)> work) {
    for (int i = 0; i < threads; ++i) {
      ++state_->started;
      std::thread([state = state_, work, i] {
        work(i);
        std::lock_guard lock(state->mutex);
        ++state->finished;
        state->cv.notify_all();
      }).detach();
    }
  }
  // Whether every started thread finished within `limit`.
  bool all_finish_within(std::chrono::milliseconds limit) {
    std::unique_lock lock(state_->mutex);
    return state_->cv.wait_for(lock, limit, [&] { return state_->finished == state_->started; });
  }
  int finished() const {
    std::lock_guard lock(state_->mutex);
    return state_->finished;
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::condition_variable cv;
    int started = 0;  // touched by the test's thread only
    int finished = 0;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A count that threads raise and a test waits on (a handler has started, N requests arrived).
class Counter {
 public:
  void add(int n = 1) {
    std::lock_guard lock(mutex_);
    count_ += n;
    cv_.notify_all();
  }
  int get() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  // Whether the count reaches `at_least` within `limit`.
  bool reaches(int at_least, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return count_ >= at_least; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

}  // namespace imagery::testing
