// `imagery serve`'s HTTP server: the routes of docs/serve.md over cpp-httplib, wired to the
// source registry, the tile renderer and cache, the prefetcher, admission and deadlines, the
// access log and the static files. bind() then serve() (blocking) in one thread; stop() from
// another stops accepting and lets requests in flight finish (serve() returns when they have).
#pragma once

#include <memory>
#include <string>

#include "imagery/io/context.h"
#include "imagery/serve/server_options.h"

namespace imagery::serve {

class Server {
 public:
  // Opens the configured sources (throws what opening throws) and the access log.
  Server(const ServerOptions& options, io::Context& context);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the port (the one chosen when options.port is 0).
  // Throws kUnavailable when the address cannot be bound.
  int bind();
  // Serves until stop(), then waits for the requests in flight.
  void serve();
  // Stops accepting connections (safe from any thread, once serve() runs).
  void stop();
  // Cancels every request still running (the end of a drain's deadline).
  void cancel_inflight();
  // "http://HOST:PORT".
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The web folder of a build (the source tree's serve/web) when it exists, else the installed one.
std::string default_web_dir();

}  // namespace imagery::serve
