// The graphene driver against the fake CAVE (tests/support/fake_cave.h) with the watershed of
// examples/graphene served by nginx: supervoxels, root ids at times around the edits, root-id
// lists through leaves, the request sequences and byte formats of the protocol, caching, errors.
#include <httplib.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "imagery/cave/chunkedgraph.h"
#include "imagery/cave/graphene_info.h"
#include "imagery/cave/timestamp.h"
#include "imagery/client/client.h"
#include "imagery/precomputed/volume.h"
#include "imagery/volume/open_volume.h"
#include "support/error_of.h"
#include "support/fake_cave.h"
#include "support/fault_server.h"
#include "support/graphene_truth.h"
#include "support/nginx_server.h"
#include "support/test_context.h"

using namespace imagery;
using namespace imagery::testing;
namespace fs = std::filesystem;

namespace {

// Whole mip-0 box of the example watershed.
const Bbox kBox{{1000, 800, 100}, {1272, 1040, 112}};
// The edits of examples/graphene (its README): a merge and a split.
constexpr double kMerge = 1709294400;  // 2024-03-01T12:00:00Z
constexpr double kSplit = 1717243200;  // 2024-06-01T12:00:00Z

struct Setup {
  NginxServer nginx{examples_path("graphene/watershed")};
  FakeCave cave{[this] {
    FakeCaveOptions o = example_cave_options();
    o.data_dir = nginx.url();
    return o;
  }()};
  std::unique_ptr<io::Context> ctx = make_context_with_token(cave.url(), kFakeCaveToken);
  std::shared_ptr<const volume::Volume> open() {
    return volume::open_volume(cave.segmentation_source(), *ctx);
  }
};

volume::ReadOptions mapped_at(const std::string& when) {
  volume::ReadOptions o;
  o.labels = volume::ReadOptions::Labels::kMapped;
  o.timestamp = cave::parse_timestamp(when);
  return o;
}

}  // namespace

TEST_CASE("graphene: supervoxels are the watershed's, with no graph request",
          "[graphene][volume]") {
  Setup s;
  auto v = s.open();
  CHECK(v->metadata().driver == "graphene");
  CHECK(v->metadata().is_segmentation());
  CHECK(v->has_label_mapping());
  const Array a = v->read(kBox, 0, {});
  const Array truth = example_supervoxels(kBox);
  INFO(differing_voxels(a, truth) << " voxels differ");
  CHECK(differing_voxels(a, truth) == 0);
  // info from the chunkedgraph, voxels from data_dir (nginx), no roots or leaves asked.
  CHECK(s.cave.count("table_info") == 1);
  CHECK(s.cave.count("roots_binary") == 0);
  CHECK(s.cave.count("leaves") == 0);
  CHECK(!s.nginx.requests().empty());
  // And at a coarser mip.
  const Bbox box1{{500, 400, 100}, {636, 520, 112}};
  CHECK(differing_voxels(v->read(box1, 1, {}), example_supervoxels(box1, 1)) == 0);
}

TEST_CASE("graphene: root ids at three times around a merge and a split", "[graphene][volume]") {
  Setup s;
  auto v = s.open();
  const Array svs = example_supervoxels(kBox);
  // Before the merge (unix seconds), between the edits (ISO, no zone: UTC), after the split.
  const std::vector<std::pair<std::string, double>> times = {{"1709294399", kMerge - 1},
                                                             {"2024-04-15T08:30:00", 1713169800},
                                                             {"1717243200.5", kSplit + 1}};
  std::vector<std::set<std::uint64_t>> roots_seen;
  for (const auto& [text, ts] : times) {
    INFO(text);
    s.cave.clear_requests();
    const Array a = v->read(kBox, 0, mapped_at(text));
    const Array truth = roots_in_graph(s.cave, svs, ts);
    INFO(differing_voxels(a, truth) << " voxels differ");
    CHECK(differing_voxels(a, truth) == 0);
    roots_seen.push_back(distinct_labels(a));
    // One roots_binary per cutout: sorted unique supervoxels, no 0, uint64 LE, whole seconds
    // rounded up, not gzip'd below 125,000 ids.
    const auto calls = s.cave.requests("roots_binary");
    REQUIRE(calls.size() == 1);
    std::set<std::uint64_t> expected_ids = distinct_labels(svs);
    expected_ids.erase(0);
    CHECK(calls[0].ids == std::vector<std::uint64_t>(expected_ids.begin(), expected_ids.end()));
    CHECK(calls[0].body.size() == 8 * expected_ids.size());
    CHECK(calls[0].method == "POST");
    CHECK(calls[0].query ==
          "timestamp=" + std::to_string(static_cast<std::int64_t>(std::ceil(ts))));
    CHECK(calls[0].content_encoding.empty());
    CHECK(calls[0].authorization == std::string("Bearer ") + kFakeCaveToken);
  }
  // The merge joins two roots into one, the split makes two new ones.
  CHECK(roots_seen[0].count(360287970189639726) == 1);
  CHECK(roots_seen[0].count(360287970189639736) == 1);
  CHECK(roots_seen[1].count(360287970189639726) == 0);
  CHECK(roots_seen[1].count(360287970189639738) == 1);
  CHECK(roots_seen[2].count(360287970189639738) == 0);
  CHECK(roots_seen[2].count(360287970189639739) == 1);
  CHECK(roots_seen[2].count(360287970189639740) == 1);
}

