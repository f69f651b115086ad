// fuzz_text: the small text parsers fed by users and by infos: source URLs, storage keys (the
// path policy), colours and palette names, CLI bounds, numbers and mips, and the escaping that
// keeps error messages on one line.
#pragma once

#include <cstdint>
#include <string>

#include "imagery/cli/arguments.h"
#include "imagery/core/error.h"
#include "imagery/io/internal/storage_key.h"
#include "imagery/palettes/palette.h"
#include "imagery/palettes/parse_color.h"
#include "imagery/precomputed/info.h"
#include "imagery/precomputed/source_url.h"
#include "imagery/volume/mip.h"

namespace imagery::fuzz {

inline void fuzz_text(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    precomputed::parse_source_url(text);
  } catch (const Error&) {
  }
  // A key the policy lets through has no '..' segment, leading '/', backslash or URL syntax.
  if (!io::key_escape_reason(text)) {
    if (text.empty() || text[0] == '/' || text.find('\\') != std::string::npos ||
        text.find("://") != std::string::npos || text.find('?') != std::string::npos ||
        text == ".." || text.rfind("../", 0) == 0 || text.find("/../") != std::string::npos ||
        (text.size() >= 3 && text.compare(text.size() - 3, 3, "/..") == 0))
      __builtin_trap();
  }
  try {
    io::check_storage_key(text, "fuzz/");
  } catch (const Error& e) {
    if (std::string(e.what()).find('\n') != std::string::npos) __builtin_trap();
  }
  if (one_line(text).find('\n') != std::string::npos) __builtin_trap();
  try {
    palettes::parse_color(text, "--color");
  } catch (const Error&) {
  }
  try {
    palettes::discrete_colors(text, 3);
  } catch (const Error&) {
  }
  try {
    cli::parse_bounds(text, "--bounds");
  } catch (const Error&) {
  }
  try {
    cli::parse_numbers(text, 3, "--resolution");
  } catch (const Error&) {
  }
  try {
    static const precomputed::VolumeInfo info = precomputed::parse_info(
        R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
        {"key": "a", "size": [8, 8, 8], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 8]],
         "encoding": "raw"},
        {"key": "b", "size": [4, 4, 8], "resolution": [8, 8, 40], "chunk_sizes": [[4, 4, 8]],
         "encoding": "raw"}]})",
        "fuzz");
    static const volume::Metadata metadata = [] {
      volume::Metadata m;
      m.url = "fuzz";
      for (const auto& s : info.scales) {
        volume::ScaleInfo scale;
        scale.key = s.key;
        scale.resolution = s.resolution;
        scale.bounds = s.bounds();
        scale.chunk_size = s.chunk_size();
        m.scales.push_back(scale);
      }
      return m;
    }();
    volume::select_mip(metadata, volume::MipSelector::parse(text));
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
