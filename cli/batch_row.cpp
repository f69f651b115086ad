#include "imagery/cli/batch_row.h"

#include <algorithm>
#include <filesystem>

#include "imagery/cli/arguments.h"
#include "imagery/core/error.h"

namespace imagery::cli {

namespace {

using nlohmann::json;

// imagery figure's options, bound to a fresh FigureArgs.
struct RowParser {
  CLI::App app{"imagery batch row", "row"};
  FigureArgs figure;
  RowParser() { add_figure_options(&app, figure); }
};

// "root_ids" -> "root-ids".
std::string option_key(const std::string& key) {
  std::string k = key;
  std::replace(k.begin(), k.end(), '_', '-');
  return k;
}

bool is_private(const std::string& key) {
  return !key.empty() && key[0] == '_';
}

bool is_batch_key(const std::string& k) {
  return k == "name" || k == "save-arrays";
}

void refuse_reserved(const std::string& k) {
  if (k == "output" || k == "o")
    fail(ErrorCode::kInvalidArgument, "'" + k + "': the output is DIR/NAME.png (use 'name')");
  if (k == "from")
    fail(ErrorCode::kInvalidArgument, "'from': sidecars cannot be rows; copy their fields");
}

std::string scalar_text(const json& v, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(ErrorCode::kInvalidArgument, "'" + key + "': not a finite number");
    return v.dump();
  }
  fail(ErrorCode::kInvalidArgument,
       "'" + key + "': expected a number, string or boolean, got " + v.type_name());
}

void flatten(const json& v, const std::string& key, std::vector<std::string>& out) {
  if (v.is_array())
    for (const json& item : v) flatten(item, key, out);
  else
    out.push_back(scalar_text(v, key));
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string s;
  for (const std::string& p : parts) {
    if (!s.empty()) s += sep;
    s += p;
  }
  return s;
}

// The command-line words ("--key=value") of one key.
void add_words(const CLI::App& app, const std::string& key, const json& value,
               std::vector<std::string>& words) {
  const std::string k = option_key(key);
  refuse_reserved(k);
  const CLI::Option* opt = app.get_option_no_throw("--" + k);
  if (!opt)
    fail(ErrorCode::kInvalidArgument,
         "'" + key + "' is not an option of imagery figure (prefix a column of your own with '_')");
  const std::string flag = "--" + k;
  // null, or an empty string (an empty CSV cell), drops the key: CLI11 would take "--key=" as a
  // key whose value is the next word.
  if (value.is_null() || (value.is_string() && trim(value.get<std::string>()).empty())) return;
  if (opt->get_expected_min() == 0) {  // a flag
    if (!value.is_boolean() && !value.is_string() && !value.is_number_integer())
      fail(ErrorCode::kInvalidArgument, "'" + key + "': expected true or false");
    words.push_back(flag + "=" + scalar_text(value, key));
    return;
  }
  if (value.is_boolean())
    fail(ErrorCode::kInvalidArgument, "'" + key + "': expected a value, got a boolean");
  if (k == "color") {  // repeatable ID=COLOR
    std::vector<std::string> items;
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it)
        items.push_back(it.key() + "=" + scalar_text(it.value(), key));
    } else if (value.is_array()) {
      for (const json& item : value) items.push_back(scalar_text(item, key));
    } else {
      for (const std::string& item : split(scalar_text(value, key), ';'))
        if (!trim(item).empty()) items.push_back(trim(item));
    }
    for (const std::string& item : items) words.push_back(flag + "=" + item);
    return;
  }
  if (value.is_object())
    fail(ErrorCode::kInvalidArgument, "'" + key + "': expected a value, got an object");
  std::vector<std::string> parts;
  flatten(value, key, parts);
  const std::string text = join(parts, k == "colors" ? ';' : ',');
  if (!text.empty()) words.push_back(flag + "=" + text);  // [] drops the key, as null does
}

