// CachingStorage over a real FileStorage: a hit hands out the very bytes the miss fetched (no
// copy), misses fill the cache and missing objects do not, byte ranges are entries of their own,
// large objects stay out, and keys are checked even when the answer is cached.
#include "imagery/io/internal/caching_storage.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "imagery/core/error.h"
#include "imagery/io/internal/file_storage.h"
#include "support/error_of.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using imagery::ErrorCode;
using imagery::LruCache;
using imagery::SharedBytes;
using imagery::ThreadPool;
using imagery::io::CachingStorage;
using imagery::io::FileStorage;
using imagery::io::RangeRequest;
using imagery::io::Storage;
using imagery::io::StoredObject;
using imagery::testing::error_of;
using imagery::testing::TempDir;

namespace {

// A FileStorage that counts what reaches it, to tell hits from misses.
class CountingStorage : public Storage {
 public:
  CountingStorage(const std::string& root, ThreadPool& pool) : Storage(pool), files_(root, pool) {}
  std::optional<StoredObject> read(const std::string& key) override {
    reads++;
    return files_.read(key);
  }
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override {
    range_reads++;
    return files_.read_range(key, offset, length);
  }
  std::string describe(const std::string& key) const override { return files_.describe(key); }

  std::atomic<int> reads{0}, range_reads{0};

 private:
  FileStorage files_;
};

struct Fixture {
  TempDir dir;
  ThreadPool pool{2};
  LruCache<StoredObject> cache{1 << 20};
  std::shared_ptr<CountingStorage> inner;
  std::unique_ptr<CachingStorage> storage;

