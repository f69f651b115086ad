// The HTTP transport (one libcurl multi handle on one I/O thread per Context) seen from outside:
// many threads share its connections and its cap on requests in flight and get the same bytes as
// a single reader, over HTTP/1.1 and HTTP/2; tokens stay with the origin they were granted for
// across redirects; stop tokens end requests wherever they are; methods, bodies and headers reach
// the server intact; redirect loops and absurd Content-Lengths end in clear errors; the counters
// tell what happened. Servers are nginx and cpp-httplib on 127.0.0.1.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/io/context.h"
#include "imagery/io/http_transport.h"
#include "imagery/io/internal/http_storage.h"
#include "imagery/precomputed/volume.h"
#include "support/error_of.h"
#include "support/fault_server.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"
#include "support/watchdog.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::Counter;
using imagery::testing::data_path;
using imagery::testing::error_of;
using imagery::testing::FaultServer;
using imagery::testing::NginxServer;
using imagery::testing::run_imagery;
using imagery::testing::sha256_hex;
using imagery::testing::TempDir;
using imagery::testing::Watchdog;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------------------------
// Many threads, one context.

// A cutout of one fixture volume: `bounds` in voxels of `mip`.
struct CutoutSpec {
  std::string volume;
  int mip = 0;
  Bbox bounds;
};

// Small boxes of 1 to 80 voxels a side (1 to 20 in z) at every mip of three fixture volumes:
// raw chunks, compressed segmentation with gzip, and a sharded volume read by byte ranges. Some
// boxes stay inside one chunk, others straddle chunk (and shard) boundaries.
std::vector<CutoutSpec> varied_cutouts(io::Context& disk) {
  std::mt19937 rng(20240611);
  std::vector<CutoutSpec> specs;
  for (const std::string name : {"image_raw", "seg_cseg", "seg_sharded_murmur"}) {
    const auto volume = Volume::open(data_path("cloudvolume/" + name), disk);
    for (int mip = 0; mip < static_cast<int>(volume.info().scales.size()); ++mip) {
      const Bbox whole = volume.info().scales[static_cast<std::size_t>(mip)].bounds();
      for (int n = 0; n < 4; ++n) {
        Vec3 size;
        Bbox box;
        for (int axis = 0; axis < 3; ++axis) {
          const std::int64_t extent = whole.max[axis] - whole.min[axis];
          const std::int64_t most = std::min<std::int64_t>(extent, axis == 2 ? 20 : 80);
          size[axis] = std::uniform_int_distribution<std::int64_t>(1, most)(rng);
          box.min[axis] = std::uniform_int_distribution<std::int64_t>(
              whole.min[axis], whole.max[axis] - size[axis])(rng);
          box.max[axis] = box.min[axis] + size[axis];
        }
        specs.push_back({name, mip, box});
      }
    }
  }
  return specs;
}

