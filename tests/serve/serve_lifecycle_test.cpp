// How `imagery serve` starts and ends: bad flags refused in one line with the documented exit
// code before anything listens, and SIGTERM letting a request in flight finish before exit 0.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "imagery/core/error.h"
#include "support/fault_server.h"
#include "support/serve_process.h"

using namespace imagery;
using testing::demo_image_path;
using testing::FaultServer;
using testing::ServeProcess;
using testing::TempDir;

TEST_CASE("serve finishes a request in flight on SIGTERM and exits 0", "[serve]") {
  std::atomic<int> begun{0};
  FaultServer slow([&begun](httplib::Server& s, FaultServer& self) {
    s.Get(R"(/image/(.+))", [&begun, &self](const httplib::Request& req, httplib::Response& res) {
      const std::string relative = req.matches[1];
      if (relative != "info") {
        ++begun;
        self.sleep_ms(800);
      }
      const std::vector<std::byte> b = testing::read_file(demo_image_path() + "/" + relative);
      res.set_content(std::string(reinterpret_cast<const char*>(b.data()), b.size()),
                      "application/octet-stream");
    });
  });
  ServeProcess server({"--source", "slow=" + slow.url("/image")});
  auto in_flight = std::async(
      std::launch::async, [&] { return server.get("/api/sources/slow/tiles/2/0/0.png?z=105"); });
  for (int i = 0; i < 2000 && begun.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(begun.load() > 0);
  server.process().signal(SIGTERM);
  auto res = in_flight.get();
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "image/png");
  const testing::CommandResult ended = server.process().wait();
  CHECK(ended.exit_code == 0);
  // Nothing listens any more.
  httplib::Client after(server.host(), server.port());
  CHECK_FALSE(after.Get("/api/sources"));
}

TEST_CASE("serve refuses bad flags in one line before listening", "[serve]") {
  TempDir dir;
  const int invalid = exit_code_for(ErrorCode::kInvalidArgument);
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string says;
  };
  testing::write_file(dir.file("bad.json"), R"({"sources": {"em": 3}})");
  testing::write_file(dir.file("unknown.json"), R"({"colour": "red"})");
  const std::vector<Case> cases = {
      {{"serve"}, invalid, "--source"},
      {{"serve", "--source", "em"}, invalid, "NAME=URL"},
      {{"serve", "--source", "a/b=" + demo_image_path()}, invalid, "a/b"},
      {{"serve", "--source", "em=" + demo_image_path(), "--source", "em=" + demo_image_path()},
       invalid,
       "twice"},
      {{"serve", "--source", "em=" + dir.file("missing")},
       exit_code_for(ErrorCode::kNotFound),
       "missing"},
      {{"serve", "--config", dir.file("nope.json")},
       exit_code_for(ErrorCode::kNotFound),
       "nope.json"},
      {{"serve", "--config", dir.file("bad.json")}, invalid, "sources.em"},
      {{"serve", "--config", dir.file("unknown.json")}, invalid, "colour"},
      {{"serve", "--source", "em=" + demo_image_path(), "--max-inflight", "0"},
       invalid,
       "--max-inflight"},
  };
  for (const Case& c : cases) {
    INFO(c.args.back());
    const testing::CommandResult r = testing::run_imagery(c.args);
    CHECK(r.exit_code == c.code);
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(testing::count_lines(r.err) == 1);
    CHECK(r.out.find("listening") == std::string::npos);
  }
}
