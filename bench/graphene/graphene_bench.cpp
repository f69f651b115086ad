// Graphene benchmark (issue 13): what the chunkedgraph costs a figure. A 1024x1024 watershed of
// 500 supervoxels (cells of 41 x 51 voxels, 5 supervoxels to a root) is served by nginx, its
// chunkedgraph by the fake CAVE answering every request after 20 ms (a server across a network);
// a flat precomputed copy holds the root ids themselves. Measured:
//   1. a 1024x1024 segmentation figure in process, root ids at a timestamp the cache has not
//      seen (every figure asks roots_binary once), against the same figure from the flat copy:
//      the difference is the graph lookups (goal: one round trip per cutout);
//   2. `imagery batch` of 100 rows (256 x 256 each) at one timestamp over the graphene source and
//      over the flat copy: figures/s and the requests the chunkedgraph saw.
// Usage: graphene_bench --write DATA_DIR
//        graphene_bench DATA_DIR NGINX_URL IMAGERY OUT_DIR [REPEATS]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/cave/timestamp.h"
#include "imagery/core/allocator.h"
#include "imagery/figure/render.h"
#include "imagery/io/context.h"
#include "imagery/precomputed/volume_writer.h"
#include "imagery/volume/open_volume.h"
#include "support/fake_cave.h"

using namespace imagery;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSize = 1024, kCellsX = 25, kCellsY = 20, kPerRoot = 5;
constexpr double kCreated = 1600000000;  // every root exists since 2020-09-13
constexpr int kDelayMs = 20;

testing::GrapheneLayout layout() {
  return testing::GrapheneLayout::for_volume({kSize, kSize, 4}, {256, 256, 4});
}

int cell_of(int x, int y) {
  return std::min(y * kCellsY / kSize, kCellsY - 1) * kCellsX +
         std::min(x * kCellsX / kSize, kCellsX - 1);
}

// Supervoxel of cell c: layer 1, the chunk of the cell's centre, segid c + 1.
std::uint64_t supervoxel(const testing::GrapheneLayout& l, int c) {
  const int cx = (c % kCellsX) * kSize / kCellsX + kSize / kCellsX / 2;
  const int cy = (c / kCellsX) * kSize / kCellsY + kSize / kCellsY / 2;
  return l.make_id(1, {cx / 256, cy / 256, 0}, static_cast<std::uint64_t>(c + 1));
}

std::uint64_t root(const testing::GrapheneLayout& l, int c) {
  return l.make_id(l.n_layers, {0, 0, 0}, static_cast<std::uint64_t>(c / kPerRoot + 1));
}

testing::CaveGraph graph() {
  const auto l = layout();
  std::vector<testing::CaveRoot> roots(kCellsX * kCellsY / kPerRoot);
  for (int c = 0; c < kCellsX * kCellsY; ++c) {
    auto& r = roots[static_cast<std::size_t>(c / kPerRoot)];
    r.id = root(l, c);
    r.created = kCreated;
    r.supervoxels.push_back(supervoxel(l, c));
  }
  return testing::CaveGraph("bench_v1", l, roots);
}

void write_volume(const std::string& dir, bool roots) {
  if (fs::exists(dir + "/.complete")) return;
  precomputed::VolumeInfo info;
  info.type = "segmentation";
  info.data_type = DataType::kUint64;
  info.num_channels = 1;
  precomputed::Scale s;
  s.key = "8_8_40";
  s.size = {kSize, kSize, 4};
  s.resolution = {8, 8, 40};
  s.chunk_sizes = {{256, 256, 4}};
  s.encoding = precomputed::Encoding::kCompressedSegmentation;
  s.compressed_segmentation_block_size = {8, 8, 8};
  info.scales.push_back(s);
  precomputed::VolumeWriter writer(dir, info);
  Array a(DataType::kUint64, {kSize, kSize, 4, 1});
  const auto l = layout();
  for (int z = 0; z < 4; ++z)
    for (int y = 0; y < kSize; ++y)
      for (int x = 0; x < kSize; ++x) {
        const int c = cell_of(x, y);
        a.at<std::uint64_t>(x, y, z) = roots ? root(l, c) : supervoxel(l, c);
      }
  precomputed::WriteOptions o;
  o.gzip = true;
  writer.write(a, {{0, 0, 0}, {kSize, kSize, 4}}, 0, o);
  std::ofstream(dir + "/.complete") << "done\n";
}

