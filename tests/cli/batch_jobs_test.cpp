// The rows of a batch shard as jobs: rows whose files collide with an earlier row's are errors
// naming that row (across shards too), the files each figure owns, which paths a per-slice
// pattern covers, and the cleanup of temporaries a killed run left — only this shard's.
#include "imagery/cli/batch_jobs.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "imagery/cli/manifest.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using imagery::cli::fits_slice_pattern;
using imagery::cli::Job;
using imagery::cli::owned_files;
using imagery::cli::OwnedFiles;
using imagery::cli::parse_manifest;
using imagery::cli::remove_abandoned_files;
using imagery::cli::shard_jobs;
using imagery::cli::ShardSelection;
using imagery::testing::TempDir;
using nlohmann::json;

namespace {

const json kDefaults = {{"image", "/data/em"}, {"seg", "/data/seg"}, {"size", "64,64,1"}};

// Jobs of a CSV manifest with a name column (and whatever else `header` adds), one shard.
std::vector<Job> jobs_of(const std::string& csv, const std::string& out_dir = "/out",
                         ShardSelection shard = {}) {
  return shard_jobs(parse_manifest(csv, "rows.csv"), kDefaults, out_dir, shard);
}

imagery::figure::FigureSpec spec_with_output(const std::string& path) {
  imagery::figure::FigureSpec s;
  s.image = imagery::figure::SourceSpec{"/data/em", {}};
  s.segmentation = imagery::figure::SourceSpec{"/data/seg", {}};
  s.output.path = path;
  return s;
}

std::set<std::string> as_set(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

void touch(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  imagery::testing::write_file(path, "partial");
}

}  // namespace

TEST_CASE("rows whose files collide are errors naming the earlier row", "[cli][batch][jobs]") {
  const auto jobs = jobs_of(
      "name,center\n"
      "x_{i},\"1,2,3\"\n"  // line 2: x_0.png, x_1.png, ... and x.json
      "x,\"1,2,3\"\n"      // line 3: x.png and x.json
      "y,\"1,2,3\"\n"      // line 4
      "y,\"4,5,6\"\n"      // line 5: the same files as line 4
      "z,\"1,2,3\"\n");    // line 6: nothing shared
  REQUIRE(jobs.size() == 5);
  CHECK(jobs[0].row);
  CHECK(jobs[0].error.empty());
  CHECK_FALSE(jobs[1].row);
  CHECK(jobs[1].name == "x");
  CHECK(jobs[1].line == 3);
  CHECK(jobs[1].error ==
        "rows.csv:3: the figure's files collide with an earlier row's: /out/x.json is taken by "
        "line 2");
  CHECK(jobs[2].row);
  CHECK_FALSE(jobs[3].row);
  CHECK(jobs[3].error ==
        "rows.csv:5: the figure's files collide with an earlier row's: /out/y.json is taken by "
        "line 4");
  CHECK(jobs[4].row);
}

TEST_CASE("a picture a slice pattern would write collides with that pattern either way round",
          "[cli][batch][jobs]") {
  // The exact file first, the pattern later.
  auto jobs = jobs_of(
      "name,output,center\n"
      ",a_1.png,\"1,2,3\"\n"
      "a_{i},,\"1,2,3\"\n");
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].row);
  CHECK_FALSE(jobs[1].row);
  CHECK_THAT(jobs[1].error, Catch::EndsWith("/out/a_1.png is taken by line 2"));
  // The pattern first, the exact file later.
  jobs = jobs_of(
      "name,output,center\n"
      "a_{i},,\"1,2,3\"\n"
      ",a_12.png,\"1,2,3\"\n");
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].row);
  CHECK_FALSE(jobs[1].row);
  CHECK_THAT(jobs[1].error, Catch::EndsWith("/out/a_12.png is taken by line 2"));
  // A file the pattern cannot write (no digits where {i} is) is no collision.
  jobs = jobs_of(
      "name,output,center\n"
      "a_{i},,\"1,2,3\"\n"
      ",a_b.png,\"1,2,3\"\n");
  CHECK(jobs[1].row);
}

