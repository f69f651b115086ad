#include "imagery/neuroglancer/annotation_json.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <regex>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"

namespace imagery::neuroglancer {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, where + ": " + what);
}

// Neuroglancer keeps annotation coordinates in Float32Arrays (src/annotation/index.ts
// restoreState of each type), so the renderer sees float32 values.
double f32(double v) {
  return static_cast<double>(static_cast<float>(v));
}

std::array<double, 3> parse_vector(const json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) bad(where, std::string("missing \"") + key + "\"");
  if (!it->is_array() || it->size() != 3)
    bad(where, std::string("\"") + key + "\" must be an array of 3 numbers (x, y, z)");
  std::array<double, 3> out{};
  for (std::size_t i = 0; i < 3; ++i) {
    const json& v = (*it)[i];
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      bad(where, std::string("\"") + key + "\" must be an array of 3 finite numbers");
    out[i] = f32(v.get<double>());
  }
  return out;
}

std::string strip_spaces(const std::string& text) {
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

// A property value as Neuroglancer stores it: rgb/rgba packed with red in the low byte
// (util/color.ts packColor), numbers as given.
double parse_property_value(const json& v, const AnnotationProperty& property,
                            const std::string& where) {
  if (property.type == "rgb" || property.type == "rgba") {
    if (!v.is_string()) bad(where, "property '" + property.id + "' must be a colour string");
    const auto color = parse_css_color(v.get<std::string>());
    if (!color) bad(where, "property '" + property.id + "' is not a colour: " + v.dump());
    std::uint32_t packed = static_cast<std::uint32_t>((*color)[0]) |
                           static_cast<std::uint32_t>((*color)[1]) << 8 |
                           static_cast<std::uint32_t>((*color)[2]) << 16;
    if (property.type == "rgba")
      packed |= static_cast<std::uint32_t>(std::lround((*color)[3] * 255)) << 24;
    return packed;
  }
  if (!v.is_number()) bad(where, "property '" + property.id + "' must be a number");
  return property.type == "float32" ? f32(v.get<double>()) : v.get<double>();
}

std::vector<AnnotationProperty> parse_properties(const json& layer, const std::string& where) {
  std::vector<AnnotationProperty> out;
  const auto it = layer.find("annotationProperties");
  if (it == layer.end() || it->is_null()) return out;
  if (!it->is_array()) bad(where, "\"annotationProperties\" must be an array");
  static const char* kTypes[] = {"rgb",   "rgba",   "uint8", "int8",   "uint16",
                                 "int16", "uint32", "int32", "float32"};
  for (const json& p : *it) {
    if (!p.is_object() || !p.contains("id") || !p["id"].is_string() || !p.contains("type") ||
        !p["type"].is_string())
      bad(where, "each annotationProperties entry needs string \"id\" and \"type\"");
    AnnotationProperty prop;
    prop.id = p["id"].get<std::string>();
    prop.type = p["type"].get<std::string>();
    bool known = false;
    for (const char* t : kTypes) known = known || prop.type == t;
    if (!known) bad(where, "annotation property '" + prop.id + "' has unknown type " + prop.type);
    if (p.contains("description") && p["description"].is_string())
      prop.description = p["description"].get<std::string>();
    for (const auto& q : out)
      if (q.id == prop.id) bad(where, "annotation property id '" + prop.id + "' is repeated");
    out.push_back(std::move(prop));
  }
  return out;
}

Annotation parse_annotation(const json& obj, const std::vector<AnnotationProperty>& properties,
                            const std::string& where) {
  if (!obj.is_object()) bad(where, "an annotation must be an object");
  Annotation a;
  const auto type_it = obj.find("type");
  if (type_it == obj.end() || !type_it->is_string()) bad(where, "missing annotation \"type\"");
  const std::string type = type_it->get<std::string>();
  // Neuroglancer requires an id for inline annotations (restoreAnnotation with allowMissingId
  // false) and, when one is missing, silently shows none of the layer's annotations; an error
  // here tells the user instead.
  const auto id_it = obj.find("id");
  if (id_it == obj.end() || !id_it->is_string()) bad(where, "annotation without a string \"id\"");
  a.id = id_it->get<std::string>();
  const std::string at = where + " annotation '" + a.id + "'";
  if (type == "point") {
    a.type = AnnotationType::kPoint;
    a.a = parse_vector(obj, "point", at);
  } else if (type == "line" || type == "axis_aligned_bounding_box") {
    a.type = type == "line" ? AnnotationType::kLine : AnnotationType::kAxisAlignedBoundingBox;
    a.a = parse_vector(obj, "pointA", at);
    a.b = parse_vector(obj, "pointB", at);
  } else if (type == "ellipsoid") {
    a.type = AnnotationType::kEllipsoid;
    a.a = parse_vector(obj, "center", at);
    a.b = parse_vector(obj, "radii", at);
  } else {
    bad(at, "unsupported annotation type \"" + type + "\"");
  }
  if (const auto d = obj.find("description"); d != obj.end() && d->is_string())
    a.description = d->get<std::string>();
  if (const auto s = obj.find("segments"); s != obj.end() && !s->is_null()) {
    if (!s->is_array()) bad(at, "\"segments\" must be an array");
    // One relationship ("segments") is a flat list; several are a list of lists.
    auto add = [&](const json& v) {
      if (v.is_string()) {
        try {
          a.segments.push_back(std::stoull(v.get<std::string>()));
        } catch (const std::exception&) {
          bad(at, "segment id " + v.dump() + " is not a uint64");
        }
      } else if (v.is_number_unsigned()) {
        a.segments.push_back(v.get<std::uint64_t>());
      } else {
        bad(at, "segment id " + v.dump() + " is not a uint64");
      }
    };
    for (const json& v : *s) {
      if (v.is_array())
        for (const json& w : v) add(w);
      else
        add(v);
    }
  }
  const auto props = obj.find("props");
  if (props == obj.end() || props->is_null()) {
    a.properties.assign(properties.size(), 0.0);  // Neuroglancer's default "default" is 0
  } else {
    if (!props->is_array() || props->size() != properties.size())
      bad(at, "\"props\" must have one value per annotation property (" +
                  std::to_string(properties.size()) + ")");
    for (std::size_t i = 0; i < properties.size(); ++i)
      a.properties.push_back(parse_property_value((*props)[i], properties[i], at));
  }
  return a;
}

}  // namespace

