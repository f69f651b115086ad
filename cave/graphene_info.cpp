#include "imagery/cave/graphene_info.h"

#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "imagery/cave/cave_token.h"
#include "imagery/cave/internal/cave_request.h"
#include "imagery/core/error.h"
#include "imagery/io/gzip.h"

namespace imagery::cave {

namespace {

struct GrapheneInfoCache {
  std::mutex mutex;
  std::map<std::string, GrapheneInfo> by_info_url;
};

std::string info_text(const Bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

GrapheneInfo fetch_graphene_info(const GrapheneUrl& url, io::Context& context) {
  cave_token(context, url.server(), url.original);
  auto& cache = context.resource<GrapheneInfoCache>();
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.by_info_url.find(url.info_url()); it != cache.by_info_url.end())
      return it->second;
  }
  // The version is asked alongside the info; a server without the route still serves data.
  std::promise<io::HttpResult> version_answer;
  auto version_future = version_answer.get_future();
  io::HttpRequest version_request;
  version_request.url = url.version_url();
  context.transport().submit(std::move(version_request), [&version_answer](io::HttpResult r) {
    version_answer.set_value(std::move(r));
  });
  GrapheneInfo info;
  std::exception_ptr info_error;
  try {
    io::HttpRequest request;
    request.url = url.info_url();
    info.json = info_text(cave_fetch(context, std::move(request), url.original));
  } catch (...) {
    info_error = std::current_exception();
  }
  io::HttpResult version = version_future.get();
  if (info_error) std::rethrow_exception(info_error);
  if (version.response && version.response->status == 200) {
    Bytes body = std::move(version.response->body);
    if (version.response->gzip_encoded) {
      try {
        body = io::gunzip(body, version.response->url, 0, 1 << 16);
      } catch (const Error&) {
        body.clear();  // an unreadable version is no version
      }
    }
    const auto doc = nlohmann::json::parse(info_text(body), nullptr, false);
    if (doc.is_string() && doc.get<std::string>().size() <= 64)
      info.server_version = doc.get<std::string>();
  }
  const auto parsed = nlohmann::json::parse(info.json, nullptr, false);
  if (!parsed.is_object())
    fail(ErrorCode::kDataLoss, url.original + ": the graphene info is not a JSON object");
  if (!parsed.contains("data_dir") || !parsed["data_dir"].is_string() ||
      parsed["data_dir"].get<std::string>().empty())
    fail(ErrorCode::kDataLoss, url.original + ": the graphene info has no data_dir");
  info.data_dir = parsed["data_dir"].get<std::string>();
  info.graph = parse_graph_meta(info.json, url.original);
  std::lock_guard lock(cache.mutex);
  cache.by_info_url.emplace(url.info_url(), info);
  return info;
}

}  // namespace imagery::cave
