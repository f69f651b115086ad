// Local-disk cutout benchmark (issue 2): 1024x1024x16 uint8 raw and 512x512x32
// compressed_segmentation cutouts, in-process (Volume::download) and end to end
// (`imagery cutout ... -o OUT.npy` as a subprocess), warm page cache.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/precomputed/volume.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR IMAGERY_BINARY OUT_DIR [REPEATS]\n", argv[0]);
    return 2;
  }
  const std::string data = argv[1], cli = argv[2], out = argv[3];
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 15;
  bench::ensure_bench_volumes(data);
  bench::print_bench_context("local_cutout");

  struct Case {
    const char* name;
    const char* volume;
    Bbox bounds;
    double cloudvolume_ms;  // CloudVolume on this kind of machine (issue 2); 0 = not given
  };
  const Case cases[] = {
      {"raw uint8 1024x1024x16", "image_raw", {{512, 512, 16}, {1536, 1536, 32}}, 210},
      {"raw+gzip uint8 1024x1024x16", "image_raw_gzip", {{512, 512, 16}, {1536, 1536, 32}}, 210},
      {"jpeg uint8 1024x1024x16", "image_jpeg", {{512, 512, 16}, {1536, 1536, 32}}, 0},
      {"cseg uint64 512x512x32", "seg_cseg", {{256, 256, 16}, {768, 768, 48}}, 127},
  };
  std::printf("machine: %u hardware threads; %d repeats per case; warm page cache\n",
              std::thread::hardware_concurrency(), repeats);
  std::printf("%-30s %14s %14s %14s %12s\n", "case", "in-process ms", "CLI ms", "CloudVolume",
              "CLI ratio");
  for (const auto& c : cases) {
    const std::string root = data + "/" + c.volume;
    auto volume = precomputed::Volume::open(root);
    volume.download(c.bounds, 0);  // warm the page cache
    std::vector<double> lib, cmd;
    for (int i = 0; i < repeats; ++i) {
      auto t0 = Clock::now();
      Array a = volume.download(c.bounds, 0);
      lib.push_back(bench::ms_since(t0));
    }
    const std::string bounds =
        std::to_string(c.bounds.min.x) + "," + std::to_string(c.bounds.min.y) + "," +
        std::to_string(c.bounds.min.z) + "," + std::to_string(c.bounds.max.x) + "," +
        std::to_string(c.bounds.max.y) + "," + std::to_string(c.bounds.max.z);
    for (int i = 0; i < repeats; ++i)
      cmd.push_back(bench::time_command(
          {cli, "cutout", root, "--bounds", bounds, "-o", out + "/bench_cutout.npy"}));
    const double lib_ms = bench::median(lib), cli_ms = bench::median(cmd);
    char ref[32] = "-", ratio[32] = "-";
    if (c.cloudvolume_ms > 0) {
      std::snprintf(ref, sizeof ref, "%.0f ms", c.cloudvolume_ms);
      std::snprintf(ratio, sizeof ratio, "%.1fx", c.cloudvolume_ms / cli_ms);
    }
    std::printf("%-30s %14.1f %14.1f %14s %12s\n", c.name, lib_ms, cli_ms, ref, ratio);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS of the in-process runs: %.0f MB\n", ru.ru_maxrss / 1024.0);
  std::remove((out + "/bench_cutout.npy").c_str());
  return 0;
}
