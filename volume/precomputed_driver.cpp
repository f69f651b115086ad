#include "imagery/volume/internal/precomputed_driver.h"

#include "imagery/core/error.h"

namespace imagery::volume {

namespace {

std::string xyz(const Vec3& v) {
  return std::to_string(v.x) + " x " + std::to_string(v.y) + " x " + std::to_string(v.z);
}

std::string sharding_summary(const precomputed::Scale& s) {
  if (!s.sharding) return "";
  const auto& sh = *s.sharding;
  using precomputed::ShardEncoding;
  return std::string(sh.hash == precomputed::ShardHash::kIdentity ? "identity" : "murmurhash3") +
         ", preshift " + std::to_string(sh.preshift_bits) + ", minishard " +
         std::to_string(sh.minishard_bits) + ", shard " + std::to_string(sh.shard_bits) +
         " bits, index " + (sh.minishard_index_encoding == ShardEncoding::kGzip ? "gzip" : "raw") +
         ", data " + (sh.data_encoding == ShardEncoding::kGzip ? "gzip" : "raw");
}

}  // namespace

PrecomputedDriver::PrecomputedDriver(precomputed::Volume volume) : volume_(std::move(volume)) {
  const precomputed::VolumeInfo& info = volume_.info();
  metadata_.url = volume_.source();
  metadata_.driver = "precomputed";
  metadata_.dtype = info.data_type;
  metadata_.channels = info.num_channels;
  metadata_.kind = info.is_segmentation() ? VolumeKind::kSegmentation : VolumeKind::kImage;
  metadata_.default_mip = info.default_mip();
  for (const precomputed::Scale& s : info.scales) {
    ScaleInfo scale;
    scale.key = s.key;
    scale.resolution = s.resolution;
    scale.bounds = s.bounds();
    scale.chunk_size = s.chunk_size();
    scale.encoding = std::string(precomputed::encoding_name(s.encoding));
    scale.readable = precomputed::encoding_is_supported(s.encoding);
    scale.usable = !s.is_placeholder() && !s.hidden;
    if (s.is_placeholder())
      scale.note = "placeholder";
    else if (s.hidden)
      scale.note = "hidden";
    if (s.encoding == precomputed::Encoding::kCompressedSegmentation)
      scale.encoding_detail = "block " + xyz(s.compressed_segmentation_block_size);
    scale.sharding = sharding_summary(s);
    metadata_.scales.push_back(std::move(scale));
  }
}

precomputed::CutoutOptions cutout_options(const ReadOptions& options) {
  precomputed::CutoutOptions o;
  o.fill_missing = options.fill_missing;
  o.bounded = options.bounded;
  o.max_output_bytes = options.max_output_bytes;
  o.on_progress = options.on_progress;
  o.stop = options.stop;
  return o;
}

void check_no_time_point(const Metadata& m, const ReadOptions& options) {
  if (options.time_point != 0)
    fail(ErrorCode::kNotFound, m.url + " has no time point " + std::to_string(options.time_point) +
                                   " (it has no time axis: time point 0 only)");
}

Array PrecomputedDriver::read(const Bbox& box, int mip, const ReadOptions& options) const {
  check_no_time_point(metadata_, options);
  return volume_.download(box, mip, cutout_options(options));
}

std::string PrecomputedDriver::native_metadata_json() const {
  return precomputed::info_to_json(volume_.info());
}

std::shared_ptr<const Volume> open_precomputed(const std::string& url, io::Context& context) {
  return std::make_shared<PrecomputedDriver>(precomputed::Volume::open(url, context));
}

}  // namespace imagery::volume
