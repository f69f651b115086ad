// What a benchmark's numbers depend on besides the code being measured: the compiler and its
// flags, the commit, the CPU and how busy the machine was. Every benchmark prints this block
// before its results, so a number pasted into bench/RESULTS.md carries where it came from.
// The build facts are compile definitions set by bench/common/CMakeLists.txt at configure time.
#pragma once

#include <cstdio>
#include <string>

namespace imagery::bench {

struct BenchContext {
  std::string compiler;      // "GNU 12.2.0"
  std::string build_type;    // CMAKE_BUILD_TYPE
  std::string cxx_flags;     // CMAKE_CXX_FLAGS
  std::string build_flags;   // CMAKE_CXX_FLAGS_<BUILD_TYPE>, e.g. the release flags "-O3 -DNDEBUG"
  bool sanitized = false;    // IMAGERY_SANITIZE: numbers of such a build are not comparable
  std::string commit;        // `git rev-parse --short HEAD` (+ "-dirty"), or "unknown"
  std::string cpu_model;     // /proc/cpuinfo "model name"
  unsigned cpus = 0;         // logical CPUs of the machine
  unsigned usable_cpus = 0;  // of those, the ones this process may run on (its affinity mask)
  std::string load_average;  // /proc/loadavg: 1, 5 and 15 minutes
  std::string date;          // UTC, when the benchmark started
};

BenchContext bench_context();

// Prints the context as "key: value" lines, headed by the benchmark's name, then a blank line.
// Also sets the allocator up as the imagery program does (core/allocator.h), so in-process
// numbers are what a run of imagery sees; IMAGERY_BENCH_DEFAULT_MALLOC=1 keeps glibc's defaults.
void print_bench_context(const std::string& benchmark, std::FILE* out = stdout);

}  // namespace imagery::bench