// Applies every key of `values` except the batch's own; CLI11 checks types and choices.
void apply_values(RowParser& parser, const json& values) {
  std::vector<std::string> words;
  for (auto it = values.begin(); it != values.end(); ++it) {
    if (is_private(it.key()) || is_batch_key(option_key(it.key()))) continue;
    add_words(parser.app, it.key(), it.value(), words);
  }
  std::reverse(words.begin(), words.end());  // CLI11 takes a vector last word first
  try {
    parser.app.parse(words);
  } catch (const CLI::ParseError& e) {
    fail(ErrorCode::kInvalidArgument, e.what());
  }
}

bool truthy(const json& v, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>() != 0;
  if (v.is_string()) {
    const std::string s = trim(v.get<std::string>());
    if (s == "true" || s == "yes" || s == "1") return true;
    if (s == "false" || s == "no" || s == "0" || s.empty()) return false;
  }
  fail(ErrorCode::kInvalidArgument, "'" + key + "': expected true or false");
}

}  // namespace

void check_batch_defaults(const json& defaults, const std::string& file) {
  const std::string where = "--defaults " + file;
  if (!defaults.is_object())
    fail(ErrorCode::kInvalidArgument, where + ": expected one JSON object of figure options");
  if (defaults.contains("name"))
    fail(ErrorCode::kInvalidArgument, where + ": 'name' belongs in the manifest rows");
  try {
    RowParser parser;
    apply_values(parser, defaults);
    if (defaults.contains("save_arrays")) truthy(defaults["save_arrays"], "save_arrays");
    if (defaults.contains("save-arrays")) truthy(defaults["save-arrays"], "save-arrays");
  } catch (const Error& e) {
    fail(ErrorCode::kInvalidArgument, where + ": " + e.what());
  }
}

std::string row_name(const json& values) {
  auto it = values.find("name");
  if (it == values.end() || it->is_null())
    fail(ErrorCode::kInvalidArgument, "no 'name' (the output file name)");
  std::string name;
  if (it->is_string())
    name = trim(it->get<std::string>());
  else if (it->is_number_integer())
    name = it->dump();
  else
    fail(ErrorCode::kInvalidArgument, "'name': expected a string");
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".png") == 0)
    name.resize(name.size() - 4);
  const auto bad = [&](const std::string& why) {
    fail(ErrorCode::kInvalidArgument, "'name' " + name + ": " + why);
  };
  if (name.empty()) bad("is empty");
  if (name.find('\0') != std::string::npos || name.find('\\') != std::string::npos)
    bad("contains a NUL or a backslash");
  if (name.front() == '/') bad("is absolute; names are relative to --out-dir");
  for (const std::string& piece : split(name, '/'))
    if (piece.empty() || piece == "." || piece == "..")
      bad("has an empty, '.' or '..' folder; names stay inside --out-dir");
  return name;
}

std::vector<std::string> unknown_columns(const std::vector<std::string>& columns) {
  RowParser parser;
  std::vector<std::string> unknown;
  for (const std::string& c : columns) {
    const std::string k = option_key(c);
    if (is_private(c) || is_batch_key(k)) continue;
    if (k == "output" || k == "o" || k == "from" || !parser.app.get_option_no_throw("--" + k))
      unknown.push_back(c);
  }
  return unknown;
}

BatchRow figure_for_row(const ManifestRow& row, const json& defaults, const std::string& out_dir) {
  if (!row.error.empty()) fail(ErrorCode::kInvalidArgument, row.error);
  BatchRow out;
  out.line = row.line;
  out.name = row_name(row.values);
  // The row overrides the defaults key by key (after spelling both the same way).
  json merged = json::object();
  for (const json* source : {&defaults, &row.values})
    for (auto it = source->begin(); it != source->end(); ++it)
      if (!is_private(it.key())) merged[option_key(it.key())] = it.value();
  RowParser parser;
  apply_values(parser, merged);
  out.figure = std::move(parser.figure);
  const std::filesystem::path base = std::filesystem::path(out_dir) / out.name;
  out.figure.output = base.string() + ".png";
  if (auto it = merged.find("save-arrays"); it != merged.end() && truthy(*it, "save_arrays"))
    out.figure.save_arrays = base.string();
  plan_figure(out.figure);
  return out;
}

}  // namespace imagery::cli
