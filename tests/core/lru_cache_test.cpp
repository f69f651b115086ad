// LruCache: the byte budget (values plus keys and bookkeeping), least-recently-used eviction,
// replacement, the cap on one entry's share of the budget, the counters, and many threads at once.
#include "imagery/core/lru_cache.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using imagery::LruCache;

namespace {

std::shared_ptr<const std::string> value(const std::string& s) {
  return std::make_shared<const std::string>(s);
}

// What an entry costs beyond its value bytes and key: measured, not copied from the header, so the
// tests hold whatever the bookkeeping estimate is.
std::size_t entry_overhead() {
  LruCache<std::string> probe(1 << 20);
  probe.put("", value(""), 0);
  return probe.size_bytes();
}

// The budget charged for an entry under `key` with `bytes` of value.
std::size_t cost(const std::string& key, std::size_t bytes) {
  return bytes + key.size() + entry_overhead();
}

}  // namespace

TEST_CASE("an LRU cache charges the value, the key and its bookkeeping to the budget",
          "[core][cache]") {
  const std::size_t overhead = entry_overhead();
  // A cache that charged nothing for empty entries could be filled without bound.
  CHECK(overhead > 0);
  LruCache<std::string> cache(1 << 20);
  cache.put("abc", value("x"), 100);
  CHECK(cache.size_bytes() == 100 + 3 + overhead);
  cache.put("de", value("y"), 50);
  CHECK(cache.size_bytes() == 100 + 3 + 50 + 2 + 2 * overhead);
  CHECK(cache.entries() == 2);
  cache.erase("abc");
  CHECK(cache.size_bytes() == 50 + 2 + overhead);
  cache.erase("no such key");  // erasing what is not there changes nothing
  CHECK(cache.entries() == 1);
  cache.clear();
  CHECK(cache.size_bytes() == 0);
  CHECK(cache.entries() == 0);
  CHECK(cache.get("de") == nullptr);
}

TEST_CASE("an LRU cache hands out the stored value itself, not a copy", "[core][cache]") {
  LruCache<std::string> cache(1 << 20);
  auto v = value("payload");
  cache.put("k", v, v->size());
  auto a = cache.get("k");
  auto b = cache.get("k");
  CHECK(a.get() == v.get());
  CHECK(b.get() == v.get());
}

TEST_CASE("an LRU cache evicts the least recently used entry first", "[core][cache]") {
  // Room for exactly three entries of this size.
  const std::size_t one = cost("a", 100);
  LruCache<std::string> cache(3 * one);
  cache.put("a", value("A"), 100);
  cache.put("b", value("B"), 100);
  cache.put("c", value("C"), 100);
  REQUIRE(cache.entries() == 3);
  // Reading "a" makes "b" the least recently used.
  REQUIRE(cache.get("a") != nullptr);
  cache.put("d", value("D"), 100);
  CHECK(cache.entries() == 3);
  CHECK(cache.get("b") == nullptr);
  CHECK(cache.get("a") != nullptr);
  CHECK(cache.get("c") != nullptr);
  CHECK(cache.get("d") != nullptr);
  // Now the order of use is a, c, d (oldest first): two more evict a, then c.
  cache.put("e", value("E"), 100);
  CHECK(cache.get("a") == nullptr);
  cache.put("f", value("F"), 100);
  CHECK(cache.get("c") == nullptr);
  CHECK(cache.get("d") != nullptr);
  CHECK(cache.get("e") != nullptr);
  CHECK(cache.get("f") != nullptr);
  CHECK(cache.size_bytes() <= cache.budget());
}

TEST_CASE("an LRU cache evicts as many old entries as a large new one needs", "[core][cache]") {
  const std::size_t small = cost("a", 10);
  LruCache<std::string> cache(10 * small);
  for (char k = 'a'; k < 'a' + 8; ++k) cache.put(std::string(1, k), value("v"), 10);
  REQUIRE(cache.entries() == 8);
  // An entry the size of four small ones leaves room for six of the eight.
  cache.put("z", value("Z"), 4 * small - cost("z", 0));
  CHECK(cache.get("z") != nullptr);
  CHECK(cache.get("a") == nullptr);
  CHECK(cache.get("b") == nullptr);
  CHECK(cache.get("c") != nullptr);
  CHECK(cache.get("h") != nullptr);
  CHECK(cache.size_bytes() <= cache.budget());
  CHECK(cache.stats().evictions == 2);
}

TEST_CASE("putting a key again replaces its value and its cost", "[core][cache]") {
  LruCache<std::string> cache(1 << 20);
  cache.put("k", value("old"), 1000);
  cache.put("k", value("new"), 10);
  CHECK(cache.entries() == 1);
  CHECK(*cache.get("k") == "new");
  CHECK(cache.size_bytes() == cost("k", 10));
  // Replacing is not an eviction.
  CHECK(cache.stats().evictions == 0);
}