// The HTTP-side of "8 threads x 50 cutouts": every cutout through one shared context equals the
// single-threaded read of the same box from disk. Returns the server's access log.
std::vector<imagery::testing::AccessLogEntry> many_threads_many_cutouts(
    const NginxServer& nginx, io::ContextOptions options) {
  constexpr int kThreads = 8;
  constexpr int kCutoutsPerThread = 50;
  auto disk = imagery::testing::make_context();
  auto specs = std::make_shared<const std::vector<CutoutSpec>>(varied_cutouts(*disk));
  std::vector<std::string> reference;
  for (const CutoutSpec& s : *specs)
    reference.push_back(sha256_hex(
        Volume::open(data_path("cloudvolume/" + s.volume), *disk).download(s.bounds, s.mip)));

  std::shared_ptr<io::Context> context = imagery::testing::make_context(options);
  auto results = std::make_shared<std::vector<std::string>>(kThreads * kCutoutsPerThread);
  const std::string base = nginx.url();
  Watchdog watchdog;
  watchdog.start(kThreads, [context, specs, results, base](int t) {
    for (int i = 0; i < kCutoutsPerThread; ++i) {
      // Threads walk the boxes in different orders, so different volumes and mips overlap.
      const std::size_t k = static_cast<std::size_t>(t * 7 + i * (t + 1)) % specs->size();
      const CutoutSpec& s = (*specs)[k];
      std::string& out = (*results)[static_cast<std::size_t>(t * kCutoutsPerThread + i)];
      try {
        out = sha256_hex(Volume::open(base + "/" + s.volume, *context).download(s.bounds, s.mip));
      } catch (const std::exception& e) {
        out = std::string("error: ") + e.what();
      }
    }
  });
  REQUIRE(watchdog.all_finish_within(120s));  // none hung

  int wrong = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kCutoutsPerThread; ++i) {
      const std::size_t k = static_cast<std::size_t>(t * 7 + i * (t + 1)) % specs->size();
      const std::string& got = (*results)[static_cast<std::size_t>(t * kCutoutsPerThread + i)];
      if (got == reference[k]) continue;
      if (++wrong <= 3) {
        const CutoutSpec& s = (*specs)[k];
        UNSCOPED_INFO("thread " << t << " cutout " << i << ": " << s.volume << " mip " << s.mip
                                << " " << s.bounds.to_string() << " gave " << got);
      }
    }
  CHECK(wrong == 0);
  const io::HttpStats stats = context->http_stats();
  CHECK(stats.peak_in_flight <= options.http.max_in_flight);
  CHECK(stats.retries == 0);
  return nginx.access_log();
}

std::set<std::string> connections_of(const std::vector<imagery::testing::AccessLogEntry>& log) {
  std::set<std::string> connections;
  for (const auto& e : log) connections.insert(e.connection);
  return connections;
}

