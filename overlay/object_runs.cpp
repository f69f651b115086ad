#include "imagery/overlay/internal/object_runs.h"

#include <algorithm>

namespace imagery::overlay {

ObjectRuns::ObjectRuns(const std::uint32_t* ranks, std::uint32_t w, std::uint32_t h,
                       std::size_t object_count)
    : w_(w), h_(h), objects_(object_count) {
  for (std::uint32_t y = 0; y < h; ++y) {
    const std::uint32_t* row = ranks + static_cast<std::size_t>(y) * w;
    std::uint32_t x = 0;
    while (x < w) {
      std::uint32_t rank = row[x];
      std::uint32_t start = x;
      while (x < w && row[x] == rank) ++x;
      if (rank == 0) continue;
      Object& obj = objects_[rank - 1];
      if (obj.rows.empty() || obj.rows.back().y != y) {
        auto at = static_cast<std::uint32_t>(obj.runs.size());
        obj.rows.push_back({y, at, at});
      }
      obj.runs.push_back({start, x});
      obj.rows.back().end = static_cast<std::uint32_t>(obj.runs.size());
    }
  }
}

void ObjectRuns::for_each_dilated_interval(
    std::size_t index, std::uint32_t radius,
    const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)>& fn) const {
  const Object& obj = objects_[index];
  if (obj.rows.empty()) return;
  if (std::uint64_t{radius} >= std::uint64_t{w_} + h_) {
    // Every pixel is within reach (width 0, "until nothing changes", ends here): whole rows.
    for (std::uint32_t y = 0; y < h_; ++y) fn(y, 0, w_);
    return;
  }
  const std::int64_t r = radius;
  const std::int64_t y_first = std::max<std::int64_t>(0, obj.rows.front().y - r);
  const std::int64_t y_last = std::min<std::int64_t>(std::int64_t{h_} - 1, obj.rows.back().y + r);
  std::vector<Run> intervals;
  std::size_t lo = 0;  // first source row that can still reach the output row
  for (std::int64_t y = y_first; y <= y_last; ++y) {
    while (lo < obj.rows.size() && obj.rows[lo].y + r < y) ++lo;
    intervals.clear();
    // A run in row ys grows by radius - |y - ys| on both sides: the diamond's width at that row.
    for (std::size_t i = lo; i < obj.rows.size() && obj.rows[i].y <= y + r; ++i) {
      const Row& row = obj.rows[i];
      std::int64_t grow = r - (y > row.y ? y - row.y : row.y - y);
      for (std::uint32_t j = row.begin; j < row.end; ++j) {
        std::int64_t x0 = std::max<std::int64_t>(0, obj.runs[j].x0 - grow);
        std::int64_t x1 = std::min<std::int64_t>(w_, obj.runs[j].x1 + grow);
        intervals.push_back({static_cast<std::uint32_t>(x0), static_cast<std::uint32_t>(x1)});
      }
    }
    if (intervals.empty()) continue;
    std::sort(intervals.begin(), intervals.end(),
              [](const Run& a, const Run& b) { return a.x0 < b.x0; });
    Run current = intervals.front();
    for (std::size_t i = 1; i < intervals.size(); ++i) {
      if (intervals[i].x0 <= current.x1) {
        current.x1 = std::max(current.x1, intervals[i].x1);
      } else {
        fn(static_cast<std::uint32_t>(y), current.x0, current.x1);
        current = intervals[i];
      }
    }
    fn(static_cast<std::uint32_t>(y), current.x0, current.x1);
  }
}

}  // namespace imagery::overlay
