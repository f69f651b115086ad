// Repeated overlapping reads, as a tile server makes them, with the context's decoded-chunk cache
// off and on: the demo image (jpeg chunks of 128 x 128 x 12) and segmentation
// (compressed_segmentation, 64 x 64 x 12) of examples/demo_volume read as 256 x 256 x 1 boxes
// stepping 128 voxels in x and y over every section, each box read with its z +- 1 neighbours
// (a viewer's prefetch). Every run starts from a fresh context, so the cache's first touches are
// counted. Prints the median time of a whole sweep, reads per second and the cache's hit rate.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/common/bench_context.h"
#include "imagery/volume/open_volume.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;

namespace {

struct Sweep {
  double ms = 0;
  std::size_t reads = 0;
  LruCacheStats stats;
};

Sweep sweep(const std::string& url, std::size_t cache_bytes) {
  io::ContextOptions options;
  options.memory_cache_bytes = 0;
  options.decoded_cache_bytes = cache_bytes;
  io::Context context(options);
  auto volume = volume::open_volume(url, context);
  const Bbox b = volume->metadata().scales[0].bounds;
  Sweep out;
  const auto start = Clock::now();
  for (std::int64_t z = b.min.z; z < b.max.z; ++z)
    for (std::int64_t y = b.min.y; y < b.max.y; y += 128)
      for (std::int64_t x = b.min.x; x < b.max.x; x += 128)
        for (std::int64_t dz : {0, 1, -1}) {
          const std::int64_t zz = z + dz;
          if (zz < b.min.z || zz >= b.max.z) continue;
          const Bbox box{{x, y, zz},
                         {std::min(x + 256, b.max.x), std::min(y + 256, b.max.y), zz + 1}};
          volume->read(box, 0, {});
          ++out.reads;
        }
  out.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  out.stats = context.decoded_chunks().stats();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: decoded_cache_bench DEMO_VOLUME_DIR [REPEATS]\n");
    return 2;
  }
  const std::string root = argv[1];
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  bench::print_bench_context("decoded_cache");
  std::printf(
      "| volume | decoded cache | reads | sweep ms (median of %d) | reads/s | hits | misses |\n",
      repeats);
  std::printf("| --- | --- | --- | --- | --- | --- | --- |\n");
  for (const char* name : {"image", "segmentation"})
    for (std::size_t mb : {std::size_t{0}, std::size_t{256}}) {
      std::vector<Sweep> runs;
      for (int r = 0; r < repeats; ++r) runs.push_back(sweep(root + "/" + name, mb << 20));
      std::sort(runs.begin(), runs.end(),
                [](const Sweep& a, const Sweep& b) { return a.ms < b.ms; });
      const Sweep& m = runs[runs.size() / 2];
      std::printf("| %s | %s | %zu | %.1f | %.0f | %llu | %llu |\n", name, mb ? "256 MB" : "off",
                  m.reads, m.ms, 1000.0 * static_cast<double>(m.reads) / m.ms,
                  static_cast<unsigned long long>(m.stats.hits),
                  static_cast<unsigned long long>(m.stats.misses));
    }
  return 0;
}
