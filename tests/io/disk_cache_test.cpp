// DiskCacheFolder: URLs mirrored under the folder (never outside it), stores counted in a ledger,
// and the folder measured and trimmed by its own background thread, never by the thread that
// stores: least recently written files go first, down to 90 % of the limit.
#include "imagery/io/internal/disk_cache.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "imagery/core/error.h"
#include "support/error_of.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using imagery::ErrorCode;
using imagery::io::DiskCacheFolder;
using imagery::testing::error_of;
using imagery::testing::TempDir;

namespace {

std::vector<std::byte> bytes_of_size(std::size_t n) {
  return std::vector<std::byte>(n, std::byte{0x5a});
}

// Bytes of the regular files under `dir`, as the cache's own scan counts them.
std::uint64_t folder_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

// Gives `path` a modification time `age` before now, so tests decide which file is older than
// which instead of relying on the file system's clock resolution.
void set_age(const std::string& path, std::chrono::seconds age) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - age);
}

}  // namespace

TEST_CASE("a disk cache mirrors each URL under its folder", "[io][disk-cache]") {
  TempDir dir;
  DiskCacheFolder folder(dir.file("cache"), 1 << 20);
  CHECK(folder.dir() == dir.file("cache"));
  CHECK(folder.path_for("https://storage.googleapis.com/bucket/layer/8_8_40/0-64_0-64_0-64") ==
        dir.file("cache") + "/https/storage.googleapis.com/bucket/layer/8_8_40/0-64_0-64_0-64");
  // A port's ':' and a query's '?' are not welcome in file names.
  CHECK(folder.path_for("http://127.0.0.1:8080/vol/info?x=1") ==
        dir.file("cache") + "/http/127.0.0.1_8080/vol/info_x=1");
  // Different URLs stay different files.
  CHECK(folder.path_for("https://h/a/b") != folder.path_for("https://h/a_b"));
}

TEST_CASE("a disk cache path never leaves the cache folder", "[io][disk-cache]") {
  TempDir dir;
  const std::string root = dir.file("cache");
  DiskCacheFolder folder(root, 1 << 20);
  for (const char* url :
       {"https://h/../../etc/passwd", "https://h/a/./b", "https://h//x", "https://../x", "../../x",
        "https://h/a\\..\\..\\b", "https://h/a/..", "https://h/\x01/x"}) {
    INFO(url);
    const fs::path p = fs::path(folder.path_for(url)).lexically_normal();
    const std::string s = p.string();
    CHECK(s.rfind(root + "/", 0) == 0);
    for (const auto& part : fs::path(s.substr(root.size()))) CHECK((part != ".." && part != "."));
  }
  // ".." and "." become names of their own, distinct from each other and from empty pieces.
  CHECK(folder.path_for("https://h/../x") != folder.path_for("https://h/./x"));
  CHECK(folder.path_for("https://h//x") != folder.path_for("https://h/./x"));
}

TEST_CASE("a disk cache refuses a folder it cannot use", "[io][disk-cache]") {
  TempDir dir;
  imagery::testing::write_file(dir.file("a_file"), "not a folder");
  const auto e = error_of([&] { DiskCacheFolder folder(dir.file("a_file"), 1000); });
  CHECK(e.code() == ErrorCode::kIoError);
  CHECK_THAT(e.what(), Catch::Contains(dir.file("a_file")));
  const auto nested = error_of([&] { DiskCacheFolder folder(dir.file("a_file/sub"), 1000); });
  CHECK(nested.code() == ErrorCode::kIoError);
}

TEST_CASE("a disk cache store writes the entry and counts it without scanning again",
          "[io][disk-cache]") {
  TempDir dir;
  DiskCacheFolder folder(dir.file("cache"), 1 << 20);
  CHECK(folder.settle().scans == 1);  // the first measurement
  std::uint64_t stored = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string path = folder.path_for("https://h/vol/chunk" + std::to_string(i));
    folder.store(path, bytes_of_size(100 + i));
    stored += 100 + i;
    CHECK(imagery::testing::read_file(path).size() == static_cast<std::size_t>(100 + i));
  }
  const auto state = folder.settle();
  CHECK(state.bytes == stored);
  CHECK(state.bytes == folder_bytes(dir.file("cache")));
  // Stores under the limit are an addition to the ledger, not a walk over the folder.
  CHECK(state.scans == 1);
  // No temporaries are left beside the entries.
  for (const auto& e : fs::recursive_directory_iterator(dir.file("cache")))
    CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("a disk cache that cannot write an entry skips it silently", "[io][disk-cache]") {
  TempDir dir;
  fs::create_directories(dir.file("cache"));
  imagery::testing::write_file(dir.file("cache/blocker"), "x");
  DiskCacheFolder folder(dir.file("cache"), 1 << 20);
  folder.settle();
  // The entry's folder would have to be where a file is: a read must not fail for that.
  CHECK_NOTHROW(folder.store(dir.file("cache/blocker/entry"), bytes_of_size(500)));
  CHECK_FALSE(fs::exists(dir.file("cache/blocker/entry")));
  CHECK(folder.settle().bytes == 1);  // the blocker only
}

