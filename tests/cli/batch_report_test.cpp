// BatchReport: one JSON status line per row, the summary line, and the exit status a scheduler
// acts on — 0 when every row is done, 10 when some failed for good, 75 when a rerun may finish
// the job (a network failure or an interruption).
#include "imagery/cli/batch_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

using imagery::ErrorCode;
using imagery::cli::BatchReport;
using imagery::cli::kBatchRetryLater;
using imagery::cli::kBatchSomeFailed;
using imagery::cli::RowOutcome;
using nlohmann::json;

namespace {

// A status file to read back.
class StatusFile {
 public:
  StatusFile() : file_(std::tmpfile()) { REQUIRE(file_); }
  ~StatusFile() { std::fclose(file_); }
  std::FILE* get() { return file_; }
  std::vector<json> lines() {
    std::fflush(file_);
    std::rewind(file_);
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) text.append(buf, n);
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }

 private:
  std::FILE* file_;
};

// Whatever the process writes to stderr meanwhile (the summary line for people).
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int fd = ::open(dir_.file("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    const auto bytes = imagery::testing::read_file(dir_.file("stderr"));
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  imagery::testing::TempDir dir_;
  int saved_ = -1;
};

RowOutcome ok(std::size_t line, const std::string& name) {
  RowOutcome o;
  o.line = line;
  o.name = name;
  o.status = RowOutcome::Status::kOk;
  o.pictures = {"/out/" + name + ".png"};
  o.seconds = 0.123456;
  return o;
}

RowOutcome skipped(std::size_t line, const std::string& name) {
  RowOutcome o;
  o.line = line;
  o.name = name;
  o.status = RowOutcome::Status::kSkipped;
  o.reason = "done earlier";
  return o;
}

RowOutcome failed(std::size_t line, std::optional<ErrorCode> code, const std::string& error) {
  RowOutcome o;
  o.line = line;
  o.status = RowOutcome::Status::kFailed;
  o.code = code;
  o.error = error;
  return o;
}

// The exit status of a quiet report of these outcomes.
int exit_code_of(const std::vector<RowOutcome>& outcomes, bool interrupted = false) {
  StatusFile status;
  BatchReport report(status.get(), outcomes.size(), true, 0);
  for (const auto& o : outcomes) report.record(o);
  if (interrupted) report.interrupted();
  return report.exit_code();
}

}  // namespace

TEST_CASE("a batch whose rows are all done exits 0", "[cli][batch][report]") {
  CHECK(exit_code_of({}) == 0);
  CHECK(exit_code_of({ok(2, "a"), skipped(3, "b")}) == 0);
  RowOutcome planned = skipped(4, "c");
  planned.status = RowOutcome::Status::kPlanned;
  CHECK(exit_code_of({planned}) == 0);
}

TEST_CASE("a batch with rows that failed for good exits 10", "[cli][batch][report]") {
  CHECK(kBatchSomeFailed == 10);
  for (ErrorCode code : {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kDataLoss,
                         ErrorCode::kPermissionDenied, ErrorCode::kResourceExhausted,
                         ErrorCode::kIoError, ErrorCode::kInternal}) {
    INFO(static_cast<int>(code));
    CHECK(exit_code_of({ok(2, "a"), failed(3, code, "bad")}) == kBatchSomeFailed);
  }
  // A failure that is not an imagery::Error counts as a failure too.
  CHECK(exit_code_of({failed(3, std::nullopt, "std::bad_alloc")}) == kBatchSomeFailed);
}

TEST_CASE("a batch with a network failure or an interruption exits 75", "[cli][batch][report]") {
  CHECK(kBatchRetryLater == 75);
  CHECK(exit_code_of({ok(2, "a"), failed(3, ErrorCode::kUnavailable, "HTTP 503")}) ==
        kBatchRetryLater);
  // A rerun retries the network failure, so it wins over failures for good.
  CHECK(exit_code_of({failed(2, ErrorCode::kNotFound, "gone"),
                      failed(3, ErrorCode::kUnavailable, "HTTP 503")}) == kBatchRetryLater);
  CHECK(exit_code_of({ok(2, "a")}, true) == kBatchRetryLater);
  CHECK(exit_code_of({failed(2, ErrorCode::kNotFound, "gone")}, true) == kBatchRetryLater);
}

