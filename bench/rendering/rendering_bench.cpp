// Rendering benchmark (issue 17): thumbnails of a 16384 x 16384 section from a 6-level pyramid
// over nginx on loopback, with the bytes and requests each fetched against the size of the one
// level it should read; and max projections of 1024 x 1024 x 64 uint8 (MVx/s), in memory (one
// thread and the pool) and end to end through `imagery render --projection max` from a local
// volume, next to NumPy's a.max(axis=0) on the same array when Debian's python3 has NumPy.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/io/context.h"
#include "imagery/precomputed/volume_writer.h"
#include "imagery/rendering/projection.h"
#include "imagery/rendering/thumbnail.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kSide = 16384;
constexpr int kLevels = 6;

// The pyramid: one section, 4 nm at level 0 to 128 nm at level 5, 512 x 512 jpeg chunks.
void generate(const std::string& data) {
  const std::string root = data + "/pyramid16k";
  if (fs::exists(root + "/.complete")) return;
  precomputed::VolumeInfo info;
  info.type = "image";
  info.data_type = DataType::kUint8;
  for (int m = 0; m < kLevels; ++m) {
    precomputed::Scale s;
    s.key = std::to_string(4 << m) + "_" + std::to_string(4 << m) + "_40";
    s.size = {kSide >> m, kSide >> m, 1};
    s.resolution = {4.0 * (1 << m), 4.0 * (1 << m), 40};
    s.chunk_sizes = {{512, 512, 1}};
    s.encoding = precomputed::Encoding::kJpeg;
    info.scales.push_back(s);
  }
  precomputed::VolumeWriter writer(root, info);
  precomputed::WriteOptions o;
  o.jpeg_quality = 90;
  ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  o.pool = &pool;
  for (int m = 0; m < kLevels; ++m) {
    const std::int64_t side = kSide >> m;
    // Written in bands of 512 rows, so the level-0 section never sits in memory whole.
    for (std::int64_t y0 = 0; y0 < side; y0 += 512) {
      const std::int64_t rows = std::min<std::int64_t>(512, side - y0);
      Array band(DataType::kUint8, {side, rows, 1, 1});
      parallel_for(&pool, static_cast<std::size_t>(rows), [&](std::size_t r) {
        const auto y = static_cast<std::int64_t>(r);
        for (std::int64_t x = 0; x < side; ++x)
          band.at<std::uint8_t>(x, y, 0) =
              bench::volume_grey_at((x << m) % 2048, ((y0 + y) << m) % 2048, 7);
      });
      writer.write(band, {{0, y0, 0}, {side, y0 + rows, 1}}, m, o);
    }
  }
  std::ofstream(root + "/.complete") << "done\n";
}

std::uint64_t level_bytes(const std::string& root, int mip) {
  std::uint64_t total = 0;
  const std::string key = std::to_string(4 << mip) + "_" + std::to_string(4 << mip) + "_40";
  for (const auto& e : fs::directory_iterator(root + "/" + key)) total += e.file_size();
  return total;
}

void thumbnails(const std::string& data, const std::string& base, const std::string& cli,
                const std::string& out, int repeats) {
  const std::string url = base + "/pyramid16k";
  std::printf(
      "thumbnails of the 16384 x 16384 section (6 levels, 4..128 nm, 512^2 jpeg chunks) "
      "over nginx; fresh context per run; %d runs\n",
      repeats);
  std::printf("%-14s %5s %12s %10s %14s %16s %10s\n", "size", "mip", "in-proc ms", "CLI ms",
              "bytes fetched", "level's bytes", "requests");
  for (const std::int64_t size : {128, 256, 1024, 2000}) {
    std::vector<double> lib, cmd;
    std::uint64_t bytes = 0, requests = 0;
    int mip = -1;
    for (int i = 0; i < repeats; ++i) {
      io::Context context;
      const io::HttpStats before = context.http_stats();
      const auto t0 = Clock::now();
      rendering::ThumbnailRequest t;
      t.render.source = url;
      t.width = size;
      const rendering::RenderResult r = rendering::render_thumbnail(t, context);
      lib.push_back(bench::ms_since(t0));
      const io::HttpStats after = context.http_stats();
      bytes = after.bytes - before.bytes;
      requests = after.requests - before.requests;
      mip = r.level.mip;
      cmd.push_back(bench::time_command({cli, "thumbnail", url, "--size", std::to_string(size),
                                         "-o", out + "/thumbnail_bench.png"}));
    }
    std::printf("%-14s %5d %12.1f %10.1f %14llu %16llu %10llu\n",
                (std::to_string(size) + " px").c_str(), mip, bench::median(lib), bench::median(cmd),
                static_cast<unsigned long long>(bytes),
                static_cast<unsigned long long>(level_bytes(data + "/pyramid16k", mip)),
                static_cast<unsigned long long>(requests));
  }
  std::printf("(bytes fetched include the info; level's bytes: every chunk file of that mip)\n\n");
}

