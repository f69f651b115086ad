#include "imagery/precomputed/info.h"

#include "imagery/core/array.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/io/internal/storage_key.h"

namespace imagery::precomputed {

using nlohmann::json;

namespace {

struct EncodingEntry {
  Encoding encoding;
  std::string_view name;
  bool supported;
};
constexpr EncodingEntry kEncodings[] = {
    {Encoding::kRaw, "raw", true},
    {Encoding::kJpeg, "jpeg", true},
    {Encoding::kPng, "png", true},
    {Encoding::kCompressedSegmentation, "compressed_segmentation", true},
    {Encoding::kCompresso, "compresso", true},
    {Encoding::kCrackle, "crackle", true},
    {Encoding::kJxl, "jxl", true},
    {Encoding::kFpzip, "fpzip", false},
    {Encoding::kKempressed, "kempressed", false},
    {Encoding::kZfpc, "zfpc", false},
};

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

// Collects the context of every message: "info SOURCE: FIELD: what".
class Validator {
 public:
  explicit Validator(const std::string& source) : source_(source) {}

  [[noreturn]] void error(const std::string& field, const std::string& what) const {
    fail(ErrorCode::kDataLoss,
         "info " + source_ + ": " + (field.empty() ? "" : field + ": ") + what);
  }

  const json& require(const json& obj, const std::string& key, const std::string& prefix) const {
    auto it = obj.find(key);
    if (it == obj.end()) error(prefix + key, "missing required member");
    return *it;
  }

  std::string string(const json& v, const std::string& field) const {
    if (!v.is_string()) error(field, "expected a string, got " + type_of(v));
    return v.get<std::string>();
  }

  std::int64_t integer(const json& v, const std::string& field) const {
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
        error(field, "integer out of range");
      return v.get<std::int64_t>();
    }
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15)
        return static_cast<std::int64_t>(d);
    }
    error(field, "expected an integer, got " + type_of(v) + " " + v.dump());
  }

  double number(const json& v, const std::string& field) const {
    if (!v.is_number()) error(field, "expected a number, got " + type_of(v));
    return v.get<double>();
  }

  Vec3 int3(const json& v, const std::string& field, std::int64_t min_value) const {
    if (!v.is_array() || v.size() != 3)
      error(field, "expected an array of 3 integers, got " + v.dump());
    Vec3 r;
    for (int d = 0; d < 3; ++d) {
      r[d] = integer(v[d], field + "[" + std::to_string(d) + "]");
      if (r[d] < min_value)
        error(field + "[" + std::to_string(d) + "]",
              "must be >= " + std::to_string(min_value) + ", got " + std::to_string(r[d]));
    }
    return r;
  }

  static std::string type_of(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "an array";
    return "an object";
  }

 private:
  const std::string& source_;
};

ShardingSpec parse_sharding(const json& s, const std::string& f, const Validator& v) {
  if (!s.is_object()) v.error(f, "expected an object or null");
  ShardingSpec spec;
  std::string type = v.string(v.require(s, "@type", f + "."), f + ".@type");
  if (type != "neuroglancer_uint64_sharded_v1")
    v.error(f + ".@type", "expected \"neuroglancer_uint64_sharded_v1\", got \"" + type + "\"");
  std::string hash = v.string(v.require(s, "hash", f + "."), f + ".hash");
  if (hash == "identity")
    spec.hash = ShardHash::kIdentity;
  else if (hash == "murmurhash3_x86_128")
    spec.hash = ShardHash::kMurmurHash3_x86_128;
  else
    v.error(f + ".hash", "expected \"identity\" or \"murmurhash3_x86_128\", got \"" + hash + "\"");
  auto bits = [&](const char* key, int max) {
    std::int64_t b = v.integer(v.require(s, key, f + "."), f + "." + key);
    if (b < 0 || b > max)
      v.error(f + "." + key,
              "must be in [0, " + std::to_string(max) + "], got " + std::to_string(b));
    return static_cast<int>(b);
  };
  spec.preshift_bits = bits("preshift_bits", 64);
  spec.minishard_bits = bits("minishard_bits", 64);
  spec.shard_bits = bits("shard_bits", 64);
  if (spec.minishard_bits + spec.shard_bits > 64)
    v.error(f, "minishard_bits + shard_bits must be <= 64");
  auto encoding = [&](const char* key) {
    auto it = s.find(key);
    if (it == s.end()) return ShardEncoding::kRaw;
    std::string e = v.string(*it, f + "." + key);
    if (e == "raw") return ShardEncoding::kRaw;
    if (e == "gzip") return ShardEncoding::kGzip;
    v.error(f + "." + key, "expected \"raw\" or \"gzip\", got \"" + e + "\"");
  };
  spec.minishard_index_encoding = encoding("minishard_index_encoding");
  spec.data_encoding = encoding("data_encoding");
  return spec;
}

