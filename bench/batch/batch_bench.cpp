// Benchmark of `imagery batch`: 500 figures of 256x256 pixels (every other one outlined) around
// random points of the benchmark volumes (jpeg image at 4 nm, compressed_segmentation at 8 nm)
// served by nginx, --jobs 2. Reports figures per second (median of REPEATS cold runs), the HTTP
// requests made against the chunks the figures need, and peak memory; plus --jobs 1 and 4, and
// for scale one process per figure (`imagery figure`) on the first rows.
//
// Usage: batch_bench DATA_DIR NGINX_URL IMAGERY_CLI OUT_DIR [REPEATS]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/client/client.h"
#include "imagery/precomputed/internal/chunk_grid.h"

namespace {

namespace fs = std::filesystem;
using imagery::Vec3d;
using imagery::bench::median;

constexpr int kFigures = 500;
constexpr int kPixels = 256;

struct Row {
  std::string name;
  Vec3d center;
  bool outline;
};

std::vector<Row> make_rows() {
  std::mt19937 rng(20261121);
  // 4 nm image coordinates, far enough from the edges for a whole 256x256 figure.
  std::uniform_int_distribution<int> xy(kPixels / 2, 2048 - kPixels / 2), z(0, 63);
  std::vector<Row> rows;
  for (int i = 0; i < kFigures; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "syn_%04d", i);
    rows.push_back({name, Vec3d{double(xy(rng)), double(xy(rng)), double(z(rng))}, i % 2 == 1});
  }
  return rows;
}

// Distinct chunks the figures need (image and segmentation), and the sum over figures.
std::pair<std::size_t, std::size_t> chunks_needed(const std::string& data,
                                                  const std::vector<Row>& rows) {
  auto c = imagery::client::Client::open({data + "/image_jpeg", data + "/seg_cseg"});
  auto grid_of = [](const imagery::volume::Volume& v) {
    const auto& s = v.metadata().scales[0];
    return imagery::precomputed::ChunkGrid(s.bounds.min, s.bounds.size(), s.chunk_size);
  };
  const imagery::precomputed::ChunkGrid image_grid = grid_of(c.image_volume());
  const imagery::precomputed::ChunkGrid seg_grid = grid_of(c.segmentation_volume());
  std::set<std::tuple<int, std::int64_t, std::int64_t, std::int64_t>> distinct;
  std::size_t touches = 0;
  for (const Row& r : rows) {
    auto region = c.image_region_from_size(r.center, {kPixels, kPixels, 1});
    for (const auto& cell : image_grid.cells_overlapping(c.image_voxels(region)))
      distinct.insert({0, cell.x, cell.y, cell.z}), ++touches;
    for (const auto& cell : seg_grid.cells_overlapping(c.segmentation_voxels(region)))
      distinct.insert({1, cell.x, cell.y, cell.z}), ++touches;
  }
  return {distinct.size(), touches};
}

