// Local-disk cutout benchmark (issue 2): 1024x1024x16 uint8 raw and 512x512x32
// compressed_segmentation cutouts, in-process (Volume::download) and end to end
// (`imagery cutout ... -o OUT.npy` as a subprocess), warm page cache.
//
// Beside the times, what says whether a cutout used the machine fully: its rate in megavoxels/s,
// its CPU time (user + system, all threads), the cores it kept busy (CPU time / wall time), and
// the cores' worth of time its threads were ready to run but waited for a CPU another process
// held (run-queue delay from /proc/self/task/*/schedstat): busy + waited near the thread count
// means the threads never idled by themselves, whatever else ran on the machine. Then what the
// same chunks cost on one thread in CPU time, step by step (reading the files; inflating and
// decoding into an output whose pages are already touched; first-touching a fresh output of the
// cutout's size), so that a cutout can be compared with the most the cores could do: the steps'
// sum / cores. Last, the in-process cutouts with a cold page cache: the volume's files are evicted
// (POSIX_FADV_DONTNEED) before each one, so reads wait for the disk.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/io/gzip.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/codec_raw.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"
#include "imagery/precomputed/volume.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;

namespace {

// User + system CPU seconds of this process so far (all its threads).
double process_cpu_s() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU milliseconds of the calling thread so far: one thread's work, however busy the machine.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Milliseconds the process's threads have spent waiting on a run queue (ready, not running), by
// thread id; empty when the kernel has no schedstat.
std::map<std::string, double> run_queue_wait_ms() {
  std::map<std::string, double> waits;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return waits;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(std::string("/proc/self/task/") + e->d_name + "/schedstat");
    double run_ns = 0, wait_ns = 0;
    if (in >> run_ns >> wait_ns) waits[e->d_name] = wait_ns / 1e6;
  }
  closedir(dir);
  return waits;
}

double waited_since(const std::map<std::string, double>& before) {
  double total = 0;
  for (const auto& [tid, ms] : run_queue_wait_ms()) {
    const auto it = before.find(tid);
    total += ms - (it == before.end() ? 0 : it->second);
  }
  return total;
}

// Drops a volume's files from the page cache (written data first goes to disk).
void evict_from_page_cache(const std::string& root) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

// Cutouts with a cold page cache: the median wall time, and the cores busy over them.
struct Cold {
  double ms = 0, busy = 0;
};

Cold cold_cutouts(const precomputed::Volume& volume, const std::string& root, const Bbox& bounds,
                  int repeats) {
  std::vector<double> ms;
  double cpu = 0, wall = 0;
  for (int i = 0; i < repeats; ++i) {
    evict_from_page_cache(root);
    const double cpu0 = process_cpu_s();
    const auto t0 = Clock::now();
    volume.download(bounds, 0);
    ms.push_back(bench::ms_since(t0));
    cpu += process_cpu_s() - cpu0;
    wall += ms.back() / 1000;
  }
  return {bench::median(ms), cpu / wall};
}

// One thread's CPU time for a cutout's steps, each the median over the repeats (milliseconds).
struct Steps {
  double read = 0, decode = 0, touch = 0;
};

