// ObjectLabels: a segmentation split into its objects without one mask per object. Each voxel
// holds the rank of its object (1 for the first object, 0 for "not drawn"), objects ordered by
// ascending id in the dtype's own order (unsigned for uint64, so ids above 2^63 sort last; signed
// for int64) as np.unique orders them in ImageryClient. Id 0 is background unless asked for, and
// a root-id filter keeps only the listed ids (ids absent from the volume simply do not appear).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::overlay {

struct SplitOptions {
  // Ids to keep, as 64-bit patterns (a negative id of a signed dtype is its two's complement);
  // nullopt keeps every id.
  std::optional<std::vector<std::uint64_t>> root_ids;
  bool include_zero = false;
};

class ObjectLabels {
 public:
  // `segmentation` holds integers of any width and sign, shape (X, Y, Z) with one channel;
  // throws kInvalidArgument naming `name` otherwise.
  static ObjectLabels split(const Array& segmentation, const SplitOptions& options = {},
                            const std::string& name = "segmentation");

  // Object ids in drawing order, as 64-bit patterns (sign-extended for signed dtypes).
  const std::vector<std::uint64_t>& ids() const { return ids_; }
  std::size_t object_count() const { return ids_.size(); }
  bool is_signed() const { return signed_; }
  // Per voxel, x fastest like the input: 0 or 1 + the object's index in ids().
  const std::vector<std::uint32_t>& ranks() const { return ranks_; }
  const Shape4& shape() const { return shape_; }
  // ImageryClient's per-object mask for object `index`: uint8 0/1, shape (X, Y, Z).
  Array mask(std::size_t index) const;

 private:
  std::vector<std::uint64_t> ids_;
  std::vector<std::uint32_t> ranks_;
  Shape4 shape_;
  bool signed_ = false;
};

}  // namespace imagery::overlay
