#include "imagery/cave/datastack.h"

#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>

#include "imagery/cave/cave_token.h"
#include "imagery/cave/graphene_url.h"
#include "imagery/cave/internal/cave_request.h"
#include "imagery/core/error.h"

namespace imagery::cave {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string without_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// Datastack names go into a URL path: the characters CAVE names use.
void check_name(const std::string& name) {
  bool ok = !name.empty();
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok || name.find("..") != std::string::npos)
    fail(ErrorCode::kInvalidArgument,
         "datastack '" + name + "': a name holds only letters, digits, '_', '-' and '.'");
}

std::string string_field(const nlohmann::json& o, const char* key) {
  if (o.is_object() && o.contains(key) && o[key].is_string()) return o[key].get<std::string>();
  return "";
}

// Datastacks per (name, server); concurrent first lookups (batch rows) share one request.
struct DatastackCache {
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, std::shared_future<Datastack>> by_name;
};

Datastack fetch_datastack(const std::string& name, const std::string& base, io::Context& context);

}  // namespace

std::string datastack_server(const std::string& name, const std::string& explicit_server) {
  if (!explicit_server.empty()) return without_trailing_slash(explicit_server);
  std::vector<std::string> files;
  if (!env("CLOUD_VOLUME_DIR").empty())
    files.push_back(env("CLOUD_VOLUME_DIR") + "/secrets/cave_datastack_to_server_map.json");
  if (!env("HOME").empty())
    files.push_back(env("HOME") + "/.cloudvolume/secrets/cave_datastack_to_server_map.json");
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) continue;
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    const std::string server = string_field(doc, name.c_str());
    if (!server.empty()) return without_trailing_slash(server);
  }
  return kDefaultCaveServer;
}

Datastack resolve_datastack(const std::string& name, const std::string& server,
                            io::Context& context) {
  check_name(name);
  const std::string source = "datastack " + name;
  const std::string base = without_trailing_slash(server);
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
    fail(ErrorCode::kInvalidArgument,
         source + ": the CAVE server must be an http:// or https:// URL, got '" + server + "'");
  auto& cache = context.resource<DatastackCache>();
  std::promise<Datastack> promise;
  std::shared_future<Datastack> answer;
  {
    std::lock_guard lock(cache.mutex);
    auto [it, inserted] = cache.by_name.try_emplace({name, base});
    if (!inserted) {
      answer = it->second;
    } else {
      it->second = promise.get_future().share();
    }
  }
  if (answer.valid()) return answer.get();
  try {
    Datastack d = fetch_datastack(name, base, context);
    promise.set_value(d);
    return d;
  } catch (...) {
    {
      std::lock_guard lock(cache.mutex);
      cache.by_name.erase({name, base});  // a failure is not kept: the next lookup asks again
    }
    promise.set_exception(std::current_exception());
    throw;
  }
}

namespace {

Datastack fetch_datastack(const std::string& name, const std::string& base, io::Context& context) {
  const std::string source = "datastack " + name;
  const std::string token = cave_token(context, base, source);
  const nlohmann::json doc =
      cave_get_json(context, base + "/info/api/v2/datastack/full/" + name, source);
  if (!doc.is_object())
    fail(ErrorCode::kDataLoss, source + ": the info service's answer is not an object");
  Datastack d;
  d.name = name;
  d.server = base;
  d.segmentation_source = string_field(doc, "segmentation_source");
  d.local_server = without_trailing_slash(string_field(doc, "local_server"));
  if (doc.contains("aligned_volume") && doc["aligned_volume"].is_object()) {
    d.image_source = string_field(doc["aligned_volume"], "image_source");
    d.aligned_volume = string_field(doc["aligned_volume"], "name");
  }
  const char* axes[] = {"viewer_resolution_x", "viewer_resolution_y", "viewer_resolution_z"};
  double r[3];
  bool have = true;
  for (int i = 0; i < 3; ++i) {
    have =
        have && doc.contains(axes[i]) && doc[axes[i]].is_number() && doc[axes[i]].get<double>() > 0;
    if (have) r[i] = doc[axes[i]].get<double>();
  }
  if (have) d.viewer_resolution = Vec3d{r[0], r[1], r[2]};
  // The info service's version, for provenance; servers without the route still serve data.
  try {
    const auto version = cave_get_json(context, base + "/info/version", source);
    if (version.is_string()) d.info_service_version = version.get<std::string>();
  } catch (const Error&) {
  }
  // CAVEclient sends the one token to every service of the datastack.
  if (!d.local_server.empty()) share_cave_token(context, d.local_server, token);
  if (is_graphene_url(d.segmentation_source)) {
    try {
      share_cave_token(context, parse_graphene_url(d.segmentation_source).server(), token);
    } catch (const Error&) {
      // an unreadable segmentation source fails when it is opened, with its own message
    }
  }
  return d;
}

}  // namespace

namespace {
struct VersionCache {
  std::mutex mutex;
  std::map<std::tuple<std::string, std::string, int>, MaterializationVersion> by_version;
};
}  // namespace

MaterializationVersion materialization_version(const Datastack& datastack, int version,
                                               io::Context& context) {
  auto& cache = context.resource<VersionCache>();
  const auto key = std::make_tuple(datastack.local_server, datastack.name, version);
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.by_version.find(key); it != cache.by_version.end()) return it->second;
  }
  const std::string source =
      "datastack " + datastack.name + ", materialization version " + std::to_string(version);
  if (version < 0) fail(ErrorCode::kInvalidArgument, source + ": versions are not negative");
  if (datastack.local_server.empty())
    fail(ErrorCode::kNotFound, source + ": the datastack names no local server");
  const auto doc = cave_get_json(context,
                                 datastack.local_server + "/materialize/api/v3/datastack/" +
                                     datastack.name + "/version/" + std::to_string(version),
                                 source);
  const std::string stamp = string_field(doc, "time_stamp");
  if (stamp.empty()) fail(ErrorCode::kDataLoss, source + ": the answer has no time_stamp");
  MaterializationVersion v;
  v.version = version;
  v.time_stamp = parse_timestamp(stamp, source + ": time_stamp");
  v.status = string_field(doc, "status");
  if (doc.contains("valid") && doc["valid"].is_boolean()) v.valid = doc["valid"].get<bool>();
  std::lock_guard lock(cache.mutex);
  cache.by_version.emplace(key, v);
  return v;
}

}  // namespace imagery::cave