TEST_CASE("two slice patterns that can write the same file collide", "[cli][batch][jobs]") {
  // p_{i} writes p_10.png, which p_1{i} writes too, although their sidecars differ.
  auto jobs = jobs_of(
      "name,center\n"
      "p_{i},\"1,2,3\"\n"
      "p_1{i},\"1,2,3\"\n"
      "q_{i}_a,\"1,2,3\"\n"
      "q_{i}_b,\"1,2,3\"\n");
  REQUIRE(jobs.size() == 4);
  CHECK(jobs[0].row);
  CHECK_FALSE(jobs[1].row);
  CHECK_THAT(jobs[1].error, Catch::Contains("line 2"));
  // Different suffixes: never the same file.
  CHECK(jobs[2].row);
  CHECK(jobs[3].row);
}

TEST_CASE("a row colliding with a row of an earlier shard is refused in its own shard",
          "[cli][batch][jobs]") {
  const std::string csv =
      "name,center\n"
      "a,\"1,2,3\"\n"
      "b,\"1,2,3\"\n"
      "a,\"1,2,3\"\n"
      "c,\"1,2,3\"\n";
  const auto first = jobs_of(csv, "/out", {0, 2, "flags"});
  const auto second = jobs_of(csv, "/out", {1, 2, "flags"});
  REQUIRE(first.size() == 2);
  REQUIRE(second.size() == 2);
  CHECK(first[0].line == 2);
  CHECK(first[1].line == 3);
  CHECK(second[0].line == 4);
  CHECK_FALSE(second[0].row);
  CHECK_THAT(second[0].error, Catch::Contains("taken by line 2"));
  CHECK(second[1].row);
}

TEST_CASE("rows that cannot be read are jobs with the error and the line", "[cli][batch][jobs]") {
  const auto jobs = jobs_of(
      "name,center,alpha\n"
      "good,\"1,2,3\",\n"
      "bad,\"1,2,3\",lots\n"
      ",\"1,2,3\",\n");
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].row);
  CHECK_FALSE(jobs[1].row);
  CHECK(jobs[1].name == "bad");
  CHECK_THAT(jobs[1].error, Catch::StartsWith("rows.csv:3: 'alpha'"));
  CHECK_FALSE(jobs[2].row);
  CHECK(jobs[2].name.empty());
  CHECK_THAT(jobs[2].error, Catch::StartsWith("rows.csv:4: no 'name'"));
}

TEST_CASE("a figure owns its picture, its sidecar and its arrays", "[cli][batch][jobs]") {
  auto s = spec_with_output("/out/a.png");
  OwnedFiles f = owned_files(s);
  CHECK(as_set(f.exact) == std::set<std::string>{"/out/a.png", "/out/a.json"});
  CHECK(f.patterns.empty());

  s.output.arrays_beside_output = true;
  f = owned_files(s);
  CHECK(as_set(f.exact) ==
        std::set<std::string>{"/out/a.png", "/out/a.json", "/out/a_image.npy", "/out/a_seg.npy"});
  // Without an image there is no image array.
  s.image.reset();
  f = owned_files(s);
  CHECK(as_set(f.exact) == std::set<std::string>{"/out/a.png", "/out/a.json", "/out/a_seg.npy"});

  auto slices = spec_with_output("/out/s_{i}.png");
  slices.output.arrays_beside_output = true;
  f = owned_files(slices);
  CHECK(as_set(f.exact) ==
        std::set<std::string>{"/out/s.json", "/out/s_image.npy", "/out/s_seg.npy"});
  CHECK(f.patterns == std::vector<std::string>{"/out/s_{i}.png"});
}

TEST_CASE("a stacked figure with {i} in its name owns that one file", "[cli][batch][jobs]") {
  // Stacking makes one picture, written under the name as given, braces and all.
  auto s = spec_with_output("/out/x_{i}.png");
  s.style.stack = imagery::overlay::Direction::kHorizontal;
  const OwnedFiles f = owned_files(s);
  CHECK(as_set(f.exact) == std::set<std::string>{"/out/x_{i}.png", "/out/x.json"});
  CHECK(f.patterns.empty());
}

