#include "imagery/cave/chunkedgraph.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "imagery/cave/internal/cave_request.h"
#include "imagery/core/error.h"
#include "imagery/io/gzip.h"

namespace imagery::cave {

namespace {

// Answers of the chunkedgraph, shared by every ChunkedGraph of a context.
struct GraphCache {
  std::mutex mutex;

  // Roots, per (table key, timestamp second sent).
  struct RootBatch {
    std::promise<void> promise;
    std::shared_future<void> done = promise.get_future().share();
    std::unordered_map<std::uint64_t, std::uint64_t> answers;  // set before `done` is ready
  };
  struct RootLevel {
    std::unordered_map<std::uint64_t, std::uint64_t> roots;
    std::unordered_map<std::uint64_t, std::shared_ptr<RootBatch>> pending;
  };
  std::map<std::pair<std::string, std::int64_t>, RootLevel> root_levels;
  std::size_t root_entries = 0;

  // Leaves, per (table key, root, bounds parameter); failed requests are forgotten.
  using LeafList = std::shared_ptr<const std::vector<std::uint64_t>>;
  std::map<std::tuple<std::string, std::uint64_t, std::string>, std::shared_future<LeafList>>
      leaves;

  std::atomic<std::uint64_t> roots_requests{0}, ids_sent{0}, leaves_requests{0};
};

// Beyond this many cached roots the cache starts again (about 1 GB of entries).
constexpr std::size_t kMaxCachedRoots = std::size_t{20} << 20;

Bytes to_little_endian(std::span<const std::uint64_t> ids) {
  Bytes out(ids.size() * 8);
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = std::byte((ids[i] >> (8 * b)) & 0xff);
  return out;
}

std::uint64_t read_le64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | std::to_integer<std::uint64_t>(p[b]);
  return v;
}

int int_field(const nlohmann::json& o, const char* key, int fallback, const std::string& where) {
  if (!o.contains(key)) return fallback;
  const auto& v = o[key];
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 64)
    fail(ErrorCode::kDataLoss, where + ": graph." + key + " must be an integer in 0..64");
  return v.get<int>();
}

}  // namespace

bool GraphMeta::supports_v1() const {
  return std::find(supported_api_versions.begin(), supported_api_versions.end(), 1) !=
         supported_api_versions.end();
}

GraphMeta parse_graph_meta(const std::string& info_json, const std::string& source) {
  const std::string where = source + ": graphene info";
  const auto doc = nlohmann::json::parse(info_json, nullptr, false);
  if (!doc.is_object()) fail(ErrorCode::kDataLoss, where + " is not a JSON object");
  if (!doc.contains("graph") || !doc["graph"].is_object())
    fail(ErrorCode::kDataLoss, where + " has no 'graph' object (is this a graphene table?)");
  const auto& g = doc["graph"];
  GraphMeta m;
  m.n_layers = int_field(g, "n_layers", 0, where);
  m.n_bits_for_layer_id = int_field(g, "n_bits_for_layer_id", 8, where);
  m.cv_mip = int_field(g, "cv_mip", 0, where);
  m.fan_out = int_field(g, "fan_out", 2, where);
  if (m.n_layers < 2) fail(ErrorCode::kDataLoss, where + ": graph.n_layers must be at least 2");
  if (m.n_bits_for_layer_id < 1 || m.n_bits_for_layer_id > 16)
    fail(ErrorCode::kDataLoss, where + ": graph.n_bits_for_layer_id must be in 1..16");
  if (m.n_layers >= (1 << m.n_bits_for_layer_id))
    fail(ErrorCode::kDataLoss, where + ": graph.n_layers does not fit its layer bits");
  if (g.contains("chunk_size")) {
    const auto& c = g["chunk_size"];
    if (!c.is_array() || c.size() != 3)
      fail(ErrorCode::kDataLoss, where + ": graph.chunk_size must be [x, y, z]");
    std::int64_t v[3];
    for (int i = 0; i < 3; ++i) {
      if (!c[i].is_number_integer() || c[i].get<long long>() < 1 ||
          c[i].get<long long>() > (1LL << 32))
        fail(ErrorCode::kDataLoss, where + ": graph.chunk_size must hold positive integers");
      v[i] = c[i].get<std::int64_t>();
    }
    m.chunk_size = {v[0], v[1], v[2]};
  }
  if (g.contains("spatial_bit_masks") && g["spatial_bit_masks"].is_object())
    for (const auto& [layer, bits] : g["spatial_bit_masks"].items())
      if (bits.is_number_integer()) {
        try {
          m.spatial_bit_masks[std::stoi(layer)] = bits.get<int>();
        } catch (const std::exception&) {
          // a non-numeric layer key is not ours to use
        }
      }
  if (!doc.contains("app") || !doc["app"].is_object() ||
      !doc["app"].contains("supported_api_versions") ||
      !doc["app"]["supported_api_versions"].is_array())
    fail(ErrorCode::kDataLoss, where + " has no app.supported_api_versions");
  for (const auto& v : doc["app"]["supported_api_versions"])
    if (v.is_number_integer()) m.supported_api_versions.push_back(v.get<int>());
  return m;
}

