#include "imagery/neuroglancer/state.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_json.h"

namespace imagery::neuroglancer {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& where, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, where + ": " + what);
}

double number(const json& value, const std::string& where, const std::string& key) {
  if (value.is_number()) return value.get<double>();
  // Neuroglancer writes some numbers as strings (positions in old links); take those too.
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    double parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(parsed))
      return parsed;
  }
  refuse(where, "'" + key + "' must be a number, not " + value.dump());
}

bool boolean(const json& value, const std::string& where, const std::string& key) {
  if (value.is_boolean()) return value.get<bool>();
  refuse(where, "'" + key + "' must be true or false, not " + value.dump());
}

// SI prefixes Neuroglancer accepts in front of a unit.
double prefix_factor(const std::string& prefix) {
  static const std::pair<const char*, double> kPrefixes[] = {
      {"", 1},      {"Y", 1e24},  {"Z", 1e21},  {"E", 1e18}, {"P", 1e15}, {"T", 1e12},
      {"G", 1e9},   {"M", 1e6},   {"k", 1e3},   {"h", 1e2},  {"da", 1e1}, {"d", 1e-1},
      {"c", 1e-2},  {"m", 1e-3},  {"u", 1e-6},  {"µ", 1e-6}, {"n", 1e-9}, {"p", 1e-12},
      {"f", 1e-15}, {"a", 1e-18}, {"z", 1e-21}, {"y", 1e-24}};
  for (const auto& [name, factor] : kPrefixes)
    if (prefix == name) return factor;
  return 0;
}

Dimension parse_dimension(const std::string& name, const json& value, const std::string& where) {
  const std::string key = "dimensions." + name;
  if (!value.is_array() || value.size() != 2 || !value[1].is_string())
    refuse(where, "'" + key + "' must be [scale, unit], not " + value.dump());
  Dimension d;
  d.name = name;
  d.scale = number(value[0], where, key);
  if (!(d.scale > 0)) refuse(where, "'" + key + "' needs a positive scale");
  const std::string unit = value[1].get<std::string>();
  // The base units Neuroglancer knows; the rest of the string is an SI prefix.
  for (const std::string base : {"m", "s", "Hz", "rad/s", ""}) {
    if (unit.size() < base.size() || unit.compare(unit.size() - base.size(), base.size(), base))
      continue;
    const double factor = prefix_factor(unit.substr(0, unit.size() - base.size()));
    if (factor == 0) continue;
    d.scale *= factor;
    d.unit = base;
    return d;
  }
  refuse(where, "'" + key + "' has an unknown unit '" + unit + "'");
}

std::uint64_t segment_id(const json& value, const std::string& where, const std::string& key) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return id;
  }
  refuse(where, "'" + key + "' holds " + value.dump() + ", which is not a segment id");
}

std::vector<LayerSource> parse_sources(const json& value, const std::string& where) {
  std::vector<LayerSource> sources;
  auto one = [&](const json& s) {
    LayerSource source;
    if (s.is_string()) {
      source.url = s.get<std::string>();
    } else if (s.is_object() && s.contains("url") && s["url"].is_string()) {
      source.url = s["url"].get<std::string>();
      if (s.contains("transform") && !s["transform"].is_null()) source.transform = s["transform"];
    } else {
      refuse(where, "'source' must be a URL or {\"url\": ...}, not " + s.dump());
    }
    sources.push_back(std::move(source));
  };
  if (value.is_array()) {
    for (const auto& s : value) one(s);
  } else if (!value.is_null()) {
    one(value);
  }
  return sources;
}

LayerType kind_of(const std::string& type) {
  if (type == "image") return LayerType::kImage;
  if (type == "segmentation" || type == "segmentation_with_graph") return LayerType::kSegmentation;
  if (type == "annotation" || type == "pointAnnotation") return LayerType::kAnnotation;
  return LayerType::kOther;
}

