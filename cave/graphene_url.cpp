#include "imagery/cave/graphene_url.h"

#include <cctype>
#include <vector>

#include "imagery/core/error.h"

namespace imagery::cave {

namespace {

constexpr const char* kPrefix = "graphene://";

bool is_word(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool is_version_number(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  return true;
}

// The leading run of characters a table name may hold (letters, digits, '_', '.', '-').
std::string table_name_prefix(const std::string& s) {
  std::size_t n = 0;
  while (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '_' ||
                          s[n] == '.' || s[n] == '-'))
    ++n;
  return s.substr(0, n);
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    parts.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

[[noreturn]] void refuse(const std::string& url, const std::string& why) {
  fail(ErrorCode::kInvalidArgument,
       "source " + url + ": " + why +
           " (a graphene source is graphene://https://HOST/segmentation/table/NAME, "
           ".../segmentation/api/v1/NAME or .../segmentation/1.0/NAME)");
}

}  // namespace

std::string GrapheneUrl::server() const {
  return scheme + "://" + authority;
}

std::string GrapheneUrl::info_url() const {
  return server() + "/" + modality + "/table/" + table + "/info";
}

std::string GrapheneUrl::api_v1_url(const std::string& path) const {
  return server() + "/" + modality + "/api/v1/table/" + table + "/" + path;
}

std::string GrapheneUrl::version_url() const {
  return server() + "/" + modality + "/api/version";
}

bool is_graphene_url(const std::string& url) {
  return url.rfind(kPrefix, 0) == 0;
}

GrapheneUrl parse_graphene_url(const std::string& url) {
  if (!is_graphene_url(url)) refuse(url, "not a graphene:// URL");
  GrapheneUrl g;
  g.original = url;
  std::string rest = url.substr(std::string(kPrefix).size());
  if (rest.rfind("middleauth+", 0) == 0) rest = rest.substr(11);
  const auto sep = rest.find("://");
  if (sep == std::string::npos) refuse(url, "no http:// or https:// server after graphene://");
  g.scheme = rest.substr(0, sep);
  for (char& c : g.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (g.scheme != "https" && g.scheme != "http")
    refuse(url, "the server must be http:// or https://, got " + g.scheme + "://");
  rest = rest.substr(sep + 3);
  const auto path_start = rest.find_first_of("/?#");
  g.authority = rest.substr(0, path_start);
  if (g.authority.empty() || g.authority.find('@') != std::string::npos)
    refuse(url, "no server host");
  std::string path = path_start == std::string::npos ? "" : rest.substr(path_start);
  if (const auto q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);
  if (!path.empty() && path[0] == '/') path.erase(0, 1);
  const std::vector<std::string> parts = split_path(path);
  if (parts.size() < 3 || !is_word(parts[0]))
    refuse(url, "the path must name the service, the API and the table");
  g.modality = parts[0];
  std::size_t name_at = 0;
  if (parts[1] == "table") {
    g.version = "table";
    name_at = 2;
  } else if (parts[1] == "api" && parts.size() >= 4 && parts[2].size() > 1 && parts[2][0] == 'v' &&
             is_version_number(parts[2].substr(1))) {
    g.version = parts[2];
    name_at = 3;
    // ".../api/v1/table/NAME" (the chunkedgraph's own route written as a source): CloudVolume
    // would take "table" as the name and fail; the name is the next part.
    if (parts[3] == "table" && parts.size() >= 5 && !table_name_prefix(parts[4]).empty())
      name_at = 4;
  } else if (is_version_number(parts[1])) {
    g.version = parts[1];
    name_at = 2;
  } else {
    refuse(url, "unknown path form '/" + path + "'");
  }
  g.table = table_name_prefix(parts[name_at]);
  if (g.table.empty()) refuse(url, "no table name");
  return g;
}

}  // namespace imagery::cave
