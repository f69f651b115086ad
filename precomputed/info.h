// The `info` file of a Neuroglancer precomputed volume (spec section 1): its
// members, the per-scale geometry, and the validation every reader applies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/core/bbox.h"
#include "imagery/core/dtype.h"
#include "imagery/core/vec3.h"

namespace imagery::precomputed {

enum class Encoding {
  kRaw,
  kJpeg,
  kPng,
  kCompressedSegmentation,
  kCompresso,
  kCrackle,
  kJxl,
  // Recognised but not decoded (yet): reading such a scale fails with a clear error.
  kFpzip,
  kKempressed,
  kZfpc,
};
std::string_view encoding_name(Encoding e);
bool encoding_is_supported(Encoding e);

enum class ShardHash { kIdentity, kMurmurHash3_x86_128 };
enum class ShardEncoding { kRaw, kGzip };

// `scales[i].sharding` (spec section 4.1).
struct ShardingSpec {
  ShardHash hash = ShardHash::kIdentity;
  int preshift_bits = 0;
  int minishard_bits = 0;
  int shard_bits = 0;
  ShardEncoding minishard_index_encoding = ShardEncoding::kRaw;
  ShardEncoding data_encoding = ShardEncoding::kRaw;
};

struct Scale {
  std::string key;
  Vec3 size;
  Vec3 voxel_offset;
  Vec3d resolution;
  std::vector<Vec3> chunk_sizes;  // at least one; readers use the first
  Encoding encoding = Encoding::kRaw;
  Vec3 compressed_segmentation_block_size;  // set iff encoding is compressed_segmentation
  std::optional<ShardingSpec> sharding;
  bool hidden = false;
  std::optional<int> jpeg_quality;
  std::optional<int> png_level;

  const Vec3& chunk_size() const { return chunk_sizes.front(); }
  Bbox bounds() const { return {voxel_offset, voxel_offset + size}; }
  // CloudVolume's rule: a key containing "placeholder" (any case) has no chunks.
  bool is_placeholder() const;
};

struct VolumeInfo {
  std::string type;  // "image", "segmentation" (other strings are kept and treated as image)
  DataType data_type = DataType::kUint8;
  int num_channels = 1;
  std::vector<Scale> scales;
  std::optional<std::string> mesh, skeletons, segment_properties, redirect;

  bool is_segmentation() const { return type == "segmentation"; }
  // The first scale that is neither a placeholder nor hidden (0 when all are).
  int default_mip() const;
  // The scale whose resolution equals `resolution` (relative tolerance 1e-6), if any.
  std::optional<int> mip_with_resolution(const Vec3d& resolution) const;
  // The usable scale whose resolution is closest to `resolution` (least summed log ratio).
  int nearest_mip(const Vec3d& resolution) const;
  // Per-axis factor resolution[mip] / resolution[0].
  Vec3d downsample_factor(int mip) const;
  // Throws kNotFound naming `source` when mip is not a valid scale index.
  const Scale& scale(int mip, const std::string& source) const;
};

// Bytes of one decoded chunk of `chunk_size` (saturating at UINT64_MAX instead of overflowing).
std::uint64_t decoded_chunk_bytes(const Vec3& chunk_size, int channels, DataType dtype);
// parse_info refuses scales whose chunks decode to more than this: no real volume comes near it,
// and below it every voxel count of a chunk fits in 64 bits many times over.
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{1} << 40;

// Parses and validates an info document. `source` names the file or URL in every error, together
// with the JSON field at fault, e.g. "info /data/vol/info: scales[1].size: expected ...".
// Malformed documents throw kDataLoss.
VolumeInfo parse_info(std::string_view json_text, const std::string& source);

// The info document as JSON text (round-trips through parse_info), indented by `indent`.
std::string info_to_json(const VolumeInfo& info, int indent = 2);

}  // namespace imagery::precomputed
