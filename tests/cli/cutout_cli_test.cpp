// `imagery cutout`: .npy output equal to CloudVolume's arrays, bounds and mip
// parsing, and bad input that must exit non-zero with no output file.
#include <catch2/catch.hpp>
#include <filesystem>

#include "imagery/core/npy.h"
#include "support/test_support.h"

using namespace imagery;
using imagery::testing::count_lines;
using imagery::testing::data_path;
using imagery::testing::run_imagery;
using imagery::testing::sha256_hex;
using imagery::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("imagery cutout writes CloudVolume's array as a Fortran-ordered npy", "[cli][cutout]") {
  TempDir dir;
  const std::string out = dir.file("seg.npy");
  auto r = run_imagery(
      {"cutout", data_path("cloudvolume/seg_cseg"), "--bounds", "60,30,12,200,153,49", "-o", out});
  REQUIRE(r.exit_code == 0);
  auto bytes = imagery::testing::read_file(out);
  std::string head(reinterpret_cast<const char*>(bytes.data()), 128);
  CHECK_THAT(head, Catch::Contains("'fortran_order': True") &&
                       Catch::Contains("(140, 123, 37, 1)") && Catch::Contains("'<u8'"));
  NpyArray a = read_npy(out);
  CHECK(sha256_hex(a.array) == "47e9e511d1ccb3c2dd4b803698a2a64101b133b0a34a3062836a0841ee0e9b0d");
}

TEST_CASE("imagery cutout converts mip-0 bounds to the requested mip", "[cli][cutout]") {
  TempDir dir;
  for (const char* mip : {"1", "8,8,40"}) {
    auto r = run_imagery({"cutout", "file://" + data_path("cloudvolume/image_jpeg"), "--bounds",
                          "140,40,20,380,300,30", "--mip", mip, "-o", dir.file("j.npy")});
    REQUIRE(r.exit_code == 0);
    NpyArray a = read_npy(dir.file("j.npy"));
    CHECK(a.array.shape() == Shape4{120, 130, 10, 1});
    CHECK(sha256_hex(a.array) ==
          "fb9750d9aafce5e7ec3a9110cb1f005e0c2716c1dd46567e3aa4b1079ecae930");
  }
}

TEST_CASE("imagery cutout takes negative bounds with --unbounded", "[cli][cutout]") {
  TempDir dir;
  auto r = run_imagery({"cutout", data_path("cloudvolume/image_raw"),
                        "--bounds=-20,30,6,100,150,19", "--unbounded", "-o", dir.file("u.npy")});
  REQUIRE(r.exit_code == 0);
  NpyArray a = read_npy(dir.file("u.npy"));
  CHECK(a.array.shape() == Shape4{120, 120, 13, 1});
  std::int64_t nonzero = 0;
  for (std::int64_t i = 0; i < a.array.shape().count(); ++i)
    nonzero += a.array.data<std::uint8_t>()[i] != 0;
  CHECK(nonzero == 0);  // the box ends at x = 100, where the volume starts
  auto spaced = run_imagery({"cutout", data_path("cloudvolume/image_raw"), "--bounds",
                             "-20,30,6,120,150,19", "--unbounded", "-o", dir.file("v.npy")});
  REQUIRE(spaced.exit_code == 0);
  CHECK(read_npy(dir.file("v.npy")).array.shape() == Shape4{140, 120, 13, 1});
}

TEST_CASE("imagery cutout of a missing chunk exits 3 unless --fill-missing", "[cli][cutout]") {
  TempDir dir;
  const std::string out = dir.file("m.npy");
  auto missing = run_imagery({"cutout", data_path("cloudvolume/missing_chunk"), "--bounds",
                              "40,40,8,140,140,37", "-o", out});
  CHECK(missing.exit_code == 3);
  CHECK(count_lines(missing.err) == 1);
  CHECK_THAT(missing.err,
             Catch::Contains("64-128_64-128_16-32") && Catch::Contains("--fill-missing"));
  CHECK(fs::is_empty(dir.path()));
  auto filled = run_imagery({"cutout", data_path("cloudvolume/missing_chunk"), "--bounds",
                             "40,40,8,140,140,37", "--fill-missing", "-o", out});
  REQUIRE(filled.exit_code == 0);
  CHECK(sha256_hex(read_npy(out).array) ==
        "1096d94645dbd6f03b4aef2ded145bb81740c82005946fc942e129cd901b9070");
}