io::ContextOptions shared_context_options() {
  io::ContextOptions o = imagery::testing::quick_options();  // no memory cache: real requests
  o.http.max_in_flight = 16;
  o.http.max_connections_per_host = 4;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Two servers, one token.

// A 16x16x1 volume in four 8x8x1 raw chunks under PREFIX/k/: uint8 image voxels x + 16 y, or
// uint64 segment ids 1 + x / 4 + 4 (y / 4).
std::string volume_info(bool segmentation) {
  return std::string(R"({"type": ")") + (segmentation ? "segmentation" : "image") +
         R"(", "data_type": ")" + (segmentation ? "uint64" : "uint8") +
         R"(", "num_channels": 1, "scales": [{"key": "k", "size": [16, 16, 1],
         "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 1]], "encoding": "raw"}]})";
}

std::string chunk_of(bool segmentation, int x0, int y0) {
  std::string bytes;
  for (int y = y0; y < y0 + 8; ++y)
    for (int x = x0; x < x0 + 8; ++x) {
      if (!segmentation) {
        bytes += static_cast<char>(x + 16 * y);
        continue;
      }
      const std::uint64_t id = 1 + x / 4 + 4 * (y / 4);
      for (int b = 0; b < 8; ++b) bytes += static_cast<char>((id >> (8 * b)) & 0xff);
    }
  return bytes;
}

// Serves the volume above at /PREFIX (its info, with `info_text` in place of the real one when
// given, and its chunks).
void serve_volume(httplib::Server& s, const std::string& prefix, bool segmentation,
                  const std::string& info_text = "") {
  s.Get("/" + prefix + "/info", [=](const httplib::Request&, httplib::Response& r) {
    r.set_content(info_text.empty() ? volume_info(segmentation) : info_text, "application/json");
  });
  s.Get("/" + prefix + R"(/k/(\d+)-\d+_(\d+)-\d+_0-1)",
        [=](const httplib::Request& q, httplib::Response& r) {
          r.set_content(chunk_of(segmentation, std::stoi(q.matches[1]), std::stoi(q.matches[2])),
                        "application/octet-stream");
        });
}

bool is_image_ramp(const Array& a) {
  if (a.shape() != Shape4{16, 16, 1, 1}) return false;
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x)
      if (a.at<std::uint8_t>(x, y, 0) != static_cast<std::uint8_t>(x + 16 * y)) return false;
  return true;
}

// The path and Authorization header ("" when none) of every request a server received, noted
// before routing, so before the client can have seen the answer.
class SeenRequests {
 public:
  void watch(httplib::Server& s) {
    s.set_pre_routing_handler([this](const httplib::Request& q, httplib::Response&) {
      std::lock_guard lock(mutex_);
      seen_.emplace_back(q.path, q.get_header_value("Authorization"));
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  std::vector<std::pair<std::string, std::string>> all() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // How many requests carried exactly `authorization` ("" for none).
  std::size_t with(const std::string& authorization) const {
    std::size_t n = 0;
    for (const auto& [path, auth] : all()) n += auth == authorization;
    return n;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    seen_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> seen_;
};

std::string describe(const SeenRequests& seen) {
  std::string text;
  for (const auto& [path, auth] : seen.all())
    text += "  " + path + (auth.empty() ? " (no Authorization)" : " (" + auth + ")") + "\n";
  return text;
}

const std::string kToken = "t0k3n-for-a";
const std::string kBearer = "Bearer " + kToken;

// ---------------------------------------------------------------------------------------------
// Cancellation and the rest.

// A completion that a test waits for with a deadline (the promise outlives the test if the
// transport never calls it).
struct Awaited {
  std::shared_ptr<std::promise<io::HttpResult>> promise =
      std::make_shared<std::promise<io::HttpResult>>();
  std::future<io::HttpResult> future = promise->get_future();
  io::HttpTransport::Completion completion() {
    return [p = promise](io::HttpResult r) { p->set_value(std::move(r)); };
  }
  // The result, or nullopt when none came within `limit`.
  std::optional<io::HttpResult> within(std::chrono::milliseconds limit) {
    if (future.wait_for(limit) != std::future_status::ready) return std::nullopt;
    return future.get();
  }
};

Error error_in(const io::HttpResult& r) {
  REQUIRE(r.error);
  return error_of([&] { std::rethrow_exception(r.error); });
}

// A GET whose body arrives as sent (the transport hands gzip'd bodies over still compressed, and
// cpp-httplib compresses text when asked).
io::HttpRequest get(const std::string& url, std::stop_token stop = {}) {
  io::HttpRequest request;
  request.url = url;
  request.accept_gzip = false;
  request.stop = std::move(stop);
  return request;
}

Bytes bytes_of(const std::string& s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return Bytes(p, p + s.size());
}

std::string text_of(const Bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// Endless zeros until the client hangs up or the server stops.
bool endless(const FaultServer& self, httplib::DataSink& sink) {
  static const std::string block(64 << 10, '\0');
  while (!self.stopping())
    if (!sink.write(block.data(), block.size())) return false;
  return false;
}

}  // namespace

TEST_CASE(
    "8 threads x 50 cutouts through one context over HTTP/1.1 match single-threaded reads "
    "on at most max_connections_per_host connections",
    "[io][http][transport][concurrency]") {
  NginxServer nginx(data_path("cloudvolume"));
  const io::ContextOptions options = shared_context_options();
  const auto log = many_threads_many_cutouts(nginx, options);
  CHECK(log.size() >= 8 * 50);  // every cutout made requests: no cache answered them
  for (const auto& e : log) CHECK(e.protocol == "HTTP/1.1");
  const auto connections = connections_of(log);
  INFO(log.size() << " requests over " << connections.size() << " connections");
  CHECK(connections.size() <= static_cast<std::size_t>(options.http.max_connections_per_host));
}

TEST_CASE(
    "8 threads x 50 cutouts through one context over HTTP/2 match single-threaded reads "
    "on a few multiplexed connections",
    "[io][http][transport][concurrency][tls]") {
  NginxServer nginx(data_path("cloudvolume"), {.tls = true, .http2 = true});
  io::ContextOptions options = shared_context_options();
  options.http.verify_tls = false;  // the server's certificate is self-signed
  const auto log = many_threads_many_cutouts(nginx, options);
  CHECK(log.size() >= 8 * 50);
  std::map<std::string, std::size_t> protocols;
  for (const auto& e : log) ++protocols[e.protocol];
  CHECK(protocols["HTTP/2.0"] == log.size());
  const auto connections = connections_of(log);
  INFO(log.size() << " requests over " << connections.size() << " connections");
  CHECK(connections.size() <= 4);
}

TEST_CASE("a token given for one host never reaches another through a chunk redirect",
          "[io][http][transport][token]") {
  SeenRequests at_a, at_b;
  FaultServer b([&](httplib::Server& s, FaultServer&) {
    at_b.watch(s);
    serve_volume(s, "vol", false);
  });
  const std::string b_url = b.url();
  FaultServer a([&](httplib::Server& s, FaultServer&) {
    at_a.watch(s);
    s.Get("/vol/info", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(volume_info(false), "application/json");
    });
    s.Get(R"(/vol/k/.*)", [b_url](const httplib::Request& q, httplib::Response& r) {
      r.set_redirect(b_url + q.path, 302);
    });
  });

  SECTION("through the library") {
    auto context = imagery::testing::make_context();
    context->credentials().grant(a.url("vol"), kToken);
    CHECK(
        is_image_ramp(Volume::open(a.url("vol"), *context).download({{0, 0, 0}, {16, 16, 1}}, 0)));
    CHECK(context->http_stats().redirects == 4);
  }
  SECTION("through imagery --token cutout") {
    TempDir dir;
    const auto r = run_imagery({"--token", kToken, "cutout", a.url("vol"), "--bounds",
                                "0,0,0,16,16,1", "-o", dir.file("a.npy")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(is_image_ramp(read_npy(dir.file("a.npy")).array));
  }
  INFO("A saw:\n" << describe(at_a) << "B saw:\n" << describe(at_b));
  CHECK(at_a.all().size() == 5);  // the info and four chunks, each redirected
  CHECK(at_a.with(kBearer) == at_a.all().size());
  CHECK(at_b.all().size() == 4);
  CHECK(at_b.with("") == at_b.all().size());
}

TEST_CASE("a token given for one host never reaches the host its info redirects to",
          "[io][http][transport][token]") {
  SeenRequests at_a, at_b;
  FaultServer b([&](httplib::Server& s, FaultServer&) {
    at_b.watch(s);
    serve_volume(s, "moved", false);
  });
  const std::string redirect_info = R"({"redirect": ")" + b.url("moved") + R"("})";
  FaultServer a([&](httplib::Server& s, FaultServer&) {
    at_a.watch(s);
    serve_volume(s, "vol", false, redirect_info);
  });

  SECTION("through the library") {
    auto context = imagery::testing::make_context();
    context->credentials().grant(a.url("vol"), kToken);
    CHECK(
        is_image_ramp(Volume::open(a.url("vol"), *context).download({{0, 0, 0}, {16, 16, 1}}, 0)));
  }
  SECTION("through imagery --token cutout") {
    TempDir dir;
    const auto r = run_imagery({"--token", kToken, "cutout", a.url("vol"), "--bounds",
                                "0,0,0,16,16,1", "-o", dir.file("a.npy")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(is_image_ramp(read_npy(dir.file("a.npy")).array));
  }
  INFO("A saw:\n" << describe(at_a) << "B saw:\n" << describe(at_b));
  CHECK(at_a.all().size() == 1);  // only the info that redirects
  CHECK(at_a.with(kBearer) == 1);
  CHECK(at_b.all().size() == 5);  // the info and four chunks
  CHECK(at_b.with("") == at_b.all().size());
}

TEST_CASE("imagery --token goes to the hosts of both sources a figure names",
          "[io][http][transport][token][cli]") {
  // The documented rule: --token applies to the hosts of the sources given on the command line.
  SeenRequests at_a, at_b;
  FaultServer a([&](httplib::Server& s, FaultServer&) {
    at_a.watch(s);
    serve_volume(s, "img", false);
  });
  FaultServer b([&](httplib::Server& s, FaultServer&) {
    at_b.watch(s);
    serve_volume(s, "seg", true);
  });
  TempDir dir;
  const auto r =
      run_imagery({"--token", kToken, "figure", "--image", a.url("img"), "--seg", b.url("seg"),
                   "--bounds", "0,0,0,16,16,1", "-o", dir.file("fig.png")});
  INFO(r.err);
  INFO("A saw:\n" << describe(at_a) << "B saw:\n" << describe(at_b));
  REQUIRE(r.exit_code == 0);
  CHECK(at_a.all().size() >= 5);
  CHECK(at_a.with(kBearer) == at_a.all().size());
  CHECK(at_b.all().size() >= 5);
  CHECK(at_b.with(kBearer) == at_b.all().size());
}

TEST_CASE("a request in flight is cancelled promptly through its stop token",
          "[io][http][transport][cancel]") {
  Counter started;
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/slow", [&](const httplib::Request&, httplib::Response& r) {
      started.add();
      self.sleep_ms(30000);
      r.set_content("late", "text/plain");
    });
  });
  auto context = imagery::testing::make_context();
  std::stop_source stop;
  io::HttpRequest request;
  request.url = server.url("slow");
  request.stop = stop.get_token();
  Awaited done;
  context->transport().submit(std::move(request), done.completion());
  REQUIRE(started.reaches(1, 10s));  // the server is working on it
  const auto t0 = std::chrono::steady_clock::now();
  stop.request_stop();
  const auto result = done.within(10s);
  REQUIRE(result);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);  // not the server's 30 s
  const Error e = error_in(*result);
  CHECK(e.code() == ErrorCode::kCancelled);
  CHECK_THAT(e.what(), Catch::Contains(server.url("slow")));
}

TEST_CASE("a request whose stop token is already stopped is cancelled without being sent",
          "[io][http][transport][cancel]") {
  std::atomic<int> sent_anyway{0};
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/fast",
          [&](const httplib::Request&, httplib::Response& r) { r.set_content("x", "text/plain"); });
    s.Get("/never", [&](const httplib::Request&, httplib::Response& r) {
      ++sent_anyway;
      r.set_content("y", "text/plain");
    });
  });
  // Keep the I/O thread busy with other requests meanwhile, so that it picks up queued requests
  // at any moment, also between a submit() and the stop callback it registers. (Four at a time:
  // cpp-httplib listens with a backlog of 5, and more connections at once would wait for SYN
  // retransmits.)
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_in_flight = 4;
  auto context = imagery::testing::make_context(options);
  io::HttpTransport& transport = context->transport();
  constexpr int kBusy = 200;
  std::vector<Awaited> busy(kBusy);
  for (auto& b : busy) transport.submit(get(server.url("fast")), b.completion());
  std::stop_source stop;
  stop.request_stop();
  constexpr int kStopped = 200;
  std::vector<Awaited> cancelled(kStopped);
  for (auto& c : cancelled) {
    io::HttpRequest request;
    request.url = server.url("never");
    request.stop = stop.get_token();
    transport.submit(std::move(request), c.completion());
  }
  for (auto& c : cancelled) {
    const auto result = c.within(10s);
    REQUIRE(result);
    CHECK(error_in(*result).code() == ErrorCode::kCancelled);
  }
  for (auto& b : busy) REQUIRE(b.within(20s));
  CHECK(sent_anyway.load() == 0);
}

TEST_CASE("a queued request is cancelled without waiting for the one in flight",
          "[io][http][transport][cancel]") {
  Counter started;
  std::atomic<int> second_sent{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/slow", [&](const httplib::Request&, httplib::Response& r) {
      started.add();
      self.sleep_ms(30000);
      r.set_content("late", "text/plain");
    });
    s.Get("/second", [&](const httplib::Request&, httplib::Response& r) {
      ++second_sent;
      r.set_content("x", "text/plain");
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_in_flight = 1;  // the second request waits in the queue
  auto context = imagery::testing::make_context(options);
  std::stop_source first_stop, second_stop;
  Awaited first, second;
  context->transport().submit(get(server.url("slow"), first_stop.get_token()), first.completion());
  REQUIRE(started.reaches(1, 10s));
  context->transport().submit(get(server.url("second"), second_stop.get_token()),
                              second.completion());
  second_stop.request_stop();
  const auto result = second.within(10s);
  REQUIRE(result);
  CHECK(error_in(*result).code() == ErrorCode::kCancelled);
  CHECK(first.future.wait_for(0s) == std::future_status::timeout);  // still in flight
  CHECK(second_sent.load() == 0);
  first_stop.request_stop();
  const auto first_result = first.within(10s);
  REQUIRE(first_result);
  CHECK(error_in(*first_result).code() == ErrorCode::kCancelled);
}

TEST_CASE("a request waiting to retry is cancelled without waiting out its back-off",
          "[io][http][transport][cancel]") {
  Counter attempts;
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/busy", [&](const httplib::Request&, httplib::Response& r) {
      r.status = 503;
      r.set_header("Retry-After", "30");  // the next attempt would wait 30 s
      attempts.add();
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_attempts = 5;
  auto context = imagery::testing::make_context(options);
  std::stop_source stop;
  Awaited done;
  context->transport().submit(get(server.url("busy"), stop.get_token()), done.completion());
  REQUIRE(attempts.reaches(1, 10s));
  // The 503 was answered; wait until the transport has taken it as a retry, so that the request
  // is waiting and not in flight when it is cancelled.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (context->http_stats().retries < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  REQUIRE(context->http_stats().retries == 1);
  const auto t0 = std::chrono::steady_clock::now();
  stop.request_stop();
  const auto result = done.within(10s);
  REQUIRE(result);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(error_in(*result).code() == ErrorCode::kCancelled);
  CHECK(attempts.get() == 1);
}

TEST_CASE("read_many over HTTP ends with kCancelled when its stop token is stopped",
          "[io][http][transport][cancel]") {
  Counter started;
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get(R"(/vol/.*)", [&](const httplib::Request&, httplib::Response& r) {
      started.add();
      self.sleep_ms(30000);
      r.set_content("late", "text/plain");
    });
  });
  std::shared_ptr<io::Context> context = imagery::testing::make_context();
  auto storage =
      std::make_shared<io::HttpStorage>(server.url("vol"), context->transport(), context->pool());
  auto stop = std::make_shared<std::stop_source>();
  auto outcome = std::make_shared<std::promise<std::string>>();
  auto delivered = std::make_shared<std::atomic<int>>(0);
  auto future = outcome->get_future();
  Watchdog watchdog;
  watchdog.start(1, [context, storage, stop, outcome, delivered](int) {
    try {
      storage->read_many(
          {"a", "b", "c", "d"}, [delivered](std::size_t, auto) { ++*delivered; },
          stop->get_token());
      outcome->set_value("no error");
    } catch (const Error& e) {
      outcome->set_value(e.code() == ErrorCode::kCancelled ? "cancelled" : e.what());
    } catch (const std::exception& e) {
      outcome->set_value(e.what());
    }
  });
  REQUIRE(started.reaches(4, 10s));  // all four requests are at the server
  const auto t0 = std::chrono::steady_clock::now();
  stop->request_stop();
  REQUIRE(watchdog.all_finish_within(10s));
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(future.get() == "cancelled");
  CHECK(delivered->load() == 0);
}

