#include "compresso_encoder.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_bytes.h"

namespace imagery::testing {

namespace {

void put(std::vector<std::byte>& out, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i)
    out.push_back(std::byte(static_cast<unsigned>(v >> (8 * i)) & 0xff));
}

template <class T>
std::vector<std::byte> encode(const T* l, std::int64_t sx, std::int64_t sy, std::int64_t sz,
                              const CompressoOptions& o) {
  const bool six = o.connectivity == 6;
  if ((o.connectivity != 4 && !six) || (six && o.version == 1) || o.version < 0 || o.version > 1)
    fail(ErrorCode::kInvalidArgument, "compresso: unsupported connectivity/version");
  const std::int64_t p = std::int64_t{o.xstep} * o.ystep * o.zstep;
  if (p < 1 || p > 64 || o.xstep < 1 || o.ystep < 1 || o.zstep < 1)
    fail(ErrorCode::kInvalidArgument, "compresso: steps must give 1..64 voxels a window");
  const std::int64_t sxy = sx * sy, n = sxy * sz;

  // Boundary voxels: those whose label differs from the next voxel in x or y (or z in 3-D).
  std::vector<std::uint8_t> bnd(static_cast<std::size_t>(n));
  for (std::int64_t z = 0; z < sz; ++z)
    for (std::int64_t y = 0; y < sy; ++y)
      for (std::int64_t x = 0; x < sx; ++x) {
        const std::int64_t i = x + sx * (y + sy * z);
        bnd[i] = (x + 1 < sx && l[i] != l[i + 1]) || (y + 1 < sy && l[i] != l[i + sx]) ||
                 (six && z + 1 < sz && l[i] != l[i + sxy]);
      }

  // Components of the other voxels by flood fill, numbered by first voxel in raster order.
  std::vector<std::uint32_t> comp(static_cast<std::size_t>(n), 0);
  std::vector<T> ids;
  std::vector<std::uint64_t> per_slice(static_cast<std::size_t>(sz), 0);
  std::vector<std::int64_t> stack;
  for (std::int64_t i = 0; i < n; ++i) {
    if (bnd[i] || comp[i]) continue;
    ids.push_back(l[i]);
    const auto id = static_cast<std::uint32_t>(ids.size());
    ++per_slice[static_cast<std::size_t>(i / sxy)];
    comp[i] = id;
    stack.assign(1, i);
    while (!stack.empty()) {
      const std::int64_t j = stack.back();
      stack.pop_back();
      const std::int64_t x = j % sx, y = (j / sx) % sy, z = j / sxy;
      auto visit = [&](bool inside, std::int64_t k) {
        if (inside && !bnd[k] && !comp[k]) {
          comp[k] = id;
          stack.push_back(k);
        }
      };
      visit(x > 0, j - 1);
      visit(x + 1 < sx, j + 1);
      visit(y > 0, j - sx);
      visit(y + 1 < sy, j + sx);
      if (six) {
        visit(z > 0, j - sxy);
        visit(z + 1 < sz, j + sxy);
      }
    }
  }

  // Windows: one bit per voxel of each xstep x ystep x zstep window.
  const int ww = p <= 8 ? 1 : p <= 16 ? 2 : p <= 32 ? 4 : 8;
  const std::int64_t nx = (sx + o.xstep - 1) / o.xstep, ny = (sy + o.ystep - 1) / o.ystep,
                     nz = (sz + o.zstep - 1) / o.zstep;
  std::vector<std::uint64_t> windows(static_cast<std::size_t>(nx * ny * nz), 0);
  for (std::int64_t z = 0; z < sz; ++z)
    for (std::int64_t y = 0; y < sy; ++y)
      for (std::int64_t x = 0; x < sx; ++x)
        if (bnd[x + sx * (y + sy * z)]) {
          const std::int64_t block = x / o.xstep + nx * (y / o.ystep + ny * (z / o.zstep));
          const std::int64_t bit = x % o.xstep + o.xstep * (y % o.ystep + o.ystep * (z % o.zstep));
          windows[block] |= std::uint64_t{1} << bit;
        }
  std::vector<std::uint64_t> values(windows);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  const std::uint64_t max_run =
      (ww == 8 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << (8 * ww)) - 1) /
      2;
  std::vector<std::uint64_t> rle;
  std::uint64_t run = 0;
  for (const std::uint64_t w : windows) {
    const auto k = static_cast<std::uint64_t>(std::lower_bound(values.begin(), values.end(), w) -
                                              values.begin());
    if (k > max_run)
      fail(ErrorCode::kInvalidArgument, "compresso: too many distinct windows for their width");
    if (k == 0) {
      if (++run == max_run) {
        rle.push_back(run << 1 | 1);
        run = 0;
      }
      continue;
    }
    if (run) rle.push_back(run << 1 | 1);
    run = 0;
    rle.push_back(k << 1);
  }
  if (run) rle.push_back(run << 1 | 1);

