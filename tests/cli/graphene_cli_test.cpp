// `imagery` with CAVE sources as a user types it, against the fake CAVE (tests/support/
// fake_cave.h) and the example graphene dataset: ImageryClient's README call with --datastack,
// materialization versions, cutouts of supervoxels and roots, tokens from secret files, the
// errors a user meets, and a batch at one timestamp.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "imagery/core/npy.h"
#include "imagery/precomputed/volume.h"
#include "support/fake_cave.h"
#include "support/graphene_truth.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::testing;
namespace fs = std::filesystem;

namespace {

// A user's environment without secrets or tokens, HOME in `home`.
std::vector<std::string> clean_env(const TempDir& home) {
  return {"HOME=" + home.path().string(), "CLOUD_VOLUME_DIR=", "IMAGERY_TOKEN="};
}

CommandResult imagery_as_user(const TempDir& home, const std::vector<std::string>& args) {
  std::string command = "imagery";
  for (const auto& a : args) command += " " + a;
  UNSCOPED_INFO(command);
  return run_imagery_with_env(args, clean_env(home));
}

struct Cave {
  NginxServer nginx{examples_path("graphene/watershed")};
  FakeCave cave{[this] {
    FakeCaveOptions o = example_cave_options();
    o.data_dir = nginx.url();
    return o;
  }()};
  TempDir home, out;
};

const Bbox kSegBox{{1000, 800, 105}, {1272, 1040, 106}};

}  // namespace

TEST_CASE("imagery figure --datastack: ImageryClient's README call, root ids by default",
          "[cli][graphene]") {
  Cave c;
  const std::string png = c.out.file("fig.png");
  const auto r = imagery_as_user(
      c.home, {"figure", "--token", kFakeCaveToken, "--datastack", "imagery_demo", "--cave-server",
               c.cave.url(), "--center", "2272,1840,105", "--size", "544,480", "--root-ids", "all",
               "--save-arrays", c.out.file("arr"), "-o", png});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto sidecar = nlohmann::json::parse(read_text(c.out.file("fig.json")));
  // The datastack gave the sources and the viewer resolution; the instant was pinned.
  CHECK(sidecar["datastack"] == "imagery_demo");
  CHECK(sidecar["seg"] == c.cave.segmentation_source());
  CHECK(sidecar["resolution"] == nlohmann::json::array({4.0, 4.0, 40.0}));
  const auto& rendered = sidecar["rendered"];
  CHECK(rendered["cave"]["info_service_version"] == "4.3.3");
  CHECK(rendered["segmentation_labels"]["labels"] == "root ids");
  CHECK(rendered["segmentation_labels"]["timestamp_from"] == "pinned now");
  CHECK(rendered["segmentation_labels"]["server_version"] == "2.21.1");
  const std::int64_t sent = rendered["segmentation_labels"]["timestamp_sent"];
  const auto calls = c.cave.requests("roots_binary");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].query == "timestamp=" + std::to_string(sent));
  CHECK(sidecar["timestamp"].is_string());
  // The drawn segmentation (on the 4 nm image grid) holds the roots of now: after the split.
  const Array seg = read_npy(c.out.file("arr_seg.npy")).array;
  const std::set<std::uint64_t> ids = distinct_labels(seg);
  CHECK(ids.count(360287970189639739) == 1);
  CHECK(ids.count(360287970189639738) == 0);
  // The sidecar remakes the same figure, at the same instant.
  const auto again = imagery_as_user(c.home, {"figure", "--token", kFakeCaveToken, "--from",
                                              c.out.file("fig.json"), "-o", c.out.file("b.png")});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(read_file(png) == read_file(c.out.file("b.png")));
  CHECK(c.cave.requests("roots_binary").back().query == "timestamp=" + std::to_string(sent));
}

