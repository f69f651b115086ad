// Every input a fuzz target ever crashed on (tests/data/fuzz_regressions/<target>-<what>)
// goes back through the same parser: it must end in an imagery::Error or succeed, never crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string_view>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/precomputed/gzip.h"
#include "imagery/precomputed/info.h"
#include "support/test_support.h"

using namespace imagery;

namespace {
void replay(const std::string& target, std::span<const std::byte> bytes) {
  if (target == "fuzz_info")
    precomputed::parse_info(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "replay");
  else if (target == "fuzz_gzip")
    precomputed::gunzip(bytes, "replay", 0, 1 << 24);
  else if (target == "fuzz_npy")
    decode_npy(bytes, "replay.npy");
  else
    FAIL("no replay for fuzz target " << target);
}
}  // namespace

TEST_CASE("inputs the fuzzers once crashed on end in clean errors", "[fuzz]") {
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(imagery::testing::data_path("fuzz_regressions"))) {
    const std::string name = entry.path().filename().string();
    const std::string target = name.substr(0, name.find('-'));
    auto bytes = imagery::testing::read_file(entry.path().string());
    INFO(name);
    try {
      replay(target, bytes);
    } catch (const Error&) {
    }
    ++replayed;
  }
  CHECK(replayed >= 1);
}
