#include "imagery/graphics/trace_labels.h"

#include <cstddef>
#include <limits>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace imagery::graphics {

namespace {

// A pixel corner: vertex (x, y) is the top-left corner of pixel (x, y).
struct Corner {
  std::int64_t x = 0, y = 0;
};

// Headings in clockwise order on screen, so that a right turn is +1 and a left turn +3 (mod 4).
enum Heading : int { kEast = 0, kSouth = 1, kWest = 2, kNorth = 3 };
constexpr std::int64_t kStepX[4] = {1, 0, -1, 0};
constexpr std::int64_t kStepY[4] = {0, 1, 0, -1};
// The two pixels just ahead of a vertex, on the right and on the left of the heading, as offsets
// from the vertex.
constexpr std::int64_t kAheadRightX[4] = {0, -1, -1, 0};
constexpr std::int64_t kAheadRightY[4] = {0, 0, -1, -1};
constexpr std::int64_t kAheadLeftX[4] = {0, 0, -1, -1};
constexpr std::int64_t kAheadLeftY[4] = {-1, 0, 0, -1};

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct Ring {
  std::uint32_t label = 0;
  std::size_t begin = 0, end = 0;  // its corners in Tracer::corners_
  bool outer = false;              // positive signed area; otherwise a hole
  std::uint32_t owner = kNone;     // a hole's outer ring (the outer ring of the same component)
};

// Traces every boundary of every label 1..count: a raster scan finds, for each ring, an unvisited
// top edge of a labelled pixel (every ring has one), and the ring is followed from there with the
// label on its right. At a corner where a label holds two diagonal pixels only, the walk turns
// right, around the pixel it came along, which is what keeps diagonal pixels apart (4-
// connectivity). A walk can then pass such a corner twice (a hole that reaches the outside only
// through a corner, or two holes that touch at one): it is cut there into simple rings, each an
// outer ring or a hole by its orientation.
//
// A hole is given to its outer ring by what lies to its left: the pixel left of the hole's
// leftmost edge belongs to the hole's component, and so does the left edge of that pixel's run
// in its row. That edge's ring is either the component's outer ring or another of its holes,
// which lies further left; following these steps ends at the outer ring. Each run is scanned at
// most once this way (a run ends at one pixel, left of one hole), so the cost stays linear.
template <class Pixel, class Key>
class Tracer {
 public:
  Tracer(const Pixel* pixels, std::uint32_t width, std::uint32_t height, std::uint32_t count,
         Key key)
      : pixels_(pixels), width_(width), height_(height), count_(count), key_(key) {}

  std::vector<MultiPolygon> run() {
    std::vector<MultiPolygon> out(count_);
    if (width_ == 0 || height_ == 0 || count_ == 0 || pixels_ == nullptr) return out;
    const std::size_t size = static_cast<std::size_t>(width_) * height_;
    visited_.assign(size, 0);
    // Read only where a walk wrote it (every left edge of a run of a traced label is walked).
    ring_at_ = std::make_unique_for_overwrite<std::uint32_t[]>(size);
    max_steps_ = size <= std::numeric_limits<std::size_t>::max() / 8
                     ? 4 * size + 8
                     : std::numeric_limits<std::size_t>::max();
    scan();
    for (std::uint32_t r = 0; r < rings_.size(); ++r)
      if (!rings_[r].outer) resolve_owner(r);
    return collect(std::move(out));
  }

 private:
  std::uint32_t label_at(std::int64_t x, std::int64_t y) const {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) return 0;
    return key_(pixels_[static_cast<std::size_t>(y) * width_ + static_cast<std::size_t>(x)]);
  }
  std::size_t index(std::int64_t x, std::int64_t y) const {
    return static_cast<std::size_t>(y) * width_ + static_cast<std::size_t>(x);
  }

  void scan() {
    for (std::uint32_t y = 0; y < height_; ++y) {
      const Pixel* row = pixels_ + static_cast<std::size_t>(y) * width_;
      const Pixel* above = y > 0 ? row - width_ : nullptr;
      for (std::uint32_t x = 0; x < width_; ++x) {
        const std::uint32_t label = key_(row[x]);
        if (label == 0 || label > count_) continue;
        if (above != nullptr && key_(above[x]) == label) continue;
        if (visited_[index(x, y)] != 0) continue;
        walk(x, y, label);
      }
    }
  }

