// ServeProcess: the real `imagery serve` program started on a free port of 127.0.0.1 for a test,
// ready once it has printed "listening on http://HOST:PORT", with a cpp-httplib client for it.
// Header-only, for the tests under tests/serve/.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/background_process.h"
#include "support/fake_cave.h"
#include "support/test_support.h"

namespace imagery::testing {

// The demo volumes of examples/demo_volume, as `imagery serve` is given them.
inline std::string demo_image_path() {
  return examples_path("demo_volume/image");
}
inline std::string demo_segmentation_path() {
  return examples_path("demo_volume/segmentation");
}

class ServeProcess {
 public:
  // `args` after "serve"; "--port 0" is added unless a port is given.
  explicit ServeProcess(std::vector<std::string> args) {
    std::vector<std::string> all = {"serve"};
    bool has_port = false;
    for (const std::string& a : args) has_port = has_port || a == "--port";
    if (!has_port) all.insert(all.end(), {"--port", "0"});
    all.insert(all.end(), args.begin(), args.end());
    process_ = std::make_unique<BackgroundProcess>(cli_path(), all);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      const std::string out = process_->output_so_far();
      const auto at = out.find("listening on http://");
      const auto end = at == std::string::npos ? at : out.find('\n', at);
      if (end != std::string::npos) {
        listening_line_ = out.substr(at, end - at);
        const std::string address = out.substr(at + 20, end - at - 20);
        const auto colon = address.rfind(':');
        host_ = address.substr(0, colon);
        port_ = std::stoi(address.substr(colon + 1));
        return;
      }
      if (!process_->running()) {
        const CommandResult r = process_->wait();
        throw std::runtime_error("imagery serve ended with " + std::to_string(r.exit_code) +
                                 " before listening: " + r.err);
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("imagery serve did not start listening in 60 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // A client for the server; paths are sent as written (no encoding of '%' or '/').
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>(host_, port_);
    c->set_url_encode(false);
    c->set_read_timeout(60, 0);
    return c;
  }
  // GET `path` (status -1 when the connection failed).
  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) const {
    return client()->Get(path, headers);
  }

  const std::string& listening_line() const { return listening_line_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  BackgroundProcess& process() { return *process_; }

 private:
  std::unique_ptr<BackgroundProcess> process_;
  std::string listening_line_, host_;
  int port_ = 0;
};

}  // namespace imagery::testing