TEST_CASE("a POST carries its method, binary body and headers to the server intact",
          "[io][http][transport][post]") {
  std::string method, body, custom, content_type;
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Post("/echo", [&](const httplib::Request& q, httplib::Response& r) {
      method = q.method;
      body = q.body;
      custom = q.get_header_value("X-Imagery-Test");
      content_type = q.get_header_value("Content-Type");
      r.set_content(q.body, "application/octet-stream");
    });
  });
  // Every byte value, zeros included, and more than one socket write's worth.
  std::string sent(300000, '\0');
  for (std::size_t i = 0; i < sent.size(); ++i)
    sent[i] = static_cast<char>((i * 7 + i / 256) & 0xff);
  auto context = imagery::testing::make_context();
  io::HttpRequest request;
  request.method = "POST";
  request.url = server.url("echo");
  request.headers = {{"Content-Type", "application/x-imagery"}, {"X-Imagery-Test", "a b;c=d"}};
  request.body = bytes_of(sent);
  request.accept_gzip = false;
  const io::HttpResponse response = context->transport().fetch(std::move(request));
  CHECK(response.status == 200);
  CHECK(method == "POST");
  CHECK(body.size() == sent.size());
  CHECK(body == sent);
  CHECK(custom == "a b;c=d");
  CHECK(content_type == "application/x-imagery");
  CHECK(text_of(response.body) == sent);
}

