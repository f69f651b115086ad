// The fake CAVE of fake_cave.h. Each behaviour cites the section of
// /work/shared/docs/graphene-cave.md ("doc") it follows; that document cites the server sources.
#include "support/fake_cave.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "imagery/io/gzip.h"

namespace imagery::testing {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// GrapheneLayout

GrapheneLayout GrapheneLayout::for_volume(const Vec3& size, std::array<std::int64_t, 3> chunk_size,
                                          int fan_out, int spatial_bits) {
  GrapheneLayout l;
  l.chunk_size = chunk_size;
  l.fan_out = fan_out;
  // PCG meta.layer_count: the chunk counts are rounded up (get_chunks_boundary).
  std::int64_t max_chunks = 1;
  for (int a = 0; a < 3; ++a) max_chunks = std::max(max_chunks, ceil_div(size[a], chunk_size[a]));
  int levels = 0;
  for (std::int64_t n = 1; n < max_chunks; n *= fan_out) ++levels;
  l.n_layers = levels + 2;
  // PCG compute_bitmasks.
  for (int layer = l.n_layers; layer >= 3; --layer)
    l.spatial_bit_masks[layer] = std::max(1, l.n_layers - layer);
  l.spatial_bit_masks[2] = std::max(spatial_bits, l.n_layers - 2);
  l.spatial_bit_masks[1] = l.spatial_bit_masks[2];
  return l;
}

int GrapheneLayout::layer(std::uint64_t id) const {
  return static_cast<int>(id >> (64 - n_bits_for_layer_id));
}

std::array<std::int64_t, 3> GrapheneLayout::chunk(std::uint64_t id) const {
  const auto it = spatial_bit_masks.find(layer(id));
  if (it == spatial_bit_masks.end()) return {0, 0, 0};
  const int s = it->second, top = 64 - n_bits_for_layer_id;
  const std::uint64_t mask = (std::uint64_t{1} << s) - 1;
  std::array<std::int64_t, 3> c{};
  for (int a = 0; a < 3; ++a) c[a] = static_cast<std::int64_t>((id >> (top - (a + 1) * s)) & mask);
  return c;
}

std::uint64_t GrapheneLayout::segid(std::uint64_t id) const {
  const auto it = spatial_bit_masks.find(layer(id));
  const int s = it == spatial_bit_masks.end() ? 0 : it->second;
  const int bits = 64 - n_bits_for_layer_id - 3 * s;
  return bits >= 64 ? id : id & ((std::uint64_t{1} << bits) - 1);
}

std::uint64_t GrapheneLayout::make_id(int layer_id, std::array<std::int64_t, 3> c,
                                      std::uint64_t seg) const {
  const auto it = spatial_bit_masks.find(layer_id);
  if (it == spatial_bit_masks.end())
    throw std::invalid_argument("no spatial_bit_masks entry for layer " + std::to_string(layer_id));
  const int s = it->second, top = 64 - n_bits_for_layer_id;
  if (layer_id < 0 ||
      static_cast<std::uint64_t>(layer_id) >= (std::uint64_t{1} << n_bits_for_layer_id))
    throw std::invalid_argument("layer does not fit its bits");
  std::uint64_t id = static_cast<std::uint64_t>(layer_id) << top;
  for (int a = 0; a < 3; ++a) {
    if (c[a] < 0 || static_cast<std::uint64_t>(c[a]) >= (std::uint64_t{1} << s))
      throw std::invalid_argument("chunk coordinate does not fit its bits");
    id |= static_cast<std::uint64_t>(c[a]) << (top - (a + 1) * s);
  }
  if (seg >= (std::uint64_t{1} << (top - 3 * s)))
    throw std::invalid_argument("segid does not fit its bits");
  return id | seg;
}

// ---------------------------------------------------------------------------------------------
// CaveGraph

CaveGraph::CaveGraph(std::string table, GrapheneLayout layout, std::vector<CaveRoot> roots,
                     bool chunks_start_at_voxel_offset)
    : table_(std::move(table)),
      layout_(std::move(layout)),
      roots_(std::move(roots)),
      chunks_start_at_voxel_offset_(chunks_start_at_voxel_offset) {
  auto hex = [](std::uint64_t id) { return std::to_string(id); };
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    CaveRoot& r = roots_[i];
    if (layout_.layer(r.id) != layout_.n_layers)
      throw std::invalid_argument("root " + hex(r.id) + " is not a layer-" +
                                  std::to_string(layout_.n_layers) + " id");
    if (!root_index_.emplace(r.id, i).second)
      throw std::invalid_argument("root " + hex(r.id) + " appears twice");
    if (r.superseded && *r.superseded <= r.created)
      throw std::invalid_argument("root " + hex(r.id) + " is superseded before it is created");
    std::sort(r.supervoxels.begin(), r.supervoxels.end());
    for (std::uint64_t sv : r.supervoxels) {
      if (layout_.layer(sv) != 1)
        throw std::invalid_argument("supervoxel " + hex(sv) + " of root " + hex(r.id) +
                                    " is not a layer-1 id");
      parents_[sv].push_back({r.created, r.id});
    }
  }
  // Each supervoxel's roots must follow one another: PCG writes the new parent rows of an edit
  // at the time the old roots are superseded.
  for (auto& [sv, rows] : parents_) {
    std::sort(rows.begin(), rows.end(),
              [](const ParentRow& a, const ParentRow& b) { return a.timestamp < b.timestamp; });
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const CaveRoot& r = roots_[root_index_.at(rows[i].root)];
      const bool last = i + 1 == rows.size();
      if (last ? r.superseded.has_value() : r.superseded != rows[i + 1].timestamp)
        throw std::invalid_argument("supervoxel " + hex(sv) + ": root " + hex(r.id) +
                                    (last ? " is superseded but no root follows it"
                                          : " is not superseded when the next root is created"));
    }
  }
}

