// The one JSON schema of a figure request, "imagery.figure/1": a flat object whose keys are the
// long options of `imagery figure` without dashes, so a sidecar, a --defaults file, a manifest
// row and the command line all say the same thing the same way:
//
//   {"format": "imagery.figure/1",
//    "image": "gs://bucket/em", "image_mip": 0,          (a mip index, or [8, 8, 40] nm)
//    "seg": "gs://bucket/seg", "seg_mip": [8, 8, 40],
//    "datastack": "minnie65_public", "cave_server": null, "mat_version": null,
//    "timestamp": "2024-03-01T12:00:00Z" (or unix seconds), "supervoxels": false,
//    "bounds": [[x0, y0, z0], [x1, y1, z1]]  |  "center": [x, y, z] with "size": [w, h(, d)]
//                                             or "image_size": [w, h(, d)],
//    "resolution": [4, 4, 40], "bounded": false, "fill_missing": true,
//    "root_ids": [...] or "all", "include_zero": false, "outline": false, "side": "out",
//    "width": 10,
//    "merge_outline": true, "overlap": true, "alpha": 0.2, "palette": "husl", "husl_h": 0.01,
//    "husl_s": 1.0, "husl_l": 0.65, "color": {"ID": "COLOR"}, "colors": ["C1", "C2"],
//    "dim": 2, "stack": null, "spacing": 10, "window": null, "rgb": false,
//    "output": "fig.png", "png_level": 1, "save_arrays": null,
//    "rendered": {...}}                                  (a sidecar's record; never read)
//
// Values may also be written as the command line writes them ("center": "1,2,3",
// "outline": "true", "color": "7=red;9=#00ff00"), as CSV cells are; '-' and '_' in keys are the
// same; null leaves a key at its default. The command line's negative flags are keys too
// (no_fill_missing, no_merge_outline, no_overlap). Sidecars of imagery 0.1 ("command": "figure",
// nested "request" and "overlay") are read as well.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/figure/figure_spec.h"

namespace imagery::figure {

struct SpecReadOptions {
  // Names a key in messages (default: 'key').
  overlay::FieldNamer name;
  // Put in front of every message (a file, a manifest line), with ": ".
  std::string where;
  // A partial document (--defaults): region keys need not make a whole region (the rows add the
  // rest), so the region is left as it is.
  bool partial = false;
};

// Sets the fields of `spec` that `doc` names (an object; keys of the schema, plus "format",
// which must be imagery.figure/1, and "rendered", which is ignored). Throws kInvalidArgument
// naming the key for an unknown key or a value of the wrong form. Does not check the whole spec:
// see check_figure_spec.
void apply_figure_json(const nlohmann::json& doc, FigureSpec& spec,
                       const SpecReadOptions& options = {});

// A spec from a document alone (defaults for what it does not name); legacy sidecars included.
FigureSpec read_figure_spec(const nlohmann::json& doc, const SpecReadOptions& options = {});

// Every key of the schema, with the format; sources that are absent are null.
nlohmann::ordered_json figure_spec_to_json(const FigureSpec& spec);

// Whether `key` is a key of the schema ('-' and '_' alike; "format" and "rendered" included).
bool is_figure_key(std::string_view key);
// The schema's keys, for messages and help texts.
const std::vector<std::string>& figure_keys();
// "root-ids" -> "root_ids".
std::string canonical_key(std::string_view key);

// A sidecar of imagery 0.1 converted to the schema (an object without "format" whose "command" is
// "figure"); other documents are returned as they are.
nlohmann::json upgrade_legacy_sidecar(const nlohmann::json& doc, const SpecReadOptions& options);

}  // namespace imagery::figure
