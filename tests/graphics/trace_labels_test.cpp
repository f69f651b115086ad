// Label pictures traced to polygons (graphics/trace_labels.h) and the polygon operations
// (graphics/polygon_ops.h), checked by rasterising the polygons back: a small scanline
// rasteriser here samples pixel centres under the even-odd and the nonzero rule, and a traced
// region must give back exactly its label's pixels under both.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "imagery/graphics/polygon_ops.h"
#include "imagery/graphics/trace_labels.h"

using namespace imagery;
using graphics::FillRule;
using graphics::MultiPolygon;
using graphics::Point;
using graphics::Polyline;

namespace {

struct Picture {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint32_t> labels;  // row y at y * width
};

// Rows of text: '.' is 0, '1'-'9' are labels 1-9, 'X' is 1000 (above any object count used).
Picture parse(const std::vector<std::string>& rows) {
  Picture p;
  p.height = static_cast<std::uint32_t>(rows.size());
  p.width = rows.empty() ? 0 : static_cast<std::uint32_t>(rows[0].size());
  for (const std::string& row : rows)
    for (char c : row) p.labels.push_back(c == '.' ? 0 : c == 'X' ? 1000 : c - '0');
  return p;
}

std::string show(const Picture& p) {
  std::ostringstream out;
  out << p.width << "x" << p.height << "\n";
  for (std::uint32_t y = 0; y < p.height; ++y) {
    for (std::uint32_t x = 0; x < p.width; ++x) {
      const std::uint32_t v = p.labels[y * p.width + x];
      out << (v == 0 ? '.' : v < 10 ? static_cast<char>('0' + v) : '#');
    }
    out << "\n";
  }
  return out.str();
}

std::vector<std::uint8_t> mask_of(const Picture& p, std::uint32_t label) {
  std::vector<std::uint8_t> m(p.labels.size());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = p.labels[i] == label;
  return m;
}

// Pixel centres inside `subpaths` (w x h), by a horizontal scanline through each row of centres:
// even-odd counts the crossings left of a centre, nonzero sums their directions.
std::vector<std::uint8_t> rasterise(const std::vector<Polyline>& subpaths, std::uint32_t w,
                                    std::uint32_t h, FillRule rule) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(w) * h, 0);
  std::vector<std::pair<double, int>> crossings;
  for (std::uint32_t y = 0; y < h; ++y) {
    const double cy = y + 0.5;
    crossings.clear();
    for (const Polyline& ring : subpaths) {
      const std::size_t n = ring.points.size();
      for (std::size_t i = 0; i < n; ++i) {
        const Point& a = ring.points[i];
        const Point& b = ring.points[(i + 1) % n];
        if ((a.y <= cy) == (b.y <= cy)) continue;
        const double x = a.x + (cy - a.y) * (b.x - a.x) / (b.y - a.y);
        crossings.emplace_back(x, b.y > a.y ? 1 : -1);
      }
    }
    std::sort(crossings.begin(), crossings.end());
    std::size_t next = 0;
    int winding = 0, count = 0;
    for (std::uint32_t x = 0; x < w; ++x) {
      const double cx = x + 0.5;
      for (; next < crossings.size() && crossings[next].first < cx; ++next) {
        winding += crossings[next].second;
        ++count;
      }
      const bool inside = rule == FillRule::kEvenOdd ? count % 2 == 1 : winding != 0;
      out[static_cast<std::size_t>(y) * w + x] = inside;
    }
  }
  return out;
}

std::vector<std::uint8_t> rasterise(const Polyline& ring, std::uint32_t w, std::uint32_t h) {
  return rasterise(std::vector<Polyline>{ring}, w, h, FillRule::kEvenOdd);
}

double signed_area(const Polyline& ring) {
  double sum = 0;
  const std::size_t n = ring.points.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point& a = ring.points[i];
    const Point& b = ring.points[(i + 1) % n];
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}

double area(const MultiPolygon& polygons) {
  double sum = 0;
  for (const auto& p : polygons) {
    sum += signed_area(p.outer);
    for (const Polyline& hole : p.holes) sum += signed_area(hole);
  }
  return sum;
}