CaveGraph CaveGraph::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), path);
}

CaveGraph CaveGraph::parse(const std::string& json_text, const std::string& source) {
  try {
    const json doc = json::parse(json_text);
    const json& g = doc.at("graph");
    GrapheneLayout layout;
    for (int a = 0; a < 3; ++a) layout.chunk_size[a] = g.at("chunk_size").at(a).get<std::int64_t>();
    layout.n_layers = g.at("n_layers").get<int>();
    layout.n_bits_for_layer_id = g.value("n_bits_for_layer_id", 8);
    for (const auto& [k, v] : g.at("spatial_bit_masks").items())
      layout.spatial_bit_masks[std::stoi(k)] = v.get<int>();
    layout.cv_mip = g.value("cv_mip", 0);
    layout.fan_out = g.value("fan_out", 2);
    std::vector<CaveRoot> roots;
    for (const json& r : doc.at("roots")) {
      CaveRoot root;
      root.id = r.at("id").get<std::uint64_t>();
      root.created = r.at("created").get<double>();
      if (r.contains("superseded") && !r.at("superseded").is_null())
        root.superseded = r.at("superseded").get<double>();
      root.supervoxels = r.at("supervoxels").get<std::vector<std::uint64_t>>();
      if (r.contains("demo_segments"))
        root.demo_segments = r.at("demo_segments").get<std::vector<std::uint64_t>>();
      roots.push_back(std::move(root));
    }
    return CaveGraph(doc.at("table").get<std::string>(), std::move(layout), std::move(roots),
                     doc.value("chunks_start_at_voxel_offset", true));
  } catch (const std::exception& e) {
    throw std::runtime_error("graph " + source + ": " + e.what());
  }
}

const CaveRoot* CaveGraph::find_root(std::uint64_t id) const {
  const auto it = root_index_.find(id);
  return it == root_index_.end() ? nullptr : &roots_[it->second];
}

std::vector<std::uint64_t> CaveGraph::supervoxels() const {
  std::vector<std::uint64_t> out;
  out.reserve(parents_.size());
  for (const auto& kv : parents_) out.push_back(kv.first);
  return out;
}

std::uint64_t CaveGraph::parent_at(std::uint64_t sv, double ts) const {
  const auto it = parents_.find(sv);
  if (it == parents_.end()) return 0;
  std::uint64_t parent = 0;
  for (const ParentRow& row : it->second)
    if (row.timestamp <= ts) parent = row.root;  // rows ascend in time: the last visible wins
  return parent;
}

std::uint64_t CaveGraph::root_at(std::uint64_t id, double ts, int stop_layer) const {
  const std::uint64_t one = id;
  return roots_at(std::span<const std::uint64_t>(&one, 1), ts, stop_layer).front();
}

std::vector<std::uint64_t> CaveGraph::roots_at(std::span<const std::uint64_t> ids, double ts,
                                               int stop_layer) const {
  // PCG ChunkedGraph.get_roots (doc §8): ids at or above stop_layer (and 0) stay; the others take
  // their parent at ts, 0 when they have none (fail_to_zero), except that a batch in which no id
  // has any parent row at ts is returned unchanged (get_parents returns nothing -> break).
  if (stop_layer == 0) stop_layer = layout_.n_layers;
  std::vector<std::uint64_t> out(ids.begin(), ids.end());
  bool any_parent = false;
  std::vector<std::uint64_t> parents(ids.size(), 0);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == 0 || layout_.layer(ids[i]) >= stop_layer) continue;
    parents[i] = parent_at(ids[i], ts);
    any_parent |= parents[i] != 0;
  }
  if (!any_parent) return out;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] != 0 && layout_.layer(ids[i]) < stop_layer) out[i] = parents[i];
  return out;
}