  Fixture() {
    write("chunk", std::string(64, 'c'));
    std::string ramp(64, '\0');
    for (int i = 0; i < 64; ++i) ramp[i] = static_cast<char>(i);
    write("ramp", ramp);
    inner = std::make_shared<CountingStorage>(dir.path().string(), pool);
    storage = std::make_unique<CachingStorage>(inner, cache, pool);
  }
  void write(const std::string& key, const std::string& content) {
    fs::create_directories((dir.path() / key).parent_path());
    imagery::testing::write_file(dir.file(key), content);
  }
};

std::string text(const SharedBytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

TEST_CASE("a cache hit hands out the same bytes object, not a copy", "[io][cache]") {
  Fixture f;
  auto first = f.storage->read("chunk");
  auto second = f.storage->read("chunk");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(f.inner->reads == 1);
  CHECK(second->bytes.data() == first->bytes.data());
  CHECK(second->bytes.size() == 64);
  // Batch reads hand out the same buffer too.
  const std::byte* from_batch = nullptr;
  f.storage->read_many({"chunk"}, [&](std::size_t, std::optional<StoredObject> o) {
    REQUIRE(o);
    from_batch = o->bytes.data();
  });
  CHECK(from_batch == first->bytes.data());
  CHECK(f.inner->reads == 1);
}

TEST_CASE("a cache miss fills the cache under the object's full location", "[io][cache]") {
  Fixture f;
  CHECK(f.cache.entries() == 0);
  auto o = f.storage->read("chunk");
  REQUIRE(o);
  CHECK(f.cache.entries() == 1);
  // Keyed by where the bytes came from, so two volumes opened on one URL share entries.
  auto entry = f.cache.get(f.inner->describe("chunk"));
  REQUIRE(entry);
  CHECK(entry->bytes.data() == o->bytes.data());
  CHECK(entry->location == o->location);
}

TEST_CASE("two caching storages over one cache and one location share entries", "[io][cache]") {
  Fixture f;
  auto other_inner = std::make_shared<CountingStorage>(f.dir.path().string(), f.pool);
  CachingStorage other(other_inner, f.cache, f.pool);
  auto a = f.storage->read("chunk");
  auto b = other.read("chunk");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(other_inner->reads == 0);
  CHECK(b->bytes.data() == a->bytes.data());
}

TEST_CASE("objects that do not exist are not cached", "[io][cache]") {
  Fixture f;
  CHECK_FALSE(f.storage->read("missing"));
  CHECK(f.cache.entries() == 0);
  // It may appear later: the next read asks again and sees it.
  f.write("missing", "here now");
  auto o = f.storage->read("missing");
  REQUIRE(o);
  CHECK(text(o->bytes) == "here now");
  CHECK(f.inner->reads == 2);
}

TEST_CASE("a hit keeps the gzip flag and the location of the stored object", "[io][cache]") {
  Fixture f;
  f.write("packed.gz", "gzip bytes (not inflated by storage)");
  auto miss = f.storage->read("packed");
  auto hit = f.storage->read("packed");
  REQUIRE(miss);
  REQUIRE(hit);
  CHECK(f.inner->reads == 1);
  CHECK(hit->gzip_encoded);
  CHECK(hit->gzip_encoded == miss->gzip_encoded);
  CHECK(hit->location == miss->location);
  CHECK_THAT(hit->location, Catch::EndsWith("packed.gz"));
}

TEST_CASE("byte ranges are cached separately from each other and from the whole object",
          "[io][cache]") {
  Fixture f;
  auto a = f.storage->read_range("ramp", 0, 4);
  auto b = f.storage->read_range("ramp", 4, 4);
  auto a_again = f.storage->read_range("ramp", 0, 4);
  auto longer = f.storage->read_range("ramp", 0, 8);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a_again);
  REQUIRE(longer);
  // Three different ranges, three fetches; the repeat is a hit on the same bytes.
  CHECK(f.inner->range_reads == 3);
  CHECK(a_again->data() == a->data());
  CHECK(static_cast<int>(a->data()[3]) == 3);
  CHECK(static_cast<int>(b->data()[0]) == 4);
  CHECK(longer->size() == 8);
  // The whole object is an entry of its own: a range never stands in for it.
  auto whole = f.storage->read("ramp");
  REQUIRE(whole);
  CHECK(f.inner->reads == 1);
  CHECK(whole->bytes.size() == 64);
  CHECK(f.cache.entries() == 4);
  // And a cached whole object does not answer a range that was never fetched.
  f.storage->read_range("ramp", 8, 8);
  CHECK(f.inner->range_reads == 4);
}

TEST_CASE("a batch read mixes hits and misses and reports each at its own index", "[io][cache]") {
  Fixture f;
  f.write("b", "bee");
  REQUIRE(f.storage->read("chunk"));
  std::mutex mutex;
  std::map<std::size_t, std::optional<std::string>> got;
  f.storage->read_many({"chunk", "b", "missing", "chunk"},
                       [&](std::size_t i, std::optional<StoredObject> o) {
                         std::lock_guard lock(mutex);
                         got[i] = o ? std::optional<std::string>(text(o->bytes)) : std::nullopt;
                       });
  REQUIRE(got.size() == 4);
  CHECK(got[0] == std::string(64, 'c'));
  CHECK(got[1] == std::string("bee"));
  CHECK_FALSE(got[2]);
  CHECK(got[3] == std::string(64, 'c'));
  // Only "b" and "missing" went to the files.
  CHECK(f.inner->reads == 3);
  // A batch of ranges, too.
  std::map<std::size_t, std::string> ranges;
  f.storage->read_ranges({{"ramp", 0, 2}, {"ramp", 10, 2}, {"ramp", 0, 2}},
                         [&](std::size_t i, std::optional<SharedBytes> b) {
                           std::lock_guard lock(mutex);
                           REQUIRE(b);
                           ranges[i] = text(*b);
                         });
  CHECK(ranges[0] == std::string("\x00\x01", 2));
  CHECK(ranges[1] == std::string("\x0a\x0b", 2));
  CHECK(ranges[2] == ranges[0]);
}

TEST_CASE("objects larger than a quarter of the cache budget are not kept", "[io][cache]") {
  TempDir dir;
  ThreadPool pool(1);
  // Big enough for the small object with its long key; a quarter is 1000 bytes.
  LruCache<StoredObject> cache(4000);
  imagery::testing::write_file(dir.file("big"), std::string(2000, 'b'));
  imagery::testing::write_file(dir.file("small"), std::string(100, 's'));
  auto inner = std::make_shared<CountingStorage>(dir.path().string(), pool);
  CachingStorage storage(inner, cache, pool);
  REQUIRE(storage.read("big"));
  REQUIRE(storage.read("big"));
  CHECK(inner->reads == 2);
  REQUIRE(storage.read("small"));
  REQUIRE(storage.read("small"));
  CHECK(inner->reads == 3);
  CHECK(cache.entries() == 1);
}

TEST_CASE("keys that leave the volume are refused even when the cache holds an answer",
          "[io][cache]") {
  Fixture f;
  // An entry under the URL the hostile key would name (as if another volume had cached it).
  f.cache.put(f.inner->describe("../secret"),
              std::make_shared<const StoredObject>(
                  StoredObject{SharedBytes(imagery::Bytes(4, std::byte{1})), false, "elsewhere"}),
              4);
  for (const char* key : {"../secret", "/etc/passwd", "a/../../b", "x?y"}) {
    INFO(key);
    const auto e = error_of([&] { f.storage->read(key); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("leaves the volume"));
    CHECK(error_of([&] { f.storage->read_range(key, 0, 1); }).code() ==
          ErrorCode::kInvalidArgument);
  }
  CHECK(f.inner->reads == 0);
  CHECK(f.inner->range_reads == 0);
}