TEST_CASE("imagery figure --mat-version reads roots as of that version", "[cli][graphene]") {
  Cave c;
  const auto r = imagery_as_user(
      c.home, {"figure", "--token", kFakeCaveToken, "--datastack", "imagery_demo", "--cave-server",
               c.cave.url(), "--mat-version", "2", "--center", "2272,1840,105", "--size", "544,480",
               "--save-arrays", c.out.file("arr"), "-o", c.out.file("v2.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto sidecar = nlohmann::json::parse(read_text(c.out.file("v2.json")));
  CHECK(sidecar["mat_version"] == 2);
  CHECK(sidecar["rendered"]["segmentation_labels"]["timestamp_from"] == "materialization version");
  double version_time = 0;
  for (const auto& v : c.cave.options().versions)
    if (v.version == 2) version_time = v.time_stamp;
  const auto calls = c.cave.requests("roots_binary");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].query ==
        "timestamp=" + std::to_string(static_cast<std::int64_t>(std::ceil(version_time))));
  // Between the merge and the split: the merged root.
  CHECK(distinct_labels(read_npy(c.out.file("arr_seg.npy")).array).count(360287970189639738) == 1);
  // A version the server does not have: not found.
  const auto missing =
      imagery_as_user(c.home, {"figure", "--token", kFakeCaveToken, "--datastack", "imagery_demo",
                               "--cave-server", c.cave.url(), "--mat-version", "99", "--center",
                               "2272,1840,105", "--size", "64,64", "-o", c.out.file("v99.png")});
  CHECK(missing.exit_code == 3);
  CHECK(count_lines(missing.err) == 1);
  CHECK_THAT(missing.err, Catch::Contains("materialization version 99"));
  CHECK_FALSE(fs::exists(c.out.file("v99.png")));
}

TEST_CASE("imagery cutout of a graphene source: supervoxels, roots at a time, listed roots",
          "[cli][graphene]") {
  Cave c;
  const std::string seg = c.cave.segmentation_source();
  const std::string bounds = "--bounds=1000,800,105,1272,1040,106";
  const Array svs = example_supervoxels(kSegBox);
  auto cutout = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "cutout", seg, bounds, "--token", kFakeCaveToken, "-o", c.out.file("c.npy")};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = imagery_as_user(c.home, args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_npy(c.out.file("c.npy")).array;
  };
  // CloudVolume's download(): supervoxels, no graph requests.
  CHECK(differing_voxels(cutout({}), svs) == 0);
  CHECK(c.cave.count("roots_binary") == 0);
  // --root-ids all at three instants, unix and ISO.
  for (const auto& [text, ts] :
       std::vector<std::pair<std::string, double>>{{"1709294399", 1709294399},
                                                   {"2024-04-15T08:30:00Z", 1713169800},
                                                   {"2024-06-01T14:00:00+02:00", 1717243200}}) {
    INFO(text);
    const Array a = cutout({"--root-ids", "all", "--timestamp", text});
    CHECK(differing_voxels(a, roots_in_graph(c.cave, svs, ts)) == 0);
  }
  CHECK(c.cave.count("roots_binary") == 3);
  // --root-ids ID,ID: those roots only, one leaves request each.
  const Array listed = cutout({"--root-ids", "360287970189639739,360287970189639740"});
  CHECK(distinct_labels(listed) ==
        std::set<std::uint64_t>{0, 360287970189639739, 360287970189639740});
  CHECK(c.cave.count("leaves") == 2);
}

