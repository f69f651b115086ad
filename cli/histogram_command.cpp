// `imagery histogram SOURCE REGION [--mip M] [--bins N] [--range MIN,MAX|round] [--json]`: per
// channel the counts, min, max and bin edges over a region (numpy.histogram's rule), to choose
// a window; as JSON, or as a table with a small text bar chart.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "imagery/cli/arguments.h"
#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/cli/progress_bar.h"
#include "imagery/cli/render_options.h"
#include "imagery/core/error.h"
#include "imagery/rendering/histogram.h"
#include "imagery/rendering/histogram_json.h"
#include "imagery/volume/open_volume.h"

namespace imagery::cli {

namespace {

struct HistogramArgs {
  RenderArgs render;
  int bins = 256;
  std::string range;
  bool json = false;
  std::int64_t time_point = 0;
};

std::string number(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// At most 16 rows: neighbouring bins summed, the bar scaled to the largest row.
void print_table(const std::vector<rendering::ChannelHistogram>& hs, const std::string& source,
                 const Bbox& box, int mip) {
  std::ostringstream out;
  out << "source:  " << source << "\nregion:  " << box.to_string() << " at mip " << mip << "\n";
  for (const rendering::ChannelHistogram& h : hs) {
    const std::size_t bins = h.counts.size();
    out << "\nchannel " << h.channel << ": min " << number(h.min) << ", max " << number(h.max)
        << ", " << h.total() << " values in " << bins << " bins\n";
    const std::size_t per_row = (bins + 15) / 16;
    std::vector<std::pair<std::string, std::uint64_t>> rows;
    for (std::size_t b = 0; b < bins; b += per_row) {
      const std::size_t e = std::min(bins, b + per_row);
      std::uint64_t sum = 0;
      for (std::size_t k = b; k < e; ++k) sum += h.counts[k];
      const bool last = e == bins;
      rows.emplace_back("[" + number(h.edges[b]) + ", " + number(h.edges[e]) + (last ? "]" : ")"),
                        sum);
    }
    std::size_t label_width = 0;
    std::uint64_t most = 1;
    for (const auto& [label, count] : rows) {
      label_width = std::max(label_width, label.size());
      most = std::max(most, count);
    }
    for (const auto& [label, count] : rows) {
      const auto bar = static_cast<std::size_t>(
          std::llround(40.0 * static_cast<double>(count) / static_cast<double>(most)));
      char count_text[32];
      std::snprintf(count_text, sizeof count_text, "%12llu",
                    static_cast<unsigned long long>(count));
      out << "  " << label << std::string(label_width - label.size() + 1, ' ') << count_text << "  "
          << std::string(bar, '#') << "\n";
    }
  }
  std::cout << out.str();
}

}  // namespace

CommandRunner add_histogram_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<HistogramArgs>();
  auto* cmd = app.add_subcommand(
      "histogram",
      "Per-channel histograms of a region (numpy.histogram's bins), to choose a window");
  cmd->add_option("source", a->render.source,
                  "Volume: path, file://, http(s)://, gs://, s3://, "
                  "zarr://")
      ->required();
  add_region_options(cmd, a->render);
  cmd->add_option("--mip", a->render.mip, "M: the mip to count at (default: the default mip)");
  cmd->add_option("--bins", a->bins, "N equal bins (default 256)");
  cmd->add_option("--range", a->range,
                  "MIN,MAX, or round (integer data: integer-wide bins from the minimum); default "
                  "the data's min and max");
  cmd->add_option("--t", a->time_point, "T: the time point (OME-Zarr's t; default 0)");
  cmd->add_flag("--json", a->json,
                "Print {\"bins\": N, \"channels\": [{\"channel\", \"min\", \"max\", \"edges\", "
                "\"counts\"}]}");
  return [a, &global] {
    rendering::HistogramOptions options;
    options.bins = a->bins;
    if (a->bins < 1) fail(ErrorCode::kInvalidArgument, "--bins: must be at least 1");
    if (a->range == "round") {
      options.range = rendering::HistogramOptions::Range::kRound;
    } else if (!a->range.empty()) {
      const std::vector<double> r = parse_numbers(a->range, 2, "--range");
      if (!(r[0] < r[1]))
        fail(ErrorCode::kInvalidArgument, "--range: MIN must be below MAX, got '" + a->range + "'");
      options.range = rendering::HistogramOptions::Range::kGiven;
      options.min = r[0];
      options.max = r[1];
    }
    const rendering::RegionRequest region = region_of(a->render);
    const rendering::LevelRequest level = level_of(a->render);
    auto context = make_context(global);
    grant_token(*context, global, a->render.source);
    PhaseTimer timer(global);
    timer.start("open");
    auto volume = volume::open_volume(a->render.source, *context);
    const volume::Metadata& m = volume->metadata();
    // No region: the whole volume (at the mip asked, within the memory budget).
    const Bbox box = region.kind == rendering::RegionRequest::Kind::kNone
                         ? m.scale(0).bounds
                         : rendering::region_voxels(region, m);
    const rendering::LevelChoice choice =
        with_flag("--mip", [&] { return rendering::choose_level(m, box, level); });
    ProgressBar progress("chunks", global.quiet || a->json);
    volume::ReadOptions read;
    read.fill_missing = true;
    read.bounded = false;
    read.time_point = a->time_point;
    read.max_output_bytes = global.max_memory_bytes();
    read.on_progress = [&progress](std::size_t done, std::size_t total, std::uint64_t bytes) {
      progress.update(done, total, bytes);
    };
    timer.start("read");
    const Array data = volume->read(choice.read_box, choice.mip, read);
    progress.finish();
    timer.start("count");
    const std::vector<rendering::ChannelHistogram> hs = rendering::histogram(data, options);
    timer.stop();
    if (a->json) {
      std::cout << rendering::histogram_json(hs, a->bins, volume->url(), choice.mip,
                                             choice.read_box)
                       .dump()
                << "\n";
    } else {
      print_table(hs, volume->url(), choice.read_box, choice.mip);
    }
    return 0;
  };
}

}  // namespace imagery::cli
