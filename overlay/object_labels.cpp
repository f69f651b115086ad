#include "imagery/overlay/object_labels.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "imagery/core/error.h"

namespace imagery::overlay {

namespace {

template <class T>
std::uint64_t id_bits(T v) {
  if constexpr (std::is_signed_v<T>)
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
  else
    return static_cast<std::uint64_t>(v);
}

// Writes, per voxel, the index of its value in first-seen order and returns the distinct values.
// Neighbouring voxels mostly share an id, so the hash map is consulted only where the value
// changes.
template <class T>
std::vector<std::uint64_t> first_seen_indices(const T* values, std::size_t count,
                                              std::vector<std::uint32_t>& out) {
  std::vector<std::uint64_t> distinct;
  std::unordered_map<std::uint64_t, std::uint32_t> index_of;
  out.resize(count);
  bool have_last = false;
  T last{};
  std::uint32_t last_index = 0;
  for (std::size_t i = 0; i < count; ++i) {
    T v = values[i];
    if (!have_last || v != last) {
      auto [it, inserted] =
          index_of.try_emplace(id_bits(v), static_cast<std::uint32_t>(distinct.size()));
      if (inserted) distinct.push_back(id_bits(v));
      last = v;
      last_index = it->second;
      have_last = true;
    }
    out[i] = last_index;
  }
  return distinct;
}

}  // namespace

ObjectLabels ObjectLabels::split(const Array& segmentation, const SplitOptions& options,
                                 const std::string& name) {
  if (!dtype_is_integer(segmentation.dtype()))
    fail(ErrorCode::kInvalidArgument, name + ": a segmentation holds integer ids, not " +
                                          std::string(dtype_name(segmentation.dtype())));
  if (segmentation.shape().c != 1)
    fail(ErrorCode::kInvalidArgument,
         name + ": a segmentation has one channel, not " + std::to_string(segmentation.shape().c));
  ObjectLabels labels;
  labels.shape_ = segmentation.shape();
  labels.signed_ = dtype_is_signed(segmentation.dtype());
  const std::size_t count = static_cast<std::size_t>(segmentation.shape().count());
  std::vector<std::uint64_t> distinct = visit_dtype(segmentation.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_integral_v<T>)
      return first_seen_indices(segmentation.data<T>(), count, labels.ranks_);
    else
      return std::vector<std::uint64_t>{};  // unreachable: rejected above
  });

  std::unordered_set<std::uint64_t> keep;
  if (options.root_ids) keep.insert(options.root_ids->begin(), options.root_ids->end());
  std::vector<std::uint32_t> order;  // first-seen indices of drawn objects
  for (std::uint32_t i = 0; i < distinct.size(); ++i) {
    std::uint64_t id = distinct[i];
    if (id == 0 && !options.include_zero) continue;
    if (options.root_ids && !keep.count(id)) continue;
    order.push_back(i);
  }
  const bool is_signed = labels.signed_;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (is_signed)
      return static_cast<std::int64_t>(distinct[a]) < static_cast<std::int64_t>(distinct[b]);
    return distinct[a] < distinct[b];
  });
  std::vector<std::uint32_t> rank_of(distinct.size(), 0);
  labels.ids_.reserve(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    rank_of[order[r]] = r + 1;
    labels.ids_.push_back(distinct[order[r]]);
  }
  for (std::uint32_t& v : labels.ranks_) v = rank_of[v];
  return labels;
}

Array ObjectLabels::mask(std::size_t index) const {
  if (index >= ids_.size())
    fail(ErrorCode::kInvalidArgument, "object index " + std::to_string(index) +
                                          " is out of range (" + std::to_string(ids_.size()) +
                                          " objects)");
  Array out(DataType::kUint8, {shape_.x, shape_.y, shape_.z, 1});
  std::uint8_t* m = out.data<std::uint8_t>();
  const auto rank = static_cast<std::uint32_t>(index + 1);
  for (std::size_t i = 0; i < ranks_.size(); ++i) m[i] = ranks_[i] == rank ? 1 : 0;
  return out;
}

}  // namespace imagery::overlay
