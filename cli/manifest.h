// A batch manifest: rows of figure options read from CSV (a header row of option names, RFC 4180
// quoting) or JSON Lines (one object per line). Every row keeps the line it starts on; a row that
// cannot be read carries its error instead of values, so one bad line never stops the others.
// Blank lines and lines starting with '#' are skipped in both forms.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace imagery::cli {

struct ManifestRow {
  std::size_t line = 0;   // 1-based line where the row starts
  nlohmann::json values;  // an object: key -> value (CSV cells are strings; empty cells absent)
  std::string error;      // non-empty: the row is malformed and `values` is empty
};

struct Manifest {
  enum class Format { kCsv, kJsonLines };
  std::string name;  // the file, for messages
  Format format = Format::kCsv;
  std::vector<std::string> columns;  // CSV header (empty for JSON Lines)
  std::vector<ManifestRow> rows;
};

// Parses `text`. The format comes from the extension of `name` (.csv, .jsonl, .ndjson, .json),
// else from the first character that is not blank or a comment ('{' means JSON Lines). Throws
// kInvalidArgument naming `name` only when the file as a whole is unusable (no header, a header
// with empty or repeated columns, a JSON Lines file that is one JSON array).
Manifest parse_manifest(std::string_view text, const std::string& name);

// Reads and parses a file ("-": standard input). Throws kNotFound when it cannot be read.
Manifest read_manifest(const std::string& path);

}  // namespace imagery::cli
