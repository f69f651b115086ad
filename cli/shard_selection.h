// Which rows of a manifest this process renders when a run is split over many workers. The split
// is deterministic and needs no coordination: shard I of K takes the contiguous block of rows
// [I*N/K, (I+1)*N/K), so every row belongs to exactly one shard and neighbouring rows (often
// neighbouring in space) share a worker's chunk cache.
//
// The shard comes from --shard-index/--shard-count, else from the scheduler's environment:
// Slurm array jobs (SLURM_ARRAY_TASK_ID, and SLURM_ARRAY_TASK_COUNT or --shard-count; the index
// is taken relative to SLURM_ARRAY_TASK_MIN), or Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX
// with --shard-count, as Kubernetes does not export the completions count).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace imagery::cli {

struct ShardSelection {
  std::size_t index = 0;
  std::size_t count = 1;
  std::string origin;  // "flags", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" or "" (whole run)
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Throws kInvalidArgument naming the flag or variable at fault (index >= count, count 0, an index
// without a count, non-numbers).
ShardSelection select_shard(std::optional<long long> index_flag,
                            std::optional<long long> count_flag, const EnvironmentLookup& env);
// The process environment.
std::optional<std::string> process_environment(const std::string& name);

// The half-open range of row positions [first, last) of `rows` rows that the shard takes.
std::pair<std::size_t, std::size_t> shard_rows(const ShardSelection& shard, std::size_t rows);

}  // namespace imagery::cli
