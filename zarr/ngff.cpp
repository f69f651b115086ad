#include "imagery/zarr/ngff.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "imagery/core/error.h"

namespace imagery::zarr {

namespace {

using nlohmann::json;

[[noreturn]] void malformed_ngff(const std::string& where, const std::string& what) {
  fail(ErrorCode::kDataLoss, where + ": " + what);
}

json parse_object(const std::string& text, const std::string& where) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) malformed_ngff(where, "not valid JSON");
  if (!doc.is_object()) malformed_ngff(where, "not a JSON object");
  return doc;
}

std::vector<double> number_list(const json& v, std::size_t n, const std::string& what,
                                const std::string& where) {
  if (!v.is_array()) malformed_ngff(where, what + " is not a list of numbers");
  if (v.size() != n)
    malformed_ngff(where, what + " has " + std::to_string(v.size()) + " values for " +
                              std::to_string(n) + " axes");
  std::vector<double> out;
  for (const json& e : v) {
    if (!e.is_number()) malformed_ngff(where, what + " is not a list of numbers");
    const double d = e.get<double>();
    if (!std::isfinite(d)) malformed_ngff(where, what + " has a value that is not finite");
    out.push_back(d);
  }
  return out;
}

// Applies a list of transforms (scale, then optional translation) to `scale`/`translation`.
void apply_transforms(const json& list, std::size_t n, std::vector<double>& scale,
                      std::vector<double>& translation, bool required, const std::string& what,
                      const std::string& where) {
  if (!list.is_array()) {
    if (required) malformed_ngff(where, what + " has no coordinateTransformations");
    return;
  }
  bool have_scale = false;
  for (const json& t : list) {
    if (!t.is_object() || !t.contains("type") || !t["type"].is_string())
      malformed_ngff(where, what + " has a transform without a type");
    const std::string type = t["type"].get<std::string>();
    if (type == "scale") {
      if (have_scale) malformed_ngff(where, what + " has more than one scale transform");
      if (!t.contains("scale"))
        malformed_ngff(where,
                       what + " has a scale transform without 'scale' (a 'path' is not supported)");
      const auto s = number_list(t["scale"], n, what + " 'scale'", where);
      for (std::size_t d = 0; d < n; ++d) {
        if (s[d] <= 0) malformed_ngff(where, what + " 'scale' has a value that is not positive");
        // A later scale scales the translation before it as well.
        scale[d] *= s[d];
        translation[d] *= s[d];
      }
      have_scale = true;
    } else if (type == "translation") {
      if (!have_scale) malformed_ngff(where, what + " has a translation before its scale");
      if (!t.contains("translation"))
        malformed_ngff(where, what + " has a translation transform without 'translation'");
      const auto v = number_list(t["translation"], n, what + " 'translation'", where);
      for (std::size_t d = 0; d < n; ++d) translation[d] += v[d];
    } else if (type != "identity") {
      malformed_ngff(
          where, what + " has a transform of type '" + type + "' (scale, translation, identity)");
    }
  }
  if (required && !have_scale) malformed_ngff(where, what + " has no scale transform");
}

std::optional<std::array<std::uint8_t, 3>> hex_color(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.size() != 6) return std::nullopt;
  std::array<std::uint8_t, 3> out{};
  for (int i = 0; i < 3; ++i) {
    unsigned value = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = s[2 * i + k];
      const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                : -1;
      if (d < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(d);
    }
    out[i] = static_cast<std::uint8_t>(value);
  }
  return out;
}