TEST_CASE("each row gets one JSON status line", "[cli][batch][report]") {
  StatusFile status;
  BatchReport report(status.get(), 4, true, 0);
  report.record(ok(2, "fig_000"));
  report.record(skipped(3, "fig_001"));
  report.record(failed(4, ErrorCode::kUnavailable, "https://h/vol/info: HTTP 503"));
  report.record(failed(5, ErrorCode::kNotFound, "no info\nat all"));
  CHECK(report.failed() == 2);
  const auto lines = status.lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == json{{"line", 2},
                         {"name", "fig_000"},
                         {"status", "ok"},
                         {"pictures", {"/out/fig_000.png"}},
                         {"seconds", 0.1235}});
  CHECK(lines[1] == json{{"line", 3},
                         {"name", "fig_001"},
                         {"status", "skipped"},
                         {"reason", "done earlier"},
                         {"seconds", 0.0}});
  CHECK(lines[2]["status"] == "failed");
  CHECK(lines[2]["name"].is_null());  // a row without a name says so
  CHECK(lines[2]["code"] == "unavailable");
  CHECK(lines[2]["retry"] == true);
  CHECK(lines[2]["error"] == "https://h/vol/info: HTTP 503");
  CHECK_FALSE(lines[2].contains("pictures"));
  CHECK(lines[3]["code"] == "not found");
  CHECK(lines[3]["retry"] == false);
  CHECK(lines[3]["error"] == "no info\nat all");
}

TEST_CASE("a status line survives text that is not UTF-8", "[cli][batch][report]") {
  StatusFile status;
  BatchReport report(status.get(), 1, true, 0);
  report.record(failed(2, ErrorCode::kDataLoss, std::string("bad byte \xff here")));
  const auto lines = status.lines();
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0]["error"].get<std::string>(), Catch::StartsWith("bad byte "));
}

TEST_CASE("the summary counts every outcome and repeats the exit status", "[cli][batch][report]") {
  StatusFile status;
  std::string said;
  {
    StderrCapture capture;
    BatchReport report(status.get(), 5, false, 0);
    report.record(ok(2, "a"));
    report.record(ok(3, "b"));
    report.record(skipped(4, "c"));
    report.record(failed(5, ErrorCode::kUnavailable, "HTTP 503"));
    report.record(failed(6, ErrorCode::kNotFound, "gone"));
    report.set_network(42, 123456);
    report.finish("rows.csv", 1, 4);
    CHECK(report.exit_code() == kBatchRetryLater);
    said = capture.text();
  }
  const auto lines = status.lines();
  REQUIRE(lines.size() == 6);
  const json& s = lines.back()["summary"];
  CHECK(s["manifest"] == "rows.csv");
  CHECK(s["shard"] == json::array({1, 4}));
  CHECK(s["rows"] == 5);
  CHECK(s["ok"] == 2);
  CHECK(s["skipped"] == 1);
  CHECK(s["failed"] == 2);
  CHECK(s["retryable"] == 1);
  CHECK(s["interrupted"] == false);
  CHECK(s["http_requests"] == 42);
  CHECK(s["http_bytes"] == 123456);
  CHECK(s["exit_code"] == kBatchRetryLater);
  CHECK_FALSE(s.contains("planned"));
  CHECK(s["seconds"].get<double>() >= 0);
  // One line for people, saying the same and what to do.
  INFO(said);
  CHECK(imagery::testing::count_lines(said) == 1);
  CHECK_THAT(said, Catch::StartsWith("imagery batch: rows.csv shard 1/4: 5 rows: 2 ok, 1 skipped, "
                                     "2 failed (1 on the network) in ") &&
                       Catch::EndsWith("; rerun to retry\n"));
}

TEST_CASE("the summary line advises by exit status and stays silent when quiet",
          "[cli][batch][report]") {
  struct Case {
    std::vector<RowOutcome> outcomes;
    bool interrupted;
    std::string ends;
    std::string contains;
  };
  for (const Case& c :
       {Case{{ok(2, "a")}, false, "figures/s)\n", "1 ok, 0 skipped, 0 failed in "},
        Case{{failed(2, ErrorCode::kNotFound, "x")},
             false,
             "; see the failed status lines\n",
             "0 ok, 0 skipped, 1 failed in "},
        Case{{ok(2, "a")}, true, "; rerun to retry\n", "0 failed, interrupted in "}}) {
    StatusFile status;
    StderrCapture capture;
    BatchReport report(status.get(), c.outcomes.size(), false, 0);
    for (const auto& o : c.outcomes) report.record(o);
    if (c.interrupted) report.interrupted();
    report.finish("m.jsonl", 0, 1);
    const std::string said = capture.text();
    INFO(said);
    CHECK_THAT(said, Catch::EndsWith(c.ends) && Catch::Contains(c.contains));
    CHECK(status.lines().back()["summary"]["interrupted"] == c.interrupted);
  }
  // Quiet: the status file still gets the summary; people get nothing.
  StatusFile status;
  StderrCapture capture;
  RowOutcome planned = skipped(2, "p");
  planned.status = RowOutcome::Status::kPlanned;
  BatchReport report(status.get(), 1, true, 0);
  report.record(planned);
  report.finish("m.jsonl", 0, 1);
  CHECK(capture.text().empty());
  const json summary = status.lines().back()["summary"];
  CHECK(summary["planned"] == 1);
  CHECK(summary["exit_code"] == 0);
}
