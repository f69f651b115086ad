#include "imagery/io/credentials.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

namespace imagery::io {

namespace {
// The host a request to `url` goes to, as libcurl reads it: the authority ends at '/', '?' or
// '#'; user information before an '@' is not the host ("https://good.org:x@evil.org/" goes to
// evil.org, which must not get good.org's token); a port after ':' is not either.
std::string host_of(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  const auto end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (auto colon = authority.find(':'); colon != std::string::npos) authority.resize(colon);
  return authority;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
}  // namespace

std::string find_token_for(const std::string& url) {
  const std::string host = host_of(url);
  if (host.empty()) return "";
  std::vector<std::string> dirs;
  if (!env("CLOUD_VOLUME_DIR").empty()) dirs.push_back(env("CLOUD_VOLUME_DIR") + "/secrets");
  if (!env("HOME").empty()) {
    dirs.push_back(env("HOME") + "/.cloudvolume/secrets");
    dirs.push_back(env("HOME") + "/.cloudfiles/secrets");
  }
  for (const auto& dir : dirs) {
    std::ifstream in(dir + "/" + host + "-cave-secret.json");
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

}  // namespace imagery::io
