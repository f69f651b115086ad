#include "imagery/overlay/series.h"

#include <string>

#include "imagery/core/error.h"
#include "imagery/core/thread_pool.h"

namespace imagery::overlay {

namespace {

// One pixel of interleaved colour imagery, moved as a unit when slicing.
struct Rgb3 {
  std::uint8_t v[3];
};
static_assert(sizeof(Rgb3) == 3);

void check_dim(int dim) {
  if (dim < 0 || dim > 2)
    fail(ErrorCode::kInvalidArgument, "dim must be 0, 1 or 2, not " + std::to_string(dim));
}

// Copies slice `index` along `dim` of an x-fastest (X, Y, Z) volume into a picture, rows = the
// later remaining axis.
template <class T>
void extract_slice(const T* volume, const Shape4& shape, int dim, std::int64_t index, T* out) {
  const std::int64_t X = shape.x, Y = shape.y, Z = shape.z;
  if (dim == 2) {
    std::copy(volume + index * X * Y, volume + (index + 1) * X * Y, out);
  } else if (dim == 1) {  // picture columns x, rows z
    for (std::int64_t z = 0; z < Z; ++z)
      std::copy(volume + X * (index + Y * z), volume + X * (index + Y * z) + X, out + z * X);
  } else {  // picture columns y, rows z
    for (std::int64_t z = 0; z < Z; ++z)
      for (std::int64_t y = 0; y < Y; ++y) out[z * Y + y] = volume[index + X * (y + Y * z)];
  }
}

}  // namespace

std::pair<std::uint32_t, std::uint32_t> slice_size(const Shape4& shape, int dim) {
  check_dim(dim);
  if (dim == 0) return {static_cast<std::uint32_t>(shape.y), static_cast<std::uint32_t>(shape.z)};
  if (dim == 1) return {static_cast<std::uint32_t>(shape.x), static_cast<std::uint32_t>(shape.z)};
  return {static_cast<std::uint32_t>(shape.x), static_cast<std::uint32_t>(shape.y)};
}

std::int64_t slice_count(const Shape4& shape, int dim) {
  check_dim(dim);
  return dim == 0 ? shape.x : dim == 1 ? shape.y : shape.z;
}

std::vector<Image> composite_series(const ObjectLabels& labels,
                                    const std::vector<palettes::Rgb8>& colors,
                                    const std::vector<std::uint8_t>& grey, int dim,
                                    const CompositeOptions& options, ThreadPool* pool,
                                    const std::vector<std::uint8_t>* rgb) {
  const Shape4& shape = labels.shape();
  if (rgb && rgb->size() != 3 * labels.ranks().size())
    fail(ErrorCode::kInvalidArgument, "colour imagery and segmentation differ in size");
  if (!grey.empty() && grey.size() != labels.ranks().size())
    fail(ErrorCode::kInvalidArgument, "imagery and segmentation differ in size");
  if (colors.size() < labels.object_count())
    fail(ErrorCode::kInvalidArgument, std::to_string(colors.size()) + " colours for " +
                                          std::to_string(labels.object_count()) + " objects");
  // Plain variables, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const auto slice = slice_size(shape, dim);
  const auto w = slice.first, h = slice.second;
  const std::int64_t count = slice_count(shape, dim);
  std::vector<Image> pictures(static_cast<std::size_t>(count));
  auto draw = [&](std::size_t i) {
    const auto index = static_cast<std::int64_t>(i);
    const std::size_t n = static_cast<std::size_t>(w) * h;
    const std::uint32_t* ranks = labels.ranks().data();
    const std::uint8_t* g = grey.empty() ? nullptr : grey.data();
    std::vector<std::uint32_t> rank_slice;
    std::vector<std::uint8_t> grey_slice;
    const std::uint8_t* c = rgb ? rgb->data() : nullptr;
    std::vector<Rgb3> rgb_slice;
    if (dim == 2) {  // already contiguous
      ranks += index * static_cast<std::int64_t>(n);
      if (g) g += index * static_cast<std::int64_t>(n);
      if (c) c += 3 * index * static_cast<std::int64_t>(n);
    } else {
      rank_slice.resize(n);
      extract_slice(labels.ranks().data(), shape, dim, index, rank_slice.data());
      ranks = rank_slice.data();
      if (g) {
        grey_slice.resize(n);
        extract_slice(grey.data(), shape, dim, index, grey_slice.data());
        g = grey_slice.data();
      }
      if (c) {
        rgb_slice.resize(n);
        extract_slice(reinterpret_cast<const Rgb3*>(rgb->data()), shape, dim, index,
                      rgb_slice.data());
        c = reinterpret_cast<const std::uint8_t*>(rgb_slice.data());
      }
    }
    pictures[i] = composite_picture(ranks, w, h, colors, g, options, c);
  };
  if (count == 1)
    draw(0);
  else
    parallel_for(pool, pictures.size(), draw);
  return pictures;
}

}  // namespace imagery::overlay