std::size_t vertex_count(const MultiPolygon& polygons) {
  std::size_t n = 0;
  for (const auto& p : polygons) {
    n += p.outer.points.size();
    for (const Polyline& hole : p.holes) n += hole.points.size();
  }
  return n;
}

std::size_t components_4(const std::vector<std::uint8_t>& mask, std::uint32_t w, std::uint32_t h) {
  std::vector<std::uint8_t> seen(mask.size(), 0);
  std::vector<std::size_t> todo;
  std::size_t count = 0;
  for (std::size_t start = 0; start < mask.size(); ++start) {
    if (!mask[start] || seen[start]) continue;
    ++count;
    seen[start] = 1;
    todo.push_back(start);
    while (!todo.empty()) {
      const std::size_t i = todo.back();
      todo.pop_back();
      const std::size_t x = i % w, y = i / w;
      auto visit = [&](std::size_t j) {
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          todo.push_back(j);
        }
      };
      if (x > 0) visit(i - 1);
      if (x + 1 < w) visit(i + 1);
      if (y > 0) visit(i - w);
      if (y + 1 < h) visit(i + w);
    }
  }
  return count;
}

// What is wrong with a ring traced along pixel edges, "" if nothing: corners inside the picture,
// axis-aligned edges that turn at every vertex (no straight runs through a vertex), no vertex
// passed twice.
std::string ring_problem(const Polyline& ring, std::uint32_t w, std::uint32_t h) {
  const auto& pts = ring.points;
  const std::size_t n = pts.size();
  if (!ring.closed) return "ring not closed";
  if (n < 4) return "ring of " + std::to_string(n) + " points";
  std::set<std::pair<double, double>> seen;
  for (std::size_t i = 0; i < n; ++i) {
    const Point& a = pts[(i + n - 1) % n];
    const Point& b = pts[i];
    const Point& c = pts[(i + 1) % n];
    if (b.x != std::floor(b.x) || b.y != std::floor(b.y) || b.x < 0 || b.y < 0 || b.x > w ||
        b.y > h)
      return "vertex off the pixel corners";
    if ((a.x != b.x) == (a.y != b.y)) return "edge not along a pixel edge";
    const double cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    if (cross == 0)
      return "collinear vertex at (" + std::to_string(b.x) + "," + std::to_string(b.y) + ")";
    if (!seen.emplace(b.x, b.y).second) return "ring passes a vertex twice";
  }
  return "";
}

// What is wrong with `traced` as the region of `expected`, "" if nothing.
std::string traced_problem(const MultiPolygon& traced, const std::vector<std::uint8_t>& expected,
                           std::uint32_t w, std::uint32_t h) {
  const auto subpaths = graphics::to_subpaths(traced);
  if (rasterise(subpaths, w, h, FillRule::kEvenOdd) != expected) return "even-odd fill differs";
  if (rasterise(subpaths, w, h, FillRule::kNonZero) != expected) return "nonzero fill differs";
  std::size_t pixels = 0;
  for (auto v : expected) pixels += v;
  if (area(traced) != static_cast<double>(pixels)) return "area differs from the pixel count";
  if (traced.size() != components_4(expected, w, h))
    return "polygons (" + std::to_string(traced.size()) + ") are not the 4-connected parts";
  for (const auto& polygon : traced) {
    if (auto p = ring_problem(polygon.outer, w, h); !p.empty()) return "outer: " + p;
    if (!(signed_area(polygon.outer) > 0)) return "outer ring not clockwise on screen";
    const auto outer = rasterise(polygon.outer, w, h);
    for (const Polyline& hole : polygon.holes) {
      if (auto p = ring_problem(hole, w, h); !p.empty()) return "hole: " + p;
      if (!(signed_area(hole) < 0)) return "hole not counter-clockwise on screen";
      const auto inside = rasterise(hole, w, h);
      for (std::size_t i = 0; i < inside.size(); ++i)
        if (inside[i] && !outer[i]) return "hole outside its outer ring";
    }
  }
  std::string why;
  if (!graphics::is_valid(traced, &why)) return "invalid: " + why;
  return "";
}

