// Drawing an annotation layer into a cross-section panel as Neuroglancer 2.41 draws it with the
// default annotation shader: points as feathered circles with a black border, lines as feathered
// 1-pixel segments with circle end markers, boxes as the outline of their intersection with the
// plane, ellipsoids as their filled cross-section at half opacity. Points and lines fade with
// distance from the plane and vanish beyond the cross-section depth (10 pixels by default).
//
// Order of the panel (sliceview/panel.ts): the volume layers are drawn into the slice texture,
// the texture goes onto the panel over crossSectionBackgroundColor, and only then every visible
// annotation layer is alpha-blended onto the panel, in layer order. So `picture` must be the
// finished volume panel (background applied) when this is called, and layers are drawn one call
// each, in the state's layer order. docs/neuroglancer-annotations.md has the rules and sources.
#pragma once

#include <vector>

#include "imagery/neuroglancer/annotation.h"
#include "imagery/neuroglancer/annotation_json.h"
#include "imagery/neuroglancer/panel_geometry.h"
#include "imagery/overlay/image.h"

namespace imagery::neuroglancer {

struct AnnotationDrawOptions {
  // Half the depth of the cross-section in screen pixels of physical distance: the state's
  // crossSectionDepth when negative (as -value), default 10 (viewer.ts: TrackableDepthRange(-10)).
  // A positive crossSectionDepth d means d / crossSectionScale.
  double depth_range_px = 10;
};

// Blends `annotations` (global coordinates, the ones of `panel`) of `layer` onto `picture`
// (RGB or RGBA, 8-bit, panel.width x panel.height, rows top first). Nothing is drawn when the
// layer is not visible. The alpha channel of an RGBA picture is blended as the GPU blends it;
// Neuroglancer shows only RGB.
void draw_annotations(const AnnotationLayerState& layer, const std::vector<Annotation>& annotations,
                      const PanelGeometry& panel, overlay::Image& picture,
                      const AnnotationDrawOptions& options = {});

}  // namespace imagery::neuroglancer
