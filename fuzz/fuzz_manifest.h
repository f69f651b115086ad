// fuzz_manifest: batch manifests, CSV or JSON Lines by the first byte, then every row turned into
// figure arguments over a small defaults object, as `imagery batch` does before rendering.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/cli/batch_row.h"
#include "imagery/cli/manifest.h"
#include "imagery/core/error.h"

namespace imagery::fuzz {

inline void fuzz_manifest(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string name = data[0] % 2 ? "fuzz.csv" : "fuzz.jsonl";
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  static const nlohmann::json defaults = {{"image", "/em"}, {"seg", "/seg"}, {"size", "64,64"}};
  try {
    const cli::Manifest m = cli::parse_manifest(text, name);
    if (m.format == cli::Manifest::Format::kCsv) cli::unknown_columns(m.columns);
    for (const auto& row : m.rows) {
      try {
        cli::figure_for_row(row, defaults, "/out");
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
