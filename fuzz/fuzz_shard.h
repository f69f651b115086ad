// fuzz_shard: sharded reads end to end. The input is the one shard file of a small sharded
// segmentation scale (shard index, minishard indices, chunks); the sharding parameters come from
// its first bytes, with now and then so many minishards that only single index entries are read.
#pragma once

#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/volume.h"

namespace imagery::fuzz {

inline void fuzz_shard(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  InputReader in(data, size);
  VolumeInfo info;
  info.type = "segmentation";
  info.data_type = DataType::kUint64;
  Scale s;
  s.key = "s";
  s.size = {16, 16, 8};
  s.resolution = {8, 8, 40};
  s.chunk_sizes = {{8, 8, 4}};
  s.encoding = in.byte() % 2 ? Encoding::kRaw : Encoding::kCompressedSegmentation;
  s.compressed_segmentation_block_size = {4, 4, 4};
  ShardingSpec spec;
  spec.hash = in.byte() % 2 ? ShardHash::kIdentity : ShardHash::kMurmurHash3_x86_128;
  spec.preshift_bits = in.range(0, 3);
  spec.minishard_bits = in.range(0, 3);
  if (spec.minishard_bits == 3 && in.byte() % 4 == 0) spec.minishard_bits = 17;
  spec.shard_bits = 0;  // one shard file: 0.shard
  spec.minishard_index_encoding = in.byte() % 2 ? ShardEncoding::kGzip : ShardEncoding::kRaw;
  spec.data_encoding = in.byte() % 2 ? ShardEncoding::kGzip : ShardEncoding::kRaw;
  s.sharding = spec;
  info.scales = {s};
  auto storage = std::make_shared<MemoryStorage>();
  storage->put("s/0.shard", in.rest());
  fuzz_context().resource<ShardCaches>().clear();  // every input is a new file
  Volume volume(storage, info, "fuzz", fuzz_context());
  try {
    CutoutOptions options;
    options.fill_missing = true;
    volume.download(s.bounds(), 0, options);
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