TEST_CASE("a replacement too large to keep drops the old value instead of serving it stale",
          "[core][cache]") {
  LruCache<std::string> cache(cost("k", 100));
  cache.put("k", value("old"), 100);
  REQUIRE(cache.get("k") != nullptr);
  cache.put("k", value("huge"), 1000);
  CHECK(cache.get("k") == nullptr);
  CHECK(cache.entries() == 0);
  CHECK(cache.size_bytes() == 0);
}

TEST_CASE("replacing a key makes it the most recently used", "[core][cache]") {
  const std::size_t one = cost("a", 100);
  LruCache<std::string> cache(2 * one);
  cache.put("a", value("A"), 100);
  cache.put("b", value("B"), 100);
  cache.put("a", value("A2"), 100);  // "b" is now the oldest
  cache.put("c", value("C"), 100);
  CHECK(cache.get("b") == nullptr);
  CHECK(*cache.get("a") == "A2");
}

TEST_CASE("entries larger than the budget's max_entry_fraction are not kept", "[core][cache]") {
  const std::size_t budget = 4000;
  LruCache<std::string> cache(budget);
  // Default fraction 1: anything that fits the whole budget.
  cache.put("whole", value("w"), budget - cost("whole", 0));
  CHECK(cache.get("whole") != nullptr);
  cache.put("over", value("o"), budget - cost("over", 0) + 1);
  CHECK(cache.get("over") == nullptr);
  // The oversized entry did not flush what was there.
  CHECK(cache.get("whole") != nullptr);

  cache.clear();
  cache.set_max_entry_fraction(4);
  cache.put("quarter", value("q"), budget / 4 - cost("quarter", 0));
  CHECK(cache.get("quarter") != nullptr);
  cache.put("more", value("m"), budget / 4 - cost("more", 0) + 1);
  CHECK(cache.get("more") == nullptr);

  // A fraction of 0 would divide by zero; it means 1.
  cache.set_max_entry_fraction(0);
  cache.clear();
  cache.put("whole", value("w"), budget - cost("whole", 0));
  CHECK(cache.get("whole") != nullptr);
}

TEST_CASE("a cache with a zero budget keeps nothing", "[core][cache]") {
  LruCache<std::string> cache(0);
  cache.put("k", value("v"), 0);
  CHECK(cache.get("k") == nullptr);
  CHECK(cache.entries() == 0);
  CHECK(cache.size_bytes() == 0);
}

TEST_CASE("shrinking the budget evicts the oldest entries at once", "[core][cache]") {
  const std::size_t one = cost("a", 100);
  LruCache<std::string> cache(4 * one);
  for (const char* k : {"a", "b", "c", "d"}) cache.put(k, value(k), 100);
  cache.set_budget(2 * one);
  CHECK(cache.budget() == 2 * one);
  CHECK(cache.entries() == 2);
  CHECK(cache.get("a") == nullptr);
  CHECK(cache.get("b") == nullptr);
  CHECK(cache.get("c") != nullptr);
  CHECK(cache.get("d") != nullptr);
  cache.set_budget(0);
  CHECK(cache.entries() == 0);
  CHECK(cache.size_bytes() == 0);
}

TEST_CASE("LRU cache stats count hits, misses and evictions", "[core][cache]") {
  const std::size_t one = cost("a", 10);
  LruCache<std::string> cache(2 * one);
  auto s = cache.stats();
  CHECK(s.hits == 0);
  CHECK(s.misses == 0);
  CHECK(s.evictions == 0);
  CHECK(s.entries == 0);
  CHECK(s.bytes == 0);
  CHECK(s.budget == 2 * one);
  CHECK(cache.get("a") == nullptr);  // miss
  cache.put("a", value("A"), 10);
  CHECK(cache.get("a") != nullptr);  // hit
  CHECK(cache.get("a") != nullptr);  // hit
  cache.put("b", value("B"), 10);
  cache.put("c", value("C"), 10);    // evicts a
  CHECK(cache.get("a") == nullptr);  // miss
  s = cache.stats();
  CHECK(s.hits == 2);
  CHECK(s.misses == 2);
  CHECK(s.evictions == 1);
  CHECK(s.entries == 2);
  CHECK(s.bytes == 2 * one);
  CHECK(s.bytes == cache.size_bytes());
}

TEST_CASE("an LRU cache used from many threads stays within its budget and counts every lookup",
          "[core][cache]") {
  const std::size_t one = cost("key-00", 64);
  LruCache<std::string> cache(20 * one);
  constexpr int kThreads = 4, kRounds = 2000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string key = "key-" + std::to_string((i * 7 + t) % 40 + 10);
        if (auto v = cache.get(key)) {
          // A value is always the one stored under its key, never another's.
          if (*v != key) wrong++;
        } else {
          cache.put(key, value(key), 64);
        }
        if (i % 97 == 0) cache.erase(key);
      }
    });
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  const auto s = cache.stats();
  CHECK(s.hits + s.misses == static_cast<std::uint64_t>(kThreads * kRounds));
  CHECK(s.bytes <= s.budget);
  CHECK(s.entries <= 20);
  CHECK(s.bytes == s.entries * one);
}
