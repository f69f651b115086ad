// `imagery composite` as a user runs it: golden pictures through the CLI, per-slice files,
// stacks, --timings, the options beyond ImageryClient, and one-line errors without output files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "imagery/core/npy.h"
#include "overlay/overlay_test_support.h"
#include "support/expect_failure.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::expect_failure;
using imagery::testing::files_in;
using imagery::testing::pixel_difference;
using imagery::testing::run_imagery;
using imagery::testing::TempDir;

namespace {

const std::string kSeg = data_path("imageryclient/inputs/seg256.npy");
const std::string kImg = data_path("imageryclient/inputs/img256.npy");
const std::string kSeg3d = data_path("imageryclient/inputs/seg3d.npy");
const std::string kImg3d = data_path("imageryclient/inputs/img3d.npy");

overlay::Image golden(const std::string& name) {
  return overlay::read_figure_png(data_path("imageryclient/golden/" + name));
}

template <class T>
void write_array(const std::string& path, std::vector<T> values, std::int64_t x, std::int64_t y,
                 std::int64_t z = 1, int ndim = 2) {
  Array a(dtype_of<T>(), {x, y, z, 1});
  std::copy(values.begin(), values.end(), a.data<T>());
  write_npy(path, a, ndim);
}

}  // namespace

TEST_CASE("imagery composite reproduces ImageryClient's fill and outline pictures",
          "[cli][composite][golden]") {
  TempDir dir;
  struct Case {
    std::vector<std::string> flags;
    const char* golden;
  };
  const Case cases[] = {
      {{}, "fill_256_defaults.png"},
      {{"--palette", "tab10", "--alpha", "0.4"}, "fill_256_tab10_a0.4.png"},
      {{"--outline"}, "outline_256_default_width10.png"},
      {{"--outline", "--side", "in", "--width", "15", "--no-merge-outline", "--alpha", "1.0"},
       "outline_256_in_nomerge_w15_a1.0.png"},
      {{"--outline", "--width", "3", "--no-merge-outline", "--no-overlap", "--alpha", "1"},
       "outline_256_out_nomerge_w3_a1.0_overlapFalse.png"},
  };
  for (const Case& c : cases) {
    INFO(c.golden);
    std::vector<std::string> args = {"composite",        "--seg", kSeg, "--imagery", kImg, "-o",
                                     dir.file("out.png")};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto r = run_imagery(args);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(pixel_difference(overlay::read_figure_png(dir.file("out.png")), golden(c.golden)) == "");
  }
  auto r = run_imagery({"composite", "--seg", kSeg, "--outline", "--width", "3", "--alpha", "1.0",
                        "-o", dir.file("noimg.png")});
  REQUIRE(r.exit_code == 0);
  CHECK(pixel_difference(overlay::read_figure_png(dir.file("noimg.png")),
                         golden("outline_256_out_merge_w3_a1.0_noimagery.png")) == "");
}

TEST_CASE("a 3-D input writes one picture per slice into names with {i}",
          "[cli][composite][series]") {
  TempDir dir;
  auto r = run_imagery({"composite", "--seg", kSeg3d, "--imagery", kImg3d, "--alpha", "0.4", "-o",
                        dir.file("slice_{i}.png")});
  REQUIRE(r.exit_code == 0);
  CHECK(files_in(dir.path()) == 5);
  for (int z = 0; z < 5; ++z) {
    INFO("z " << z);
    CHECK(
        pixel_difference(overlay::read_figure_png(dir.file("slice_" + std::to_string(z) + ".png")),
                         golden("series3d_fill_a0.4_z" + std::to_string(z) + ".png")) == "");
  }
}

