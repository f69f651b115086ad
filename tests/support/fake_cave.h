// A fake CAVE for tests and benchmarks: one cpp-httplib server on 127.0.0.1 that answers as the
// three CAVE services a graphene client talks to, following /work/shared/docs/graphene-cave.md
// (the "doc" below; §8 is the fake-server spec):
//   - the info service (global server): /info/version, /info/api/v2/datastack/full/{ds};
//   - PyChunkedGraph (local server, "PCG"): the graphene info, roots_binary, roots, leaves,
//     leaves_many under /segmentation/...;
//   - the materialization service: versions and the timestamp of a version under /materialize/...
// with middle_auth_client's token checks and error bodies (doc §4.1), a request log, and switches
// for faults (forbidden tables, missing terms of service, the next N answers of a route failing)
// and a response delay.
//
// CaveGraph is the chunkedgraph's content: supervoxels, roots and the edit history (which root
// each supervoxel belongs to at each time). It loads examples/graphene/graph.json or is built in
// code (a benchmark's synthetic graph).
//
//   imagery::testing::FakeCaveOptions o;
//   o.graph = CaveGraph::load("examples/graphene/graph.json");
//   o.watershed_dir = "examples/graphene/watershed";
//   imagery::testing::FakeCave cave(o);
//   cave.segmentation_source();  // graphene://http://127.0.0.1:PORT/segmentation/table/...
#pragma once

#include <httplib.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "imagery/core/bbox.h"
#include "imagery/core/vec3.h"

namespace imagery::testing {

// The token FakeCave accepts unless told otherwise: lower-case hex, as CloudVolume requires of
// tokens (doc §4.2 step 4).
inline constexpr const char* kFakeCaveToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

// The `graph` block of a graphene info and the label bit layout it implies (doc §2.2, §2.4):
// id = layer << (64-B) | x << (64-B-s) | y << (64-B-2s) | z << (64-B-3s) | segid,
// B = n_bits_for_layer_id, s = spatial_bit_masks[layer].
struct GrapheneLayout {
  std::array<std::int64_t, 3> chunk_size{256, 256, 512};  // L2 chunk, in mip-0 voxels
  int n_layers = 0;
  int n_bits_for_layer_id = 8;
  std::map<int, int> spatial_bit_masks;  // layer -> bits per axis
  int cv_mip = 0;
  int fan_out = 2;

  // The layout PCG chooses for a watershed of `size` mip-0 voxels: n_layers =
  // ceil(log_fanout(max chunks per axis)) + 2, and compute_bitmasks' bits per layer.
  static GrapheneLayout for_volume(const Vec3& size, std::array<std::int64_t, 3> chunk_size,
                                   int fan_out = 2, int spatial_bits = 10);

  int layer(std::uint64_t id) const;
  std::array<std::int64_t, 3> chunk(std::uint64_t id) const;  // chunk coordinates of `id`
  std::uint64_t segid(std::uint64_t id) const;
  // Throws std::invalid_argument when a field does not fit its bits.
  std::uint64_t make_id(int layer, std::array<std::int64_t, 3> chunk, std::uint64_t segid) const;
};

// One root of the edit history. Roots are immutable: a root has the same supervoxels for ever,
// and is the root of its supervoxels at unix time ts when created <= ts < superseded.
struct CaveRoot {
  std::uint64_t id = 0;
  double created = 0;                // unix seconds
  std::optional<double> superseded;  // unix seconds; none while current
  std::vector<std::uint64_t> supervoxels;
  std::vector<std::uint64_t> demo_segments;  // informative (graph.json's demo segment ids)
};

// The chunkedgraph: supervoxels (layer 1) whose parent is a root (layer n_layers) directly. PCG
// has L2 to layer n_layers-1 nodes in between; the fake leaves them out, which is a "skip
// connection" in PCG's terms, so roots asked for with any stop_layer come back as the root.
class CaveGraph {
 public:
  CaveGraph() = default;
  // Validates: roots have layer n_layers, supervoxels layer 1, and each supervoxel's roots form
  // one unbroken chain in time (each superseded exactly when the next is created, the last one
  // current). Throws std::invalid_argument naming the problem.
  CaveGraph(std::string table, GrapheneLayout layout, std::vector<CaveRoot> roots,
            bool chunks_start_at_voxel_offset = true);
  // examples/graphene/graph.json (see its README); throws std::runtime_error naming the file.
  static CaveGraph load(const std::string& path);
  static CaveGraph parse(const std::string& json_text, const std::string& source);

