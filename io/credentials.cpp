#include "imagery/io/credentials.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

namespace imagery::io {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct Authority {
  std::string scheme, host, port;
};

// The parts of a URL's authority as libcurl reads them: it ends at '/', '?' or '#'; user
// information before the last '@' is not the host ("https://good.org:x@evil.org/" goes to
// evil.org, which must not get good.org's token); an IPv6 host is in brackets.
Authority authority_of(const std::string& url) {
  Authority a;
  const auto sep = url.find("://");
  if (sep == std::string::npos) return a;
  a.scheme = lower(url.substr(0, sep));
  const std::size_t start = sep + 3;
  const auto end = url.find_first_of("/?#", start);
  std::string auth = url.substr(start, end == std::string::npos ? end : end - start);
  if (auto at = auth.rfind('@'); at != std::string::npos) auth.erase(0, at + 1);
  std::string host = auth;
  if (!auth.empty() && auth[0] == '[') {
    const auto close = auth.find(']');
    host = auth.substr(0, close == std::string::npos ? auth.size() : close + 1);
    if (close != std::string::npos && close + 1 < auth.size() && auth[close + 1] == ':')
      a.port = auth.substr(close + 2);
  } else if (auto colon = auth.find(':'); colon != std::string::npos) {
    host = auth.substr(0, colon);
    a.port = auth.substr(colon + 1);
  }
  a.host = lower(host);
  if (a.port.empty()) a.port = a.scheme == "https" ? "443" : a.scheme == "http" ? "80" : "";
  return a;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::string url_origin(const std::string& url) {
  const Authority a = authority_of(url);
  if (a.scheme.empty() || a.host.empty()) return "";
  return a.scheme + "://" + a.host + (a.port.empty() ? "" : ":" + a.port);
}

std::string url_host(const std::string& url) {
  return authority_of(url).host;
}

namespace {
std::vector<std::string> secret_folders() {
  std::vector<std::string> dirs;
  if (!env("CLOUD_VOLUME_DIR").empty()) dirs.push_back(env("CLOUD_VOLUME_DIR") + "/secrets");
  if (!env("HOME").empty()) {
    dirs.push_back(env("HOME") + "/.cloudvolume/secrets");
    dirs.push_back(env("HOME") + "/.cloudfiles/secrets");
  }
  return dirs;
}
}  // namespace

std::string secret_file_token_named(const std::string& file_name) {
  if (file_name.empty() || file_name.find('/') != std::string::npos ||
      file_name.find("..") != std::string::npos)
    return "";
  for (const auto& dir : secret_folders()) {
    std::ifstream in(dir + "/" + file_name);
    if (!in) continue;
    try {
      auto doc = nlohmann::json::parse(in);
      if (doc.is_object() && doc.contains("token") && doc["token"].is_string())
        return doc["token"].get<std::string>();
    } catch (const nlohmann::json::exception&) {
      // A malformed secret file is ignored (its content is never echoed).
    }
  }
  return "";
}

std::string secret_file_token(const std::string& host) {
  if (host.empty()) return "";
  return secret_file_token_named(host + "-cave-secret.json");
}

std::string preferred_secret_folder() {
  if (!env("CLOUD_VOLUME_DIR").empty()) return env("CLOUD_VOLUME_DIR") + "/secrets";
  return (env("HOME").empty() ? std::string("~") : env("HOME")) + "/.cloudvolume/secrets";
}

void Credentials::grant(const std::string& url, const std::string& token) {
  const std::string origin = url_origin(url);
  if (origin.empty()) return;
  std::lock_guard lock(mutex_);
  if (token.empty())
    granted_.erase(origin);
  else
    granted_[origin] = token;
}

std::string Credentials::token_for(const std::string& url) const {
  const std::string origin = url_origin(url);
  if (origin.empty()) return "";
  std::lock_guard lock(mutex_);
  if (auto it = granted_.find(origin); it != granted_.end()) return it->second;
  if (!use_secret_files_) return "";
  const std::string host = url_host(url);
  auto it = secret_files_.find(host);
  if (it == secret_files_.end()) it = secret_files_.emplace(host, secret_file_token(host)).first;
  return it->second;
}

std::string Credentials::granted_token(const std::string& url) const {
  std::lock_guard lock(mutex_);
  auto it = granted_.find(url_origin(url));
  return it == granted_.end() ? "" : it->second;
}

bool Credentials::uses_secret_files() const {
  std::lock_guard lock(mutex_);
  return use_secret_files_;
}

void Credentials::set_use_secret_files(bool use) {
  std::lock_guard lock(mutex_);
  use_secret_files_ = use;
}

}  // namespace imagery::io