TEST_CASE("graphene: a root-id list keeps those roots, found through one leaves call each",
          "[graphene][volume]") {
  Setup s;
  auto v = s.open();
  const std::vector<std::uint64_t> roots = {360287970189639739, 360287970189639681};
  volume::ReadOptions o;
  o.labels = volume::ReadOptions::Labels::kMapped;
  o.mapped_ids = roots;
  const Bbox box{{500, 400, 100}, {636, 520, 112}};  // mip 1
  const Array a = v->read(box, 1, o);
  // Expected: each voxel whose supervoxel is a leaf of a listed root becomes that root.
  Array truth = example_supervoxels(box, 1);
  std::uint64_t* p = truth.data<std::uint64_t>();
  for (std::int64_t i = 0; i < truth.shape().count(); ++i) {
    std::uint64_t out = 0;
    for (std::uint64_t r : roots) {
      const auto leaves = s.cave.graph().leaves(r);
      if (std::binary_search(leaves.begin(), leaves.end(), p[i])) out = r;
    }
    p[i] = out;
  }
  INFO(differing_voxels(a, truth) << " voxels differ");
  CHECK(differing_voxels(a, truth) == 0);
  CHECK(distinct_labels(a).count(roots[0]) == 1);
  const auto calls = s.cave.requests("leaves");
  REQUIRE(calls.size() == 2);
  std::set<std::string> paths;
  for (const auto& c : calls) {
    // mip-1 box in mip-0 watershed voxels, clipped to the volume.
    CHECK(c.query == "bounds=1000-1272_800-1040_100-112");
    paths.insert(c.path);
  }
  CHECK(paths ==
        std::set<std::string>{
            "/segmentation/api/v1/table/" + s.cave.table() + "/node/360287970189639739/leaves",
            "/segmentation/api/v1/table/" + s.cave.table() + "/node/360287970189639681/leaves"});
  CHECK(s.cave.count("roots_binary") == 0);
  // An empty list: nothing.
  o.mapped_ids = std::vector<std::uint64_t>{};
  CHECK(distinct_labels(v->read(box, 1, o)) == std::set<std::uint64_t>{0});
}

TEST_CASE("graphene: roots are asked once per supervoxel and second, also from two threads",
          "[graphene][volume]") {
  Setup s;
  auto v = s.open();
  const auto o = mapped_at("1713169800");
  std::thread t([&] { v->read(kBox, 0, o); });
  v->read(kBox, 0, o);
  t.join();
  v->read({{1000, 800, 100}, {1100, 900, 104}}, 0, o);  // a part: all known
  std::vector<std::uint64_t> sent;
  for (const auto& ids : s.cave.roots_binary_ids()) sent.insert(sent.end(), ids.begin(), ids.end());
  std::set<std::uint64_t> unique(sent.begin(), sent.end());
  CHECK(sent.size() == unique.size());  // no id asked twice
  std::set<std::uint64_t> expected = distinct_labels(example_supervoxels(kBox));
  expected.erase(0);
  CHECK(unique == expected);
  // Another second is another question.
  v->read(kBox, 0, mapped_at("1713169801.2"));
  CHECK(s.cave.roots_binary_ids().size() == 2);
}

