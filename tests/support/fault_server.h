// FaultServer: a cpp-httplib server on 127.0.0.1 at a free port whose routes a
// test writes to misbehave on purpose (503 then 200, truncated bodies, slow
// replies, 403, 404, ...). Started in the constructor, stopped in the destructor.
#pragma once

#include <httplib.h>
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace imagery::testing {

class FaultServer {
 public:
  explicit FaultServer(const std::function<void(httplib::Server&, FaultServer&)>& routes);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string url(const std::string& path = "") const;
  // Requests received so far (counted before routing: every answer a client holds is in it).
  int requests() const { return requests_.load(); }
  // True once the destructor runs: slow handlers poll this to end promptly.
  bool stopping() const { return stopping_.load(); }
  // Sleeps up to `ms`, returning early when the server stops.
  void sleep_ms(int ms) const;

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace imagery::testing