void parse_segments(const json& layer, SegmentationSettings& seg, const std::string& where) {
  if (layer.contains("segments") && !layer["segments"].is_null()) {
    const json& list = layer["segments"];
    if (!list.is_array()) refuse(where, "'segments' must be a list of ids");
    for (const auto& item : list) {
      // Upstream Neuroglancer: "!ID" is listed (it keeps its place in the list) but hidden.
      if (item.is_string() && !item.get_ref<const std::string&>().empty() &&
          item.get_ref<const std::string&>()[0] == '!') {
        seg.hidden_segments.push_back(
            segment_id(json(item.get<std::string>().substr(1)), where, "segments"));
      } else {
        seg.visible_segments.push_back(segment_id(item, where, "segments"));
      }
    }
  }
  if (layer.contains("segmentColors") && !layer["segmentColors"].is_null()) {
    const json& colors = layer["segmentColors"];
    if (!colors.is_object()) refuse(where, "'segmentColors' must map ids to \"#rrggbb\"");
    for (const auto& [key, value] : colors.items()) {
      if (!value.is_string()) refuse(where, "'segmentColors." + key + "' must be \"#rrggbb\"");
      seg.segment_colors[segment_id(json(key), where, "segmentColors")] =
          parse_hex_color(value.get<std::string>(), where + ": 'segmentColors." + key + "'");
    }
  }
  if (layer.contains("segmentDefaultColor") && layer["segmentDefaultColor"].is_string())
    seg.default_color = parse_hex_color(layer["segmentDefaultColor"].get<std::string>(),
                                        where + ": 'segmentDefaultColor'");
  if (layer.contains("colorSeed")) {
    // Neuroglancer keeps `x >>> 0` of the number: its low 32 bits as unsigned.
    const double seed = number(layer["colorSeed"], where, "colorSeed");
    const double wrapped = std::fmod(std::trunc(seed), 4294967296.0);
    seg.color_seed = static_cast<std::uint32_t>(
        static_cast<std::int64_t>(wrapped < 0 ? wrapped + 4294967296.0 : wrapped));
  }
  auto unit_interval = [&](const char* key, double& out) {
    if (!layer.contains(key) || layer[key].is_null()) return;
    out = number(layer[key], where, key);
    if (out < 0 || out > 1) refuse(where, std::string("'") + key + "' must be within [0, 1]");
  };
  unit_interval("selectedAlpha", seg.selected_alpha);
  unit_interval("notSelectedAlpha", seg.not_selected_alpha);
  unit_interval("saturation", seg.saturation);
  if (layer.contains("hideSegmentZero"))
    seg.hide_segment_zero = boolean(layer["hideSegmentZero"], where, "hideSegmentZero");
  if (layer.contains("ignoreNullVisibleSet"))
    seg.ignore_null_visible_set =
        boolean(layer["ignoreNullVisibleSet"], where, "ignoreNullVisibleSet");
  if (layer.contains("equivalences") && layer["equivalences"].is_array() &&
      !layer["equivalences"].empty())
    refuse(where,
           "'equivalences' (merged segments) are not drawn yet; remove them or use a graphene "
           "source, whose ids are already merged");
}

// Whitespace-free text, to compare shaders with Neuroglancer's defaults.
std::string squeeze(const std::string& text) {
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

void parse_image(const json& layer, ImageSettings& image, const std::string& where) {
  if (layer.contains("opacity") && !layer["opacity"].is_null()) {
    image.opacity = number(layer["opacity"], where, "opacity");
    if (image.opacity < 0 || image.opacity > 1) refuse(where, "'opacity' must be within [0, 1]");
  }
  if (layer.contains("shader") && layer["shader"].is_string()) {
    const std::string shader = squeeze(layer["shader"].get<std::string>());
    // Neuroglancer's default image shader, and the one it had before shader controls (whose
    // toNormalized() is the data type's range, the same as the default invlerp's).
    const bool is_default =
        shader == "#uicontrolinvlerpnormalizedvoidmain(){emitGrayscale(normalized());}" ||
        shader == "voidmain(){emitGrayscale(toNormalized(getDataValue()));}";
    if (!is_default)
      refuse(where,
             "a custom shader is not drawn (only Neuroglancer's default image shader is); remove "
             "'shader' to draw the layer with the default");
  }
  if (layer.contains("shaderControls") && layer["shaderControls"].is_object()) {
    const json& controls = layer["shaderControls"];
    for (const auto& [key, value] : controls.items())
      if (key != "normalized")
        refuse(where,
               "shader control '" + key + "' belongs to a custom shader, which is not drawn");
    if (controls.contains("normalized")) {
      const json& normalized = controls["normalized"];
      if (normalized.is_object() && normalized.contains("range")) {
        const json& range = normalized["range"];
        if (!range.is_array() || range.size() != 2)
          refuse(where, "'shaderControls.normalized.range' must be [low, high]");
        image.range =
            std::array<double, 2>{number(range[0], where, "shaderControls.normalized.range"),
                                  number(range[1], where, "shaderControls.normalized.range")};
      }
    }
  }
}

LayerState parse_layer(const json& layer, const std::string& fallback_name,
                       const std::string& where_state) {
  if (!layer.is_object()) refuse(where_state, "a layer must be an object, not " + layer.dump());
  LayerState out;
  out.document = layer;
  out.name = layer.contains("name") && layer["name"].is_string() ? layer["name"].get<std::string>()
                                                                 : fallback_name;
  const std::string where = where_state + ": layer '" + out.name + "'";
  out.type = layer.contains("type") && layer["type"].is_string() ? layer["type"].get<std::string>()
                                                                 : std::string();
  out.kind = kind_of(out.type);
  if (layer.contains("visible")) out.visible = boolean(layer["visible"], where, "visible");
  if (layer.contains("archived")) out.archived = boolean(layer["archived"], where, "archived");
  if (layer.contains("source")) out.sources = parse_sources(layer["source"], where);
  if (layer.contains("crossSectionRenderScale")) {
    out.render_scale = number(layer["crossSectionRenderScale"], where, "crossSectionRenderScale");
    if (!(out.render_scale > 0)) refuse(where, "'crossSectionRenderScale' must be positive");
  }
  if (out.kind == LayerType::kImage || out.type.empty()) parse_image(layer, out.image, where);
  if (out.kind == LayerType::kSegmentation || out.type.empty())
    parse_segments(layer, out.segmentation, where);
  return out;
}

}  // namespace

