// Shards: flags or scheduler variables pick one; the blocks of all shards cover every row once.
#include <catch2/catch.hpp>
#include <map>

#include "imagery/cli/shard_selection.h"
#include "imagery/core/error.h"

using imagery::cli::select_shard;
using imagery::cli::shard_rows;
using imagery::cli::ShardSelection;

namespace {

imagery::cli::EnvironmentLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(std::optional<long long> index, std::optional<long long> count,
                     std::map<std::string, std::string> vars) {
  try {
    select_shard(index, count, env(std::move(vars)));
  } catch (const imagery::Error& e) {
    CHECK(e.code() == imagery::ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the shard comes from flags, then Slurm, then Kubernetes", "[cli][batch]") {
  ShardSelection none = select_shard(std::nullopt, std::nullopt, env({}));
  CHECK(none.index == 0);
  CHECK(none.count == 1);
  CHECK(none.origin.empty());

  ShardSelection flags = select_shard(2, 3, env({{"SLURM_ARRAY_TASK_ID", "0"}}));
  CHECK(flags.index == 2);
  CHECK(flags.count == 3);
  CHECK(flags.origin == "flags");

  ShardSelection slurm = select_shard(std::nullopt, std::nullopt,
                                      env({{"SLURM_ARRAY_TASK_ID", "11"},
                                           {"SLURM_ARRAY_TASK_MIN", "10"},
                                           {"SLURM_ARRAY_TASK_COUNT", "4"},
                                           {"JOB_COMPLETION_INDEX", "3"}}));
  CHECK(slurm.index == 1);  // relative to the array's first task
  CHECK(slurm.count == 4);
  CHECK(slurm.origin == "SLURM_ARRAY_TASK_ID");

  ShardSelection k8s = select_shard(std::nullopt, 8, env({{"JOB_COMPLETION_INDEX", "7"}}));
  CHECK(k8s.index == 7);
  CHECK(k8s.count == 8);
  CHECK(k8s.origin == "JOB_COMPLETION_INDEX");
}

TEST_CASE("inconsistent shards are refused naming the flag or variable", "[cli][batch]") {
  CHECK_THAT(error_of(1, std::nullopt, {}), Catch::Contains("--shard-index needs --shard-count"));
  CHECK_THAT(error_of(std::nullopt, 3, {}), Catch::Contains("--shard-count needs --shard-index"));
  CHECK_THAT(error_of(3, 3, {}), Catch::Contains("--shard-index 3 is outside 0..2"));
  CHECK_THAT(error_of(-1, 3, {}), Catch::Contains("--shard-index"));
  CHECK_THAT(error_of(0, 0, {}), Catch::Contains("--shard-count must be at least 1"));
  CHECK_THAT(error_of(std::nullopt, std::nullopt, {{"SLURM_ARRAY_TASK_ID", "x"}}),
             Catch::Contains("SLURM_ARRAY_TASK_ID: 'x' is not a whole number"));
  CHECK_THAT(error_of(std::nullopt, std::nullopt, {{"SLURM_ARRAY_TASK_ID", "1"}}),
             Catch::Contains("give --shard-count"));
  CHECK_THAT(error_of(std::nullopt, std::nullopt,
                      {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
             Catch::Contains("SLURM_ARRAY_TASK_ID 4 is outside 0..3"));
  CHECK_THAT(error_of(std::nullopt, std::nullopt, {{"JOB_COMPLETION_INDEX", "0"}}),
             Catch::Contains("JOB_COMPLETION_INDEX is set: give --shard-count"));
}

TEST_CASE("shard blocks cover every row exactly once, in order", "[cli][batch]") {
  for (std::size_t rows : {0u, 1u, 2u, 7u, 60u, 61u, 1000u})
    for (std::size_t count : {1u, 2u, 3u, 7u, 64u}) {
      std::size_t expected_first = 0;
      for (std::size_t index = 0; index < count; ++index) {
        auto [first, last] = shard_rows(ShardSelection{index, count, "flags"}, rows);
        INFO("rows " << rows << " count " << count << " index " << index);
        CHECK(first == expected_first);
        CHECK(last >= first);
        CHECK(last - first <= rows / count + 1);  // balanced
        expected_first = last;
      }
      CHECK(expected_first == rows);
    }
  // Huge counts do not overflow.
  auto [first, last] = shard_rows(ShardSelection{999999999, 1000000000, "flags"}, 5000000000ull);
  CHECK(last == 5000000000ull);
  CHECK(first == 4999999995ull);
}