void parse_axes(const json& axes, ImageMetadata& m, const std::string& where) {
  if (!axes.is_array() || axes.empty())
    malformed_ngff(where, "multiscales 'axes' is missing or empty");
  std::set<std::string> seen;
  int space = 0;
  for (const json& a : axes) {
    Axis axis;
    if (a.is_string()) {
      axis.name = a.get<std::string>();  // NGFF 0.3 wrote plain names
    } else if (a.is_object() && a.contains("name") && a["name"].is_string()) {
      axis.name = a["name"].get<std::string>();
      if (a.contains("type") && a["type"].is_string()) axis.type = a["type"].get<std::string>();
      if (a.contains("unit") && a["unit"].is_string()) axis.unit = a["unit"].get<std::string>();
    } else {
      malformed_ngff(where, "an axis has no name: " + a.dump());
    }
    const std::string& n = axis.name;
    if (n != "t" && n != "c" && n != "z" && n != "y" && n != "x")
      fail(ErrorCode::kInvalidArgument,
           where + ": axis '" + n + "' is not one imagery reads (t, c, z, y, x)");
    if (!seen.insert(n).second) malformed_ngff(where, "axis '" + n + "' appears twice");
    const std::string expected = n == "t" ? "time" : n == "c" ? "channel" : "space";
    if (!axis.type.empty() && axis.type != expected)
      malformed_ngff(where,
                     "axis '" + n + "' has type '" + axis.type + "', expected '" + expected + "'");
    if (expected == "space") {
      ++space;
      if (!nanometers_per_unit(axis.unit))
        malformed_ngff(where,
                       "axis '" + n + "' has unit '" + axis.unit + "', which is not a length");
    }
    m.axes.push_back(std::move(axis));
  }
  if (!seen.count("x") || !seen.count("y"))
    fail(ErrorCode::kInvalidArgument, where + ": the axes have no " +
                                          std::string(seen.count("x") ? "y" : "x") +
                                          " (imagery reads images with x and y, and z optional)");
  if (space < 2 || space > 3)
    fail(ErrorCode::kInvalidArgument,
         where + ": " + std::to_string(space) + " space axes (2 or 3 allowed)");
}

const json& ome_object(const json& doc, int zarr_format) {
  if (zarr_format == 3) {
    const auto a = doc.find("attributes");
    if (a != doc.end() && a->is_object()) {
      const auto ome = a->find("ome");
      if (ome != a->end() && ome->is_object()) return *ome;
      return *a;
    }
  }
  if (const auto ome = doc.find("ome"); ome != doc.end() && ome->is_object()) return *ome;
  return doc;
}

}  // namespace

int ImageMetadata::axis_index(const std::string& n) const {
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (axes[i].name == n) return static_cast<int>(i);
  return -1;
}

std::optional<double> nanometers_per_unit(const std::string& unit) {
  static const std::map<std::string, double> kUnits = {
      {"", 1.0},
      {"angstrom", 0.1},
      {"attometer", 1e-9},
      {"centimeter", 1e7},
      {"decimeter", 1e8},
      {"exameter", 1e27},
      {"femtometer", 1e-6},
      {"foot", 304800000.0},
      {"gigameter", 1e18},
      {"hectometer", 1e11},
      {"inch", 25400000.0},
      {"kilometer", 1e12},
      {"megameter", 1e15},
      {"meter", 1e9},
      {"micrometer", 1e3},
      {"mile", 1609344e6},
      {"millimeter", 1e6},
      {"nanometer", 1.0},
      {"parsec", 3.0857e25},
      {"petameter", 1e24},
      {"picometer", 1e-3},
      {"terameter", 1e21},
      {"yard", 914400000.0},
      {"yoctometer", 1e-15},
      {"yottameter", 1e33},
      {"zeptometer", 1e-12},
      {"zettameter", 1e30},
  };
  const auto it = kUnits.find(unit);
  if (it == kUnits.end()) return std::nullopt;
  return it->second;
}

std::string ngff_attributes(const std::string& group_document, int zarr_format,
                            const std::string& where) {
  const json doc = parse_object(group_document, where);
  if (zarr_format == 3) {
    const auto node = doc.find("node_type");
    if (node != doc.end() && *node == "array")
      fail(ErrorCode::kInvalidArgument,
           where + ": a Zarr array, not an OME-Zarr group (give the group above it)");
    if (node == doc.end() || *node != "group")
      malformed_ngff(where, "not a Zarr group ('node_type' is " +
                                (node == doc.end() ? std::string("missing") : node->dump()) + ")");
  }
  return ome_object(doc, zarr_format).dump();
}

