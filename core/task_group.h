// TaskGroup: tasks handed to the worker pool as they become ready (e.g. a chunk
// to decode as soon as its download finishes). wait() runs any task no worker
// has picked up yet on the waiting thread, so a group always finishes even when
// every worker is busy elsewhere.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>

#include "imagery/core/thread_pool.h"

namespace imagery {

class TaskGroup {
 public:
  explicit TaskGroup(ThreadPool& pool);
  // Waits for the tasks (without rethrowing: call wait() to see errors).
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  void run(std::function<void()> task);
  // Returns when every task has finished; rethrows the first exception a task threw.
  void wait();
  // The first error so far, if any (tasks keep running; callers may stop adding work).
  bool failed() const;

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::function<void()>> queue;
    std::size_t unfinished = 0;
    std::exception_ptr error;
    bool run_one();  // pops and runs one queued task; false when the queue was empty
  };
  ThreadPool& pool_;
  std::shared_ptr<State> state_;
};

}  // namespace imagery
