// Credentials: which bearer token goes with a request, chosen by where the request goes. A token
// is granted to an origin (scheme, host and port of a URL) and only requests to that origin
// carry it; every hop of a redirect is looked up again, so a token never follows a redirect to
// another origin. Without a grant, CloudVolume's secret files are used, chosen by the request's
// host name: $CLOUD_VOLUME_DIR/secrets/HOST-cave-secret.json (default ~/.cloudvolume), then
// ~/.cloudfiles/secrets/HOST-cave-secret.json, each {"token": "..."}. Tokens are never logged or
// put in messages. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace imagery::io {

// "https://host:443" for a URL's scheme, lower-cased host and port (the scheme's default port
// when the URL names none); user information before '@' is not part of it. "" for a URL without
// "scheme://" or host.
std::string url_origin(const std::string& url);
// The lower-cased host of a URL ("" when it has none).
std::string url_host(const std::string& url);

class Credentials {
 public:
  // Requests to the origin of `url` carry `token` (an empty token withdraws the grant).
  void grant(const std::string& url, const std::string& token);
  // The token for a request to `url`: a granted one, else the secret file of its host, else "".
  std::string token_for(const std::string& url) const;
  // Only a granted token, "" when none.
  std::string granted_token(const std::string& url) const;
  // Whether secret files are consulted (default true; tests turn them off).
  void set_use_secret_files(bool use);
  bool uses_secret_files() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> granted_;               // origin -> token
  mutable std::map<std::string, std::string> secret_files_;  // host -> token ("" none), read once
  bool use_secret_files_ = true;
};

// The token of the CloudVolume secret file for `host`, or "" (never throws; a malformed file is
// ignored without echoing it).
std::string secret_file_token(const std::string& host);
// The "token" of the secret file `file_name` ("cave-secret.json") in the first of the secret
// folders above that has one, or "" (never throws).
std::string secret_file_token_named(const std::string& file_name);
// The secret folder a user should write to: $CLOUD_VOLUME_DIR/secrets, else ~/.cloudvolume/secrets.
std::string preferred_secret_folder();

}  // namespace imagery::io