  // Locations of the boundary voxels no left, upper (or, in 3-D, previous-slice) non-boundary
  // neighbour explains.
  const bool random_access = o.version == 1;
  std::vector<T> locations;
  std::vector<std::uint64_t> first_location;
  for (std::int64_t z = 0; z < sz; ++z) {
    first_location.push_back(locations.size());
    for (std::int64_t y = 0; y < sy; ++y)
      for (std::int64_t x = 0; x < sx; ++x) {
        const std::int64_t i = x + sx * (y + sy * z);
        if (!bnd[i] || (x > 0 && !bnd[i - 1]) || (y > 0 && !bnd[i - sx]) ||
            (six && z > 0 && !bnd[i - sxy]))
          continue;
        auto same = [&](bool inside, std::int64_t k) { return inside && !bnd[k] && l[k] == l[i]; };
        if (same(x > 0, i - 1))
          locations.push_back(0);
        else if (same(x + 1 < sx, i + 1))
          locations.push_back(1);
        else if (same(y > 0, i - sx))
          locations.push_back(2);
        else if (same(y + 1 < sy, i + sx))
          locations.push_back(3);
        else if (!random_access && same(z > 0, i - sxy))
          locations.push_back(4);
        else if (!random_access && same(z + 1 < sz, i + sxy))
          locations.push_back(5);
        else if (l[i] > std::numeric_limits<T>::max() - 7) {
          locations.push_back(6);
          locations.push_back(l[i]);
        } else {
          locations.push_back(static_cast<T>(l[i] + 7));
        }
      }
  }

  std::vector<std::byte> out;
  for (const char c : {'c', 'p', 's', 'o'}) out.push_back(std::byte(c));
  put(out, static_cast<std::uint64_t>(o.version), 1);
  put(out, sizeof(T), 1);
  put(out, static_cast<std::uint64_t>(sx), 2);
  put(out, static_cast<std::uint64_t>(sy), 2);
  put(out, static_cast<std::uint64_t>(sz), 2);
  put(out, static_cast<std::uint64_t>(o.xstep), 1);
  put(out, static_cast<std::uint64_t>(o.ystep), 1);
  put(out, static_cast<std::uint64_t>(o.zstep), 1);
  put(out, ids.size(), 8);
  put(out, values.size(), 4);
  put(out, locations.size(), 8);
  put(out, static_cast<std::uint64_t>(o.connectivity), 1);
  for (const T v : ids) put(out, static_cast<std::uint64_t>(v), sizeof(T));
  for (const std::uint64_t v : values) put(out, v, ww);
  for (const T v : locations) put(out, static_cast<std::uint64_t>(v), sizeof(T));
  for (const std::uint64_t v : rle) put(out, v, ww);
  if (random_access) {
    const std::uint64_t w = 2 * static_cast<std::uint64_t>(sxy);
    const int iw = w < 0xffu ? 1 : w < 0xffffu ? 2 : w < 0xffffffffu ? 4 : 8;
    for (const std::uint64_t c : per_slice) put(out, c, iw);
    for (std::size_t z = 0; z < first_location.size(); ++z)
      put(out, z == 0 ? 0 : first_location[z] - first_location[z - 1], iw);
  }
  return out;
}

}  // namespace

std::vector<std::byte> encode_compresso(const Array& labels, const CompressoOptions& options) {
  const Shape4& s = labels.shape();
  if (!dtype_is_integer(labels.dtype()) || s.c != 1)
    fail(ErrorCode::kInvalidArgument, "compresso encodes integer labels of one channel");
  const std::byte* b = labels.bytes();
  std::vector<std::byte> out;
  precomputed::with_label_type(static_cast<int>(labels.element_size()), [&](auto label) {
    out = encode(reinterpret_cast<const decltype(label)*>(b), s.x, s.y, s.z, options);
  });
  return out;
}

}  // namespace imagery::testing
