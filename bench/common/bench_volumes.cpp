#include "bench/common/bench_volumes.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "examples/synthetic/synthetic_em.h"
#include "imagery/core/thread_pool.h"
#include "imagery/precomputed/volume_writer.h"
#include "precomputed/shard_builder.h"  // the tests' shard writer (tests/precomputed)

extern char** environ;

namespace imagery::bench {

using namespace imagery::precomputed;
namespace fs = std::filesystem;

// Segment id of a voxel: cells of ~48 voxels across, warped so boundaries are not straight.
std::uint64_t volume_label_at(std::int64_t x, std::int64_t y, std::int64_t z) {
  const double wx = x + 9.0 * std::sin(y / 23.0 + z / 31.0);
  const double wy = y + 9.0 * std::sin(x / 19.0 - z / 29.0);
  const auto cx = static_cast<std::int64_t>(std::floor(wx / 48.0));
  const auto cy = static_cast<std::int64_t>(std::floor(wy / 48.0));
  const std::int64_t cz = z / 24;
  const std::uint64_t h =
      synthetic::mix64(static_cast<std::uint64_t>(cx * 73856093 ^ cy * 19349663 ^ cz * 83492791));
  return (h % 5 == 0) ? 0 : (std::uint64_t{1} << 40) | (h & 0xffffffffffULL);
}

// EM-like grey value: membranes dark at segment boundaries, textured cytoplasm.
std::uint8_t volume_grey_at(std::int64_t x, std::int64_t y, std::int64_t z) {
  const std::uint64_t n = synthetic::mix64(static_cast<std::uint64_t>(x) * 2654435761u ^
                                           static_cast<std::uint64_t>(y) * 40503u ^
                                           static_cast<std::uint64_t>(z) * 97u);
  const std::int64_t sx = x / 2, sy = y / 2;
  const bool edge = volume_label_at(sx, sy, z) != volume_label_at(sx + 1, sy, z) ||
                    volume_label_at(sx, sy, z) != volume_label_at(sx, sy + 1, z);
  const int base = edge ? 60 : 170;
  return static_cast<std::uint8_t>(std::clamp<int>(base + static_cast<int>(n % 41) - 20, 0, 255));
}

namespace {

template <class Fill>
void write_volume(const std::string& root, VolumeInfo info, const WriteOptions& options,
                  Fill fill) {
  VolumeWriter writer(root, info);
  ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  WriteOptions write_options = options;
  write_options.pool = &pool;
  const Scale& s = writer.info().scales[0];
  const std::int64_t slab = s.chunk_size().z;
  for (std::int64_t z0 = 0; z0 < s.size.z; z0 += slab) {
    const Bbox box{{0, 0, z0}, {s.size.x, s.size.y, std::min(s.size.z, z0 + slab)}};
    Array a(info.data_type, {box.size().x, box.size().y, box.size().z, 1});
    pool.parallel_for(static_cast<std::size_t>(box.size().z * box.size().y), [&](std::size_t i) {
      const std::int64_t z = static_cast<std::int64_t>(i) / box.size().y,
                         y = static_cast<std::int64_t>(i) % box.size().y;
      for (std::int64_t x = 0; x < box.size().x; ++x) fill(a, x, y, z, z0 + z);
    });
    writer.write(a, box, 0, write_options);
  }
}

Scale make_scale(const Vec3& size, const Vec3& chunk, Encoding encoding, const Vec3d& resolution) {
  Scale s;
  s.key = std::to_string(static_cast<int>(resolution.x)) + "_" +
          std::to_string(static_cast<int>(resolution.y)) + "_" +
          std::to_string(static_cast<int>(resolution.z));
  s.size = size;
  s.resolution = resolution;
  s.chunk_sizes = {chunk};
  s.encoding = encoding;
  if (encoding == Encoding::kCompressedSegmentation)
    s.compressed_segmentation_block_size = {8, 8, 8};
  return s;
}

}  // namespace

std::vector<BenchVolume> ensure_bench_volumes(const std::string& data_dir) {
  std::vector<BenchVolume> volumes = {
      {"image_raw", "uint8 image 2048x2048x64, raw, chunks 128x128x16, uncompressed"},
      {"image_raw_gzip", "uint8 image 2048x2048x64, raw, chunks 128x128x16, gzip level 6"},
      {"image_jpeg", "uint8 image 2048x2048x64, jpeg quality 85, chunks 128x128x16"},
      {"seg_cseg",
       "uint64 segmentation 1024x1024x64, compressed_segmentation 8^3 blocks, chunks 128x128x16, "
       "gzip"},
      {"seg_cseg_sharded",
       "seg_cseg repacked into shards: identity hash, preshift 3, minishard 2 and shard 2 bits, "
       "gzip indices "
       "and data"},
  };
  for (const auto& v : volumes) {
    const std::string root = data_dir + "/" + v.name;
    if (fs::exists(root + "/.complete")) continue;
    std::fprintf(stderr, "generating %s (%s)...\n", root.c_str(), v.description.c_str());
    fs::remove_all(root);
    VolumeInfo info;
    WriteOptions options;
    if (v.name == "seg_cseg_sharded") {
      ShardingSpec spec;
      spec.hash = ShardHash::kIdentity;
      spec.preshift_bits = 3;
      spec.minishard_bits = 2;
      spec.shard_bits = 2;
      spec.minishard_index_encoding = ShardEncoding::kGzip;
      spec.data_encoding = ShardEncoding::kGzip;
      imagery::testing::write_sharded_copy(data_dir + "/seg_cseg", root, spec);
    } else if (v.name == "seg_cseg") {
      info.type = "segmentation";
      info.data_type = DataType::kUint64;
      info.scales = {make_scale({1024, 1024, 64}, {128, 128, 16}, Encoding::kCompressedSegmentation,
                                {8, 8, 40})};
      options.gzip = true;
      write_volume(root, info, options,
                   [](Array& a, std::int64_t x, std::int64_t y, std::int64_t zl, std::int64_t z) {
                     a.at<std::uint64_t>(x, y, zl) = volume_label_at(x, y, z);
                   });
    } else {
      info.type = "image";
      info.data_type = DataType::kUint8;
      const Encoding e = v.name == "image_jpeg" ? Encoding::kJpeg : Encoding::kRaw;
      info.scales = {make_scale({2048, 2048, 64}, {128, 128, 16}, e, {4, 4, 40})};
      options.gzip = v.name == "image_raw_gzip";
      write_volume(root, info, options,
                   [](Array& a, std::int64_t x, std::int64_t y, std::int64_t zl, std::int64_t z) {
                     a.at<std::uint8_t>(x, y, zl) = volume_grey_at(x, y, z);
                   });
    }
    std::FILE* f = std::fopen((root + "/.complete").c_str(), "w");
    if (f) std::fclose(f);
  }
  return volumes;
}

double median(std::vector<double> s) {
  if (s.empty()) return 0;
  std::sort(s.begin(), s.end());
  return s.size() % 2 ? s[s.size() / 2] : 0.5 * (s[s.size() / 2 - 1] + s[s.size() / 2]);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double time_command(const std::vector<std::string>& args) {
  const CommandRun r = run_command(args);
  return r.exit_code == 0 ? r.ms : -1;
}

CommandRun run_command(const std::vector<std::string>& args, const std::string& stdout_path) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1,
                                   stdout_path.empty() ? "/dev/null" : stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  CommandRun run;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return run;
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  run.ms = ms_since(t0);
  run.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  run.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
              static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

}  // namespace imagery::bench
