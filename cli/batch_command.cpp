// `imagery batch MANIFEST --out-dir DIR [--defaults STYLE.json] [--jobs N] [--shard-index I
// --shard-count K] [--overwrite] [--dry-run] [--status FILE]`: one figure per manifest row (see
// manifest.h and batch_row.h), rendered by --jobs threads of one process that share the opened
// volumes, the chunk cache and the connection pool. Restartable: a row whose sidecar (written
// last) and pictures exist is skipped, and every file is renamed into place only when complete.
// Scale-out and reporting: shard_selection.h, batch_report.h.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <thread>

#include <nlohmann/json.hpp>

#include "imagery/cli/batch_jobs.h"
#include "imagery/cli/batch_report.h"
#include "imagery/cli/batch_row.h"
#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/json_file.h"
#include "imagery/cli/manifest.h"
#include "imagery/cli/shard_selection.h"
#include "imagery/cli/shared_volumes.h"
#include "imagery/cli/shared_window.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/figure/make_figure.h"

namespace imagery::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct BatchArgs {
  std::string manifest, defaults, out_dir, status;
  int jobs = 0;
  long long shard_index = -1, shard_count = -1;
  bool overwrite = false, dry_run = false;
  double progress_interval = 30;
  std::size_t max_failures = 0;
};

std::atomic<int> stop_signal{0};

extern "C" void on_stop_signal(int sig) {
  stop_signal = sig;
}

// SIGINT/SIGTERM (Slurm's and Kubernetes' notice before a kill) stop new rows from starting;
// the handler resets itself, so a second signal ends the process at once.
class StopSignals {
 public:
  StopSignals() {
    stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

json read_defaults(const std::string& path) {
  json j = read_json_file(path, "--defaults");
  check_batch_defaults(j, path);
  return j;
}

RowOutcome run_job(const Job& job, const BatchArgs& a, const GlobalOptions& global,
                   io::Context& context, SharedVolumes& volumes) {
  RowOutcome o;
  o.line = job.line;
  o.name = job.name;
  const auto t0 = std::chrono::steady_clock::now();
  auto failed = [&](ErrorCode code, std::string message) {
    o.status = RowOutcome::Status::kFailed;
    o.code = code;
    o.error = std::move(message);
  };
  if (!job.row) {
    failed(ErrorCode::kInvalidArgument, job.error);
    return o;
  }
  const figure::FigureSpec& spec = job.row->spec;
  if (!a.overwrite && !figure::finished_files(spec).empty()) {
    o.status = RowOutcome::Status::kSkipped;
    o.reason = "exists";
    return o;
  }
  if (a.dry_run) {
    o.status = RowOutcome::Status::kPlanned;
    o.reason = fs::exists(figure::sidecar_path(spec.output.path)) ? "overwrite" : "new";
    return o;
  }
  try {
    fs::create_directories(fs::path(spec.output.path).parent_path());
    figure::MakeOptions options;
    options.render.max_memory_bytes = global.max_memory_bytes();
    options.render.open = [&](const std::string& s) { return volumes.open(s); };
    figure::FigureFiles files = figure::make_figure(spec, context, options, key_name);
    o.pictures = std::move(files.pictures);
  } catch (const Error& e) {
    failed(e.code(), message_with_hint("batch", e));
  } catch (const fs::filesystem_error& e) {
    failed(ErrorCode::kIoError,
           "cannot create the folder of " + spec.output.path + ": " + e.code().message());
  } catch (const std::bad_alloc&) {
    failed(ErrorCode::kResourceExhausted, "out of memory rendering " + spec.output.path);
  } catch (const std::exception& e) {
    failed(ErrorCode::kInternal, std::string("internal error: ") + e.what());
  }
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return o;
}

}  // namespace

CommandRunner add_batch_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<BatchArgs>();
  auto* cmd = app.add_subcommand(
      "batch",
      "Render one figure per row of a CSV or JSON Lines manifest (restartable; splits over "
      "Slurm array tasks or Kubernetes indexed jobs)");
  cmd->add_option("manifest", a->manifest,
                  "CSV with a header of figure option names, or JSON Lines (- for stdin)")
      ->required();
  cmd->add_option("--out-dir", a->out_dir, "Folder of the figures: row NAME -> DIR/NAME.png")
      ->required();
  cmd->add_option("--defaults", a->defaults,
                  "JSON object of figure options every row starts from (rows override)");
  cmd->add_option("--jobs", a->jobs, "Rows rendered at once (default: the cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--shard-index", a->shard_index,
                  "This worker's shard, 0-based (default: $SLURM_ARRAY_TASK_ID or "
                  "$JOB_COMPLETION_INDEX)");
  cmd->add_option("--shard-count", a->shard_count,
                  "Number of shards (default: $SLURM_ARRAY_TASK_COUNT)");
  cmd->add_flag("--overwrite", a->overwrite, "Render rows whose figure exists again");
  cmd->add_flag("--dry-run", a->dry_run,
                "Check every row and report what would be rendered, fetching nothing");
  cmd->add_option("--status", a->status,
                  "Append the JSON status lines to this file instead of standard output");
  cmd->add_option("--progress-interval", a->progress_interval,
                  "Seconds between progress lines when stderr is not a terminal (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-failures", a->max_failures,
                  "Stop starting rows after this many failures (default: never)");

