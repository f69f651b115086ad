#include "imagery/cli/batch_jobs.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"

namespace imagery::cli {

namespace fs = std::filesystem;
using nlohmann::json;

OwnedFiles owned_files(const figure::FigureSpec& spec) {
  OwnedFiles out;
  const std::string& picture = spec.output.path;
  out.exact.push_back(figure::sidecar_path(picture));
  // A stacked figure is one picture, written under its name as given ("{i}" and all).
  if (spec.per_slice_files())
    out.patterns.push_back(picture);
  else
    out.exact.push_back(picture);
  const std::string prefix = spec.output.arrays_prefix();
  if (!prefix.empty()) {
    if (spec.image) out.exact.push_back(prefix + "_image.npy");
    out.exact.push_back(prefix + "_seg.npy");
  }
  return out;
}

bool fits_slice_pattern(const std::string& path, const std::string& pattern) {
  const std::size_t at = pattern.find("{i}");
  if (at == std::string::npos) return path == pattern;
  // The index is a run of digits where the first {i} stands, and every {i} stands for the same
  // digits. A pattern such as "a{i}1.png" makes "a11.png" ambiguous: try each length.
  if (path.compare(0, at, pattern, 0, at) != 0) return false;
  std::size_t end = at;
  while (end < path.size() && path[end] >= '0' && path[end] <= '9') ++end;
  for (std::size_t last = at + 1; last <= end; ++last) {
    const std::string digits = path.substr(at, last - at);
    std::string filled = pattern;
    for (std::size_t p = filled.find("{i}"); p != std::string::npos; p = filled.find("{i}", p))
      filled.replace(p, 3, digits), p += digits.size();
    if (filled == path) return true;
  }
  return false;
}

namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether two per-slice patterns can name the same file: one's text before {i} must begin the
// other's and one's text after it must end the other's, with only digits left over (which the
// other's index can stand for).
bool slice_patterns_overlap(const std::string& a, const std::string& b) {
  const std::size_t at_a = a.find("{i}"), at_b = b.find("{i}");
  const std::string_view pa(a.data(), at_a), pb(b.data(), at_b);
  const std::string_view sa(a.data() + at_a + 3, a.size() - at_a - 3),
      sb(b.data() + at_b + 3, b.size() - at_b - 3);
  const auto [short_p, long_p] = pa.size() <= pb.size() ? std::pair(pa, pb) : std::pair(pb, pa);
  const auto [short_s, long_s] = sa.size() <= sb.size() ? std::pair(sa, sb) : std::pair(sb, sa);
  return long_p.substr(0, short_p.size()) == short_p && all_digits(long_p.substr(short_p.size())) &&
         long_s.substr(long_s.size() - short_s.size()) == short_s &&
         all_digits(long_s.substr(0, long_s.size() - short_s.size()));
}

}  // namespace

std::vector<Job> shard_jobs(const Manifest& m, const json& defaults, const std::string& out_dir,
                            const ShardSelection& shard) {
  const auto [first, last] = shard_rows(shard, m.rows.size());
  // Every row up to the shard's end is parsed, so that collisions with rows of earlier shards
  // are seen (the parse is cheap: nothing is opened).
  std::vector<std::optional<BatchRow>> rows(last);
  std::vector<std::string> errors(last);
  for (std::size_t i = 0; i < last; ++i) {
    try {
      rows[i] = figure_for_row(m.rows[i], defaults, out_dir);
    } catch (const Error& e) {
      errors[i] = e.what();
    }
  }
  std::map<std::string, std::size_t> owner;  // exact file -> line
  std::vector<std::pair<std::string, std::size_t>> patterns;
  std::vector<std::optional<std::string>> collision(last);
  for (std::size_t i = 0; i < last; ++i) {
    if (!rows[i]) continue;
    const OwnedFiles files = owned_files(rows[i]->spec);
    const std::size_t line = m.rows[i].line;
    std::optional<std::string> clash;
    for (const std::string& f : files.exact) {
      if (auto it = owner.find(f); it != owner.end() && !clash)
        clash = f + " is taken by line " + std::to_string(it->second);
      for (const auto& [p, l] : patterns)
        if (!clash && fits_slice_pattern(f, p))
          clash = f + " is taken by line " + std::to_string(l);
    }
    for (const std::string& p : files.patterns) {
      for (const auto& [f, l] : owner)
        if (!clash && fits_slice_pattern(f, p))
          clash = f + " is taken by line " + std::to_string(l);
      for (const auto& [other, l] : patterns)
        if (!clash && slice_patterns_overlap(p, other))
          clash = p + " names files of " + other + ", taken by line " + std::to_string(l);
    }
    if (clash) {
      collision[i] = "the figure's files collide with an earlier row's: " + *clash;
      continue;  // it owns nothing: the earlier row keeps its files
    }
    for (const std::string& f : files.exact) owner.emplace(f, line);
    for (const std::string& p : files.patterns) patterns.emplace_back(p, line);
  }
  std::vector<Job> jobs;
  for (std::size_t i = first; i < last; ++i) {
    Job job;
    job.line = m.rows[i].line;
    if (rows[i]) {
      job.name = rows[i]->name;
      if (collision[i])
        job.error = m.name + ":" + std::to_string(job.line) + ": " + *collision[i];
      else
        job.row = std::move(rows[i]);
    } else {
      try {
        if (m.rows[i].error.empty()) job.name = row_name(m.rows[i].values);
      } catch (const Error&) {
      }
      job.error = m.name + ":" + std::to_string(job.line) + ": " + errors[i];
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::size_t remove_abandoned_files(const std::string& out_dir, const std::vector<Job>& jobs) {
  std::set<std::string> exact;
  std::vector<std::string> patterns;
  for (const Job& job : jobs)
    if (job.row) {
      const OwnedFiles files = owned_files(job.row->spec);
      exact.insert(files.exact.begin(), files.exact.end());
      patterns.insert(patterns.end(), files.patterns.begin(), files.patterns.end());
    }
  std::size_t removed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
           out_dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto target = atomic_file_target(it->path().filename().string());
    if (!target) continue;
    const std::string final_path = (it->path().parent_path() / *target).string();
    bool owned = exact.count(final_path) > 0;
    for (std::size_t p = 0; !owned && p < patterns.size(); ++p)
      owned = fits_slice_pattern(final_path, patterns[p]);
    if (owned && fs::remove(it->path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace imagery::cli
