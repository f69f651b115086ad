// What keeps the server responsive under load: at most max_inflight client requests at once (the
// next gets 503 with Retry-After instead of a place in a queue), and a time budget per request
// after which its stop token is requested, which cancels its reads and their fetches (the
// library's reads throw kCancelled). Prefetching asks when no client request is in flight.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>

namespace imagery::serve {

class Admission {
 public:
  explicit Admission(int max_inflight) : max_inflight_(max_inflight) {}

  // Held while a request runs; releases its place when destroyed.
  class Ticket {
   public:
    explicit Ticket(Admission* admission) : admission_(admission) {}
    Ticket(Ticket&& other) noexcept : admission_(std::exchange(other.admission_, nullptr)) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (admission_) admission_->release();
    }

   private:
    Admission* admission_;
  };

  // A place for one more request, or nullopt when max_inflight are running.
  std::optional<Ticket> try_admit();
  int inflight() const { return inflight_.load(); }
  // Called on every admission (the prefetcher stops its tile so the client goes first).
  void set_on_admit(std::function<void()> on_admit) { on_admit_ = std::move(on_admit); }

 private:
  void release() { --inflight_; }

  const int max_inflight_;
  std::atomic<int> inflight_{0};
  std::function<void()> on_admit_;
};

// Requests stop on the stop sources of requests past their deadline, from one watcher thread.
class DeadlineWatch {
 public:
  DeadlineWatch();
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // Watches `source` until the returned Watched is destroyed.
  class Watched {
   public:
    Watched(DeadlineWatch* watch, std::uint64_t id) : watch_(watch), id_(id) {}
    Watched(const Watched&) = delete;
    Watched& operator=(const Watched&) = delete;
    ~Watched() { watch_->forget(id_); }

   private:
    DeadlineWatch* watch_;
    std::uint64_t id_;
  };
  Watched watch(std::stop_source source, std::chrono::steady_clock::time_point deadline);
  // Stops every watched request now (the end of a drain).
  void stop_all();

 private:
  void forget(std::uint64_t id);
  void run();

  struct Entry {
    std::stop_source source;
    std::chrono::steady_clock::time_point deadline;
  };
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace imagery::serve
