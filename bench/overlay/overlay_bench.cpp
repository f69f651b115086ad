// In-process benchmark of the compositor on ImageryClient's reference case: a 1024 x 1024
// uint64 segmentation with 50 objects over uint8 imagery. Each case times what
// composite_overlay(seg, imagery=img, ...) does (split into objects, colours, frames, compositing
// over the imagery) and reports the median of many runs, with ImageryClient's own times for the
// same size (3.6 s fill, 5.6 s outline width 3) for the ratio. PNG encoding is timed apart.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "imagery/core/thread_pool.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/style.h"

using namespace imagery;

namespace {

constexpr std::int64_t kSize = 1024;

// Voronoi cells (like the fixtures' generator): 53 cells, a few of them background, ids spread
// over the uint64 range including ids above 2^63.
Array make_segmentation(std::size_t* objects) {
  std::mt19937_64 rng(1003);
  struct Seed {
    double x, y;
    std::uint64_t id;
  };
  std::vector<Seed> seeds;
  const std::uint64_t big[] = {4294967297ull, 1099511627779ull, 864691135000000001ull,
                               9223372036854775813ull, 18446744073709551614ull};
  for (int i = 0; i < 53; ++i) {
    std::uint64_t id = i < 3 ? 0 : i < 8 ? big[i - 3] : 100 + rng() % 5000;
    seeds.push_back({static_cast<double>(rng() % kSize), static_cast<double>(rng() % kSize), id});
  }
  Array seg(DataType::kUint64, {kSize, kSize, 1, 1});
  auto* p = seg.data<std::uint64_t>();
  for (std::int64_t y = 0; y < kSize; ++y)
    for (std::int64_t x = 0; x < kSize; ++x) {
      std::size_t best = 0;
      double best_d = 1e300;
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        double dx = static_cast<double>(x) - seeds[s].x, dy = static_cast<double>(y) - seeds[s].y;
        double d = dx * dx + dy * dy;
        if (d < best_d) best_d = d, best = s;
      }
      p[x + kSize * y] = seeds[best].id;
    }
  *objects = overlay::ObjectLabels::split(seg).object_count();
  return seg;
}

// Smooth structure plus grain, so PNG sizes and times resemble EM imagery rather than pure noise.
Array make_imagery() {
  Array img(DataType::kUint8, {kSize, kSize, 1, 1});
  std::mt19937 rng(5);
  auto* p = img.data<std::uint8_t>();
  for (std::int64_t y = 0; y < kSize; ++y)
    for (std::int64_t x = 0; x < kSize; ++x) {
      double v = 128 + 40 * std::sin(static_cast<double>(x) * 0.05) *
                           std::cos(static_cast<double>(y) * 0.03);
      p[x + kSize * y] = static_cast<std::uint8_t>(v + static_cast<double>(rng() % 24));
    }
  return img;
}

double median_ms(int runs, const std::function<void()>& fn) {
  fn();  // warm up caches and the allocator
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 31;
  std::size_t objects = 0;
  Array seg = make_segmentation(&objects);
  Array img = make_imagery();
  bench::print_bench_context("overlay");
  std::printf(
      "data: %lldx%lld uint64 segmentation, %zu objects, uint8 imagery; median of %d runs\n\n",
      static_cast<long long>(kSize), static_cast<long long>(kSize), objects, runs);

  struct Case {
    const char* name;
    bool outline;
    overlay::Side side;
    int width;
    double imageryclient_ms;  // 0: not measured there
  };
  const Case cases[] = {
      {"fill", false, overlay::Side::kOut, 10, 3600},
      {"outline out width 3", true, overlay::Side::kOut, 3, 5600},
      {"outline in width 3", true, overlay::Side::kIn, 3, 5600},
      {"outline out width 15", true, overlay::Side::kOut, 15, 0},
      {"outline in width 15", true, overlay::Side::kIn, 15, 0},
  };
  overlay::Image last;
  // The pool a Context would give (one worker per hardware thread), as imagery figure runs it.
  ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  std::printf("%-24s %12s %16s\n", "case", "median ms", "vs ImageryClient");
  for (const Case& c : cases) {
    overlay::OverlayStyle style;
    style.composite.alpha = 0.4;
    style.composite.outline = c.outline;
    style.composite.side = c.side;
    style.composite.width = c.width;
    double ms = median_ms(runs, [&] {
      last = std::move(overlay::composite_overlay(seg, &img, style, false, &pool)[0]);
    });
    if (c.imageryclient_ms > 0)
      std::printf("%-24s %12.2f %15.0fx\n", c.name, ms, c.imageryclient_ms / ms);
    else
      std::printf("%-24s %12.2f %16s\n", c.name, ms, "-");
  }
  std::printf("\nPNG encoding of the 1024x1024 RGBA figure\n");
  for (int level : {1, 6, 9}) {
    std::size_t bytes = 0;
    double ms = median_ms(std::max(3, runs / 3), [&] {
      bytes = overlay::encode_figure_png(last, {level, &pool}).size();
    });
    std::printf("level %d%-17s %12.2f %13zu bytes\n", level, level == 1 ? " (default)" : "", ms,
                bytes);
  }
  return 0;
}