// Every object of `p` (labels 1..count) checked; "" if all are right.
std::string objects_problem(const Picture& p, std::uint32_t count) {
  const auto traced = graphics::trace_objects(p.labels.data(), p.width, p.height, count);
  if (traced.size() != count) return "wrong number of regions";
  for (std::uint32_t i = 0; i < count; ++i) {
    auto problem = traced_problem(traced[i], mask_of(p, i + 1), p.width, p.height);
    if (!problem.empty()) return "object " + std::to_string(i) + ": " + problem;
  }
  return "";
}

// Random label fields of several kinds: noise (corner contacts everywhere), painted rectangles
// and discs (nesting, holes, touching objects), and a mix; some labels above the object count.
Picture random_picture(std::mt19937& rng, std::uint32_t w, std::uint32_t h, std::uint32_t count) {
  Picture p{w, h, std::vector<std::uint32_t>(static_cast<std::size_t>(w) * h, 0)};
  std::uniform_int_distribution<std::uint32_t> label(0, count + 1);  // count + 1: not an object
  std::uniform_int_distribution<int> kind(0, 2);
  const int k = kind(rng);
  if (k == 0 || k == 2) {
    std::bernoulli_distribution filled(0.6);
    for (auto& v : p.labels) v = filled(rng) ? label(rng) : 0;
  }
  if (k == 1 || k == 2) {
    std::uniform_int_distribution<std::int64_t> px(-2, w + 1), py(-2, h + 1);
    std::uniform_int_distribution<std::int64_t> size(0, std::max<std::uint32_t>(w, h) / 2 + 1);
    std::uniform_int_distribution<int> shapes(1, 12);
    const int n = shapes(rng);
    for (int s = 0; s < n; ++s) {
      const std::uint32_t l = label(rng);
      const std::int64_t cx = px(rng), cy = py(rng), r = size(rng), r2 = size(rng);
      const bool disc = s % 2 == 0;
      for (std::int64_t y = 0; y < h; ++y)
        for (std::int64_t x = 0; x < w; ++x) {
          const bool in = disc ? (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r
                               : std::abs(x - cx) <= r && std::abs(y - cy) <= r2;
          if (in) p.labels[static_cast<std::size_t>(y * w + x)] = l;
        }
    }
  }
  return p;
}

// A polygon list with its points rotated so that comparisons ignore the starting vertex.
std::vector<Point> from_smallest(std::vector<Point> pts) {
  auto smallest = std::min_element(pts.begin(), pts.end(), [](const Point& a, const Point& b) {
    return a.y != b.y ? a.y < b.y : a.x < b.x;
  });
  std::rotate(pts.begin(), smallest, pts.end());
  return pts;
}

double distance_to_rings(const Point& p, const std::vector<Polyline>& rings) {
  double best = INFINITY;
  for (const Polyline& ring : rings) {
    const std::size_t n = ring.points.size();
    for (std::size_t i = 0; i < n; ++i) {
      const Point& a = ring.points[i];
      const Point& b = ring.points[(i + 1) % n];
      const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
      const double t =
          l2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / l2, 0.0, 1.0) : 0;
      best = std::min(best, std::hypot(p.x - a.x - t * dx, p.y - a.y - t * dy));
    }
  }
  return best;
}

}  // namespace

TEST_CASE("a traced ring has a corner only where it turns, clockwise on screen, its hole not",
          "[graphics][trace]") {
  const Picture p = parse({"111.", "1.1.", "111."});
  const auto traced = graphics::trace_objects(p.labels.data(), p.width, p.height, 1);
  REQUIRE(traced.size() == 1);
  REQUIRE(traced[0].size() == 1);
  const auto& polygon = traced[0][0];
  CHECK(from_smallest(polygon.outer.points) == std::vector<Point>{{0, 0}, {3, 0}, {3, 3}, {0, 3}});
  REQUIRE(polygon.holes.size() == 1);
  CHECK(from_smallest(polygon.holes[0].points) ==
        std::vector<Point>{{1, 1}, {1, 2}, {2, 2}, {2, 1}});
  CHECK(objects_problem(p, 1) == "");
}