TEST_CASE("a 303 after a POST is followed with a GET without the body, a 307 keeps both",
          "[io][http][transport][post][redirect]") {
  struct Arrival {
    std::string method, path, body;
  };
  std::mutex mutex;
  std::vector<Arrival> arrivals;
  auto note = [&](const httplib::Request& q) {
    std::lock_guard lock(mutex);
    arrivals.push_back({q.method, q.path, q.body});
  };
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Post("/see-other", [&](const httplib::Request& q, httplib::Response& r) {
      note(q);
      r.set_redirect(self.url("landing"), 303);
    });
    s.Post("/temporary", [&](const httplib::Request& q, httplib::Response& r) {
      note(q);
      r.set_redirect(self.url("landing"), 307);
    });
    // Either method may arrive here: the test checks which one did.
    auto landing = [&](const httplib::Request& q, httplib::Response& r) {
      note(q);
      r.set_content("landed " + q.method, "text/plain");
    };
    s.Get("/landing", landing);
    s.Post("/landing", landing);
  });
  auto context = imagery::testing::make_context();
  const std::string sent("\x00\x01payload\xff", 11);
  auto post = [&](const std::string& path) {
    io::HttpRequest request;
    request.method = "POST";
    request.url = server.url(path);
    request.headers = {{"Content-Type", "application/octet-stream"}};
    request.body = bytes_of(sent);
    request.accept_gzip = false;
    return context->transport().fetch(std::move(request));
  };

  SECTION("303 See Other") {
    const auto response = post("see-other");
    CHECK(text_of(response.body) == "landed GET");
    CHECK(response.url == server.url("landing"));
    REQUIRE(arrivals.size() == 2);
    CHECK(arrivals[0].method == "POST");
    CHECK(arrivals[0].body == sent);
    CHECK(arrivals[1].method == "GET");
    CHECK(arrivals[1].path == "/landing");
    CHECK(arrivals[1].body.empty());
  }
  SECTION("307 Temporary Redirect") {
    const auto response = post("temporary");
    CHECK(text_of(response.body) == "landed POST");
    REQUIRE(arrivals.size() == 2);
    CHECK(arrivals[1].method == "POST");
    CHECK(arrivals[1].path == "/landing");
    CHECK(arrivals[1].body == sent);
  }
  CHECK(context->http_stats().redirects == 1);
}

