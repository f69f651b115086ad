// SharedVolumes over a FaultServer on 127.0.0.1: a source is opened once for all rows; a
// permanent failure (missing, malformed) is remembered and handed to later rows without asking
// again, while a transient one (503: kUnavailable) is not, so the next row retries and succeeds.
#include "imagery/cli/shared_volumes.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "imagery/core/error.h"
#include "support/error_of.h"
#include "support/fault_server.h"
#include "support/test_context.h"

using imagery::Error;
using imagery::ErrorCode;
using imagery::cli::is_transient;
using imagery::cli::SharedVolumes;
using imagery::testing::error_of;
using imagery::testing::FaultServer;

namespace {

const char* kInfo = R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
  {"key": "k", "size": [8, 8, 1], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 1]],
   "encoding": "raw"}]})";

// One attempt per request: a 503 is the transport's final answer, at once.
std::unique_ptr<imagery::io::Context> single_attempt_context() {
  auto options = imagery::testing::quick_options();
  options.http.max_attempts = 1;
  return imagery::testing::make_context(options);
}

}  // namespace

TEST_CASE("a transient failure to open a source is not remembered: the next open retries",
          "[cli][batch][volumes]") {
  std::atomic<int> info_requests{0};
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/vol/info", [&](const httplib::Request&, httplib::Response& r) {
      if (info_requests++ == 0) {
        r.status = 503;
        return;
      }
      r.set_content(kInfo, "application/json");
    });
  });
  auto context = single_attempt_context();
  std::vector<int> requests_seen_by_hook;
  SharedVolumes volumes(*context, [&](const std::string& source) {
    CHECK(source == server.url("vol"));
    requests_seen_by_hook.push_back(info_requests.load());
  });
  const auto e = error_of([&] { volumes.open(server.url("vol")); });
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK(info_requests == 1);
  // The second row tries again, and this time the server answers.
  auto v = volumes.open(server.url("vol"));
  REQUIRE(v);
  CHECK(v->metadata().scales.size() == 1);
  CHECK(info_requests == 2);
  // From now on every row shares the one volume without asking.
  CHECK(volumes.open(server.url("vol")) == v);
  CHECK(info_requests == 2);
  // The hook ran before each attempt to open, never after the volume was there.
  CHECK(requests_seen_by_hook == std::vector<int>{0, 1});
}

TEST_CASE("a permanent failure to open a source is remembered for later rows",
          "[cli][batch][volumes]") {
  std::atomic<int> requests{0};
  FaultServer server([&](httplib::Server& s, FaultServer&) {
    s.Get("/broken/info", [&](const httplib::Request&, httplib::Response& r) {
      requests++;
      r.set_content("{ not json", "application/json");
    });
    s.Get("/good/info", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content(kInfo, "application/json");
    });
  });
  auto context = single_attempt_context();
  int hook_calls = 0;
  SharedVolumes volumes(*context, [&](const std::string&) { hook_calls++; });
  const auto first = error_of([&] { volumes.open(server.url("broken")); });
  CHECK(first.code() == ErrorCode::kDataLoss);
  const int after_first = requests.load();
  const int server_total = server.requests();
  const auto second = error_of([&] { volumes.open(server.url("broken")); });
  // The same error, without a request or the hook.
  CHECK(second.code() == first.code());
  CHECK(std::string(second.what()) == first.what());
  CHECK(requests == after_first);
  CHECK(server.requests() == server_total);
  CHECK(hook_calls == 1);
  // Other sources are not affected.
  CHECK(volumes.open(server.url("good")));
}

TEST_CASE("a missing source is remembered as missing", "[cli][batch][volumes]") {
  FaultServer server([](httplib::Server&, FaultServer&) {});  // 404 for everything
  auto context = single_attempt_context();
  SharedVolumes volumes(*context);
  const auto first = error_of([&] { volumes.open(server.url("nothing")); });
  CHECK(first.code() == ErrorCode::kNotFound);
  const int asked = server.requests();
  CHECK(asked >= 1);
  CHECK(error_of([&] { volumes.open(server.url("nothing")); }).code() == ErrorCode::kNotFound);
  CHECK(server.requests() == asked);
}

TEST_CASE("concurrent first opens of one source open it once", "[cli][batch][volumes]") {
  std::atomic<int> info_requests{0};
  FaultServer server([&](httplib::Server& s, FaultServer& f) {
    s.Get("/vol/info", [&](const httplib::Request&, httplib::Response& r) {
      info_requests++;
      f.sleep_ms(50);  // long enough for the other threads to arrive while this one opens
      r.set_content(kInfo, "application/json");
    });
  });
  auto context = single_attempt_context();
  SharedVolumes volumes(*context);
  std::vector<std::shared_ptr<const imagery::volume::Volume>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] { got[t] = volumes.open(server.url("vol")); });
  for (auto& th : threads) th.join();
  CHECK(info_requests == 1);
  for (const auto& v : got) CHECK(v == got[0]);
}

TEST_CASE("only network trouble, cancellation and foreign exceptions are transient",
          "[cli][batch][volumes]") {
  auto of = [](auto e) { return std::make_exception_ptr(e); };
  CHECK(is_transient(of(Error(ErrorCode::kUnavailable, "HTTP 503"))));
  CHECK(is_transient(of(Error(ErrorCode::kCancelled, "stopped"))));
  CHECK(is_transient(of(std::bad_alloc())));
  CHECK(is_transient(of(std::runtime_error("?"))));
  for (ErrorCode code : {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kDataLoss,
                         ErrorCode::kPermissionDenied, ErrorCode::kResourceExhausted,
                         ErrorCode::kIoError, ErrorCode::kInternal}) {
    INFO(static_cast<int>(code));
    CHECK_FALSE(is_transient(of(Error(code, "x"))));
  }
}