// Reads the cutout's chunks one after the other, then decodes them as Volume::download does
// (inflating gzip first) into an output touched beforehand, then times the first touch of a
// fresh output array of the cutout's size.
Steps one_thread_steps(const precomputed::Volume& volume, const Bbox& bounds, int repeats) {
  using namespace precomputed;
  const Scale& scale = volume.info().scales[0];
  const ChunkGrid grid(scale);
  const std::vector<Vec3> cells = grid.cells_overlapping(bounds);
  const int channels = volume.info().num_channels;
  const DataType dtype = volume.info().data_type;
  const Shape4 shape{bounds.size().x, bounds.size().y, bounds.size().z, channels};
  std::vector<double> read, decode, touch;
  Array out(dtype, shape);
  out.fill_zero();
  for (int r = 0; r < repeats; ++r) {
    std::vector<std::optional<io::StoredObject>> objects;
    double t0 = thread_cpu_ms();
    for (const Vec3& cell : cells)
      objects.push_back(
          volume.storage().read(scale.key + "/" + chunk_name(grid.cell_bounds(cell))));
    read.push_back(thread_cpu_ms() - t0);
    t0 = thread_cpu_ms();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const Bbox cell = grid.cell_bounds(cells[i]);
      const ChunkTarget target{&out, bounds, cell};
      std::span<const std::byte> bytes = objects[i]->bytes.span();
      Bytes inflated;
      if (objects[i]->gzip_encoded) {
        const std::size_t raw_size =
            scale.encoding == Encoding::kRaw
                ? static_cast<std::size_t>(decoded_chunk_bytes(cell.size(), channels, dtype))
                : 0;
        inflated = io::gunzip(bytes, "chunk", raw_size);
        bytes = inflated;
      }
      if (scale.encoding == Encoding::kRaw)
        decode_raw_chunk(bytes, target, channels, "chunk");
      else if (scale.encoding == Encoding::kJpeg)
        decode_jpeg_chunk(bytes, target, channels, "chunk");
      else
        decode_compressed_segmentation_chunk(bytes, target, channels,
                                             scale.compressed_segmentation_block_size, "chunk");
    }
    decode.push_back(thread_cpu_ms() - t0);
    t0 = thread_cpu_ms();
    Array fresh(dtype, shape);
    fresh.fill_zero();
    touch.push_back(thread_cpu_ms() - t0);
  }
  return {bench::median(read), bench::median(decode), bench::median(touch)};
}

}  // namespace

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
  const unsigned cores = std::thread::hardware_concurrency();
  std::printf(
      "%d repeats per case; warm page cache; CPU = user + system ms per cutout; busy = "
      "CPU / wall time;\nwaited = run-queue wait of its threads / wall time (cores' "
      "worth of time taken by other processes)\n",
      repeats);
  std::printf("%-28s %8s %7s %7s %5s %6s %8s %5s %11s %9s\n", "case", "in-proc", "Mvox/s", "CPU",
              "busy", "waited", "CLI ms", "busy", "CloudVolume", "CLI ratio");
  struct Breakdown {
    const char* name;
    Steps steps;
    double lib_ms, lib_cpu_ms, voxels;
    Cold cold;
  };
  std::vector<Breakdown> breakdowns;
  for (const auto& c : cases) {
    const std::string root = data + "/" + c.volume;
    auto volume = precomputed::Volume::open(root);
    volume.download(c.bounds, 0);  // warm the page cache and start the pool
    std::vector<double> lib, cmd, cmd_busy;
    const double cpu0 = process_cpu_s();
    const auto waits0 = run_queue_wait_ms();
    const auto wall0 = Clock::now();
    for (int i = 0; i < repeats; ++i) {
      auto t0 = Clock::now();
      Array a = volume.download(c.bounds, 0);
      lib.push_back(bench::ms_since(t0));
    }
    const double wall = bench::ms_since(wall0);
    const double lib_cpu = (process_cpu_s() - cpu0) * 1000;
    const double waited = waited_since(waits0);
    const std::string bounds =
        std::to_string(c.bounds.min.x) + "," + std::to_string(c.bounds.min.y) + "," +
        std::to_string(c.bounds.min.z) + "," + std::to_string(c.bounds.max.x) + "," +
        std::to_string(c.bounds.max.y) + "," + std::to_string(c.bounds.max.z);
    for (int i = 0; i < repeats; ++i) {
      const bench::CommandRun run = bench::run_command(
          {cli, "cutout", root, "--bounds", bounds, "-o", out + "/bench_cutout.npy"});
      cmd.push_back(run.exit_code == 0 ? run.ms : -1);
      cmd_busy.push_back(run.cpu_s * 1000 / run.ms);
    }
    const double lib_ms = bench::median(lib), cli_ms = bench::median(cmd);
    const double voxels = static_cast<double>(c.bounds.size().volume());
    char ref[32] = "-", ratio[32] = "-";
    if (c.cloudvolume_ms > 0) {
      std::snprintf(ref, sizeof ref, "%.0f ms", c.cloudvolume_ms);
      std::snprintf(ratio, sizeof ratio, "%.1fx", c.cloudvolume_ms / cli_ms);
    }
    std::printf("%-28s %8.1f %7.0f %7.1f %5.2f %6.2f %8.1f %5.2f %11s %9s\n", c.name, lib_ms,
                voxels / lib_ms / 1e3, lib_cpu / repeats, lib_cpu / wall, waited / wall, cli_ms,
                bench::median(cmd_busy), ref, ratio);
    std::fflush(stdout);
    breakdowns.push_back({c.name, one_thread_steps(volume, c.bounds, repeats), lib_ms,
                          lib_cpu / repeats, voxels,
                          cold_cutouts(volume, root, c.bounds, repeats)});
  }
  std::printf(
      "\none thread, CPU ms: read = the chunk files, decode = inflate + decode into "
      "touched pages, touch = first\ntouch of a fresh output; sum = read + decode + "
      "touch; bound = sum / %u cores; CPU = the cutout's, from above\n",
      cores);
  std::printf("%-28s %7s %7s %7s %7s %7s %7s %7s %8s %7s\n", "case", "read", "decode", "touch",
              "sum", "bound", "CPU", "CPU/sum", "in-proc", "/bound");
  for (const Breakdown& b : breakdowns) {
    const double sum = b.steps.read + b.steps.decode + b.steps.touch, bound = sum / cores;
    std::printf("%-28s %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f %7.2f %8.1f %7.2f\n", b.name,
                b.steps.read, b.steps.decode, b.steps.touch, sum, bound, b.lib_cpu_ms,
                b.lib_cpu_ms / sum, b.lib_ms, b.lib_ms / bound);
  }
  std::printf("\ncold page cache: the volume's files evicted before each in-process cutout\n");
  std::printf("%-28s %8s %7s %5s %8s\n", "case", "cold ms", "Mvox/s", "busy", "warm ms");
  for (const Breakdown& b : breakdowns)
    std::printf("%-28s %8.1f %7.0f %5.2f %8.1f\n", b.name, b.cold.ms, b.voxels / b.cold.ms / 1e3,
                b.cold.busy, b.lib_ms);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS of the in-process runs: %.0f MB\n", ru.ru_maxrss / 1024.0);
  std::remove((out + "/bench_cutout.npy").c_str());
  return 0;
}
