// Neuroglancer-state benchmark (issue 14): a 1024x1024 panel of a two-layer state (the jpeg image
// at 4 nm under the compressed_segmentation at 8 nm, Neuroglancer's default alphas and hash
// colours) from the benchmark volumes served by nginx on loopback, cold (the context's caches of
// fetched bytes emptied: every chunk over HTTP) and warm (decode and draw only), beside the
// ImageryClient-style figure of the same region in the same run; then `imagery batch` of one
// state at 200 synapse-like positions (256x256 panels), figures per second, beside a batch of the
// same 200 regions drawn from flags.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/figure/render.h"
#include "imagery/io/context.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/neuroglancer/render_state.h"
#include "imagery/precomputed/internal/shard_cache.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

json bench_state(const std::string& base) {
  return {
      {"dimensions", {{"x", {4e-9, "m"}}, {"y", {4e-9, "m"}}, {"z", {4e-8, "m"}}}},
      {"position", {1024, 1024, 32.5}},
      {"crossSectionScale", 1},
      {"layout", "xy"},
      {"layers",
       {{{"type", "image"}, {"name", "em"}, {"source", "precomputed://" + base + "/image_jpeg"}},
        {{"type", "segmentation"},
         {"name", "cells"},
         {"source", "precomputed://" + base + "/seg_cseg"}}}}};
}

struct Sample {
  double total = 0, draw = 0, encode = 0;
};

// The state's panel and its PNG, as `imagery figure --state` makes them.
Sample run_state(const neuroglancer::ViewerState& state, io::Context& context) {
  Sample s;
  const auto t0 = Clock::now();
  neuroglancer::StateRenderOptions options;
  const neuroglancer::StateRendering drawn = neuroglancer::render_state(state, context, options);
  s.draw = bench::ms_since(t0);
  const auto t1 = Clock::now();
  // What the PNG writer does with a picture nothing is drawn over.
  const auto png = overlay::encode_figure_png(drawn.picture, {1, &context.pool()});
  s.encode = bench::ms_since(t1);
  s.total = bench::ms_since(t0);
  if (drawn.picture.width != 1024 || png.empty()) std::fprintf(stderr, "unexpected panel\n");
  return s;
}

// The same region drawn from flags (ImageryClient's overlay, filled objects).
Sample run_flags(const std::string& base, io::Context& context) {
  figure::FigureSpec spec;
  spec.image = figure::SourceSpec{base + "/image_jpeg", {}};
  spec.segmentation = figure::SourceSpec{base + "/seg_cseg", {}};
  spec.region = figure::RegionSpec::corners({512, 512, 32}, {1536, 1536, 33});
  spec.output.path = "figure_bench.png";
  Sample s;
  const auto t0 = Clock::now();
  const figure::RenderedFigure fig = figure::render_figure(spec, context);
  s.draw = bench::ms_since(t0);
  const auto t1 = Clock::now();
  overlay::encode_figure_png(fig.panels.front().picture, {1, &context.pool()});
  s.encode = bench::ms_since(t1);
  s.total = bench::ms_since(t0);
  return s;
}

Sample median_of(const std::vector<Sample>& v) {
  auto pick = [&](double Sample::*field) {
    std::vector<double> x;
    for (const auto& s : v) x.push_back(s.*field);
    return bench::median(x);
  };
  return {pick(&Sample::total), pick(&Sample::draw), pick(&Sample::encode)};
}

void print_row(const char* name, const Sample& s) {
  std::printf("%-34s %9.1f %12.1f %9.1f\n", name, s.total, s.draw, s.encode);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s DATA_DIR BASE_URL IMAGERY_BINARY OUT_DIR [REPEATS]\n", argv[0]);
    return 2;
  }
  const std::string data = argv[1], base = argv[2], cli = argv[3], out = argv[4];
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 7;
  bench::ensure_bench_volumes(data);
  bench::print_bench_context("neuroglancer");
  std::printf(
      "1024x1024 xy panel of a Neuroglancer state: image_jpeg (4 nm, chunks 128x128x16) under "
      "seg_cseg (8 nm, gzip cseg), position [1024, 1024, 32.5], zoom 1; nginx on loopback; %u "
      "hardware threads; median of %d runs\n",
      std::thread::hardware_concurrency(), repeats);
  std::printf("%-34s %9s %12s %9s\n", "case", "total ms", "fetch+draw", "encode");
  const neuroglancer::ViewerState state =
      neuroglancer::parse_viewer_state(bench_state(base), "bench state");
  io::Context context;
  run_state(state, context);  // opens the volumes and connections once, as a program keeps them
  run_flags(base, context);
  std::vector<Sample> cold, warm, flags_cold, flags_warm;
  for (int i = 0; i < repeats; ++i) {
    context.memory_cache().clear();
    context.resource<precomputed::ShardCaches>().clear();
    cold.push_back(run_state(state, context));
    warm.push_back(run_state(state, context));
    context.memory_cache().clear();
    flags_cold.push_back(run_flags(base, context));
    flags_warm.push_back(run_flags(base, context));
  }
  const Sample c = median_of(cold), w = median_of(warm);
  const Sample fc = median_of(flags_cold), fw = median_of(flags_warm);
  print_row("state, cold", c);
  print_row("state, warm", w);
  print_row("same region from flags, cold", fc);
  print_row("same region from flags, warm", fw);
  std::printf("state / flags: cold %.2f, warm %.2f\n", c.total / fc.total, w.total / fw.total);

  // A batch: one state, 200 positions (256x256 panels), against 200 flag figures of the same
  // regions; fresh processes, the state read once per batch.
  const std::string dir = out + "/neuroglancer-batch";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/state.json") << bench_state(base).dump();
    std::ofstream(dir + "/state_defaults.json")
        << json({{"state", dir + "/state.json"}, {"panel_size", "256,256"}}).dump();
    std::ofstream(dir + "/flag_defaults.json")
        << json({{"image", base + "/image_jpeg"}, {"seg", base + "/seg_cseg"}}).dump();
    std::ofstream state_rows(dir + "/state_rows.jsonl"), flag_rows(dir + "/flag_rows.jsonl");
    std::mt19937 random(14);
    std::uniform_int_distribution<int> xy(160, 1888), z(2, 61);
    for (int i = 0; i < 200; ++i) {
      const int x = xy(random), y = xy(random), zz = z(random);
      state_rows << json({{"name", "s" + std::to_string(i)}, {"position", {x, y, zz + 0.5}}}).dump()
                 << "\n";
      flag_rows << json({{"name", "f" + std::to_string(i)},
                         {"center", {x, y, zz}},
                         {"image_size", {256, 256}}})
                       .dump()
                << "\n";
    }
  }
  for (const char* kind : {"state", "flag"}) {
    for (int jobs : {2, 8}) {
      std::vector<double> seconds;
      for (int i = 0; i < 3; ++i) {
        const std::string out_dir = dir + "/out_" + kind;
        std::filesystem::remove_all(out_dir);
        const double ms =
            bench::time_command({cli, "--quiet", "batch", dir + "/" + kind + "_rows.jsonl",
                                 "--defaults", dir + "/" + kind + "_defaults.json", "--out-dir",
                                 out_dir, "--jobs", std::to_string(jobs)});
        if (ms < 0) std::fprintf(stderr, "batch of %s rows failed\n", kind);
        seconds.push_back(ms / 1000);
      }
      const double s = bench::median(seconds);
      std::printf("batch of 200 %s rows (256x256), --jobs %d: %.2f s, %.1f figures/s\n", kind, jobs,
                  s, 200 / s);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
