// A small shard writer for the tests: repacks the chunks of an unsharded volume
// (as written by CloudVolume or VolumeWriter) into neuroglancer_uint64_sharded_v1
// shard files, and reports where every index and chunk landed so that tests can
// corrupt precise bytes and check request counts. Layout of each shard file:
// the shard index, then the chunks (by minishard, then id), then the minishard
// indices, as CloudVolume writes them; or, with indices_last = false, each
// minishard index right after that minishard's chunks.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "imagery/io/context.h"
#include "imagery/io/gzip.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/morton_code.h"
#include "imagery/precomputed/internal/shard_index.h"
#include "imagery/precomputed/internal/shard_location.h"
#include "imagery/precomputed/volume.h"
#include "support/test_support.h"

namespace imagery::testing {

struct WrittenShard {
  std::string path;
  std::uint64_t index_size = 0;
  std::map<std::uint64_t, precomputed::ByteRange> minishard_indices;  // minishard -> stored bytes
  std::map<std::uint64_t, precomputed::ByteRange> chunks;             // chunk id -> stored bytes
};

// Shard files written, by path.
using ShardLayout = std::map<std::string, WrittenShard>;

inline void put_le64(std::vector<std::byte>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}

// Copies every scale of `unsharded_root` into `sharded_root` with `spec`, leaving out the chunk
// ids in `skip`. Returns the layout of every shard file written.
inline ShardLayout write_sharded_copy(const std::string& unsharded_root,
                                      const std::string& sharded_root,
                                      const precomputed::ShardingSpec& spec,
                                      const std::set<std::uint64_t>& skip = {},
                                      bool indices_last = true) {
  using namespace precomputed;
  io::FileStorage source(unsharded_root, io::Context::default_context().pool());
  VolumeInfo info = read_info(source, unsharded_root);
  for (auto& s : info.scales) s.sharding = spec;
  std::filesystem::create_directories(sharded_root);
  write_file(sharded_root + "/info", info_to_json(info));
  ShardLayout layout;
  const std::uint64_t index_size = shard_index_size(spec.minishard_bits);
  for (const auto& scale : info.scales) {
    std::filesystem::create_directories(sharded_root + "/" + scale.key);
    const ChunkGrid grid(scale);
    // shard -> minishard -> chunk id -> stored bytes
    std::map<std::uint64_t, std::map<std::uint64_t, std::map<std::uint64_t, Bytes>>> shards;
    for (const Vec3& cell : grid.cells_overlapping(scale.bounds())) {
      const std::uint64_t id = compressed_morton_code(cell, grid.shape());
      if (skip.count(id)) continue;
      auto object = source.read(scale.key + "/" + chunk_name(grid.cell_bounds(cell)));
      if (!object) continue;
      Bytes payload = object->gzip_encoded ? io::gunzip(object->bytes, object->location)
                                           : std::move(object->bytes).take();
      if (spec.data_encoding == ShardEncoding::kGzip) payload = io::gzip_compress(payload);
      const ShardLocation where = locate_chunk(id, spec);
      shards[where.shard][where.minishard][id] = std::move(payload);
    }
    for (auto& [shard, minishards] : shards) {
      WrittenShard written;
      written.path = sharded_root + "/" + scale.key + "/" + shard_file_name(shard, spec.shard_bits);
      written.index_size = index_size;
      Bytes body;  // everything after the shard index
      std::vector<std::pair<std::uint64_t, std::uint64_t>> index_entries(
          std::size_t{1} << spec.minishard_bits, {0, 0});
      std::vector<std::pair<std::uint64_t, Bytes>> pending;  // minishard indices to append
      auto place_index = [&](std::uint64_t minishard, const Bytes& index) {
        const std::uint64_t at = body.size();
        body.insert(body.end(), index.begin(), index.end());
        index_entries[minishard] = {at, body.size()};
        written.minishard_indices[minishard] = {index_size + at, index_size + body.size()};
      };
      for (auto& [minishard, chunks] : minishards) {
        Bytes ids, starts, sizes;
        std::uint64_t previous_id = 0, previous_end = 0;
        for (auto& [id, bytes] : chunks) {
          const std::uint64_t start = body.size();
          put_le64(ids, id - previous_id);
          put_le64(starts, start - previous_end);
          put_le64(sizes, bytes.size());
          body.insert(body.end(), bytes.begin(), bytes.end());
          written.chunks[id] = {index_size + start, index_size + body.size()};
          previous_id = id;
          previous_end = body.size();
        }
        Bytes index = ids;
        index.insert(index.end(), starts.begin(), starts.end());
        index.insert(index.end(), sizes.begin(), sizes.end());
        if (spec.minishard_index_encoding == ShardEncoding::kGzip) index = io::gzip_compress(index);
        if (indices_last)
          pending.emplace_back(minishard, std::move(index));
        else
          place_index(minishard, index);
      }
      for (const auto& [minishard, index] : pending) place_index(minishard, index);
      Bytes file;
      for (const auto& [start, end] : index_entries) {
        put_le64(file, start);
        put_le64(file, end);
      }
      file.insert(file.end(), body.begin(), body.end());
      write_file(written.path, file);
      layout[written.path] = std::move(written);
    }
  }
  return layout;
}

}  // namespace imagery::testing