  return [a, cmd, &global] {
    const std::optional<long long> index_flag =
        cmd->get_option("--shard-index")->count() ? std::optional(a->shard_index) : std::nullopt;
    const std::optional<long long> count_flag =
        cmd->get_option("--shard-count")->count() ? std::optional(a->shard_count) : std::nullopt;
    const ShardSelection shard = select_shard(index_flag, count_flag, process_environment);
    const json defaults = a->defaults.empty() ? json::object() : read_defaults(a->defaults);
    const Manifest manifest = read_manifest(a->manifest);
    if (manifest.format == Manifest::Format::kCsv) {
      const std::vector<std::string> unknown = unknown_columns(manifest.columns);
      if (!unknown.empty()) {
        std::string list;
        for (const std::string& c : unknown) list += (list.empty() ? "'" : ", '") + c + "'";
        fail(ErrorCode::kInvalidArgument,
             "manifest " + manifest.name + ": column " + list +
                 (unknown.size() > 1 ? " are not options" : " is not an option") +
                 " of imagery figure (prefix columns of your own with '_')");
      }
    }
    std::vector<Job> jobs = shard_jobs(manifest, defaults, a->out_dir, shard);

    std::FILE* status = stdout;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> status_file(nullptr, std::fclose);
    if (!a->status.empty()) {
      status_file.reset(std::fopen(a->status.c_str(), "a"));
      if (!status_file)
        fail(ErrorCode::kIoError, "--status " + a->status + ": " + std::strerror(errno));
      status = status_file.get();
    }

    if (!a->dry_run) {
      std::error_code ec;
      fs::create_directories(a->out_dir, ec);
      if (ec)
        fail(ErrorCode::kIoError,
             "--out-dir " + a->out_dir + ": cannot create it: " + ec.message());
      AtomicFile probe((fs::path(a->out_dir) / ".imagery-batch-write-check").string());
      remove_abandoned_files(a->out_dir, jobs);
    }
    BatchReport report(status, jobs.size(), global.quiet, a->progress_interval);
    auto context = make_context(global);
    // The token goes to the hosts of the sources the manifest names (and its datastacks' info
    // services), and nowhere else: not to sources a datastack brings in.
    // Rows naming a state (a file, a link) read it here, once per state, so that its sources
    // are among the named ones.
    std::map<std::string, nlohmann::json> states;
    for (Job& job : jobs) {
      if (!job.row) continue;
      try {
        load_state_of_spec(*context, global, job.row->spec, &states);
      } catch (const Error& e) {
        job.error = std::string("state: ") + e.what();
        job.row.reset();
        continue;
      }
      grant_token_for_spec(*context, global, job.row->spec);
    }
    SharedVolumes volumes(*context);
    if (!a->dry_run) {
      const std::vector<SharedWindow> shared = apply_shared_windows(
          manifest, defaults, a->out_dir, jobs, *context, volumes, global.max_memory_bytes());
      if (!shared.empty()) {
        const std::string text = shared_windows_json(shared).dump(2) + "\n";
        write_file_atomically((fs::path(a->out_dir) / "shared_windows.json").string(),
                              std::as_bytes(std::span(text.data(), text.size())));
        if (!global.quiet)
          for (const SharedWindow& w : shared) {
            std::string rows;
            for (const std::string& r : w.sample) rows += (rows.empty() ? "" : ", ") + r;
            std::fprintf(stderr, "shared window for %s: %g..%g from rows %s (%zu of %zu)\n",
                         w.source.c_str(), w.low, w.high, rows.c_str(), w.sample.size(), w.rows);
          }
      }
    }
    StopSignals signals;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stopped{false};
    auto worker = [&] {
      for (;;) {
        if (stop_signal.load() || (a->max_failures && report.failed() >= a->max_failures)) {
          stopped = true;
          return;
        }
        const std::size_t i = next.fetch_add(1);
        if (i >= jobs.size()) return;
        report.record(run_job(jobs[i], *a, global, *context, volumes));
      }
    };
    const std::size_t threads = std::min<std::size_t>(
        jobs.size(), a->jobs > 0 ? static_cast<std::size_t>(a->jobs)
                                 : std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    if (threads > 0) worker();
    for (std::thread& t : pool) t.join();
    if (stopped && next.load() < jobs.size() && stop_signal.load()) report.interrupted();
    const io::HttpStats http = context->http_stats();
    report.set_network(http.requests, http.bytes);
    report.finish(manifest.name, shard.index, shard.count);
    return report.exit_code();
  };
}

}  // namespace imagery::cli