TEST_CASE("traced objects give back their pixels: holes, nesting and touching objects",
          "[graphics][trace]") {
  const std::vector<std::vector<std::string>> pictures = {
      // Two holes, one of them two pixels wide.
      {"11111", "1.1.1", "1.111", "11..1", "11111"},
      // Object 2 in object 1's hole, with a hole of its own holding object 3 and a hole of 3's
      // own; object 1 again in that innermost hole (an island in its own nested hole).
      {"11111111111", "1.........1", "1.2222222.1", "1.2.....2.1", "1.2.333.2.1", "1.2.3.3.2.1",
       "1.2.333.2.1", "1.2.....2.1", "1.2222222.1", "1.........1", "11111111111"},
      {"1111111", "1222221", "1233321", "1231321", "1233321", "1222221", "1111111"},
      // Touching objects sharing edges and filling each other's notches.
      {"1122", "1122", "3344", "3344"},
      {"112233", "121233", "111333", "444555"},
      // A hole holding two separate objects, one touching the hole's edge.
      {"1111111", "12...31", "1.....1", "1.....1", "1111111"},
  };
  for (const auto& rows : pictures) {
    const Picture p = parse(rows);
    INFO(show(p));
    CHECK(objects_problem(p, 9) == "");
  }
  // The nested picture: object 1 has two polygons (the frame and the island), each as expected.
  const Picture nested = parse(pictures[1]);
  const auto traced = graphics::trace_objects(nested.labels.data(), nested.width, nested.height, 3);
  CHECK(traced[0].size() == 1);
  CHECK(traced[0][0].holes.size() == 1);
  CHECK(traced[1].size() == 1);
  CHECK(traced[1][0].holes.size() == 1);
  CHECK(traced[2].size() == 1);
  CHECK(traced[2][0].holes.size() == 1);
  const Picture island = parse(pictures[2]);
  const auto traced2 =
      graphics::trace_objects(island.labels.data(), island.width, island.height, 3);
  REQUIRE(traced2[0].size() == 2);  // the frame and the island in 3's hole
  CHECK(traced2[0][0].holes.size() == 1);
  CHECK(traced2[0][1].holes.empty());
  CHECK(traced2[0][1].outer.points.size() == 4);
}

TEST_CASE("pixels that touch only at a corner are separate, and so are holes that do",
          "[graphics][trace]") {
  SECTION("two diagonal pixels are two polygons touching at a corner") {
    const Picture p = parse({".1", "1."});
    const auto traced = graphics::trace_objects(p.labels.data(), 2, 2, 1);
    CHECK(traced[0].size() == 2);
    CHECK(objects_problem(p, 1) == "");
  }
  SECTION("a checkerboard of two objects is one polygon per pixel") {
    const Picture p = parse({"1212", "2121", "1212", "2121"});
    const auto traced = graphics::trace_objects(p.labels.data(), 4, 4, 2);
    CHECK(traced[0].size() == 8);
    CHECK(traced[1].size() == 8);
    CHECK(objects_problem(p, 2) == "");
  }
  SECTION("a hole open to the outside at a corner is a hole touching the outer ring there") {
    const Picture p = parse({"111", "1.1", "11."});
    const auto traced = graphics::trace_objects(p.labels.data(), 3, 3, 1);
    REQUIRE(traced[0].size() == 1);
    const auto& polygon = traced[0][0];
    CHECK(from_smallest(polygon.outer.points) ==
          std::vector<Point>{{0, 0}, {3, 0}, {3, 2}, {2, 2}, {2, 3}, {0, 3}});
    REQUIRE(polygon.holes.size() == 1);
    CHECK(from_smallest(polygon.holes[0].points) ==
          std::vector<Point>{{1, 1}, {1, 2}, {2, 2}, {2, 1}});
    CHECK(objects_problem(p, 1) == "");
  }
  SECTION("holes that touch each other at corners, and a diagonal chain of pixels") {
    for (const auto& rows : std::vector<std::vector<std::string>>{
             {"11111", "1.1.1", "11.11", "1.1.1", "11111"},
             {"1111", "1.11", "11.1", "1111"},
             {"1...", ".1..", "..1.", "...1"},
             {"1.1.1", ".1.1.", "1.1.1"},
             {"2222", "21.2", "2.12", "2222"},
             {"111", "1.1", "1.1", "1.1", "111", ".1.", "1.1", "111"}}) {
      const Picture p = parse(rows);
      INFO(show(p));
      CHECK(objects_problem(p, 2) == "");
    }
  }
}

