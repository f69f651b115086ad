// HTTP from servers we do not control: redirects may not change scheme,
// tokens never leave the host they were meant for nor show up in errors,
// bodies stop at their limits however long the server goes on, and TLS
// certificates are verified unless --insecure says otherwise.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "imagery/core/error.h"
#include "imagery/io/credentials.h"
#include "imagery/io/internal/http_storage.h"
#include "imagery/precomputed/volume.h"
#include "support/error_of.h"
#include "support/fault_server.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using imagery::testing::error_of;
using namespace imagery::precomputed;
using imagery::testing::FaultServer;
using imagery::testing::NginxServer;
using imagery::testing::TempDir;

namespace {

const char* kInfo = R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
  {"key": "k", "size": [8, 8, 1], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 1]], "encoding": "raw"}]})";
const char* kChunkPath = "/vol/k/0-8_0-8_0-1";
const char* kToken = "s3cr3t-t0ken";

// A context whose requests to the origin of `url` carry kToken (or no token).
std::unique_ptr<io::Context> quick(const std::string& url, bool with_token = true,
                                   io::ContextOptions options = imagery::testing::quick_options()) {
  auto context = imagery::testing::make_context(std::move(options));
  if (with_token) context->credentials().grant(url, kToken);
  return context;
}

void serve_volume(httplib::Server& s) {
  s.Get("/vol/info", [](const httplib::Request&, httplib::Response& r) {
    r.set_content(kInfo, "application/json");
  });
  s.Get(kChunkPath, [](const httplib::Request&, httplib::Response& r) {
    r.set_content(std::string(64, '\x07'), "application/octet-stream");
  });
}

Array read_chunk(const std::string& url, io::Context& context) {
  return Volume::open(url, context).download({{0, 0, 0}, {8, 8, 1}}, 0);
}

void write_file_text(const std::string& path, const std::string& text) {
  imagery::testing::write_file(path, text);
}

// Endless zeros, 64 KB at a time, until the client hangs up or the server stops.
bool endless(const FaultServer& self, std::atomic<std::uint64_t>& sent, httplib::DataSink& sink) {
  static const std::string block(64 << 10, '\0');
  while (!self.stopping()) {
    if (!sink.write(block.data(), block.size())) return false;
    sent += block.size();
  }
  return false;
}

}  // namespace

TEST_CASE("a redirect to file:// is refused as a change of scheme, naming the URL",
          "[hardening][http][redirect]") {
  FaultServer server([](httplib::Server& s, FaultServer&) {
    s.Get("/vol/info", [](const httplib::Request&, httplib::Response& r) {
      r.set_redirect("file:///etc/passwd");
    });
  });
  auto context = quick(server.url("vol"));
  Error e = error_of([&] { Volume::open(server.url("vol"), *context); });
  CHECK(e.code() == ErrorCode::kPermissionDenied);
  CHECK_THAT(e.what(), Catch::Contains(server.url("vol/info")) && Catch::Contains("redirect"));
  CHECK_THAT(e.what(), !Catch::Contains("s3cr3t"));
}