Rgb8 parse_hex_color(const std::string& text, const std::string& what) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Rgb8 out{};
  if (text.size() == 7 && text[0] == '#') {
    for (int c = 0; c < 3; ++c) {
      const int hi = hex(text[1 + 2 * c]), lo = hex(text[2 + 2 * c]);
      if (hi < 0 || lo < 0) break;
      out[c] = static_cast<std::uint8_t>(hi * 16 + lo);
      if (c == 2) return out;
    }
  } else if (text.size() == 4 && text[0] == '#') {
    for (int c = 0; c < 3; ++c) {
      const int v = hex(text[1 + c]);
      if (v < 0) break;
      out[c] = static_cast<std::uint8_t>(v * 17);
      if (c == 2) return out;
    }
  }
  // Neuroglancer also takes CSS forms ("black", "rgb(32, 48, 64)").
  if (const auto css = parse_css_color(text)) {
    for (int c = 0; c < 3; ++c)
      out[c] = static_cast<std::uint8_t>(std::clamp<double>(std::round((*css)[c]), 0, 255));
    return out;
  }
  fail(ErrorCode::kInvalidArgument, what + ": '" + text + "' is not a colour (#rrggbb)");
}

std::string hex_color(const Rgb8& color) {
  static const char* kDigits = "0123456789abcdef";
  std::string out = "#";
  for (std::uint8_t c : color) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

ViewerState parse_viewer_state(const json& document, const std::string& where) {
  if (!document.is_object()) refuse(where, "a Neuroglancer state is a JSON object");
  ViewerState state;
  state.document = document;
  if (document.contains("dimensions") && !document["dimensions"].is_null()) {
    const json& dims = document["dimensions"];
    if (!dims.is_object()) refuse(where, "'dimensions' must map names to [scale, unit]");
    for (const auto& [name, value] : dims.items())
      state.dimensions.push_back(parse_dimension(name, value, where));
  }
  // The display dimensions (the cross-section's axes) are the first three unless the state
  // names others; drawing a panel over other axes is refused rather than drawn wrong.
  if (document.contains("displayDimensions") && document["displayDimensions"].is_array()) {
    const json& shown = document["displayDimensions"];
    bool first_three = shown.size() == 3 && state.dimensions.size() >= 3;
    for (std::size_t i = 0; first_three && i < 3; ++i)
      first_three = shown[i].is_string() && shown[i].get<std::string>() == state.dimensions[i].name;
    if (!first_three)
      refuse(where, "'displayDimensions' " + shown.dump() +
                        " are not the first three dimensions; only those are drawn");
  }
  if (document.contains("position") && !document["position"].is_null()) {
    const json& position = document["position"];
    if (!position.is_array()) refuse(where, "'position' must be a list of numbers");
    for (const auto& v : position) state.position.push_back(number(v, where, "position"));
    if (!state.dimensions.empty() && state.position.size() != state.dimensions.size())
      refuse(where, "'position' has " + std::to_string(state.position.size()) +
                        " coordinates for " + std::to_string(state.dimensions.size()) +
                        " dimensions");
  }
  if (document.contains("crossSectionScale") && !document["crossSectionScale"].is_null()) {
    state.cross_section_scale = number(document["crossSectionScale"], where, "crossSectionScale");
    if (!(*state.cross_section_scale > 0)) refuse(where, "'crossSectionScale' must be positive");
  }
  if (document.contains("crossSectionOrientation") &&
      !document["crossSectionOrientation"].is_null()) {
    const json& q = document["crossSectionOrientation"];
    if (!q.is_array() || q.size() != 4)
      refuse(where, "'crossSectionOrientation' must be a quaternion [x, y, z, w]");
    // Read into float32 and normalised as gl-matrix does (double arithmetic, float32 store).
    std::array<float, 4> raw{};
    double norm = 0;
    for (int i = 0; i < 4; ++i) {
      raw[i] = static_cast<float>(number(q[i], where, "crossSectionOrientation"));
      norm += double(raw[i]) * raw[i];
    }
    if (!(norm > 0)) refuse(where, "'crossSectionOrientation' must not be zero");
    const double inverse = 1 / std::sqrt(norm);
    for (int i = 0; i < 4; ++i) state.orientation[i] = static_cast<float>(raw[i] * inverse);
  }
  if (document.contains("layout")) {
    const json& layout = document["layout"];
    if (layout.is_string()) {
      state.layout = layout.get<std::string>();
    } else if (layout.is_object() && layout.contains("type") && layout["type"].is_string()) {
      state.layout = layout["type"].get<std::string>();
    }
  }
  if (document.contains("crossSectionBackgroundColor") &&
      document["crossSectionBackgroundColor"].is_string())
    state.background = parse_hex_color(document["crossSectionBackgroundColor"].get<std::string>(),
                                       where + ": 'crossSectionBackgroundColor'");
  if (document.contains("layers")) {
    const json& layers = document["layers"];
    if (layers.is_array()) {
      int index = 0;
      for (const auto& layer : layers)
        state.layers.push_back(parse_layer(layer, "layer " + std::to_string(index++), where));
    } else if (layers.is_object()) {  // old states: {"name": {...}, ...}
      for (const auto& [name, layer] : layers.items())
        state.layers.push_back(parse_layer(layer, name, where));
    } else if (!layers.is_null()) {
      refuse(where, "'layers' must be a list of layers");
    }
  }
  return state;
}

json viewer_state_to_json(const ViewerState& state) {
  json out = state.document.is_object() ? state.document : json::object();
  if (!state.position.empty()) out["position"] = state.position;
  if (state.cross_section_scale) out["crossSectionScale"] = *state.cross_section_scale;
  json layers = json::array();
  for (const auto& layer : state.layers) {
    json l = layer.document.is_object() ? layer.document : json::object();
    if (layer.kind == LayerType::kSegmentation) {
      json segments = json::array();
      for (auto id : layer.segmentation.visible_segments) segments.push_back(std::to_string(id));
      for (auto id : layer.segmentation.hidden_segments)
        segments.push_back("!" + std::to_string(id));
      if (!segments.empty() || l.contains("segments")) l["segments"] = segments;
    }
    layers.push_back(std::move(l));
  }
  if (!state.layers.empty() || out.contains("layers")) out["layers"] = layers;
  return out;
}

void override_view(ViewerState& state, const ViewOverride& change, const std::string& where) {
  if (change.position) {
    const std::size_t rank = state.dimensions.empty() ? 3 : state.dimensions.size();
    if (change.position->size() != rank)
      refuse(where, std::to_string(change.position->size()) + " coordinates; the state has " +
                        std::to_string(rank) + " dimensions");
    state.position = *change.position;
  }
  if (change.cross_section_scale) {
    if (!(*change.cross_section_scale > 0)) refuse(where, "the crossSectionScale must be positive");
    state.cross_section_scale = change.cross_section_scale;
  }
  for (const auto& [name, ids] : change.segments) {
    bool found = false;
    for (auto& layer : state.layers) {
      if (layer.kind != LayerType::kSegmentation || (!name.empty() && layer.name != name)) continue;
      layer.segmentation.visible_segments = ids;
      layer.segmentation.hidden_segments.clear();
      found = true;
    }
    if (!found)
      refuse(where, name.empty() ? std::string("the state has no segmentation layer to select in")
                                 : "the state has no segmentation layer '" + name + "'");
  }
}

}  // namespace imagery::neuroglancer
