// Fetched bytes kept on local disk (like CloudVolume's cache=True), mirroring each URL under the
// cache folder:
//   DIR/https/storage.googleapis.com/bucket/layer/8_8_40/0-64_0-64_0-64[.gz]
// so the cache of an unsharded layer is itself a readable precomputed volume (byte ranges of
// shard files are kept as NAME.range-OFFSET-LENGTH files, so a sharded layer's cache is not).
// Entries are written under a temporary name and renamed (safe when two processes fill the same
// entry).
//
// DiskCacheFolder keeps the folder under its size limit without ever scanning it on a reader's
// thread: a ledger counts the bytes stored, the folder is measured once by a background thread,
// and when the ledger passes the limit that thread removes the least recently used files down to
// 90 % of it. A store costs a write and an addition under a lock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "imagery/io/storage.h"

namespace imagery::io {

class DiskCacheFolder {
 public:
  // Creates the folder (kIoError when it cannot be used) and starts measuring it.
  DiskCacheFolder(std::string dir, std::uint64_t limit_bytes);
  ~DiskCacheFolder();
  DiskCacheFolder(const DiskCacheFolder&) = delete;
  DiskCacheFolder& operator=(const DiskCacheFolder&) = delete;

  const std::string& dir() const { return dir_; }
  // The cache file of a URL (without the .gz suffix).
  std::string path_for(const std::string& url) const;
  // Writes an entry atomically and counts it; a cache that cannot be written is silently skipped
  // (it must never fail a read).
  void store(const std::string& path, std::span<const std::byte> bytes);

  // For tests and tools: waits until the background thread has nothing to do, then gives the
  // bytes the ledger counts and how many times the folder was scanned.
  struct State {
    std::uint64_t bytes = 0;
    int scans = 0;
  };
  State settle();

 private:
  void background();
  std::uint64_t scan_and_evict(bool evict, bool* stuck);

  std::string dir_;
  std::uint64_t limit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t bytes_ = 0;  // measured size plus what was stored since
  bool measured_ = false;    // the first scan has finished
  bool evict_wanted_ = false;
  bool busy_ = true;  // the background thread is scanning
  bool stopping_ = false;
  std::uint64_t stored_since_scan_ = 0;  // bytes stored while a scan ran
  std::uint64_t retry_above_ = 0;        // no eviction is asked for below this
  int scans_ = 0;
  std::thread thread_;
};

class DiskCacheStorage : public Storage {
 public:
  DiskCacheStorage(std::shared_ptr<Storage> inner, std::shared_ptr<DiskCacheFolder> folder,
                   ThreadPool& pool);
  std::optional<StoredObject> read(const std::string& key) override;
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override;
  std::string describe(const std::string& key) const override { return inner_->describe(key); }

 protected:
  void do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                    std::stop_token stop) override;
  void do_read_ranges(const std::vector<RangeRequest>& requests, const RangeCallback& on_done,
                      std::stop_token stop) override;

 public:
  std::string path_for(const std::string& url) const { return folder_->path_for(url); }

 private:
  std::optional<StoredObject> lookup(const std::string& path) const;

  std::shared_ptr<Storage> inner_;
  std::shared_ptr<DiskCacheFolder> folder_;
};

}  // namespace imagery::io
