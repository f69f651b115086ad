// ThreadPool: a fixed set of worker threads for CPU work (chunk decoding,
// compositing). parallel_for runs n tasks across the workers and the caller. A pool belongs
// to a Context (io/context.h) or to whoever made it; there is no process-wide one.
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

 private:
  void work();

  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

// pool->parallel_for(n, fn), or the n calls one after the other on this thread when pool is null
// (for algorithms that take an optional pool). Either way every call runs, and the first
// exception one of them threw is rethrown after the last.
void parallel_for(ThreadPool* pool, std::size_t n, const std::function<void(std::size_t)>& fn);

}  // namespace imagery
