// Helpers shared by the tests: fixture paths, SHA-256, temporary folders and
// running the imagery program as a user would.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::testing {

// tests/data/<relative>
std::string data_path(const std::string& relative);
// ../shared/fixtures/<relative>: files taken from public repositories, which the project never
// copies. Only *_public_test.cpp files use it, and they are built only when the folder exists.
std::string shared_fixture_path(const std::string& relative);
// A whole file as text.
std::string read_text(const std::string& path);
// The built imagery executable.
std::string cli_path();

std::string sha256_hex(std::span<const std::byte> bytes);
inline std::string sha256_hex(const Array& a) {
  return sha256_hex(std::span<const std::byte>(a.bytes(), a.size_bytes()));
}

std::vector<std::byte> read_file(const std::string& path);
void write_file(const std::string& path, std::span<const std::byte> bytes);
void write_file(const std::string& path, const std::string& text);

// A fresh folder under the system temp folder, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs the imagery program with `args` (no shell), capturing stdout and stderr.
CommandResult run_imagery(const std::vector<std::string>& args);
CommandResult run_program(const std::string& program, const std::vector<std::string>& args);
// The same with environment changes: "NAME=VALUE" sets NAME, "NAME=" removes it.
CommandResult run_program_with_env(const std::string& program,
                                   const std::vector<std::string>& args,
                                   const std::vector<std::string>& env);
CommandResult run_imagery_with_env(const std::vector<std::string>& args,
                                   const std::vector<std::string>& env);

// Number of lines in `text` (a trailing newline does not start a new line).
int count_lines(const std::string& text);

}  // namespace imagery::testing
