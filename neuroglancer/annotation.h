// Annotations as a Neuroglancer annotation layer holds them: points, lines, axis-aligned boxes and
// ellipsoids, from the layer's inline list or a precomputed annotation source, with the layer's
// drawing settings. Coordinates are in the layer's own coordinate space (`dimensions`, metres per
// unit); the renderer maps them to the panel.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imagery::neuroglancer {

enum class AnnotationType { kPoint, kLine, kAxisAlignedBoundingBox, kEllipsoid };

// "point", "line", "axis_aligned_bounding_box", "ellipsoid".
const char* annotation_type_name(AnnotationType type);

struct Annotation {
  AnnotationType type = AnnotationType::kPoint;
  std::string id;
  // kPoint: the point; kLine: the two ends; kAxisAlignedBoundingBox: two opposite corners;
  // kEllipsoid: `a` the centre and `b` the radii. In the coordinate space's units.
  std::array<double, 3> a{}, b{};
  std::string description;
  std::vector<std::uint64_t> segments;  // related segment ids
  // Property values in the order of the layer's (or source's) property list.
  std::vector<double> properties;
};

// The coordinate space annotations are given in: names and metres per unit, x, y, z first.
struct AnnotationSpace {
  std::array<std::string, 3> names{"x", "y", "z"};
  std::array<double, 3> scales_m{1e-9, 1e-9, 1e-9};
};

// A property an annotation carries (precomputed sources and inline `annotationProperties`).
struct AnnotationProperty {
  std::string id;
  std::string type;  // "rgb", "rgba", "uint8", ..., "float32"
  std::string description;
};

}  // namespace imagery::neuroglancer
