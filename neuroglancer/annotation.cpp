#include "imagery/neuroglancer/annotation.h"

namespace imagery::neuroglancer {

const char* annotation_type_name(AnnotationType type) {
  switch (type) {
    case AnnotationType::kPoint:
      return "point";
    case AnnotationType::kLine:
      return "line";
    case AnnotationType::kAxisAlignedBoundingBox:
      return "axis_aligned_bounding_box";
    case AnnotationType::kEllipsoid:
      return "ellipsoid";
  }
  return "point";
}

}  // namespace imagery::neuroglancer
