// Annotation files: the points, lines and boxes `--points`, `--lines` and `--boxes` mark on a
// figure, read from CSV or JSON Lines (figure/table_file.h) in the figure's coordinate units.
//
//   points: x,y,z  (or one position column: position, point, ctr_pt_position, pt_position,
//                   pre_pt_position, post_pt_position, or any *_position, holding "[x y z]",
//                   "[x, y, z]", "x,y,z" or a JSON array: a CAVE table export as it is)
//   lines and boxes: x1,y1,z1,x2,y2,z2  (or point_a/point_b, pointA/pointB; for lines also
//                   pre_pt_position/post_pt_position, a synapse drawn from pre to post)
//   optional on every row: color (#rrggbb, a CSS name, r,g,b), marker_size (pixels; "size" too
//   unless the file is a CAVE export, whose "size" is the synapse's), shape (circle, cross,
//   square; points), label (text drawn beside the mark).
//
// Other columns are ignored, so a table export can be used as it is. A row that cannot be read
// fails the file with its line number.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/core/vec3.h"
#include "imagery/palettes/color.h"

namespace imagery::figure {

enum class MarkKind { kPoint, kLine, kBox };
enum class MarkShape { kCircle, kCross, kSquare };

struct Mark {
  MarkKind kind = MarkKind::kPoint;
  Vec3d a, b;  // coordinates; b only for lines and boxes
  std::optional<palettes::Rgb8> color;
  std::optional<double> size;  // pixels: a point's diameter, a line's or box's stroke width
  MarkShape shape = MarkShape::kCircle;
  std::string label;
  std::size_t line = 0;  // where in the file
};

// "points", "lines", "boxes".
std::string mark_kind_name(MarkKind kind);

// Throws kInvalidArgument naming `name` (and the line) for a file or a row that cannot be read.
std::vector<Mark> parse_marks(std::string_view text, const std::string& name, MarkKind kind);
// Reads the file ("-": standard input); kNotFound when it cannot be read.
std::vector<Mark> read_marks(const std::string& path, MarkKind kind);

}  // namespace imagery::figure
