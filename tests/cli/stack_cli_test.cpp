// `imagery stack` as a user runs it: the golden series stacked like stack_images, --timings, and
// one-line errors for missing or corrupt pictures without an output file.
#include <catch2/catch.hpp>
#include <filesystem>

#include "overlay/overlay_test_support.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::pixel_difference;
using imagery::testing::run_imagery;
using imagery::testing::TempDir;

namespace {
std::vector<std::string> series_args() {
  std::vector<std::string> args = {"stack"};
  for (int z = 0; z < 5; ++z)
    args.push_back(
        data_path("imageryclient/golden/series3d_fill_a0.4_z" + std::to_string(z) + ".png"));
  return args;
}
}  // namespace

TEST_CASE("imagery stack of the golden series equals ImageryClient's stacks",
          "[cli][stack][golden]") {
  TempDir dir;
  for (const char* direction : {"horizontal", "vertical"})
    for (const char* spacing : {"10", "3"}) {
      std::string name = std::string("stack3d_fill_a0.4_") + direction + "_s" + spacing + ".png";
      INFO(name);
      auto args = series_args();
      args.insert(args.end(),
                  {"--direction", direction, "--spacing", spacing, "-o", dir.file(name)});
      auto r = run_imagery(args);
      REQUIRE(r.exit_code == 0);
      CHECK(r.err.empty());
      CHECK(pixel_difference(overlay::read_figure_png(dir.file(name)),
                             overlay::read_figure_png(data_path("imageryclient/golden/" + name))) ==
            "");
    }
}

TEST_CASE("imagery stack defaults to horizontal with spacing 10 and reports its phases",
          "[cli][stack]") {
  TempDir dir;
  auto args = series_args();
  args.insert(args.begin(), "--timings");
  args.insert(args.end(), {"-o", dir.file("s.png")});
  auto r = run_imagery(args);
  REQUIRE(r.exit_code == 0);
  CHECK(pixel_difference(overlay::read_figure_png(dir.file("s.png")),
                         overlay::read_figure_png(data_path(
                             "imageryclient/golden/stack3d_fill_a0.4_horizontal_s10.png"))) == "");
  for (const char* phase : {"read: ", "composite: ", "encode: ", "write: "})
    CHECK_THAT(r.err, Catch::Contains(phase));
  CHECK(testing::count_lines(r.err) == 4);
}

TEST_CASE("imagery stack fails on a missing or corrupt picture without writing anything",
          "[cli][stack][errors]") {
  TempDir dir;
  TempDir inputs;
  testing::write_file(inputs.file("corrupt.png"), std::string("\x89PNG\r\n\x1a\n not really"));
  const std::string good = data_path("imageryclient/golden/series3d_fill_a0.4_z0.png");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string mentions;
  };
  const Case cases[] = {
      {{"stack", good, inputs.file("missing.png"), "-o", dir.file("o.png")}, 3, "missing.png"},
      {{"stack", good, inputs.file("corrupt.png"), "-o", dir.file("o.png")}, 5, "corrupt.png"},
      {{"stack", good, "--direction", "diagonal", "-o", dir.file("o.png")}, 2, "--direction"},
      {{"stack", good, "--spacing", "-2", "-o", dir.file("o.png")}, 2, "--spacing"},
  };
  for (const Case& c : cases) {
    INFO(c.mentions);
    auto r = run_imagery(c.args);
    CHECK(r.exit_code == c.exit_code);
    CHECK(testing::count_lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(c.mentions));
    CHECK(std::filesystem::is_empty(dir.path()));
  }
}