TEST_CASE("a redirect from http to https is refused", "[hardening][http][redirect]") {
  FaultServer server([](httplib::Server& s, FaultServer&) {
    s.Get("/vol/info", [](const httplib::Request& q, httplib::Response& r) {
      r.set_redirect("https://" + q.get_header_value("Host") + "/vol/info");
    });
  });
  auto context = quick(server.url("vol"));
  Error e = error_of([&] { Volume::open(server.url("vol"), *context); });
  CHECK(e.code() == ErrorCode::kPermissionDenied);
  CHECK_THAT(e.what(), Catch::Contains(server.url("vol/info")) && Catch::Contains("scheme"));
  // The server counts a request after answering it: the client may have failed before that.
  for (int i = 0; i < 400 && server.requests() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(server.requests() == 1);
}

TEST_CASE("a redirect to another host is followed without the token",
          "[hardening][http][redirect]") {
  std::string auth_at_other = "unset", auth_at_first;
  FaultServer other([&](httplib::Server& s, FaultServer&) {
    serve_volume(s);
    s.set_pre_routing_handler([&](const httplib::Request& q, httplib::Response&) {
      auth_at_other = q.get_header_value("Authorization");
      return httplib::Server::HandlerResponse::Unhandled;
    });
  });
  FaultServer first([&](httplib::Server& s, FaultServer&) {
    s.Get(R"(/vol/.*)", [&](const httplib::Request& q, httplib::Response& r) {
      auth_at_first = q.get_header_value("Authorization");
      r.set_redirect(other.url(q.path));
    });
  });
  auto context = quick(first.url("vol"));
  Array a = read_chunk(first.url("vol"), *context);
  CHECK(a.data<std::uint8_t>()[0] == 7);
  CHECK(auth_at_first == std::string("Bearer ") + kToken);
  CHECK(auth_at_other.empty());
}

TEST_CASE("no error message shows the token", "[hardening][http][token]") {
  struct Fault {
    const char* name;
    std::function<void(httplib::Response&, FaultServer&)> respond;
  };
  std::atomic<std::uint64_t> sent{0};
  const std::vector<Fault> faults = {
      {"503 until the retries run out", [](httplib::Response& r, FaultServer&) { r.status = 503; }},
      {"429 until the retries run out", [](httplib::Response& r, FaultServer&) { r.status = 429; }},
      {"401", [](httplib::Response& r, FaultServer&) { r.status = 401; }},
      {"403", [](httplib::Response& r, FaultServer&) { r.status = 403; }},
      {"404", [](httplib::Response& r, FaultServer&) { r.status = 404; }},
      {"418", [](httplib::Response& r, FaultServer&) { r.status = 418; }},
      {"redirect to file://",
       [](httplib::Response& r, FaultServer&) { r.set_redirect("file:///etc/passwd"); }},
      {"a redirect loop",
       [](httplib::Response& r, FaultServer& self) { r.set_redirect(self.url(kChunkPath)); }},
      {"an endless body",
       [&](httplib::Response& r, FaultServer& self) {
         r.set_chunked_content_provider(
             "application/octet-stream",
             [&](std::size_t, httplib::DataSink& sink) { return endless(self, sent, sink); });
       }},
      {"a corrupt gzip body",
       [](httplib::Response& r, FaultServer&) {
         r.set_header("Content-Encoding", "gzip");
         r.set_content("\x1f\x8b garbage", "application/octet-stream");
       }},
  };
  for (const auto& fault : faults) {
    SECTION(fault.name) {
      FaultServer server([&](httplib::Server& s, FaultServer& self) {
        s.Get("/vol/info", [](const httplib::Request&, httplib::Response& r) {
          r.set_content(kInfo, "application/json");
        });
        s.Get(kChunkPath,
              [&](const httplib::Request&, httplib::Response& r) { fault.respond(r, self); });
      });
      io::ContextOptions options = imagery::testing::quick_options();
      options.http.max_object_bytes = 1 << 20;
      auto context = quick(server.url("vol"), true, options);
      Error e = error_of([&] { read_chunk(server.url("vol"), *context); });
      INFO(e.what());
      CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)));
      CHECK_THAT(e.what(), !Catch::Contains("s3cr3t"));
    }
  }
}

TEST_CASE("an endless body stops at the size limit with a resource error naming the URL",
          "[hardening][http][limits]") {
  std::atomic<std::uint64_t> sent{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/vol/info", [&](const httplib::Request&, httplib::Response& r) {
      r.set_chunked_content_provider(
          "application/octet-stream",
          [&](std::size_t, httplib::DataSink& sink) { return endless(self, sent, sink); });
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_object_bytes = 4 << 20;
  auto context = quick(server.url("vol"), false, options);
  const auto t0 = std::chrono::steady_clock::now();
  Error e = error_of([&] { Volume::open(server.url("vol"), *context); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(server.url("vol/info")) &&
                           Catch::Contains("exceeds the limit of 4194304 bytes"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
  CHECK(server.requests() <= 1);  // a resource error is not retried
}

TEST_CASE("a body declared beyond the size limit is refused before it is read",
          "[hardening][http][limits]") {
  std::atomic<std::uint64_t> sent{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/vol/info", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content_provider(std::uint64_t{1} << 40, "application/octet-stream",
                             [&](std::size_t, std::size_t, httplib::DataSink& sink) {
                               return endless(self, sent, sink);
                             });
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_object_bytes = 64 << 20;
  auto context = quick(server.url("vol"), false, options);
  Error e = error_of([&] { Volume::open(server.url("vol"), *context); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(server.url("vol/info")));
  CHECK(context->http_stats().bytes == 0);  // not one body byte kept
  CHECK(sent.load() < (std::uint64_t{64} << 20));
}

TEST_CASE("an endless error body does not keep a request alive", "[hardening][http][limits]") {
  std::atomic<std::uint64_t> sent{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/vol/info", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(kInfo, "application/json");
    });
    s.Get("/vol/k/.*", [&](const httplib::Request&, httplib::Response& r) {
      r.status = 503;
      r.set_chunked_content_provider("text/html", [&](std::size_t, httplib::DataSink& sink) {
        return endless(self, sent, sink);
      });
    });
  });
  auto context = quick(server.url("vol"));
  Error e = error_of([&] { read_chunk(server.url("vol"), *context); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK_THAT(e.what(), Catch::Contains("HTTP 503") && Catch::Contains("2 attempts"));
}

TEST_CASE("a server that ignores Range on an endless object sends only up to the range",
          "[hardening][http][limits]") {
  std::atomic<std::uint64_t> sent{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/vol/shard", [&](const httplib::Request& q, httplib::Response& r) {
      // cpp-httplib would answer 206 with the endless stream; this server ignores Range instead.
      const_cast<httplib::Request&>(q).ranges.clear();
      r.set_chunked_content_provider(
          "application/octet-stream",
          [&](std::size_t, httplib::DataSink& sink) { return endless(self, sent, sink); });
    });
  });
  auto context = quick(server.url("vol"), false);
  io::HttpStorage storage(server.url("vol"), context->transport(), context->pool());
  auto bytes = storage.read_range("shard", 100000, 5);
  REQUIRE(bytes);
  CHECK(bytes->size() == 5);
  CHECK(sent.load() < (std::uint64_t{64} << 20));
  // Beyond the body limit the range is refused rather than waited for.
  io::ContextOptions small = imagery::testing::quick_options();
  small.http.max_object_bytes = 1 << 20;
  auto small_context = quick(server.url("vol"), false, small);
  io::HttpStorage limited(server.url("vol"), small_context->transport(), small_context->pool());
  try {
    limited.read_range("shard", std::uint64_t{1} << 40, 16);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kResourceExhausted);
    CHECK_THAT(e.what(), Catch::Contains(server.url("vol/shard")));
  }
}