ImageMetadata parse_ngff(const std::string& attributes_json, int zarr_format,
                         const std::string& where) {
  const json doc = parse_object(attributes_json, where);
  ImageMetadata m;
  m.zarr_format = zarr_format;
  if (const auto v = doc.find("version"); v != doc.end() && v->is_string()) m.version = *v;
  const auto ms = doc.find("multiscales");
  if (ms == doc.end() || !ms->is_array() || ms->empty())
    malformed_ngff(where, "no 'multiscales' (not an OME-Zarr image)");
  const json& multiscale = (*ms)[0];
  if (!multiscale.is_object()) malformed_ngff(where, "multiscales[0] is not an object");
  if (m.version.empty())
    if (const auto v = multiscale.find("version"); v != multiscale.end() && v->is_string())
      m.version = *v;
  if (const auto n = multiscale.find("name"); n != multiscale.end() && n->is_string()) m.name = *n;
  const auto axes = multiscale.find("axes");
  if (axes == multiscale.end())
    malformed_ngff(where, "multiscales[0] has no 'axes' (NGFF 0.3 and older are not read)");
  parse_axes(*axes, m, where);
  const std::size_t n = m.axes.size();
  const auto datasets = multiscale.find("datasets");
  if (datasets == multiscale.end() || !datasets->is_array() || datasets->empty())
    malformed_ngff(where, "multiscales[0] has no 'datasets'");
  std::set<std::string> paths;
  for (std::size_t i = 0; i < datasets->size(); ++i) {
    const json& d = (*datasets)[i];
    const std::string what = "dataset " + std::to_string(i);
    if (!d.is_object() || !d.contains("path") || !d["path"].is_string())
      malformed_ngff(where, what + " has no 'path'");
    Dataset ds;
    ds.path = d["path"].get<std::string>();
    if (ds.path.empty() || ds.path.front() == '/' || ds.path.find("..") != std::string::npos)
      malformed_ngff(where,
                     what + " has path '" + ds.path + "' (a relative path inside the group)");
    if (!paths.insert(ds.path).second)
      malformed_ngff(where, "two datasets have path '" + ds.path + "'");
    ds.scale.assign(n, 1.0);
    ds.translation.assign(n, 0.0);
    apply_transforms(
        d.contains("coordinateTransformations") ? d["coordinateTransformations"] : json(), n,
        ds.scale, ds.translation, true, what, where);
    apply_transforms(multiscale.contains("coordinateTransformations")
                         ? multiscale["coordinateTransformations"]
                         : json(),
                     n, ds.scale, ds.translation, false, "multiscales[0]", where);
    m.datasets.push_back(std::move(ds));
  }
  if (const auto omero = doc.find("omero"); omero != doc.end() && omero->is_object())
    if (const auto ch = omero->find("channels"); ch != omero->end() && ch->is_array())
      for (const json& c : *ch) {
        OmeroChannel channel;
        if (!c.is_object()) continue;  // display hints: what is unreadable is left out
        if (c.contains("label") && c["label"].is_string()) channel.label = c["label"];
        if (c.contains("color")) channel.color = hex_color(c["color"]);
        if (c.contains("window") && c["window"].is_object()) {
          const json& w = c["window"];
          if (w.contains("start") && w["start"].is_number()) channel.window_start = w["start"];
          if (w.contains("end") && w["end"].is_number()) channel.window_end = w["end"];
        }
        m.omero.push_back(std::move(channel));
      }
  if (const auto il = doc.find("image-label"); il != doc.end() && il->is_object()) {
    m.is_label = true;
    if (const auto colors = il->find("colors"); colors != il->end() && colors->is_array())
      for (const json& c : *colors) {
        if (!c.is_object() || !c.contains("label-value") || !c["label-value"].is_number_integer())
          continue;
        LabelColor lc;
        lc.value = c["label-value"].get<std::uint64_t>();
        if (c.contains("rgba") && c["rgba"].is_array() && c["rgba"].size() == 4) {
          bool ok = true;
          for (int k = 0; k < 4; ++k) {
            const json& e = c["rgba"][k];
            ok &=
                e.is_number_integer() && e.get<std::int64_t>() >= 0 && e.get<std::int64_t>() <= 255;
            if (ok) lc.rgba[k] = static_cast<std::uint8_t>(e.get<int>());
          }
          if (!ok) continue;
        }
        m.label_colors.push_back(lc);
      }
  }
  return m;
}

std::vector<std::string> parse_label_list(const std::string& attributes_json, int zarr_format) {
  json doc = json::parse(attributes_json, nullptr, false);
  if (!doc.is_object()) return {};
  const json& ome = ome_object(doc, zarr_format);
  std::vector<std::string> out;
  if (const auto l = ome.find("labels"); l != ome.end() && l->is_array())
    for (const json& e : *l)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

}  // namespace imagery::zarr
