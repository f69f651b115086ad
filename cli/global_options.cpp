#include "imagery/cli/global_options.h"

#include <cstdio>
#include <cstdlib>

#include "imagery/io/internal/memory_cache.h"

namespace imagery::cli {

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--timings", global.timings, "Print the time of each phase to stderr");
  app.add_flag("-q,--quiet", global.quiet, "No progress output");
  app.add_option(
      "--token", global.token,
      "Bearer token for remote sources (default: $IMAGERY_TOKEN, then CloudVolume's secret files)");
  app.add_option("--cache", global.cache_dir,
                 "Keep fetched bytes of remote sources under this folder");
  app.add_option("--cache-size", global.cache_size_gb, "Size limit of the --cache folder in GB")
      ->check(CLI::PositiveNumber);
  app.add_option("--cache-mem", global.cache_mem_mb,
                 "In-memory cache of fetched bytes in MB (0: off)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-requests", global.max_requests,
                 "HTTP requests in flight at once per cutout")
      ->check(CLI::Range(1, 1024));
  app.add_option("--max-memory", global.max_memory_gb, "Refuse cutouts larger than this many GB")
      ->check(CLI::PositiveNumber);
  // No environment variable on purpose: switching verification off must be visible in the command.
  app.add_flag_callback(
      "--insecure",
      [&global] {
        global.insecure = true;
        std::fputs("imagery: warning: --insecure: TLS certificates are not verified\n", stderr);
      },
      "Do not verify TLS certificates of https:// sources (prints a warning)");
}

namespace {
// GB (or MB) from the command line as bytes, clamped so that 1e30 does not overflow the cast.
std::uint64_t bytes_of(double amount, double unit) {
  const double bytes = amount * unit;
  if (!(bytes < 1.8e19)) return UINT64_MAX;
  return static_cast<std::uint64_t>(bytes);
}
}  // namespace

precomputed::OpenOptions open_options(const GlobalOptions& global) {
  precomputed::OpenOptions o;
  o.http.token = global.token;
  if (o.http.token.empty())
    if (const char* env = std::getenv("IMAGERY_TOKEN")) o.http.token = env;
  o.http.max_in_flight = global.max_requests;
  o.http.verify_tls = !global.insecure;
  o.disk_cache_dir = global.cache_dir;
  o.disk_cache_bytes = bytes_of(global.cache_size_gb, 1e9);
  o.memory_cache = global.cache_mem_mb > 0;
  io::MemoryCache::shared().set_budget(bytes_of(global.cache_mem_mb, 1048576.0));
  return o;
}

precomputed::CutoutOptions cutout_options(const GlobalOptions& global) {
  precomputed::CutoutOptions o;
  o.max_output_bytes = bytes_of(global.max_memory_gb, 1e9);
  return o;
}

void PhaseTimer::start(const std::string& name) {
  stop();
  phase_ = name;
  started_ = std::chrono::steady_clock::now();
}

void PhaseTimer::stop() {
  if (phase_.empty()) return;
  if (enabled_) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
            .count();
    std::fprintf(stderr, "%s: %.1f ms\n", phase_.c_str(), ms);
  }
  phase_.clear();
}

}  // namespace imagery::cli
