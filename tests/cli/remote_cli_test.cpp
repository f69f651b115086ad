// `imagery info` and `imagery cutout` take http(s) sources unchanged, with the
// network flags (--token, --cache, --cache-mem) and the documented exit codes.
#include <catch2/catch.hpp>
#include <filesystem>

#include "imagery/core/npy.h"
#include "support/fault_server.h"
#include "support/nginx_server.h"
#include "support/test_support.h"

using namespace imagery;
using imagery::testing::count_lines;
using imagery::testing::data_path;
using imagery::testing::NginxServer;
using imagery::testing::run_imagery;
using imagery::testing::sha256_hex;
using imagery::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("imagery info and cutout read a volume over HTTP", "[cli][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  auto info = run_imagery({"info", "precomputed://" + nginx.url("seg_cseg")});
  REQUIRE(info.exit_code == 0);
  CHECK_THAT(info.out, Catch::Contains("compressed_segmentation"));
  TempDir dir;
  auto cut = run_imagery({"cutout", nginx.url("seg_cseg"), "--bounds", "60,30,12,200,153,49", "-o",
                          dir.file("s.npy")});
  REQUIRE(cut.exit_code == 0);
  CHECK(sha256_hex(read_npy(dir.file("s.npy")).array) ==
        "47e9e511d1ccb3c2dd4b803698a2a64101b133b0a34a3062836a0841ee0e9b0d");
}

TEST_CASE("imagery cutout --cache fills a folder a second run reads from", "[cli][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  const std::vector<std::string> args = {
      "cutout",  nginx.url("image_raw"), "--bounds", "130,60,15,399,301,40",
      "--cache", dir.file("cache"),      "-o",       dir.file("a.npy")};
  REQUIRE(run_imagery(args).exit_code == 0);
  const auto requests = nginx.requests().size();
  CHECK(fs::exists(
      dir.file("cache/http/127.0.0.1_" + std::to_string(nginx.port()) + "/image_raw/4_4_40")));
  REQUIRE(run_imagery(args).exit_code == 0);
  CHECK(nginx.requests().size() ==
        requests);  // info and chunks came from the cache, as in CloudVolume
  CHECK(sha256_hex(read_npy(dir.file("a.npy")).array) ==
        "a4e38871b83e16b0c00e7630bd683ba35d18e0e66a27c007da6639f0fa2eecb1");
}

TEST_CASE("imagery sends --token as a bearer token and reports 403 with exit 6", "[cli][http]") {
  std::string seen;
  imagery::testing::FaultServer server([&](httplib::Server& s, imagery::testing::FaultServer&) {
    s.Get("/vol/info", [&](const httplib::Request& q, httplib::Response& r) {
      seen = q.get_header_value("Authorization");
      r.status = 403;
    });
  });
  auto r = run_imagery({"info", server.url("vol"), "--token", "abc123"});
  CHECK(r.exit_code == 6);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(server.url("vol/info")) && Catch::Contains("--token"));
  CHECK_THAT(r.err, !Catch::Contains("abc123"));
  CHECK(seen == "Bearer abc123");
}

TEST_CASE("imagery reports an unreachable server with exit 4", "[cli][http]") {
  const int port = imagery::testing::free_port();
  auto r = run_imagery({"info", "http://127.0.0.1:" + std::to_string(port) + "/vol"});
  CHECK(r.exit_code == 4);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("127.0.0.1:" + std::to_string(port)));
}

TEST_CASE("imagery rejects bad network flags with exit 2", "[cli][http]") {
  CHECK(run_imagery({"info", "x", "--max-requests", "0"}).exit_code == 2);
  CHECK(run_imagery({"info", "x", "--cache-mem", "-5"}).exit_code == 2);
}
