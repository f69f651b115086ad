// Figure benchmark (issue 6): a 1024x1024 figure, jpeg image at 4 nm + compressed_segmentation at
// 8 nm (put onto the image grid), outlined, from the benchmark volumes served by nginx on
// loopback. Cold = fresh memory cache (every chunk over HTTP), warm = the bytes already in the
// memory cache (so a warm fetch is decode only). Time is split into fetch+decode per source
// (concurrent), align, render (composite) and encode; fetch alone is cold minus warm. The same
// figure through the CLI (a fresh process each run) with a cold and a warm disk cache.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/figure/make_figure.h"
#include "imagery/figure/render.h"
#include "imagery/figure/writer.h"
#include "imagery/io/context.h"
#include "imagery/precomputed/internal/shard_cache.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;

namespace {

struct Sample {
  double total = 0, fetch_image = 0, fetch_seg = 0, align = 0, render = 0, encode = 0;
  std::uint64_t bytes = 0;
};

// The figure, as `imagery figure` makes it (figure::render_figure and the PNG writer).
figure::FigureSpec bench_spec(const std::string& base) {
  figure::FigureSpec spec;
  spec.image = figure::SourceSpec{base + "/image_jpeg", {}};
  spec.segmentation = figure::SourceSpec{base + "/seg_cseg", {}};
  spec.region = figure::RegionSpec::corners({512, 512, 32}, {1536, 1536, 33});
  spec.style.composite.outline = true;
  spec.style.composite.width = 2;
  spec.style.composite.alpha = 1;
  spec.output.path = "figure_bench.png";
  return spec;
}

Sample run_once(const std::string& base, io::Context& context) {
  Sample s;
  auto t0 = Clock::now();
  const auto bytes_before = context.http_stats().bytes;
  const figure::FigureSpec spec = bench_spec(base);
  Clock::time_point composite_start;
  figure::RenderOptions options;
  options.on_phase = [&](std::string_view phase, const figure::Provenance&) {
    if (phase == "composite") composite_start = Clock::now();
  };
  const figure::RenderedFigure fig = figure::render_figure(spec, context, options);
  s.fetch_image = fig.provenance.fetch_image_ms;
  s.fetch_seg = fig.provenance.fetch_segmentation_ms;
  s.align = fig.provenance.align_ms;
  s.render = bench::ms_since(composite_start);
  auto t2 = Clock::now();
  const auto writer = figure::writer_for(spec.output.path);
  const figure::FigureScene drawn = figure::panel_scene(spec, fig, 0, *writer, nullptr, nullptr);
  figure::EncodeOptions encode;
  encode.print = drawn.drawn.print;
  encode.pool = &context.pool();
  auto png = writer->encode(drawn.scene, encode);
  s.encode = bench::ms_since(t2);
  s.total = bench::ms_since(t0);
  s.bytes = context.http_stats().bytes - bytes_before;
  const overlay::Image& picture = fig.panels.front().picture;
  if (picture.width != 1024 || picture.height != 1024 || png.empty())
    std::fprintf(stderr, "unexpected picture size\n");
  return s;
}

Sample median_of(const std::vector<Sample>& v) {
  auto pick = [&](double Sample::*field) {
    std::vector<double> x;
    for (const auto& s : v) x.push_back(s.*field);
    return bench::median(x);
  };
  Sample m;
  m.total = pick(&Sample::total);
  m.fetch_image = pick(&Sample::fetch_image);
  m.fetch_seg = pick(&Sample::fetch_seg);
  m.align = pick(&Sample::align);
  m.render = pick(&Sample::render);
  m.encode = pick(&Sample::encode);
  m.bytes = v.front().bytes;
  return m;
}

void print_row(const char* name, const Sample& s) {
  std::printf("%-22s %9.1f %12.1f %12.1f %9.1f %9.1f %9.1f %10.2f\n", name, s.total, s.fetch_image,
              s.fetch_seg, s.align, s.render, s.encode, static_cast<double>(s.bytes) / 1e6);
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
  bench::print_bench_context("figure");
  std::printf(
      "1024x1024 outlined figure: image_jpeg (4 nm, chunks 128x128x16) [512,512,32]..[1536,1536,33]"
      " + seg_cseg (8 nm, gzip cseg) on the image grid; nginx on loopback; %u hardware threads; "
      "median of %d runs\n",
      std::thread::hardware_concurrency(), repeats);
  std::printf("%-22s %9s %12s %12s %9s %9s %9s %10s\n", "case", "total ms", "img fetch+dec",
              "seg fetch+dec", "align", "render", "encode", "MB moved");
  std::vector<Sample> cold, warm;
  // One context for the process, as a program keeps it: cold = its caches of fetched bytes and
  // shard indices emptied (every chunk over HTTP, on connections and infos already open).
  io::Context context;
  run_once(base, context);  // opens the volumes and the connections once
  for (int i = 0; i < repeats; ++i) {
    context.memory_cache().clear();
    context.resource<precomputed::ShardCaches>().clear();
    cold.push_back(run_once(base, context));
    warm.push_back(run_once(base, context));
  }
  Sample c = median_of(cold), w = median_of(warm);
  print_row("in-process cold", c);
  print_row("in-process warm", w);
  std::printf("fetch alone (cold - warm): image %.1f ms, segmentation %.1f ms\n",
              c.fetch_image - w.fetch_image, c.fetch_seg - w.fetch_seg);

  // The CLI, a fresh process per run: cold (empty disk cache) and warm (disk cache filled).
  const std::string cache = out + "/figure-cache";
  std::vector<double> cli_cold, cli_warm;
  for (int i = 0; i < repeats; ++i) {
    std::filesystem::remove_all(cache);
    const std::vector<std::string> args = {cli,
                                           "--quiet",
                                           "--cache",
                                           cache,
                                           "figure",
                                           "--image",
                                           base + "/image_jpeg",
                                           "--seg",
                                           base + "/seg_cseg",
                                           "--bounds",
                                           "512,512,32,1536,1536,33",
                                           "--outline",
                                           "--width",
                                           "2",
                                           "--alpha",
                                           "1",
                                           "-o",
                                           out + "/figure_bench.png"};
    cli_cold.push_back(bench::time_command(args));
    cli_warm.push_back(bench::time_command(args));
  }
  std::printf("CLI (fresh process): cold disk cache %.1f ms, warm disk cache %.1f ms\n",
              bench::median(cli_cold), bench::median(cli_warm));
  std::filesystem::remove_all(cache);
  return 0;
}
