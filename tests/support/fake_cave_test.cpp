// Tests of the fake CAVE itself (support/fake_cave.h) and of the example dataset it serves
// (examples/graphene, README.md there has the time line): the graph model's PCG semantics, and
// every route through a plain httplib::Client, so that graphene client tests can trust it.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "imagery/io/gzip.h"
#include "imagery/precomputed/volume.h"
#include "support/background_process.h"
#include "support/fake_cave.h"
#include "support/nginx_server.h"

using imagery::Bbox;
using imagery::Vec3;
using imagery::testing::CaveGraph;
using imagery::testing::CaveRoot;
using imagery::testing::FakeCave;
using imagery::testing::FakeCaveOptions;
using imagery::testing::GrapheneLayout;
using imagery::testing::kFakeCaveToken;
using nlohmann::json;

namespace {

// The example's time line (examples/graphene/README.md).
constexpr double kT0 = 1704067200;                       // 2024-01-01T00:00:00Z: ingestion
constexpr double kT1 = 1709294400;                       // 2024-03-01T12:00:00Z: merge A + B -> M
constexpr double kT2 = 1717243200;                       // 2024-06-01T12:00:00Z: split M -> X, Y
constexpr std::uint64_t kRootA = 360287970189639726ULL;  // demo segment 1101452429197
constexpr std::uint64_t kRootB = 360287970189639736ULL;  // demo segment 1103634729422
constexpr std::uint64_t kRootM = 360287970189639738ULL;
constexpr std::uint64_t kRootX = 360287970189639739ULL;    // A's supervoxels in chunks x = 3
constexpr std::uint64_t kRootY = 360287970189639740ULL;    // B and A's supervoxels in chunks x = 2
constexpr std::uint64_t kRootOne = 360287970189639681ULL;  // demo segment 1, never edited
constexpr std::uint64_t kSvALeft = 72268768989937669ULL;   // A, chunk (3,1,0): goes to X
constexpr std::uint64_t kSvARight = 72198400245760007ULL;  // A, chunk (2,1,0): goes to Y
constexpr std::uint64_t kSvB = 72198400245760009ULL;       // B, chunk (2,1,0)
constexpr std::uint64_t kSvOne = 72057594037927937ULL;     // segment 1, chunk (0,0,0)

const CaveGraph& example_graph() {
  static const CaveGraph g =
      CaveGraph::load(imagery::testing::examples_path("graphene/graph.json"));
  return g;
}

FakeCaveOptions example_options() {
  return imagery::testing::example_cave_options();
}

httplib::Headers bearer(const std::string& token = kFakeCaveToken) {
  return {{"Authorization", "Bearer " + token}};
}

std::string to_bytes(const std::vector<std::uint64_t>& ids) {
  std::string s(ids.size() * 8, '\0');
  // little-endian host, as numpy sends (an empty vector may have no buffer: memcpy needs one)
  if (!ids.empty()) std::memcpy(s.data(), ids.data(), s.size());
  return s;
}

std::vector<std::uint64_t> from_bytes(const std::string& s) {
  std::vector<std::uint64_t> ids(s.size() / 8);
  if (!ids.empty()) std::memcpy(ids.data(), s.data(), ids.size() * 8);
  return ids;
}

std::string gzip(const std::string& s) {
  const auto z = imagery::io::gzip_compress(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(s.data()), s.size()));
  return std::string(reinterpret_cast<const char*>(z.data()), z.size());
}

std::string gunzip(const std::string& s) {
  const auto b = imagery::io::gunzip(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(s.data()), s.size()), "test");
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// POST roots_binary as CloudVolume does (doc §3.4): identity answers unless told otherwise.
httplib::Result post_roots(httplib::Client& c, const FakeCave& cave,
                           const std::vector<std::uint64_t>& ids, const std::string& query) {
  httplib::Headers h = bearer();
  h.emplace("Accept-Encoding", "identity");
  return c.Post(("/segmentation/api/v1/table/" + cave.table() + "/roots_binary" + query).c_str(), h,
                to_bytes(ids), "application/octet-stream");
}

std::string ts(double t) {
  return std::to_string(static_cast<long long>(t));
}

}  // namespace

