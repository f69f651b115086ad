// expect_failure: runs the imagery program on arguments that must fail and checks what a user
// sees: the documented exit code, one line on stderr mentioning the input, and no file left in
// the test's folder.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace imagery::testing {

inline std::size_t files_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

inline void expect_failure(const std::vector<std::string>& args, int exit_code,
                           const std::string& mentions, const TempDir& dir) {
  std::string command = "imagery";
  for (const auto& a : args) command += " " + a;
  INFO(command);
  const std::size_t before = files_in(dir.path());
  const CommandResult r = run_imagery(args);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == exit_code);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(mentions));
  CHECK(files_in(dir.path()) == before);
}

}  // namespace imagery::testing