Scale parse_scale(const json& s, const std::string& f, const Validator& v, DataType dtype,
                  int channels) {
  if (!s.is_object()) v.error(f, "expected an object");
  const std::string p = f + ".";
  Scale scale;
  scale.key = v.string(v.require(s, "key", p), p + "key");
  if (scale.key.empty()) v.error(p + "key", "must not be empty");
  if (auto reason = io::key_escape_reason(scale.key))
    v.error(p + "key", io::quoted_text(scale.key) + " leaves the volume (" + *reason + ")");
  scale.size = v.int3(v.require(s, "size", p), p + "size", 0);
  if (auto it = s.find("voxel_offset"); it != s.end())
    scale.voxel_offset = v.int3(*it, p + "voxel_offset", std::numeric_limits<std::int64_t>::min());
  constexpr std::int64_t kLimit = std::int64_t{1} << 52;  // keeps all voxel arithmetic exact
  for (int d = 0; d < 3; ++d) {
    if (scale.size[d] > kLimit || std::llabs(scale.voxel_offset[d]) > kLimit)
      v.error(p + "size", "size and voxel_offset must stay within +-2^52");
  }
  const json& res = v.require(s, "resolution", p);
  if (!res.is_array() || res.size() != 3)
    v.error(p + "resolution", "expected an array of 3 numbers");
  for (int d = 0; d < 3; ++d) {
    double r = v.number(res[d], p + "resolution[" + std::to_string(d) + "]");
    // Wide enough for any microscope, narrow enough that ratios between scales stay sane.
    if (!(r >= 1e-6 && r <= 1e12))
      v.error(p + "resolution[" + std::to_string(d) + "]",
              "must be a number of nm between 1e-6 and 1e12, got " + res[d].dump());
    scale.resolution[d] = r;
  }
  const json& chunks = v.require(s, "chunk_sizes", p);
  if (!chunks.is_array() || chunks.empty())
    v.error(p + "chunk_sizes", "expected a non-empty array of [x, y, z] chunk shapes");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::string field = p + "chunk_sizes[" + std::to_string(i) + "]";
    scale.chunk_sizes.push_back(v.int3(chunks[i], field, 1));
    if (decoded_chunk_bytes(scale.chunk_sizes.back(), channels, dtype) > kMaxChunkBytes)
      v.error(field, "a chunk of " + scale.chunk_sizes.back().to_string() + " x " +
                         std::to_string(channels) + " channel(s) of " +
                         std::string(dtype_name(dtype)) + " is over 2^40 bytes");
  }

  std::string enc = lower(v.string(v.require(s, "encoding", p), p + "encoding"));
  bool found = false;
  for (const auto& e : kEncodings)
    if (e.name == enc) {
      scale.encoding = e.encoding;
      found = true;
    }
  if (!found) v.error(p + "encoding", "unknown encoding \"" + enc + "\"");

  auto dtype_str = std::string(dtype_name(dtype));
  switch (scale.encoding) {
    case Encoding::kJpeg:
      if (dtype != DataType::kUint8 || (channels != 1 && channels != 3))
        v.error(p + "encoding", "jpeg needs uint8 with 1 or 3 channels, the volume has " +
                                    dtype_str + " with " + std::to_string(channels));
      break;
    case Encoding::kPng:
      if ((dtype != DataType::kUint8 && dtype != DataType::kUint16) || channels > 4)
        v.error(p + "encoding", "png needs uint8 or uint16 with 1 to 4 channels, the volume has " +
                                    dtype_str + " with " + std::to_string(channels));
      break;
    case Encoding::kCompressedSegmentation:
      if (dtype != DataType::kUint32 && dtype != DataType::kUint64)
        v.error(p + "encoding",
                "compressed_segmentation needs uint32 or uint64, the volume has " + dtype_str);
      break;
    case Encoding::kCompresso:
    case Encoding::kCrackle:
      if (!dtype_is_integer(dtype) || channels != 1)
        v.error(p + "encoding", std::string(encoding_name(scale.encoding)) +
                                    " needs integer labels with 1 channel, the volume has " +
                                    dtype_str + " with " + std::to_string(channels));
      break;
    case Encoding::kJxl:
      if ((dtype != DataType::kUint8 && dtype != DataType::kUint16) ||
          (channels != 1 && channels != 3))
        v.error(p + "encoding", "jxl needs uint8 or uint16 with 1 or 3 channels, the volume has " +
                                    dtype_str + " with " + std::to_string(channels));
      break;
    default:
      break;
  }

  if (auto it = s.find("compressed_segmentation_block_size"); it != s.end()) {
    scale.compressed_segmentation_block_size =
        v.int3(*it, p + "compressed_segmentation_block_size", 1);
    // Values are addressed by 32-bit word offsets, so a block holds at most 2^32 voxels.
    if (decoded_chunk_bytes(scale.compressed_segmentation_block_size, 1, DataType::kUint8) >
        std::uint64_t{1} << 32)
      v.error(p + "compressed_segmentation_block_size",
              "a block of " + scale.compressed_segmentation_block_size.to_string() +
                  " has more than 2^32 voxels");
  } else if (scale.encoding == Encoding::kCompressedSegmentation) {
    scale.compressed_segmentation_block_size = {8, 8, 8};  // CloudVolume's reader default
  }

  if (auto it = s.find("sharding"); it != s.end() && !it->is_null()) {
    scale.sharding = parse_sharding(*it, p + "sharding", v);
    if (scale.chunk_sizes.size() != 1)
      v.error(p + "chunk_sizes", "a sharded scale must list exactly one chunk size");
    int bits = 0;
    for (int d = 0; d < 3; ++d) {
      std::int64_t grid = ceil_div(scale.size[d], scale.chunk_sizes[0][d]);
      bits += grid > 1 ? 64 - __builtin_clzll(static_cast<unsigned long long>(grid - 1)) : 0;
    }
    if (bits > 64) v.error(p + "sharding", "the chunk grid needs more than 64 Morton bits");
  }
  if (auto it = s.find("hidden"); it != s.end()) {
    if (!it->is_boolean()) v.error(p + "hidden", "expected a boolean");
    scale.hidden = it->get<bool>();
  }
  // Writer hints: whole numbers in range, checked before the cast (a double like 1e300 does not
  // fit an int, and converting it would be undefined).
  auto hint = [&](const char* key, int lo, int hi) -> std::optional<int> {
    auto it = s.find(key);
    if (it == s.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) v.error(p + key, "expected a number");
    const double d = it->get<double>();
    if (!(d >= lo && d <= hi) || d != std::floor(d))
      v.error(p + key, "expected a whole number from " + std::to_string(lo) + " to " +
                           std::to_string(hi) + ", got " + it->dump());
    return static_cast<int>(d);
  };
  scale.jpeg_quality = hint("jpeg_quality", 0, 100);
  scale.png_level = hint("png_level", 0, 9);
  return scale;
}

}  // namespace