TEST_CASE("one-pixel parts, objects along every edge and corner, and the whole picture",
          "[graphics][trace]") {
  for (const auto& rows : std::vector<std::vector<std::string>>{{"1"},
                                                                {"1.2", "...", "3.4"},
                                                                {"1..2", "....", "5..6", "3..4"},
                                                                {"1111", "2..3", "2..3", "4444"},
                                                                {"1111", "1111", "1111"},
                                                                {"1", "1", "1"},
                                                                {"111"},
                                                                {"1.1.1.1"},
                                                                {"2", ".", "2", "2", "."},
                                                                {"12", "34"},
                                                                {".X.", "X1X", ".X."}}) {
    const Picture p = parse(rows);
    INFO(show(p));
    CHECK(objects_problem(p, 9) == "");
  }
  const Picture whole = parse({"111", "111"});
  const auto traced = graphics::trace_objects(whole.labels.data(), 3, 2, 1);
  REQUIRE(traced[0].size() == 1);
  CHECK(from_smallest(traced[0][0].outer.points) ==
        std::vector<Point>{{0, 0}, {3, 0}, {3, 2}, {0, 2}});
}

TEST_CASE("empty pictures, sizes 0 and labels beyond the object count trace to nothing",
          "[graphics][trace]") {
  const auto none = graphics::trace_objects(nullptr, 0, 0, 3);
  CHECK(none.size() == 3);
  CHECK(std::all_of(none.begin(), none.end(), [](const MultiPolygon& m) { return m.empty(); }));
  CHECK(graphics::trace_objects(nullptr, 0, 5, 2).size() == 2);
  CHECK(graphics::trace_objects(nullptr, 5, 0, 2).size() == 2);
  CHECK(graphics::trace_objects(nullptr, 0, 0, 0).empty());
  CHECK(graphics::trace_mask(nullptr, 0, 0).empty());
  const std::vector<std::uint32_t> zeros(12, 0);
  const auto traced = graphics::trace_objects(zeros.data(), 4, 3, 2);
  REQUIRE(traced.size() == 2);
  CHECK(traced[0].empty());
  CHECK(traced[1].empty());
  const std::vector<std::uint8_t> no_mask(12, 0);
  CHECK(graphics::trace_mask(no_mask.data(), 4, 3).empty());
  const std::vector<std::uint32_t> high = {7, 0xffffffffu, 3, 3};
  const auto beyond = graphics::trace_objects(high.data(), 2, 2, 3);
  REQUIRE(beyond.size() == 3);
  CHECK(beyond[0].empty());
  CHECK(beyond[1].empty());
  CHECK(beyond[2].size() == 1);
  CHECK(graphics::trace_objects(high.data(), 2, 2, 0).empty());
}

TEST_CASE("random label fields trace back to exactly their pixels under both fill rules",
          "[graphics][trace]") {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::uint32_t> side(1, 40), count(1, 6);
  for (int i = 0; i < 240; ++i) {
    std::uint32_t w = side(rng), h = side(rng);
    if (i % 10 == 1) w = 1;  // 1 x N
    if (i % 10 == 2) h = 1;  // N x 1
    const std::uint32_t n = count(rng);
    const Picture p = random_picture(rng, w, h, n);
    INFO("picture " << i << ", " << n << " objects\n" << show(p));
    REQUIRE(objects_problem(p, n) == "");
  }
}

TEST_CASE("trace_mask traces the nonzero pixels of a mask", "[graphics][trace]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> side(1, 30);
  std::uniform_int_distribution<int> value(0, 255);
  for (int i = 0; i < 100; ++i) {
    const std::uint32_t w = side(rng), h = side(rng);
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(w) * h);
    for (auto& v : mask) v = value(rng) < 110 ? 0 : static_cast<std::uint8_t>(value(rng));
    std::vector<std::uint8_t> expected(mask.size());
    for (std::size_t k = 0; k < mask.size(); ++k) expected[k] = mask[k] != 0;
    INFO("mask " << i << " " << w << "x" << h);
    REQUIRE(traced_problem(graphics::trace_mask(mask.data(), w, h), expected, w, h) == "");
  }
}