TEST_CASE("fake CAVE: the example graph has PCG's layout for the demo volume", "[fake_cave]") {
  const CaveGraph& g = example_graph();
  const GrapheneLayout& l = g.layout();
  CHECK(g.table() == "imagery_demo_v1");
  CHECK(l.n_layers == 5);  // 5 x 4 x 1 chunks of 64 x 64 x 12: ceil(log2 5) + 2
  CHECK(l.spatial_bit_masks == std::map<int, int>{{1, 10}, {2, 10}, {3, 2}, {4, 1}, {5, 1}});
  const GrapheneLayout pcg = GrapheneLayout::for_volume({272, 240, 12}, {64, 64, 12});
  CHECK(pcg.n_layers == l.n_layers);
  CHECK(pcg.spatial_bit_masks == l.spatial_bit_masks);
  CHECK(g.chunks_start_at_voxel_offset());
  // Minnie's table (doc §2.4): 12 layers.
  const GrapheneLayout minnie =
      GrapheneLayout::for_volume({192424, 131051, 13008}, {256, 256, 512});
  CHECK(minnie.n_layers == 12);
  CHECK(minnie.spatial_bit_masks.at(3) == 9);
  CHECK(minnie.spatial_bit_masks.at(11) == 1);

  CHECK(l.layer(kRootA) == 5);
  CHECK(kRootA >> 56 == 5);
  CHECK(l.layer(kSvALeft) == 1);
  CHECK(l.chunk(kSvALeft) == std::array<std::int64_t, 3>{3, 1, 0});
  CHECK(l.chunk(kSvARight) == std::array<std::int64_t, 3>{2, 1, 0});
  CHECK(l.make_id(1, {3, 1, 0}, l.segid(kSvALeft)) == kSvALeft);
  CHECK(g.supervoxels().size() == 177);
  for (std::uint64_t sv : g.supervoxels()) {
    const auto c = l.chunk(sv);
    CHECK((c[0] < 5 && c[1] < 4 && c[2] == 0));
  }
}

TEST_CASE("fake CAVE: roots before, between and after the edits", "[fake_cave]") {
  const CaveGraph& g = example_graph();
  const std::vector<std::uint64_t> svs{kSvALeft, kSvARight, kSvB, kSvOne};
  using V = std::vector<std::uint64_t>;
  CHECK(g.roots_at(svs, kT0) == V{kRootA, kRootA, kRootB, kRootOne});
  CHECK(g.roots_at(svs, kT1 - 1) == V{kRootA, kRootA, kRootB, kRootOne});
  // A parent row is visible at its own timestamp (end_time_inclusive).
  CHECK(g.roots_at(svs, kT1) == V{kRootM, kRootM, kRootM, kRootOne});
  CHECK(g.roots_at(svs, kT1 + 0.5) == V{kRootM, kRootM, kRootM, kRootOne});
  CHECK(g.roots_at(svs, kT2 - 0.001) == V{kRootM, kRootM, kRootM, kRootOne});
  CHECK(g.roots_at(svs, kT2) == V{kRootX, kRootY, kRootY, kRootOne});
  CHECK(g.roots_at(svs, 2e9) == V{kRootX, kRootY, kRootY, kRootOne});
  // 0 stays 0; roots stay themselves, superseded or not; unknown ids become 0.
  CHECK(g.roots_at(V{0, kRootA, 12345, kSvB}, kT2) == V{0, kRootA, 0, kRootY});
  CHECK(g.root_at(kSvB, kT2, /*stop_layer=*/2) == kRootY);  // skip connection to the root
  CHECK(g.root_at(kSvB, kT2, /*stop_layer=*/1) == kSvB);
  // PCG's quirk: a batch in which no id has a parent at the time comes back unchanged.
  CHECK(g.roots_at(svs, kT0 - 1) == svs);
  CHECK(g.root_at(12345, kT2) == 12345);
  // Roots are immutable: their supervoxels never change.
  CHECK(g.find_root(kRootM)->supervoxels.size() == 9);
  CHECK(g.find_root(kRootX)->supervoxels == V{kSvALeft, 72268837709414406ULL});
  CHECK(g.find_root(kRootY)->supervoxels.size() == 7);
  CHECK(!g.find_root(kRootX)->superseded);
  CHECK(g.find_root(kRootM)->superseded == kT2);
}