std::vector<std::uint64_t> CaveGraph::leaves(std::uint64_t node, const std::optional<Bbox>& bounds,
                                             const Vec3& voxel_offset) const {
  std::vector<std::uint64_t> candidates;
  if (const CaveRoot* r = find_root(node))
    candidates = r->supervoxels;
  else if (is_supervoxel(node))
    candidates = {node};
  if (!bounds) return candidates;
  // PCG normalize_bounding_box: (v - voxel_bounds[:,0]) / chunk_size as floats, the min cast to
  // int (truncation toward zero), the max ceiled; mask_nodes_by_bounding_box keeps chunk c when
  // c < max and c + 1 > min on every axis.
  std::array<std::int64_t, 3> lo{}, hi{};
  for (int a = 0; a < 3; ++a) {
    const double cs = static_cast<double>(layout_.chunk_size[a]);
    lo[a] = static_cast<std::int64_t>(static_cast<double>(bounds->min[a] - voxel_offset[a]) / cs);
    hi[a] = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(bounds->max[a] - voxel_offset[a]) / cs));
  }
  std::vector<std::uint64_t> out;
  for (std::uint64_t sv : candidates) {
    const auto c = layout_.chunk(sv);
    bool inside = true;
    for (int a = 0; a < 3; ++a) inside = inside && c[a] < hi[a] && c[a] + 1 > lo[a];
    if (inside) out.push_back(sv);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Materialization versions

std::vector<MaterializationVersion> example_materialization_versions() {
  // Times around the example's edits (merge 2024-03-01T12:00:00Z, split 2024-06-01T12:00:00Z).
  std::vector<MaterializationVersion> v(3);
  v[0].version = 1;
  v[0].time_stamp = 1706775000;  // 2024-02-01T08:10:00 (no fraction: served without one)
  v[0].expires_on = 1709280600;  // 2024-03-01T08:10:00, so version 1 has expired
  v[0].valid = false;
  v[0].status = "EXPIRED";
  v[1].version = 2;
  v[1].time_stamp = 1711959000.25;  // 2024-04-01T08:10:00.250000
  v[1].expires_on = 3471292800;     // 2080-01-01T00:00:00
  v[1].parent_version = 1;
  v[2].version = 3;
  v[2].time_stamp = 1719821400.5;  // 2024-07-01T08:10:00.500000
  v[2].expires_on = 3471292800;
  v[2].parent_version = 2;
  return v;
}

std::string examples_path(const std::string& relative) {
  return std::string(IMAGERY_SOURCE_DIR) + "/examples/" + relative;
}

FakeCaveOptions example_cave_options() {
  FakeCaveOptions o;
  o.graph = CaveGraph::load(examples_path("graphene/graph.json"));
  o.watershed_dir = examples_path("graphene/watershed");
  o.image_source = "precomputed://file://" + examples_path("demo_volume/image");
  return o;
}

// ---------------------------------------------------------------------------------------------
// Helpers

namespace {

// Python datetime.isoformat() of a naive UTC datetime: microseconds only when non-zero.
std::string naive_iso(double unix_seconds) {
  const auto us_total = static_cast<std::int64_t>(std::llround(unix_seconds * 1e6));
  const std::int64_t secs = floor_div(us_total, 1000000), us = us_total - secs * 1000000;
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string s = buf;
  if (us != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us));
    s += frac;
  }
  return s;
}

// Flask's JSON form of a datetime (PCG error bodies' "timestamp"): an HTTP date.
std::string http_date_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string strip(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\n\r\f\v") - b + 1);
}

// Python float(str): nullopt where Python raises ValueError.
std::optional<double> python_float(const std::string& text) {
  std::string s = lower(strip(text));
  static const std::regex number(
      R"([+-]?((\d(_?\d)*)(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)(e[+-]?\d(_?\d)*)?)");
  static const std::regex special(R"([+-]?(inf|infinity|nan))");
  if (std::regex_match(s, special)) {
    const bool neg = s[0] == '-';
    if (s.find("nan") != std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (!std::regex_match(s, number)) return std::nullopt;
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  return std::strtod(s.c_str(), nullptr);
}

// Python int(str) (base 10): nullopt where Python raises ValueError or the value leaves int64.
std::optional<std::int64_t> python_int(const std::string& text) {
  std::string s = strip(text);
  static const std::regex integer(R"([+-]?\d(_?\d)*)");
  if (!std::regex_match(s, integer)) return std::nullopt;
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  errno = 0;
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

// An unsigned decimal that fits uint64 (node ids in paths and JSON strings).
std::optional<std::uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || s.size() > 20 || !std::all_of(s.begin(), s.end(), ::isdigit))
    return std::nullopt;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

// PCG app_utils.toboolean, as flask's args.get(type=...) uses it: unparsable -> the default.
bool pcg_boolean_arg(const httplib::Request& req, const std::string& key) {
  if (!req.has_param(key.c_str())) return false;
  const std::string v = lower(req.get_param_value(key.c_str()));
  return v == "true" || v == "1";
}

json id_array(const std::vector<std::uint64_t>& ids, bool as_str) {
  json a = json::array();
  for (std::uint64_t id : ids) a.push_back(as_str ? json(std::to_string(id)) : json(id));
  return a;
}

std::string to_bytes(const std::vector<std::uint64_t>& ids) {
  std::string out(ids.size() * 8, '\0');
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((ids[i] >> (8 * b)) & 0xff);
  return out;
}

std::vector<std::uint64_t> from_bytes(const std::string& body) {
  std::vector<std::uint64_t> ids(body.size() / 8);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::uint64_t v = 0;
    for (int b = 0; b < 8; ++b)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(body[i * 8 + b])) << (8 * b);
    ids[i] = v;
  }
  return ids;
}

// The ids of a {"node_ids": [...]} body: JSON integers or decimal strings (numpy's uint64 cast
// takes both).
std::vector<std::uint64_t> node_ids_of(const std::string& body) {
  const json doc = json::parse(body);
  std::vector<std::uint64_t> ids;
  for (const json& v : doc.at("node_ids")) {
    if (v.is_number_unsigned()) {
      ids.push_back(v.get<std::uint64_t>());
    } else if (v.is_string()) {
      const auto id = parse_u64(v.get<std::string>());
      if (!id) throw std::invalid_argument("invalid literal for node id: " + v.get<std::string>());
      ids.push_back(*id);
    } else {
      throw std::invalid_argument("node_ids must be non-negative integers");
    }
  }
  return ids;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// FakeCave

struct FakeCave::Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool pcg = false;  // PyChunkedGraph's after_request gzip applies
};

