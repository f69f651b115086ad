// `imagery batch` end to end over nginx with the CloudVolume fixtures (image_raw at 4 nm,
// seg_cseg at 8 nm): shards cover every row once, reruns skip finished rows, a killed or
// interrupted run completes on rerun with every file whole, bad rows and unreachable sources are
// reported and counted while the other rows succeed, and run-level mistakes fail at once.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "overlay/overlay_test_support.h"
#include "support/background_process.h"
#include "support/nginx_server.h"

using namespace imagery;
using imagery::testing::BackgroundProcess;
using imagery::testing::cli_path;
using imagery::testing::data_path;
using imagery::testing::NginxServer;
using imagery::testing::pixel_difference;
using imagery::testing::run_imagery;
using imagery::testing::run_program;
using imagery::testing::sha256_hex;
using imagery::testing::TempDir;
using imagery::testing::write_file;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Row i's centre: a walk over the image volume (x 100..400, y 36..306, z 12..49 at 4 nm).
std::string center_of(int i) {
  return std::to_string(140 + (i % 6) * 40) + "," + std::to_string(70 + (i / 6 % 5) * 40) + "," +
         std::to_string(13 + i % 35);
}

std::string row_name(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "fig_%03d", i);
  return name;
}

// A CSV manifest of `rows` figures, 64x64 around center_of(i).
std::string write_csv(const TempDir& dir, int rows, const std::string& file = "rows.csv") {
  std::string text = "name,center,_note\n";
  for (int i = 0; i < rows; ++i)
    text += row_name(i) + ",\"" + center_of(i) + "\",row " + std::to_string(i) + "\n";
  write_file(dir.file(file), text);
  return dir.file(file);
}

std::string write_style(const TempDir& dir, const NginxServer& nginx) {
  json style = {{"image", nginx.url("image_raw")},
                {"seg", nginx.url("seg_cseg")},
                {"size", {64, 64, 1}},
                {"outline", true},
                {"width", 2},
                {"alpha", 0.6}};
  write_file(dir.file("style.json"), style.dump());
  return dir.file("style.json");
}

struct Status {
  std::vector<json> rows;
  json summary;
  std::size_t count(const std::string& status) const {
    std::size_t n = 0;
    for (const json& r : rows) n += r["status"] == status;
    return n;
  }
};

Status parse_status(const std::string& text) {
  Status s;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    json j = json::parse(line);
    if (j.contains("summary"))
      s.summary = j["summary"];
    else
      s.rows.push_back(j);
  }
  return s;
}

// Files under `dir` by name relative to it, hidden ones included.
std::map<std::string, std::string> files_with_hashes(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files[fs::relative(e.path(), dir).string()] =
          e.path().extension() == ".json" ? "" : sha256_hex(testing::read_file(e.path().string()));
  return files;
}

std::size_t count_with_extension(const std::map<std::string, std::string>& files,
                                 const std::string& ext) {
  std::size_t n = 0;
  for (const auto& [name, hash] : files) n += fs::path(name).extension() == ext;
  return n;
}

std::vector<std::string> batch_args(const std::string& manifest, const std::string& style,
                                    const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"batch", manifest, "--defaults", style, "--out-dir", out};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Waits until `dir` holds at least `n` PNGs (or 20 s pass).
