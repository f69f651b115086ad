// Polygons with holes, the form in which segment regions reach vector outputs (SVG, PDF paths and
// clip regions): the types that trace_labels.h produces, and the operations a figure applies to
// them before drawing: Douglas-Peucker simplification that keeps polygons valid, the union of
// several regions (merged outlines), and the subpaths a PathItem or Region takes.
//
// Orientation, in scene coordinates (x right, y down): an outer ring has positive signed area
// sum(x_i * y_{i+1} - x_{i+1} * y_i) > 0, which looks clockwise on screen (walking along it, the
// region is on the right-hand side); a hole has negative signed area (counter-clockwise on
// screen). Rings never cross and touch at most at single points (OGC validity), so the subpaths of
// a MultiPolygon fill the same area under FillRule::kEvenOdd and FillRule::kNonZero.
//
// Validity is checked with Boost.Geometry's is_valid (OGC rules: simple rings, holes inside their
// outer ring, interiors of polygons disjoint; touching at isolated points is allowed).
#pragma once

#include <string>
#include <vector>

#include "imagery/graphics/scene.h"

namespace imagery::graphics {

// Rings are closed polylines whose first point is not repeated at the end.
struct PolygonWithHoles {
  Polyline outer;
  std::vector<Polyline> holes;
};
using MultiPolygon = std::vector<PolygonWithHoles>;

// Douglas-Peucker on every ring with `tolerance` in scene units (pixels of the traced picture):
// every removed vertex lies within `tolerance` of the simplified ring that replaces it. Rings that
// collapse (fewer than three vertices, no area, or reversed) are dropped, a polygon with its holes
// when its outer ring collapses. Where the simplified rings of a polygon would make it invalid
// (self-intersections, a hole crossing its outer ring, two polygons overlapping), that polygon is
// simplified again with half the tolerance, down to tolerance / 64, and then left as it was, so a
// valid input gives a valid output. tolerance <= 0 (or NaN) returns the polygons unchanged.
MultiPolygon simplify(const MultiPolygon& polygons, double tolerance);

// The union of several regions (each valid, as trace_objects gives them): one MultiPolygon in
// which regions that share edges become one polygon; holes not covered by another region remain.
// Vertices where the outline runs straight on are removed.
MultiPolygon unite(const std::vector<MultiPolygon>& regions);

// The subpaths that draw `polygons`: each polygon's outer ring followed by its holes, in the
// orientation above, so either fill rule gives the same area.
std::vector<Polyline> to_subpaths(const MultiPolygon& polygons);

// Whether `polygons` is a valid multi-polygon by Boost.Geometry's (OGC) rules; if not and `reason`
// is given, Boost's description of the first problem found.
bool is_valid(const MultiPolygon& polygons, std::string* reason = nullptr);

}  // namespace imagery::graphics