namespace {

using Reply = FakeCave::Reply;

// A leaves request's bounds, as PCG reads them: np.array([b.split("-") for b in
// s.split("_")], int).T, so exactly three min-max pairs of non-negative integers (anything else
// is an unhandled ValueError, a 500).
std::optional<Bbox> bounds_param(const std::string& s) {
  static const std::regex re(
      R"((\d{1,18})-(\d{1,18})_(\d{1,18})-(\d{1,18})_(\d{1,18})-(\d{1,18}))");
  std::smatch b;
  if (!std::regex_match(s, b, re)) return std::nullopt;
  Bbox box;
  for (int a = 0; a < 3; ++a) {
    box.min[a] = std::stoll(b[1 + 2 * a]);
    box.max[a] = std::stoll(b[2 + 2 * a]);
  }
  return box;
}

Reply json_reply(const json& body, int status = 200) {
  Reply r;
  r.status = status;
  r.body = body.dump() + "\n";  // flask.jsonify: compact, sorted keys, newline
  return r;
}

// middle_auth_client's MACAuthorizationError.to_response (doc §4.1).
Reply mac_error(int status, const std::string& code, const std::string& message,
                const json& data = nullptr) {
  json body;
  body["error"] = code;
  body["message"] = message;
  if (!data.is_null()) body["data"] = data;
  return json_reply(body, status);
}

// PCG's api_exception (ChunkedGraphAPIError: 400/401/403/409) and unhandled_exception (500)
// bodies (doc §8).
Reply pcg_error(int status, const std::string& message) {
  json body;
  body["timestamp"] = http_date_now();
  body["duration"] = 0.0;
  body["code"] = status;
  body["message"] = message;
  if (status == 500)
    body["traceback"] = json::array({"Traceback (most recent call last):\n",
                                     "  (fake CAVE: no Python traceback)\n", message + "\n"});
  Reply r = json_reply(body, status);
  r.pcg = true;
  return r;
}

Reply not_found() {
  Reply r;
  r.status = 404;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
      "<p>The requested URL was not found on the server.</p>\n";
  return r;
}

Reply method_not_allowed() {
  Reply r = not_found();
  r.status = 405;
  r.body =
      "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
      "<h1>Method Not Allowed</h1>\n";
  return r;
}

// The request URL without middle_auth_token and token parameters (MAC's furl(...).remove).
std::string url_of(const httplib::Request& req, int port, bool drop_token) {
  std::string q;
  for (const auto& [k, v] : req.params) {
    if (drop_token && (k == "middle_auth_token" || k == "token")) continue;
    q += (q.empty() ? "?" : "&") + httplib::detail::encode_query_param(k) + "=" +
         httplib::detail::encode_query_param(v);
  }
  return "http://127.0.0.1:" + std::to_string(port) + req.path + q;
}

}  // namespace

