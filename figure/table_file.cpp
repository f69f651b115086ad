#include "imagery/figure/table_file.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "imagery/core/error.h"

namespace imagery::figure {

namespace {

using nlohmann::json;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string trim_blanks(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && (is_blank(s[e - 1]) || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Reads the source text line by line (LF or CRLF), tracking the 1-based line number.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
  }
  bool done() const { return pos_ >= text_.size(); }
  std::size_t line() const { return line_; }
  std::size_t pos() const { return pos_; }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  // The rest of the current line (without its end), and moves past the end.
  std::string_view take_line() {
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view s = text_.substr(pos_, end - pos_);
    pos_ = end;
    if (pos_ < text_.size()) advance();
    return s;
  }
  // True when the current line is blank or a comment (the cursor must be at a line start).
  bool at_skippable_line() const {
    std::size_t p = pos_;
    while (p < text_.size() && (is_blank(text_[p]) || text_[p] == '\r')) ++p;
    return p >= text_.size() || text_[p] == '\n' || text_[p] == '#';
  }
  void rewind_to_line_after(std::size_t pos, std::size_t line) {
    pos_ = pos;
    line_ = line;
    take_line();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> cells;
  std::string error;
};

// One CSV record (which quoted cells may spread over several lines). An unterminated quote
// makes the record an error and parsing resumes on the line after the one it started on.
CsvRecord read_csv_record(Cursor& in) {
  CsvRecord r;
  r.line = in.line();
  const std::size_t start_pos = in.pos();
  std::string cell;
  bool quoted = false, in_quotes = false, after_quote = false;
  auto finish_cell = [&] {
    r.cells.push_back(quoted ? cell : trim_blanks(cell));
    cell.clear();
    quoted = after_quote = false;
  };
  while (!in.done()) {
    const char c = in.peek();
    if (in_quotes) {
      if (c == '"' && in.peek(1) == '"') {
        cell += '"';
        in.advance();
      } else if (c == '"') {
        in_quotes = false;
        after_quote = true;
      } else {
        cell += c;
      }
      in.advance();
      continue;
    }
    if (c == ',') {
      finish_cell();
      in.advance();
    } else if (c == '\n' || (c == '\r' && in.peek(1) == '\n')) {
      if (c == '\r') in.advance();
      in.advance();
      finish_cell();
      return r;
    } else if (c == '"' && !quoted && trim_blanks(cell).empty()) {
      cell.clear();
      quoted = in_quotes = true;
      in.advance();
    } else {
      if (after_quote && !is_blank(c) && c != '\r' && r.error.empty())
        r.error = "text after a closing quote in cell " + std::to_string(r.cells.size() + 1);
      if (!after_quote) cell += c;
      in.advance();
    }
  }
  if (in_quotes) {
    r.cells.clear();
    r.error = "a quote opened on this line is never closed";
    in.rewind_to_line_after(start_pos, r.line);
    return r;
  }
  finish_cell();
  return r;
}

Table parse_csv(std::string_view text, Table m) {
  Cursor in(text);
  while (!in.done() && in.at_skippable_line()) in.take_line();
  if (in.done()) fail(ErrorCode::kInvalidArgument, m.noun + " " + m.name + ": no header row");
  CsvRecord header = read_csv_record(in);
  if (!header.error.empty())
    fail(ErrorCode::kInvalidArgument,
         m.noun + " " + m.name + ": line " + std::to_string(header.line) + ": " + header.error);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string& column = header.cells[i];
    if (column.empty())
      fail(ErrorCode::kInvalidArgument,
           m.noun + " " + m.name + ": header column " + std::to_string(i + 1) + " has no name");
    if (!seen.insert(column).second)
      fail(ErrorCode::kInvalidArgument,
           m.noun + " " + m.name + ": header column '" + column + "' appears twice");
  }
  m.columns = header.cells;
  while (!in.done()) {
    if (in.at_skippable_line()) {
      in.take_line();
      continue;
    }
    CsvRecord record = read_csv_record(in);
    TableRow row;
    row.line = record.line;
    row.values = json::object();
    if (record.error.empty() && record.cells.size() != m.columns.size())
      record.error = std::to_string(record.cells.size()) + " cells where the header has " +
                     std::to_string(m.columns.size()) + " columns";
    if (!record.error.empty()) {
      row.error = record.error;
    } else {
      for (std::size_t i = 0; i < m.columns.size(); ++i)
        if (!record.cells[i].empty()) row.values[m.columns[i]] = record.cells[i];
    }
    m.rows.push_back(std::move(row));
  }
  return m;
}

Table parse_json_lines(std::string_view text, Table m) {
  Cursor in(text);
  while (!in.done()) {
    const std::size_t line = in.line();
    const std::string content = trim_blanks(in.take_line());
    if (content.empty() || content[0] == '#') continue;
    if (content[0] == '[' && m.rows.empty())
      fail(ErrorCode::kInvalidArgument,
           m.noun + " " + m.name + ": line " + std::to_string(line) +
               " starts a JSON array; write one JSON object per line (JSON Lines)");
    TableRow row;
    row.line = line;
    try {
      row.values = json::parse(content);
      if (!row.values.is_object()) {
        row.error = std::string("expected a JSON object, got ") + row.values.type_name();
        row.values = json::object();
      }
    } catch (const json::exception& e) {
      row.values = json::object();
      const std::string what = e.what();
      // nlohmann's messages start with "[json.exception.parse_error.101] parse error at ...".
      const std::size_t cut = what.find("] ");
      row.error = "not JSON: " + (cut == std::string::npos ? what : what.substr(cut + 2));
    }
    m.rows.push_back(std::move(row));
  }
  return m;
}

Table::Format detect_format(std::string_view text, const std::string& name) {
  if (ends_with(name, ".csv") || ends_with(name, ".CSV")) return Table::Format::kCsv;
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson") || ends_with(name, ".json"))
    return Table::Format::kJsonLines;
  Cursor in(text);
  while (!in.done() && in.at_skippable_line()) in.take_line();
  while (!in.done() && is_blank(in.peek())) in.advance();
  return in.peek() == '{' || in.peek() == '[' ? Table::Format::kJsonLines
                                              : Table::Format::kCsv;
}

}  // namespace

Table parse_table(std::string_view text, const std::string& name, const std::string& noun) {
  Table m;
  m.name = name;
  m.noun = noun;
  m.format = detect_format(text, name);
  return m.format == Table::Format::kCsv ? parse_csv(text, std::move(m))
                                            : parse_json_lines(text, std::move(m));
}

Table read_table(const std::string& path, const std::string& noun) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
    return parse_table(text, "(standard input)", noun);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    fail(ErrorCode::kInvalidArgument, noun + " " + path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kNotFound, noun + " " + path + ": cannot read the file");
  text.assign(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) fail(ErrorCode::kIoError, noun + " " + path + ": read error");
  return parse_table(text, path, noun);
}

}  // namespace imagery::figure