TEST_CASE("graphene: many ids go gzip'd, in batches of 250,000", "[graphene][volume]") {
  Setup s;
  const cave::GrapheneUrl url = cave::parse_graphene_url(s.cave.segmentation_source());
  const cave::GrapheneInfo info = cave::fetch_graphene_info(url, *s.ctx);
  cave::ChunkedGraph graph(url, info.graph, *s.ctx);
  // 300,000 layer-1 ids the graph does not know (the server answers 0 for them), and a root.
  std::vector<std::uint64_t> ids;
  for (std::uint64_t i = 1; i <= 300000; ++i) ids.push_back((std::uint64_t{1} << 56) | (i * 7));
  ids.push_back(360287970189639681);  // already a root: not sent
  const auto roots = graph.roots(ids, cave::parse_timestamp("1713169800"));
  CHECK(roots.back() == 360287970189639681);
  auto calls = s.cave.requests("roots_binary");
  REQUIRE(calls.size() == 2);
  // Both batches are sent at once: they may arrive in either order.
  std::sort(calls.begin(), calls.end(),
            [](const auto& a, const auto& b) { return a.ids.size() > b.ids.size(); });
  CHECK(calls[0].ids.size() == 250000);
  CHECK(calls[1].ids.size() == 50000);
  for (const auto& c : calls) {
    CHECK(c.content_encoding == "gzip");
    CHECK(c.accept_encoding.find("gzip") != std::string::npos);
  }
  CHECK(calls[0].ids.front() == ids.front());
  CHECK(calls[1].ids.back() == ids[299999]);
}

TEST_CASE("graphene: the token goes to the chunkedgraph only, never to data_dir",
          "[graphene][volume]") {
  std::atomic<int> with_token{0}, requests{0};
  const std::filesystem::path root = examples_path("graphene/watershed");
  FaultServer storage([&](httplib::Server& srv, FaultServer&) {
    srv.Get(R"(/ws/(.*))", [&, root](const httplib::Request& q, httplib::Response& r) {
      ++requests;
      if (q.has_header("Authorization")) ++with_token;
      // Chunks are stored as NAME.gz, served as NAME with Content-Encoding: gzip (as nginx does).
      const fs::path file = root / q.matches[1].str();
      if (fs::exists(file)) {
        r.set_content(read_text(file.string()), "application/octet-stream");
      } else if (fs::exists(file.string() + ".gz")) {
        r.set_content(read_text(file.string() + ".gz"), "application/octet-stream");
        r.set_header("Content-Encoding", "gzip");
      } else {
        r.status = 404;
      }
    });
  });
  FakeCaveOptions o = example_cave_options();
  o.data_dir = storage.url("/ws");
  FakeCave cave(o);
  auto ctx = make_context_with_token(cave.url(), kFakeCaveToken);
  auto v = volume::open_volume(cave.segmentation_source(), *ctx);
  v->read(kBox, 0, mapped_at("1713169800"));
  CHECK(requests > 0);
  CHECK(with_token == 0);
  for (const auto& r : cave.requests())
    CHECK(r.authorization == std::string("Bearer ") + kFakeCaveToken);
}

