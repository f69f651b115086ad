// The package as a consumer sees it: `cmake --install` of this build into a temporary prefix,
// then a tiny outside project (tests/client/package_consumer) found with find_package(imagery),
// built and run against the demo volume.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support/test_support.h"

using imagery::testing::run_program;
using imagery::testing::TempDir;
namespace fs = std::filesystem;

namespace {
std::string find_cmake() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    fs::path p = fs::path(dir) / "cmake";
    if (fs::exists(p)) return p.string();
  }
  return "cmake";
}
}  // namespace

TEST_CASE("an installed imagery is found by find_package and links a client program",
          "[client][package]") {
  const fs::path build = fs::path(imagery::testing::cli_path()).parent_path().parent_path();
  const fs::path source = fs::path(IMAGERY_TEST_DATA).parent_path() / "client/package_consumer";
  const fs::path demo =
      fs::path(IMAGERY_TEST_DATA).parent_path().parent_path() / "examples/demo_volume";
  const std::string cmake = find_cmake();
  TempDir tmp;
  const std::string prefix = tmp.file("prefix");
  auto install = run_program(cmake, {"--install", build.string(), "--prefix", prefix});
  INFO(install.out << install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fs::exists(prefix + "/include/imagery/client/client.h"));
  CHECK(fs::exists(prefix + "/include/imagery/version.h"));
  CHECK(fs::exists(prefix + "/lib/cmake/imagery/imageryConfig.cmake"));
  // Internal headers are not part of the package.
  CHECK_FALSE(fs::exists(prefix + "/include/imagery/io/internal"));
  // Relocatable: no installed CMake file names the build or source tree, nor a library path of
  // this machine (the config finds libmurmurhash and libdeflate where the consumer is).
  for (const auto& entry : fs::recursive_directory_iterator(prefix + "/lib/cmake/imagery")) {
    const std::string text = imagery::testing::read_text(entry.path().string());
    INFO(entry.path());
    CHECK(text.find(build.string()) == std::string::npos);
    CHECK(text.find(fs::path(IMAGERY_TEST_DATA).parent_path().parent_path().string()) ==
          std::string::npos);
    CHECK(text.find("libmurmurhash.so") == std::string::npos);
    CHECK(text.find("libdeflate.so") == std::string::npos);
  }
  // The consumer finds the package where it was moved to.
  const std::string moved = tmp.file("moved");
  fs::rename(prefix, moved);

  std::vector<std::string> configure = {"-S",
                                        source.string(),
                                        "-B",
                                        tmp.file("b"),
                                        "-DCMAKE_BUILD_TYPE=Release",
                                        "-DCMAKE_PREFIX_PATH=" + moved};
#if defined(__SANITIZE_ADDRESS__)
  // This build's libraries are instrumented: the consumer links the sanitizer runtimes too.
  configure.push_back("-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined");
  configure.push_back("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined");
#endif
  auto conf = run_program(cmake, configure);
  INFO(conf.out << conf.err);
  REQUIRE(conf.exit_code == 0);
  auto built = run_program(cmake, {"--build", tmp.file("b"), "-j2"});
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  auto ran = run_program(tmp.file("b/consumer"),
                         {(demo / "image").string(), (demo / "segmentation").string()});
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(ran.out == "0.2.0 33 17 1\n");
}
