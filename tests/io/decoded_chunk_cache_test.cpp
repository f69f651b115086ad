// The decoded-chunk cache on its own: hits, one decode for concurrent reads of a chunk (the others
// wait for its claim), abandoned claims that wake their waiters with nothing and leave the chunk
// to be claimed again, the byte budget, and off at budget 0.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "imagery/io/decoded_chunk_cache.h"

using imagery::io::DecodedChunkCache;

namespace {

DecodedChunkCache::Value number(int v) {
  return std::make_shared<const int>(v);
}
int value_of(const DecodedChunkCache::Value& v) {
  return *static_cast<const int*>(v.get());
}

}  // namespace

TEST_CASE("the decoded-chunk cache claims a miss once and hits after the claim is published",
          "[io][decoded_cache]") {
  DecodedChunkCache cache(1 << 20);
  auto first = cache.find_or_claim("a");
  REQUIRE(first.claim);
  CHECK_FALSE(first.value);
  // A second read of the same chunk while the first decodes it waits instead of claiming.
  auto second = cache.find_or_claim("a");
  CHECK_FALSE(second.claim);
  REQUIRE(second.is_pending());
  first.claim.publish(number(7), 100);
  CHECK_FALSE(first.claim);
  REQUIRE(second.pending.get());
  CHECK(value_of(second.pending.get()) == 7);
  auto third = cache.find_or_claim("a");
  REQUIRE(third.value);
  CHECK(value_of(third.value) == 7);
  CHECK_FALSE(third.claim);
  CHECK(cache.stats().entries == 1);
}

TEST_CASE("an abandoned claim wakes its waiters with nothing and keeps nothing",
          "[io][decoded_cache]") {
  DecodedChunkCache cache(1 << 20);
  auto waiter = [&] {
    auto first = cache.find_or_claim("bad");
    REQUIRE(first.claim);
    auto second = cache.find_or_claim("bad");
    REQUIRE(second.is_pending());
    {
      DecodedChunkCache::Claim dropped = std::move(first.claim);  // a decode that threw
    }
    return second.pending.get();
  }();
  CHECK(waiter == nullptr);
  CHECK(cache.stats().entries == 0);
  // The chunk is not poisoned: the next read claims it again and may publish it.
  auto again = cache.find_or_claim("bad");
  REQUIRE(again.claim);
  again.claim.publish(number(3), 10);
  CHECK(value_of(cache.find_or_claim("bad").value) == 3);
}

TEST_CASE("concurrent reads of one chunk decode it once", "[io][decoded_cache]") {
  DecodedChunkCache cache(1 << 20);
  std::atomic<int> decodes{0}, seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      auto look = cache.find_or_claim("shared");
      DecodedChunkCache::Value v = look.value;
      if (look.claim) {
        decodes.fetch_add(1);
        v = number(42);
        look.claim.publish(v, 64);
      } else if (look.is_pending()) {
        v = look.pending.get();
      }
      if (v && value_of(v) == 42) seen.fetch_add(1);
    });
  for (auto& t : threads) t.join();
  CHECK(decodes.load() == 1);
  CHECK(seen.load() == 8);
}

TEST_CASE("the decoded-chunk cache keeps to its byte budget, least recently used out first",
          "[io][decoded_cache]") {
  DecodedChunkCache cache(100000);
  for (int i = 0; i < 20; ++i) {
    auto look = cache.find_or_claim("chunk " + std::to_string(i));
    REQUIRE(look.claim);
    look.claim.publish(number(i), 10000);
    CHECK(cache.stats().bytes <= 100000);
  }
  CHECK(cache.stats().evictions > 0);
  CHECK(cache.find("chunk 19"));
  CHECK_FALSE(cache.find("chunk 0"));
  // A chunk bigger than a quarter of the budget is handed to its waiters but not kept.
  auto big = cache.find_or_claim("big");
  auto waiting = cache.find_or_claim("big");
  big.claim.publish(number(-1), 30000);
  CHECK(value_of(waiting.pending.get()) == -1);
  CHECK_FALSE(cache.find("big"));
}

TEST_CASE("a decoded-chunk cache of budget 0 is off", "[io][decoded_cache]") {
  DecodedChunkCache cache(0);
  CHECK_FALSE(cache.enabled());
  auto look = cache.find_or_claim("a");
  CHECK_FALSE(look.value);
  CHECK_FALSE(look.claim);
  CHECK_FALSE(look.is_pending());
  cache.put("a", number(1), 1);
  CHECK_FALSE(cache.find("a"));
}