TEST_CASE(
    "composite with --stack draws the slices side by side or one above the other like stack_images",
    "[cli][composite][stack]") {
  TempDir dir;
  for (const char* direction : {"horizontal", "vertical"})
    for (const char* spacing : {"10", "3"}) {
      std::string name = std::string("stack3d_fill_a0.4_") + direction + "_s" + spacing + ".png";
      INFO(name);
      auto r = run_imagery({"composite", "--seg", kSeg3d, "--imagery", kImg3d, "--alpha", "0.4",
                            "--stack", direction, "--spacing", spacing, "-o", dir.file(name)});
      REQUIRE(r.exit_code == 0);
      auto got = overlay::read_figure_png(dir.file(name));
      CHECK(got.channels == 3);
      CHECK(pixel_difference(got, golden(name)) == "");
    }
}

TEST_CASE("composite with --timings prints read, composite, encode and write phases to stderr",
          "[cli][composite]") {
  TempDir dir;
  auto r = run_imagery(
      {"--timings", "composite", "--seg", kSeg, "--imagery", kImg, "-o", dir.file("t.png")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  std::regex line("(read|composite|encode|write): [0-9]+\\.[0-9] ms");
  std::vector<std::string> phases;
  std::istringstream in(r.err);
  for (std::string s; std::getline(in, s);) {
    INFO(s);
    std::smatch m;
    REQUIRE(std::regex_match(s, m, line));
    phases.push_back(m[1]);
  }
  CHECK(phases == std::vector<std::string>{"read", "composite", "encode", "write"});
}

TEST_CASE("composite with --dim slices a 3-D input along x or y", "[cli][composite][series]") {
  TempDir dir;
  auto r = run_imagery(
      {"composite", "--seg", kSeg3d, "--dim", "0", "--alpha", "1", "-o", dir.file("x{i}.png")});
  REQUIRE(r.exit_code == 0);
  CHECK(files_in(dir.path()) == 256);
  auto p = overlay::read_figure_png(dir.file("x7.png"));
  CHECK(p.width == 256);  // columns are y
  CHECK(p.height == 5);   // rows are z
  r = run_imagery({"composite", "--seg", kSeg3d, "--dim", "1", "--stack", "vertical", "--spacing",
                   "0", "-o", dir.file("y.png")});
  REQUIRE(r.exit_code == 0);
  auto s = overlay::read_figure_png(dir.file("y.png"));
  CHECK(s.width == 256);
  CHECK(s.height == 256 * 5);
}

TEST_CASE("non-square inputs give pictures as wide as x and as high as y, in C or Fortran order",
          "[cli][composite]") {
  TempDir dir;
  // 3 x 2 with ids 1..6 at x + 3y; red = id * 40 with alpha 1.
  write_array<std::uint16_t>(dir.file("f.npy"), {1, 2, 3, 4, 5, 6}, 3, 2);
  // The same array in C order: header then rows of x (the last axis varies fastest).
  std::string header = npy_header(DataType::kUint16, {3, 2}, false);
  std::vector<std::uint16_t> c_order = {1, 4, 2, 5, 3, 6};
  std::string bytes = header + std::string(reinterpret_cast<const char*>(c_order.data()), 12);
  testing::write_file(dir.file("c.npy"), bytes);
  std::string colors = "#280000;#500000;#780000;#a00000;#c80000;#f00000";
  for (const char* input : {"f.npy", "c.npy"}) {
    INFO(input);
    auto r = run_imagery({"composite", "--seg", dir.file(input), "--alpha", "1", "--colors", colors,
                          "-o", dir.file(std::string(input) + ".png")});
    REQUIRE(r.exit_code == 0);
    auto p = overlay::read_figure_png(dir.file(std::string(input) + ".png"));
    REQUIRE(p.width == 3);
    REQUIRE(p.height == 2);
    for (std::uint32_t y = 0; y < 2; ++y)
      for (std::uint32_t x = 0; x < 3; ++x) CHECK(int(p.pixel(x, y)[0]) == 40 * int(1 + x + 3 * y));
  }
}

TEST_CASE("composite with --root-ids keeps only those objects, coloured by rank among them",
          "[cli][composite]") {
  TempDir dir;
  write_array<std::uint64_t>(dir.file("s.npy"), {5, 9, 18446744073709551614ull, 0}, 2, 2);
  auto r =
      run_imagery({"composite", "--seg", dir.file("s.npy"), "--root-ids", "18446744073709551614,9",
                   "--palette", "tab10", "--alpha", "1", "-o", dir.file("o.png")});
  REQUIRE(r.exit_code == 0);
  auto p = overlay::read_figure_png(dir.file("o.png"));
  CHECK(std::vector<int>(p.pixel(0, 0), p.pixel(0, 0) + 4) ==
        std::vector<int>{0, 0, 0, 0});  // 5: dropped
  CHECK(std::vector<int>(p.pixel(1, 0), p.pixel(1, 0) + 4) ==
        std::vector<int>{31, 119, 180, 255});  // 9: first
  CHECK(std::vector<int>(p.pixel(0, 1), p.pixel(0, 1) + 4) ==
        std::vector<int>{255, 127, 14, 255});  // 2^64-2
}

TEST_CASE("composite with --color gives each id its colour and --include-zero draws id 0",
          "[cli][composite]") {
  TempDir dir;
  write_array<std::int32_t>(dir.file("s.npy"), {-4, 7, 0, 7}, 2, 2);
  auto r = run_imagery({"composite", "--seg", dir.file("s.npy"), "--alpha", "1", "--include-zero",
                        "--color", "-4=red", "--color", "7=#00f", "--color", "0=0.5,0.5,0.5", "-o",
                        dir.file("o.png")});
  REQUIRE(r.exit_code == 0);
  auto p = overlay::read_figure_png(dir.file("o.png"));
  CHECK(std::vector<int>(p.pixel(0, 0), p.pixel(0, 0) + 3) == std::vector<int>{255, 0, 0});
  CHECK(std::vector<int>(p.pixel(1, 1), p.pixel(1, 1) + 3) == std::vector<int>{0, 0, 255});
  CHECK(std::vector<int>(p.pixel(0, 1), p.pixel(0, 1) + 3) == std::vector<int>{127, 127, 127});
}

TEST_CASE("composite with --rgb writes RGB and with --png-level 9 writes the same pixels smaller",
          "[cli][composite]") {
  TempDir dir;
  auto r = run_imagery(
      {"composite", "--seg", kSeg, "--imagery", kImg, "--rgb", "-o", dir.file("rgb.png")});
  REQUIRE(r.exit_code == 0);
  auto rgb = overlay::read_figure_png(dir.file("rgb.png"));
  CHECK(pixel_difference(rgb, overlay::drop_alpha(golden("fill_256_defaults.png"))) == "");
  r = run_imagery({"composite", "--seg", kSeg, "--imagery", kImg, "--png-level", "9", "-o",
                   dir.file("small.png")});
  REQUIRE(r.exit_code == 0);
  r = run_imagery({"composite", "--seg", kSeg, "--imagery", kImg, "-o", dir.file("fast.png")});
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::file_size(dir.file("small.png")) <
        std::filesystem::file_size(dir.file("fast.png")));
  CHECK(pixel_difference(overlay::read_figure_png(dir.file("small.png")),
                         golden("fill_256_defaults.png")) == "");
}

TEST_CASE(
    "composite with --window stretches uint16 imagery while the default clips like ImageryClient",
    "[cli][composite]") {
  TempDir dir;
  write_array<std::uint32_t>(dir.file("s.npy"), {0, 0, 0, 0}, 2, 2);
  write_array<std::uint16_t>(dir.file("i.npy"), {1000, 1500, 2000, 200}, 2, 2);
  auto r = run_imagery({"composite", "--seg", dir.file("s.npy"), "--imagery", dir.file("i.npy"),
                        "--window", "1000,2000", "-o", dir.file("w.png")});
  REQUIRE(r.exit_code == 0);
  auto w = overlay::read_figure_png(dir.file("w.png"));
  CHECK(int(w.pixel(0, 0)[0]) == 0);
  CHECK(int(w.pixel(1, 0)[0]) == 128);
  CHECK(int(w.pixel(0, 1)[0]) == 255);
  r = run_imagery({"composite", "--seg", dir.file("s.npy"), "--imagery", dir.file("i.npy"), "-o",
                   dir.file("c.png")});
  REQUIRE(r.exit_code == 0);
  auto c = overlay::read_figure_png(dir.file("c.png"));
  CHECK(int(c.pixel(0, 0)[0]) == 255);
  CHECK(int(c.pixel(1, 1)[0]) == 200);
  r = run_imagery({"composite", "--seg", dir.file("s.npy"), "--imagery", dir.file("i.npy"),
                   "--window", "auto", "-o", dir.file("a.png")});
  REQUIRE(r.exit_code == 0);
}

TEST_CASE("bad input gives one error line naming it, a non-zero exit and no output file",
          "[cli][composite][errors]") {
  TempDir dir;
  TempDir inputs;
  write_array<std::uint64_t>(inputs.file("small.npy"), {1, 2, 3, 4}, 2, 2);
  write_array<float>(inputs.file("float.npy"), {1, 2, 3, 4}, 2, 2);
  testing::write_file(inputs.file("bad.npy"), std::string("\x93NUMPY garbage"));
  const std::string out = dir.file("out.png");
  expect_failure({"composite", "--seg", inputs.file("missing.npy"), "-o", out}, 3, "missing.npy",
                 dir);
  expect_failure({"composite", "--seg", inputs.file("bad.npy"), "-o", out}, 2, "bad.npy", dir);
  expect_failure({"composite", "--seg", inputs.file("float.npy"), "-o", out}, 2, "float.npy", dir);
  expect_failure({"composite", "--seg", kSeg, "--imagery", inputs.file("small.npy"), "-o", out}, 2,
                 "has shape (2, 2) but --seg", dir);
  expect_failure({"composite", "--seg", kSeg, "--palette", "nope", "-o", out}, 2,
                 "--palette: unknown palette 'nope'", dir);
  expect_failure({"composite", "--seg", kSeg, "--colors", "red;blorange", "-o", out}, 2, "blorange",
                 dir);
  expect_failure({"composite", "--seg", kSeg, "--colors", "red;blue", "-o", out}, 2,
                 "2 colours for 36 objects", dir);
  expect_failure({"composite", "--seg", kSeg, "--color", "73=red", "-o", out}, 2,
                 "no colour for object 109", dir);
  expect_failure({"composite", "--seg", kSeg, "--color", "73", "-o", out}, 2, "expected ID=COLOR",
                 dir);
  expect_failure({"composite", "--seg", kSeg, "--root-ids", "5,x", "-o", out}, 2, "--root-ids: 'x'",
                 dir);
  expect_failure({"composite", "--seg", kSeg, "--alpha", "1.5", "-o", out}, 2, "--alpha", dir);
  expect_failure({"composite", "--seg", kSeg, "--width", "-1", "-o", out}, 2, "--width", dir);
  expect_failure({"composite", "--seg", kSeg, "--window", "5,1", "-o", out}, 2, "--window", dir);
  expect_failure({"composite", "--seg", kSeg, "--png-level", "12", "-o", out}, 2, "--png-level",
                 dir);
  expect_failure({"composite", "--seg", kSeg, "--side", "diagonal", "-o", out}, 2, "--side", dir);
  expect_failure({"composite", "--seg", kSeg3d, "-o", out}, 2, "{i}", dir);
  expect_failure({"composite", "--seg", kSeg, "-o", dir.file("no/such/folder/out.png")}, 1,
                 "no/such/folder", dir);
}
