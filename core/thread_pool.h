// ThreadPool: a fixed set of worker threads for CPU work (chunk decoding,
// compositing). parallel_for runs n tasks across the workers and the caller.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace imagery {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return workers_.size(); }
  void submit(std::function<void()> task);

  // Calls fn(i) for i in [0, n), on the workers and the calling thread; returns when all are
  // done and rethrows the first exception any call threw (the rest still run to completion).
  void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

  // The process-wide pool, sized to the machine (hardware threads, at least 1).
  static ThreadPool& shared();

 private:
  void work();

  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace imagery
