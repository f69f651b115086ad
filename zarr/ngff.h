// OME-NGFF group metadata (0.4 in a Zarr v2 group's `.zattrs`; 0.5 under the "ome" key of a
// Zarr v3 group's `zarr.json` attributes):
//   multiscales[0]: axes [{name, type: space|channel|time, unit}], datasets [{path,
//     coordinateTransformations: [{type: scale, scale: [...]}, {type: translation, ...}]}],
//     and optional multiscale-level coordinateTransformations applied after each dataset's;
//   omero: channels [{label, color "RRGGBB", window {min, max, start, end}}];
//   labels: ["cells", ...] (in the image's `labels` group);
//   image-label: {colors: [{label-value, rgba [r, g, b, a]}], source: {image}}.
// imagery reads images with axes named t, c, z, y, x in any order, 2 or 3 of them space.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imagery::zarr {

struct Axis {
  std::string name;  // t, c, z, y or x
  std::string type;  // "space", "channel", "time" (or empty when not given)
  std::string unit;  // as written; may be empty
};

struct Dataset {
  std::string path;
  // The dataset's transforms combined with the multiscale-level ones, per axis: the physical
  // coordinate of index i is i * scale + translation, in the axis' unit.
  std::vector<double> scale;
  std::vector<double> translation;
};

struct OmeroChannel {
  std::string label;
  std::optional<std::array<std::uint8_t, 3>> color;
  std::optional<double> window_start, window_end;
};

struct LabelColor {
  std::uint64_t value = 0;
  std::array<std::uint8_t, 4> rgba{0, 0, 0, 255};
};

struct ImageMetadata {
  int zarr_format = 2;
  std::string version;  // "0.4", "0.5", or empty
  std::string name;
  std::vector<Axis> axes;
  std::vector<Dataset> datasets;
  std::vector<OmeroChannel> omero;
  bool is_label = false;  // has image-label
  std::vector<LabelColor> label_colors;

  // The index of the axis named `name` in array dimension order, or -1.
  int axis_index(const std::string& name) const;
};

// Parses the NGFF attributes (the object holding "multiscales"; for 0.5 the "ome" object)
// of a group. `where` names the document in errors: kDataLoss for missing or contradictory
// metadata (no multiscales, datasets without scale, vectors of the wrong length), kInvalidArgument
// for axes imagery does not read (names other than t c z y x, repeated, not 2 or 3 space axes).
ImageMetadata parse_ngff(const std::string& attributes_json, int zarr_format,
                         const std::string& where);

// The NGFF attributes of a group document: a `.zattrs` itself, or the "ome" object (0.5), or
// the attributes (older 0.5 drafts) of a `zarr.json`. Throws kDataLoss for a `zarr.json` that is
// not a group.
std::string ngff_attributes(const std::string& group_document, int zarr_format,
                            const std::string& where);

// The label names a `labels` group's attributes list ("labels": [...]), empty when none.
std::vector<std::string> parse_label_list(const std::string& attributes_json, int zarr_format);

// Nanometres per `unit` (UDUNITS-2 length names NGFF allows, "" as nanometer); nullopt when the
// unit is not a length.
std::optional<double> nanometers_per_unit(const std::string& unit);

}  // namespace imagery::zarr