TEST_CASE("imagery reads CAVE tokens from CloudVolume's secret files, only for CAVE hosts",
          "[cli][graphene]") {
  Cave c;
  fs::create_directories(c.home.path() / ".cloudvolume" / "secrets");
  std::ofstream(c.home.path() / ".cloudvolume" / "secrets" / "cave-secret.json")
      << "{\"token\": \"" << kFakeCaveToken << "\"}";
  // The server from CAVEclient's datastack-to-server map: the call a user types.
  std::ofstream(c.home.path() / ".cloudvolume" / "secrets" / "cave_datastack_to_server_map.json")
      << "{\"imagery_demo\": \"" << c.cave.url() << "\"}";
  const auto r =
      imagery_as_user(c.home, {"figure", "--datastack", "imagery_demo", "--center", "2272,1840,105",
                               "--size", "256,256", "-o", c.out.file("f.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& q : c.cave.requests())
    if (q.route != "info_version" && q.route != "pcg_version")
      CHECK(q.authorization == std::string("Bearer ") + kFakeCaveToken);
  // info command on the graphene source names its chunkedgraph and table.
  const auto info = imagery_as_user(c.home, {"info", c.cave.segmentation_source()});
  CHECK(info.exit_code == 0);
  CHECK_THAT(info.out, Catch::Contains("graphene"));
  CHECK_THAT(info.out, Catch::Contains(c.cave.table()));
}

TEST_CASE("imagery with CAVE sources: errors a user meets, one line each", "[cli][graphene]") {
  NginxServer nginx(examples_path("graphene/watershed"));
  FakeCaveOptions o = example_cave_options();
  o.data_dir = nginx.url();
  o.missing_tos = {"tos_stack"};
  o.datastacks.push_back("tos_stack");
  FakeCave cave(o);
  TempDir home, out;
  auto check = [&](std::vector<std::string> args, int code, const std::string& mentions) {
    const auto r = imagery_as_user(home, args);
    INFO(r.err);
    CHECK(r.exit_code == code);
    CHECK(count_lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(mentions));
    CHECK(fs::is_empty(out.path()));
  };
  const std::vector<std::string> fig = {"--center", "2272,1840,105",  "--size", "64,64",
                                        "-o",       out.file("x.png")};
  auto figure = [&](std::vector<std::string> head) {
    head.insert(head.begin(), "figure");
    head.insert(head.end(), fig.begin(), fig.end());
    return head;
  };
  // No token anywhere: exit 6, naming the file to create.
  check(figure({"--datastack", "imagery_demo", "--cave-server", cave.url()}), 6,
        "-cave-secret.json");
  check({"cutout", cave.segmentation_source(), "--bounds=1000,800,105,1010,810,106", "-o",
         out.file("c.npy")},
        6, "cave-secret.json");
  // A refused token, terms of service, an unknown datastack.
  check(
      figure({"--token", "0badc0ffee", "--datastack", "imagery_demo", "--cave-server", cave.url()}),
      6, "HTTP 401");
  check(
      figure({"--token", kFakeCaveToken, "--datastack", "tos_stack", "--cave-server", cave.url()}),
      6, "/tos/");
  check(figure({"--token", kFakeCaveToken, "--datastack", "nope", "--cave-server", cave.url()}), 3,
        "nope");
  // Bad flags, before anything is asked.
  check(figure({"--token", kFakeCaveToken, "--seg", cave.segmentation_source(), "--timestamp",
                "yesterday"}),
        2, "--timestamp");
  check(figure({"--token", kFakeCaveToken, "--seg", "graphene://https://host/NAME"}), 2,
        "graphene://https://host/NAME");
  check(figure(
            {"--token", kFakeCaveToken, "--seg", cave.segmentation_source(), "--mat-version", "3"}),
        2, "--datastack");
}

TEST_CASE("imagery batch of 20 rows at one timestamp asks once per supervoxel",
          "[cli][graphene][batch]") {
  Cave c;
  std::string csv = "name,center\n";
  for (int i = 0; i < 20; ++i)
    csv += "f" + std::to_string(i) + ",\"" + std::to_string(2100 + 15 * i) + "," +
           std::to_string(1700 + 10 * i) + ",105\"\n";
  write_file(c.out.file("rows.csv"), csv);
  write_file(c.out.file("defaults.json"),
             "{\"datastack\": \"imagery_demo\", \"cave_server\": \"" + c.cave.url() +
                 "\", \"timestamp\": \"2024-04-15T08:30:00Z\", \"size\": [128, 128]}");
  const auto r = imagery_as_user(
      c.home, {"batch", c.out.file("rows.csv"), "--defaults", c.out.file("defaults.json"),
               "--out-dir", c.out.file("figs"), "--token", kFakeCaveToken, "--jobs", "4", "-q"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(c.cave.count("datastack") == 1);
  std::vector<std::uint64_t> sent;
  for (const auto& call : c.cave.requests("roots_binary")) {
    CHECK(call.query == "timestamp=1713169800");
    sent.insert(sent.end(), call.ids.begin(), call.ids.end());
  }
  const std::set<std::uint64_t> unique(sent.begin(), sent.end());
  CHECK(!sent.empty());
  CHECK(sent.size() == unique.size());
  for (int i = 0; i < 20; ++i)
    CHECK(fs::exists(c.out.path() / "figs" / ("f" + std::to_string(i) + ".png")));
}
