// Remote cutout benchmark (issue 3): the benchmark volumes served by nginx on
// loopback; 1024x1024x16 uint8 raw and jpeg cutouts and a 512x512x32
// compressed_segmentation cutout with a cold cache, in-process (fresh caches per
// run) and through the CLI (a fresh process per run), next to `curl` alone
// moving the same chunk files.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/io/internal/http_storage.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/morton_code.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/internal/shard_location.h"
#include "imagery/precomputed/volume.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;

namespace {

std::string bounds_arg(const Bbox& b) {
  return std::to_string(b.min.x) + "," + std::to_string(b.min.y) + "," + std::to_string(b.min.z) +
         "," + std::to_string(b.max.x) + "," + std::to_string(b.max.y) + "," +
         std::to_string(b.max.z);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s DATA_DIR BASE_URL IMAGERY_BINARY OUT_DIR [REPEATS]\n", argv[0]);
    return 2;
  }
  const std::string data = argv[1], base = argv[2], cli = argv[3], out = argv[4];
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 11;
  bench::ensure_bench_volumes(data);
  bench::print_bench_context("remote_cutout");
  struct Case {
    const char* name;
    const char* volume;
    Bbox bounds;
    double cloudvolume_ms;
  };
  const Case cases[] = {
      {"raw uint8 1024x1024x16", "image_raw", {{512, 512, 16}, {1536, 1536, 32}}, 549},
      {"raw+gzip uint8 1024x1024x16", "image_raw_gzip", {{512, 512, 16}, {1536, 1536, 32}}, 0},
      {"jpeg uint8 1024x1024x16", "image_jpeg", {{512, 512, 16}, {1536, 1536, 32}}, 472},
      {"cseg uint64 512x512x32", "seg_cseg", {{256, 256, 16}, {768, 768, 48}}, 278},
      {"sharded cseg uint64 512x512x32", "seg_cseg_sharded", {{256, 256, 16}, {768, 768, 48}}, 509},
  };
  std::printf(
      "nginx on loopback; %u hardware threads; %d runs per case; cold caches (fresh memory cache, "
      "no disk cache)\n",
      std::thread::hardware_concurrency(), repeats);
  std::printf("%-30s %10s %10s %10s %12s %12s %10s\n", "case", "in-proc ms", "CLI ms", "curl ms",
              "CloudVolume", "ratio (CLI)", "MB moved");
  for (const auto& c : cases) {
    const std::string url = base + "/" + c.volume;
    std::vector<double> lib, cmd, transfer;
    std::uint64_t moved = 0, requests = 0;
    // One context, as a program keeps it; cold = its caches of fetched bytes and shard indices
    // emptied before each cutout (the info is read once, connections stay open).
    io::Context shared_context;
    for (int i = 0; i < repeats; ++i) {
      shared_context.memory_cache().clear();
      shared_context.resource<precomputed::ShardCaches>().clear();
      const io::HttpStats before_open = shared_context.http_stats();
      auto volume = precomputed::Volume::open(url, shared_context);
      const io::HttpStats before = shared_context.http_stats();
      auto t0 = Clock::now();
      Array a = volume.download(c.bounds, 0);
      lib.push_back(bench::ms_since(t0));
      moved = shared_context.http_stats().bytes - before.bytes;
      requests = shared_context.http_stats().requests - before_open.requests;
    }
    // The chunk URLs of the cutout, for curl alone (sharded: the shard files touched, and the least
    // number of requests a reader can make: shard index, minishard indices, data per shard).
    io::Context context;
    auto volume = precomputed::Volume::open(url, context);
    const auto& scale = volume.info().scales[0];
    precomputed::ChunkGrid grid(scale);
    if (scale.sharding) {
      std::set<std::uint64_t> shards;
      for (const auto& cell : grid.cells_overlapping(c.bounds))
        shards.insert(precomputed::locate_chunk(
                          precomputed::compressed_morton_code(cell, grid.shape()), *scale.sharding)
                          .shard);
      std::printf("  (%s: %llu HTTP requests per cold cutout; minimum %zu = 3 x %zu shards)\n",
                  c.name, static_cast<unsigned long long>(requests), 3 * shards.size(),
                  shards.size());
    }
    const std::string config = out + "/curl_urls.txt";
    {
      std::ofstream f(config);
      for (const auto& cell : grid.cells_overlapping(c.bounds))
        f << "url = \"" << url << "/" << scale.key << "/"
          << precomputed::chunk_name(grid.cell_bounds(cell)) << "\"\noutput = \"/dev/null\"\n";
    }
    for (int i = 0; i < repeats; ++i) {
      cmd.push_back(bench::time_command({cli, "cutout", url, "--bounds", bounds_arg(c.bounds), "-o",
                                         out + "/remote_cutout.npy"}));
      if (!scale.sharding)
        transfer.push_back(bench::time_command({"curl", "-s", "-S", "--no-progress-meter",
                                                "--parallel", "--parallel-max", "32", "-H",
                                                "Accept-Encoding: gzip", "--config", config}));
    }
    char ref[32] = "-", ratio[32] = "-";
    if (c.cloudvolume_ms > 0) {
      std::snprintf(ref, sizeof ref, "%.0f ms", c.cloudvolume_ms);
      std::snprintf(ratio, sizeof ratio, "%.1fx", c.cloudvolume_ms / bench::median(cmd));
    }
    std::printf("%-30s %10.1f %10.1f %10.1f %12s %12s %10.1f\n", c.name, bench::median(lib),
                bench::median(cmd), bench::median(transfer), ref, ratio,
                static_cast<double>(moved) / 1e6);
  }
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  std::printf("peak RSS: in-process runs %.0f MB, largest CLI or curl run %.0f MB\n",
              self.ru_maxrss / 1024.0, children.ru_maxrss / 1024.0);
  std::remove((out + "/remote_cutout.npy").c_str());
  return 0;
}
