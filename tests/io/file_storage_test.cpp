// FileStorage's batch read (when files are not cached, it asks the kernel to start reading the
// next ones ahead of the workers): each key gets exactly what read() gives it, cached or not,
// errors come after every other key is done, and a cancelled batch reads nothing.
#include "imagery/io/internal/file_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <stop_token>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "support/error_of.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using imagery::testing::error_of;
using imagery::testing::TempDir;

namespace {

Bytes text(const std::string& s) {
  Bytes b(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) b[i] = static_cast<std::byte>(s[i]);
  return b;
}

// Keys "c/<i>" in every form a chunk can take on disk: the file, only NAME.gz, missing, an empty
// file beside a NAME.gz (the empty one counts as missing), an empty file alone. More keys than
// the read-ahead reaches, so hints and reads overlap.
std::vector<std::string> write_chunks(const TempDir& dir, int n) {
  std::filesystem::create_directories(dir.path() / "c");
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) {
    const std::string key = "c/" + std::to_string(i), path = dir.file(key);
    const Bytes body = text("chunk " + std::to_string(i));
    switch (i % 5) {
      case 0:
        imagery::testing::write_file(path, body);
        break;
      case 1:
        imagery::testing::write_file(path + ".gz", io::gzip_compress(body));
        break;
      case 2:
        break;
      case 3:
        imagery::testing::write_file(path, std::string());
        imagery::testing::write_file(path + ".gz", io::gzip_compress(body));
        break;
      default:
        imagery::testing::write_file(path, std::string());
    }
    keys.push_back(key);
  }
  return keys;
}

// Drops the folder's files from the page cache where the file system allows it, so the next reads
// come from disk (and the batch read starts hinting).
void evict_from_page_cache(const TempDir& dir) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file()) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

}  // namespace

TEST_CASE("a batch read from disk gives every key what read() gives it", "[io][file]") {
  TempDir dir;
  const std::vector<std::string> keys = write_chunks(dir, 60);
  SECTION("cached") {}
  SECTION("not cached") {
    evict_from_page_cache(dir);
  }
  io::ContextOptions options = imagery::testing::quick_options();
  options.threads = 3;
  auto context = imagery::testing::make_context(options);
  io::FileStorage storage(dir.path().string(), context->pool());
  std::mutex mutex;
  std::map<std::size_t, std::optional<io::StoredObject>> got;
  storage.read_many(keys, [&](std::size_t i, std::optional<io::StoredObject> object) {
    std::lock_guard lock(mutex);
    CHECK(got.emplace(i, std::move(object)).second);
  });
  REQUIRE(got.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO(keys[i]);
    const auto one = storage.read(keys[i]);
    const auto& batch = got[i];
    REQUIRE(batch.has_value() == one.has_value());
    CHECK(batch.has_value() == (i % 5 == 0 || i % 5 == 1 || i % 5 == 3));
    if (!one) continue;
    CHECK(batch->gzip_encoded == one->gzip_encoded);
    CHECK(batch->location == one->location);
    CHECK(batch->bytes.copy() == one->bytes.copy());
  }
}

TEST_CASE("a batch read from disk fails after every other key is done", "[io][file]") {
  TempDir dir;
  std::vector<std::string> keys = write_chunks(dir, 30);
  std::filesystem::create_directories(dir.path() / "c" / "dir");
  keys.insert(keys.begin() + 7, "c/dir");  // a directory where a chunk should be
  auto context = imagery::testing::make_context();
  io::FileStorage storage(dir.path().string(), context->pool());
  std::atomic<std::size_t> calls{0};
  const Error e = error_of([&] {
    storage.read_many(keys, [&](std::size_t, std::optional<io::StoredObject>) { ++calls; });
  });
  CHECK(e.code() == ErrorCode::kIoError);
  CHECK_THAT(e.what(), Catch::Contains("it is a directory"));
  CHECK(calls.load() == keys.size() - 1);
}

TEST_CASE("a cancelled batch read from disk reads nothing", "[io][file]") {
  TempDir dir;
  const std::vector<std::string> keys = write_chunks(dir, 20);
  auto context = imagery::testing::make_context();
  io::FileStorage storage(dir.path().string(), context->pool());
  std::stop_source stop;
  stop.request_stop();
  std::atomic<std::size_t> calls{0};
  const Error e = error_of([&] {
    storage.read_many(
        keys, [&](std::size_t, std::optional<io::StoredObject>) { ++calls; }, stop.get_token());
  });
  CHECK(e.code() == ErrorCode::kCancelled);
  CHECK(calls.load() == 0);
}
