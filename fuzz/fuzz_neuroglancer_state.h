// fuzz_neuroglancer_state: Neuroglancer states as users paste them (`imagery figure --state`: a
// link's fragment or JSON text, batch rows' states): percent-decoding, the state reader, the
// annotation layer reader, the view (panel steps from hostile zooms, positions, orientations) and
// the sampling plan of a layer over a small volume's metadata. A state that reads must write back
// to a document that reads to the same document.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_json.h"
#include "imagery/neuroglancer/internal/layer_sampling.h"
#include "imagery/neuroglancer/state.h"
#include "imagery/neuroglancer/state_input.h"
#include "imagery/neuroglancer/view.h"

namespace imagery::fuzz {

inline void fuzz_neuroglancer_state(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (const auto bang = text.find("#!"); bang != std::string::npos) {
    try {
      text = neuroglancer::percent_decode(text.substr(bang + 2));
    } catch (const Error&) {
      return;
    }
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return;
  neuroglancer::ViewerState state;
  try {
    state = neuroglancer::parse_viewer_state(doc, "fuzz");
  } catch (const Error&) {
    return;
  }
  for (const auto& layer : state.layers) {
    if (layer.kind != neuroglancer::LayerType::kAnnotation) continue;
    try {
      neuroglancer::parse_annotation_layer(layer.document, "fuzz layer");
    } catch (const Error&) {
    }
  }
  // Written back and read again, a state writes the same document.
  const nlohmann::json first = neuroglancer::viewer_state_to_json(state);
  const nlohmann::json second =
      neuroglancer::viewer_state_to_json(neuroglancer::parse_viewer_state(first, "fuzz again"));
  if (first != second) std::abort();
  // The view and a layer's sampling plan over a small two-mip volume.
  if (state.dimensions.size() < 3 || state.position.size() < 3) return;
  neuroglancer::CrossSection view;
  try {
    view = neuroglancer::make_cross_section(state, "", 16, 12);
  } catch (const Error&) {
    return;
  }
  volume::Metadata meta;
  meta.kind = volume::VolumeKind::kSegmentation;
  meta.dtype = DataType::kUint64;
  for (int m = 0; m < 2; ++m) {
    volume::ScaleInfo s;
    s.resolution = {4.0 * (1 << m), 4.0 * (1 << m), 40};
    s.bounds = Bbox{{-5 >> m, 3 >> m, 0}, {100 >> m, 90 >> m, 20}};
    s.chunk_size = {16, 16, 4};
    meta.scales.push_back(s);
  }
  neuroglancer::LayerState layer;
  layer.name = "fuzz";
  for (const auto& l : state.layers) layer.render_scale = l.render_scale;
  std::vector<std::uint8_t> near(16 * 12, 0);
  try {
    const auto s = neuroglancer::internal::plan_sampling(meta, layer, view, state, {}, &near);
    for (const auto& m : s.mips)
      if (m.pixels > 0 && (m.box.min.x < meta.scales[m.mip].bounds.min.x - 1 ||
                           m.box.max.x > meta.scales[m.mip].bounds.max.x + 1))
        std::abort();  // a sample outside the volume's voxels
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