TEST_CASE("imagery cutout outside the volume exits 2 naming both boxes", "[cli][cutout]") {
  TempDir dir;
  auto r = run_imagery({"cutout", data_path("cloudvolume/image_raw"), "--bounds",
                        "0,0,0,200,200,20", "-o", dir.file("o.npy")});
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("[0, 0, 0] .. [200, 200, 20]") &&
                        Catch::Contains("[100, 36, 12] .. [400, 306, 49]"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("imagery cutout of a corrupt chunk exits 5 naming the file and writes nothing",
          "[cli][cutout]") {
  TempDir dir;
  fs::copy(data_path("cloudvolume/seg_cseg"), dir.file("vol"), fs::copy_options::recursive);
  const std::string chunk = dir.file("vol/8_8_40/50-114_18-82_12-28.gz");
  fs::resize_file(chunk, fs::file_size(chunk) / 2);
  auto r = run_imagery(
      {"cutout", dir.file("vol"), "--bounds", "50,18,12,60,30,14", "-o", dir.file("c.npy")});
  CHECK(r.exit_code == 5);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(chunk));
  CHECK_FALSE(fs::exists(dir.file("c.npy")));
}

TEST_CASE("imagery cutout with bad arguments exits 2 and writes nothing", "[cli][cutout]") {
  TempDir dir;
  const std::string src = data_path("cloudvolume/image_raw");
  const std::string out = dir.file("x.npy");
  const std::vector<std::vector<std::string>> cases = {
      {"cutout", src, "--bounds", "1,2,3,4,5", "-o", out},
      {"cutout", src, "--bounds", "1,2,3,4,5,x", "-o", out},
      {"cutout", src, "--bounds", "110,40,20,100,50,30", "-o", out},
      {"cutout", src, "-o", out},
      {"cutout", src, "--bounds", "110,40,20,120,50,30"},
      {"cutout", src, "--bounds", "110,40,20,120,50,30", "-o", out, "--mip", "two"},
      {"cutout", src, "--bounds", "110,40,20,120,50,30", "-o", out, "--frobnicate"},
  };
  for (const auto& args : cases) {
    auto r = run_imagery(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.err) == 1);
  }
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("imagery cutout to an unwritable place fails before reading and leaves no file",
          "[cli][cutout]") {
  TempDir dir;
  auto r = run_imagery({"cutout", data_path("cloudvolume/image_raw"), "--bounds",
                        "110,40,20,120,50,30", "-o", dir.file("missing/dir/x.npy")});
  CHECK(r.exit_code != 0);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("missing/dir/x.npy"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("imagery cutout of a missing mip exits 3", "[cli][cutout]") {
  TempDir dir;
  auto r = run_imagery({"cutout", data_path("cloudvolume/seg_cseg"), "--bounds",
                        "60,30,12,70,40,14", "--mip", "2", "-o", dir.file("x.npy")});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("no mip 2"));
}

TEST_CASE("imagery cutout over the memory budget exits 7 before reading and writes nothing",
          "[cli][cutout]") {
  TempDir dir;
  auto r =
      run_imagery({"cutout", data_path("cloudvolume/image_raw"), "--bounds", "100,36,12,400,306,49",
                   "--max-memory", "0.001", "-o", dir.file("big.npy")});
  CHECK(r.exit_code == 7);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("--max-memory") && Catch::Contains("2997000 bytes"));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("imagery cutout of an absurdly large box is refused, not attempted", "[cli][cutout]") {
  TempDir dir;
  auto r = run_imagery({"cutout", data_path("cloudvolume/image_raw"), "--bounds",
                        "0,0,0,4000000000000,4000000000000,4000000000000", "--unbounded", "-o",
                        dir.file("x.npy")});
  CHECK(r.exit_code == 7);
  CHECK(count_lines(r.err) == 1);
  CHECK(fs::is_empty(dir.path()));
}
