#include "imagery/zarr/array.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "imagery/zarr/chunk_codec.h"
#include "imagery/zarr/shard_index.h"

namespace imagery::zarr {

namespace {

// Each stored object costs a key and a request: a region over millions of tiny chunks is refused
// before anything is asked for.
constexpr std::uint64_t kMaxObjectsPerRead = std::uint64_t{1} << 22;

// Metadata documents are small; a bigger one is not metadata.
constexpr std::size_t kMaxMetadataBytes = std::size_t{16} << 20;

// The cells of a grid of `cell` sized boxes that [start, stop) touches, in C order.
std::vector<std::vector<std::int64_t>> cells_overlapping(const std::vector<std::int64_t>& start,
                                                         const std::vector<std::int64_t>& stop,
                                                         const std::vector<std::int64_t>& cell,
                                                         const std::string& where) {
  const std::size_t n = start.size();
  std::vector<std::int64_t> lo(n), hi(n);
  std::uint64_t count = 1;
  for (std::size_t d = 0; d < n; ++d) {
    if (stop[d] <= start[d]) return {};
    lo[d] = start[d] / cell[d];
    hi[d] = (stop[d] - 1) / cell[d] + 1;
    count *= static_cast<std::uint64_t>(hi[d] - lo[d]);
    if (count > kMaxObjectsPerRead)
      fail(ErrorCode::kResourceExhausted, where + ": the region touches more than " +
                                              std::to_string(kMaxObjectsPerRead) +
                                              " chunks (cut it into smaller boxes)");
  }
  std::vector<std::vector<std::int64_t>> out;
  out.reserve(static_cast<std::size_t>(count));
  std::vector<std::int64_t> i = lo;
  for (;;) {
    out.push_back(i);
    std::size_t d = n;
    while (d-- > 0) {
      if (++i[d] < hi[d]) break;
      i[d] = lo[d];
    }
    if (d == static_cast<std::size_t>(-1)) break;
    if (n == 0) break;
  }
  return out;
}

// Visits every index of the box [lo, hi) but the last dimension (odometer in C order) and calls
// fn(index) with index[last] = lo[last].
template <class Fn>
void for_each_row(const std::vector<std::int64_t>& lo, const std::vector<std::int64_t>& hi,
                  Fn&& fn) {
  const std::size_t n = lo.size();
  for (std::size_t d = 0; d < n; ++d)
    if (hi[d] <= lo[d]) return;
  std::vector<std::int64_t> i = lo;
  for (;;) {
    fn(i);
    if (n < 2) return;
    std::size_t d = n - 1;
    while (d-- > 0) {
      if (++i[d] < hi[d]) break;
      i[d] = lo[d];
    }
    if (d == static_cast<std::size_t>(-1)) return;
  }
}

template <class T>
void strided_copy(const std::byte* src, std::int64_t src_stride, std::byte* dst,
                  std::int64_t dst_stride, std::int64_t count) {
  const T* s = reinterpret_cast<const T*>(src);
  T* o = reinterpret_cast<T*>(dst);
  for (std::int64_t k = 0; k < count; ++k) o[k * dst_stride] = s[k * src_stride];
}

// Where decoded elements land: the region's buffer and geometry.
struct Target {
  const Region* region;
  std::size_t element;
};

// The part [lo, hi) of the box [origin, origin + shape) that lies in the region.
std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> overlap(
    const std::vector<std::int64_t>& origin, const std::vector<std::int64_t>& shape,
    const Region& r) {
  std::vector<std::int64_t> lo(origin.size()), hi(origin.size());
  for (std::size_t d = 0; d < origin.size(); ++d) {
    lo[d] = std::max(origin[d], r.start[d]);
    hi[d] = std::min(origin[d] + shape[d], r.stop[d]);
  }
  return {lo, hi};
}

// Copies the part of a decoded chunk whose origin (array index of its element 0) is `origin` and
// shape `shape` that lies in the region.
void copy_chunk(const DecodedChunk& chunk, const std::vector<std::int64_t>& origin,
                const std::vector<std::int64_t>& shape, const Target& t) {
  const Region& r = *t.region;
  const std::size_t n = origin.size();
  // Plain references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const auto box = overlap(origin, shape, r);
  const std::vector<std::int64_t>& lo = box.first;
  const std::vector<std::int64_t>& hi = box.second;
  const auto e = static_cast<std::int64_t>(t.element);
  if (n == 0) {
    std::memcpy(r.out, chunk.data.data(), t.element);
    return;
  }
  const std::size_t last = n - 1;
  const std::int64_t count = hi[last] - lo[last];
  const std::int64_t ss = chunk.strides[last], ds = r.out_strides[last];
  for_each_row(lo, hi, [&](const std::vector<std::int64_t>& i) {
    std::int64_t src = 0, dst = 0;
    for (std::size_t d = 0; d < n; ++d) {
      src += (i[d] - origin[d]) * chunk.strides[d];
      dst += (i[d] - r.start[d]) * r.out_strides[d];
    }
    const std::byte* s = chunk.data.data() + src * e;
    std::byte* o = r.out + dst * e;
    if (ss == 1 && ds == 1) {
      std::memcpy(o, s, static_cast<std::size_t>(count * e));
      return;
    }
    switch (t.element) {
      case 1:
        return strided_copy<std::uint8_t>(s, ss, o, ds, count);
      case 2:
        return strided_copy<std::uint16_t>(s, ss, o, ds, count);
      case 4:
        return strided_copy<std::uint32_t>(s, ss, o, ds, count);
      default:
        return strided_copy<std::uint64_t>(s, ss, o, ds, count);
    }
  });
}

// Writes the fill value over the part of the box [origin, origin + shape) in the region.
void fill_box(const std::vector<std::byte>& fill, const std::vector<std::int64_t>& origin,
              const std::vector<std::int64_t>& shape, const Target& t) {
  const Region& r = *t.region;
  const std::size_t n = origin.size();
  // Plain references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const auto box = overlap(origin, shape, r);
  const std::vector<std::int64_t>& lo = box.first;
  const std::vector<std::int64_t>& hi = box.second;
  const auto e = static_cast<std::int64_t>(t.element);
  if (n == 0) {
    std::memcpy(r.out, fill.data(), t.element);
    return;
  }
  const std::size_t last = n - 1;
  const bool zero =
      std::all_of(fill.begin(), fill.end(), [](std::byte b) { return b == std::byte{0}; });
  for_each_row(lo, hi, [&](const std::vector<std::int64_t>& i) {
    std::int64_t dst = 0;
    for (std::size_t d = 0; d < n; ++d) dst += (i[d] - r.start[d]) * r.out_strides[d];
    std::byte* o = r.out + dst * e;
    const std::int64_t count = hi[last] - lo[last];
    if (zero && r.out_strides[last] == 1) {
      std::memset(o, 0, static_cast<std::size_t>(count * e));
      return;
    }
    for (std::int64_t k = 0; k < count; ++k)
      std::memcpy(o + k * r.out_strides[last] * e, fill.data(), t.element);
  });
}

std::vector<std::int64_t> multiply(const std::vector<std::int64_t>& a,
                                   const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> out(a.size());
  for (std::size_t d = 0; d < a.size(); ++d) out[d] = a[d] * b[d];
  return out;
}

}  // namespace

std::string ZarrArray::metadata_key(const std::string& path, int zarr_format) {
  const std::string name = zarr_format == 3 ? "zarr.json" : ".zarray";
  return path.empty() ? name : path + "/" + name;
}

ZarrArray ZarrArray::open(std::shared_ptr<io::Storage> storage, const std::string& path,
                          int zarr_format, const std::string& where) {
  const std::string key = metadata_key(path, zarr_format);
  auto object = storage->read(key);
  if (!object)
    fail(ErrorCode::kNotFound,
         "no Zarr array at " + where + " (" + storage->describe(key) + " does not exist)");
  if (object->bytes.size() > kMaxMetadataBytes)
    fail(ErrorCode::kDataLoss, object->location + ": too large for array metadata");
  Bytes text = object->gzip_encoded
                   ? io::gunzip(object->bytes, object->location, 0, kMaxMetadataBytes)
                   : object->bytes.copy();
  const std::string doc(reinterpret_cast<const char*>(text.data()), text.size());
  ArrayMetadata m = zarr_format == 3 ? parse_zarr_json_array(doc, object->location)
                                     : parse_zarray(doc, object->location);
  return ZarrArray(std::move(storage), path, std::move(m), where);
}

ZarrArray::ZarrArray(std::shared_ptr<io::Storage> storage, std::string path, ArrayMetadata metadata,
                     std::string where)
    : storage_(std::move(storage)),
      path_(std::move(path)),
      metadata_(std::make_shared<const ArrayMetadata>(std::move(metadata))),
      where_(std::move(where)) {}

std::string ZarrArray::object_key(const std::vector<std::int64_t>& cell) const {
  const std::string key = chunk_key(*metadata_, cell);
  return path_.empty() ? key : path_ + "/" + key;
}

ReadReport ZarrArray::read(const Region& region, const ReadControl& control) const {
  const ArrayMetadata& m = *metadata_;
  const std::size_t n = m.rank();
  if (region.start.size() != n || region.stop.size() != n || region.out_strides.size() != n)
    fail(ErrorCode::kInvalidArgument, where_ + ": a region of " +
                                          std::to_string(region.start.size()) +
                                          " dimensions for an array of " + std::to_string(n));
  for (std::size_t d = 0; d < n; ++d)
    if (region.start[d] < 0 || region.stop[d] > m.shape[d] || region.start[d] > region.stop[d])
      fail(ErrorCode::kInvalidArgument,
           where_ + ": region [" + std::to_string(region.start[d]) + ", " +
               std::to_string(region.stop[d]) + ") of dimension " + std::to_string(d) +
               " lies outside the array's " + std::to_string(m.shape[d]) + " elements");
  const Target target{&region, dtype_size(m.dtype)};
  const auto cells = cells_overlapping(region.start, region.stop, m.chunks, where_);
  std::vector<std::string> keys;
  keys.reserve(cells.size());
  for (const auto& c : cells) keys.push_back(object_key(c));
  const ShardingCodec* sharding = m.sharding();
  std::atomic<std::size_t> done{0}, missing{0};
  std::atomic<std::uint64_t> stored{0};
  storage_->read_many(
      keys,
      [&](std::size_t i, std::optional<io::StoredObject> object) {
        const std::vector<std::int64_t> origin = multiply(cells[i], m.chunks);
        if (!object) {
          missing.fetch_add(1);
          fill_box(m.fill_value, origin, m.chunks, target);
        } else {
          stored.fetch_add(object->bytes.size());
          const std::string name = "chunk " + object->location;
          Bytes inflated;
          std::span<const std::byte> bytes = object->bytes.span();
          if (object->gzip_encoded) {  // transport compression (Content-Encoding, NAME.gz)
            inflated = io::gunzip(bytes, name, 0, std::size_t{4} << 30);
            bytes = inflated;
          }
          if (!sharding) {
            const DecodedChunk chunk = decode_chunk(bytes, m.codecs, m.chunks, m.dtype, name);
            copy_chunk(chunk, origin, m.chunks, target);
          } else {
            std::vector<std::int64_t> grid(n);
            std::uint64_t inner = 1;
            for (std::size_t d = 0; d < n; ++d) {
              grid[d] = m.chunks[d] / sharding->chunk_shape[d];
              inner *= static_cast<std::uint64_t>(grid[d]);
            }
            const auto index = read_shard_index(*sharding, inner, bytes, name);
            // Only the inner chunks the region touches are decoded.
            std::vector<std::int64_t> lo(n), hi(n);
            for (std::size_t d = 0; d < n; ++d) {
              lo[d] = std::max(origin[d], region.start[d]);
              hi[d] = std::min(origin[d] + m.chunks[d], region.stop[d]);
            }
            for (std::size_t d = 0; d < n; ++d) {
              lo[d] -= origin[d];
              hi[d] -= origin[d];
            }
            for (const auto& c : cells_overlapping(lo, hi, sharding->chunk_shape, name)) {
              std::uint64_t k = 0;
              for (std::size_t d = 0; d < n; ++d)
                k = k * static_cast<std::uint64_t>(grid[d]) + static_cast<std::uint64_t>(c[d]);
              std::vector<std::int64_t> inner_origin = multiply(c, sharding->chunk_shape);
              for (std::size_t d = 0; d < n; ++d) inner_origin[d] += origin[d];
              if (!index[k]) {
                fill_box(m.fill_value, inner_origin, sharding->chunk_shape, target);
                continue;
              }
              const std::string inner_name = name + " inner chunk " + std::to_string(k);
              const DecodedChunk chunk =
                  decode_chunk(bytes.subspan(index[k]->offset, index[k]->nbytes), sharding->codecs,
                               sharding->chunk_shape, m.dtype, inner_name);
              copy_chunk(chunk, inner_origin, sharding->chunk_shape, target);
            }
          }
        }
        const std::size_t d = done.fetch_add(1) + 1;
        if (control.on_progress) control.on_progress(d, cells.size(), stored.load());
      },
      control.stop);
  return {cells.size(), missing.load(), stored.load()};
}

}  // namespace imagery::zarr
