#include "support/fault_server.h"

#include <chrono>
#include <stdexcept>

#include "support/nginx_server.h"

namespace imagery::testing {

FaultServer::FaultServer(const std::function<void(httplib::Server&, FaultServer&)>& routes) {
  // Counted before routing: a logger runs after the answer is sent, when the client may already
  // have read it and the test asked for the count. (Routes that set their own pre-routing
  // handler replace this one and count for themselves.)
  server_.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
    requests_++;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  routes(server_, *this);
  // One request per connection: the destructor must not wait for idle keep-alive connections that
  // the process-wide connection pool of the code under test holds open.
  server_.set_keep_alive_max_count(1);
  // More handler threads than cpp-httplib's default 8, so that concurrency tests measure the
  // client and not the server's pool.
  server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fault server cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  if (!wait_for_port(port_, 5000)) throw std::runtime_error("fault server did not start");
}

FaultServer::~FaultServer() {
  stopping_ = true;
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string FaultServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + (path.empty() || path[0] == '/' ? "" : "/") +
         path;
}

void FaultServer::sleep_ms(int ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace imagery::testing
