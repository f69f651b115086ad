// Context: one object per type (made with the context when the type wants it), warnings to the
// context's own sink, and nothing shared between two contexts — pools, caches, credentials,
// resources, transports.
#include "imagery/io/context.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using imagery::io::Context;
using imagery::io::ContextOptions;
using imagery::io::StoredObject;

namespace {

struct Plain {
  int value = 7;
};

// Records the context it was made for, and how many were made and destroyed.
struct WithContext {
  static inline std::atomic<int> made{0}, destroyed{0};
  explicit WithContext(Context& c) : context(&c) { made++; }
  ~WithContext() { destroyed++; }
  Context* context;
};

// Has both constructors: the context one must win.
struct Both {
  Both() = default;
  explicit Both(Context& c) : context(&c) {}
  Context* context = nullptr;
};

// Asks for another resource while it is made.
struct Nested {
  explicit Nested(Context& c) : inner(&c.resource<Both>()) {}
  Both* inner;
};

struct SlowToMake {
  static inline std::atomic<int> made{0};
  SlowToMake() {
    made++;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
};

ContextOptions small_options() {
  ContextOptions o;
  o.threads = 2;
  o.memory_cache_bytes = 1 << 20;
  return o;
}

}  // namespace

TEST_CASE("a context has one resource per type", "[io][context]") {
  Context context(small_options());
  Plain& a = context.resource<Plain>();
  CHECK(a.value == 7);
  a.value = 42;
  CHECK(&context.resource<Plain>() == &a);
  CHECK(context.resource<Plain>().value == 42);
  // Another type is another slot.
  CHECK(static_cast<void*>(&context.resource<Both>()) != static_cast<void*>(&a));
}

TEST_CASE("a context makes resources with T(Context&) when T has that constructor",
          "[io][context]") {
  const int made_before = WithContext::made, destroyed_before = WithContext::destroyed;
  {
    Context context(small_options());
    CHECK(context.resource<WithContext>().context == &context);
    CHECK(context.resource<Both>().context == &context);
    context.resource<WithContext>();
    CHECK(WithContext::made - made_before == 1);
    CHECK(WithContext::destroyed - destroyed_before == 0);
  }
  // Resources live and die with their context.
  CHECK(WithContext::destroyed - destroyed_before == 1);
}

TEST_CASE("concurrent first uses of a resource make it once", "[io][context]") {
  Context context(small_options());
  const int before = SlowToMake::made;
  std::vector<std::thread> threads;
  std::vector<SlowToMake*> seen(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] { seen[t] = &context.resource<SlowToMake>(); });
  for (auto& th : threads) th.join();
  CHECK(SlowToMake::made - before == 1);
  for (auto* p : seen) CHECK(p == seen[0]);
}

TEST_CASE("two contexts share nothing", "[io][context]") {
  Context a(small_options()), b(small_options());
  CHECK(&a.resource<Plain>() != &b.resource<Plain>());
  CHECK(a.resource<WithContext>().context == &a);
  CHECK(b.resource<WithContext>().context == &b);
  CHECK(&a.pool() != &b.pool());
  CHECK(&a.credentials() != &b.credentials());
  CHECK(&a.memory_cache() != &b.memory_cache());
  // What one caches the other does not see.
  a.memory_cache().put("https://h/vol/info", std::make_shared<const StoredObject>(), 10);
  CHECK(a.memory_cache().get("https://h/vol/info") != nullptr);
  CHECK(b.memory_cache().get("https://h/vol/info") == nullptr);
  // A token granted in one is not sent by the other (secret files stay out of it).
  a.credentials().set_use_secret_files(false);
  b.credentials().set_use_secret_files(false);
  a.credentials().grant("https://h/", "secret");
  CHECK(a.credentials().token_for("https://h/vol/info") == "secret");
  CHECK(b.credentials().token_for("https://h/vol/info").empty());
  CHECK(&a.transport() != &b.transport());
}

TEST_CASE("a context's options size its pool and memory cache", "[io][context]") {
  ContextOptions o;
  o.threads = 3;
  o.memory_cache_bytes = 12345;
  Context context(o);
  CHECK(context.pool().size() == 3);
  CHECK(&context.pool() == &context.pool());
  CHECK(context.memory_cache().budget() == 12345);
  CHECK(context.options().threads == 3);
  ContextOptions automatic;
  automatic.threads = 0;  // one per hardware thread, at least one
  Context defaults(automatic);
  CHECK(defaults.pool().size() >= 1);
}

TEST_CASE("warnings go to the context's sink, and only that context's", "[io][context]") {
  Context a(small_options()), b(small_options());
  std::vector<std::string> to_a, to_b;
  a.set_warning_sink([&](const std::string& m) { to_a.push_back(m); });
  b.set_warning_sink([&](const std::string& m) { to_b.push_back(m); });
  a.warn("every chunk of the cutout is missing");
  a.warn("second");
  b.warn("for b");
  CHECK(to_a == std::vector<std::string>{"every chunk of the cutout is missing", "second"});
  CHECK(to_b == std::vector<std::string>{"for b"});
  // A new sink replaces the old one.
  std::vector<std::string> replaced;
  a.set_warning_sink([&](const std::string& m) { replaced.push_back(m); });
  a.warn("third");
  CHECK(to_a.size() == 2);
  CHECK(replaced == std::vector<std::string>{"third"});
}

TEST_CASE("http_stats() is all zeros before any request", "[io][context]") {
  Context context(small_options());
  auto s = context.http_stats();
  CHECK(s.requests == 0);
  CHECK(s.bytes == 0);
  CHECK(s.retries == 0);
  CHECK(s.redirects == 0);
  CHECK(s.peak_in_flight == 0);
  // A started transport that sent nothing has nothing to count either.
  context.transport();
  s = context.http_stats();
  CHECK(s.requests == 0);
  CHECK(s.bytes == 0);
  CHECK(s.peak_in_flight == 0);
}

TEST_CASE("a resource may ask for another resource while it is made", "[io][context]") {
  Context context;
  Nested& nested = context.resource<Nested>();
  CHECK(nested.inner == &context.resource<Both>());
}
