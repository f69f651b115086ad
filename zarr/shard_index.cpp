#include "imagery/zarr/shard_index.h"

#include "imagery/core/error.h"
#include "imagery/zarr/chunk_codec.h"
#include "imagery/zarr/compressors.h"

namespace imagery::zarr {

namespace {

constexpr std::uint64_t kMissing = ~std::uint64_t{0};

}  // namespace

std::uint64_t shard_index_bytes(const ShardingCodec& sharding, std::uint64_t inner_chunks) {
  std::uint64_t n = inner_chunks * 16;
  for (const Codec& c : sharding.index_codecs)
    if (c.kind == Codec::Kind::kCrc32c) n += 4;
  return n;
}

std::vector<std::optional<ShardEntry>> read_shard_index(const ShardingCodec& sharding,
                                                        std::uint64_t inner_chunks,
                                                        std::span<const std::byte> shard,
                                                        const std::string& name) {
  const std::uint64_t index_size = shard_index_bytes(sharding, inner_chunks);
  if (shard.size() < index_size)
    fail(ErrorCode::kDataLoss, name + ": " + std::to_string(shard.size()) +
                                   " bytes, shorter than its shard index of " +
                                   std::to_string(index_size));
  const auto index = sharding.index_at_end ? shard.last(index_size) : shard.first(index_size);
  const std::vector<std::int64_t> shape{static_cast<std::int64_t>(inner_chunks), 2};
  // The index codecs are written for the index's full rank; a 2-D view of it has the same bytes
  // unless a transpose reorders them, so those are decoded with the full shape.
  std::vector<Codec> codecs = sharding.index_codecs;
  bool transposed = false;
  for (const Codec& c : codecs) transposed |= c.kind == Codec::Kind::kTranspose;
  if (transposed)
    fail(ErrorCode::kInvalidArgument, name + ": a transposed shard index is not supported");
  const DecodedChunk decoded =
      decode_chunk(index, codecs, shape, DataType::kUint64, name + " (shard index)");
  const auto* v = reinterpret_cast<const std::uint64_t*>(decoded.data.data());
  std::vector<std::optional<ShardEntry>> out(inner_chunks);
  for (std::uint64_t i = 0; i < inner_chunks; ++i) {
    const std::uint64_t offset = v[2 * i], nbytes = v[2 * i + 1];
    if (offset == kMissing && nbytes == kMissing) continue;
    if (offset > shard.size() || nbytes > shard.size() - offset)
      fail(ErrorCode::kDataLoss, name + ": shard index entry " + std::to_string(i) + " (offset " +
                                     std::to_string(offset) + ", " + std::to_string(nbytes) +
                                     " bytes) points outside the shard of " +
                                     std::to_string(shard.size()) + " bytes");
    out[i] = ShardEntry{offset, nbytes};
  }
  return out;
}

Bytes build_shard(const ShardingCodec& sharding, const std::vector<std::optional<Bytes>>& chunks) {
  const std::uint64_t index_size = shard_index_bytes(sharding, chunks.size());
  Bytes body;
  std::vector<std::uint64_t> index;
  const std::uint64_t base = sharding.index_at_end ? 0 : index_size;
  for (const auto& c : chunks) {
    if (!c) {
      index.push_back(kMissing);
      index.push_back(kMissing);
      continue;
    }
    index.push_back(base + body.size());
    index.push_back(c->size());
    body.insert(body.end(), c->begin(), c->end());
  }
  const std::span<const std::byte> raw(reinterpret_cast<const std::byte*>(index.data()),
                                       index.size() * 8);
  const Bytes encoded =
      encode_chunk(raw, sharding.index_codecs, {static_cast<std::int64_t>(chunks.size()), 2},
                   DataType::kUint64, CompressOptions{});
  Bytes out;
  if (!sharding.index_at_end) out.insert(out.end(), encoded.begin(), encoded.end());
  out.insert(out.end(), body.begin(), body.end());
  if (sharding.index_at_end) out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

}  // namespace imagery::zarr