  // Follows the boundary through the top edge of pixel (x0, y0) until it closes.
  void walk(std::int64_t x0, std::int64_t y0, std::uint32_t label) {
    const std::size_t begin = corners_.size();
    const auto walk_id = static_cast<std::uint32_t>(rings_.size());
    saddles_.clear();
    bool any_saddle = false;
    std::int64_t x = x0 + 1, y = y0;
    int heading = kEast;
    visited_[index(x0, y0)] = 1;
    for (std::size_t steps = 1;; ++steps) {
      if (steps > max_steps_)
        throw std::logic_error("trace_objects: a boundary walk did not close");
      // Around the pixel on our right when the pixel ahead on the right is not ours (also at a
      // diagonal corner, whatever is ahead on the left), straight on along the pixel ahead when
      // the one ahead on the left is not ours, and left when both are.
      int next = heading;
      bool saddle = false;
      if (label_at(x + kAheadRightX[heading], y + kAheadRightY[heading]) != label) {
        next = (heading + 1) & 3;
        saddle = label_at(x + kAheadLeftX[heading], y + kAheadLeftY[heading]) == label;
      } else if (label_at(x + kAheadLeftX[heading], y + kAheadLeftY[heading]) == label) {
        next = (heading + 3) & 3;
      }
      if (next != heading) {
        corners_.push_back({x, y});
        saddles_.push_back(saddle);
        any_saddle = any_saddle || saddle;
      }
      if (x == x0 && y == y0 && next == kEast) break;
      heading = next;
      if (heading == kEast) {
        visited_[index(x, y)] = 1;
      } else if (heading == kNorth) {
        ring_at_[index(x, y - 1)] = walk_id;
      }
      x += kStepX[heading];
      y += kStepY[heading];
    }
    if (!any_saddle) {
      add_ring(label, begin, corners_.size());
    } else {
      split(label, begin);
    }
  }

  // Cuts the walk that starts at corners_[begin] into simple rings at the corners it passes
  // twice (only diagonal corners can be passed twice, each at most twice).
  void split(std::uint32_t label, std::size_t begin) {
    walk_corners_.assign(corners_.begin() + static_cast<std::ptrdiff_t>(begin), corners_.end());
    corners_.resize(begin);
    stack_.clear();
    stack_saddles_.clear();
    first_visit_.clear();
    auto key = [](const Corner& c) {
      return (static_cast<std::uint64_t>(c.x) << 32) | static_cast<std::uint64_t>(c.y);
    };
    for (std::size_t i = 0; i < walk_corners_.size(); ++i) {
      const Corner c = walk_corners_[i];
      if (saddles_[i]) {
        auto [it, inserted] = first_visit_.try_emplace(key(c), stack_.size());
        if (!inserted) {
          const std::size_t k = it->second;
          for (std::size_t j = k + 1; j < stack_.size(); ++j)
            if (stack_saddles_[j]) first_visit_.erase(key(stack_[j]));
          emit(label, k);
          continue;
        }
      }
      stack_.push_back(c);
      stack_saddles_.push_back(saddles_[i]);
    }
    emit(label, 0);
  }

  // Makes stack_[k..] a ring and keeps stack_[k], where the walk goes on.
  void emit(std::uint32_t label, std::size_t k) {
    const std::size_t begin = corners_.size();
    corners_.insert(corners_.end(), stack_.begin() + static_cast<std::ptrdiff_t>(k), stack_.end());
    stack_.resize(k + 1);
    stack_saddles_.resize(k + 1);
    const auto id = static_cast<std::uint32_t>(rings_.size());
    add_ring(label, begin, corners_.size());
    // The walk stamped its own id on its left edges; they now belong to the pieces.
    const std::size_t n = corners_.size() - begin;
    for (std::size_t i = 0; i < n; ++i) {
      const Corner& a = corners_[begin + i];
      const Corner& b = corners_[begin + (i + 1) % n];
      if (a.x == b.x && b.y < a.y)
        for (std::int64_t y = b.y; y < a.y; ++y) ring_at_[index(a.x, y)] = id;
    }
  }

  void add_ring(std::uint32_t label, std::size_t begin, std::size_t end) {
    // Twice the signed area, exact: each product is at most width * height.
    std::int64_t area2 = 0;
    const std::size_t n = end - begin;
    for (std::size_t i = 0; i < n; ++i) {
      const Corner& a = corners_[begin + i];
      const Corner& b = corners_[begin + (i + 1) % n];
      area2 += a.x * b.y - b.x * a.y;
    }
    // Ring ids are 32-bit (kNone excluded): more rings need a picture of over 2^32 pixels.
    if (rings_.size() >= kNone) throw std::length_error("trace_objects: more than 2^32 - 1 rings");
    rings_.push_back({label, begin, end, area2 > 0, kNone});
  }

