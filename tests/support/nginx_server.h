// NginxServer: a real nginx (Debian's nginx-light) serving a folder on
// 127.0.0.1 at a free port, the way CloudVolume expects volumes to be served:
// NAME.gz answers requests for NAME with Content-Encoding: gzip, and shard
// files support Range requests. Started in the constructor, stopped in the
// destructor; its access log counts the requests a test made. With `tls` it
// serves https:// with a fresh self-signed certificate (which verification
// must refuse); with `http2` too, it offers HTTP/2 over that TLS port.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace imagery::testing {

struct NginxOptions {
  bool tls = false;
  bool http2 = false;  // implies tls (browsers and libcurl speak HTTP/2 only over TLS)
};

// One line of the access log, split into its fields.
struct AccessLogEntry {
  std::string method, uri;
  int status = 0;
  std::string protocol;    // "HTTP/1.1", "HTTP/2.0"
  std::string connection;  // nginx's serial number of the connection
};

class NginxServer {
 public:
  explicit NginxServer(const std::string& root, bool tls = false);
  NginxServer(const std::string& root, NginxOptions options);
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  int port() const { return port_; }
  // http://127.0.0.1:PORT/<path> (https:// with tls)
  std::string url(const std::string& path = "") const;
  // Lines of the access log so far, every answer a client has received included ("METHOD PATH
  // STATUS BYTES \"RANGE\" PROTOCOL CONNECTION": the connection stays the last field).
  std::vector<std::string> requests() const;
  // The same lines, parsed.
  std::vector<AccessLogEntry> access_log() const;

 private:
  bool start_once(const std::string& root);
  TempDir prefix_;
  bool tls_ = false;
  bool http2_ = false;
  int port_ = 0;
  int mark_port_ = 0;  // plain HTTP, same worker: requests() settles the log through it
  mutable std::atomic<unsigned> marks_{0};
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int free_port();
// Waits until something accepts connections on 127.0.0.1:port; false after timeout_ms.
bool wait_for_port(int port, int timeout_ms);

}  // namespace imagery::testing
