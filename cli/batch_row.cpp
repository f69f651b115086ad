#include "imagery/cli/batch_row.h"

#include <filesystem>

#include "imagery/cli/arguments.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/writer.h"

namespace imagery::cli {

namespace {

using nlohmann::json;

bool is_private(const std::string& key) {
  return !key.empty() && key[0] == '_';
}

// Keys of the batch itself, not of the figure.
bool is_batch_key(const std::string& canonical) {
  return canonical == "name";
}

// `values` with private columns gone and keys spelt the schema's way.
json canonical(const json& values) {
  json out = json::object();
  for (auto it = values.begin(); it != values.end(); ++it)
    if (!is_private(it.key())) out[figure::canonical_key(it.key())] = it.value();
  return out;
}

// A name (or a row's output) relative to the output folder, checked to stay inside it.
std::string checked_name(std::string name, const std::string& key) {
  const auto bad = [&](const std::string& why) {
    fail(ErrorCode::kInvalidArgument, key_name(key) + " " + name + ": " + why);
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

// A sidecar used as --defaults records save_arrays as the prefix its figure used; in a batch
// the arrays go beside each row's figure, so any prefix means "yes".
void arrays_beside(json& defaults) {
  auto it = defaults.find("save_arrays");
  if (it == defaults.end() || !it->is_string()) return;
  const std::string t = trim(it->get<std::string>());
  if (!t.empty() && t != "true" && t != "false" && t != "yes" && t != "no") *it = true;
}

}  // namespace

std::string key_name(std::string_view key) {
  return "'" + std::string(key) + "'";
}

void check_batch_defaults(const json& defaults, const std::string& file) {
  const std::string where = "--defaults " + file;
  if (!defaults.is_object())
    fail(ErrorCode::kInvalidArgument, where + ": expected one JSON object of figure options");
  if (defaults.contains("name"))
    fail(ErrorCode::kInvalidArgument, where + ": 'name' belongs in the manifest rows");
  figure::FigureSpec spec;
  json values = canonical(figure::upgrade_legacy_sidecar(defaults, {key_name, where}));
  values.erase("output");  // a sidecar's; each row places its own
  if (auto it = values.find("window");
      it != values.end() && it->is_string() && trim(it->get<std::string>()) == "shared")
    values.erase(it);  // the batch's own: one window for the rows of a source
  arrays_beside(values);
  figure::apply_figure_json(values, spec, {key_name, where, /*partial=*/true});
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
  return checked_name(name, "name");
}

std::vector<std::string> unknown_columns(const std::vector<std::string>& columns) {
  std::vector<std::string> unknown;
  for (const std::string& c : columns) {
    const std::string k = figure::canonical_key(c);
    if (is_private(c) || is_batch_key(k)) continue;
    if (!figure::is_figure_key(k) || k == "format" || k == "rendered") unknown.push_back(c);
  }
  return unknown;
}

BatchRow figure_for_row(const ManifestRow& row, const json& defaults, const std::string& out_dir) {
  if (!row.error.empty()) fail(ErrorCode::kInvalidArgument, row.error);
  const json row_values = canonical(row.values);
  BatchRow out;
  out.line = row.line;
  // The row overrides the defaults key by key (a 0.1 sidecar's are upgraded first: upgrading
  // the merged document would drop every key of the row that 0.1 did not have); a row's region
  // keys displace the defaults' keys of another kind of region (bounds against a centre and a
  // size), so that a sidecar can be the defaults of rows that each give their own centre or box.
  json merged = canonical(figure::upgrade_legacy_sidecar(defaults, {key_name, ""}));
  arrays_beside(merged);
  merged.erase("output");
  auto row_has = [&](const char* key) {
    return row_values.contains(key) && !row_values[key].is_null();
  };
  // The region keys of the defaults that a row's own region keys displace.
  if (row_has("bounds"))
    for (const char* key : {"center", "size", "image_size"}) merged.erase(key);
  if (row_has("center")) merged.erase("bounds");
  if (row_has("size") || row_has("image_size"))
    for (const char* key : {"bounds", "size", "image_size"})
      if (!row_has(key)) merged.erase(key);
  for (auto it = row_values.begin(); it != row_values.end(); ++it) merged[it.key()] = it.value();
  std::string relative;
  const bool has_output = row_values.contains("output") && !row_values["output"].is_null();
  if (row_values.contains("name") && has_output)
    fail(ErrorCode::kInvalidArgument, "'name' and 'output' both place the figure; give one");
  if (has_output) {
    if (!row_values["output"].is_string())
      fail(ErrorCode::kInvalidArgument, "'output': expected a string");
    relative = checked_name(trim(row_values["output"].get<std::string>()), "output");
    figure::writer_for(relative);  // a format imagery writes
    const std::string sidecar = figure::sidecar_path(relative);
    out.name = sidecar.substr(0, sidecar.size() - 5);
  } else {
    out.name = row_name(row_values);
    relative = out.name + ".png";
  }
  merged.erase("name");
  merged.erase("output");
  // Arrays go beside the figure, never to a path of the row's choosing.
  if (auto it = merged.find("save_arrays"); it != merged.end() && it->is_string()) {
    const std::string t = trim(it->get<std::string>());
    if (t != "true" && t != "false" && t != "yes" && t != "no" && !t.empty())
      fail(ErrorCode::kInvalidArgument,
           "'save_arrays': expected true or false (the arrays go beside the figure)");
  }
  if (auto it = merged.find("window");
      it != merged.end() && it->is_string() && trim(it->get<std::string>()) == "shared") {
    out.shared_window = true;
    merged.erase(it);
  }
  figure::apply_figure_json(merged, out.spec, {key_name, ""});
  out.spec.output.path = (std::filesystem::path(out_dir) / relative).string();
  figure::check_figure_spec(out.spec, key_name);
  return out;
}

}  // namespace imagery::cli
