// `imagery serve`'s safety rules, each tried the way an attacker or a careless client would:
// paths out of the static folders, source URLs in requests (server-side request forgery), file://
// even when remote sources are allowed, oversize requests (413), a request over its time budget
// (cancelled with its fetches), more requests than --max-inflight (503 + Retry-After), and CORS
// only when asked for.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/fault_server.h"
#include "support/serve_process.h"

using namespace imagery;
using testing::demo_image_path;
using testing::FaultServer;
using testing::ServeProcess;
using testing::TempDir;

namespace {

std::string bytes_of(const std::string& path) {
  const std::vector<std::byte> b = testing::read_file(path);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string code_of(const httplib::Result& res) {
  return nlohmann::json::parse(res->body).value("code", "");
}

// The demo image over HTTP at /image/: its info at once, each chunk after `delay_ms` (ended early
// when the server stops). Counts chunk requests begun and answered.
struct SlowImage {
  std::atomic<int> begun{0}, answered{0};
  FaultServer server;
  explicit SlowImage(int delay_ms)
      : server([this, delay_ms](httplib::Server& s, FaultServer& self) {
          s.Get(R"(/image/(.+))",
                [this, delay_ms, &self](const httplib::Request& req, httplib::Response& res) {
                  const std::string relative = req.matches[1];
                  const std::string path = demo_image_path() + "/" + relative;
                  if (relative != "info") {
                    ++begun;
                    self.sleep_ms(delay_ms);
                  }
                  if (!std::filesystem::is_regular_file(path)) {
                    res.status = 404;
                  } else {
                    res.set_content(bytes_of(path), "application/octet-stream");
                  }
                  if (relative != "info") ++answered;
                });
        }) {}
  std::string url() const { return server.url("/image"); }
};

void wait_for(const std::function<bool()>& condition) {
  for (int i = 0; i < 3000 && !condition(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(condition());
}

}  // namespace

TEST_CASE("serve refuses every path that leaves its static folders", "[serve]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "web" / "sub");
  testing::write_file(dir.file("web/index.html"), "<!doctype html><title>page</title>");
  testing::write_file(dir.file("web/sub/app.js"), "console.log('app');");
  testing::write_file(dir.file("secret.txt"), "SECRET-CONTENT");
  std::filesystem::create_directories(dir.path() / "outside");
  testing::write_file(dir.file("outside/secret.txt"), "SECRET-CONTENT");
  std::filesystem::create_symlink(dir.path() / "secret.txt", dir.path() / "web" / "link.txt");
  std::filesystem::create_directory_symlink(dir.path() / "outside", dir.path() / "web" / "out");
  ServeProcess server({"--source", "em=" + demo_image_path(), "--web-dir", dir.file("web")});

  auto page = server.get("/");
  REQUIRE(page->status == 200);
  CHECK(page->body == "<!doctype html><title>page</title>");
  CHECK(page->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  auto js = server.get("/static/sub/app.js");
  REQUIRE(js->status == 200);
  CHECK(js->get_header_value("Content-Type").rfind("text/javascript", 0) == 0);
  if (std::filesystem::exists("/usr/share/javascript/leaflet/leaflet.js")) {
    auto leaflet = server.get("/leaflet/leaflet.js");
    REQUIRE(leaflet->status == 200);
    CHECK(leaflet->body == bytes_of("/usr/share/javascript/leaflet/leaflet.js"));
  }

  for (const std::string& path : std::vector<std::string>{
           "/static/../secret.txt", "/static/sub/../../secret.txt", "/static/%2e%2e/secret.txt",
           "/static/%2E%2E%2Fsecret.txt", "/static/..%2fsecret.txt", "/static/..%5csecret.txt",
           "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/link.txt",
           "/static/out/secret.txt", "/static/sub/app.js%00.png", "/static/./sub/app.js",
           "/leaflet/../../../../etc/passwd", "/leaflet/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
           "/../secret.txt", "/%2e%2e/secret.txt"}) {
    INFO(path);
    auto res = server.get(path);
    REQUIRE(res);
    CHECK((res->status == 404 || res->status == 400));
    CHECK(res->body.find("SECRET-CONTENT") == std::string::npos);
    CHECK(res->body.find("root:") == std::string::npos);
  }
}

TEST_CASE("serve admits no source URL in a request without --allow-remote-sources", "[serve]") {
  SlowImage remote(0);
  ServeProcess server({"--source", "em=" + demo_image_path()});
  const std::string url = remote.url();
  for (const std::string& path : std::vector<std::string>{
           "/api/sources/" + url + "/thumbnail.png?size=16", "/api/sources/" + url,
           "/api/figure.png?image=" + url + "&center=2272,1840,105&size=20,20",
           "/api/sources/em/tiles/0/0/0.png?z=105&layer=" + url,
           "/api/sources/file://" + demo_image_path() + "/thumbnail.png?size=16"}) {
    INFO(path);
    auto res = server.get(path);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(code_of(res) == "remote_source_forbidden");
  }
  // A path that is not a configured name is not a path on the server either.
  CHECK(server.get("/api/sources/" + demo_image_path() + "/thumbnail.png")->status == 404);
  CHECK(server.get("/api/sources/..%2F..%2Fetc/value?x=0&y=0&z=0")->status == 404);
  CHECK(remote.server.requests() == 0);
}

TEST_CASE("serve with --allow-remote-sources admits http(s) URLs but never file://", "[serve]") {
  SlowImage remote(0);
  ServeProcess server({"--source", "em=" + demo_image_path(), "--allow-remote-sources"});
  auto res = server.get("/api/sources/" + remote.url() + "/thumbnail.png?size=32&z=105");
  REQUIRE(res->status == 200);
  CHECK(remote.server.requests() > 0);
  auto local = server.get("/api/sources/em/thumbnail.png?size=32&z=105");
  CHECK(res->body == local->body);
  for (const std::string& path : std::vector<std::string>{
           "/api/sources/file://" + demo_image_path() + "/thumbnail.png?size=16",
           "/api/sources/precomputed://file://" + demo_image_path() + "/thumbnail.png?size=16",
           "/api/figure.png?image=file://" + demo_image_path() + "&center=2272,1840,105&size=20,20",
           "/api/sources/gs://bucket/em/thumbnail.png?size=16",
           "/api/sources/em/tiles/0/0/0.png?z=105&layer=file://" + demo_image_path()}) {
    INFO(path);
    auto refused = server.get(path);
    CHECK(refused->status == 400);
    CHECK(code_of(refused) == "scheme_forbidden");
  }
}

TEST_CASE("serve refuses requests over its size limits with 413", "[serve]") {
  TempDir dir;
  testing::write_file(dir.file("config.json"), R"({"limits": {"max_output_pixels": 10000,
      "max_z_range": 4, "max_body_bytes": 2000, "max_histogram_voxels": 100000}})");
  ServeProcess server({"--source", "em=" + demo_image_path(), "--config", dir.file("config.json")});
  for (const std::string& path : std::vector<std::string>{
           "/api/sources/em/region.png?bounds=2000,1600,105,2544,2080,106&max_size=544",
           "/api/sources/em/region.png?bounds=2000,1600,105,2544,2080,106&mip=0",
           "/api/sources/em/region.png?bounds=2000,1600,100,2050,1650,110&projection=max",
           "/api/sources/em/thumbnail.png?size=200",
           "/api/sources/em/histogram?bins=70000&bounds=2000,1600,100,2010,1610,101",
           "/api/sources/em/histogram",
           "/api/sources/em/tiles/0/0/0.png?z=105&z_range=100,110&projection=max",
           "/api/figure.png?image=em&center=2272,1840,105&size=400,400"}) {
    INFO(path);
    auto res = server.get(path);
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(code_of(res) == "too_large");
  }
  // Within the limits the same requests work.
  CHECK(server.get("/api/sources/em/region.png?bounds=2000,1600,105,2544,2080,106&max_size=100")
            ->status == 200);
  CHECK(
      server.get("/api/sources/em/tiles/0/0/0.png?z=105&z_range=102,106&projection=max")->status ==
      200);
  const std::string big(3000, ' ');
  auto body =
      server.client()->Post("/api/figure", "{\"image\": \"em\"" + big + "}", "application/json");
  REQUIRE(body);
  CHECK(body->status == 413);
}

TEST_CASE("serve cancels a request over its time budget together with its fetches", "[serve]") {
  SlowImage slow(30000);
  TempDir dir;
  testing::write_file(dir.file("config.json"), R"({"limits": {"request_timeout_ms": 300}})");
  ServeProcess server({"--source", "slow=" + slow.url(), "--config", dir.file("config.json")});
  auto res = server.get("/api/sources/slow/tiles/2/0/0.png?z=105");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(code_of(res) == "deadline_exceeded");
  CHECK(res->get_header_value("Retry-After") == "1");
  // The answer came while the chunks were still being held back: nothing waited for them.
  CHECK(slow.begun.load() > 0);
  CHECK(slow.answered.load() == 0);
}

TEST_CASE("serve answers 503 with Retry-After to requests beyond --max-inflight", "[serve]") {
  SlowImage slow(1500);
  ServeProcess server({"--source", "slow=" + slow.url(), "--max-inflight", "1"});
  auto first = std::async(std::launch::async,
                          [&] { return server.get("/api/sources/slow/tiles/2/1/1.png?z=103"); });
  wait_for([&] { return slow.begun.load() > 0; });
  auto busy = server.get("/api/sources");
  REQUIRE(busy);
  CHECK(busy->status == 503);
  CHECK(code_of(busy) == "busy");
  CHECK(busy->get_header_value("Retry-After") == "1");
  auto done = first.get();
  REQUIRE(done);
  CHECK(done->status == 200);
  CHECK(server.get("/api/sources")->status == 200);
}

TEST_CASE("serve sends CORS headers only when --cors names an origin", "[serve]") {
  {
    ServeProcess server({"--source", "em=" + demo_image_path()});
    auto res = server.get("/api/sources", {{"Origin", "http://evil.example"}});
    CHECK(res->status == 200);
    CHECK_FALSE(res->has_header("Access-Control-Allow-Origin"));
  }
  ServeProcess server({"--source", "em=" + demo_image_path(), "--cors", "http://lab.example"});
  auto res = server.get("/api/sources", {{"Origin", "http://lab.example"}});
  CHECK(res->get_header_value("Access-Control-Allow-Origin") == "http://lab.example");
  auto preflight = server.client()->Options("/api/figure");
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Methods").find("POST") !=
        std::string::npos);
}
