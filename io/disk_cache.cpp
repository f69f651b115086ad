#include "imagery/io/internal/disk_cache.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/io/internal/storage_key.h"

namespace imagery::io {

namespace fs = std::filesystem;

namespace {

// One path component of a URL, made safe: no "", ".", ".." or characters a file system dislikes.
std::string safe_component(const std::string& c) {
  if (c.empty() || c == "." || c == "..") return "%" + std::string(c.size(), '.') + "%";
  std::string out;
  for (char ch : c) {
    if (ch == ':' || ch == '?' || ch == '*' || ch == '\\' || ch == '#' ||
        static_cast<unsigned char>(ch) < 32)
      out += '_';
    else
      out += ch;
  }
  return out;
}

std::optional<Bytes> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Bytes out;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size <= 0) return std::nullopt;
  in.seekg(0);
  out.resize(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(out.data()), size)) return std::nullopt;
  return out;
}

void touch(const std::string& path) {
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
}

}  // namespace

DiskCacheFolder::DiskCacheFolder(std::string dir, std::uint64_t limit_bytes)
    : dir_(std::move(dir)), limit_(limit_bytes) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    fail(ErrorCode::kIoError, "cannot use cache folder " + dir_ + ": " + ec.message());
  thread_ = std::thread([this] { background(); });
}

DiskCacheFolder::~DiskCacheFolder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string DiskCacheFolder::path_for(const std::string& url) const {
  std::string rest = url;
  std::string out = dir_;
  if (auto p = rest.find("://"); p != std::string::npos) {
    out += "/" + safe_component(rest.substr(0, p));
    rest = rest.substr(p + 3);
  }
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('/', start);
    if (end == std::string::npos) end = rest.size();
    out += "/" + safe_component(rest.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void DiskCacheFolder::store(const std::string& path, std::span<const std::byte> bytes) {
  try {
    fs::create_directories(fs::path(path).parent_path());
    write_file_atomically(path, bytes);
  } catch (const std::exception&) {
    return;  // a cache that cannot be written must not fail the read
  }
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    bytes_ += bytes.size();
    if (busy_) stored_since_scan_ += bytes.size();
    // Over the limit, and grown since the last eviction could not get below it (files that
    // cannot be removed must not make every store rescan the folder).
    if (measured_ && bytes_ > limit_ && bytes_ >= retry_above_ && !evict_wanted_) {
      evict_wanted_ = true;
      wake = true;
    }
  }
  if (wake) cv_.notify_all();
}

DiskCacheFolder::State DiskCacheFolder::settle() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return measured_ && !busy_ && !evict_wanted_; });
  return {bytes_, scans_};
}

// Measures the folder (and with `evict`, removes the least recently used files down to 90 % of
// the limit); returns the bytes left. `stuck`: it had to remove files and could remove none.
// Runs without the lock: stores go on meanwhile.
std::uint64_t DiskCacheFolder::scan_and_evict(bool evict, bool* stuck) {
  *stuck = false;
  struct Entry {
    fs::file_time_type time;
    std::uintmax_t size;
    fs::path path;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    entries.push_back({it->last_write_time(file_ec), it->file_size(file_ec), it->path()});
  }
  std::uint64_t total = 0;
  for (const auto& e : entries) total += e.size;
  if (!evict || total <= limit_) return total;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.time < b.time; });
  const std::uint64_t target = limit_ / 10 * 9;
  bool removed_any = false;
  for (const auto& e : entries) {
    if (total <= target) break;
    std::error_code rm_ec;
    if (fs::remove(e.path, rm_ec)) {
      total -= e.size;
      removed_any = true;
    }
  }
  *stuck = !removed_any;
  return total;
}

void DiskCacheFolder::background() {
  bool evict = false;
  for (;;) {
    bool stuck = false;
    const std::uint64_t found = scan_and_evict(evict, &stuck);
    {
      std::unique_lock lock(mutex_);
      ++scans_;
      // What the scan saw, plus what was stored while it ran (a file stored early in the scan may
      // be counted twice: that only evicts early, never lets the folder grow past its limit).
      bytes_ = found + stored_since_scan_;
      stored_since_scan_ = 0;
      measured_ = true;
      // Still over the limit (stores went on during the pass): evict again, unless the pass
      // found the folder over the limit and could remove nothing (files that cannot be
      // deleted), which is tried again only once a tenth of the limit more has been stored, so
      // the thread never spins. (A pass that found the folder under the limit and was pushed
      // over by stores meanwhile is not stuck: it just evicts again.)
      stuck = stuck && bytes_ > limit_;
      evict_wanted_ = !stuck && bytes_ > limit_;
      retry_above_ = stuck ? bytes_ + limit_ / 10 : 0;
      busy_ = false;
      cv_.notify_all();
      cv_.wait(lock, [&] { return stopping_ || evict_wanted_; });
      if (stopping_) return;
      busy_ = true;
      evict = true;
    }
  }
}