void wait_for_pngs(const std::string& dir, std::size_t n, BackgroundProcess& p) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20) && p.running()) {
    std::error_code ec;
    std::size_t pngs = 0;
    for (const auto& e : fs::directory_iterator(dir, ec))
      pngs += e.path().extension() == ".png" && e.path().filename().string()[0] != '.';
    if (pngs >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

TEST_CASE("imagery batch over 3 shards renders every row exactly once and a rerun skips them",
          "[cli][batch][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  const std::string manifest = write_csv(dir, 60), style = write_style(dir, nginx);
  const std::string out = dir.file("out");
  std::multiset<std::string> rendered;
  for (int shard = 0; shard < 3; ++shard) {
    auto r = run_imagery(
        batch_args(manifest, style, out,
                   {"--shard-index", std::to_string(shard), "--shard-count", "3", "--jobs", "2"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    Status s = parse_status(r.out);
    CHECK(s.rows.size() == 20);
    CHECK(s.count("ok") == 20);
    CHECK(s.summary["rows"] == 20);
    CHECK(s.summary["ok"] == 20);
    CHECK(s.summary["shard"] == json({shard, 3}));
    for (const json& row : s.rows) {
      rendered.insert(row["name"].get<std::string>());
      // Contiguous blocks: shard k takes rows 20k..20k+19 (manifest lines 20k+2...).
      CHECK(row["line"].get<int>() - 2 >= 20 * shard);
      CHECK(row["line"].get<int>() - 2 < 20 * shard + 20);
    }
    CHECK_THAT(r.err, Catch::Contains("20 rows: 20 ok, 0 skipped, 0 failed"));
  }
  CHECK(rendered.size() == 60);
  CHECK(std::set<std::string>(rendered.begin(), rendered.end()).size() == 60);
  auto files = files_with_hashes(out);
  CHECK(files.size() == 120);  // NAME.png + NAME.json, no temporaries
  CHECK(count_with_extension(files, ".png") == 60);
  for (int i = 0; i < 60; ++i) {
    INFO(row_name(i));
    overlay::Image fig = overlay::read_figure_png(out + "/" + row_name(i) + ".png");
    CHECK(fig.width == 64);
    CHECK(fig.height == 64);
  }

  // A row's picture is exactly what `imagery figure` draws with the same options.
  auto single =
      run_imagery({"figure", "--image", nginx.url("image_raw"), "--seg", nginx.url("seg_cseg"),
                   "--center", center_of(37), "--size", "64,64,1", "--outline", "--width", "2",
                   "--alpha", "0.6", "-o", dir.file("single.png")});
  REQUIRE(single.exit_code == 0);
  CHECK(pixel_difference(overlay::read_figure_png(out + "/fig_037.png"),
                         overlay::read_figure_png(dir.file("single.png"))) == "");

  // Rerun: every shard skips every row and fetches nothing; no file changes.
  const std::size_t requests_before = nginx.requests().size();
  for (int shard = 0; shard < 3; ++shard) {
    auto r = run_imagery(batch_args(
        manifest, style, out, {"--shard-index", std::to_string(shard), "--shard-count", "3"}));
    REQUIRE(r.exit_code == 0);
    Status s = parse_status(r.out);
    CHECK(s.count("skipped") == 20);
    CHECK(s.summary["skipped"] == 20);
  }
  CHECK(nginx.requests().size() == requests_before);
  CHECK(files_with_hashes(out) == files);

  // --overwrite renders again, to the same bytes.
  auto again = run_imagery(batch_args(manifest, style, out, {"--overwrite", "--jobs", "2"}));
  REQUIRE(again.exit_code == 0);
  CHECK(parse_status(again.out).count("ok") == 60);
  CHECK(files_with_hashes(out) == files);
}

TEST_CASE("imagery batch takes its shard from Slurm and Kubernetes variables",
          "[cli][batch][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  // JSON Lines, with typed values and per-row sources.
  std::string text;
  for (int i = 0; i < 9; ++i)
    text += json({{"name", row_name(i)},
                  {"center", json::parse("[" + center_of(i) + "]")},
                  {"image", nginx.url("image_raw")},
                  {"seg", nginx.url("seg_cseg")},
                  {"image_size", {32, 24}},
                  {"root_ids", i % 2 ? json::array({}) : json(nullptr)},
                  {"outline", i % 2 == 0}})
                .dump() +
            "\n";
  write_file(dir.file("rows.jsonl"), text);
  write_file(dir.file("style.json"), "{\"alpha\": 0.3}");
  const std::string out = dir.file("out");
  auto slurm = run_program(
      "/usr/bin/env",
      {"SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=4", "SLURM_ARRAY_TASK_COUNT=3", cli_path(),
       "batch", dir.file("rows.jsonl"), "--defaults", dir.file("style.json"), "--out-dir", out});
  INFO(slurm.err);
  REQUIRE(slurm.exit_code == 0);
  Status s = parse_status(slurm.out);
  REQUIRE(s.rows.size() == 3);
  std::set<std::string> slurm_names;
  for (const json& row : s.rows) slurm_names.insert(row["name"].get<std::string>());
  CHECK(slurm_names == std::set<std::string>{"fig_003", "fig_004", "fig_005"});
  CHECK(s.summary["shard"] == json({1, 3}));
  auto k8s =
      run_program("/usr/bin/env",
                  {"JOB_COMPLETION_INDEX=2", cli_path(), "batch", dir.file("rows.jsonl"),
                   "--defaults", dir.file("style.json"), "--out-dir", out, "--shard-count", "3"});
  REQUIRE(k8s.exit_code == 0);
  Status k = parse_status(k8s.out);
  std::set<std::string> names;
  for (const json& row : k.rows) names.insert(row["name"].get<std::string>());
  CHECK(names == std::set<std::string>{"fig_006", "fig_007", "fig_008"});
  overlay::Image fig = overlay::read_figure_png(out + "/fig_007.png");
  CHECK(fig.width == 32);
  CHECK(fig.height == 24);
  auto missing_count = run_program("/usr/bin/env", {"JOB_COMPLETION_INDEX=2", cli_path(), "batch",
                                                    dir.file("rows.jsonl"), "--out-dir", out});
  CHECK(missing_count.exit_code == 2);
  CHECK_THAT(missing_count.err, Catch::Contains("give --shard-count"));
}

TEST_CASE("a killed imagery batch leaves no half-written figure and a rerun completes it",
          "[cli][batch][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  const int rows = 150;
  const std::string manifest = write_csv(dir, rows), style = write_style(dir, nginx);
  const std::string out = dir.file("out"), reference = dir.file("reference");
  auto ref = run_imagery(batch_args(manifest, style, reference));
  REQUIRE(ref.exit_code == 0);
  const auto expected = files_with_hashes(reference);

  SECTION("SIGKILL") {
    {
      BackgroundProcess run(cli_path(), batch_args(manifest, style, out, {"--jobs", "1"}));
      wait_for_pngs(out, 3, run);
      run.signal(SIGKILL);
      CHECK(run.wait().exit_code == 128 + SIGKILL);
    }
    std::size_t pngs = 0;
    for (const auto& [name, hash] : files_with_hashes(out)) {
      if (name[0] == '.') continue;  // a temporary the kill left behind
      if (fs::path(name).extension() != ".png") continue;
      ++pngs;
      CHECK(hash == expected.at(name));  // every PNG there is whole
    }
    REQUIRE(pngs >= 3);
    REQUIRE(pngs < static_cast<std::size_t>(rows));  // killed part-way
    auto rerun = run_imagery(batch_args(manifest, style, out, {"--jobs", "2"}));
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    Status s = parse_status(rerun.out);
    CHECK(s.count("skipped") >= pngs - 1);  // the last PNG may lack its sidecar
    CHECK(s.count("skipped") + s.count("ok") == static_cast<std::size_t>(rows));
  }
  SECTION("SIGTERM stops new rows, says retry later, and the rerun finishes") {
    BackgroundProcess run(cli_path(), batch_args(manifest, style, out, {"--jobs", "1"}));
    wait_for_pngs(out, 3, run);
    run.signal(SIGTERM);
    auto stopped = run.wait();
    INFO(stopped.err);
    CHECK(stopped.exit_code == 75);
    Status s = parse_status(stopped.out);
    CHECK(s.summary["interrupted"] == true);
    CHECK(s.summary["exit_code"] == 75);
    CHECK(s.count("ok") < static_cast<std::size_t>(rows));
    CHECK_THAT(stopped.err, Catch::Contains("interrupted"));
    auto rerun = run_imagery(batch_args(manifest, style, out));
    REQUIRE(rerun.exit_code == 0);
    CHECK(parse_status(rerun.out).count("skipped") == s.count("ok"));
  }
  // Complete, identical to the uninterrupted run, and no temporaries left.
  CHECK(files_with_hashes(out) == expected);
}

TEST_CASE("imagery batch reports bad rows and unreachable sources and renders the rest",
          "[cli][batch][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  const std::string style = write_style(dir, nginx);
  const std::string unreachable =
      "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/seg";
  std::string text;
  text += json({{"name", "a"}, {"center", {200, 150, 20}}}).dump() + "\n";
  text += "{\"name\": \"broken\", \"center\": [1, 2\n";
  text += json({{"name", "b"}, {"center", {210, 150, 20}}, {"alpha", 7}}).dump() + "\n";
  text += json({{"name", "c"}, {"center", {220, 150, 20}}, {"seg", unreachable}}).dump() + "\n";
  text += json({{"name", "d"}, {"center", {230, 150, 20}}}).dump() + "\n";
  text += json({{"name", "../escape"}, {"center", {230, 150, 20}}}).dump() + "\n";
  text += json({{"name", "a"}, {"center", {240, 150, 20}}}).dump() + "\n";
  text +=
      json({{"name", "sub/e"}, {"center", {240, 150, 20}}, {"save_arrays", true}}).dump() + "\n";
  write_file(dir.file("rows.jsonl"), text);
  const std::string out = dir.file("out");
  auto r = run_imagery(
      batch_args(dir.file("rows.jsonl"), style, out, {"--status", dir.file("status.jsonl"), "-q"}));
  INFO(r.err);
  CHECK(r.exit_code == 75);  // a row failed on the network: retry later
  CHECK(r.out.empty());      // status lines went to --status
  CHECK(r.err.empty());      // -q
  Status s = parse_status(
      imagery::testing::count_lines(r.out) == 0
          ? std::string(
                reinterpret_cast<const char*>(testing::read_file(dir.file("status.jsonl")).data()),
                testing::read_file(dir.file("status.jsonl")).size())
          : r.out);
  REQUIRE(s.rows.size() == 8);
  std::map<int, json> by_line;
  for (const json& row : s.rows) by_line[row["line"].get<int>()] = row;
  CHECK(by_line[1]["status"] == "ok");
  CHECK(by_line[2]["status"] == "failed");
  CHECK(by_line[2]["code"] == "invalid argument");
  CHECK_THAT(by_line[2]["error"].get<std::string>(), Catch::Contains("rows.jsonl:2: not JSON"));
  CHECK(by_line[3]["status"] == "failed");
  CHECK_THAT(by_line[3]["error"].get<std::string>(), Catch::Contains("rows.jsonl:3: 'alpha'"));
  CHECK(by_line[4]["status"] == "failed");
  CHECK(by_line[4]["code"] == "unavailable");
  CHECK(by_line[4]["retry"] == true);
  CHECK_THAT(by_line[4]["error"].get<std::string>(), Catch::Contains(unreachable));
  CHECK(by_line[5]["status"] == "ok");
  CHECK(by_line[6]["status"] == "failed");
  CHECK_THAT(by_line[6]["error"].get<std::string>(), Catch::Contains("'name' ../escape"));
  CHECK(by_line[7]["status"] == "failed");
  CHECK_THAT(by_line[7]["error"].get<std::string>(), Catch::Contains("taken by line 1"));
  CHECK(by_line[8]["status"] == "ok");
  CHECK(s.summary["ok"] == 3);
  CHECK(s.summary["failed"] == 5);
  CHECK(s.summary["retryable"] == 1);
  CHECK(fs::exists(out + "/a.png"));
  CHECK(fs::exists(out + "/d.png"));
  CHECK(fs::exists(out + "/sub/e.png"));
  CHECK(fs::exists(out + "/sub/e_seg.npy"));
  CHECK(fs::exists(out + "/sub/e_image.npy"));
  CHECK_FALSE(fs::exists(dir.file("escape.png")));
  CHECK_FALSE(fs::exists(out + "/c.png"));

  // Without the network failure the same run says "some rows failed" (10); --status appends.
  auto again =
      run_imagery(batch_args(dir.file("rows.jsonl"), style, out,
                             {"--status", dir.file("status.jsonl"), "--max-failures", "100"}));
  CHECK(again.exit_code == 75);
  std::string only_bad = text.substr(0, text.find("{\"center\":[220"));
  write_file(dir.file("bad.jsonl"), only_bad);
  auto bad = run_imagery(batch_args(dir.file("bad.jsonl"), style, out));
  CHECK(bad.exit_code == 10);
  CHECK_THAT(bad.err, Catch::Contains("see the failed status lines"));
}

TEST_CASE("imagery batch refuses run-level mistakes at once with one line", "[cli][batch]") {
  TempDir dir;
  write_file(dir.file("rows.csv"), "name,center,colour\na,\"1,2,3\",red\n");
  write_file(dir.file("ok.csv"), "name,center,size,image\na,\"1,2,3\",\"4,4\",/nonexistent\n");
  write_file(dir.file("style.json"), "{\"alpah\": 1}");
  write_file(dir.file("a_file"), "x");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string mentions;
  };
  const std::string out = dir.file("out");
  const std::vector<Case> cases = {
      {{"batch", dir.file("rows.csv"), "--out-dir", out}, 2, "column 'colour' is not an option"},
      {{"batch", dir.file("none.csv"), "--out-dir", out}, 3, "none.csv"},
      {{"batch", dir.file("ok.csv"), "--out-dir", out, "--defaults", dir.file("style.json")},
       2,
       "'alpah' is not a figure option"},
      {{"batch", dir.file("ok.csv"), "--out-dir", out, "--defaults", dir.file("nope.json")},
       3,
       "nope.json"},
      {{"batch", dir.file("ok.csv"), "--out-dir", dir.file("a_file/out")}, 1, "a_file/out"},
      {{"batch", dir.file("ok.csv"), "--out-dir", out, "--shard-index", "1"},
       2,
       "--shard-index needs --shard-count"},
      {{"batch", dir.file("ok.csv"), "--out-dir", out, "--shard-index", "3", "--shard-count", "3"},
       2,
       "outside 0..2"},
      {{"batch", dir.file("ok.csv"), "--out-dir", out, "--jobs", "0"}, 2, "--jobs"},
      {{"batch", dir.file("ok.csv")}, 2, "--out-dir"},
      {{"batch", dir.file("ok.csv"), "--out-dir", out, "--status", dir.file("a_file/s")},
       1,
       "a_file/s"},
  };
  for (const Case& c : cases) {
    auto r = run_imagery(c.args);
    INFO(c.args[1] << " ... -> " << r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK(testing::count_lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(c.mentions));
    CHECK(r.out.empty());
  }
  CHECK_FALSE(fs::exists(out));

  // --dry-run checks rows and fetches nothing: the missing image is not noticed, no folder made.
  auto dry = run_imagery({"batch", dir.file("ok.csv"), "--out-dir", out, "--dry-run"});
  CHECK(dry.exit_code == 0);
  Status s = parse_status(dry.out);
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0]["status"] == "planned");
  CHECK(s.summary["planned"] == 1);
  CHECK_FALSE(fs::exists(out));
  // The real run fails that row (not found) and says so in its status line.
  auto real = run_imagery({"batch", dir.file("ok.csv"), "--out-dir", out, "-q"});
  CHECK(real.exit_code == 10);
  CHECK(parse_status(real.out).rows.at(0)["code"] == "not found");
}

TEST_CASE("a sidecar of imagery figure serves as the defaults of a batch", "[cli][batch][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  TempDir dir;
  // merge_outline, written by every sidecar, is one of the keys --defaults used to refuse.
  auto fig =
      run_imagery({"figure", "--image", nginx.url("image_raw"), "--seg", nginx.url("seg_cseg"),
                   "--center", center_of(3), "--size", "64,64,1", "--outline", "--no-merge-outline",
                   "--width", "3", "-o", dir.file("fig.png")});
  INFO(fig.err);
  REQUIRE(fig.exit_code == 0);
  const std::string manifest = write_csv(dir, 5);
  auto r = run_imagery({"batch", manifest, "--defaults", dir.file("fig.json"), "--out-dir",
                        dir.file("out"), "--jobs", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (int i = 0; i < 5; ++i) CHECK(fs::exists(dir.file("out/" + row_name(i) + ".png")));
  // Row 3 has the figure's centre: the same picture.
  CHECK(pixel_difference(overlay::read_figure_png(dir.file("out/" + row_name(3) + ".png")),
                         overlay::read_figure_png(dir.file("fig.png"))) == "");
}

TEST_CASE("batch rows draw publication figures: every format, scale bars, letters, marks",
          "[cli][batch][publication]") {
  TempDir dir;
  write_file(dir.file("points.csv"), "x,y,z,color\n200,100,20,#ff00ff\n5000,100,20,#ff00ff\n");
  const json style = {{"image", data_path("cloudvolume/image_raw")},
                      {"seg", data_path("cloudvolume/seg_cseg")},
                      {"image_size", {96, 64}},
                      {"scale_bar", "100nm"},
                      {"points", dir.file("points.csv")},
                      {"outline", true},
                      {"width", 1},
                      {"alpha", 1}};
  write_file(dir.file("style.json"), style.dump());
  write_file(dir.file("rows.csv"),
             "output,center,label\n"
             "a.png,\"200,100,20\",a\n"
             "b.svg,\"200,100,20\",b\n"
             "c.pdf,\"200,100,20\",c\n"
             "d.tif,\"200,100,20\",d\n");
  const auto r = run_imagery({"--quiet", "batch", dir.file("rows.csv"), "--out-dir",
                              dir.file("out"), "--defaults", dir.file("style.json")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"a", "\x89PNG"}, {"b", "<?xml"}, {"c", "%PDF"}, {"d", "II*"}};
  for (const auto& [name, magic] : files) {
    INFO(name);
    const std::string ext = name == "a" ? ".png" : name == "b" ? ".svg" : name == "c" ? ".pdf" : ".tif";
    const std::string text = imagery::testing::read_text(dir.file("out/" + name + ext));
    CHECK(text.compare(0, magic.size(), magic) == 0);
    const json sidecar = json::parse(imagery::testing::read_text(dir.file("out/" + name + ".json")));
    const json& elements = sidecar["rendered"]["panels"][0]["elements"];
    CHECK(elements["scale_bar"]["pixels"] == 25);  // 100 nm at 4 nm
    CHECK(elements["points"]["drawn"] == 1);
    CHECK(elements["points"]["skipped"] == 1);
    CHECK(sidecar["label"] == name);
  }
  const overlay::Image png = overlay::read_figure_png(dir.file("out/a.png"));
  // The point at (200, 100) is the figure's centre voxel: pixel (48, 32).
  const std::uint8_t* p = png.pixel(48, 32);
  CHECK((p[0] == 255 && p[1] == 0 && p[2] == 255));
}