  // The ring whose edge is the left end of the run of pixels just left of hole h.
  std::uint32_t ring_left_of(std::uint32_t h) const {
    const Ring& ring = rings_[h];
    const std::size_t n = ring.end - ring.begin;
    std::int64_t left = std::numeric_limits<std::int64_t>::max(), row = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const Corner& a = corners_[ring.begin + i];
      const Corner& b = corners_[ring.begin + (i + 1) % n];
      // A hole's leftmost edges all run down (its inside, not the label, is on their right).
      if (a.x == b.x && b.y > a.y && a.x < left) {
        left = a.x;
        row = a.y;
      }
    }
    if (left < 1 || label_at(left - 1, row) != ring.label)
      throw std::logic_error("trace_objects: a hole without its label on its left");
    std::int64_t start = left - 1;
    while (start > 0 && label_at(start - 1, row) == ring.label) --start;
    const std::uint32_t found = ring_at_[index(start, row)];
    if (found >= rings_.size() || found == h || rings_[found].label != ring.label)
      throw std::logic_error("trace_objects: a hole's left neighbour is not its label's ring");
    return found;
  }

  void resolve_owner(std::uint32_t h) {
    chain_.clear();
    std::uint32_t r = h;
    while (!rings_[r].outer && rings_[r].owner == kNone) {
      if (chain_.size() > rings_.size())
        throw std::logic_error("trace_objects: holes refer to each other in a cycle");
      chain_.push_back(r);
      r = ring_left_of(r);
    }
    const std::uint32_t root = rings_[r].outer ? r : rings_[r].owner;
    for (std::uint32_t c : chain_) rings_[c].owner = root;
  }

  Polyline polyline(const Ring& ring) const {
    Polyline line;
    line.points.reserve(ring.end - ring.begin);
    for (std::size_t i = ring.begin; i < ring.end; ++i)
      line.points.push_back(
          {static_cast<double>(corners_[i].x), static_cast<double>(corners_[i].y)});
    line.closed = true;
    return line;
  }

  std::vector<MultiPolygon> collect(std::vector<MultiPolygon> out) const {
    std::vector<std::uint32_t> polygon_of(rings_.size(), kNone);
    for (std::uint32_t r = 0; r < rings_.size(); ++r) {
      const Ring& ring = rings_[r];
      if (!ring.outer) continue;
      MultiPolygon& polygons = out[ring.label - 1];
      polygon_of[r] = static_cast<std::uint32_t>(polygons.size());
      polygons.push_back({polyline(ring), {}});
    }
    for (const Ring& ring : rings_) {
      if (ring.outer) continue;
      out[ring.label - 1][polygon_of[ring.owner]].holes.push_back(polyline(ring));
    }
    return out;
  }

  const Pixel* pixels_;
  std::uint32_t width_, height_, count_;
  Key key_;
  std::size_t max_steps_ = 0;
  std::vector<std::uint8_t> visited_;  // per pixel: its top edge has been walked
  // Per pixel starting a run: the ring of its left edge.
  std::unique_ptr<std::uint32_t[]> ring_at_;
  std::vector<Corner> corners_;
  std::vector<Ring> rings_;
  // Scratch space of walk() and split(), kept to avoid allocating per ring.
  std::vector<bool> saddles_, stack_saddles_;
  std::vector<Corner> walk_corners_, stack_;
  std::unordered_map<std::uint64_t, std::size_t> first_visit_;
  std::vector<std::uint32_t> chain_;
};

template <class Pixel, class Key>
std::vector<MultiPolygon> trace(const Pixel* pixels, std::uint32_t width, std::uint32_t height,
                                std::uint32_t count, Key key) {
  return Tracer<Pixel, Key>(pixels, width, height, count, key).run();
}

}  // namespace

std::vector<MultiPolygon> trace_objects(const std::uint32_t* ranks, std::uint32_t width,
                                        std::uint32_t height, std::uint32_t object_count) {
  return trace(ranks, width, height, object_count, [](std::uint32_t v) { return v; });
}

MultiPolygon trace_mask(const std::uint8_t* mask, std::uint32_t width, std::uint32_t height) {
  auto regions = trace(mask, width, height, 1,
                       [](std::uint8_t v) { return static_cast<std::uint32_t>(v != 0); });
  return std::move(regions.front());
}

}  // namespace imagery::graphics