std::uint64_t decoded_chunk_bytes(const Vec3& chunk_size, int channels, DataType dtype) {
  return array_bytes(chunk_size, channels, dtype);
}

std::string_view encoding_name(Encoding e) {
  for (const auto& entry : kEncodings)
    if (entry.encoding == e) return entry.name;
  return "unknown";
}

bool encoding_is_supported(Encoding e) {
  for (const auto& entry : kEncodings)
    if (entry.encoding == e) return entry.supported;
  return false;
}

bool Scale::is_placeholder() const {
  return lower(key).find("placeholder") != std::string::npos;
}

int VolumeInfo::default_mip() const {
  for (std::size_t i = 0; i < scales.size(); ++i)
    if (!scales[i].is_placeholder() && !scales[i].hidden) return static_cast<int>(i);
  return 0;
}

std::optional<int> VolumeInfo::mip_with_resolution(const Vec3d& r) const {
  for (std::size_t i = 0; i < scales.size(); ++i) {
    bool same = true;
    for (int d = 0; d < 3; ++d)
      same = same &&
             std::fabs(scales[i].resolution[d] - r[d]) <= 1e-6 * std::max(1.0, std::fabs(r[d]));
    if (same) return static_cast<int>(i);
  }
  return std::nullopt;
}

int VolumeInfo::nearest_mip(const Vec3d& r) const {
  int best = default_mip();
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < scales.size(); ++i) {
    if (scales[i].is_placeholder() || scales[i].hidden) continue;
    double cost = 0;
    for (int d = 0; d < 3; ++d) cost += std::fabs(std::log(scales[i].resolution[d] / r[d]));
    if (cost < best_cost - 1e-12) {
      best_cost = cost;
      best = static_cast<int>(i);
    }
  }
  return best;
}

