#include "imagery/core/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "imagery/core/error.h"

namespace imagery {

namespace {
std::string temp_name_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path p(path);
  std::string name = "." + p.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                     std::to_string(counter.fetch_add(1));
  return (p.parent_path() / name).string();
}
}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) fail(ErrorCode::kInvalidArgument, "output path is empty");
  if (std::filesystem::is_directory(path_))
    fail(ErrorCode::kIoError, "cannot write " + path_ + ": it is a directory");
  temp_path_ = temp_name_for(path_);
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_) fail(ErrorCode::kIoError, "cannot write " + path_ + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_) std::remove(temp_path_.c_str());
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (size && std::fwrite(data, 1, size, file_) != size)
    fail(ErrorCode::kIoError, "cannot write " + path_ + ": " + std::strerror(errno));
}

void AtomicFile::write(std::span<const std::byte> bytes) {
  write(bytes.data(), bytes.size());
}

void AtomicFile::commit() {
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) fail(ErrorCode::kIoError, "cannot write " + path_ + ": " + std::strerror(errno));
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    fail(ErrorCode::kIoError, "cannot write " + path_ + ": " + std::strerror(errno));
  committed_ = true;
}

std::optional<std::string> atomic_file_target(std::string_view name) {
  // Walk back over ".N" and ".PID" (digits), then expect ".tmp".
  auto strip_number = [&](std::string_view& s) {
    std::size_t end = s.size();
    while (end > 0 && s[end - 1] >= '0' && s[end - 1] <= '9') --end;
    if (end == s.size() || end == 0 || s[end - 1] != '.') return false;
    s = s.substr(0, end - 1);
    return true;
  };
  std::string_view s = name;
  if (s.size() < 2 || s[0] != '.') return std::nullopt;
  s.remove_prefix(1);
  if (!strip_number(s) || !strip_number(s)) return std::nullopt;
  constexpr std::string_view kTmp = ".tmp";
  if (s.size() <= kTmp.size() || s.substr(s.size() - kTmp.size()) != kTmp) return std::nullopt;
  return std::string(s.substr(0, s.size() - kTmp.size()));
}

void write_file_atomically(const std::string& path, std::span<const std::byte> bytes) {
  AtomicFile f(path);
  f.write(bytes);
  f.commit();
}

}  // namespace imagery
