#include "imagery/serve/shutdown.h"

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace imagery::serve {

namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void block_shutdown_signals() {
  const sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int serve_until_signal(Server& server, std::chrono::milliseconds drain_deadline) {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
  std::atomic<int> received{0};
  std::thread waiter([&] {
    const sigset_t set = shutdown_signals();
    int sig = 0;
    sigwait(&set, &sig);
    received = sig;
    std::unique_lock lock(mutex);
    // Asked again until serve() returns: a stop() that comes before the server runs is lost.
    const auto deadline = std::chrono::steady_clock::now() + drain_deadline;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      lock.unlock();
      server.stop();
      lock.lock();
      done_changed.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; });
    }
    if (!done) {
      // Past the deadline: what still runs is cancelled and answers 503 at once.
      server.cancel_inflight();
      while (!done) {
        lock.unlock();
        server.stop();
        lock.lock();
        done_changed.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; });
      }
    }
  });
  server.serve();
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  done_changed.notify_all();
  if (received == 0) {
    // serve() ended without a signal (the socket failed): wake the waiter with one of its own.
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  return received.load();
}

}  // namespace imagery::serve