TEST_CASE("graphene: errors name the source and mean what the server said", "[graphene][volume]") {
  NginxServer nginx(examples_path("graphene/watershed"));
  FakeCaveOptions o = example_cave_options();
  o.data_dir = nginx.url();
  SECTION("no token: permission denied, naming the file to create") {
    FakeCave cave(o);
    auto ctx = make_context();
    const Error e = error_of([&] { volume::open_volume(cave.segmentation_source(), *ctx); });
    CHECK(e.code() == ErrorCode::kPermissionDenied);
    CHECK(e.remedy() == Remedy::kGiveToken);
    CHECK_THAT(e.what(),
               Catch::Contains("127.0.0.1:" + std::to_string(cave.port()) + "-cave-secret.json"));
    CHECK(cave.requests().empty());  // nothing is asked without a token
  }
  SECTION("a refused token: 401, permission denied") {
    FakeCave cave(o);
    auto ctx = make_context_with_token(cave.url(), "0123456789abcdef");
    const Error e = error_of([&] { volume::open_volume(cave.segmentation_source(), *ctx); });
    CHECK(e.code() == ErrorCode::kPermissionDenied);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 401"));
    CHECK_THAT(e.what(), Catch::Contains(cave.segmentation_source()));
  }
  SECTION("terms of service not accepted: 403 with the page to accept them") {
    o.missing_tos = {o.graph.table()};
    FakeCave cave(o);
    auto ctx = make_context_with_token(cave.url(), kFakeCaveToken);
    const Error e = error_of([&] { volume::open_volume(cave.segmentation_source(), *ctx); });
    CHECK(e.code() == ErrorCode::kPermissionDenied);
    CHECK_THAT(e.what(), Catch::Contains("terms of service"));
    CHECK_THAT(e.what(), Catch::Contains("/tos/"));
  }
  SECTION("no permission: 403") {
    o.forbidden = {o.graph.table()};
    FakeCave cave(o);
    auto ctx = make_context_with_token(cave.url(), kFakeCaveToken);
    const Error e = error_of([&] { volume::open_volume(cave.segmentation_source(), *ctx); });
    CHECK(e.code() == ErrorCode::kPermissionDenied);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 403"));
  }
  SECTION("an unknown table: not found") {
    FakeCave cave(o);
    auto ctx = make_context_with_token(cave.url(), kFakeCaveToken);
    const std::string url = cave.url("/segmentation/table/no_such_table");
    const Error e = error_of([&] { volume::open_volume("graphene://" + url, *ctx); });
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("no_such_table"));
  }
  SECTION("5xx is retried") {
    FakeCave cave(o);
    cave.fail_next("roots_binary", 1, 503);
    auto ctx = make_context_with_token(cave.url(), kFakeCaveToken);
    auto v = volume::open_volume(cave.segmentation_source(), *ctx);
    const Array a = v->read(kBox, 0, mapped_at("1713169800"));
    CHECK(differing_voxels(a, roots_in_graph(cave, example_supervoxels(kBox), 1713169800)) == 0);
    CHECK(cave.count("fault") == 1);
    CHECK(cave.count("roots_binary") == 1);
  }
  SECTION("a short roots answer is corrupt data") {
    FakeCave cave(o);
    cave.fail_next("roots_binary", 1, 200, "12345678");
    auto ctx = make_context_with_token(cave.url(), kFakeCaveToken);
    auto v = volume::open_volume(cave.segmentation_source(), *ctx);
    const Error e = error_of([&] { v->read(kBox, 0, mapped_at("1713169800")); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("roots_binary"));
  }
}

TEST_CASE("graphene: Client::from_datastack is ImageryClient(client=CAVEclient(datastack))",
          "[graphene][client]") {
  Setup s;
  const auto c = client::Client::from_datastack("imagery_demo", {}, *s.ctx, s.cave.url());
  CHECK(c.segmentation_volume().url() == s.cave.segmentation_source());
  CHECK(c.image_volume().metadata().driver == "precomputed");
  CHECK(c.resolution() == Vec3d{4, 4, 40});  // the viewer resolution
  // Root ids by default, as ImageryClient's segmentation_cutout(root_ids='all').
  client::ClientOptions at;
  at.timestamp = cave::parse_timestamp("1713169800");
  const auto c2 = client::Client::from_datastack("imagery_demo", at, *s.ctx, s.cave.url());
  const auto region = client::Region::corners({2000, 1600, 105}, {2544, 2080, 106});
  const client::Cutout seg = c2.segmentation_cutout(region);
  CHECK(distinct_labels(seg.data).count(360287970189639738) == 1);  // the merged root
  CHECK(s.cave.count("datastack") == 1);                            // kept per context
}

TEST_CASE("graphene: the decoded-chunk cache keeps supervoxels, and root ids follow the timestamp",
          "[graphene][volume][decoded_cache]") {
  Setup s;
  io::ContextOptions options = quick_options();
  options.decoded_cache_bytes = std::size_t{64} << 20;
  s.ctx = make_context_with_token(s.cave.url(), kFakeCaveToken, options);
  auto v = s.open();
  const Array svs = example_supervoxels(kBox);
  CHECK(differing_voxels(v->read(kBox, 0, {}), svs) == 0);
  const std::size_t chunk_requests = s.nginx.requests().size();
  const std::size_t kept = s.ctx->decoded_chunks().stats().entries;
  CHECK(kept > 0);
  // The same supervoxel chunks, mapped at times around the merge and the split: each time its
  // own roots (the mapping is never cached with the chunks), and no chunk fetched again.
  for (const double ts : {kMerge - 1, kMerge + 1, kSplit + 1, kMerge - 1}) {
    INFO(std::to_string(ts));
    const Array a = v->read(kBox, 0, mapped_at(std::to_string(static_cast<std::int64_t>(ts))));
    const Array truth = roots_in_graph(s.cave, svs, ts);
    INFO(differing_voxels(a, truth) << " voxels differ");
    CHECK(differing_voxels(a, truth) == 0);
  }
  CHECK(s.nginx.requests().size() == chunk_requests);
  CHECK(s.ctx->decoded_chunks().stats().entries == kept);
  CHECK(s.ctx->decoded_chunks().stats().hits > 0);
}
