// AtomicFile: a file appears complete or not at all.
#include "imagery/core/atomic_file.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "imagery/core/error.h"
#include "support/test_support.h"

using namespace imagery;
namespace fs = std::filesystem;

TEST_CASE("an uncommitted atomic file leaves nothing behind", "[core][atomic]") {
  imagery::testing::TempDir dir;
  {
    AtomicFile f(dir.file("out.bin"));
    f.write("abc", 3);
    CHECK_FALSE(fs::exists(dir.file("out.bin")));
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("a committed atomic file replaces the old one whole", "[core][atomic]") {
  imagery::testing::TempDir dir;
  imagery::testing::write_file(dir.file("out.bin"), std::string("old contents"));
  AtomicFile f(dir.file("out.bin"));
  f.write("new", 3);
  CHECK(fs::file_size(dir.file("out.bin")) == 12);
  f.commit();
  CHECK(fs::file_size(dir.file("out.bin")) == 3);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("an atomic file in an unwritable place fails naming the path", "[core][atomic]") {
  imagery::testing::TempDir dir;
  CHECK_THROWS_WITH(AtomicFile(dir.file("no/such/dir/x.png")),
                    Catch::Contains("no/such/dir/x.png"));
  CHECK_THROWS_WITH(AtomicFile(dir.path().string()), Catch::Contains("directory"));
}

TEST_CASE("temporary names of atomic files give back their target", "[core][atomic]") {
  CHECK(imagery::atomic_file_target(".fig.png.tmp.1234.0") == "fig.png");
  CHECK(imagery::atomic_file_target(".a.tmp.json.tmp.1.22") == "a.tmp.json");
  CHECK_FALSE(imagery::atomic_file_target("fig.png.tmp.1.0"));
  CHECK_FALSE(imagery::atomic_file_target(".fig.png.tmp.1"));
  CHECK_FALSE(imagery::atomic_file_target(".fig.png.tmp.x.0"));
  CHECK_FALSE(imagery::atomic_file_target(".tmp.1.0"));
  CHECK_FALSE(imagery::atomic_file_target(".fig.png"));
  // A real temporary name round-trips.
  imagery::testing::TempDir dir;
  {
    imagery::AtomicFile f(dir.file("x.png"));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
      CHECK(imagery::atomic_file_target(entry.path().filename().string()) == "x.png");
  }
}
