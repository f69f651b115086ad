// A batch manifest: rows of figure options, one per figure, read as a table of records from CSV
// or JSON Lines (figure/table_file.h has the format and its rules).
#pragma once

#include <string>
#include <string_view>

#include "imagery/figure/table_file.h"

namespace imagery::cli {

using ManifestRow = figure::TableRow;
using Manifest = figure::Table;

inline Manifest parse_manifest(std::string_view text, const std::string& name) {
  return figure::parse_table(text, name, "manifest");
}

// Reads and parses a manifest file ("-": standard input). Throws kNotFound when it cannot be read.
inline Manifest read_manifest(const std::string& path) {
  return figure::read_table(path, "manifest");
}

}  // namespace imagery::cli