TEST_CASE("simplify with tolerance 0 leaves polygons unchanged", "[graphics][trace][simplify]") {
  const Picture p = parse({"11111", "1.1.1", "1.111", "11..1", "111.."});
  const auto traced = graphics::trace_objects(p.labels.data(), p.width, p.height, 1);
  for (double tolerance : {0.0, -1.0, std::nan("")}) {
    const auto same = graphics::simplify(traced[0], tolerance);
    REQUIRE(same.size() == traced[0].size());
    for (std::size_t i = 0; i < same.size(); ++i) {
      CHECK(same[i].outer.points == traced[0][i].outer.points);
      REQUIRE(same[i].holes.size() == traced[0][i].holes.size());
      for (std::size_t j = 0; j < same[i].holes.size(); ++j)
        CHECK(same[i].holes[j].points == traced[0][i].holes[j].points);
    }
  }
}

TEST_CASE("simplify turns a staircase into a diagonal, within tolerance",
          "[graphics][trace][simplify]") {
  // A right triangle of pixels: x <= y, its hypotenuse a staircase of 2 * 20 corners.
  const std::uint32_t n = 20;
  std::vector<std::uint8_t> mask(n * n, 0);
  for (std::uint32_t y = 0; y < n; ++y)
    for (std::uint32_t x = 0; x <= y; ++x) mask[y * n + x] = 1;
  const auto traced = graphics::trace_mask(mask.data(), n, n);
  REQUIRE(traced.size() == 1);
  CHECK(traced[0].outer.points.size() == 2 * n + 2);
  const auto simplified = graphics::simplify(traced, 1.0);
  REQUIRE(simplified.size() == 1);
  CHECK(simplified[0].outer.points.size() <= 4);
  CHECK(graphics::is_valid(simplified));
  CHECK(signed_area(simplified[0].outer) > 0);
  CHECK(std::abs(area(simplified) - area(traced)) <= n);
  for (const Point& v : simplified[0].outer.points)
    CHECK(distance_to_rings(v, {traced[0].outer}) <= 1.0);
  for (const Point& v : traced[0].outer.points)
    CHECK(distance_to_rings(v, {simplified[0].outer}) <= 1.0);
}

TEST_CASE("simplified random regions stay valid and within tolerance of the traced ones",
          "[graphics][trace][simplify]") {
  std::mt19937 rng(99);
  std::uniform_int_distribution<std::uint32_t> side(2, 48), count(1, 5);
  for (int i = 0; i < 80; ++i) {
    const std::uint32_t w = side(rng), h = side(rng), n = count(rng);
    const Picture p = random_picture(rng, w, h, n);
    const auto traced = graphics::trace_objects(p.labels.data(), w, h, n);
    for (double tolerance : {0.5, 1.0, 1.5, 3.0, 7.5}) {
      for (std::uint32_t o = 0; o < n; ++o) {
        INFO("picture " << i << ", object " << o << ", tolerance " << tolerance << "\n" << show(p));
        const auto simplified = graphics::simplify(traced[o], tolerance);
        std::string why;
        REQUIRE(graphics::is_valid(simplified, &why));
        CHECK(vertex_count(simplified) <= vertex_count(traced[o]));
        std::vector<Polyline> before = graphics::to_subpaths(traced[o]);
        for (const Polyline& ring : graphics::to_subpaths(simplified))
          for (const Point& v : ring.points) REQUIRE(distance_to_rings(v, before) <= tolerance);
        for (const auto& polygon : simplified) {
          CHECK(signed_area(polygon.outer) > 0);
          for (const Polyline& hole : polygon.holes) CHECK(signed_area(hole) < 0);
        }
        // Polygon by polygon, the traced vertices lie within tolerance of what replaced them.
        for (const auto& polygon : traced[o]) {
          const auto alone = graphics::simplify({polygon}, tolerance);
          if (alone.size() != 1 || alone[0].holes.size() != polygon.holes.size()) continue;
          const auto after = graphics::to_subpaths(alone);
          for (const Polyline& ring : graphics::to_subpaths({polygon}))
            for (const Point& v : ring.points) REQUIRE(distance_to_rings(v, after) <= tolerance);
        }
      }
    }
  }
}