Vec3d VolumeInfo::downsample_factor(int mip) const {
  const auto& a = scales.at(static_cast<std::size_t>(mip)).resolution;
  const auto& b = scales.front().resolution;
  return {a.x / b.x, a.y / b.y, a.z / b.z};
}

const Scale& VolumeInfo::scale(int mip, const std::string& source) const {
  if (mip < 0 || static_cast<std::size_t>(mip) >= scales.size())
    fail(ErrorCode::kNotFound, source + " has no mip " + std::to_string(mip) + " (it has " +
                                   std::to_string(scales.size()) + " scale" +
                                   (scales.size() == 1 ? "" : "s") + ")");
  return scales[static_cast<std::size_t>(mip)];
}

VolumeInfo parse_info(std::string_view text, const std::string& source) {
  Validator v(source);
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse errors, and numbers too large for any type
    v.error("", std::string("not valid JSON (") + e.what() + ")");
  }
  if (!doc.is_object()) v.error("", "expected a JSON object, got " + Validator::type_of(doc));
  VolumeInfo info;
  if (auto it = doc.find("@type"); it != doc.end()) {
    std::string t = v.string(*it, "@type");
    if (t != "neuroglancer_multiscale_volume")
      v.error("@type", "expected \"neuroglancer_multiscale_volume\", got \"" + t + "\"");
  }
  info.type = v.string(v.require(doc, "type", ""), "type");
  std::string dtype = v.string(v.require(doc, "data_type", ""), "data_type");
  auto parsed = parse_dtype(dtype);
  if (!parsed) v.error("data_type", "unsupported data type \"" + dtype + "\"");
  info.data_type = *parsed;
  std::int64_t channels = v.integer(v.require(doc, "num_channels", ""), "num_channels");
  if (channels < 1 || channels > 65536)
    v.error("num_channels", "must be between 1 and 65536, got " + std::to_string(channels));
  if (info.is_segmentation() && channels != 1)
    v.error("num_channels", "a segmentation must have 1 channel, got " + std::to_string(channels));
  info.num_channels = static_cast<int>(channels);
  const json& scales = v.require(doc, "scales", "");
  if (!scales.is_array() || scales.empty()) v.error("scales", "expected a non-empty array");
  for (std::size_t i = 0; i < scales.size(); ++i)
    info.scales.push_back(parse_scale(scales[i], "scales[" + std::to_string(i) + "]", v,
                                      info.data_type, info.num_channels));
  auto optional_string = [&](const char* key, std::optional<std::string>& out) {
    if (auto it = doc.find(key); it != doc.end() && !it->is_null()) out = v.string(*it, key);
  };
  optional_string("mesh", info.mesh);
  optional_string("skeletons", info.skeletons);
  optional_string("segment_properties", info.segment_properties);
  // Paths inside the volume, like scale keys: none may lead out of it.
  for (const auto& [key, value] : {std::pair{"mesh", &info.mesh},
                                   {"skeletons", &info.skeletons},
                                   {"segment_properties", &info.segment_properties}})
    if (*value)
      if (auto reason = io::key_escape_reason(**value))
        v.error(key, io::quoted_text(**value) + " leaves the volume (" + *reason + ")");
  optional_string("redirect", info.redirect);
  return info;
}