TEST_CASE("fake CAVE: leaves are chunk-granular, relative to the voxel offset", "[fake_cave]") {
  const CaveGraph& g = example_graph();
  const Vec3 offset{1000, 800, 100};
  CHECK(g.leaves(kRootY).size() == 7);
  // x 1150..1160 lies in chunk 2 ((1150-1000)/64 = 2.3): every supervoxel of chunk 2 comes back,
  // also those far from the box; B's supervoxel in chunk (3,1,0) does not.
  const auto in_chunk2 = g.leaves(kRootY, Bbox{{1150, 800, 100}, {1160, 1040, 112}}, offset);
  CHECK(in_chunk2.size() == 6);
  CHECK(std::find(in_chunk2.begin(), in_chunk2.end(), 72268768989937675ULL) == in_chunk2.end());
  // One voxel into chunk 3 takes its supervoxels too.
  CHECK(g.leaves(kRootY, Bbox{{1150, 800, 100}, {1193, 1040, 112}}, offset).size() == 7);
  // Only chunk row y = 1 ([864, 928)).
  CHECK(g.leaves(kRootM, Bbox{{1000, 870, 100}, {1272, 900, 112}}, offset).size() == 5);
  CHECK(g.leaves(kRootY, Bbox{{0, 0, 0}, {10, 10, 10}}, offset).empty());
  CHECK(g.leaves(12345).empty());
  CHECK(g.leaves(kSvB) == std::vector<std::uint64_t>{kSvB});
}

TEST_CASE("fake CAVE: a graph built in code, and histories it refuses", "[fake_cave]") {
  // A benchmark's synthetic graph: 500 supervoxels in 10 roots, one later merge.
  const GrapheneLayout l = GrapheneLayout::for_volume({1024, 1024, 64}, {64, 64, 64});
  std::vector<CaveRoot> roots;
  for (int r = 0; r < 10; ++r) {
    CaveRoot root;
    root.id = l.make_id(l.n_layers, {0, 0, 0}, r + 1);
    root.created = 1000;
    for (int i = 0; i < 50; ++i) root.supervoxels.push_back(l.make_id(1, {i % 16, r, 0}, i + 1));
    roots.push_back(root);
  }
  CaveRoot merged;
  merged.id = l.make_id(l.n_layers, {0, 0, 0}, 11);
  merged.created = 2000;
  for (int r : {0, 1}) {
    roots[r].superseded = 2000;
    merged.supervoxels.insert(merged.supervoxels.end(), roots[r].supervoxels.begin(),
                              roots[r].supervoxels.end());
  }
  roots.push_back(merged);
  const CaveGraph g("synthetic", l, roots);
  CHECK(g.supervoxels().size() == 500);
  const std::uint64_t sv = roots[1].supervoxels[3];
  CHECK(g.root_at(sv, 1999) == roots[1].id);
  CHECK(g.root_at(sv, 2000) == merged.id);

  // A root superseded without a successor, and a supervoxel id of the wrong layer.
  auto broken = roots;
  broken.pop_back();
  CHECK_THROWS_AS(CaveGraph("x", l, broken), std::invalid_argument);
  broken = roots;
  broken[5].supervoxels.push_back(l.make_id(2, {0, 0, 0}, 1));
  CHECK_THROWS_AS(CaveGraph("x", l, broken), std::invalid_argument);
}

