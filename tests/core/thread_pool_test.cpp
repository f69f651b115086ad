// ThreadPool::parallel_for runs every index once and reports failures.
#include "imagery/core/thread_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

using imagery::ThreadPool;

TEST_CASE("parallel_for runs every index exactly once", "[core][pool]") {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  pool.parallel_for(hits.size(), [&](std::size_t i) { hits[i]++; });
  for (auto& h : hits) CHECK(h.load() == 1);
}

TEST_CASE("parallel_for rethrows the first failure after all tasks ran", "[core][pool]") {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  CHECK_THROWS_WITH(pool.parallel_for(50,
                                      [&](std::size_t i) {
                                        ran++;
                                        if (i % 10 == 3) throw std::runtime_error("task failed");
                                      }),
                    "task failed");
  CHECK(ran.load() == 50);
}

TEST_CASE("nested parallel_for calls do not deadlock", "[core][pool]") {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  pool.parallel_for(8, [&](std::size_t) { pool.parallel_for(8, [&](std::size_t) { total++; }); });
  CHECK(total.load() == 64);
}
