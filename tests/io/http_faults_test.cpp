// A misbehaving server (cpp-httplib on loopback): every fault ends in the right
// pixels or a clear error naming the URL — never wrong pixels, a crash or a hang.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>

#include "imagery/io/gzip.h"
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

namespace {

// A one-chunk uint8 raw volume: info and the chunk's bytes (values 0..63).
const char* kInfo = R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
  {"key": "k", "size": [8, 8, 1], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 1]], "encoding": "raw"}]})";
const char* kChunkPath = "/vol/k/0-8_0-8_0-1";

std::string chunk_bytes() {
  std::string s(64, '\0');
  for (int i = 0; i < 64; ++i) s[i] = static_cast<char>(i);
  return s;
}

void serve_info(httplib::Server& s) {
  s.Get("/vol/info", [](const httplib::Request&, httplib::Response& r) {
    r.set_content(kInfo, "application/json");
  });
}

io::ContextOptions fast_retries() {
  io::ContextOptions o = imagery::testing::quick_options();
  o.http.backoff_base_ms = 10;
  o.http.backoff_max_ms = 50;
  o.http.max_attempts = 4;
  return o;
}

Array read_chunk(const std::string& url, const io::ContextOptions& options,
                 bool fill_missing = false, const std::string& token = "") {
  auto context = imagery::testing::make_context(options);
  if (!token.empty()) context->credentials().grant(url, token);
  auto volume = Volume::open(url, *context);
  CutoutOptions c;
  c.fill_missing = fill_missing;
  return volume.download({{0, 0, 0}, {8, 8, 1}}, 0, c);
}

bool is_ramp(const Array& a) {
  for (int i = 0; i < 64; ++i)
    if (a.data<std::uint8_t>()[i] != i) return false;
  return true;
}

}  // namespace

TEST_CASE("a 503 followed by a 200 is retried and gives the right pixels",
          "[precomputed][http][faults]") {
  std::atomic<int> calls{0};
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      if (calls++ == 0) {
        r.status = 503;
        return;
      }
      r.set_content(chunk_bytes(), "application/octet-stream");
    });
  });
  CHECK(is_ramp(read_chunk(server.url("vol"), fast_retries())));
  CHECK(calls == 2);
}

TEST_CASE("a 503 that never ends fails naming the URL, the status and the attempts",
          "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) { r.status = 503; });
  });
  Error e = error_of([&] { read_chunk(server.url("vol"), fast_retries()); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)) && Catch::Contains("HTTP 503") &&
                           Catch::Contains("4 attempts"));
}

TEST_CASE("a 429 with Retry-After waits as asked, then succeeds", "[precomputed][http][faults]") {
  std::atomic<int> calls{0};
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      if (calls++ == 0) {
        r.status = 429;
        r.set_header("Retry-After", "1");
        return;
      }
      r.set_content(chunk_bytes(), "application/octet-stream");
    });
  });
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(is_ramp(read_chunk(server.url("vol"), fast_retries())));
  // Our own back-off would have retried after at most 50 ms; Retry-After asked for a second.
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(900));
  CHECK(calls == 2);
}

TEST_CASE("a connection closed mid-body is retried", "[precomputed][http][faults]") {
  std::atomic<int> calls{0};
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      const bool cut = calls++ == 0;
      r.set_content_provider(64, "application/octet-stream",
                             [cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               const std::string body = chunk_bytes();
                               if (cut) {
                                 sink.write(body.data(), 20);
                                 return false;  // drop the connection after 20 of 64 bytes
                               }
                               sink.write(body.data() + offset, body.size() - offset);
                               return true;
                             });
    });
  });
  CHECK(is_ramp(read_chunk(server.url("vol"), fast_retries())));
  CHECK(calls == 2);
}

TEST_CASE("a body always shorter than its Content-Length fails without wrong pixels",
          "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      r.set_content_provider(64, "application/octet-stream",
                             [](std::size_t, std::size_t, httplib::DataSink& sink) {
                               sink.write(chunk_bytes().data(), 40);
                               return false;
                             });
    });
  });
  Error e = error_of([&] { read_chunk(server.url("vol"), fast_retries()); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)) && Catch::Contains("attempts"));
}

TEST_CASE("a corrupt gzip body is a data-loss error naming the URL",
          "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      std::string body = "\x1f\x8b\x08\x00garbage that is not deflate data at all";
      r.set_header("Content-Encoding", "gzip");
      r.set_content(body, "application/octet-stream");
    });
  });
  Error e = error_of([&] { read_chunk(server.url("vol"), fast_retries()); });
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)));
}

TEST_CASE("a gzip body without Content-Encoding is recognised by its magic",
          "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      const std::string raw = chunk_bytes();
      auto gz = io::gzip_compress(std::as_bytes(std::span(raw.data(), raw.size())));
      r.set_content(std::string(reinterpret_cast<const char*>(gz.data()), gz.size()),
                    "application/octet-stream");
    });
  });
  CHECK(is_ramp(read_chunk(server.url("vol"), fast_retries())));
}