TEST_CASE("fake CAVE: auth as middle_auth_client answers", "[fake_cave]") {
  FakeCaveOptions o = example_options();
  o.forbidden = {"forbidden_ds"};
  o.missing_tos = {"tos_ds"};
  o.datastacks = {"imagery_demo", "forbidden_ds", "tos_ds"};
  FakeCave cave(o);
  httplib::Client c(cave.url());
  const std::string info = "/segmentation/table/imagery_demo_v1/info";

  // Versions need no token.
  auto r = c.Get("/info/version");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body) == "4.3.3");

  r = c.Get(info.c_str());
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(r->body)["error"] == "no_token");
  CHECK(r->get_header_value("WWW-Authenticate") ==
        "Bearer realm=\"https://global.daf-apis.com/sticky_auth/api/v1/authorize\"");

  r = c.Get(info.c_str(), bearer("0000"));
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(r->body)["error"] == "invalid_token");
  CHECK(r->get_header_value("WWW-Authenticate").find("error=\"invalid_token\"") !=
        std::string::npos);

  r = c.Get(info.c_str(), {{"Authorization", std::string("Token ") + kFakeCaveToken}});
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "bad_auth_header");

  // The three ways to bring the token; the header wins over the others.
  r = c.Get(info.c_str(), bearer());
  REQUIRE(r);
  CHECK(r->status == 200);
  r = c.Get((info + "?middle_auth_token=" + kFakeCaveToken).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  r = c.Get(info.c_str(), {{"Cookie", std::string("a=b; middle_auth_token=") + kFakeCaveToken}});
  REQUIRE(r);
  CHECK(r->status == 200);
  r = c.Get((info + "?middle_auth_token=" + kFakeCaveToken).c_str(), bearer("0000"));
  REQUIRE(r);
  CHECK(r->status == 401);

  // Unknown table or datastack: the permission lookup fails first.
  r = c.Get("/segmentation/table/nope/info", bearer());
  REQUIRE(r);
  CHECK(r->status == 400);
  auto body = json::parse(r->body);
  CHECK(body["error"] == "invalid_table_id");
  CHECK(body["data"]["table_id"] == "nope");
  CHECK(body["data"]["resource_namespace"] == "pychunkedgraph");
  r = c.Get("/info/api/v2/datastack/full/nope", bearer());
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["data"]["resource_namespace"] == "datastack");

  r = c.Get("/info/api/v2/datastack/full/forbidden_ds", bearer());
  REQUIRE(r);
  CHECK(r->status == 403);
  body = json::parse(r->body);
  CHECK(body["error"] == "missing_permission");
  CHECK(body["message"] == "Missing permission: view for dataset imagery_demo");

  r = c.Get("/info/api/v2/datastack/full/tos_ds", bearer());
  REQUIRE(r);
  CHECK(r->status == 403);
  body = json::parse(r->body);
  CHECK(body["error"] == "missing_tos");
  CHECK(body["data"]["tos_id"] == 1);
  CHECK(body["data"]["tos_form_url"] ==
        "https://global.daf-apis.com/sticky_auth/api/v1/tos/1/accept");

  r = c.Get("/info/api/v2/datastack/full/imagery_demo", bearer());
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("fake CAVE: browser requests are redirected when asked to", "[fake_cave]") {
  FakeCaveOptions o = example_options();
  o.browser_redirects = true;
  FakeCave cave(o);
  httplib::Client c(cave.url());
  const std::string info = "/segmentation/table/imagery_demo_v1/info";
  auto r = c.Get(info.c_str());
  REQUIRE(r);
  CHECK(r->status == 302);
  CHECK(r->get_header_value("Location")
            .starts_with("https://global.daf-apis.com/sticky_auth/api/v1/authorize?redirect="));
  r = c.Get((info + "?middle_auth_token=" + kFakeCaveToken).c_str());
  REQUIRE(r);
  CHECK(r->status == 302);
  CHECK(r->get_header_value("Location") == cave.url(info));
  CHECK(r->get_header_value("Set-Cookie")
            .starts_with(std::string("middle_auth_token=") + kFakeCaveToken));
  r = c.Get(info.c_str(), {{"Cookie", std::string("middle_auth_token=") + kFakeCaveToken}});
  REQUIRE(r);
  CHECK(r->status == 200);
  r = c.Get(info.c_str(), {{"X-Requested-With", "x"}});
  REQUIRE(r);
  CHECK(r->status == 401);
}

TEST_CASE("fake CAVE: datastack info from a global server pointing at a local one", "[fake_cave]") {
  FakeCave local(example_options());
  FakeCaveOptions g = example_options();
  g.local_server = local.url();
  FakeCave global(g);
  httplib::Client c(global.url());
  auto r = c.Get("/info/api/v2/datastack/full/imagery_demo", bearer());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  const auto body = json::parse(r->body);
  CHECK(body["local_server"] == local.url());
  CHECK(body["segmentation_source"] ==
        "graphene://" + local.url() + "/segmentation/table/imagery_demo_v1");
  CHECK(body["segmentation_source"] == local.segmentation_source());
  CHECK(body["aligned_volume"]["image_source"] ==
        "precomputed://file://" + imagery::testing::examples_path("demo_volume/image"));
  CHECK(body["viewer_resolution_x"] == 4.0);
  CHECK(body["viewer_resolution_y"] == 4.0);
  CHECK(body["viewer_resolution_z"] == 40.0);
  CHECK(r->body.find("\"viewer_resolution_x\":4.0") != std::string::npos);
  CHECK(body["analysis_database"].is_null());
  // The global server's log has the call; the local server saw none.
  CHECK(global.count("datastack") == 1);
  CHECK(local.requests().empty());
}