TEST_CASE("fits_slice_pattern matches digits where {i} stands", "[cli][batch][jobs]") {
  CHECK(fits_slice_pattern("a_12.png", "a_{i}.png"));
  CHECK(fits_slice_pattern("a_0.png", "a_{i}.png"));
  CHECK(fits_slice_pattern("/out/dir/a_007.png", "/out/dir/a_{i}.png"));
  CHECK_FALSE(fits_slice_pattern("a_.png", "a_{i}.png"));
  CHECK_FALSE(fits_slice_pattern("a_1x.png", "a_{i}.png"));
  CHECK_FALSE(fits_slice_pattern("a_-1.png", "a_{i}.png"));
  CHECK_FALSE(fits_slice_pattern("b_1.png", "a_{i}.png"));
  CHECK_FALSE(fits_slice_pattern("a_1.jpg", "a_{i}.png"));
  CHECK_FALSE(fits_slice_pattern("other/a_1.png", "a_{i}.png"));
  // The prefix and the suffix may not share characters.
  CHECK_FALSE(fits_slice_pattern("aa", "a{i}a"));
  CHECK(fits_slice_pattern("a5a", "a{i}a"));
  CHECK(fits_slice_pattern("5", "{i}"));
  CHECK_FALSE(fits_slice_pattern("", "{i}"));
  // Without {i} a pattern is a plain path.
  CHECK(fits_slice_pattern("a.png", "a.png"));
  CHECK_FALSE(fits_slice_pattern("a1.png", "a.png"));
}

TEST_CASE("remove_abandoned_files removes only temporaries of this shard's rows",
          "[cli][batch][jobs]") {
  TempDir dir;
  const std::string out = dir.path().string();
  const std::string csv =
      "name,center\n"
      "a,\"1,2,3\"\n"
      "s_{i},\"1,2,3\"\n"
      "sub/b,\"1,2,3\"\n"
      "other,\"1,2,3\"\n"
      "s_{i},\"9,9,9\"\n"  // collides with line 3: owns nothing
      "c,\"1,2,3\"\n";
  const auto mine = jobs_of(csv, out, {0, 2, "flags"});
  REQUIRE(mine.size() == 3);
  // Temporaries as AtomicFile names them: .NAME.tmp.PID.N
  const std::vector<std::string> removed = {out + "/.a.png.tmp.123.0", out + "/.a.json.tmp.123.1",
                                            out + "/.s_3.png.tmp.9.2", out + "/.s.json.tmp.9.3",
                                            out + "/sub/.b.png.tmp.77.4"};
  const std::vector<std::string> kept = {
      out + "/.other.png.tmp.1.1",  // another shard's row, maybe being written right now
      out + "/.c.json.tmp.1.2",
      out + "/a.png",  // finished files
      out + "/s_3.png",
      out + "/.a.png.tmp",  // not an AtomicFile temporary
      out + "/.a.png.tmp.x.1",
      out + "/.a.png.tmp.1",
      out + "/.s_x.png.tmp.1.1",  // not a slice of s_{i}
      out + "/.b.png.tmp.1.1",    // b lives in sub/
  };
  for (const auto& p : removed) touch(p);
  for (const auto& p : kept) touch(p);
  CHECK(remove_abandoned_files(out, mine) == removed.size());
  for (const auto& p : removed) {
    INFO(p);
    CHECK_FALSE(fs::exists(p));
  }
  for (const auto& p : kept) {
    INFO(p);
    CHECK(fs::exists(p));
  }
  // The other shard cleans its own.
  const auto theirs = jobs_of(csv, out, {1, 2, "flags"});
  CHECK(remove_abandoned_files(out, theirs) == 2);
  CHECK_FALSE(fs::exists(out + "/.other.png.tmp.1.1"));
  CHECK_FALSE(fs::exists(out + "/.c.json.tmp.1.2"));
  // Nothing to do in a folder that does not exist.
  CHECK(remove_abandoned_files(out + "/missing", mine) == 0);
}

TEST_CASE("every {i} of a pattern takes the same index", "[cli][batch][jobs]") {
  using imagery::cli::fits_slice_pattern;
  CHECK(fits_slice_pattern("a3/b3.png", "a{i}/b{i}.png"));
  CHECK(fits_slice_pattern("a12/b12.png", "a{i}/b{i}.png"));
  CHECK_FALSE(fits_slice_pattern("a3/b4.png", "a{i}/b{i}.png"));
  CHECK(fits_slice_pattern("a11.png", "a{i}1.png"));  // index 1
  CHECK_FALSE(fits_slice_pattern("a1x.png", "a{i}.png"));
}