std::string info_to_json(const VolumeInfo& info, int indent) {
  json doc;
  doc["@type"] = "neuroglancer_multiscale_volume";
  doc["type"] = info.type;
  doc["data_type"] = std::string(dtype_name(info.data_type));
  doc["num_channels"] = info.num_channels;
  auto arr = [](const Vec3& v) { return json::array({v.x, v.y, v.z}); };
  json scales = json::array();
  for (const auto& s : info.scales) {
    json j;
    j["key"] = s.key;
    j["size"] = arr(s.size);
    j["voxel_offset"] = arr(s.voxel_offset);
    j["resolution"] = json::array({s.resolution.x, s.resolution.y, s.resolution.z});
    for (int d = 0; d < 3; ++d)
      if (s.resolution[d] == std::floor(s.resolution[d]) && std::fabs(s.resolution[d]) < 0x1p53)
        j["resolution"][d] = static_cast<std::int64_t>(s.resolution[d]);
    j["chunk_sizes"] = json::array();
    for (const auto& c : s.chunk_sizes) j["chunk_sizes"].push_back(arr(c));
    j["encoding"] = std::string(encoding_name(s.encoding));
    if (s.encoding == Encoding::kCompressedSegmentation)
      j["compressed_segmentation_block_size"] = arr(s.compressed_segmentation_block_size);
    if (s.sharding) {
      const auto& sh = *s.sharding;
      j["sharding"] = {
          {"@type", "neuroglancer_uint64_sharded_v1"},
          {"hash", sh.hash == ShardHash::kIdentity ? "identity" : "murmurhash3_x86_128"},
          {"preshift_bits", sh.preshift_bits},
          {"minishard_bits", sh.minishard_bits},
          {"shard_bits", sh.shard_bits},
          {"minishard_index_encoding",
           sh.minishard_index_encoding == ShardEncoding::kGzip ? "gzip" : "raw"},
          {"data_encoding", sh.data_encoding == ShardEncoding::kGzip ? "gzip" : "raw"},
      };
    }
    if (s.hidden) j["hidden"] = true;
    if (s.jpeg_quality) j["jpeg_quality"] = *s.jpeg_quality;
    if (s.png_level) j["png_level"] = *s.png_level;
    scales.push_back(j);
  }
  doc["scales"] = scales;
  if (info.mesh) doc["mesh"] = *info.mesh;
  if (info.skeletons) doc["skeletons"] = *info.skeletons;
  if (info.segment_properties) doc["segment_properties"] = *info.segment_properties;
  if (info.redirect) doc["redirect"] = *info.redirect;
  return doc.dump(indent);
}

}  // namespace imagery::precomputed
