// One Zarr array (v2 or v3) in a storage: its metadata and reads of any region of it, chunk by
// chunk on the storage's batch reads (requests overlapped, chunks decoded on the worker pool as
// they arrive, straight into the caller's buffer with the caller's strides). Absent chunks, and
// absent inner chunks of a shard, read as the fill value, as Zarr says.
//
//   auto storage = io::open_storage(io::parse_storage_url("em.zarr"), ctx);
//   zarr::ZarrArray a = zarr::ZarrArray::open(storage, "0", 2, "em.zarr/0");
//   std::vector<std::uint8_t> out(8 * 64 * 64);
//   a.read({{0, 0, 0}, {8, 64, 64}, reinterpret_cast<std::byte*>(out.data()), {4096, 64, 1}});
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/io/decoded_chunk_cache.h"
#include "imagery/io/storage.h"
#include "imagery/zarr/array_metadata.h"

namespace imagery::zarr {

// A region of an array and where its elements go: element i (array index space, every
// dimension, start <= i < stop) is written at out + sum((i_d - start_d) * out_strides_d) elements.
struct Region {
  std::vector<std::int64_t> start, stop;
  std::byte* out = nullptr;
  std::vector<std::int64_t> out_strides;
};

struct ReadControl {
  // After each stored object (chunk or shard), from worker threads; what it throws fails the read.
  std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)> on_progress;
  std::stop_token stop;  // cancels the read (kCancelled)
  // Where decoded chunks are kept and found (a Context's, shared by its volumes); null: none.
  io::DecodedChunkCache* decoded_chunks = nullptr;
};

struct ReadReport {
  std::size_t objects = 0;          // chunks (or shards) the region touches
  std::size_t missing_objects = 0;  // of those, absent (read as the fill value)
  std::uint64_t stored_bytes = 0;
};

class ZarrArray {
 public:
  // Reads `path`/.zarray (format 2) or `path`/zarr.json (format 3). `where` names the array in
  // messages. Throws kNotFound when the metadata is absent, and parse_zarray's errors.
  static ZarrArray open(std::shared_ptr<io::Storage> storage, const std::string& path,
                        int zarr_format, const std::string& where);
  // The key of an array's metadata document under its path.
  static std::string metadata_key(const std::string& path, int zarr_format);

  ZarrArray(std::shared_ptr<io::Storage> storage, std::string path, ArrayMetadata metadata,
            std::string where);

  const ArrayMetadata& metadata() const { return *metadata_; }
  const std::string& where() const { return where_; }
  // The storage key of the stored object (chunk or shard) at grid position `cell`.
  std::string object_key(const std::vector<std::int64_t>& cell) const;

  // Reads `region`, which must lie inside the array (kInvalidArgument otherwise). Throws kDataLoss
  // for corrupt chunks and shards, naming them, and the storage's errors.
  ReadReport read(const Region& region, const ReadControl& control = {}) const;

 private:
  std::shared_ptr<io::Storage> storage_;
  std::string path_;
  std::shared_ptr<const ArrayMetadata> metadata_;
  std::string where_;
};

}  // namespace imagery::zarr
