// ThreadPool::parallel_for and the free parallel_for (with or without a pool) run every index
// once and report failures.
#include "imagery/core/thread_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>
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

TEST_CASE("parallel_for on a pool without workers runs everything on the caller", "[core][pool]") {
  ThreadPool pool(0);
  CHECK(pool.size() == 0);
  std::vector<int> hits(10, 0);  // one thread: plain ints are enough
  const auto caller = std::this_thread::get_id();
  bool elsewhere = false;
  pool.parallel_for(hits.size(), [&](std::size_t i) {
    hits[i]++;
    if (std::this_thread::get_id() != caller) elsewhere = true;
  });
  CHECK(hits == std::vector<int>(10, 1));
  CHECK_FALSE(elsewhere);
}

TEST_CASE("parallel_for of zero items calls nothing", "[core][pool]") {
  ThreadPool pool(2);
  bool called = false;
  pool.parallel_for(0, [&](std::size_t) { called = true; });
  imagery::parallel_for(nullptr, 0, [&](std::size_t) { called = true; });
  CHECK_FALSE(called);
}

TEST_CASE("the free parallel_for without a pool runs the calls in order on this thread",
          "[core][pool]") {
  std::vector<std::size_t> order;
  const auto caller = std::this_thread::get_id();
  bool elsewhere = false;
  imagery::parallel_for(nullptr, 6, [&](std::size_t i) {
    order.push_back(i);
    if (std::this_thread::get_id() != caller) elsewhere = true;
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
  CHECK_FALSE(elsewhere);
}

TEST_CASE("the free parallel_for with a pool spreads the calls over it", "[core][pool]") {
  ThreadPool pool(2);
  std::vector<std::atomic<int>> hits(100);
  imagery::parallel_for(&pool, hits.size(), [&](std::size_t i) { hits[i]++; });
  for (auto& h : hits) CHECK(h.load() == 1);
}

TEST_CASE("the free parallel_for runs every call and rethrows the first failure, pool or not",
          "[core][pool]") {
  // Algorithms that take an optional pool must behave the same without one: the calls after a
  // failing one still run (they may be releasing resources or reporting progress).
  ThreadPool pool(2);
  for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
    INFO((p ? "with a pool" : "without a pool"));
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH(imagery::parallel_for(p, 10,
                                            [&](std::size_t i) {
                                              ran++;
                                              if (i == 2) throw std::runtime_error("call 2 failed");
                                            }),
                      "call 2 failed");
    CHECK(ran.load() == 10);
  }
}