FakeCave::FakeCave(FakeCaveOptions options) : options_(std::move(options)) {
  table_ = options_.table.empty() ? options_.graph.table() : options_.table;
  delay_ms_ = options_.delay_ms;

  // The watershed's info, the base of the graphene info (doc §2.2).
  if (!options_.watershed_info_json.empty()) {
    watershed_info_ = options_.watershed_info_json;
  } else if (!options_.watershed_dir.empty()) {
    const std::string path = options_.watershed_dir + "/info";
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("fake CAVE: cannot read " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    watershed_info_ = ss.str();
  } else {
    watershed_info_ =
        R"({"type":"segmentation","data_type":"uint64","num_channels":1,"scales":[]})";
  }
  const json ws = json::parse(watershed_info_);
  if (ws.contains("scales") && !ws["scales"].empty() && ws["scales"][0].contains("voxel_offset"))
    for (int a = 0; a < 3; ++a)
      voxel_offset_[a] = ws["scales"][0]["voxel_offset"][a].get<std::int64_t>();
  if (options_.data_dir.empty() && !options_.watershed_dir.empty())
    options_.data_dir =
        "file://" + std::filesystem::absolute(options_.watershed_dir).lexically_normal().string();

  server_.Get(".*",
              [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  server_.Post(".*",
               [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  if (!options_.keep_alive) server_.set_keep_alive_max_count(1);
  // More handler threads than cpp-httplib's default 8: a benchmark's parallel requests with a
  // response delay must not queue behind the server's pool.
  server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
  if (options_.port == 0) {
    port_ = server_.bind_to_any_port("127.0.0.1");
  } else {
    port_ = server_.bind_to_port("127.0.0.1", options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) throw std::runtime_error("fake CAVE cannot bind 127.0.0.1");
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    listen_returned_ = true;
  });
  // Server::stop() does nothing until the accept loop runs, so a FakeCave destroyed before its
  // thread got that far (a busy machine) would wait for ever in the join: wait for the loop.
  while (!server_.is_running() && !listen_returned_)
    std::this_thread::sleep_for(std::chrono::microseconds(200));

  local_server_ = options_.local_server.empty() ? url() : options_.local_server;
  while (!local_server_.empty() && local_server_.back() == '/') local_server_.pop_back();
  segmentation_source_ = options_.segmentation_source.empty()
                             ? "graphene://" + local_server_ + "/segmentation/table/" + table_
                             : options_.segmentation_source;
}

FakeCave::~FakeCave() {
  stopping_ = true;
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeCave::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + (path.empty() || path[0] == '/' ? "" : "/") +
         path;
}

std::string FakeCave::graphene_info() const {
  // PCG graph/meta.py dataset_info + handle_info (doc §2.2).
  json info = json::parse(watershed_info_);
  const GrapheneLayout& l = options_.graph.layout();
  json graph;
  graph["chunk_size"] = l.chunk_size;
  graph["bounding_box"] = {2048, 2048, 512};
  graph["n_bits_for_layer_id"] = l.n_bits_for_layer_id;
  graph["cv_mip"] = l.cv_mip;
  graph["n_layers"] = l.n_layers;
  json masks = json::object();
  for (const auto& [layer, bits] : l.spatial_bit_masks) masks[std::to_string(layer)] = bits;
  graph["spatial_bit_masks"] = masks;
  info["chunks_start_at_voxel_offset"] = options_.graph.chunks_start_at_voxel_offset();
  info["data_dir"] = options_.data_dir;
  info["graph"] = graph;
  info["app"] = {{"supported_api_versions", {0, 1}}};
  info["sharded_mesh"] = true;
  info["verify_mesh"] = false;
  return info.dump();
}

void FakeCave::fail_next(const std::string& path_part, int count, int status, std::string body) {
  std::lock_guard lock(mutex_);
  faults_.push_back({path_part, count, status, std::move(body)});
}

std::vector<CaveRequest> FakeCave::requests() const {
  std::lock_guard lock(mutex_);
  return log_;
}

std::vector<CaveRequest> FakeCave::requests(const std::string& route) const {
  std::lock_guard lock(mutex_);
  std::vector<CaveRequest> out;
  for (const CaveRequest& r : log_)
    if (r.route == route) out.push_back(r);
  return out;
}

void FakeCave::clear_requests() {
  std::lock_guard lock(mutex_);
  log_.clear();
}

int FakeCave::count(const std::string& route) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(log_.begin(), log_.end(),
                                        [&](const CaveRequest& r) { return r.route == route; }));
}

std::vector<std::vector<std::uint64_t>> FakeCave::roots_binary_ids() const {
  std::vector<std::vector<std::uint64_t>> out;
  for (const CaveRequest& r : requests("roots_binary")) out.push_back(r.ids);
  return out;
}

bool FakeCave::sleep_ms(int ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 5)));
  return !stopping_;
}

void FakeCave::handle(const httplib::Request& req, httplib::Response& res) {
  CaveRequest entry;
  entry.method = req.method;
  entry.path = req.path;
  if (const auto q = req.target.find('?'); q != std::string::npos)
    entry.query = req.target.substr(q + 1);
  entry.authorization = req.get_header_value("Authorization");
  entry.cookie = req.get_header_value("Cookie");
  entry.content_encoding = req.get_header_value("Content-Encoding");
  entry.accept_encoding = req.get_header_value("Accept-Encoding");
  for (const auto& [k, v] : req.headers) entry.headers.emplace_back(k, v);
  entry.body = req.body;  // cpp-httplib has inflated a gzip body already

  std::optional<Reply> reply;
  {
    std::lock_guard lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
      if (req.path.find(it->path_part) == std::string::npos) continue;
      Reply r;
      r.status = it->status;
      r.body = it->body;
      r.content_type = "text/plain; charset=utf-8";
      entry.route = "fault";
      if (--it->remaining <= 0) faults_.erase(it);
      reply = std::move(r);
      break;
    }
  }
  if (!reply) {
    if (req.path.starts_with("/segmentation/") && delay_ms_ > 0) sleep_ms(delay_ms_);
    reply = dispatch(req, entry);
  }

  std::string body = std::move(reply->body);
  // PCG's after_request (doc §8): gzip 2xx answers when Accept-Encoding mentions gzip.
  if (reply->pcg && reply->status >= 200 && reply->status < 300 &&
      lower(entry.accept_encoding).find("gzip") != std::string::npos) {
    const auto z = io::gzip_compress(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(body.data()), body.size()));
    body.assign(reinterpret_cast<const char*>(z.data()), z.size());
    reply->headers.emplace_back("Content-Encoding", "gzip");
    reply->headers.emplace_back("Vary", "Accept-Encoding");
  }
  // cpp-httplib would compress JSON and text answers itself (also error answers, and with brotli
  // when asked): the fake decides as the real services do, so cpp-httplib must not see the
  // header. The request object is the server's own, non-const one.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  res.status = reply->status;
  for (const auto& [k, v] : reply->headers) res.set_header(k.c_str(), v);
  res.set_content(body, reply->content_type.c_str());
  entry.status = reply->status;
  std::lock_guard lock(mutex_);
  log_.push_back(std::move(entry));
}