figure::FigureSpec seg_figure(const std::string& seg) {
  figure::FigureSpec spec;
  spec.segmentation = figure::SourceSpec{seg, {}};
  spec.region = figure::RegionSpec::corners({0, 0, 1}, {kSize, kSize, 2});
  spec.style.composite.alpha = 1;
  spec.output.path = "graphene_bench.png";
  return spec;
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator_for_large_buffers();
  if (argc == 3 && std::string(argv[1]) == "--write") {
    write_volume(std::string(argv[2]) + "/watershed", false);
    write_volume(std::string(argv[2]) + "/flat", true);
    return 0;
  }
  if (argc < 5) {
    std::fprintf(stderr, "usage: graphene_bench DATA_DIR NGINX_URL IMAGERY OUT_DIR [REPEATS]\n");
    return 2;
  }
  const std::string data = argv[1], nginx = argv[2], imagery = argv[3], out = argv[4];
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 11;
  fs::create_directories(out);
  bench::print_bench_context("graphene");

  testing::FakeCaveOptions o;
  o.graph = graph();
  o.datastacks = {"bench"};
  o.watershed_dir = data + "/watershed";
  o.data_dir = nginx + "/watershed";
  o.delay_ms = kDelayMs;
  testing::FakeCave cave(o);
  const std::string flat = nginx + "/flat";

  // 1. One figure, in process: flat against graphene at a timestamp not seen before.
  io::ContextOptions co;
  co.memory_cache_bytes = 0;  // every chunk over HTTP each time, for both
  io::Context context(co);
  context.credentials().grant(cave.url(), testing::kFakeCaveToken);
  auto flat_volume = volume::open_volume(flat, context);
  auto graphene_volume = volume::open_volume(cave.segmentation_source(), context);
  figure::RenderOptions ro;
  ro.open = [&](const std::string& url) { return url == flat ? flat_volume : graphene_volume; };
  std::vector<double> flat_ms, graphene_ms;
  std::set<std::uint64_t> drawn;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = Clock::now();
    figure::render_figure(seg_figure(flat), context, ro);
    flat_ms.push_back(bench::ms_since(t0));
    figure::FigureSpec g = seg_figure(cave.segmentation_source());
    g.timestamp = cave::parse_timestamp(std::to_string(1700000000 + i));  // a new second each time
    t0 = Clock::now();
    const figure::RenderedFigure f = figure::render_figure(g, context, ro);
    graphene_ms.push_back(bench::ms_since(t0));
    if (i == 0) {
      drawn = {f.segmentation.data<std::uint64_t>(),
               f.segmentation.data<std::uint64_t>() + f.segmentation.shape().count()};
      drawn.erase(0);
    }
  }
  const int roots_calls = cave.count("roots_binary");
  const std::size_t ids_per_call =
      cave.roots_binary_ids().empty() ? 0 : cave.roots_binary_ids()[0].size();
  std::printf("\n## One 1024x1024 figure (segmentation at 8 nm, 500 supervoxels in view)\n\n");
  std::printf("chunkedgraph latency: %d ms per request (fake CAVE); chunks over nginx\n\n",
              kDelayMs);
  std::printf("| source | median ms | graph requests per figure |\n| --- | ---: | ---: |\n");
  std::printf("| flat precomputed copy (root ids stored) | %.1f | 0 |\n", bench::median(flat_ms));
  std::printf(
      "| graphene, root ids at a new timestamp | %.1f | %.2f roots_binary (%zu ids each) |\n",
      bench::median(graphene_ms), static_cast<double>(roots_calls) / repeats, ids_per_call);
  std::printf("\ngraphene - flat: %.1f ms (one round trip is %d ms); %zu root ids drawn\n",
              bench::median(graphene_ms) - bench::median(flat_ms), kDelayMs, drawn.size());

  // 2. imagery batch: 100 rows at one timestamp, over graphene and over the flat copy.
  {
    std::ofstream csv(out + "/rows.csv");
    csv << "name,center\n";
    for (int i = 0; i < 100; ++i)
      csv << "f" << i << ",\"" << 128 + (i % 10) * 77 << "," << 128 + (i / 10) * 77 << ",1\"\n";
  }
  std::printf("\n## imagery batch: 100 rows of 256 x 256, one timestamp (median of 3 runs)\n\n");
  std::printf(
      "| source | --jobs | wall s | figures/s | roots_binary | ids sent | distinct supervoxels "
      "asked | table info |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"flat", "2"}, {"graphene", "2"}, {"flat", "8"}, {"graphene", "8"}};
  for (const auto& [which, jobs] : cases) {
    const std::string seg = which == "flat" ? flat : cave.segmentation_source();
    std::ofstream(out + "/defaults.json")
        << "{\"seg\": \"" << seg << "\", \"size\": [256, 256], \"timestamp\": 1700000000, "
        << "\"resolution\": [8, 8, 40]}";
    std::vector<double> walls;
    int roots = 0, infos = 0;
    std::size_t sent = 0, distinct = 0;
    for (int r = 0; r < 3; ++r) {
      fs::remove_all(out + "/figs");
      cave.clear_requests();
      const auto run = bench::run_command(
          {imagery, "batch", out + "/rows.csv", "--defaults", out + "/defaults.json", "--out-dir",
           out + "/figs", "--token", testing::kFakeCaveToken, "--jobs", jobs, "-q"},
          out + "/status.jsonl");
      if (run.exit_code != 0) {
        std::printf("| %s | %s | failed (exit %d) | | | | | |\n", which.c_str(), jobs.c_str(),
                    run.exit_code);
        break;
      }
      walls.push_back(run.ms);
      roots = cave.count("roots_binary");
      infos = cave.count("table_info");
      std::set<std::uint64_t> unique;
      sent = 0;
      for (const auto& ids : cave.roots_binary_ids()) {
        sent += ids.size();
        unique.insert(ids.begin(), ids.end());
      }
      distinct = unique.size();
    }
    if (walls.empty()) continue;
    const double wall = bench::median(walls);
    std::printf("| %s | %s | %.2f | %.0f | %d | %zu | %zu | %d |\n", which.c_str(), jobs.c_str(),
                wall / 1000, 100.0 / (wall / 1000), roots, sent, distinct, infos);
  }
  return 0;
}
