// Progress reports of volume reads: one call at a time, `done` rising 1, 2, ..., total, so that
// a progress bar or a Python callback (python/) never sees the count go backwards and the last
// call it gets says the read is complete. Reads run their chunks on worker threads, which used
// to report in whatever order they finished.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "imagery/volume/open_volume.h"
#include "support/test_context.h"
#include "support/test_support.h"

using imagery::testing::data_path;

namespace {

struct ProgressLog {
  std::vector<std::size_t> done;
  std::vector<std::size_t> totals;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
};

imagery::volume::ReadOptions logging_to(ProgressLog& log) {
  imagery::volume::ReadOptions options;
  options.on_progress = [&log](std::size_t done, std::size_t total, std::uint64_t) {
    if (log.inside.fetch_add(1) != 0) log.overlapped = true;
    // Long enough that a second worker finishing a chunk would arrive while this call runs.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    log.done.push_back(done);
    log.totals.push_back(total);
    log.inside.fetch_sub(1);
  };
  return options;
}

void check_in_order(const ProgressLog& log) {
  CHECK_FALSE(log.overlapped.load());
  REQUIRE(log.done.size() > 1);
  for (std::size_t i = 0; i < log.done.size(); ++i) {
    INFO("call " << i);
    CHECK(log.done[i] == i + 1);
    CHECK(log.totals[i] == log.done.size());
  }
}

}  // namespace

TEST_CASE("precomputed reads report progress one call at a time and in order",
          "[volume][progress]") {
  auto context = imagery::testing::make_context();
  auto volume = imagery::volume::open_volume(data_path("cloudvolume/image_raw"), *context);
  ProgressLog log;
  volume->read(volume->metadata().scale(0).bounds, 0, logging_to(log));
  check_in_order(log);
}

TEST_CASE("zarr reads report progress one call at a time and in order",
          "[volume][progress][zarr]") {
  auto context = imagery::testing::make_context();
  auto volume = imagery::volume::open_volume(data_path("zarr/zyx.zarr"), *context);
  ProgressLog log;
  volume->read(volume->metadata().scale(0).bounds, 0, logging_to(log));
  check_in_order(log);
}