std::optional<std::array<double, 4>> parse_css_color(const std::string& input) {
  std::string text;
  for (char c : input) text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (!text.empty() && text[0] == '#') {
    std::vector<int> d;
    for (std::size_t i = 1; i < text.size(); ++i) {
      const int v = hex(text[i]);
      if (v < 0) return std::nullopt;
      d.push_back(v);
    }
    if (d.size() == 3 || d.size() == 4) {
      return std::array<double, 4>{double(d[0] * 17), double(d[1] * 17), double(d[2] * 17),
                                   d.size() == 4 ? d[3] * 17 / 255.0 : 1.0};
    }
    if (d.size() == 6 || d.size() == 8) {
      return std::array<double, 4>{double(d[0] * 16 + d[1]), double(d[2] * 16 + d[3]),
                                   double(d[4] * 16 + d[5]),
                                   d.size() == 8 ? (d[6] * 16 + d[7]) / 255.0 : 1.0};
    }
    return std::nullopt;
  }
  static const std::regex rgb(
      R"(^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([0-9.]+)\s*)?\)$)");
  std::smatch m;
  if (std::regex_match(text, m, rgb)) {
    std::array<double, 4> out{};
    for (int i = 0; i < 3; ++i) out[i] = std::min(255.0, std::stod(m[i + 1].str()));
    out[3] = m[4].matched ? std::min(1.0, std::stod(m[4].str())) : 1.0;
    return out;
  }
  static const std::map<std::string, std::array<double, 4>> kNamed = {
      {"black", {0, 0, 0, 1}},       {"white", {255, 255, 255, 1}}, {"red", {255, 0, 0, 1}},
      {"lime", {0, 255, 0, 1}},      {"green", {0, 128, 0, 1}},     {"blue", {0, 0, 255, 1}},
      {"yellow", {255, 255, 0, 1}},  {"cyan", {0, 255, 255, 1}},    {"aqua", {0, 255, 255, 1}},
      {"magenta", {255, 0, 255, 1}}, {"fuchsia", {255, 0, 255, 1}}, {"orange", {255, 165, 0, 1}},
      {"gray", {128, 128, 128, 1}},  {"grey", {128, 128, 128, 1}},  {"purple", {128, 0, 128, 1}},
  };
  if (const auto it = kNamed.find(text); it != kNamed.end()) return it->second;
  return std::nullopt;
}