TEST_CASE("a server slower than the timeout is abandoned, retried and reported",
          "[precomputed][http][faults]") {
  std::atomic<int> calls{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      calls++;
      self.sleep_ms(3000);
      r.set_content(chunk_bytes(), "application/octet-stream");
    });
  });
  io::ContextOptions options = fast_retries();
  options.http.request_timeout_ms = 300;
  options.http.max_attempts = 2;
  Error e = error_of([&] { read_chunk(server.url("vol"), options); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)) && Catch::Contains("2 attempts"));
  CHECK(calls == 2);
}

TEST_CASE("a 403 is a permission error that says how to pass a token and never shows it",
          "[precomputed][http][faults]") {
  std::string seen_auth;
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request& q, httplib::Response& r) {
      seen_auth = q.get_header_value("Authorization");
      r.status = 403;
    });
  });
  io::ContextOptions options = fast_retries();
  Error e = error_of([&] { read_chunk(server.url("vol"), options, false, "s3cr3t-t0ken"); });
  CHECK(e.code() == ErrorCode::kPermissionDenied);
  CHECK(e.remedy() == Remedy::kGiveToken);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)) && Catch::Contains("token"));
  CHECK_THAT(e.what(), !Catch::Contains("s3cr3t"));
  CHECK(seen_auth == "Bearer s3cr3t-t0ken");
}

TEST_CASE("a 404 chunk is missing: an error, or zeros with fill_missing",
          "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) { serve_info(s); });
  Error e = error_of([&] { read_chunk(server.url("vol"), fast_retries()); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)));
  Array zeros = read_chunk(server.url("vol"), fast_retries(), true);
  for (int i = 0; i < 64; ++i) CHECK(zeros.data<std::uint8_t>()[i] == 0);
}

TEST_CASE("a missing info over HTTP is not found, naming the URL", "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server&, FaultServer&) {});
  auto context = imagery::testing::make_context(fast_retries());
  Error e = error_of([&] { Volume::open(server.url("nothing"), *context); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains(server.url("nothing/info")));
}

TEST_CASE("a refused connection is retried, then reported", "[precomputed][http][faults]") {
  const int port = imagery::testing::free_port();  // nothing listens there
  io::ContextOptions options = fast_retries();
  options.http.max_attempts = 2;
  auto context = imagery::testing::make_context(options);
  Error e = error_of(
      [&] { Volume::open("http://127.0.0.1:" + std::to_string(port) + "/vol", *context); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK_THAT(e.what(),
             Catch::Contains("127.0.0.1:" + std::to_string(port)) && Catch::Contains("2 attempts"));
}

TEST_CASE("a server that ignores Range gets the range cut out locally",
          "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/vol/blob", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(chunk_bytes(), "application/octet-stream");  // 200 with the whole object
    });
  });
  auto context = imagery::testing::make_context(fast_retries());
  io::HttpStorage storage(server.url("vol"), context->transport(), context->pool());
  auto bytes = storage.read_range("blob", 10, 5);
  REQUIRE(bytes);
  REQUIRE(bytes->size() == 5);
  CHECK(bytes->data()[0] == std::byte{10});
  CHECK(bytes->data()[4] == std::byte{14});
}

TEST_CASE("a body beyond the size limit is refused", "[precomputed][http][faults]") {
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    serve_info(s);
    s.Get(kChunkPath, [&](const httplib::Request&, httplib::Response& r) {
      r.set_content(std::string(100000, 'x'), "application/octet-stream");
    });
  });
  io::ContextOptions options = fast_retries();
  options.http.max_object_bytes = 4096;
  Error e = error_of([&] { read_chunk(server.url("vol"), options); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(server.url(kChunkPath)));
}

TEST_CASE("many chunks are fetched concurrently", "[precomputed][http][faults]") {
  std::atomic<int> in_flight{0}, most{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/many/info", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(
          R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [{"key": "k",
        "size": [64, 64, 1], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 1]], "encoding": "raw"}]})",
          "application/json");
    });
    s.Get(R"(/many/k/.*)", [&](const httplib::Request&, httplib::Response& r) {
      int now = ++in_flight;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      // Long enough that requests overlap however slowly a busy machine opens connections.
      self.sleep_ms(200);
      --in_flight;
      r.set_content(std::string(64, '\x07'), "application/octet-stream");
    });
  });
  auto context = imagery::testing::make_context(fast_retries());
  auto volume = Volume::open(server.url("many"), *context);
  Array a = volume.download({{0, 0, 0}, {64, 64, 1}}, 0);
  for (int i = 0; i < 64 * 64; ++i) REQUIRE(a.data<std::uint8_t>()[i] == 7);
  INFO("most requests in flight at once: " << most.load());
  CHECK(most.load() >= 8);  // 64 chunks of 200 ms each did not go one by one
}
