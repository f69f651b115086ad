#include "imagery/io/internal/file_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

// Reads [offset, offset + length) of an open file; length = -1 reads to the end.
Bytes read_fd(int fd, const std::string& path, std::uint64_t offset, std::uint64_t length) {
  Bytes out(length);
  std::size_t done = 0;
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

}  // namespace

FileStorage::FileStorage(std::string root, ThreadPool& pool)
    : Storage(pool), root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string FileStorage::describe(const std::string& key) const {
  return root_ + "/" + key;
}

std::optional<StoredObject> FileStorage::read(const std::string& key) {
  check_storage_key(key, describe(""));
  for (bool gz : {false, true}) {
    std::string path = describe(key) + (gz ? ".gz" : "");
    std::uint64_t size = 0;
    int raw_fd = open_existing(path, &size);
    if (raw_fd < 0) continue;
    Fd fd(raw_fd);
    if (size == 0) continue;
    return StoredObject{SharedBytes(read_fd(fd.get(), path, 0, size)), gz, path};
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

}  // namespace imagery::io
