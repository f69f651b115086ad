// ShardedChunkSource: the chunks of a `neuroglancer_uint64_sharded_v1` scale,
// read with byte ranges from its shard files (spec section 4; the bytes are
// described in shard_index.h). A fetch works in three batched rounds, each
// kept as small as the cutout allows:
//   1. the shard index of every shard touched, once per process (cached);
//   2. the minishard index of every minishard touched, read and decoded once
//      per process (cached);
//   3. the chunks' bytes.
// In every round, byte ranges of one shard file that lie close together share
// one coalesced range request (CloudVolume writes a shard's minishard indices
// side by side, and the chunks of a minishard back to back).
// A chunk id that its minishard does not list, or whose shard file does not
// exist, is a missing chunk. Corrupt indices are kDataLoss errors naming the
// shard file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "imagery/precomputed/internal/chunk_source.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/internal/shard_location.h"

namespace imagery::precomputed {

struct ShardReadOptions {
  // Chunks closer than this in one shard file are fetched with one request (the bytes between
  // them are read and dropped): a few tens of kilobytes cost less than another round trip.
  std::uint64_t max_gap_bytes = std::uint64_t{32} << 10;
  // A coalesced request stops growing here, so that large cutouts still fetch in parallel.
  std::uint64_t max_request_bytes = std::uint64_t{16} << 20;
  // Shard indices up to this size are read whole; beyond it (minishard_bits > 16) only the 16-byte
  // entries of the minishards touched are read.
  std::uint64_t max_whole_index_bytes = std::uint64_t{1} << 20;
};

class ShardedChunkSource : public ChunkSource {
 public:
  // Throws kInvalidArgument when `scale` is not sharded or its sharding cannot be addressed.
  ShardedChunkSource(std::shared_ptr<io::Storage> storage, const Scale& scale, ShardCaches& caches,
                     ShardReadOptions options = {});

  void fetch(const std::vector<Vec3>& cells, const io::ObjectCallback& on_chunk,
             std::stop_token stop = {}) override;
  // "<shard file> (chunk id N)".
  std::string describe(const Vec3& cell) const override;

  std::uint64_t chunk_id(const Vec3& cell) const;
  ShardLocation locate(const Vec3& cell) const;
  // The storage key of a shard file: "<scale key>/<hex>.shard".
  std::string shard_key(std::uint64_t shard) const;

 private:
  struct Wanted;
  void read_shard_indices(std::vector<Wanted>& wanted, const std::stop_token& stop);
  void read_minishard_indices(std::vector<Wanted>& wanted, const std::stop_token& stop);
  void read_chunks(const std::vector<Wanted>& wanted, const io::ObjectCallback& on_chunk,
                   const std::stop_token& stop);
  std::string shard_cache_key(std::uint64_t shard, std::uint64_t first_minishard) const;
  std::string minishard_cache_key(std::uint64_t shard, std::uint64_t minishard) const;

  std::shared_ptr<io::Storage> storage_;
  Scale scale_;
  ShardingSpec spec_;
  Vec3 grid_;
  std::uint64_t index_size_;
  bool whole_index_;
  std::uint64_t max_chunk_bytes_;
  ShardCaches& caches_;
  ShardReadOptions options_;
};

}  // namespace imagery::precomputed
