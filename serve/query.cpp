#include "imagery/serve/query.h"

#include <charconv>
#include <cmath>

#include "imagery/cave/timestamp.h"
#include "imagery/serve/http_error.h"

namespace imagery::serve {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& what, const std::string& text) {
  http_fail(400, "invalid_argument", key + ": expected " + what + ", got '" + text + "'");
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

double parse_number(const std::string& text, const std::string& key) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
    bad(key, "a number", text);
  return v;
}

bool parse_bool(const std::string& text, const std::string& key) {
  if (text == "true" || text == "1" || text == "yes" || text.empty()) return true;
  if (text == "false" || text == "0" || text == "no") return false;
  bad(key, "true or false", text);
}

// '%', '&' and '=' escaped, so that no value can pass for another key.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '&')
      out += "%26";
    else if (c == '=')
      out += "%3D";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::optional<std::string> param(const QueryParams& p, const std::string& key) {
  std::optional<std::string> out;
  auto [first, last] = p.equal_range(key);
  for (auto it = first; it != last; ++it) out = it->second;
  return out;
}

std::vector<std::string> params(const QueryParams& p, const std::string& key) {
  std::vector<std::string> out;
  auto [first, last] = p.equal_range(key);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

std::optional<std::int64_t> integer_param(const QueryParams& p, const std::string& key) {
  const auto text = param(p, key);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) bad(key, "an integer", *text);
  return v;
}

std::optional<double> number_param(const QueryParams& p, const std::string& key) {
  const auto text = param(p, key);
  if (!text) return std::nullopt;
  return parse_number(*text, key);
}

std::vector<double> number_list(const std::string& text, std::size_t count,
                                const std::string& key) {
  const std::vector<std::string> parts = split_commas(text);
  if (count > 0 && parts.size() != count)
    bad(key, std::to_string(count) + " comma-separated numbers", text);
  std::vector<double> out;
  for (const std::string& part : parts) out.push_back(parse_number(part, key));
  return out;
}

void check_known_params(const QueryParams& p, const std::set<std::string>& known) {
  for (const auto& [key, value] : p)
    if (!key.empty() && key[0] != '_' && !known.count(key))
      http_fail(400, "invalid_argument", "unknown query parameter '" + key + "'");
}

rendering::RenderParameters render_parameters_of(const QueryParams& p) {
  rendering::RenderParameters r;
  r.channels = params(p, "channel");
  r.layers = params(p, "layer");
  r.model = param(p, "model").value_or("");
  r.window = param(p, "window").value_or("");
  r.projection = param(p, "projection").value_or("");
  return r;
}

std::optional<std::pair<std::int64_t, std::int64_t>> z_range_of(const QueryParams& p) {
  const auto text = param(p, "z_range");
  if (!text) return std::nullopt;
  const std::vector<double> z = number_list(*text, 2, "z_range");
  if (z[0] != std::floor(z[0]) || z[1] != std::floor(z[1]) || !(z[1] > z[0]))
    bad("z_range", "Z0,Z1 integers with Z1 > Z0 (half-open)", *text);
  return std::pair{static_cast<std::int64_t>(z[0]), static_cast<std::int64_t>(z[1])};
}

OverlayOptions overlay_options_of(const QueryParams& p) {
  OverlayOptions o;
  o.style.composite.alpha = 0.5;
  if (const auto a = number_param(p, "alpha")) {
    if (*a < 0 || *a > 1) bad("alpha", "a number from 0 to 1", std::to_string(*a));
    o.style.composite.alpha = *a;
  }
  if (const auto text = param(p, "outline"))
    o.style.composite.outline = parse_bool(*text, "outline");
  // The figure's outline keys, with the FigureSpec's names and meanings: no_merge_outline draws
  // every object's own band (so touching objects are outlined where they meet each other, not
  // only where they meet id 0), no_overlap lets the first object win where bands meet.
  if (const auto text = param(p, "side")) {
    const auto side = overlay::parse_side(*text);
    if (!side) bad("side", "out or in", *text);
    o.style.composite.side = *side;
  }
  if (const auto text = param(p, "no_merge_outline"))
    o.style.composite.merge_outline = !parse_bool(*text, "no_merge_outline");
  if (const auto text = param(p, "no_overlap"))
    o.style.composite.overlap = !parse_bool(*text, "no_overlap");
  if (const auto w = integer_param(p, "width")) {
    if (*w < 1 || *w > 64) bad("width", "1-64 pixels", std::to_string(*w));
    o.style.composite.width = static_cast<int>(*w);
  } else {
    o.style.composite.width = 2;  // a tile's outline is a line, not ImageryClient's 10-pixel band
  }
  if (const auto palette = param(p, "palette")) o.style.colors.palette = *palette;
  if (const auto ids = param(p, "root_ids"); ids && !ids->empty() && *ids != "all") {
    std::vector<std::uint64_t> list;
    for (const std::string& part : split_commas(*ids)) {
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
      if (ec != std::errc() || end != part.data() + part.size())
        bad("root_ids", "comma-separated segment ids", *ids);
      list.push_back(v);
    }
    o.style.root_ids = std::move(list);
  }
  if (const auto t = param(p, "timestamp")) {
    try {
      o.timestamp = cave::parse_timestamp(*t, "timestamp");
    } catch (const Error& e) {
      http_fail(400, "invalid_argument", e.what());
    }
  }
  return o;
}

std::string canonical_query(const QueryParams& p) {
  // std::multimap keeps repeated keys in insertion order, which matters for channel/layer.
  std::string out;
  for (const auto& [key, value] : p) {
    if (!key.empty() && key[0] == '_') continue;
    if (!out.empty()) out += '&';
    out += escape(key) + "=" + escape(value);
  }
  return out;
}

const std::set<std::string>& render_keys() {
  static const std::set<std::string> keys = {"window",     "channel", "model",
                                             "projection", "z_range", "layer"};
  return keys;
}

const std::set<std::string>& overlay_keys() {
  static const std::set<std::string> keys = {"alpha",      "outline", "side",    "no_merge_outline",
                                             "no_overlap", "width",   "palette", "root_ids",
                                             "timestamp"};
  return keys;
}

}  // namespace imagery::serve
