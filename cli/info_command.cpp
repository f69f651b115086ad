// `imagery info SOURCE [--json]`: what a volume holds, mip by mip, for any driver.
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/rendering/volume_summary.h"
#include "imagery/volume/open_volume.h"

namespace imagery::cli {

namespace {

struct InfoArgs {
  std::string source;
  bool json = false;
};

std::string xyz(const Vec3& v) {
  return std::to_string(v.x) + " x " + std::to_string(v.y) + " x " + std::to_string(v.z);
}

std::string bare(const std::string& bracketed) {
  return bracketed.size() >= 2 ? bracketed.substr(1, bracketed.size() - 2) : bracketed;
}

void print_table(const volume::Volume& volume) {
  const volume::Metadata& m = volume.metadata();
  std::ostringstream out;
  out << "source:      " << m.url << "\n"
      << "format:      " << m.driver << "\n"
      << "type:        " << (m.is_segmentation() ? "segmentation" : "image") << "\n"
      << "data type:   " << dtype_name(m.dtype) << "\n"
      << "channels:    " << m.channels << "\n"
      << "default mip: " << m.default_mip << "\n";
  // The driver's own record (graphene: its chunkedgraph, table, server version, data_dir).
  for (const auto& [key, value] : m.provenance) {
    std::string label = key + ":";
    std::replace(label.begin(), label.end(), '_', ' ');
    out << label << std::string(label.size() < 13 ? 13 - label.size() : 1, ' ')
        << (value.empty() ? "(not given)" : value) << "\n";
  }
  // What the format adds (OME-Zarr: axes, units, channels, label groups).
  for (const auto& [key, value] : m.details) {
    const std::string label = key + ":";
    out << label << std::string(label.size() < 13 ? 13 - label.size() : 1, ' ') << value << "\n";
  }
  std::vector<std::vector<std::string>> rows{{"mip", "key", "resolution (nm)", "size",
                                              "voxel offset", "chunk size", "encoding", "sharded"}};
  for (std::size_t i = 0; i < m.scales.size(); ++i) {
    const volume::ScaleInfo& s = m.scales[i];
    std::string encoding = s.encoding;
    if (!s.encoding_detail.empty()) encoding += " (" + s.encoding_detail + ")";
    if (!s.readable) encoding += " (unsupported)";
    std::string key = s.key;
    if (!s.note.empty()) key += " (" + s.note + ")";
    rows.push_back({std::to_string(i), key, bare(s.resolution.to_string()), xyz(s.bounds.size()),
                    bare(s.bounds.min.to_string()), xyz(s.chunk_size), encoding,
                    s.sharding.empty() ? "no" : "yes (" + s.sharding + ")"});
  }
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) widths[c] = std::max(widths[c], r[c].size());
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      line += r[c];
      if (c + 1 < r.size()) line += std::string(widths[c] - r[c].size() + 2, ' ');
    }
    out << line << "\n";
  }
  std::cout << out.str();
}

}  // namespace

CommandRunner add_info_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<InfoArgs>();
  auto* cmd =
      app.add_subcommand("info", "Show a volume's type, data type, channels and mip levels");
  cmd->add_option("source", args->source, "Volume: path, file://, http(s)://, gs://, s3://")
      ->required();
  cmd->add_flag("--json", args->json,
                "Print the format's validated metadata as JSON, with a \"summary\" (size_x/y/z/c, "
                "dtype, pixel sizes in µm, channels, levels)");
  return [args, &global] {
    auto context = make_context(global);
    grant_token(*context, global, args->source);
    PhaseTimer timer(global);
    timer.start("read");
    auto volume = volume::open_volume(args->source, *context);
    timer.stop();
    if (args->json) {
      // The format's own document with a summary in the field's usual words added.
      nlohmann::ordered_json doc = nlohmann::ordered_json::parse(volume->native_metadata_json());
      if (doc.is_object()) {
        doc["summary"] = rendering::volume_summary(volume->metadata());
        std::cout << doc.dump(2) << "\n";
      } else {
        std::cout << volume->native_metadata_json() << "\n";
      }
    } else
      print_table(*volume);
    return 0;
  };
}

}  // namespace imagery::cli
