// ObjectRuns: each object of a label picture as horizontal runs, so that one object's outer
// outline (its dilation by an L1 diamond minus itself) can be visited without a full-size mask.
// The work for object k grows with its rows x the outline width, not with the picture size,
// which keeps the whole composite at pixels x width rather than pixels x objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace imagery::overlay {

class ObjectRuns {
 public:
  // `ranks` is a w x h picture of 0 (nothing) or 1 + object index, for `object_count` objects.
  ObjectRuns(const std::uint32_t* ranks, std::uint32_t w, std::uint32_t h,
             std::size_t object_count);

  // Calls fn(y, x0, x1) for disjoint half-open row intervals, ascending in y then x, that cover
  // exactly the pixels within L1 distance `radius` of object `index` (the object included).
  void for_each_dilated_interval(
      std::size_t index, std::uint32_t radius,
      const std::function<void(std::uint32_t y, std::uint32_t x0, std::uint32_t x1)>& fn) const;

 private:
  struct Run {
    std::uint32_t x0, x1;
  };
  struct Row {
    std::uint32_t y;
    std::uint32_t begin, end;  // into runs_
  };
  struct Object {
    std::vector<Run> runs;
    std::vector<Row> rows;  // rows with at least one run, ascending
  };
  std::uint32_t w_, h_;
  std::vector<Object> objects_;
};

}  // namespace imagery::overlay
