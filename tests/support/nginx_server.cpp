#include "support/nginx_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace imagery::testing {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a port on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool wait_for_port(int port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

NginxServer::NginxServer(const std::string& root, bool tls)
    : NginxServer(root, NginxOptions{.tls = tls, .http2 = false}) {}

NginxServer::NginxServer(const std::string& root, NginxOptions options)
    : tls_(options.tls || options.http2), http2_(options.http2) {
  if (tls_) {
    auto r = run_program(
        "/usr/bin/openssl",
        {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", prefix_.file("key.pem"), "-out", prefix_.file("cert.pem"), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    if (r.exit_code != 0) throw std::runtime_error("openssl cannot make a certificate: " + r.err);
  }
  for (int attempt = 0; attempt < 5; ++attempt)
    if (start_once(root)) return;
  throw std::runtime_error(
      "nginx did not start (is nginx-light installed? scripts/setup installs it); see " +
      prefix_.file("error.log"));
}

bool NginxServer::start_once(const std::string& root) {
  port_ = free_port();
  mark_port_ = free_port();
  const std::string p = prefix_.path().string();
  std::ofstream conf(prefix_.file("nginx.conf"), std::ios::trunc);
  conf << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
       << "error_log " << p << "/error.log warn;\npid " << p << "/nginx.pid;\n"
       << "events { worker_connections 512; }\n"
       << "http {\n"
       << "  log_format counted '$request_method $uri $status $body_bytes_sent \"$http_range\" "
          "$server_protocol $connection';\n"
       << "  access_log " << p << "/access.log counted;\n"
       << "  client_body_temp_path " << p << "/body;\n  proxy_temp_path " << p << "/proxy;\n"
       << "  fastcgi_temp_path " << p << "/fastcgi;\n  uwsgi_temp_path " << p << "/uwsgi;\n"
       << "  scgi_temp_path " << p << "/scgi;\n"
       << "  default_type application/octet-stream;\n  sendfile on;\n  keepalive_requests 100000;\n"
       << "  server {\n    listen 127.0.0.1:" << port_ << (tls_ ? " ssl" : "")
       << (http2_ ? " http2" : "") << ";\n"
       << (tls_ ? "    ssl_certificate " + p + "/cert.pem;\n    ssl_certificate_key " + p +
                      "/key.pem;\n"
                : std::string())
       << "    root " << root << ";\n"
       << "    location / { gzip_static always; gunzip on; }\n  }\n"
       // A plain port on the same worker, for the log marks of requests() (see there).
       << "  server {\n    listen 127.0.0.1:" << mark_port_ << ";\n"
       << "    location / { return 204; }\n  }\n}\n";
  conf.close();
  const std::string nginx = "/usr/sbin/nginx";
  std::vector<std::string> args = {
      nginx, "-p", p, "-c", prefix_.file("nginx.conf"), "-e", prefix_.file("error.log")};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, prefix_.file("stderr.log").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = posix_spawn(&pid_, nginx.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + nginx);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: most likely the port was taken
      pid_ = -1;
      return false;
    }
    if (wait_for_port(port_, 20) && wait_for_port(mark_port_, 20)) return true;
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return false;
}

NginxServer::~NginxServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string NginxServer::url(const std::string& path) const {
  return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_) +
         (path.empty() || path[0] == '/' ? "" : "/") + path;
}

namespace {

constexpr const char* kMarkPrefix = "/.imagery-log-mark-";

// Asks the mark port for `path` over HTTP/1.0 and reads the answer to the end.
bool request_mark(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  ok = ok && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                 static_cast<ssize_t>(request.size());
  char buffer[512];
  while (ok && ::recv(fd, buffer, sizeof buffer, 0) > 0) {
  }
  ::close(fd);
  return ok;
}

}  // namespace

std::vector<std::string> NginxServer::requests() const {
  // nginx writes a request's log line after the last byte of its answer has gone out, so a
  // client can hold the whole answer before the line exists. With one worker and no master,
  // nginx handles one event at a time: once a later request's line is in the log, the lines
  // of every answer already received are there too. So ask the mark port and wait for its line.
  const std::string mark = kMarkPrefix + std::to_string(++marks_);
  bool marked = false;
  std::vector<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  const bool asked = request_mark(mark_port_, mark);
  do {
    lines.clear();
    std::ifstream in(prefix_.file("access.log"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(kMarkPrefix) != std::string::npos) {
        if (line.find(mark + " ") != std::string::npos) marked = true;
        continue;
      }
      if (!line.empty()) lines.push_back(line);
    }
    if (marked || !asked) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  } while (std::chrono::steady_clock::now() < deadline);
  return lines;
}

std::vector<AccessLogEntry> NginxServer::access_log() const {
  std::vector<AccessLogEntry> entries;
  for (const std::string& line : requests()) {
    // METHOD URI STATUS BYTES "RANGE" PROTOCOL CONNECTION. The range may be "-" or hold a
    // comma list, so protocol and connection are taken from the end of the line.
    AccessLogEntry e;
    std::istringstream head(line);
    head >> e.method >> e.uri >> e.status;
    const auto last = line.rfind(' ');
    if (last == std::string::npos || last == 0) continue;
    const auto before = line.rfind(' ', last - 1);
    if (before == std::string::npos) continue;
    e.connection = line.substr(last + 1);
    e.protocol = line.substr(before + 1, last - before - 1);
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace imagery::testing