TEST_CASE("simplify drops rings that collapse", "[graphics][trace][simplify]") {
  const Picture p = parse({"1..22222", "...2...2", "...2.2.2", "...2...2", "...22222"});
  const auto traced = graphics::trace_objects(p.labels.data(), p.width, p.height, 2);
  CHECK(graphics::simplify(traced[0], 2.0).empty());  // one pixel: gone
  const auto frame = graphics::simplify(traced[1], 1.0);
  REQUIRE(frame.size() == 1);
  CHECK(frame[0].holes.size() == 1);  // the island is gone, the hole it sat in is not
  CHECK(graphics::simplify(traced[1], 100.0).empty());
}

TEST_CASE("unite merges touching squares into one polygon of their summed area",
          "[graphics][trace][unite]") {
  const Picture p = parse({"1122", "1122", "3.44"});
  const auto traced = graphics::trace_objects(p.labels.data(), p.width, p.height, 4);
  const auto two = graphics::unite({traced[0], traced[1]});
  REQUIRE(two.size() == 1);
  CHECK(two[0].holes.empty());
  CHECK(from_smallest(two[0].outer.points) == std::vector<Point>{{0, 0}, {4, 0}, {4, 2}, {0, 2}});
  CHECK(area(two) == area(traced[0]) + area(traced[1]));
  const auto all = graphics::unite({traced[0], traced[1], traced[2], traced[3]});
  CHECK(area(all) == 11);
  CHECK(graphics::is_valid(all));
  CHECK(graphics::unite({}).empty());
  CHECK(graphics::unite({{}, traced[2]}).size() == 1);
}

TEST_CASE("unite keeps the holes no other region covers", "[graphics][trace][unite]") {
  const Picture p = parse({"11111.", "1...12", "1.3.12", "1...1.", "11111."});
  const auto traced = graphics::trace_objects(p.labels.data(), p.width, p.height, 3);
  const auto ring_and_bar = graphics::unite({traced[0], traced[1]});
  REQUIRE(ring_and_bar.size() == 1);
  CHECK(ring_and_bar[0].holes.size() == 1);
  CHECK(area(ring_and_bar) == 16 + 2);
  // The island sits in the hole without filling it: the hole stays, the island is a polygon.
  const auto with_island = graphics::unite({traced[0], traced[2]});
  CHECK(with_island.size() == 2);
  CHECK(area(with_island) == 17);
  CHECK(traced_problem(
            with_island,
            [&] {
              auto m = mask_of(p, 1);
              m[2 * 6 + 2] = 1;
              return m;
            }(),
            p.width, p.height) == "");
}

TEST_CASE("the union of touching objects is the trace of their pixels",
          "[graphics][trace][unite]") {
  std::mt19937 rng(4242);
  std::uniform_int_distribution<std::uint32_t> side(1, 32), count(2, 6);
  for (int i = 0; i < 120; ++i) {
    const std::uint32_t w = side(rng), h = side(rng), n = count(rng);
    const Picture p = random_picture(rng, w, h, n);
    const auto traced = graphics::trace_objects(p.labels.data(), w, h, n);
    std::vector<MultiPolygon> chosen;
    std::vector<std::uint8_t> expected(p.labels.size(), 0);
    std::bernoulli_distribution pick(0.6);
    for (std::uint32_t o = 0; o < n; ++o) {
      if (!pick(rng)) continue;
      chosen.push_back(traced[o]);
      for (std::size_t k = 0; k < expected.size(); ++k) expected[k] |= p.labels[k] == o + 1;
    }
    INFO("picture " << i << "\n" << show(p));
    const auto united = graphics::unite(chosen);
    REQUIRE(traced_problem(united, expected, w, h) == "");
    CHECK(area(united) == area(graphics::trace_mask(expected.data(), w, h)));
  }
}
