// Annotation files: CSV and JSON Lines points, lines and boxes, a CAVE synapse table export read
// as it is, styles per row, and one-line errors naming the file and line.
#include "imagery/figure/annotation_file.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::Vec3d;
using imagery::figure::MarkKind;
using imagery::figure::MarkShape;
using imagery::figure::parse_marks;
using imagery::palettes::Rgb8;
using imagery::testing::error_of;

TEST_CASE("points read from CSV with styles", "[figure][annotation_file]") {
  const auto marks = parse_marks(
      "x,y,z,color,size,shape,label\n"
      "10,20,3,red,8,cross,syn A\n"
      "# a comment\n"
      "1.5,2.5,3.5,,,,\n",
      "pts.csv", MarkKind::kPoint);
  REQUIRE(marks.size() == 2);
  CHECK(marks[0].a == Vec3d{10, 20, 3});
  CHECK(marks[0].color == Rgb8{255, 0, 0});
  CHECK(marks[0].size == 8);
  CHECK(marks[0].shape == MarkShape::kCross);
  CHECK(marks[0].label == "syn A");
  CHECK(marks[0].line == 2);
  CHECK(marks[1].a == Vec3d{1.5, 2.5, 3.5});
  CHECK_FALSE(marks[1].color);
  CHECK(marks[1].shape == MarkShape::kCircle);
  CHECK(marks[1].line == 4);
}

TEST_CASE("a CAVE synapse export is read as it is", "[figure][annotation_file]") {
  // Its "size" is the synapse's, not the marker's; its positions are "[x y z]" strings.
  const std::string text =
      "id,valid,pre_pt_position,post_pt_position,ctr_pt_position,size,pre_pt_root_id\n"
      "1,t,\"[100 200 30]\",\"[104 200 30]\",\"[102 201 30]\",4512,864691135\n"
      "2,t,\"[1, 2, 3]\",\"[4, 5, 6]\",\"[7, 8, 9]\",80,864691136\n";
  const auto points = parse_marks(text, "syn.csv", MarkKind::kPoint);
  REQUIRE(points.size() == 2);
  CHECK(points[0].a == Vec3d{102, 201, 30});  // ctr_pt_position first
  CHECK(points[1].a == Vec3d{7, 8, 9});
  CHECK_FALSE(points[0].size);
  const auto lines = parse_marks(text, "syn.csv", MarkKind::kLine);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].a == Vec3d{100, 200, 30});
  CHECK(lines[0].b == Vec3d{104, 200, 30});
}

TEST_CASE("JSON Lines points, lines and boxes", "[figure][annotation_file]") {
  const auto points = parse_marks(
      "{\"position\": [1, 2, 3], \"color\": \"#00ff00\", \"marker_size\": 12}\n"
      "{\"x\": 4, \"y\": 5, \"z\": 6, \"shape\": \"square\"}\n",
      "p.jsonl", MarkKind::kPoint);
  REQUIRE(points.size() == 2);
  CHECK(points[0].a == Vec3d{1, 2, 3});
  CHECK(points[0].color == Rgb8{0, 255, 0});
  CHECK(points[0].size == 12);
  CHECK(points[1].shape == MarkShape::kSquare);
  const auto boxes = parse_marks(
      "{\"point_a\": [0, 0, 0], \"point_b\": [10, 20, 1]}\n"
      "{\"x1\": 1, \"y1\": 2, \"z1\": 3, \"x2\": 4, \"y2\": 5, \"z2\": 6}\n",
      "b.jsonl", MarkKind::kBox);
  REQUIRE(boxes.size() == 2);
  CHECK(boxes[0].b == Vec3d{10, 20, 1});
  CHECK(boxes[1].a == Vec3d{1, 2, 3});
  CHECK(boxes[1].b == Vec3d{4, 5, 6});
}

TEST_CASE("bad annotation rows fail naming the file and line", "[figure][annotation_file]") {
  struct Case {
    const char* text;
    MarkKind kind;
    const char* message;
  };
  for (const Case& c : {
           Case{"x,y\n1,2\n", MarkKind::kPoint, "points file a.csv: line 2: give all of x, y, z"},
           Case{"a,b\n1,2\n", MarkKind::kPoint, "points file a.csv: line 2: no coordinates"},
           Case{"x,y,z\n1,two,3\n", MarkKind::kPoint, "line 2: y: 'two' is not a number"},
           Case{"x,y,z,shape\n1,2,3,star\n", MarkKind::kPoint,
                "shape must be circle, cross or square"},
           Case{"x,y,z,color\n1,2,3,nocolor\n", MarkKind::kPoint, "line 2: "},
           Case{"x,y,z,size\n1,2,3,-1\n", MarkKind::kPoint, "size must be within"},
           Case{"position\n\"[1 2]\"\n", MarkKind::kPoint, "expected three coordinates"},
           Case{"x,y,z\n1,2,1e300\n", MarkKind::kPoint, "not a finite number within"},
           Case{"x1,y1,z1\n1,2,3\n", MarkKind::kLine, "lines file a.csv: line 2: no coordinates"},
           Case{"x,y,z\n1,2,\"3\n", MarkKind::kPoint, "never closed"},
           Case{"x,y,z\n1,2\n", MarkKind::kPoint, "2 cells where the header has 3 columns"},
       }) {
    INFO(c.text);
    const auto e = error_of([&] { parse_marks(c.text, "a.csv", c.kind); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains(c.message));
  }
  const auto e = error_of([&] { parse_marks("{\"x\": 1\n", "a.jsonl", MarkKind::kPoint); });
  CHECK_THAT(e.what(), Catch::StartsWith("points file a.jsonl: line 1: not JSON"));
}