// middle_auth_client's auth_required + auth_requires_permission (doc §4.1). `resource` is the
// table (namespace pychunkedgraph) or datastack (namespace datastack). nullopt: allowed.
std::optional<Reply> FakeCave::check_auth(const httplib::Request& req, const std::string& resource,
                                          bool is_table) {
  const std::string authorize = "https://" + options_.sticky_auth_url + "/api/v1/authorize";
  const bool programmatic = !options_.browser_redirects || req.has_header("Authorization") ||
                            req.has_header("X-Requested-With") || req.has_header("Origin");
  // Token sources, later ones winning: cookie, query parameter, Authorization header.
  std::string token;
  const std::string cookies = req.get_header_value("Cookie");
  for (std::size_t pos = 0; pos < cookies.size();) {
    std::size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    const std::string c = strip(cookies.substr(pos, end - pos));
    if (c.starts_with("middle_auth_token=")) token = c.substr(18);
    pos = end + 1;
  }
  const std::string query_token = req.get_param_value("middle_auth_token");
  if (!query_token.empty()) token = query_token;
  if (req.has_header("Authorization")) {
    const std::string h = req.get_header_value("Authorization");
    if (!h.starts_with("Bearer ")) {
      Reply r = mac_error(400, "bad_auth_header", "Authorization header must begin with 'Bearer'");
      r.headers.emplace_back("WWW-Authenticate",
                             "Bearer realm=\"" + authorize +
                                 "\", error=\"invalid_request\", error_description=\"Header must "
                                 "begin with 'Bearer'\"");
      return r;
    }
    // auth_header.split(" ")[1]
    const std::string rest = h.substr(7);
    token = rest.substr(0, rest.find(' '));
  }
  if (programmatic) {
    if (token.empty()) {
      Reply r = mac_error(401, "no_token", "Unauthorized - No Token Provided");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"" + authorize + "\"");
      return r;
    }
  } else if (!query_token.empty()) {
    // A browser brought the token in the URL: MAC moves it into a cookie and redirects.
    Reply r;
    r.status = 302;
    r.content_type = "text/html; charset=utf-8";
    r.headers.emplace_back("Location", url_of(req, port_, true));
    r.headers.emplace_back("Set-Cookie",
                           "middle_auth_token=" + query_token + "; Secure; HttpOnly; Path=/");
    return r;
  }
  if (token != options_.token) {
    if (!programmatic) {
      Reply r;
      r.status = 302;
      r.content_type = "text/html; charset=utf-8";
      r.headers.emplace_back("Location",
                             authorize + "?redirect=" +
                                 httplib::detail::encode_query_param(url_of(req, port_, false)));
      return r;
    }
    Reply r = mac_error(401, "invalid_token", "Unauthorized - Token is Invalid or Expired");
    r.headers.emplace_back("WWW-Authenticate",
                           "Bearer realm=\"" + authorize +
                               "\", error=\"invalid_token\", error_description=\"Invalid/Expired "
                               "Token\"");
    return r;
  }
  // The table -> permission group lookup fails for unknown names.
  const std::string ns = is_table ? "pychunkedgraph" : "datastack";
  const bool known = is_table ? resource == table_
                              : std::find(options_.datastacks.begin(), options_.datastacks.end(),
                                          resource) != options_.datastacks.end();
  if (!known)
    return mac_error(400, "invalid_table_id", "Invalid table_id for service",
                     {{"table_id", resource}, {"resource_namespace", ns}});
  if (options_.missing_tos.contains(resource)) {
    const std::string form = "https://" + options_.sticky_auth_url + "/api/v1/tos/" +
                             std::to_string(options_.tos_id) + "/accept";
    if (!programmatic) {
      Reply r;
      r.status = 302;
      r.content_type = "text/html; charset=utf-8";
      r.headers.emplace_back(
          "Location",
          form + "?redirect=" + httplib::detail::encode_query_param(url_of(req, port_, false)));
      return r;
    }
    return mac_error(
        403, "missing_tos", "Need to accept Terms of Service to access resource.",
        {{"tos_id", options_.tos_id}, {"tos_name", options_.tos_name}, {"tos_form_url", form}});
  }
  if (options_.forbidden.contains(resource))
    return mac_error(403, "missing_permission",
                     "Missing permission: view for dataset " + options_.auth_dataset,
                     {{"required_permission", "view"}, {"auth_dataset", options_.auth_dataset}});
  return std::nullopt;
}

