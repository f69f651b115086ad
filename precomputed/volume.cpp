#include "imagery/precomputed/volume.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/chunk_source.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/codec_png.h"
#include "imagery/precomputed/internal/codec_raw.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"

#include "imagery/io/credentials.h"
#include "imagery/io/internal/disk_cache.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/io/internal/http_storage.h"
#include "imagery/io/internal/memory_cache.h"
#include "imagery/precomputed/source_url.h"

namespace imagery::precomputed {

namespace {

// No info comes near this; a bigger one (or a gzip'd info inflating past it) is refused.
constexpr std::size_t kMaxInfoBytes = std::size_t{64} << 20;

// What the stored form of a chunk that decodes to `decoded` bytes may inflate to: raw chunks are
// exactly `decoded`, the other encodings stay below three times it (compressed_segmentation with
// 1x1x1 blocks of uint32 labels), plus headers. Anything beyond is a gzip bomb, not a chunk.
std::size_t most_inflated_chunk(std::uint64_t decoded) {
  return static_cast<std::size_t>(std::min<std::uint64_t>(decoded, kMaxChunkBytes) * 4 + (1 << 20));
}

// Undoes transport compression: declared gzip, or (for encodings that cannot start with the gzip
// magic, and for raw chunks of the wrong length) sniffed gzip. Inflating stops past `max_output`.
Bytes take_payload(io::StoredObject&& object, std::size_t raw_size, const std::string& name,
                   std::size_t max_output) {
  bool gz = object.gzip_encoded;
  if (!gz && io::has_gzip_magic(object.bytes)) gz = raw_size == 0 || object.bytes.size() != raw_size;
  if (!gz) return std::move(object.bytes);
  return io::gunzip(object.bytes, name, raw_size, max_output);
}

void decode_chunk(const Scale& scale, int channels, std::span<const std::byte> payload,
                  const ChunkTarget& target, const std::string& name) {
  switch (scale.encoding) {
    case Encoding::kRaw:
      return decode_raw_chunk(payload, target, channels, name);
    case Encoding::kJpeg:
      return decode_jpeg_chunk(payload, target, channels, name);
    case Encoding::kPng:
      return decode_png_chunk(payload, target, channels, name);
    case Encoding::kCompressedSegmentation:
      return decode_compressed_segmentation_chunk(payload, target, channels,
                                                  scale.compressed_segmentation_block_size, name);
    default:
      fail(ErrorCode::kInvalidArgument, name + ": encoding '" +
                                            std::string(encoding_name(scale.encoding)) +
                                            "' is not supported");
  }
}

// Cutout coordinates stay far from int64 overflow (volumes themselves stay within +-2^53).
constexpr std::int64_t kMaxCoordinate = std::int64_t{1} << 60;
constexpr std::uint64_t kMaxChunksPerCutout = std::uint64_t{1} << 22;

// "17179869184 bytes (17.2 GB)".
std::string byte_text(std::uint64_t bytes) {
  char gb[32];
  std::snprintf(gb, sizeof gb, "%.1f", static_cast<double>(bytes) / 1e9);
  return std::to_string(bytes) + " bytes (" + gb + " GB)";
}

}  // namespace

VolumeInfo read_info(io::Storage& storage, const std::string& source) {
  auto object = storage.read("info");
  if (!object)
    fail(ErrorCode::kNotFound, "no precomputed volume at " + source + " (" +
                                   storage.describe("info") + " does not exist)");
  std::string name = object->location;
  if (object->bytes.size() > kMaxInfoBytes)
    fail(ErrorCode::kResourceExhausted,
         "info " + name + " has " + std::to_string(object->bytes.size()) +
             " bytes, more than any info needs (" + std::to_string(kMaxInfoBytes) + ")");
  Bytes text = take_payload(std::move(*object), 0, "info " + name, kMaxInfoBytes);
  return parse_info(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
                    name);
}

Volume Volume::open(const std::string& source, const OpenOptions& options) {
  SourceUrl url = parse_source_url(source);
  if (url.kind == SourceUrl::Kind::kFile) {
    auto storage = std::make_shared<io::FileStorage>(url.location);
    VolumeInfo info = read_info(*storage, source);
    return Volume(std::move(storage), std::move(info), source);
  }
  io::HttpOptions http = options.http;
  if (http.token.empty()) http.token = io::find_token_for(url.location);
  std::shared_ptr<io::Storage> storage = std::make_shared<io::HttpStorage>(url.location, http);
  if (!options.disk_cache_dir.empty())
    storage = std::make_shared<io::DiskCacheStorage>(storage, options.disk_cache_dir,
                                                 options.disk_cache_bytes);
  if (options.memory_cache)
    storage = std::make_shared<io::CachingStorage>(storage, io::MemoryCache::shared());
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const VolumeInfo>> infos;
  std::shared_ptr<const VolumeInfo> info;
  {
    std::lock_guard lock(mutex);
    if (auto it = infos.find(url.location); it != infos.end()) info = it->second;
  }
  if (!info) {
    info = std::make_shared<const VolumeInfo>(read_info(*storage, source));
    std::lock_guard lock(mutex);
    infos.emplace(url.location, info);
  }
  return Volume(std::move(storage), *info, source);
}

Volume::Volume(std::shared_ptr<io::Storage> storage, VolumeInfo info, std::string source)
    : storage_(std::move(storage)),
      info_(std::make_shared<const VolumeInfo>(std::move(info))),
      source_(std::move(source)) {}

Bbox Volume::mip0_to_mip(const Bbox& mip0_bounds, int mip) const {
  info_->scale(mip, source_);
  return downsample_bounds(mip0_bounds, info_->downsample_factor(mip));
}

Array Volume::download_mip0(const Bbox& mip0_bounds, int mip, const CutoutOptions& options) const {
  return download(mip0_to_mip(mip0_bounds, mip), mip, options);
}

Array Volume::download(const Bbox& bounds, int mip, const CutoutOptions& options) const {
  const Scale& scale = info_->scale(mip, source_);
  const std::string scale_name = source_ + " mip " + std::to_string(mip) + " (" + scale.key + ")";
  if (bounds.empty())
    fail(ErrorCode::kInvalidArgument,
         "cutout bounds " + bounds.to_string() + " of " + scale_name + " are empty");
  if (!encoding_is_supported(scale.encoding))
    fail(ErrorCode::kInvalidArgument, scale_name + " uses encoding '" +
                                          std::string(encoding_name(scale.encoding)) +
                                          "', which imagery cannot decode");
  const bool inside = scale.bounds().contains(bounds);
  if (options.bounded && !inside)
    fail(ErrorCode::kInvalidArgument,
         "cutout bounds " + bounds.to_string() + " reach outside " + scale_name + " bounds " +
             scale.bounds().to_string() +
             " (pass --unbounded, or bounded=false, to read outside as 0)");
  for (int d = 0; d < 3; ++d)
    if (std::llabs(bounds.min[d]) > kMaxCoordinate || std::llabs(bounds.max[d]) > kMaxCoordinate)
      fail(ErrorCode::kInvalidArgument, "cutout bounds " + bounds.to_string() + " of " +
                                            scale_name + " are beyond +-2^60 voxels");
  const Vec3 size = bounds.size();
  const Shape4 shape{size.x, size.y, size.z, info_->num_channels};
  const std::uint64_t bytes = decoded_chunk_bytes(size, info_->num_channels, info_->data_type);
  if (bytes > options.max_output_bytes)
    fail(ErrorCode::kResourceExhausted,
         "cutout " + bounds.to_string() + " of " + scale_name + " needs " + byte_text(bytes) +
             ", more than the memory budget of " + byte_text(options.max_output_bytes) +
             " (raise it with --max-memory)");
  const std::uint64_t chunk_bytes =
      decoded_chunk_bytes(scale.chunk_size(), info_->num_channels, info_->data_type);
  if (chunk_bytes > options.max_output_bytes)
    fail(ErrorCode::kResourceExhausted,
         scale_name + " has chunks of " + scale.chunk_size().to_string() + " voxels, " +
             byte_text(chunk_bytes) + " each decoded, more than the memory budget of " +
             byte_text(options.max_output_bytes) + " (raise it with --max-memory)");
  const ChunkGrid grid(scale);
  // Each chunk costs a key, a request and bookkeeping: tiny chunks over a big box would need
  // gigabytes before the first byte arrives.
  if (const std::uint64_t n = grid.count_overlapping(bounds); n > kMaxChunksPerCutout)
    fail(ErrorCode::kResourceExhausted,
         "cutout " + bounds.to_string() + " of " + scale_name + " touches " + std::to_string(n) +
             " chunks of " + scale.chunk_size().to_string() + " voxels, more than the limit of " +
             std::to_string(kMaxChunksPerCutout) + " (cut it into smaller boxes)");
  Array out = inside ? Array(info_->data_type, shape) : Array::zeros(info_->data_type, shape);

  const std::vector<Vec3> cells = grid.cells_overlapping(bounds);
  const int channels = info_->num_channels;
  auto source = make_chunk_source(storage_, scale);
  std::atomic<std::size_t> done{0};
  std::atomic<std::uint64_t> stored_bytes{0};
  source->fetch(cells, [&](std::size_t i, std::optional<io::StoredObject> object) {
    struct Report {  // reports progress however the chunk ends
      const CutoutOptions& options;
      std::atomic<std::size_t>& done;
      std::atomic<std::uint64_t>& bytes;
      std::size_t total;
      ~Report() {
        const std::size_t d = done.fetch_add(1) + 1;
        if (options.on_progress) options.on_progress(d, total, bytes.load());
      }
    } report{options, done, stored_bytes, cells.size()};
    if (object) stored_bytes.fetch_add(object->bytes.size());
    const Bbox cell = grid.cell_bounds(cells[i]);
    const ChunkTarget target{&out, bounds, cell};
    if (!object) {
      if (!options.fill_missing)
        fail(ErrorCode::kNotFound,
             "chunk " + source->describe(cells[i]) + " of " + source_ +
                 " is missing (pass --fill-missing, or fill_missing, to read missing chunks as 0)");
      zero_region(cell, target);
      return;
    }
    const std::string name = "chunk " + object->location;
    const std::uint64_t decoded = decoded_chunk_bytes(cell.size(), channels, info_->data_type);
    const std::size_t raw_size =
        scale.encoding == Encoding::kRaw ? static_cast<std::size_t>(decoded) : 0;
    Bytes payload = take_payload(std::move(*object), raw_size, name, most_inflated_chunk(decoded));
    decode_chunk(scale, channels, payload, target, name);
  });
  return out;
}

}  // namespace imagery::precomputed