TEST_CASE("fake CAVE: the graphene info", "[fake_cave]") {
  FakeCaveOptions o = example_options();
  o.data_dir = "http://127.0.0.1:9/watershed";
  FakeCave cave(o);
  httplib::Client c(cave.url());
  for (const char* path :
       {"/segmentation/table/imagery_demo_v1/info", "/segmentation/1.0/imagery_demo_v1/info"}) {
    auto r = c.Get(path, bearer());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const auto info = json::parse(r->body);
    CHECK(info["data_dir"] == "http://127.0.0.1:9/watershed");
    CHECK(info["app"]["supported_api_versions"] == json::array({0, 1}));
    CHECK(info["chunks_start_at_voxel_offset"] == true);
    CHECK(info["graph"]["n_layers"] == 5);
    CHECK(info["graph"]["chunk_size"] == json::array({64, 64, 12}));
    CHECK(info["graph"]["spatial_bit_masks"]["3"] == 2);
    CHECK(info["graph"]["bounding_box"] == json::array({2048, 2048, 512}));
    CHECK(info["graph"]["cv_mip"] == 0);
    CHECK(info["sharded_mesh"] == true);
    CHECK(info["scales"].size() == 3);
    CHECK(info["scales"][0]["key"] == "8_8_40");
    CHECK(info["scales"][0]["encoding"] == "compressed_segmentation");
    CHECK(info["data_type"] == "uint64");
  }
  CHECK(cave.count("table_info") == 1);
  CHECK(cave.count("legacy_info") == 1);
  // The default data_dir is the watershed folder as a file:// URL.
  FakeCave plain(example_options());
  CHECK(json::parse(plain.graphene_info())["data_dir"] ==
        "file://" + imagery::testing::examples_path("graphene/watershed"));
  auto r = c.Get("/segmentation/api/version");
  REQUIRE(r);
  CHECK(json::parse(r->body) == "2.21.1");
  r = c.Get("/segmentation/api/versions");
  REQUIRE(r);
  CHECK(json::parse(r->body) == json::array({0, 1}));
}

TEST_CASE("fake CAVE: roots_binary at three times around the edits", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  // Sorted unique ids, as CloudVolume sends them.
  const std::vector<std::uint64_t> ids{kSvOne, kSvARight, kSvB, kSvALeft};
  using V = std::vector<std::uint64_t>;
  auto roots = [&](const std::string& query) {
    auto r = post_roots(c, cave, ids, query);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(r->get_header_value("Content-Encoding").empty());
    return from_bytes(r->body);
  };
  CHECK(roots("?timestamp=" + ts(kT1 - 1)) == V{kRootOne, kRootA, kRootB, kRootA});
  CHECK(roots("?timestamp=" + ts(kT1)) == V{kRootOne, kRootM, kRootM, kRootM});
  CHECK(roots("?timestamp=" + ts(kT2 - 1)) == V{kRootOne, kRootM, kRootM, kRootM});
  CHECK(roots("?timestamp=" + ts(kT2 + 1)) == V{kRootOne, kRootY, kRootY, kRootX});
  // Float seconds, as CAVEclient sends them.
  CHECK(roots("?timestamp=1717243199.999") == V{kRootOne, kRootM, kRootM, kRootM});
  // No timestamp: now, after every edit.
  CHECK(roots("") == V{kRootOne, kRootY, kRootY, kRootX});
  // stop_layer at or below the supervoxels' layer keeps them.
  CHECK(roots("?stop_layer=1&timestamp=" + ts(kT2)) == ids);
  CHECK(cave.roots_binary_ids().size() == 7);
  CHECK(cave.roots_binary_ids().front() == ids);
}

TEST_CASE("fake CAVE: roots_binary bodies and answers gzip'd", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  c.set_decompress(false);  // see the answer as sent
  const std::vector<std::uint64_t> ids{kSvARight, kSvB, kSvALeft};
  httplib::Headers h = bearer();
  h.emplace("Content-Encoding", "gzip");
  h.emplace("Accept-Encoding", "gzip;q=1, identity;q=0.1");  // CloudVolume's for > 125,000 ids
  auto r = c.Post(
      ("/segmentation/api/v1/table/imagery_demo_v1/roots_binary?timestamp=" + ts(kT1)).c_str(), h,
      gzip(to_bytes(ids)), "application/octet-stream");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Encoding") == "gzip");
  CHECK(from_bytes(gunzip(r->body)) == std::vector<std::uint64_t>{kRootM, kRootM, kRootM});
  const auto log = cave.requests("roots_binary");
  REQUIRE(log.size() == 1);
  CHECK(log[0].content_encoding == "gzip");
  CHECK(log[0].body == to_bytes(ids));  // the log keeps the inflated body
  CHECK(log[0].ids == ids);

  // JSON answers are gzip'd too; error answers are not (PCG's after_request: 2xx only).
  r = c.Get("/segmentation/api/version", {{"Accept-Encoding", "gzip"}});
  REQUIRE(r);
  CHECK(r->get_header_value("Content-Encoding") == "gzip");
  CHECK(json::parse(gunzip(r->body)) == "2.21.1");
  r = c.Get("/segmentation/table/imagery_demo_v1/info", {{"Accept-Encoding", "gzip"}});
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("Content-Encoding").empty());
  CHECK(json::parse(r->body)["error"] == "no_token");
}