  const std::string& table() const { return table_; }
  const GrapheneLayout& layout() const { return layout_; }
  const std::vector<CaveRoot>& roots() const { return roots_; }
  bool chunks_start_at_voxel_offset() const { return chunks_start_at_voxel_offset_; }
  const CaveRoot* find_root(std::uint64_t id) const;
  bool is_supervoxel(std::uint64_t id) const { return parents_.contains(id); }
  // Every supervoxel, ascending.
  std::vector<std::uint64_t> supervoxels() const;

  // PCG's parent row of supervoxel `sv` visible at `ts` (the latest row with timestamp <= ts,
  // end_time_inclusive): its root then, or 0 if it had none (unknown id, or before ingestion).
  std::uint64_t parent_at(std::uint64_t sv, double ts) const;
  // PCG get_roots for one id (fail_to_zero): 0 -> 0; layer >= stop_layer -> the id itself; a
  // supervoxel -> its root at ts; anything else -> 0. stop_layer 0 means n_layers.
  std::uint64_t root_at(std::uint64_t id, double ts, int stop_layer = 0) const;
  // The same for a request, with PCG's quirk: when no id that needs a parent has one at ts
  // (e.g. all unknown, or all asked for before ingestion), the ids come back unchanged.
  std::vector<std::uint64_t> roots_at(std::span<const std::uint64_t> ids, double ts,
                                      int stop_layer = 0) const;
  // The supervoxels of `node` in the L2 chunks that `bounds` (mip-0 voxels, half-open) meets,
  // chunk-granular as PCG: chunk coordinates (v - voxel_offset) / chunk_size, the min truncated,
  // the max ceiled, chunks c with min <= c < max kept. No bounds: all of them. A root's leaves do
  // not depend on time. A supervoxel's leaves are itself; an unknown id has none. Ascending.
  std::vector<std::uint64_t> leaves(std::uint64_t node, const std::optional<Bbox>& bounds = {},
                                    const Vec3& voxel_offset = {}) const;

 private:
  struct ParentRow {
    double timestamp;
    std::uint64_t root;
  };
  std::string table_;
  GrapheneLayout layout_;
  std::vector<CaveRoot> roots_;
  bool chunks_start_at_voxel_offset_ = true;
  std::map<std::uint64_t, std::size_t> root_index_;
  std::map<std::uint64_t, std::vector<ParentRow>> parents_;  // sv -> rows, ascending in time
};

// A row of the materialization service's AnalysisVersion table (doc §6).
struct MaterializationVersion {
  int version = 0;
  double time_stamp = 0;  // unix seconds; served as naive UTC ISO (microseconds unless zero)
  double expires_on = 0;
  bool valid = true;
  std::string status = "AVAILABLE";  // AVAILABLE | RUNNING | FAILED | EXPIRED
  bool is_merged = true;
  std::optional<int> parent_version;
};

// The versions of the example dataset (README of examples/graphene): 1 before the merge
// (expired), 2 between merge and split, 3 after the split.
std::vector<MaterializationVersion> example_materialization_versions();

struct FakeCaveOptions {
  CaveGraph graph;
  std::string table;  // served table name; empty: graph.table()
  std::vector<std::string> datastacks{"imagery_demo"};
  std::string token = kFakeCaveToken;
  // The permission group ("dataset" in middle_auth_client) of the table and the datastacks, named
  // in 403 bodies.
  std::string auth_dataset = "imagery_demo";
  // Advertised by the datastack info; empty: this server's URL. A "global" FakeCave whose
  // local_server is another FakeCave's URL models CAVE's two hosts.
  std::string local_server;
  std::string image_source;         // the datastack's aligned_volume.image_source
  std::string segmentation_source;  // empty: graphene://{local_server}/segmentation/table/{table}
  Vec3d viewer_resolution{4, 4, 40};
  // The graphene info's data_dir (the watershed's URL: file://... or an http:// URL of an
  // NginxServer); empty: file://{absolute watershed_dir}.
  std::string data_dir;
  // Folder of the watershed's precomputed volume: its info becomes the graphene info's base.
  std::string watershed_dir;
  // Or the watershed info's JSON text itself (wins over watershed_dir), for synthetic graphs.
  std::string watershed_info_json;
  // Every chunkedgraph (/segmentation/...) answer waits this long (a benchmark's server latency).
  int delay_ms = 0;
  // Tables or datastacks the token may not view: 403 missing_permission.
  std::set<std::string> forbidden;
  // Tables or datastacks whose terms of service the token's user has not accepted: 403
  // missing_tos.
  std::set<std::string> missing_tos;
  int tos_id = 1;
  std::string tos_name = "imagery_demo_tos";
  std::vector<MaterializationVersion> versions = example_materialization_versions();
  // Host (and path) of the auth server named in WWW-Authenticate and redirects.
  std::string sticky_auth_url = "global.daf-apis.com/sticky_auth";
  // middle_auth_client answers requests that are not "programmatic" (no Authorization,
  // X-Requested-With or Origin header) with 302 redirects to a login page instead of 401/403.
  // Off by default: every request is treated as programmatic.
  bool browser_redirects = false;
  // Keep connections open between requests. Off by default so that the destructor does not wait
  // for idle keep-alive connections held by the client's connection pool.
  bool keep_alive = false;
  int port = 0;  // 0: a free port
  std::string pcg_version = "2.21.1";
  std::string info_version = "4.3.3";
  std::string materialize_version = "4.0.0";
};

// <source tree>/examples/<relative>, e.g. examples_path("graphene/graph.json").
std::string examples_path(const std::string& relative);
// Options that serve the example dataset (examples/graphene: graph.json, the watershed as a
// file:// data_dir, and examples/demo_volume/image as the datastack's image source).
FakeCaveOptions example_cave_options();

// One request as the server saw it.
struct CaveRequest {
  std::string method, path, query;  // query: the raw query string (no '?')
  std::string authorization, cookie, content_encoding, accept_encoding;
  std::vector<std::pair<std::string, std::string>> headers;  // all of them
  std::string body;                                          // after gunzip
  std::string route;  // the route that answered ("roots_binary", "leaves", ...; "" if none)
  std::vector<std::uint64_t> ids;  // roots_binary / roots / leaves_many: the ids asked for
  int status = 0;
};

class FakeCave {
 public:
  explicit FakeCave(FakeCaveOptions options);
  ~FakeCave();
  FakeCave(const FakeCave&) = delete;
  FakeCave& operator=(const FakeCave&) = delete;

