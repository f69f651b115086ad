// `imagery info SOURCE [--json]`: what a volume holds, mip by mip.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "imagery/cli/commands.h"
#include "imagery/precomputed/info.h"
#include "imagery/precomputed/volume.h"

namespace imagery::cli {

namespace {

struct InfoArgs {
  std::string source;
  bool json = false;
};

std::string xyz(const Vec3& v) {
  return std::to_string(v.x) + " x " + std::to_string(v.y) + " x " + std::to_string(v.z);
}

std::string sharding_summary(const precomputed::Scale& s) {
  if (!s.sharding) return "no";
  const auto& sh = *s.sharding;
  return std::string("yes (") +
         (sh.hash == precomputed::ShardHash::kIdentity ? "identity" : "murmurhash3") +
         ", preshift " + std::to_string(sh.preshift_bits) + ", minishard " +
         std::to_string(sh.minishard_bits) + ", shard " + std::to_string(sh.shard_bits) +
         " bits, index " +
         (sh.minishard_index_encoding == precomputed::ShardEncoding::kGzip ? "gzip" : "raw") +
         ", data " + (sh.data_encoding == precomputed::ShardEncoding::kGzip ? "gzip" : "raw") + ")";
}

void print_table(const precomputed::Volume& volume) {
  const auto& info = volume.info();
  std::ostringstream out;
  out << "source:      " << volume.source() << "\n"
      << "type:        " << info.type << "\n"
      << "data type:   " << dtype_name(info.data_type) << "\n"
      << "channels:    " << info.num_channels << "\n"
      << "default mip: " << info.default_mip() << "\n";
  std::vector<std::vector<std::string>> rows{{"mip", "key", "resolution (nm)", "size",
                                              "voxel offset", "chunk size", "encoding", "sharded"}};
  for (std::size_t i = 0; i < info.scales.size(); ++i) {
    const auto& s = info.scales[i];
    std::string encoding(precomputed::encoding_name(s.encoding));
    if (s.encoding == precomputed::Encoding::kCompressedSegmentation)
      encoding += " (block " + xyz(s.compressed_segmentation_block_size) + ")";
    if (!precomputed::encoding_is_supported(s.encoding)) encoding += " (unsupported)";
    std::string chunk = xyz(s.chunk_size());
    for (std::size_t c = 1; c < s.chunk_sizes.size(); ++c) chunk += ", " + xyz(s.chunk_sizes[c]);
    std::string key = s.key;
    if (s.is_placeholder()) key += " (placeholder)";
    if (s.hidden) key += " (hidden)";
    std::string res = s.resolution.to_string();
    res = res.substr(1, res.size() - 2);
    std::string off = s.voxel_offset.to_string();
    off = off.substr(1, off.size() - 2);
    rows.push_back(
        {std::to_string(i), key, res, xyz(s.size), off, chunk, encoding, sharding_summary(s)});
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
  cmd->add_flag("--json", args->json, "Print the validated info as JSON");
  return [args, &global] {
    PhaseTimer timer(global);
    timer.start("read");
    auto volume = precomputed::Volume::open(args->source, open_options(global));
    timer.stop();
    if (args->json)
      std::cout << precomputed::info_to_json(volume.info()) << "\n";
    else
      print_table(volume);
    return 0;
  };
}

}  // namespace imagery::cli
