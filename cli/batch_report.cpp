#include "imagery/cli/batch_report.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace imagery::cli {

namespace {

const char* status_name(RowOutcome::Status s) {
  switch (s) {
    case RowOutcome::Status::kOk:
      return "ok";
    case RowOutcome::Status::kSkipped:
      return "skipped";
    case RowOutcome::Status::kFailed:
      return "failed";
    case RowOutcome::Status::kPlanned:
      return "planned";
  }
  return "?";
}

double four_decimals(double v) {
  return static_cast<double>(static_cast<long long>(v * 1e4 + 0.5)) / 1e4;
}

}  // namespace

BatchReport::BatchReport(std::FILE* status, std::size_t rows, bool quiet,
                         double progress_interval_s)
    : status_(status),
      rows_(rows),
      quiet_(quiet),
      terminal_(::isatty(STDERR_FILENO)),
      interval_s_(progress_interval_s),
      start_(std::chrono::steady_clock::now()),
      last_progress_(start_) {}

BatchReport::~BatchReport() {
  if (bar_drawn_) std::fprintf(stderr, "\r\033[K");
}

void BatchReport::record(const RowOutcome& o) {
  nlohmann::ordered_json line = {{"line", o.line}};
  line["name"] = o.name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.name);
  line["status"] = status_name(o.status);
  if (o.status == RowOutcome::Status::kFailed) {
    line["error"] = o.error;
    line["code"] = o.code ? std::string(error_code_name(*o.code)) : "internal error";
    line["retry"] = o.code == ErrorCode::kUnavailable;
  }
  if (!o.reason.empty()) line["reason"] = o.reason;
  if (o.status == RowOutcome::Status::kOk) line["pictures"] = o.pictures;
  line["seconds"] = four_decimals(o.seconds);
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), status_);
  std::fflush(status_);
  switch (o.status) {
    case RowOutcome::Status::kOk:
      ++ok_;
      break;
    case RowOutcome::Status::kSkipped:
      ++skipped_;
      break;
    case RowOutcome::Status::kPlanned:
      ++planned_;
      break;
    case RowOutcome::Status::kFailed:
      ++failed_;
      if (o.code == ErrorCode::kUnavailable) ++retryable_;
      break;
  }
  progress_locked(false);
}

void BatchReport::set_network(std::uint64_t requests, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  http_requests_ = requests;
  http_bytes_ = bytes;
}

void BatchReport::interrupted() {
  std::lock_guard lock(mutex_);
  interrupted_ = true;
}

std::size_t BatchReport::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

void BatchReport::progress_locked(bool final) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double since = std::chrono::duration<double>(now - last_progress_).count();
  const std::size_t done = ok_ + skipped_ + failed_ + planned_;
  const double rate = elapsed > 0 ? static_cast<double>(ok_ + failed_) / elapsed : 0;
  if (terminal_) {
    if (!final && (elapsed < 0.5 || (bar_drawn_ && since < 0.1))) return;
    last_progress_ = now;
    bar_drawn_ = true;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = rows_ ? kWidth * done / rows_ : kWidth;
    std::string bar(filled, '#');
    bar.append(kWidth - filled, '.');
    std::string eta;
    if (rate > 0 && done < rows_)
      eta = "  ETA " +
            std::to_string(static_cast<long long>(static_cast<double>(rows_ - done) / rate + 0.5)) +
            " s";
    std::fprintf(stderr, "\r[%s] %zu/%zu rows  %zu failed  %.1f rows/s%s\033[K", bar.c_str(), done,
                 rows_, failed_, rate, eta.c_str());
    std::fflush(stderr);
    return;
  }
  if (final || interval_s_ <= 0 || since < interval_s_) return;
  last_progress_ = now;
  std::fprintf(stderr, "imagery batch: %zu/%zu rows, %zu failed, %.1f rows/s\n", done, rows_,
               failed_, rate);
  std::fflush(stderr);
}

void BatchReport::finish(const std::string& manifest, std::size_t shard_index,
                         std::size_t shard_count) {
  std::lock_guard lock(mutex_);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(ok_) / elapsed : 0;
  nlohmann::ordered_json summary = {{"manifest", manifest},
                                    {"shard", {shard_index, shard_count}},
                                    {"rows", rows_},
                                    {"ok", ok_},
                                    {"skipped", skipped_},
                                    {"failed", failed_},
                                    {"retryable", retryable_},
                                    {"interrupted", interrupted_},
                                    {"seconds", four_decimals(elapsed)},
                                    {"figures_per_second", four_decimals(rate)},
                                    {"http_requests", http_requests_},
                                    {"http_bytes", http_bytes_}};
  if (planned_) summary["planned"] = planned_;
  const int code = exit_code_locked();
  summary["exit_code"] = code;
  const std::string text = nlohmann::ordered_json{{"summary", summary}}.dump(
                               -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                           "\n";
  std::fwrite(text.data(), 1, text.size(), status_);
  std::fflush(status_);
  if (bar_drawn_) {
    std::fprintf(stderr, "\r\033[K");
    bar_drawn_ = false;
  }
  if (quiet_) return;
  const std::string network =
      retryable_ ? " (" + std::to_string(retryable_) + " on the network)" : "";
  const char* advice = code == kBatchRetryLater   ? "; rerun to retry"
                       : code == kBatchSomeFailed ? "; see the failed status lines"
                                                  : "";
  std::fprintf(stderr,
               "imagery batch: %s shard %zu/%zu: %zu rows: %zu ok, %zu skipped, %zu failed%s%s "
               "in %.1f s (%.1f figures/s)%s\n",
               manifest.c_str(), shard_index, shard_count, rows_, ok_, skipped_, failed_,
               network.c_str(), interrupted_ ? ", interrupted" : "", elapsed, rate, advice);
}

int BatchReport::exit_code() const {
  std::lock_guard lock(mutex_);
  return exit_code_locked();
}

int BatchReport::exit_code_locked() const {
  if (interrupted_ || retryable_) return kBatchRetryLater;
  if (failed_) return kBatchSomeFailed;
  return 0;
}

}  // namespace imagery::cli