TEST_CASE("a 206 answer longer than the range asked for is corrupt", "[hardening][http][limits]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/vol/shard", [&](const httplib::Request&, httplib::Response& r) {
      // cpp-httplib answers a Range request with 206 but streams the whole chunked body.
      r.set_chunked_content_provider("application/octet-stream",
                                     [](std::size_t, httplib::DataSink& sink) {
                                       sink.write(std::string(100, 'x').data(), 100);
                                       sink.done();
                                       return true;
                                     });
    });
  });
  auto context = quick(server.url("vol"), false);
  io::HttpStorage storage(server.url("vol"), context->transport(), context->pool());
  try {
    storage.read_range("shard", 0, 10);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(server.url("vol/shard")));
  }
}

namespace {
// ROOT/vol: the one-chunk volume of kInfo on disk.
void write_volume(const TempDir& dir) {
  std::filesystem::create_directories(dir.path() / "vol" / "k");
  imagery::testing::write_file(dir.file("vol/info"), std::string(kInfo));
  imagery::testing::write_file(dir.file("vol/k/0-8_0-8_0-1"), std::string(64, '\x07'));
}
}  // namespace

TEST_CASE("a self-signed https server is refused unless verification is switched off",
          "[hardening][http][tls]") {
  TempDir dir;
  write_volume(dir);
  NginxServer nginx(dir.path().string(), /*tls=*/true);
  REQUIRE(nginx.url().rfind("https://", 0) == 0);
  auto context = quick(nginx.url("vol"));
  Error e = error_of([&] { Volume::open(nginx.url("vol"), *context); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK(e.remedy() == Remedy::kSkipTlsVerification);
  CHECK_THAT(e.what(), Catch::Contains(nginx.url("vol/info")) && Catch::Contains("certificate"));
  io::ContextOptions insecure = imagery::testing::quick_options();
  insecure.http.verify_tls = false;
  auto insecure_context = quick(nginx.url("vol"), true, insecure);
  Array a = read_chunk(nginx.url("vol"), *insecure_context);
  CHECK(a.data<std::uint8_t>()[63] == 7);
}

TEST_CASE("imagery --insecure warns once on stderr and reads from a self-signed server",
          "[hardening][http][tls][cli]") {
  TempDir dir;
  write_volume(dir);
  NginxServer nginx(dir.path().string(), /*tls=*/true);
  auto refused = imagery::testing::run_imagery({"info", nginx.url("vol")});
  CHECK(refused.exit_code == 4);
  CHECK(imagery::testing::count_lines(refused.err) == 1);
  CHECK_THAT(refused.err, Catch::Contains("--insecure"));
  auto r = imagery::testing::run_imagery({"info", "--insecure", nginx.url("vol")});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "imagery: warning: --insecure: TLS certificates are not verified\n");
  CHECK_THAT(r.out, Catch::Contains("uint8"));
}

TEST_CASE("a URL whose user information names another host never gets that host's token",
          "[hardening][http][token]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("secrets"));
  write_file_text(dir.file("secrets/good.example.org-cave-secret.json"), R"({"token": "g00d"})");
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("CLOUD_VOLUME_DIR", dir.path().c_str(), 1);
  ::setenv("HOME", dir.file("nohome").c_str(), 1);
  const io::Credentials files;  // secret files only
  CHECK(files.token_for("https://good.example.org:x@evil.example.org/vol").empty());
  CHECK(files.token_for("https://good.example.org@evil.example.org/vol").empty());
  CHECK(files.token_for("https://evil.example.org#@good.example.org/vol").empty());
  CHECK(files.token_for("https://user:pw@good.example.org:443/vol") == "g00d");
  std::string seen = "unset";
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/vol/info", [&](const httplib::Request& q, httplib::Response& r) {
      seen = q.get_header_value("Authorization");
      r.set_content(kInfo, "application/json");
    });
  });
  const std::string url = server.url("vol");  // http://127.0.0.1:PORT/vol
  auto context = imagery::testing::make_context(imagery::testing::quick_options(), true);
  Volume::open("http://good.example.org:x@" + url.substr(7), *context);
  CHECK(seen.find("g00d") == std::string::npos);
  ::unsetenv("CLOUD_VOLUME_DIR");
  ::setenv("HOME", home.c_str(), 1);
}
