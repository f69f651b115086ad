// What `imagery batch` tells about its rows: one JSON status line per row (stdout or --status
// FILE, flushed line by line so a killed run keeps what it finished), progress on stderr (a bar
// on a terminal, a plain line every few seconds otherwise), a summary, and the exit status that
// tells a scheduler what to do next:
//   0   every row of the shard is done (rendered now or earlier)
//   10  some rows failed for good (malformed rows, missing or corrupt data...): fix and rerun
//   75  retry later: a row failed on the network, or the run was interrupted; a rerun renders
//       only what is missing (75 is EX_TEMPFAIL of sysexits.h)
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "imagery/core/error.h"

namespace imagery::cli {

inline constexpr int kBatchSomeFailed = 10;
inline constexpr int kBatchRetryLater = 75;

struct RowOutcome {
  enum class Status { kOk, kSkipped, kFailed, kPlanned };
  std::size_t line = 0;
  std::string name;  // empty when the row has none
  Status status = Status::kOk;
  std::optional<ErrorCode> code;  // kFailed
  std::string error;              // kFailed
  std::string reason;             // kSkipped / kPlanned: why
  double seconds = 0;
  std::vector<std::string> pictures;
};

class BatchReport {
 public:
  // `status` is where status lines go (stdout or an opened --status file); `rows` the rows of the
  // shard. `progress_interval_s`: seconds between plain progress lines when stderr is not a
  // terminal (0: none).
  BatchReport(std::FILE* status, std::size_t rows, bool quiet, double progress_interval_s);
  ~BatchReport();
  // Thread-safe.
  void record(const RowOutcome& outcome);
  // The run stopped before its last row (a signal).
  void interrupted();
  std::size_t failed() const;
  // HTTP requests sent and body bytes received by the run, for the summary.
  void set_network(std::uint64_t requests, std::uint64_t bytes);
  // Writes the summary (a {"summary": ...} status line, and a line on stderr unless quiet).
  void finish(const std::string& manifest, std::size_t shard_index, std::size_t shard_count);
  int exit_code() const;

 private:
  void progress_locked(bool final);
  int exit_code_locked() const;

  std::FILE* status_;
  std::size_t rows_;
  bool quiet_, terminal_;
  double interval_s_;
  mutable std::mutex mutex_;
  std::size_t ok_ = 0, skipped_ = 0, failed_ = 0, planned_ = 0, retryable_ = 0;
  std::uint64_t http_requests_ = 0, http_bytes_ = 0;
  bool interrupted_ = false, bar_drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_progress_;
};

}  // namespace imagery::cli