TEST_CASE("fake CAVE: roots_binary errors as PCG answers them", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  auto r = c.Post("/segmentation/api/v1/table/imagery_demo_v1/roots_binary", bearer(),
                  std::string(7, '\0'), "application/octet-stream");
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(json::parse(r->body)["code"] == 500);
  r = post_roots(c, cave, {kSvB}, "?timestamp=2024-03-01T12:00:00");
  REQUIRE(r);
  CHECK(r->status == 400);
  auto body = json::parse(r->body);
  CHECK(body["message"] == "Timestamp parameter timestamp is not a valid unix timestamp");
  CHECK(body["code"] == 400);
  CHECK(post_roots(c, cave, {kSvB}, "?stop_layer=6")->status == 500);
  CHECK(post_roots(c, cave, {kSvB}, "?stop_layer=x")->status == 500);
  // assert_roots with an id that has no root at the time.
  CHECK(post_roots(c, cave, {kSvB, 12345}, "?assert_roots=1")->status == 500);
  // Empty body: empty answer.
  r = post_roots(c, cave, {}, "");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
  // Unknown ids become 0 among known ones; alone they come back unchanged (PCG's quirk).
  CHECK(from_bytes(post_roots(c, cave, {kSvB, 12345}, "")->body) ==
        std::vector<std::uint64_t>{kRootY, 0});
  CHECK(from_bytes(post_roots(c, cave, {12345}, "")->body) == std::vector<std::uint64_t>{12345});
  CHECK(c.Get("/segmentation/api/v1/table/imagery_demo_v1/roots_binary", bearer())->status == 405);
}

TEST_CASE("fake CAVE: roots as JSON", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  const std::string path = "/segmentation/api/v1/table/imagery_demo_v1/roots?timestamp=" + ts(kT2);
  const std::string request =
      "{\"node_ids\":[" + std::to_string(kSvALeft) + ",\"" + std::to_string(kSvB) + "\"]}";
  auto r = c.Post(path.c_str(), bearer(), request, "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->body ==
        "{\"root_ids\":[" + std::to_string(kRootX) + "," + std::to_string(kRootY) + "]}\n");
  r = c.Post((path + "&int64_as_str=true").c_str(), bearer(), request, "application/json");
  REQUIRE(r);
  CHECK(json::parse(r->body)["root_ids"][0] == std::to_string(kRootX));
  r = c.Post((path + "&as_binary=root_ids").c_str(), bearer(), request, "application/json");
  REQUIRE(r);
  CHECK(from_bytes(r->body) == std::vector<std::uint64_t>{kRootX, kRootY});
  CHECK(cave.count("roots") == 3);
}

TEST_CASE("fake CAVE: leaves and leaves_many with bounds", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  const std::string base = "/segmentation/api/v1/table/imagery_demo_v1/node/";
  auto r =
      c.Get((base + std::to_string(kRootY) + "/leaves?bounds=1150-1160_800-1040_100-112").c_str(),
            bearer());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->body.back() == '\n');
  auto leaves = json::parse(r->body)["leaf_ids"];
  REQUIRE(leaves.size() == 6);
  // Bare JSON integers, exact beyond 2^53.
  CHECK(leaves[0].is_number_unsigned());
  CHECK(leaves[0].get<std::uint64_t>() == kSvARight);
  CHECK(r->body.find(std::to_string(kSvARight)) != std::string::npos);
  r = c.Get((base + std::to_string(kRootY) + "/leaves").c_str(), bearer());
  REQUIRE(r);
  CHECK(json::parse(r->body)["leaf_ids"].size() == 7);
  // A superseded root keeps its leaves.
  r = c.Get((base + std::to_string(kRootA) + "/leaves?bounds=1000-1272_800-1040_100-112").c_str(),
            bearer());
  REQUIRE(r);
  CHECK(json::parse(r->body)["leaf_ids"].size() == 4);
  r = c.Get((base + std::to_string(kRootY) + "/leaves?bounds=-5-10_0-1_0-1").c_str(), bearer());
  REQUIRE(r);
  CHECK(r->status == 500);
  r = c.Get((base + "12345/leaves").c_str(), bearer());
  REQUIRE(r);
  CHECK(r->body == "{\"leaf_ids\":[]}\n");

  const std::string many =
      "{\"node_ids\":[" + std::to_string(kRootX) + "," + std::to_string(kRootOne) + "]}";
  for (const char* path : {"/segmentation/api/v1/table/imagery_demo_v1/node/leaves_many",
                           "/segmentation/api/v1/table/imagery_demo_v1/leaves_many"}) {
    r = c.Post(path, bearer(), many, "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const auto body = json::parse(r->body);
    CHECK(body[std::to_string(kRootX)].size() == 2);
    CHECK(body[std::to_string(kRootOne)].size() == 2);
  }
  CHECK(cave.count("leaves") == 5);
  CHECK(cave.count("leaves_many") == 2);
  CHECK(cave.requests("leaves")[0].query == "bounds=1150-1160_800-1040_100-112");
}