AnnotationLayerState parse_annotation_layer(const json& layer, const std::string& where) {
  if (!layer.is_object()) bad(where, "a layer must be an object");
  AnnotationLayerState out;
  if (const auto t = layer.find("type"); t == layer.end() || *t != "annotation")
    bad(where, "not an annotation layer (\"type\" is not \"annotation\")");
  if (const auto n = layer.find("name"); n != layer.end() && n->is_string())
    out.name = n->get<std::string>();
  if (const auto v = layer.find("visible"); v != layer.end() && !v->is_null()) {
    if (!v->is_boolean()) bad(where, "\"visible\" must be true or false");
    out.visible = v->get<bool>();
  }

  // source: absent or "local://annotations" = inline; a string or {"url": ...} otherwise.
  if (const auto s = layer.find("source"); s != layer.end() && !s->is_null()) {
    const json* url = nullptr;
    if (s->is_string()) {
      url = &*s;
    } else if (s->is_object()) {
      if (s->contains("transform"))
        bad(where, "a source with its own \"transform\" is not supported");
      if (const auto u = s->find("url"); u != s->end() && u->is_string()) url = &*u;
    } else if (s->is_array()) {
      bad(where, "a list of sources is not supported");
    }
    if (url == nullptr) bad(where, "\"source\" must be a URL or {\"url\": ...}");
    const std::string text = url->get<std::string>();
    if (text != "local://annotations") {
      out.inline_source = false;
      out.source_url = text;
    }
  }
  if (layer.contains("transform") && !layer["transform"].is_null())
    bad(where, "a layer \"transform\" is not supported");

  if (const auto c = layer.find("annotationColor"); c != layer.end() && !c->is_null()) {
    const auto color = c->is_string() ? parse_css_color(c->get<std::string>()) : std::nullopt;
    if (!color) bad(where, "\"annotationColor\" is not a colour: " + c->dump());
    // TrackableRGB keeps byte / 255 (util/color.ts parseRGBColorSpecification).
    for (int i = 0; i < 3; ++i) out.color[i] = (*color)[i] / 255.0;
  }

  out.properties = parse_properties(layer, where);

  if (const auto sh = layer.find("shader"); sh != layer.end() && !sh->is_null()) {
    if (!sh->is_string()) bad(where, "\"shader\" must be a string");
    const std::string code = strip_spaces(sh->get<std::string>());
    static const std::regex prop_template(
        R"(^voidmain\(\)\{setColor\(prop_([A-Za-z_][A-Za-z0-9_]*)\(\)\);\}$)");
    std::smatch m;
    if (code == "voidmain(){setColor(defaultColor());}") {
      out.color_source = AnnotationColorSource::kDefaultColor;
    } else if (std::regex_match(code, m, prop_template)) {
      const std::string id = m[1].str();
      bool found = false;
      for (std::size_t i = 0; i < out.properties.size(); ++i) {
        if (out.properties[i].id != id) continue;
        if (out.properties[i].type != "rgb" && out.properties[i].type != "rgba")
          bad(where, "shader setColor(prop_" + id + "()) needs an rgb or rgba property");
        out.color_source = AnnotationColorSource::kProperty;
        out.color_property = i;
        found = true;
      }
      if (!found) bad(where, "shader uses prop_" + id + "() but the layer has no such property");
    } else {
      bad(where,
          "only Neuroglancer's default annotation shader (setColor(defaultColor())) or "
          "setColor(prop_NAME()) is supported");
    }
  }

  if (const auto list = layer.find("annotations"); list != layer.end() && !list->is_null()) {
    if (!list->is_array()) bad(where, "\"annotations\" must be an array");
    // Neuroglancer keys annotations by id in a Map: a repeated id replaces the earlier value but
    // keeps its place in the drawing order.
    std::unordered_map<std::string, std::size_t> index;
    for (const json& obj : *list) {
      Annotation a = parse_annotation(obj, out.properties, where);
      if (const auto it = index.find(a.id); it != index.end()) {
        out.annotations[it->second] = std::move(a);
      } else {
        index.emplace(a.id, out.annotations.size());
        out.annotations.push_back(std::move(a));
      }
    }
  }
  if (!out.inline_source) out.annotations.clear();
  return out;
}

}  // namespace imagery::neuroglancer
