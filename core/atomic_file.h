// AtomicFile: writes an output file under a temporary name in the same folder
// and renames it into place on commit(), so readers and killed runs never see a
// partial file. Destroying an uncommitted AtomicFile removes the temporary.
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace imagery {

class AtomicFile {
 public:
  // Opens the temporary file; throws kIoError naming `path` when the folder is not writable.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::span<const std::byte> bytes);
  void write(const void* data, std::size_t size);
  // Flushes, closes and renames onto the final path.
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// For the name of a temporary file an AtomicFile made (".NAME.tmp.PID.N"), NAME; otherwise
// nullopt. A killed writer leaves such files behind; whoever owns NAME may delete them.
std::optional<std::string> atomic_file_target(std::string_view temporary_name);

// Writes a whole buffer atomically.
void write_file_atomically(const std::string& path, std::span<const std::byte> bytes);

}  // namespace imagery
