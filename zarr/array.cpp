#include "imagery/zarr/array.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <future>
#include <mutex>

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
  std::atomic<std::size_t> missing{0};
  std::atomic<std::uint64_t> stored{0};
  // One call at a time, `done` counted under the lock: callers see 1, 2, ..., total in order
  // (see precomputed/volume.cpp).
  std::size_t done = 0;
  std::mutex progress_mutex;
  const auto progress = [&] {
    std::lock_guard lock(progress_mutex);
    ++done;
    if (control.on_progress) control.on_progress(done, cells.size(), stored.load());
  };

  // With a decoded-chunk cache, chunks (a shard's inner chunks) are looked up before anything is
  // fetched; see precomputed/volume.cpp for the scheme. Keys name the stored object by its full
  // location, so every array of every source has its own.
  io::DecodedChunkCache* cache = control.decoded_chunks && control.decoded_chunks->enabled()
                                     ? control.decoded_chunks
                                     : nullptr;
  using CachedChunk = io::DecodedChunkCache::Value;
  const auto chunk_of = [](const CachedChunk& v) -> const DecodedChunk& {
    return *static_cast<const DecodedChunk*>(v.get());
  };
  const auto cost_of = [](const DecodedChunk& c) {
    return c.data.size() + c.strides.size() * sizeof(std::int64_t);
  };
  std::vector<std::string> cache_keys;
  if (cache) {
    std::string prefix = "zarr|" + std::string(dtype_name(m.dtype)) + "|";
    for (std::int64_t c : sharding ? sharding->chunk_shape : m.chunks)
      prefix += std::to_string(c) + ",";
    cache_keys.reserve(cells.size());
    for (const std::string& key : keys) cache_keys.push_back(prefix + storage_->describe(key));
  }

  // A shard's inner chunks the region touches: their index in the shard and origin in the array.
  std::vector<std::int64_t> inner_grid(n);
  std::uint64_t inner_count = 1;
  if (sharding)
    for (std::size_t d = 0; d < n; ++d) {
      inner_grid[d] = m.chunks[d] / sharding->chunk_shape[d];
      inner_count *= static_cast<std::uint64_t>(inner_grid[d]);
    }
  const auto inner_chunks_of = [&](const std::vector<std::int64_t>& origin,
                                   const std::string& name) {
    std::vector<std::int64_t> lo(n), hi(n);
    for (std::size_t d = 0; d < n; ++d) {
      lo[d] = std::max(origin[d], region.start[d]) - origin[d];
      hi[d] = std::min(origin[d] + m.chunks[d], region.stop[d]) - origin[d];
    }
    std::vector<std::pair<std::uint64_t, std::vector<std::int64_t>>> out;
    for (const auto& c : cells_overlapping(lo, hi, sharding->chunk_shape, name)) {
      std::uint64_t k = 0;
      for (std::size_t d = 0; d < n; ++d)
        k = k * static_cast<std::uint64_t>(inner_grid[d]) + static_cast<std::uint64_t>(c[d]);
      std::vector<std::int64_t> inner_origin = multiply(c, sharding->chunk_shape);
      for (std::size_t d = 0; d < n; ++d) inner_origin[d] += origin[d];
      out.emplace_back(k, std::move(inner_origin));
    }
    return out;
  };
  const auto inner_key = [&](std::size_t i, std::uint64_t k) {
    return cache_keys[i] + "#" + std::to_string(k);
  };

  std::vector<io::DecodedChunkCache::Claim> claims(cache ? cells.size() : 0);
  std::vector<std::size_t> to_fetch;  // indices into cells
  std::vector<std::pair<std::size_t, std::shared_future<CachedChunk>>> pending;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!cache) {
      to_fetch.push_back(i);
      continue;
    }
    const std::vector<std::int64_t> origin = multiply(cells[i], m.chunks);
    if (sharding) {
      // Fetched only when some inner chunk it needs is not kept.
      std::vector<std::pair<CachedChunk, const std::vector<std::int64_t>*>> hits;
      const auto inner = inner_chunks_of(origin, where_);
      for (const auto& [k, inner_origin] : inner) {
        CachedChunk hit = cache->find(inner_key(i, k));
        if (!hit) break;
        hits.emplace_back(std::move(hit), &inner_origin);
      }
      if (hits.size() < inner.size()) {
        to_fetch.push_back(i);
        continue;
      }
      for (const auto& [hit, inner_origin] : hits)
        copy_chunk(chunk_of(hit), *inner_origin, sharding->chunk_shape, target);
      progress();
      continue;
    }
    auto look = cache->find_or_claim(cache_keys[i]);
    if (look.value) {
      copy_chunk(chunk_of(look.value), origin, m.chunks, target);
      progress();
    } else if (look.is_pending()) {
      pending.emplace_back(i, std::move(look.pending));
    } else {
      claims[i] = std::move(look.claim);
      to_fetch.push_back(i);
    }
  }

  const auto fetch_cells = [&](const std::vector<std::size_t>& which) {
    std::vector<std::string> wanted;
    wanted.reserve(which.size());
    for (std::size_t i : which) wanted.push_back(keys[i]);
    storage_->read_many(
        wanted,
        [&](std::size_t j, std::optional<io::StoredObject> object) {
          const std::size_t i = which[j];
          const std::vector<std::int64_t> origin = multiply(cells[i], m.chunks);
          if (!object) {
            if (cache && !sharding) claims[i].abandon();
            missing.fetch_add(1);
            fill_box(m.fill_value, origin, m.chunks, target);
            progress();
            return;
          }
          stored.fetch_add(object->bytes.size());
          const std::string name = "chunk " + object->location;
          Bytes inflated;
          std::span<const std::byte> bytes = object->bytes.span();
          if (object->gzip_encoded) {  // transport compression (Content-Encoding, NAME.gz)
            inflated = io::gunzip(bytes, name, 0, std::size_t{4} << 30);
            bytes = inflated;
          }
          if (!sharding) {
            // A failed decode throws past the claim, which abandons it when the read ends.
            auto chunk = std::make_shared<const DecodedChunk>(
                decode_chunk(bytes, m.codecs, m.chunks, m.dtype, name));
            copy_chunk(*chunk, origin, m.chunks, target);
            if (cache) {
              const std::size_t cost = cost_of(*chunk);
              if (claims[i])
                claims[i].publish(std::move(chunk), cost);
              else
                cache->put(cache_keys[i], std::move(chunk), cost);
            }
          } else {
            const auto index = read_shard_index(*sharding, inner_count, bytes, name);
            // Only the inner chunks the region touches are decoded.
            for (const auto& [k, inner_origin] : inner_chunks_of(origin, name)) {
              if (!index[k]) {
                fill_box(m.fill_value, inner_origin, sharding->chunk_shape, target);
                continue;
              }
              if (cache)
                if (const CachedChunk hit = cache->find(inner_key(i, k))) {
                  copy_chunk(chunk_of(hit), inner_origin, sharding->chunk_shape, target);
                  continue;
                }
              const std::string inner_name = name + " inner chunk " + std::to_string(k);
              auto chunk = std::make_shared<const DecodedChunk>(
                  decode_chunk(bytes.subspan(index[k]->offset, index[k]->nbytes), sharding->codecs,
                               sharding->chunk_shape, m.dtype, inner_name));
              copy_chunk(*chunk, inner_origin, sharding->chunk_shape, target);
              if (cache) cache->put(inner_key(i, k), chunk, cost_of(*chunk));
            }
          }
          progress();
        },
        control.stop);
  };
  if (!to_fetch.empty()) fetch_cells(to_fetch);
  // Chunks other reads were decoding: theirs when they succeeded, else fetched here.
  std::vector<std::size_t> refetch;
  for (auto& [i, result] : pending) {
    if (const CachedChunk chunk = result.get()) {
      copy_chunk(chunk_of(chunk), multiply(cells[i], m.chunks), m.chunks, target);
      progress();
    } else {
      refetch.push_back(i);
    }
  }
  if (!refetch.empty()) fetch_cells(refetch);
  return {cells.size(), missing.load(), stored.load()};
}

}  // namespace imagery::zarr
