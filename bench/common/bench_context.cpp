#include "bench/common/bench_context.h"

#include <cstdlib>

#include "imagery/core/allocator.h"

#include <sched.h>

#include <ctime>
#include <fstream>
#include <thread>

#ifndef IMAGERY_BENCH_COMPILER
#error "bench/common/CMakeLists.txt passes the build facts as compile definitions"
#endif

namespace imagery::bench {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
    }
  return "unknown";
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

}  // namespace

BenchContext bench_context() {
  BenchContext c;
  c.compiler = IMAGERY_BENCH_COMPILER;
  c.build_type = IMAGERY_BENCH_BUILD_TYPE;
  c.cxx_flags = IMAGERY_BENCH_CXX_FLAGS;
  c.build_flags = IMAGERY_BENCH_BUILD_FLAGS;
  c.sanitized = IMAGERY_BENCH_SANITIZE;
  c.commit = IMAGERY_BENCH_GIT_COMMIT;
  c.cpu_model = cpu_model();
  c.cpus = std::thread::hardware_concurrency();
  cpu_set_t set;
  CPU_ZERO(&set);
  c.usable_cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : c.cpus;
  c.load_average = load_average();
  c.date = utc_now();
  return c;
}

void print_bench_context(const std::string& benchmark, std::FILE* out) {
  // In-process benchmarks allocate as the imagery program does (core/allocator.h), unless
  // IMAGERY_BENCH_DEFAULT_MALLOC is set (to compare with builds that did not).
  const bool tuned =
      !std::getenv("IMAGERY_BENCH_DEFAULT_MALLOC") && tune_allocator_for_large_buffers();
  const BenchContext c = bench_context();
  std::fprintf(out, "benchmark: %s\n", benchmark.c_str());
  std::fprintf(out, "commit:    %s (as of the last configure)\n", c.commit.c_str());
  std::fprintf(out, "compiler:  %s\n", c.compiler.c_str());
  std::fprintf(out, "build:     %s, CMAKE_CXX_FLAGS \"%s\", %s flags \"%s\"%s\n",
               c.build_type.c_str(), c.cxx_flags.c_str(),
               c.build_type.empty() ? "build type" : c.build_type.c_str(), c.build_flags.c_str(),
               c.sanitized ? ", SANITIZERS ON (timings not comparable)" : "");
  std::fprintf(out, "cpu:       %s, %u logical CPUs (%u usable by this process)\n",
               c.cpu_model.c_str(), c.cpus, c.usable_cpus);
  std::fprintf(out, "malloc:    %s\n",
               tuned ? "tuned as the imagery program (64 MB mmap, 256 MB trim thresholds)"
                     : "glibc defaults");
  // Other work on the machine slows every number down: the load says how quiet it was.
  std::fprintf(out, "load:      %s (1, 5, 15 min) at %s\n\n", c.load_average.c_str(),
               c.date.c_str());
  std::fflush(out);
}

}  // namespace imagery::bench
