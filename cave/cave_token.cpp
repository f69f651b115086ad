#include "imagery/cave/cave_token.h"

#include <cctype>

#include "imagery/core/error.h"
#include "imagery/io/credentials.h"

namespace imagery::cave {

namespace {

// "host:port" of an http(s) URL.
std::string authority_of(const std::string& server) {
  const auto sep = server.find("://");
  std::string rest = sep == std::string::npos ? server : server.substr(sep + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

// CloudVolume accepts hex tokens and base64 ones; anything else (a newline above all) must not
// reach a header.
bool plausible_token(const std::string& t) {
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=' &&
        c != '-' && c != '_' && c != '.')
      return false;
  return !t.empty();
}

}  // namespace

std::string cave_token(io::Context& context, const std::string& server, const std::string& source) {
  io::Credentials& credentials = context.credentials();
  std::string token = credentials.token_for(server);  // a grant, or HOST-cave-secret.json
  if (token.empty() && credentials.uses_secret_files()) {
    const std::string authority = authority_of(server);
    for (const std::string& name :
         {authority + "-cave-secret.json", std::string("cave-secret.json"),
          std::string("chunkedgraph-secret.json")}) {
      token = io::secret_file_token_named(name);
      if (!token.empty()) break;
    }
  }
  if (token.empty()) {
    fail(ErrorCode::kPermissionDenied,
         source + ": no CAVE token for " + authority_of(server) +
             ": save {\"token\": \"...\"} as " + io::preferred_secret_folder() + "/" +
             authority_of(server) + "-cave-secret.json (or cave-secret.json there)",
         Remedy::kGiveToken);
  }
  if (!plausible_token(token))
    fail(ErrorCode::kInvalidArgument,
         source + ": the CAVE token for " + authority_of(server) +
             " is not a hex or base64 string (check the secret file or --token)");
  credentials.grant(server, token);
  return token;
}

void share_cave_token(io::Context& context, const std::string& server, const std::string& token) {
  if (token.empty()) return;
  io::Credentials& credentials = context.credentials();
  if (credentials.granted_token(server).empty()) credentials.grant(server, token);
}

}  // namespace imagery::cave
