#include "imagery/cli/global_options.h"

#include <cstdio>

namespace imagery::cli {

std::size_t GlobalOptions::max_memory_bytes() const {
  const double bytes = max_memory_gb * 1e9;
  if (!(bytes < 1.8e19)) return SIZE_MAX;
  return static_cast<std::size_t>(bytes);
}

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--timings", global.timings, "Print the time of each phase to stderr");
  app.add_flag("-q,--quiet", global.quiet, "No progress bar");
  app.add_option("--token", global.token,
                 "Bearer token, sent only to the hosts of the sources named on the command line "
                 "(or in a batch manifest), never to hosts they redirect or lead to (default: "
                 "$IMAGERY_TOKEN; without either, CloudVolume's secret file of each host)");
  app.add_option("--cache", global.cache_dir,
                 "Keep fetched bytes of remote sources under this folder");
  app.add_option("--cache-size", global.cache_size_gb, "Size limit of the --cache folder in GB")
      ->check(CLI::PositiveNumber);
  app.add_option("--cache-mem", global.cache_mem_mb,
                 "In-memory cache of fetched bytes in MB (0: off; default 512, or "
                 "$IMAGERY_CACHE_MEM for programs using the library's default context)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--decoded-cache-mb", global.decoded_cache_mb,
                 "In-memory cache of decoded chunks in MB, shared by every source (0: off; "
                 "default 256 for serve, 0 for the other commands)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-requests", global.max_requests,
                 "HTTP requests in flight at once, for the whole process")
      ->check(CLI::Range(1, 1024));
  app.add_option("--max-memory", global.max_memory_gb,
                 "Refuse cutouts and figures that need more than this many GB")
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

}  // namespace imagery::cli