TEST_CASE("an endless redirect loop ends after max_redirects hops with an error naming the URL",
          "[io][http][transport][redirect]") {
  Counter hops;
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/loop", [&](const httplib::Request&, httplib::Response& r) {
      hops.add();
      r.set_redirect(self.url("loop"));
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_redirects = 3;
  auto context = imagery::testing::make_context(options);
  const Error e = error_of([&] { context->transport().fetch(get(server.url("loop"))); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK_THAT(e.what(),
             Catch::Contains(server.url("loop")) && Catch::Contains("more than 3 redirects"));
  CHECK(hops.get() == 4);  // the request and three hops
  const io::HttpStats stats = context->http_stats();
  CHECK(stats.redirects == 3);
  CHECK(stats.requests == 4);
  CHECK(stats.retries == 0);
}

TEST_CASE("a Content-Length too large to hold in memory is a resource error naming the URL",
          "[io][http][transport][limits]") {
  // The header callback reserves room for the declared body; when that throws, the exception
  // must be caught inside libcurl's C callback and end the request, never unwind through C.
  std::uint64_t declared = 0, limit = 0;
#if !defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer aborts on an allocation this large instead of throwing std::bad_alloc.
  SECTION("beyond the address space: std::bad_alloc") {
    declared = std::uint64_t{1} << 61;
    limit = std::uint64_t{1} << 62;
  }
#endif
  SECTION("beyond what a vector can hold: std::length_error") {
    declared = std::uint64_t{1} << 63;
    limit = UINT64_MAX;
  }
  if (declared == 0) return;
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/huge", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content_provider(
          static_cast<std::size_t>(declared), "application/octet-stream",
          [&](std::size_t, std::size_t, httplib::DataSink& sink) { return endless(self, sink); });
    });
    s.Get("/small", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("small", "text/plain");
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_object_bytes = limit;
  auto context = imagery::testing::make_context(options);
  const Error e = error_of([&] { context->transport().fetch(get(server.url("huge"))); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(server.url("huge")));
  CHECK(context->http_stats().requests == 1);  // not retried
  // The I/O thread is unharmed: the next request works.
  CHECK(text_of(context->transport().fetch(get(server.url("small"))).body) == "small");
}

TEST_CASE("HTTP stats count requests, retries and redirects as they happened",
          "[io][http][transport][stats]") {
  std::atomic<int> flaky_calls{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/flaky", [&](const httplib::Request&, httplib::Response& r) {
      if (flaky_calls++ == 0) {
        r.status = 503;
        return;
      }
      r.set_content("0123456789", "application/octet-stream");
    });
    s.Get("/moved", [&](const httplib::Request&, httplib::Response& r) {
      r.set_redirect(self.url("target"));
    });
    s.Get("/target", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content("abcdef", "application/octet-stream");
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_attempts = 3;
  auto context = imagery::testing::make_context(options);
  CHECK(context->http_stats().requests == 0);

  const auto flaky = context->transport().fetch(get(server.url("flaky")));
  CHECK(text_of(flaky.body) == "0123456789");
  CHECK(flaky.attempts == 2);
  io::HttpStats stats = context->http_stats();
  CHECK(stats.requests == 2);  // the 503 and the 200
  CHECK(stats.retries == 1);
  CHECK(stats.redirects == 0);
  CHECK(stats.bytes == 10);

  const auto moved = context->transport().fetch(get(server.url("moved")));
  CHECK(text_of(moved.body) == "abcdef");
  CHECK(moved.url == server.url("target"));
  stats = context->http_stats();
  CHECK(stats.requests == 4);  // and the 302 and the hop
  CHECK(stats.retries == 1);
  CHECK(stats.redirects == 1);
  CHECK(stats.bytes == 16);
  CHECK(stats.peak_in_flight == 1);
}

TEST_CASE("requests in flight never exceed max_in_flight, and peak_in_flight says so",
          "[io][http][transport][stats]") {
  std::atomic<int> now{0}, most{0};
  FaultServer server([&](httplib::Server& s, FaultServer& self) {
    s.Get("/slow", [&](const httplib::Request&, httplib::Response& r) {
      const int n = ++now;
      int seen = most.load();
      while (n > seen && !most.compare_exchange_weak(seen, n)) {
      }
      self.sleep_ms(100);
      --now;
      r.set_content("done", "text/plain");
    });
  });
  io::ContextOptions options = imagery::testing::quick_options();
  options.http.max_in_flight = 4;
  auto context = imagery::testing::make_context(options);
  constexpr int kRequests = 20;
  std::vector<Awaited> done(kRequests);
  for (auto& d : done) context->transport().submit(get(server.url("slow")), d.completion());
  for (auto& d : done) {
    const auto result = d.within(20s);
    REQUIRE(result);
    REQUIRE(result->response);
    CHECK(text_of(result->response->body) == "done");
  }
  const io::HttpStats stats = context->http_stats();
  CHECK(stats.requests == kRequests);
  CHECK(stats.peak_in_flight == 4);  // reached, never passed
  CHECK(most.load() <= 4);
}
