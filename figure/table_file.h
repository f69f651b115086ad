// Tables of records from CSV (a header row of column names, RFC 4180 quoting) or JSON Lines (one
// object per line), as batch manifests and annotation files (--points, --lines, --boxes) are
// written. Every row keeps the line it starts on; a row that cannot be read carries its error
// instead of values, so one bad line never stops the others. Blank lines and lines starting with
// '#' are skipped in both forms.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace imagery::figure {

struct TableRow {
  std::size_t line = 0;   // 1-based line where the row starts
  nlohmann::json values;  // an object: key -> value (CSV cells are strings; empty cells absent)
  std::string error;      // non-empty: the row is malformed and `values` is empty
};

struct Table {
  enum class Format { kCsv, kJsonLines };
  std::string name;            // the file, for messages
  std::string noun = "table";  // what the file is, for messages ("manifest", "points file")
  Format format = Format::kCsv;
  std::vector<std::string> columns;  // CSV header (empty for JSON Lines)
  std::vector<TableRow> rows;
};

// Parses `text`. The format comes from the extension of `name` (.csv, .jsonl, .ndjson, .json),
// else from the first character that is not blank or a comment ('{' means JSON Lines). Throws
// kInvalidArgument naming the `noun` and `name` only when the file as a whole is unusable (no
// header, a header with empty or repeated columns, a JSON Lines file that is one JSON array).
Table parse_table(std::string_view text, const std::string& name, const std::string& noun);

// Reads and parses a file ("-": standard input). Throws kNotFound when it cannot be read.
Table read_table(const std::string& path, const std::string& noun);

}  // namespace imagery::figure