TEST_CASE(
    "a pre-filled disk cache over its limit is trimmed by the background thread, oldest "
    "files first",
    "[io][disk-cache]") {
  TempDir dir;
  const std::string root = dir.file("cache");
  // 100 files of 1000 bytes, file i written i seconds after file 0 (all in the past).
  constexpr int kFiles = 100;
  std::vector<std::string> old_files;
  for (int i = 0; i < kFiles; ++i) {
    const std::string path = root + "/https/h/vol/old" + std::to_string(i);
    fs::create_directories(fs::path(path).parent_path());
    imagery::testing::write_file(path, std::string(1000, 'o'));
    set_age(path, std::chrono::seconds(3600 - i));
    old_files.push_back(path);
  }
  constexpr std::uint64_t kLimit = 50000;
  DiskCacheFolder folder(root, kLimit);
  const std::string fresh = folder.path_for("https://h/vol/fresh");
  folder.store(fresh, bytes_of_size(100));
  const auto state = folder.settle();

  const std::uint64_t on_disk = folder_bytes(root);
  CHECK(on_disk <= kLimit);
  // Down to 90 % of the limit, and not further than that needs: 55 or 56 old files go, depending
  // on whether the fresh entry was written before the trimming scan looked.
  CHECK(on_disk <= kLimit / 10 * 9 + 100);
  // One scan to measure, one to trim; the store itself scanned nothing.
  CHECK(state.scans == 2);
  // The ledger is what is there (plus the fresh entry at most once more, when it was stored while
  // a scan ran: counted early rather than never).
  CHECK(state.bytes >= on_disk);
  CHECK(state.bytes <= on_disk + 100);
  // The newest file stays; the old ones went in the order they were written.
  CHECK(fs::exists(fresh));
  std::size_t first_kept = kFiles;
  for (int i = 0; i < kFiles; ++i)
    if (fs::exists(old_files[i])) {
      first_kept = i;
      break;
    }
  for (int i = static_cast<int>(first_kept); i < kFiles; ++i) {
    INFO("old file " << i);
    CHECK(fs::exists(old_files[i]));
  }
  CHECK((first_kept == 55 || first_kept == 56));
}

TEST_CASE("stores that pass the limit wake the background thread, which trims to 90 %",
          "[io][disk-cache]") {
  TempDir dir;
  const std::string root = dir.file("cache");
  DiskCacheFolder folder(root, 10000);
  folder.settle();
  std::vector<std::string> paths;
  for (int i = 0; i < 9; ++i) {
    paths.push_back(folder.path_for("https://h/vol/c" + std::to_string(i)));
    folder.store(paths.back(), bytes_of_size(1000));
  }
  auto state = folder.settle();
  CHECK(state.bytes == 9000);
  CHECK(state.scans == 1);
  // c0 is the least recently written, then c1, ...
  for (int i = 0; i < 9; ++i) set_age(paths[i], std::chrono::seconds(100 - i));
  // 10000 bytes is at the limit, not past it: nothing happens yet.
  paths.push_back(folder.path_for("https://h/vol/c9"));
  folder.store(paths.back(), bytes_of_size(1000));
  CHECK(folder.settle().scans == 1);
  paths.push_back(folder.path_for("https://h/vol/c10"));
  folder.store(paths.back(), bytes_of_size(1000));
  state = folder.settle();
  // 11000 bytes: the two oldest files go, leaving 9000 (90 % of the limit).
  CHECK(state.scans == 2);
  CHECK(state.bytes == 9000);
  CHECK(folder_bytes(root) == 9000);
  CHECK_FALSE(fs::exists(paths[0]));
  CHECK_FALSE(fs::exists(paths[1]));
  for (std::size_t i = 2; i < paths.size(); ++i) {
    INFO(paths[i]);
    CHECK(fs::exists(paths[i]));
  }
}

TEST_CASE("a disk cache with a zero limit keeps nothing for long", "[io][disk-cache]") {
  TempDir dir;
  DiskCacheFolder folder(dir.file("cache"), 0);
  folder.settle();
  folder.store(folder.path_for("https://h/vol/a"), bytes_of_size(10));
  const auto state = folder.settle();
  CHECK(state.bytes == 0);
  CHECK(folder_bytes(dir.file("cache")) == 0);
}
