// Every input a fuzz target ever crashed on (tests/data/fuzz_regressions/<target>-<what>) goes back
// through the same target code (fuzz/targets.h): it must end in an imagery::Error or succeed,
// never crash, trap or trip a sanitizer.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "fuzz/targets.h"
#include "support/test_support.h"

TEST_CASE("inputs the fuzzers once crashed on end in clean errors", "[fuzz]") {
  std::map<std::string, int> replayed;
  for (const auto& entry :
       std::filesystem::directory_iterator(imagery::testing::data_path("fuzz_regressions"))) {
    const std::string name = entry.path().filename().string();
    const std::string target = name.substr(0, name.find('-'));
    INFO(name);
    const imagery::fuzz::Target* found = nullptr;
    for (const auto& t : imagery::fuzz::kTargets)
      if (t.name == target) found = &t;
    REQUIRE(found);  // each file is named after the target that found it
    const auto bytes = imagery::testing::read_file(entry.path().string());
    found->run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++replayed[target];
  }
  int total = 0;
  for (const auto& [target, n] : replayed) total += n;
  CHECK(total >= 3);
}

TEST_CASE("every fuzz target runs its seed corpus and empty input cleanly", "[fuzz]") {
  // tests/data/x -> the source root -> fuzz/corpus
  const std::filesystem::path corpus = std::filesystem::path(imagery::testing::data_path("x"))
                                           .parent_path()
                                           .parent_path()
                                           .parent_path() /
                                       "fuzz" / "corpus";
  for (const auto& t : imagery::fuzz::kTargets) {
    INFO(t.name);
    const std::uint8_t nothing = 0;
    t.run(&nothing, 0);
    const auto dir = corpus / t.name;
    REQUIRE(std::filesystem::is_directory(dir));
    int seeds = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      INFO(entry.path().filename().string());
      const auto bytes = imagery::testing::read_file(entry.path().string());
      t.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++seeds;
    }
    CHECK(seeds >= 1);
  }
}