DiskCacheStorage::DiskCacheStorage(std::shared_ptr<Storage> inner,
                                   std::shared_ptr<DiskCacheFolder> folder, ThreadPool& pool)
    : Storage(pool), inner_(std::move(inner)), folder_(std::move(folder)) {}

std::optional<StoredObject> DiskCacheStorage::lookup(const std::string& path) const {
  for (bool gz : {false, true}) {
    const std::string p = gz ? path + ".gz" : path;
    if (auto bytes = read_whole(p)) {
      touch(p);
      return StoredObject{SharedBytes(std::move(*bytes)), gz, p};
    }
  }
  return std::nullopt;
}

void DiskCacheStorage::do_read_many(const std::vector<std::string>& keys,
                                    const ObjectCallback& on_done, std::stop_token stop) {
  for (const auto& key : keys) check_storage_key(key, describe(""));  // hits skip inner_'s check
  std::vector<std::string> misses;
  std::vector<std::size_t> miss_index;
  std::vector<std::pair<std::size_t, std::string>> hits;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string path = path_for(inner_->describe(keys[i]));
    if (fs::exists(path) || fs::exists(path + ".gz"))
      hits.emplace_back(i, path);
    else {
      misses.push_back(keys[i]);
      miss_index.push_back(i);
    }
  }
  std::vector<std::size_t> vanished;  // removed by another process between the check and the read
  std::mutex vanished_mutex;
  pool().parallel_for(hits.size(), [&](std::size_t h) {
    auto object = lookup(hits[h].second);
    if (!object) {
      std::lock_guard lock(vanished_mutex);
      vanished.push_back(hits[h].first);
      return;
    }
    on_done(hits[h].first, std::move(object));
  });
  for (auto i : vanished) {
    misses.push_back(keys[i]);
    miss_index.push_back(i);
  }
  if (misses.empty()) return;
  inner_->read_many(
      misses,
      [&](std::size_t j, std::optional<StoredObject> object) {
        if (object) {
          const std::string path = path_for(inner_->describe(misses[j]));
          folder_->store(object->gzip_encoded ? path + ".gz" : path, object->bytes.span());
        }
        on_done(miss_index[j], std::move(object));
      },
      stop);
}

void DiskCacheStorage::do_read_ranges(const std::vector<RangeRequest>& requests,
                                      const RangeCallback& on_done, std::stop_token stop) {
  for (const auto& r : requests) check_storage_key(r.key, describe(""));
  std::vector<RangeRequest> misses;
  std::vector<std::size_t> miss_index;
  auto range_path = [&](const RangeRequest& r) {
    return path_for(inner_->describe(r.key)) + ".range-" + std::to_string(r.offset) + "-" +
           std::to_string(r.length);
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto bytes = read_whole(range_path(requests[i]));
    if (bytes && bytes->size() == requests[i].length) {
      touch(range_path(requests[i]));
      on_done(i, SharedBytes(std::move(*bytes)));
    } else {
      misses.push_back(requests[i]);
      miss_index.push_back(i);
    }
  }
  if (misses.empty()) return;
  inner_->read_ranges(
      misses,
      [&](std::size_t j, std::optional<SharedBytes> bytes) {
        if (bytes) folder_->store(range_path(misses[j]), bytes->span());
        on_done(miss_index[j], std::move(bytes));
      },
      stop);
}

std::optional<StoredObject> DiskCacheStorage::read(const std::string& key) {
  return read_one(key);
}

std::optional<SharedBytes> DiskCacheStorage::read_range(const std::string& key,
                                                        std::uint64_t offset,
                                                        std::uint64_t length) {
  return read_one_range(key, offset, length);
}

}  // namespace imagery::io