void projections(const std::string& data, const std::string& cli, const std::string& out,
                 int repeats) {
  Array a(DataType::kUint8, {1024, 1024, 64, 1});
  for (std::int64_t z = 0; z < 64; ++z)
    for (std::int64_t y = 0; y < 1024; ++y)
      for (std::int64_t x = 0; x < 1024; ++x)
        a.at<std::uint8_t>(x, y, z) = bench::volume_grey_at(x, y, z);
  const double voxels = 1024.0 * 1024 * 64;
  ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  std::printf("max projection of 1024 x 1024 x 64 uint8 (%.0f MVx), %d runs\n", voxels / 1e6,
              repeats);
  std::printf("%-44s %10s %10s\n", "case", "ms", "MVx/s");
  for (const auto& [name, projection] : std::vector<std::pair<std::string, rendering::Projection>>{
           {"max", rendering::Projection::kMax},
           {"mean", rendering::Projection::kMean},
           {"sum", rendering::Projection::kSum}}) {
    for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
      std::vector<double> ms;
      for (int i = 0; i < repeats; ++i) {
        const auto t0 = Clock::now();
        const Array out_array = rendering::project(a, projection, p);
        ms.push_back(bench::ms_since(t0));
        if (out_array.shape().z != 1) return;
      }
      const double m = bench::median(ms);
      const std::string label =
          "in memory, " + name +
          (p ? ", " + std::to_string(std::thread::hardware_concurrency()) + " threads"
             : ", 1 thread");
      std::printf("%-44s %10.2f %10.0f\n", label.c_str(), m, voxels / 1e3 / m);
    }
  }
  // End to end: `imagery render` of the benchmark image volume (raw, local), a fresh process.
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i)
    ms.push_back(bench::time_command({cli, "render", data + "/image_raw", "--bounds",
                                      "512,512,0,1536,1536,64", "--projection", "max", "-o",
                                      out + "/projection_bench.png"}));
  const double m = bench::median(ms);
  std::printf("%-44s %10.2f %10.0f\n", "imagery render --projection max (raw, local)", m,
              voxels / 1e3 / m);
  // NumPy on the same shape, C order (64, 1024, 1024).max(axis=0): its fastest layout.
  const std::string numpy =
      "import numpy as np, time\n"
      "a = (np.arange(64*1024*1024, dtype=np.uint64) * 2654435761 % 251).astype(np.uint8)"
      ".reshape(64, 1024, 1024)\n"
      "t = []\n"
      "for _ in range(" +
      std::to_string(repeats) +
      "):\n"
      "    t0 = time.perf_counter(); a.max(axis=0); t.append((time.perf_counter() - t0) * 1e3)\n"
      "print(sorted(t)[len(t) // 2])\n";
  std::ofstream(out + "/numpy_max.py") << numpy;
  const std::string result = out + "/numpy_max.txt";
  const bench::CommandRun run =
      bench::run_command({"/usr/bin/python3", out + "/numpy_max.py"}, result);
  double numpy_ms = -1;
  if (run.exit_code == 0) std::ifstream(result) >> numpy_ms;
  if (numpy_ms > 0)
    std::printf("%-44s %10.2f %10.0f\n", "NumPy a.max(axis=0), 1 thread", numpy_ms,
                voxels / 1e3 / numpy_ms);
  else
    std::printf("NumPy: not available (Debian's python3-numpy)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "generate") {
    bench::ensure_bench_volumes(argv[2]);
    generate(argv[2]);
    return 0;
  }
  if (argc < 6 || std::string(argv[1]) != "run") {
    std::fprintf(stderr,
                 "usage: %s generate DATA_DIR | run DATA_DIR BASE_URL IMAGERY OUT_DIR [REPEATS]\n",
                 argv[0]);
    return 2;
  }
  const std::string data = argv[2], base = argv[3], cli = argv[4], out = argv[5];
  const int repeats = argc > 6 ? std::atoi(argv[6]) : 11;
  bench::print_bench_context("rendering");
  thumbnails(data, base, cli, out, repeats);
  projections(data, cli, out, repeats);
  return 0;
}