ChunkedGraph::ChunkedGraph(GrapheneUrl url, GraphMeta meta, io::Context& context)
    : url_(std::move(url)), meta_(std::move(meta)), context_(&context) {
  if (!meta_.supports_v1())
    fail(ErrorCode::kInvalidArgument,
         url_.original + ": the chunkedgraph offers only its legacy API 1.0 (imagery speaks v1)");
}

std::vector<std::uint64_t> ChunkedGraph::roots(std::span<const std::uint64_t> ids,
                                               Timestamp timestamp, std::stop_token stop) const {
  GraphCache& cache = context_->resource<GraphCache>();
  const std::int64_t seconds = timestamp_seconds_sent(timestamp);
  const auto level_key = std::make_pair(url_.server() + "/" + url_.table, seconds);

  // Sorted unique ids that need an answer: not 0, not already roots.
  std::vector<std::uint64_t> unique(ids.begin(), ids.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::erase_if(unique,
                [&](std::uint64_t id) { return id == 0 || meta_.layer_of(id) >= meta_.n_layers; });

  auto mine = std::make_shared<GraphCache::RootBatch>();
  std::unordered_map<std::uint64_t, std::uint64_t> known;  // id -> root, filled as answers come
  std::vector<std::uint64_t> to_send;
  std::vector<std::shared_ptr<GraphCache::RootBatch>> others;
  {
    std::lock_guard lock(cache.mutex);
    if (cache.root_entries > kMaxCachedRoots) {
      for (auto& [key, level] : cache.root_levels) level.roots.clear();
      cache.root_entries = 0;
    }
    GraphCache::RootLevel& level = cache.root_levels[level_key];
    for (std::uint64_t id : unique) {
      if (auto it = level.roots.find(id); it != level.roots.end()) {
        known.emplace(id, it->second);
        continue;
      }
      if (auto it = level.pending.find(id); it != level.pending.end()) {
        if (others.empty() || others.back() != it->second) others.push_back(it->second);
        continue;
      }
      level.pending.emplace(id, mine);
      to_send.push_back(id);
    }
  }

  if (!to_send.empty()) {
    try {
      const bool gzip = to_send.size() > kRootsGzipAbove;
      std::vector<io::HttpRequest> requests;
      for (std::size_t start = 0; start < to_send.size(); start += kRootsBatch) {
        const std::size_t n = std::min(kRootsBatch, to_send.size() - start);
        io::HttpRequest r;
        r.method = "POST";
        r.url = url_.api_v1_url("roots_binary") + "?timestamp=" + std::to_string(seconds);
        Bytes body = to_little_endian(std::span(to_send).subspan(start, n));
        if (gzip) {
          body = io::gzip_compress(body, 6);
          r.headers.emplace_back("Content-Encoding", "gzip");
        }
        r.body = std::move(body);
        r.accept_gzip = gzip;
        requests.push_back(std::move(r));
      }
      cache.roots_requests += requests.size();
      cache.ids_sent += to_send.size();
      const std::vector<Bytes> bodies =
          cave_fetch_all(*context_, std::move(requests), url_.original, stop);
      std::vector<std::uint64_t> answers;
      answers.reserve(to_send.size());
      for (std::size_t b = 0; b < bodies.size(); ++b) {
        const std::size_t n = std::min(kRootsBatch, to_send.size() - b * kRootsBatch);
        if (bodies[b].size() != n * 8)
          fail(ErrorCode::kDataLoss, url_.original + ": roots_binary answered " +
                                         std::to_string(bodies[b].size()) + " bytes for " +
                                         std::to_string(n) + " ids (expected " +
                                         std::to_string(n * 8) + ")");
        for (std::size_t i = 0; i < n; ++i) answers.push_back(read_le64(bodies[b].data() + 8 * i));
      }
      for (std::size_t i = 0; i < to_send.size(); ++i)
        mine->answers.emplace(to_send[i], answers[i]);
      {
        std::lock_guard lock(cache.mutex);
        GraphCache::RootLevel& level = cache.root_levels[level_key];
        for (std::size_t i = 0; i < to_send.size(); ++i) {
          level.roots[to_send[i]] = answers[i];
          level.pending.erase(to_send[i]);
        }
        cache.root_entries += to_send.size();
      }
      mine->promise.set_value();
    } catch (...) {
      {
        std::lock_guard lock(cache.mutex);
        GraphCache::RootLevel& level = cache.root_levels[level_key];
        for (std::uint64_t id : to_send) level.pending.erase(id);
      }
      mine->promise.set_exception(std::current_exception());
      throw;
    }
  }
  // Every answer in one map: cached before, ours, and those of requests others had in flight.
  known.insert(mine->answers.begin(), mine->answers.end());
  for (const auto& other : others) {
    other->done.get();  // rethrows what failed there
    known.insert(other->answers.begin(), other->answers.end());
  }
  std::vector<std::uint64_t> out(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::uint64_t id = ids[i];
    const bool asked = id != 0 && meta_.layer_of(id) < meta_.n_layers;
    out[i] = asked ? known.at(id) : id;
  }
  return out;
}

std::string ChunkedGraph::bounds_parameter(const Bbox& b) {
  return std::to_string(b.min.x) + "-" + std::to_string(b.max.x) + "_" + std::to_string(b.min.y) +
         "-" + std::to_string(b.max.y) + "_" + std::to_string(b.min.z) + "-" +
         std::to_string(b.max.z);
}

std::vector<std::vector<std::uint64_t>> ChunkedGraph::leaves(
    std::span<const std::uint64_t> root_ids, const Bbox& mip0_box, std::stop_token stop) const {
  GraphCache& cache = context_->resource<GraphCache>();
  const std::string table = url_.server() + "/" + url_.table;
  const std::string bounds = bounds_parameter(mip0_box);
  using LeafList = GraphCache::LeafList;

  std::vector<std::shared_future<LeafList>> futures(root_ids.size());
  std::vector<std::size_t> asking;  // indices whose request this call makes
  std::vector<std::promise<LeafList>> promises(root_ids.size());
  {
    std::lock_guard lock(cache.mutex);
    for (std::size_t i = 0; i < root_ids.size(); ++i) {
      const auto key = std::make_tuple(table, root_ids[i], bounds);
      if (auto it = cache.leaves.find(key); it != cache.leaves.end()) {
        futures[i] = it->second;
        continue;
      }
      futures[i] = promises[i].get_future().share();
      cache.leaves.emplace(key, futures[i]);
      asking.push_back(i);
    }
  }
  if (!asking.empty()) {
    std::vector<io::HttpRequest> requests;
    for (std::size_t i : asking) {
      io::HttpRequest r;
      r.url =
          url_.api_v1_url("node/" + std::to_string(root_ids[i]) + "/leaves") + "?bounds=" + bounds;
      requests.push_back(std::move(r));
    }
    cache.leaves_requests += requests.size();
    try {
      const std::vector<Bytes> bodies =
          cave_fetch_all(*context_, std::move(requests), url_.original, stop);
      for (std::size_t k = 0; k < asking.size(); ++k) {
        const std::size_t i = asking[k];
        const std::string what = url_.original + ": leaves of " + std::to_string(root_ids[i]);
        auto list = std::make_shared<std::vector<std::uint64_t>>(parse_leaf_ids(
            std::string(reinterpret_cast<const char*>(bodies[k].data()), bodies[k].size()), what));
        promises[i].set_value(std::move(list));
      }
    } catch (...) {
      std::lock_guard lock(cache.mutex);
      for (std::size_t i : asking) {
        cache.leaves.erase(std::make_tuple(table, root_ids[i], bounds));
        try {
          promises[i].set_exception(std::current_exception());
        } catch (const std::future_error&) {
          // already answered
        }
      }
      throw;
    }
  }
  std::vector<std::vector<std::uint64_t>> out;
  out.reserve(root_ids.size());
  for (auto& f : futures) out.push_back(*f.get());
  return out;
}

std::vector<std::uint64_t> parse_leaf_ids(const std::string& json_text, const std::string& what) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) fail(ErrorCode::kDataLoss, what + ": the answer is not a JSON object");
  std::vector<std::uint64_t> out;
  if (!doc.contains("leaf_ids")) return out;
  const auto& arr = doc["leaf_ids"];
  if (!arr.is_array()) fail(ErrorCode::kDataLoss, what + ": leaf_ids is not a list");
  out.reserve(arr.size());
  for (const auto& v : arr) {
    if (v.is_number_unsigned()) {
      out.push_back(v.get<std::uint64_t>());
      continue;
    }
    if (v.is_string()) {  // servers asked for int64_as_str
      const std::string t = v.get<std::string>();
      std::uint64_t id = 0;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
      if (!t.empty() && ec == std::errc() && end == t.data() + t.size()) {
        out.push_back(id);
        continue;
      }
    }
    std::string shown = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
    fail(ErrorCode::kDataLoss, what + ": leaf_ids holds " + shown + ", not a supervoxel id");
  }
  return out;
}

GraphRequestCounts graph_request_counts(io::Context& context) {
  GraphCache& cache = context.resource<GraphCache>();
  GraphRequestCounts c;
  c.roots_requests = cache.roots_requests.load();
  c.ids_sent = cache.ids_sent.load();
  c.leaves_requests = cache.leaves_requests.load();
  return c;
}

}  // namespace imagery::cave
