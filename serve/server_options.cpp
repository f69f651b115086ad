#include "imagery/serve/server_options.h"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"

namespace imagery::serve {

namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

template <class T>
void read_key(const nlohmann::json& doc, const char* key, T& out, const std::string& where) {
  if (!doc.contains(key) || doc[key].is_null()) return;
  try {
    out = doc[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    fail(ErrorCode::kInvalidArgument, where + ": '" + key + "' has the wrong type");
  }
}

}  // namespace

std::pair<std::string, std::string> parse_source_flag(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos)
    fail(ErrorCode::kInvalidArgument, "--source: expected NAME=URL, got '" + text + "'");
  std::string name = text.substr(0, eq), url = text.substr(eq + 1);
  if (!valid_name(name))
    fail(ErrorCode::kInvalidArgument,
         "--source: the name '" + name + "' must be letters, digits, '-', '_' or '.'");
  if (url.empty()) fail(ErrorCode::kInvalidArgument, "--source " + name + "=: the URL is empty");
  return {name, url};
}

void apply_config_file(const std::string& path, ServerOptions& o) {
  std::ifstream in(path);
  if (!in) fail(ErrorCode::kNotFound, "--config " + path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    fail(ErrorCode::kInvalidArgument, "--config " + path + ": not JSON: " + e.what());
  }
  const std::string where = "--config " + path;
  if (!doc.is_object()) fail(ErrorCode::kInvalidArgument, where + ": expected a JSON object");
  static const std::set<std::string> known = {
      "sources", "bind",       "port",    "tile_cache_mb", "max_inflight", "allow_remote_sources",
      "cors",    "access_log", "web_dir", "prefetch",      "limits"};
  for (const auto& [key, value] : doc.items())
    if (!known.count(key)) fail(ErrorCode::kInvalidArgument, where + ": unknown key '" + key + "'");
  if (doc.contains("sources")) {
    if (!doc["sources"].is_object())
      fail(ErrorCode::kInvalidArgument, where + ": 'sources' must map names to URLs");
    for (const auto& [name, url] : doc["sources"].items()) {
      if (!url.is_string())
        fail(ErrorCode::kInvalidArgument, where + ": sources." + name + " must be a URL string");
      o.sources.push_back(parse_source_flag(name + "=" + url.get<std::string>()));
    }
  }
  read_key(doc, "bind", o.bind, where);
  read_key(doc, "port", o.port, where);
  read_key(doc, "tile_cache_mb", o.tile_cache_mb, where);
  read_key(doc, "max_inflight", o.max_inflight, where);
  read_key(doc, "allow_remote_sources", o.allow_remote_sources, where);
  read_key(doc, "cors", o.cors, where);
  read_key(doc, "access_log", o.access_log, where);
  read_key(doc, "web_dir", o.web_dir, where);
  read_key(doc, "prefetch", o.prefetch, where);
  if (doc.contains("limits")) {
    const nlohmann::json& l = doc["limits"];
    if (!l.is_object()) fail(ErrorCode::kInvalidArgument, where + ": 'limits' must be an object");
    static const std::set<std::string> limit_keys = {
        "max_output_pixels", "max_bins",           "max_z_range",     "max_histogram_voxels",
        "max_body_bytes",    "request_timeout_ms", "drain_timeout_ms"};
    for (const auto& [key, value] : l.items())
      if (!limit_keys.count(key))
        fail(ErrorCode::kInvalidArgument, where + ": unknown key 'limits." + key + "'");
    RequestLimits& r = o.limits;
    read_key(l, "max_output_pixels", r.max_output_pixels, where);
    read_key(l, "max_bins", r.max_bins, where);
    read_key(l, "max_z_range", r.max_z_range, where);
    read_key(l, "max_histogram_voxels", r.max_histogram_voxels, where);
    read_key(l, "max_body_bytes", r.max_body_bytes, where);
    read_key(l, "request_timeout_ms", r.request_timeout_ms, where);
    read_key(l, "drain_timeout_ms", r.drain_timeout_ms, where);
  }
}

void check_server_options(const ServerOptions& o) {
  if (o.sources.empty())
    fail(ErrorCode::kInvalidArgument, "give at least one --source NAME=URL (or a --config file)");
  std::set<std::string> names;
  for (const auto& [name, url] : o.sources)
    if (!names.insert(name).second)
      fail(ErrorCode::kInvalidArgument, "--source: the name '" + name + "' is given twice");
  if (o.port < 0 || o.port > 65535)
    fail(ErrorCode::kInvalidArgument, "--port: expected 0-65535, got " + std::to_string(o.port));
  if (o.max_inflight < 1) fail(ErrorCode::kInvalidArgument, "--max-inflight: must be at least 1");
  const RequestLimits& l = o.limits;
  if (l.max_output_pixels < 1 || l.max_bins < 1 || l.max_z_range < 1 ||
      l.max_histogram_voxels < 1 || l.max_body_bytes < 1 || l.request_timeout_ms < 1 ||
      l.drain_timeout_ms < 0)
    fail(ErrorCode::kInvalidArgument, "limits: every limit must be at least 1");
}

}  // namespace imagery::serve
