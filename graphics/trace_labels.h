// Label pictures traced to polygons, so that SVG and PDF figures draw segment fills and outlines
// as vector paths that coincide with the raster imagery. Pixel (x, y) covers the square
// [x, x + 1] x [y, y + 1] in scene units (x right, y down); a traced region is exactly the union
// of its pixels' squares.
//
// The rings run along pixel edges, with vertices only at corners where the outline turns (no
// vertex inside a straight run). Regions are 4-connected: pixels of one object that touch only at
// a corner belong to different polygons, which then touch at that corner; likewise a hole whose
// pixels reach the outside only through a corner is a hole touching its outer ring at that point.
// Every ring is therefore simple and each MultiPolygon is valid by OGC rules. Orientation: outer
// rings clockwise on screen (positive signed area), holes counter-clockwise (polygon_ops.h).
//
// Every label picture is accepted: widths and heights of 0 give empty regions, and labels above
// the object count are no object.
#pragma once

#include <cstdint>
#include <vector>

#include "imagery/graphics/polygon_ops.h"

namespace imagery::graphics {

// Every object's region in a ranks picture (`width` x `height`, row y at y * width, 0 = no
// object, 1 + i = object i): one MultiPolygon per object index 0 .. object_count - 1, empty for
// objects with no pixel. Polygons come in raster order of their top-left pixel, holes likewise.
// One pass over the picture for all objects, plus time proportional to the length of the outlines.
std::vector<MultiPolygon> trace_objects(const std::uint32_t* ranks, std::uint32_t width,
                                        std::uint32_t height, std::uint32_t object_count);

// The region of the pixels where mask != 0 (`width` x `height`, row y at y * width).
MultiPolygon trace_mask(const std::uint8_t* mask, std::uint32_t width, std::uint32_t height);

}  // namespace imagery::graphics