  int port() const { return port_; }
  // http://127.0.0.1:PORT[/path]
  std::string url(const std::string& path = "") const;
  const std::string& table() const { return table_; }
  // The local server advertised by the datastack info.
  const std::string& local_server() const { return local_server_; }
  // graphene://{local_server}/segmentation/table/{table} (or the option's value).
  const std::string& segmentation_source() const { return segmentation_source_; }
  const CaveGraph& graph() const { return options_.graph; }
  const FakeCaveOptions& options() const { return options_; }
  // The graphene info served for the table (JSON text).
  std::string graphene_info() const;

  // The next `count` requests whose path contains `path_part` answer `status` with `body`,
  // before any other check (as a load balancer in front of the service would).
  void fail_next(const std::string& path_part, int count, int status, std::string body = "");
  void set_delay_ms(int ms) { delay_ms_ = ms; }

  // The request log, oldest first. It keeps every body: a long benchmark clears it now and then.
  std::vector<CaveRequest> requests() const;
  std::vector<CaveRequest> requests(const std::string& route) const;
  void clear_requests();
  // Requests answered by `route`.
  int count(const std::string& route) const;
  // The ids of each roots_binary request, in order.
  std::vector<std::vector<std::uint64_t>> roots_binary_ids() const;

  // Route names in the log: info_version, info_api_versions, datastack, pcg_version,
  // pcg_api_versions, table_info, legacy_info, roots_binary, roots, leaves, leaves_many,
  // mat_api_versions, mat_version, mat_versions, mat_version_row, mat_metadata; "fault" for an
  // answer of fail_next; "" for paths no route serves (404).

  struct Reply;  // an answer being built (fake_cave.cpp)

 private:
  struct Fault {
    std::string path_part;
    int remaining;
    int status;
    std::string body;
  };
  void handle(const httplib::Request& req, httplib::Response& res);
  Reply dispatch(const httplib::Request& req, CaveRequest& entry);
  std::optional<Reply> check_auth(const httplib::Request& req, const std::string& resource,
                                  bool is_table);
  bool sleep_ms(int ms) const;

  FakeCaveOptions options_;
  std::string table_, local_server_, segmentation_source_, watershed_info_;
  Vec3 voxel_offset_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listen_returned_{false};
  mutable std::mutex mutex_;
  std::vector<CaveRequest> log_;
  std::vector<Fault> faults_;
};

}  // namespace imagery::testing
