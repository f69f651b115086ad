#include "imagery/graphics/polygon_ops.h"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <cmath>
#include <optional>
#include <utility>

namespace imagery::graphics {

namespace {

namespace bg = boost::geometry;
// Counter-clockwise in Boost's (y up) sense is positive signed area, our outer-ring orientation;
// closed rings, since not every Boost algorithm accepts open ones.
using BPoint = bg::model::d2::point_xy<double>;
using BPolygon = bg::model::polygon<BPoint, false, true>;
using BMulti = bg::model::multi_polygon<BPolygon>;
using BBox = bg::model::box<BPoint>;

void to_boost_ring(const Polyline& line, BPolygon::ring_type& ring) {
  ring.clear();
  ring.reserve(line.points.size() + 1);
  for (const Point& p : line.points) ring.emplace_back(p.x, p.y);
  if (!line.points.empty()) ring.emplace_back(line.points.front().x, line.points.front().y);
}

BPolygon to_boost(const PolygonWithHoles& polygon) {
  BPolygon out;
  to_boost_ring(polygon.outer, out.outer());
  out.inners().resize(polygon.holes.size());
  for (std::size_t i = 0; i < polygon.holes.size(); ++i)
    to_boost_ring(polygon.holes[i], out.inners()[i]);
  return out;
}

BMulti to_boost(const MultiPolygon& polygons) {
  BMulti out;
  out.reserve(polygons.size());
  for (const PolygonWithHoles& p : polygons) out.push_back(to_boost(p));
  return out;
}

double cross(const Point& a, const Point& b, const Point& c) {
  return (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
}

// Whether b lies on the straight run from a to c (not a spike turning back).
bool straight(const Point& a, const Point& b, const Point& c) {
  return cross(a, b, c) == 0 && (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y) > 0;
}

// The ring without repeated points and without vertices where it runs straight on.
std::vector<Point> drop_straight_vertices(const std::vector<Point>& in) {
  std::vector<Point> out;
  out.reserve(in.size());
  for (const Point& p : in) {
    if (!out.empty() && out.back() == p) continue;
    while (out.size() >= 2 && straight(out[out.size() - 2], out.back(), p)) out.pop_back();
    out.push_back(p);
  }
  while (out.size() >= 2 && out.back() == out.front()) out.pop_back();
  // Around the seam between the last point and the first.
  for (bool changed = true; changed && out.size() >= 3;) {
    changed = false;
    if (straight(out[out.size() - 2], out.back(), out.front())) {
      out.pop_back();
      changed = true;
    } else if (straight(out.back(), out.front(), out[1])) {
      out.erase(out.begin());
      changed = true;
    }
  }
  return out;
}

Polyline from_boost_ring(const BPolygon::ring_type& ring) {
  std::vector<Point> points;
  points.reserve(ring.size());
  for (const BPoint& p : ring) points.push_back({p.x(), p.y()});
  return {drop_straight_vertices(points), true};
}

double signed_area2(const std::vector<Point>& ring) {
  double sum = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const Point& a = ring[i];
    const Point& b = ring[(i + 1) % ring.size()];
    sum += a.x * b.y - b.x * a.y;
  }
  return sum;
}

double distance_to_segment(const Point& p, const Point& a, const Point& b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// Douglas-Peucker on a closed ring, split at its first vertex and the vertex farthest from it;
// an explicit stack, since traced rings of noise can have hundreds of thousands of vertices.
// nullopt when the ring collapses.
std::optional<Polyline> simplify_ring(const Polyline& line, double tolerance) {
  const std::vector<Point>& ring = line.points;
  const std::size_t n = ring.size();
  if (n < 3) return std::nullopt;
  std::size_t far = 0;
  double far_distance = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const double d = std::hypot(ring[i].x - ring[0].x, ring[i].y - ring[0].y);
    if (d > far_distance) {
      far_distance = d;
      far = i;
    }
  }
  if (far == 0) return std::nullopt;
  std::vector<bool> keep(n, false);
  keep[0] = keep[far] = true;
  std::vector<std::pair<std::size_t, std::size_t>> spans = {{0, far}, {far, n}};
  while (!spans.empty()) {
    const auto [first, last] = spans.back();  // last == n stands for vertex 0
    spans.pop_back();
    const Point& a = ring[first];
    const Point& b = ring[last % n];
    std::size_t worst = first;
    double worst_distance = tolerance;
    for (std::size_t i = first + 1; i < last; ++i) {
      const double d = distance_to_segment(ring[i], a, b);
      if (d > worst_distance) {
        worst_distance = d;
        worst = i;
      }
    }
    if (worst == first) continue;
    keep[worst] = true;
    spans.emplace_back(first, worst);
    spans.emplace_back(worst, last);
  }
  std::vector<Point> kept;
  for (std::size_t i = 0; i < n; ++i)
    if (keep[i]) kept.push_back(ring[i]);
  kept = drop_straight_vertices(kept);
  const double before = signed_area2(ring), after = signed_area2(kept);
  if (kept.size() < 3 || after == 0 || (after > 0) != (before > 0)) return std::nullopt;
  return Polyline{std::move(kept), true};
}

std::optional<PolygonWithHoles> simplify_polygon(const PolygonWithHoles& polygon,
                                                 double tolerance) {
  auto outer = simplify_ring(polygon.outer, tolerance);
  if (!outer) return std::nullopt;
  PolygonWithHoles out{std::move(*outer), {}};
  for (const Polyline& hole : polygon.holes)
    if (auto simplified = simplify_ring(hole, tolerance))
      out.holes.push_back(std::move(*simplified));
  return out;
}

// The polygon simplified at the largest of tolerance, tolerance / 2, ... tolerance / 64 that keeps
// it valid, or unchanged; nullopt when it collapses.
std::optional<PolygonWithHoles> simplify_valid(const PolygonWithHoles& polygon, double tolerance) {
  for (int halvings = 0; halvings <= 6; ++halvings, tolerance /= 2) {
    auto simplified = simplify_polygon(polygon, tolerance);
    if (!simplified) return std::nullopt;
    if (bg::is_valid(to_boost(*simplified))) return simplified;
  }
  return polygon;
}

// GCC 12 warns that Boost 1.74's rescale policy may copy an uninitialised factor: Boost leaves it
// unset only when both geometries are empty (get_rescale_policy.hpp), and unite() passes no empty
// part. The warning is silenced for this one call only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
BMulti union_of(const BMulti& a, const BMulti& b) {
  BMulti out;
  bg::union_(a, b, out);
  return out;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace

MultiPolygon simplify(const MultiPolygon& polygons, double tolerance) {
  if (!(tolerance > 0)) return polygons;
  std::vector<std::optional<PolygonWithHoles>> simplified;
  simplified.reserve(polygons.size());
  for (const PolygonWithHoles& p : polygons) simplified.push_back(simplify_valid(p, tolerance));

  auto gather = [&] {
    MultiPolygon out;
    for (auto& p : simplified)
      if (p) out.push_back(*p);
    return out;
  };
  MultiPolygon out = gather();
  if (out.size() < 2 || is_valid(out)) return out;

  // Simplified polygons that now overlap go back to their original shape (the originals do not
  // overlap); repeated, since an original can overlap a neighbour's simplified shape. Boxes sorted
  // by left edge keep the pairs to test few.
  std::vector<bool> original(polygons.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::pair<BBox, std::size_t>> boxes;
    for (std::size_t i = 0; i < polygons.size(); ++i)
      if (simplified[i]) boxes.emplace_back(bg::return_envelope<BBox>(to_boost(*simplified[i])), i);
    std::sort(boxes.begin(), boxes.end(), [](const auto& a, const auto& b) {
      return a.first.min_corner().x() < b.first.min_corner().x();
    });
    for (std::size_t a = 0; a < boxes.size(); ++a) {
      for (std::size_t b = a + 1; b < boxes.size(); ++b) {
        if (boxes[b].first.min_corner().x() > boxes[a].first.max_corner().x()) break;
        if (!bg::intersects(boxes[a].first, boxes[b].first)) continue;
        const std::size_t i = boxes[a].second, j = boxes[b].second;
        if (original[i] && original[j]) continue;
        BMulti pair = {to_boost(*simplified[i]), to_boost(*simplified[j])};
        if (bg::is_valid(pair)) continue;
        for (std::size_t k : {i, j}) {
          if (original[k]) continue;
          simplified[k] = polygons[k];
          original[k] = true;
          changed = true;
        }
      }
    }
  }
  return gather();
}

MultiPolygon unite(const std::vector<MultiPolygon>& regions) {
  // Pairwise in a balanced tree: merging each region into one growing result would redo the
  // growing result's edges every time.
  std::vector<BMulti> parts;
  for (const MultiPolygon& region : regions) {
    BMulti part;
    for (const PolygonWithHoles& p : region) {
      if (p.outer.points.size() < 3) continue;
      part.push_back(to_boost(p));
    }
    if (part.empty()) continue;
    bg::correct(part);
    parts.push_back(std::move(part));
  }
  while (parts.size() > 1) {
    std::vector<BMulti> merged;
    merged.reserve((parts.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
      merged.push_back(union_of(parts[i], parts[i + 1]));
    }
    if (parts.size() % 2 == 1) merged.push_back(std::move(parts.back()));
    parts = std::move(merged);
  }
  MultiPolygon out;
  if (parts.empty()) return out;
  // A single region went through no union: it is returned as given (minus straight vertices).
  for (const BPolygon& p : parts.front()) {
    PolygonWithHoles polygon{from_boost_ring(p.outer()), {}};
    if (polygon.outer.points.size() < 3) continue;
    for (const auto& hole : p.inners()) {
      Polyline ring = from_boost_ring(hole);
      if (ring.points.size() >= 3) polygon.holes.push_back(std::move(ring));
    }
    out.push_back(std::move(polygon));
  }
  return out;
}

std::vector<Polyline> to_subpaths(const MultiPolygon& polygons) {
  std::vector<Polyline> out;
  for (const PolygonWithHoles& p : polygons) {
    out.push_back(p.outer);
    out.back().closed = true;
    for (const Polyline& hole : p.holes) {
      out.push_back(hole);
      out.back().closed = true;
    }
  }
  return out;
}

bool is_valid(const MultiPolygon& polygons, std::string* reason) {
  const BMulti multi = to_boost(polygons);
  if (reason == nullptr) return bg::is_valid(multi);
  return bg::is_valid(multi, *reason);
}

}  // namespace imagery::graphics
