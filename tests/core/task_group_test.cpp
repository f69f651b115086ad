// TaskGroup: every task runs, the first error comes back from wait(), and wait() does the queued
// work itself when no worker is free, so a group finishes even on a pool with every worker busy.
#include "imagery/core/task_group.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "imagery/core/thread_pool.h"

using imagery::TaskGroup;
using imagery::ThreadPool;

TEST_CASE("a task group runs every task before wait() returns", "[core][tasks]") {
  ThreadPool pool(2);
  std::atomic<int> done{0};
  TaskGroup group(pool);
  for (int i = 0; i < 200; ++i)
    group.run([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(10));
      done++;
    });
  group.wait();
  CHECK(done.load() == 200);
  CHECK_FALSE(group.failed());
}

TEST_CASE("a task group rethrows the first error from wait(), once, after every task ran",
          "[core][tasks]") {
  ThreadPool pool(0);  // no workers: the order of the tasks is the order of run()
  std::atomic<int> ran{0};
  TaskGroup group(pool);
  group.run([&] { ran++; });
  group.run([&] {
    ran++;
    throw std::runtime_error("first");
  });
  group.run([&] {
    ran++;
    throw std::logic_error("second");
  });
  group.run([&] { ran++; });
  CHECK_THROWS_WITH(group.wait(), "first");
  CHECK(ran.load() == 4);
  // The error was handed over; the group is clean again.
  CHECK_FALSE(group.failed());
  CHECK_NOTHROW(group.wait());
}

TEST_CASE("a task group reports failed() before wait() so callers can stop adding work",
          "[core][tasks]") {
  ThreadPool pool(1);
  TaskGroup group(pool);
  std::promise<void> thrown;
  group.run([&] {
    thrown.set_value();
    throw std::runtime_error("boom");
  });
  thrown.get_future().wait();
  // The error is recorded just after the task returns; give the worker a moment.
  for (int i = 0; i < 500 && !group.failed(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(group.failed());
  CHECK_THROWS_WITH(group.wait(), "boom");
}

TEST_CASE("wait() runs queued tasks on the calling thread when every worker is busy",
          "[core][tasks]") {
  ThreadPool pool(1);
  // Occupy the only worker until the group is done.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> blocking;
  pool.submit([&, released] {
    blocking.set_value();
    released.wait();
  });
  blocking.get_future().wait();

  std::mutex mutex;
  std::set<std::thread::id> threads;
  int count = 0;
  {
    TaskGroup group(pool);
    for (int i = 0; i < 10; ++i)
      group.run([&] {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
        ++count;
      });
    group.wait();  // would hang if it only waited for workers
  }
  release.set_value();
  CHECK(count == 10);
  CHECK(threads == std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST_CASE("a task group on a pool without workers still finishes", "[core][tasks]") {
  ThreadPool pool(0);
  int sum = 0;  // no locking needed: everything runs on this thread
  TaskGroup group(pool);
  for (int i = 1; i <= 10; ++i) group.run([&, i] { sum += i; });
  group.wait();
  CHECK(sum == 55);
}

TEST_CASE("a task group's destructor waits for its tasks and swallows their errors",
          "[core][tasks]") {
  ThreadPool pool(2);
  std::atomic<int> done{0};
  {
    TaskGroup group(pool);
    for (int i = 0; i < 20; ++i)
      group.run([&, i] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        done++;
        if (i == 3) throw std::runtime_error("ignored by the destructor");
      });
  }  // must neither throw nor return early
  CHECK(done.load() == 20);
}

TEST_CASE("a task group can be reused after wait()", "[core][tasks]") {
  ThreadPool pool(2);
  TaskGroup group(pool);
  std::atomic<int> n{0};
  group.run([&] { n++; });
  group.wait();
  group.run([&] { n += 10; });
  group.wait();
  CHECK(n.load() == 11);
}