nlohmann::json summary_of(const std::string& status_path) {
  std::ifstream in(status_path);
  std::string line;
  nlohmann::json summary;
  while (std::getline(in, line))
    if (line.find("\"summary\"") != std::string::npos)
      summary = nlohmann::json::parse(line)["summary"];
  return summary;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: batch_bench DATA_DIR NGINX_URL IMAGERY_CLI OUT_DIR [REPEATS]\n");
    return 2;
  }
  const std::string data = argv[1], url = argv[2], cli = argv[3], out = argv[4];
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 5;
  imagery::bench::ensure_bench_volumes(data);
  imagery::bench::print_bench_context("batch");
  const std::string work = out + "/batch";
  fs::remove_all(work);
  fs::create_directories(work);

  const std::vector<Row> rows = make_rows();
  {
    std::ofstream m(work + "/rows.csv");
    m << "name,center,outline\n";
    for (const Row& r : rows)
      m << r.name << ",\"" << r.center.x << "," << r.center.y << "," << r.center.z << "\","
        << (r.outline ? "true" : "false") << "\n";
    std::ofstream style(work + "/style.json");
    style << nlohmann::json{
        {"image", url + "/image_jpeg"},
        {"seg", url + "/seg_cseg"},
        {"size", {kPixels, kPixels, 1}},
        {"alpha", 0.35},
        {"width",
         3}}.dump();
  }
  const auto [needed, touches] = chunks_needed(data, rows);
  std::printf(
      "batch: %d figures of %dx%d (half outlined), jpeg image 4 nm + cseg 8 nm over nginx\n",
      kFigures, kPixels, kPixels);
  std::printf("chunks needed: %zu distinct (%zu chunk reads if each figure fetched its own)\n",
              needed, touches);

  // IMAGERY_BASELINE_CLI: another build of imagery, run alternately with this one (--jobs 2), so
  // that a change is measured under the same load.
  const char* baseline = std::getenv("IMAGERY_BASELINE_CLI");
  struct Variant {
    std::string label, cli;
    int jobs, runs;
  };
  std::vector<Variant> variants = {{"--jobs 2", cli, 2, repeats}};
  if (baseline) variants.push_back({"--jobs 2, baseline build", baseline, 2, repeats});
  variants.push_back({"--jobs 1", cli, 1, std::max(1, repeats / 2)});
  variants.push_back({"--jobs 4", cli, 4, std::max(1, repeats / 2)});
  struct Samples {
    std::vector<double> seconds, cpu, rss;
    nlohmann::json summary;
  };
  std::vector<Samples> samples(variants.size());
  for (int round = 0; round < repeats; ++round)
    for (std::size_t v = 0; v < variants.size(); ++v) {
      if (round >= variants[v].runs) continue;
      const std::string dir = work + "/out_" + std::to_string(v);
      fs::remove_all(dir);
      const std::string status = work + "/status.jsonl";
      fs::remove(status);
      auto run = imagery::bench::run_command(
          {variants[v].cli, "batch", work + "/rows.csv", "--defaults", work + "/style.json",
           "--out-dir", dir, "--jobs", std::to_string(variants[v].jobs), "--status", status, "-q"});
      if (run.exit_code != 0) {
        std::fprintf(stderr, "imagery batch failed (exit %d)\n", run.exit_code);
        return 1;
      }
      samples[v].seconds.push_back(run.ms / 1000.0);
      samples[v].cpu.push_back(run.cpu_s);
      samples[v].rss.push_back(run.peak_rss_mb);
      samples[v].summary = summary_of(status);
    }
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const Samples& x = samples[v];
    const double s = median(x.seconds);
    std::printf(
        "%s: median %.2f s over %zu runs = %.0f figures/s, %.1f ms CPU per figure; %s HTTP "
        "requests for %zu chunks + 2 infos (%.1f MB); peak RSS %.0f MB\n",
        variants[v].label.c_str(), s, x.seconds.size(), kFigures / s,
        1000.0 * median(x.cpu) / kFigures,
        x.summary.value("http_requests", nlohmann::json()).dump().c_str(), needed,
        x.summary.value("http_bytes", 0.0) / 1e6, median(x.rss));
  }

  // One process per figure, as a shell loop over `imagery figure` would do it.
  constexpr int kSingles = 40;
  std::vector<double> singles;
  for (int i = 0; i < kSingles; ++i) {
    const Row& r = rows[static_cast<std::size_t>(i)];
    char center[64];
    std::snprintf(center, sizeof center, "%g,%g,%g", r.center.x, r.center.y, r.center.z);
    std::vector<std::string> args = {
        cli,        "figure", "--image", url + "/image_jpeg", "--seg",   url + "/seg_cseg",
        "--center", center,   "--size",  "256,256,1",         "--alpha", "0.35",
        "--width",  "3",      "-o",      work + "/single.png"};
    if (r.outline) args.push_back("--outline");
    singles.push_back(imagery::bench::time_command(args));
  }
  const double single_ms = median(singles);
  std::printf("one `imagery figure` process per figure: median %.1f ms = %.0f figures/s\n",
              single_ms, 1000.0 / single_ms);
  return 0;
}
