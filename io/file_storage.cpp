#include "imagery/io/internal/file_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "imagery/core/error.h"
#include "imagery/io/internal/storage_key.h"

namespace imagery::io {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void io_fail(const std::string& path, int err) {
  fail(err == EACCES || err == EPERM ? ErrorCode::kPermissionDenied : ErrorCode::kIoError,
       "cannot read " + path + ": " + std::strerror(err));
}

// Reads [offset, offset + length) of an open file. With `uncached`, the first read asks not to
// wait for the disk (RWF_NOWAIT) and *uncached says whether it had to: not all of the bytes were
// in the page cache (or the file system cannot tell).
Bytes read_fd(int fd, const std::string& path, std::uint64_t offset, std::uint64_t length,
              bool* uncached = nullptr) {
  Bytes out(length);
  std::size_t done = 0;
  if (uncached && length > 0) {
    iovec iov{out.data(), length};
    const ssize_t n = ::preadv2(fd, &iov, 1, static_cast<off_t>(offset), RWF_NOWAIT);
    *uncached = n < 0 || static_cast<std::uint64_t>(n) < length;
    if (n > 0) done = static_cast<std::size_t>(n);
  }
  while (done < length) {
    ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail(path, errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done != length)
    fail(ErrorCode::kDataLoss, path + ": file ended after " + std::to_string(offset + done) +
                                   " bytes, expected at least " + std::to_string(offset + length));
  return out;
}

// Opens `path`; returns -1 when it does not exist (or is empty, which CloudVolume treats alike).
int open_existing(const std::string& path, std::uint64_t* size) {
  // O_NONBLOCK: a FIFO planted in a volume must not block the read forever (it is refused below).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return -1;
    io_fail(path, errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    io_fail(path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail(ErrorCode::kIoError, "cannot read " + path + ": it is a directory");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(ErrorCode::kIoError, "cannot read " + path + ": it is not a regular file");
  }
  *size = static_cast<std::uint64_t>(st.st_size);
  return fd;
}

// Asks the kernel to start reading the file of `path` (or `path`.gz) into the page cache and
// returns at once. Only a hint: whatever fails here is left for the read to report.
void start_reading(const std::string& path) {
  for (const char* suffix : {"", ".gz"}) {
    const int fd = ::open((path + suffix).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      return;
    }
    struct stat st;
    const bool found = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    if (found) ::posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
    ::close(fd);
    if (found) return;
  }
}

}  // namespace

FileStorage::FileStorage(std::string root, ThreadPool& pool)
    : Storage(pool), root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string FileStorage::describe(const std::string& key) const {
  return root_ + "/" + key;
}

std::optional<StoredObject> FileStorage::read(const std::string& key) {
  return read_object(key, nullptr);
}

std::optional<StoredObject> FileStorage::read_object(const std::string& key, bool* uncached) {
  check_storage_key(key, describe(""));
  for (bool gz : {false, true}) {
    std::string path = describe(key) + (gz ? ".gz" : "");
    std::uint64_t size = 0;
    int raw_fd = open_existing(path, &size);
    if (raw_fd < 0) continue;
    Fd fd(raw_fd);
    if (size == 0) continue;
    return StoredObject{SharedBytes(read_fd(fd.get(), path, 0, size, uncached)), gz, path};
  }
  return std::nullopt;
}

std::optional<SharedBytes> FileStorage::read_range(const std::string& key, std::uint64_t offset,
                                                   std::uint64_t length) {
  check_storage_key(key, describe(""));
  std::string path = describe(key);
  std::uint64_t size = 0;
  int raw_fd = open_existing(path, &size);
  if (raw_fd < 0) return std::nullopt;
  Fd fd(raw_fd);
  if (offset > size || length > size - offset)
    fail(ErrorCode::kDataLoss, path + ": range " + std::to_string(offset) + "+" +
                                   std::to_string(length) + " is past the end of the file (" +
                                   std::to_string(size) + " bytes)");
  return SharedBytes(read_fd(fd.get(), path, offset, length));
}

void FileStorage::do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                               std::stop_token stop) {
  // Each worker reads a file, then decodes it. From the page cache a read is a copy, but from
  // disk it leaves the worker's core idle until the bytes arrive. So once a read finds its file
  // not cached, the kernel is asked to start reading the files a few keys ahead of the workers,
  // and those reads overlap the decoding. Cached files cost no hint (an open and an fadvise).
  const std::size_t ahead = 2 * (pool().size() + 1);
  std::atomic<bool> cold{false};
  std::atomic<std::size_t> hinted{0};  // keys below it are hinted or being read
  pool().parallel_for(keys.size(), [&](std::size_t i) {
    if (stop.stop_requested()) fail(ErrorCode::kCancelled, "reading was cancelled");
    if (cold.load(std::memory_order_relaxed)) {
      const std::size_t until = std::min(keys.size(), i + 1 + ahead);
      for (std::size_t h = hinted.load(); h < until;) {
        const std::size_t claim = std::max(h, i + 1);
        if (claim >= until) break;
        if (!hinted.compare_exchange_weak(h, claim + 1)) continue;  // h is the new value
        if (!key_escape_reason(keys[claim])) start_reading(describe(keys[claim]));
        h = claim + 1;
      }
    }
    bool uncached = false;
    auto object = read_object(keys[i], &uncached);
    if (uncached) cold.store(true, std::memory_order_relaxed);
    on_done(i, std::move(object));
  });
}

}  // namespace imagery::io