FakeCave::Reply FakeCave::dispatch(const httplib::Request& req, CaveRequest& entry) {
  const std::string& path = req.path;
  const bool get = req.method == "GET", post = req.method == "POST";
  std::smatch m;
  auto match = [&](const char* pattern) {
    const std::regex re(pattern);
    return std::regex_match(path, m, re);
  };
  // A route: its name for the log, whether the method fits.
  auto route = [&](const char* name, bool method_ok) {
    entry.route = name;
    return method_ok;
  };

  // ---- Info service (doc §5, §8) ----
  if (match(R"(/info/version/?)")) {
    if (!route("info_version", get)) return method_not_allowed();
    return json_reply(options_.info_version);
  }
  if (match(R"(/info/api/versions/?)")) {
    if (!route("info_api_versions", get)) return method_not_allowed();
    return json_reply(json::array({2}));
  }
  if (match(R"(/info/api/v2/datastack/full/([^/]+)/?)")) {
    if (!route("datastack", get)) return method_not_allowed();
    const std::string ds = m[1];
    if (auto denied = check_auth(req, ds, false)) return *denied;
    json av;
    av["id"] = 1;
    av["name"] = ds + "_volume";
    av["display_name"] = ds;
    av["description"] = "The image volume of the fake CAVE's datastack " + ds + ".";
    av["image_source"] = options_.image_source;
    json body;
    body["aligned_volume"] = av;
    body["segmentation_source"] = segmentation_source_;
    body["skeleton_source"] = nullptr;
    body["analysis_database"] = nullptr;
    body["viewer_site"] = nullptr;
    body["synapse_table"] = nullptr;
    body["soma_table"] = nullptr;
    body["local_server"] = local_server_;
    body["description"] = "A datastack of the fake CAVE (imagery tests).";
    body["viewer_resolution_x"] = options_.viewer_resolution.x;
    body["viewer_resolution_y"] = options_.viewer_resolution.y;
    body["viewer_resolution_z"] = options_.viewer_resolution.z;
    body["proofreading_status_table"] = nullptr;
    body["cell_identification_table"] = nullptr;
    body["proofreading_review_table"] = nullptr;
    return json_reply(body);
  }

  // ---- PyChunkedGraph (doc §2, §3.4, §3.5, §8) ----
  if (path.starts_with("/segmentation/")) {
    Reply r = [&]() -> Reply {
      if (match(R"(/segmentation/api/version/?)")) {
        if (!route("pcg_version", get)) return method_not_allowed();
        return json_reply(options_.pcg_version);
      }
      if (match(R"(/segmentation/api/versions/?)")) {
        if (!route("pcg_api_versions", get)) return method_not_allowed();
        return json_reply(json::array({0, 1}));
      }
      if (match(R"(/segmentation/table/([^/]+)/info/?)") ||
          match(R"(/segmentation/1\.0/([^/]+)/info/?)")) {
        if (!route(path.starts_with("/segmentation/table/") ? "table_info" : "legacy_info", get))
          return method_not_allowed();
        if (auto denied = check_auth(req, m[1], true)) return *denied;
        Reply ok;
        ok.body = graphene_info() + "\n";
        return ok;
      }
      if (match(R"(/segmentation/api/v1/table/([^/]+)/(roots_binary|roots))")) {
        const bool binary = m[2] == "roots_binary";
        if (!route(binary ? "roots_binary" : "roots", post)) return method_not_allowed();
        if (auto denied = check_auth(req, m[1], true)) return *denied;
        // common.handle_roots: body first (np.frombuffer / json.loads), then the timestamp, then
        // stop_layer, then get_roots' assertion on stop_layer.
        std::vector<std::uint64_t> ids;
        if (binary) {
          if (req.body.size() % 8 != 0)
            return pcg_error(500, "buffer size must be a multiple of element size");
          ids = from_bytes(req.body);
        } else {
          try {
            ids = node_ids_of(req.body);
          } catch (const std::exception& e) {
            return pcg_error(500, e.what());
          }
        }
        entry.ids = ids;
        double ts = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count()) /
                    1e6;
        if (req.has_param("timestamp")) {
          const auto t = python_float(req.get_param_value("timestamp"));
          if (!t || std::isnan(*t))
            return pcg_error(400, "Timestamp parameter timestamp is not a valid unix timestamp");
          // datetime.fromtimestamp: OverflowError (unhandled) far out, ValueError (400) past
          // year 9999 or before year 1.
          if (std::isinf(*t) || std::fabs(*t) > 1e18)
            return pcg_error(500, "timestamp out of range for platform time_t");
          if (*t > 253402300799.0 || *t < -62135596800.0)
            return pcg_error(400, "Timestamp parameter timestamp is not a valid unix timestamp");
          ts = *t;
        }
        const int n_layers = options_.graph.layout().n_layers;
        std::int64_t stop_layer = n_layers;
        if (req.has_param("stop_layer")) {
          const auto s = python_int(req.get_param_value("stop_layer"));
          if (!s)
            return pcg_error(500, "invalid literal for int() with base 10: '" +
                                      req.get_param_value("stop_layer") + "'");
          stop_layer = *s;
        }
        const bool is_root_layer = stop_layer == n_layers;
        if (stop_layer == 0) stop_layer = n_layers;  // get_roots: `if not stop_layer`
        if (stop_layer > n_layers) return pcg_error(500, "AssertionError");
        // bool(str): any non-empty value is True; fail_to_zero defaults to True.
        const bool assert_roots =
            req.has_param("assert_roots") && !req.get_param_value("assert_roots").empty();
        const bool fail_to_zero =
            !req.has_param("fail_to_zero") || !req.get_param_value("fail_to_zero").empty();
        std::vector<std::uint64_t> roots;
        if (stop_layer < 0) {
          roots = ids;  // every id is at or above a negative stop layer
        } else {
          roots = options_.graph.roots_at(ids, ts, static_cast<int>(stop_layer));
        }
        if (!fail_to_zero) {
          // get_parents raises KeyError for an id without parent (unless none has any).
          bool any_parent = false, missing = false;
          for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == 0 || options_.graph.layout().layer(ids[i]) >= stop_layer) continue;
            (options_.graph.parent_at(ids[i], ts) ? any_parent : missing) = true;
          }
          if (any_parent && missing) return pcg_error(500, "KeyError");
        }
        if (assert_roots && is_root_layer)
          for (std::uint64_t root : roots)
            if (options_.graph.layout().layer(root) < n_layers)
              return pcg_error(500, "roots not found for some IDs");
        Reply ok;
        if (binary || req.get_param_value("as_binary") == "root_ids") {
          ok.body = to_bytes(roots);
          // Flask sends a bytes return as text/html; clients ignore the type of binary answers.
          ok.content_type = "text/html; charset=utf-8";
        } else {
          json body;
          body["root_ids"] = id_array(roots, pcg_boolean_arg(req, "int64_as_str"));
          ok.body = body.dump() + "\n";
        }
        return ok;
      }
      if (match(R"(/segmentation/api/v1/table/([^/]+)/node/([^/]+)/leaves)")) {
        if (!route("leaves", get)) return method_not_allowed();
        if (auto denied = check_auth(req, m[1], true)) return *denied;
        const auto node = parse_u64(m[2]);
        if (!node)
          return pcg_error(500,
                           "invalid literal for int() with base 10: '" + std::string(m[2]) + "'");
        std::int64_t stop_layer = 1;
        if (req.has_param("stop_layer")) {
          const auto s = python_int(req.get_param_value("stop_layer"));
          if (!s) return pcg_error(500, "invalid literal for int() with base 10");
          stop_layer = *s;
        }
        if (stop_layer > 1)
          return pcg_error(501, "the fake chunkedgraph has no nodes between supervoxels and roots");
        std::optional<Bbox> bounds;
        if (req.has_param("bounds")) {
          bounds = bounds_param(req.get_param_value("bounds"));
          if (!bounds) return pcg_error(500, "invalid bounds: " + req.get_param_value("bounds"));
        }
        json body;
        body["leaf_ids"] = id_array(options_.graph.leaves(*node, bounds, voxel_offset_),
                                    pcg_boolean_arg(req, "int64_as_str"));
        Reply ok;
        ok.body = body.dump() + "\n";
        return ok;
      }
      if (match(R"(/segmentation/api/v1/table/([^/]+)/(node/)?leaves_many)")) {
        if (!route("leaves_many", post)) return method_not_allowed();
        if (auto denied = check_auth(req, m[1], true)) return *denied;
        std::optional<Bbox> bounds;
        if (req.has_param("bounds")) {
          bounds = bounds_param(req.get_param_value("bounds"));
          if (!bounds) return pcg_error(500, "invalid bounds: " + req.get_param_value("bounds"));
        }
        std::vector<std::uint64_t> ids;
        try {
          ids = node_ids_of(req.body);
        } catch (const std::exception& e) {
          return pcg_error(500, e.what());
        }
        entry.ids = ids;
        const bool as_str = pcg_boolean_arg(req, "int64_as_str");
        json body = json::object();
        for (std::uint64_t id : ids)
          body[std::to_string(id)] =
              id_array(options_.graph.leaves(id, bounds, voxel_offset_), as_str);
        Reply ok;
        ok.body = body.dump() + "\n";
        return ok;
      }
      return not_found();
    }();
    r.pcg = true;
    return r;
  }

  // ---- Materialization (doc §6, §8) ----
  if (match(R"(/materialize/api/versions/?)")) {
    if (!route("mat_api_versions", get)) return method_not_allowed();
    return json_reply(json::array({2, 3}));
  }
  if (match(R"(/materialize/version/?)")) {
    if (!route("mat_version", get)) return method_not_allowed();
    return json_reply(options_.materialize_version);
  }
  if (match(R"(/materialize/api/v[23]/datastack/([^/]+)/(versions|metadata|version/(\d+))/?)")) {
    const std::string what = m[2];
    const char* name = what == "versions"   ? "mat_versions"
                       : what == "metadata" ? "mat_metadata"
                                            : "mat_version_row";
    if (!route(name, get)) return method_not_allowed();
    const std::string ds = m[1];
    if (auto denied = check_auth(req, ds, false)) return *denied;
    auto row = [&](const MaterializationVersion& v) {
      json r;
      r["id"] = v.version;
      r["datastack"] = ds;
      r["version"] = v.version;
      r["time_stamp"] = naive_iso(v.time_stamp);
      r["valid"] = v.valid;
      r["expires_on"] = naive_iso(v.expires_on);
      r["parent_version"] = v.parent_version ? json(*v.parent_version) : json(nullptr);
      r["status"] = v.status;
      r["is_merged"] = v.is_merged;
      return r;
    };
    if (what.starts_with("version/")) {
      const int wanted = std::stoi(m[3]);
      for (const MaterializationVersion& v : options_.versions)
        if (v.version == wanted) return json_reply(row(v));
      return json_reply("No version found", 404);
    }
    // expired=false (the default) lists the valid versions only.
    bool expired = false;
    if (req.has_param("expired")) {
      const std::string e = lower(req.get_param_value("expired"));
      if (e == "true" || e == "1") {
        expired = true;
      } else if (e != "false" && e != "0") {
        return json_reply({{"errors", {{"expired", "Invalid boolean value"}}},
                           {"message", "Input payload validation failed"}},
                          400);
      }
    }
    json list = json::array();
    for (const MaterializationVersion& v : options_.versions)
      if (expired || v.valid) list.push_back(what == "versions" ? json(v.version) : row(v));
    return json_reply(list);
  }
  return not_found();
}

}  // namespace imagery::testing