TEST_CASE("fake CAVE: materialization versions and their timestamps", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  auto get = [&](const std::string& path) {
    auto r = c.Get(path.c_str(), bearer());
    REQUIRE(r);
    return r;
  };
  CHECK(json::parse(get("/materialize/api/versions")->body) == json::array({2, 3}));
  CHECK(json::parse(get("/materialize/version")->body).is_string());
  const std::string ds = "/materialize/api/v3/datastack/imagery_demo";
  CHECK(json::parse(get(ds + "/versions")->body) == json::array({2, 3}));
  CHECK(json::parse(get(ds + "/versions?expired=True")->body) == json::array({1, 2, 3}));
  CHECK(json::parse(get(ds + "/versions?expired=false")->body) == json::array({2, 3}));
  auto v = json::parse(get(ds + "/version/1")->body);
  CHECK(v["time_stamp"] == "2024-02-01T08:10:00");
  CHECK(v["status"] == "EXPIRED");
  CHECK(v["valid"] == false);
  v = json::parse(get(ds + "/version/2")->body);
  CHECK(v["time_stamp"] == "2024-04-01T08:10:00.250000");
  CHECK(v["version"] == 2);
  CHECK(v["datastack"] == "imagery_demo");
  CHECK(v["expires_on"] == "2080-01-01T00:00:00");
  CHECK(json::parse(
            get("/materialize/api/v2/datastack/imagery_demo/version/3")->body)["time_stamp"] ==
        "2024-07-01T08:10:00.500000");
  auto r = get(ds + "/version/9");
  CHECK(r->status == 404);
  CHECK(json::parse(r->body) == "No version found");
  CHECK(json::parse(get(ds + "/metadata?expired=true")->body).size() == 3);
  CHECK(get("/materialize/api/v3/datastack/nope/versions")->status == 400);
  CHECK(c.Get((ds + "/versions").c_str())->status == 401);
  // The versions bracket the edits: 1 before the merge, 2 between, 3 after the split.
  const auto versions = imagery::testing::example_materialization_versions();
  CHECK(versions[0].time_stamp < kT1);
  CHECK((versions[1].time_stamp > kT1 && versions[1].time_stamp < kT2));
  CHECK(versions[2].time_stamp > kT2);
}

TEST_CASE("fake CAVE: the request log", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  httplib::Headers h = bearer();
  h.emplace("Accept-Encoding", "identity");
  h.emplace("Cookie", std::string("middle_auth_token=") + kFakeCaveToken);
  c.Post(("/segmentation/api/v1/table/imagery_demo_v1/roots_binary?timestamp=" + ts(kT2)).c_str(),
         h, to_bytes({kSvB, kSvOne}), "application/octet-stream");
  c.Get("/no/such/path");
  const auto log = cave.requests();
  REQUIRE(log.size() == 2);
  CHECK(log[0].method == "POST");
  CHECK(log[0].path == "/segmentation/api/v1/table/imagery_demo_v1/roots_binary");
  CHECK(log[0].query == "timestamp=" + ts(kT2));
  CHECK(log[0].authorization == std::string("Bearer ") + kFakeCaveToken);
  CHECK(log[0].cookie == std::string("middle_auth_token=") + kFakeCaveToken);
  CHECK(log[0].accept_encoding == "identity");
  CHECK(log[0].content_encoding.empty());
  CHECK(log[0].route == "roots_binary");
  CHECK(log[0].status == 200);
  CHECK(log[0].ids == std::vector<std::uint64_t>{kSvB, kSvOne});
  CHECK(log[1].route.empty());
  CHECK(log[1].status == 404);
  CHECK(cave.count("roots_binary") == 1);
  cave.clear_requests();
  CHECK(cave.requests().empty());
  CHECK(cave.roots_binary_ids().empty());
}

