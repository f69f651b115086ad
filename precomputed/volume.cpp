#include "imagery/precomputed/volume.h"

#include <atomic>
#include <map>
#include <mutex>
#include "imagery/core/error.h"
#include "imagery/precomputed/chunk_grid.h"
#include "imagery/precomputed/chunk_source.h"
#include "imagery/precomputed/codec_jpeg.h"
#include "imagery/precomputed/codec_png.h"
#include "imagery/precomputed/codec_raw.h"
#include "imagery/precomputed/compressed_segmentation.h"

#include "imagery/precomputed/credentials.h"
#include "imagery/precomputed/disk_cache.h"
#include "imagery/precomputed/file_storage.h"
#include "imagery/precomputed/http_storage.h"
#include "imagery/precomputed/memory_cache.h"
#include "imagery/precomputed/source_url.h"

namespace imagery::precomputed {

namespace {

// Undoes transport compression: declared gzip, or (for encodings that cannot start with the gzip
// magic, and for raw chunks of the wrong length) sniffed gzip.
Bytes take_payload(StoredObject&& object, std::size_t raw_size, const std::string& name) {
  bool gz = object.gzip_encoded;
  if (!gz && has_gzip_magic(object.bytes)) gz = raw_size == 0 || object.bytes.size() != raw_size;
  if (!gz) return std::move(object.bytes);
  return gunzip(object.bytes, name, raw_size);
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

}  // namespace

VolumeInfo read_info(Storage& storage, const std::string& source) {
  auto object = storage.read("info");
  if (!object)
    fail(ErrorCode::kNotFound, "no precomputed volume at " + source + " (" +
                                   storage.describe("info") + " does not exist)");
  std::string name = object->location;
  Bytes text = take_payload(std::move(*object), 0, name);
  return parse_info(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
                    name);
}

Volume Volume::open(const std::string& source, const OpenOptions& options) {
  SourceUrl url = parse_source_url(source);
  if (url.kind == SourceUrl::Kind::kFile) {
    auto storage = std::make_shared<FileStorage>(url.location);
    VolumeInfo info = read_info(*storage, source);
    return Volume(std::move(storage), std::move(info), source);
  }
  HttpOptions http = options.http;
  if (http.token.empty()) http.token = find_token_for(url.location);
  std::shared_ptr<Storage> storage = std::make_shared<HttpStorage>(url.location, http);
  if (!options.disk_cache_dir.empty())
    storage = std::make_shared<DiskCacheStorage>(storage, options.disk_cache_dir,
                                                 options.disk_cache_bytes);
  if (options.memory_cache)
    storage = std::make_shared<CachingStorage>(storage, MemoryCache::shared());
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

Volume::Volume(std::shared_ptr<Storage> storage, VolumeInfo info, std::string source)
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
  const Vec3 size = bounds.size();
  const Shape4 shape{size.x, size.y, size.z, info_->num_channels};
  std::size_t bytes = dtype_size(info_->data_type);
  for (std::int64_t n : {shape.x, shape.y, shape.z, shape.c})
    if (__builtin_mul_overflow(bytes, static_cast<std::size_t>(n), &bytes)) bytes = SIZE_MAX;
  if (bytes > options.max_output_bytes)
    fail(ErrorCode::kResourceExhausted,
         "cutout " + bounds.to_string() + " of " + scale_name + " needs " + std::to_string(bytes) +
             " bytes, more than the memory budget of " + std::to_string(options.max_output_bytes) +
             " (raise it with --max-memory)");
  Array out = inside ? Array(info_->data_type, shape) : Array::zeros(info_->data_type, shape);

  const ChunkGrid grid(scale);
  const std::vector<Vec3> cells = grid.cells_overlapping(bounds);
  const int channels = info_->num_channels;
  const std::size_t esize = dtype_size(info_->data_type);
  auto source = make_chunk_source(storage_, scale);
  std::atomic<std::size_t> done{0};
  std::atomic<std::uint64_t> stored_bytes{0};
  source->fetch(cells, [&](std::size_t i, std::optional<StoredObject> object) {
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
    const std::size_t raw_size =
        scale.encoding == Encoding::kRaw
            ? static_cast<std::size_t>(cell.size().volume()) * channels * esize
            : 0;
    Bytes payload = take_payload(std::move(*object), raw_size, name);
    decode_chunk(scale, channels, payload, target, name);
  });
  return out;
}

}  // namespace imagery::precomputed
