#include "imagery/cli/shard_selection.h"

#include <charconv>
#include <cstdlib>

#include "imagery/core/error.h"

namespace imagery::cli {

namespace {

long long parse_count(const std::string& text, const std::string& name) {
  long long v = 0;
  const char* end = text.data() + text.size();
  auto r = std::from_chars(text.data(), end, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != end)
    fail(ErrorCode::kInvalidArgument, name + ": '" + text + "' is not a whole number");
  return v;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

ShardSelection select_shard(std::optional<long long> index_flag,
                            std::optional<long long> count_flag, const EnvironmentLookup& env) {
  ShardSelection s;
  long long index = 0, count = 1;
  std::string index_name = "--shard-index", count_name = "--shard-count";
  if (index_flag) {
    if (!count_flag) fail(ErrorCode::kInvalidArgument, "--shard-index needs --shard-count");
    index = *index_flag;
    count = *count_flag;
    s.origin = "flags";
  } else if (auto slurm = env("SLURM_ARRAY_TASK_ID")) {
    index_name = "SLURM_ARRAY_TASK_ID";
    index = parse_count(*slurm, index_name);
    if (auto min = env("SLURM_ARRAY_TASK_MIN")) index -= parse_count(*min, "SLURM_ARRAY_TASK_MIN");
    if (count_flag) {
      count = *count_flag;
    } else if (auto n = env("SLURM_ARRAY_TASK_COUNT")) {
      count_name = "SLURM_ARRAY_TASK_COUNT";
      count = parse_count(*n, count_name);
    } else {
      fail(ErrorCode::kInvalidArgument,
           "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give --shard-count");
    }
    s.origin = "SLURM_ARRAY_TASK_ID";
  } else if (auto k8s = env("JOB_COMPLETION_INDEX")) {
    index_name = "JOB_COMPLETION_INDEX";
    index = parse_count(*k8s, index_name);
    if (!count_flag)
      fail(ErrorCode::kInvalidArgument,
           "JOB_COMPLETION_INDEX is set: give --shard-count (the Job's completions)");
    count = *count_flag;
    s.origin = "JOB_COMPLETION_INDEX";
  } else if (count_flag) {
    fail(ErrorCode::kInvalidArgument,
         "--shard-count needs --shard-index (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX)");
  }
  if (count > 1000000000)
    fail(ErrorCode::kInvalidArgument, count_name + " must be at most 1000000000");
  if (count < 1)
    fail(ErrorCode::kInvalidArgument,
         count_name + " must be at least 1, got " + std::to_string(count));
  if (index < 0 || index >= count)
    fail(ErrorCode::kInvalidArgument, index_name + " " + std::to_string(index) + " is outside 0.." +
                                          std::to_string(count - 1) + " (" + count_name + " " +
                                          std::to_string(count) + ")");
  s.index = static_cast<std::size_t>(index);
  s.count = static_cast<std::size_t>(count);
  return s;
}

std::pair<std::size_t, std::size_t> shard_rows(const ShardSelection& shard, std::size_t rows) {
  // floor(rows * i / count) without the product overflowing (count <= 1e9, so the remainder's
  // product stays below 1e18).
  const auto at = [&](std::size_t i) {
    return rows / shard.count * i + rows % shard.count * i / shard.count;
  };
  return {at(shard.index), at(shard.index + 1)};
}

}  // namespace imagery::cli