TEST_CASE("fake CAVE: failing the next requests, and a response delay", "[fake_cave]") {
  FakeCave cave(example_options());
  httplib::Client c(cave.url());
  cave.fail_next("roots_binary", 2, 503, "busy");
  auto r = post_roots(c, cave, {kSvB}, "");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body == "busy");
  CHECK(post_roots(c, cave, {kSvB}, "")->status == 503);
  r = post_roots(c, cave, {kSvB}, "");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(from_bytes(r->body) == std::vector<std::uint64_t>{kRootY});
  CHECK(cave.count("fault") == 2);
  CHECK(cave.count("roots_binary") == 1);
  // Other routes were not affected.
  CHECK(c.Get("/info/version")->status == 200);

  cave.set_delay_ms(150);
  const auto start = std::chrono::steady_clock::now();
  CHECK(c.Get("/segmentation/api/version")->status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
  const auto start_info = std::chrono::steady_clock::now();
  CHECK(c.Get("/info/version")->status == 200);  // not a chunkedgraph route: no delay
  CHECK(std::chrono::steady_clock::now() - start_info < std::chrono::milliseconds(150));
}

TEST_CASE("fake CAVE: the watershed agrees with the demo segmentation at every mip",
          "[fake_cave]") {
  using imagery::precomputed::Volume;
  const CaveGraph& g = example_graph();
  const Volume ws = Volume::open(imagery::testing::examples_path("graphene/watershed"));
  const Volume demo = Volume::open(imagery::testing::examples_path("demo_volume/segmentation"));
  // Each supervoxel's demo segment, from its root at ingestion.
  std::map<std::uint64_t, std::uint64_t> segment_of;
  for (std::uint64_t sv : g.supervoxels())
    segment_of[sv] = g.find_root(g.root_at(sv, kT0))->demo_segments.at(0);
  const Vec3 offset0 = ws.info().scales[0].voxel_offset;
  for (int mip = 0; mip < 3; ++mip) {
    const auto& s = ws.info().scales[mip];
    CHECK(s.key == demo.info().scales[mip].key);
    const auto w = ws.download(s.bounds(), mip);
    const auto d = demo.download(s.bounds(), mip);
    const auto f = ws.info().downsample_factor(mip);
    std::set<std::uint64_t> seen;
    int mismatches = 0;
    for (std::int64_t z = 0; z < s.size.z; ++z)
      for (std::int64_t y = 0; y < s.size.y; ++y)
        for (std::int64_t x = 0; x < s.size.x; ++x) {
          const std::uint64_t sv = w.at<std::uint64_t>(x, y, z);
          const std::uint64_t seg = d.at<std::uint64_t>(x, y, z);
          if ((sv == 0) != (seg == 0)) ++mismatches;
          if (sv == 0) continue;
          seen.insert(sv);
          if (!segment_of.contains(sv) || segment_of[sv] != seg) ++mismatches;
          // The supervoxel's chunk is that of the voxel's mip-0 position.
          const auto c = g.layout().chunk(sv);
          const std::int64_t x0 = static_cast<std::int64_t>((s.voxel_offset.x + x) * f.x);
          if (c[0] != (x0 - offset0.x) / 64) ++mismatches;
        }
    CHECK(mismatches == 0);
    if (mip == 0) CHECK(seen.size() == g.supervoxels().size());
  }
}

TEST_CASE("fake CAVE: the fake-cave program serves until SIGTERM", "[fake_cave]") {
  const int port = imagery::testing::free_port();
  imagery::testing::BackgroundProcess p(IMAGERY_FAKE_CAVE_PATH,
                                        {"--port", std::to_string(port), "--delay-ms", "1"});
  REQUIRE(imagery::testing::wait_for_port(port, 10000));
  httplib::Client c("http://127.0.0.1:" + std::to_string(port));
  auto r = c.Get("/segmentation/table/imagery_demo_v1/info", bearer());
  REQUIRE(r);
  CHECK(r->status == 200);
  r = c.Get("/info/api/v2/datastack/full/imagery_demo", bearer());
  REQUIRE(r);
  CHECK(json::parse(r->body)["segmentation_source"] ==
        "graphene://http://127.0.0.1:" + std::to_string(port) +
            "/segmentation/table/imagery_demo_v1");
  p.signal(SIGTERM);
  const auto result = p.wait();
  CHECK(result.exit_code == 0);
  CHECK(result.out == "fake CAVE at http://127.0.0.1:" + std::to_string(port) + "\n");
}
