#include "imagery/precomputed/volume.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "imagery/io/open_storage.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/chunk_source.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/codec_jxl.h"
#include "imagery/precomputed/internal/codec_png.h"
#include "imagery/precomputed/internal/codec_raw.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"
#include "imagery/precomputed/internal/compresso.h"
#include "imagery/precomputed/internal/crackle.h"
#include "imagery/precomputed/internal/shard_cache.h"
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

// A chunk's bytes after transport compression is undone: the stored bytes themselves, or the
// inflated ones.
struct Payload {
  SharedBytes stored;
  Bytes inflated;
  bool is_inflated = false;
  std::span<const std::byte> bytes() const {
    return is_inflated ? std::span<const std::byte>(inflated) : stored.span();
  }
};

// Undoes transport compression: declared gzip, or (for encodings that cannot start with the gzip
// magic, and for raw chunks of the wrong length) sniffed gzip. Inflating stops past `max_output`.
Payload take_payload(io::StoredObject&& object, std::size_t raw_size, const std::string& name,
                     std::size_t max_output) {
  Payload p;
  bool gz = object.gzip_encoded;
  if (!gz && io::has_gzip_magic(object.bytes))
    gz = raw_size == 0 || object.bytes.size() != raw_size;
  if (!gz) {
    p.stored = std::move(object.bytes);
    return p;
  }
  p.inflated = io::gunzip(object.bytes, name, raw_size, max_output);
  p.is_inflated = true;
  return p;
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
    case Encoding::kCompresso:
      return decode_compresso_chunk(payload, target, name);
    case Encoding::kCrackle:
      return decode_crackle_chunk(payload, target, name);
    case Encoding::kJxl:
      return decode_jxl_chunk(payload, target, channels, name);
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

std::string read_info_text(io::Storage& storage, const std::string& source, std::string* location) {
  auto object = storage.read("info");
  if (!object)
    fail(ErrorCode::kNotFound, "no precomputed volume at " + source + " (" +
                                   storage.describe("info") + " does not exist)");
  *location = object->location;
  if (object->bytes.size() > kMaxInfoBytes)
    fail(ErrorCode::kResourceExhausted,
         "info " + *location + " has " + std::to_string(object->bytes.size()) +
             " bytes, more than any info needs (" + std::to_string(kMaxInfoBytes) + ")");
  const Payload text = take_payload(std::move(*object), 0, "info " + *location, kMaxInfoBytes);
  const auto bytes = text.bytes();
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// The `redirect` of an info document ("" when it has none or is not JSON: parse_info reports).
std::string redirect_of(const std::string& text) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";
  const auto it = doc.find("redirect");
  if (it == doc.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// How many `redirect` hops are followed (CloudVolume's limit).
constexpr int kMaxInfoRedirects = 10;

// A source opened once per context: where its redirects led and the info found there.
struct OpenedSource {
  std::string final_source;
  std::shared_ptr<const VolumeInfo> info;
};

struct InfoCache {
  // Infos are small; a thousand of them stay well under this.
  LruCache<OpenedSource> infos{std::size_t{64} << 20};
};

}  // namespace

VolumeInfo read_info(io::Storage& storage, const std::string& source) {
  std::string location;
  const std::string text = read_info_text(storage, source, &location);
  return parse_info(text, location);
}

Volume Volume::open(const std::string& source) {
  return open(source, io::Context::default_context());
}

Volume Volume::open(const std::string& source, io::Context& context) {
  io::StorageUrl url = parse_source_url(source);
  const bool remote = url.kind != io::StorageUrl::Kind::kFile;
  auto& cache = context.resource<InfoCache>().infos;
  if (remote)
    if (auto hit = cache.get(url.location)) {
      auto storage = io::open_storage(parse_source_url(hit->final_source), context);
      return Volume(std::move(storage), *hit->info, source, context);
    }
  std::set<std::string> seen{url.location};
  std::string current = source;
  for (int hop = 0;; ++hop) {
    auto storage = io::open_storage(url, context);
    std::string location;
    const std::string text = read_info_text(*storage, current, &location);
    const std::string redirect = redirect_of(text);
    if (redirect.empty() || redirect == current || redirect == url.location) {
      auto info = std::make_shared<const VolumeInfo>(parse_info(text, location));
      if (remote) {
        auto opened = std::make_shared<OpenedSource>();
        opened->final_source = current;
        opened->info = info;
        cache.put(parse_source_url(source).location, opened, text.size() + 1024);
      }
      return Volume(std::move(storage), *info, source, context);
    }
    if (hop >= kMaxInfoRedirects)
      fail(ErrorCode::kDataLoss, "info " + location + ": more than " +
                                     std::to_string(kMaxInfoRedirects) +
                                     " redirects (the last to " + redirect + ")");
    url = parse_source_url(redirect);
    if (!seen.insert(url.location).second)
      fail(ErrorCode::kDataLoss,
           "info " + location + " redirects to " + redirect + ", which redirects back (a loop)");
    current = redirect;
  }
}

Volume::Volume(std::shared_ptr<io::Storage> storage, VolumeInfo info, std::string source,
               io::Context& context)
    : storage_(std::move(storage)),
      info_(std::make_shared<const VolumeInfo>(std::move(info))),
      source_(std::move(source)),
      context_(&context) {}

Bbox Volume::mip0_to_mip(const Bbox& mip0_bounds, int mip) const {
  info_->scale(mip, source_);
  return downsample_bounds(mip0_bounds, info_->downsample_factor(mip));
}

Array Volume::download_mip0(const Bbox& mip0_bounds, int mip, const CutoutOptions& options) const {
  return download(mip0_to_mip(mip0_bounds, mip), mip, options);
}

Array Volume::download(const Bbox& bounds, int mip, const CutoutOptions& options,
                       CutoutReport* report) const {
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
             scale.bounds().to_string(),
         Remedy::kReadOutside);
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
             ", more than the memory budget of " + byte_text(options.max_output_bytes),
         Remedy::kRaiseMemoryBudget);
  const std::uint64_t chunk_bytes =
      decoded_chunk_bytes(scale.chunk_size(), info_->num_channels, info_->data_type);
  if (chunk_bytes > options.max_output_bytes)
    fail(ErrorCode::kResourceExhausted,
         scale_name + " has chunks of " + scale.chunk_size().to_string() + " voxels, " +
             byte_text(chunk_bytes) + " each decoded, more than the memory budget of " +
             byte_text(options.max_output_bytes),
         Remedy::kRaiseMemoryBudget);
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
  auto source = make_chunk_source(storage_, scale, context_->resource<ShardCaches>());
  std::atomic<std::size_t> missing{0};
  std::atomic<std::uint64_t> stored_bytes{0};
  // Called once per chunk however it ends; what the callback throws fails the cutout (and is
  // never thrown from a destructor). Calls are made one at a time with `done` counted under the
  // same lock, so a progress bar (or a Python callback) sees 1, 2, ..., total in order and the
  // last call it gets is the one that says the read is complete.
  std::size_t done = 0;
  std::mutex progress_mutex;
  auto progress = [&] {
    std::lock_guard lock(progress_mutex);
    ++done;
    if (options.on_progress) options.on_progress(done, cells.size(), stored_bytes.load());
  };

  // With the context's decoded-chunk cache on, chunks are looked up first: hits are copied, the
  // misses this cutout claims are fetched, decoded whole and kept, and the ones another read is
  // decoding are waited for after this cutout's own fetches (so two reads never wait for each
  // other). Without it, chunks decode straight into the output, only the part it needs.
  io::DecodedChunkCache& decoded_chunks = context_->decoded_chunks();
  const bool use_cache = decoded_chunks.enabled();
  using CachedChunk = io::DecodedChunkCache::Value;
  std::vector<io::DecodedChunkCache::Claim> claims;
  std::vector<std::string> keys;
  std::vector<std::size_t> to_fetch;  // indices into cells
  std::vector<std::pair<std::size_t, std::shared_future<CachedChunk>>> pending;
  if (use_cache) {
    const Vec3 cs = scale.chunk_size();
    const std::string prefix = "precomputed|" + source_ + "|" + scale.key + "|" +
                               std::string(encoding_name(scale.encoding)) + "|" +
                               std::string(dtype_name(info_->data_type)) + "x" +
                               std::to_string(channels) + "|" + scale.voxel_offset.to_string() +
                               scale.size.to_string() + cs.to_string() +
                               scale.compressed_segmentation_block_size.to_string() + "|";
    keys.reserve(cells.size());
    claims.resize(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      keys.push_back(prefix + cells[i].to_string());
      auto look = decoded_chunks.find_or_claim(keys[i]);
      if (look.value) {
        const Bbox cell = grid.cell_bounds(cells[i]);
        copy_chunk_region(static_cast<const Array*>(look.value.get())->bytes(), channels,
                          {&out, bounds, cell});
        progress();
      } else if (look.is_pending()) {
        pending.emplace_back(i, std::move(look.pending));
      } else {
        claims[i] = std::move(look.claim);
        to_fetch.push_back(i);
      }
    }
  } else {
    to_fetch.resize(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) to_fetch[i] = i;
  }

  const auto fetch_cells = [&](const std::vector<std::size_t>& which) {
    std::vector<Vec3> wanted;
    wanted.reserve(which.size());
    for (std::size_t i : which) wanted.push_back(cells[i]);
    source->fetch(
        wanted,
        [&](std::size_t j, std::optional<io::StoredObject> object) {
          const std::size_t i = which[j];
          try {
            if (object) stored_bytes.fetch_add(object->bytes.size());
            const Bbox cell = grid.cell_bounds(cells[i]);
            const ChunkTarget target{&out, bounds, cell};
            if (!object) {
              if (use_cache) claims[i].abandon();
              if (!options.fill_missing)
                fail(ErrorCode::kNotFound,
                     "chunk " + source->describe(cells[i]) + " of " + source_ + " is missing",
                     Remedy::kFillMissing);
              missing.fetch_add(1);
              zero_region(cell, target);
            } else {
              const std::string name = "chunk " + object->location;
              const std::uint64_t decoded =
                  decoded_chunk_bytes(cell.size(), channels, info_->data_type);
              const std::size_t raw_size =
                  scale.encoding == Encoding::kRaw ? static_cast<std::size_t>(decoded) : 0;
              const Payload payload =
                  take_payload(std::move(*object), raw_size, name, most_inflated_chunk(decoded));
              if (!use_cache) {
                decode_chunk(scale, channels, payload.bytes(), target, name);
              } else {
                const Vec3 cs = cell.size();
                auto chunk =
                    std::make_shared<Array>(info_->data_type, Shape4{cs.x, cs.y, cs.z, channels});
                decode_chunk(scale, channels, payload.bytes(), {chunk.get(), cell, cell}, name);
                copy_chunk_region(chunk->bytes(), channels, target);
                const std::size_t chunk_bytes_kept = chunk->size_bytes();
                if (claims[i])
                  claims[i].publish(std::move(chunk), chunk_bytes_kept);
                else
                  decoded_chunks.put(keys[i], std::move(chunk), chunk_bytes_kept);
              }
            }
          } catch (...) {
            if (use_cache) claims[i].abandon();
            try {
              progress();
            } catch (...) {
              // The chunk's own failure is the one to report.
            }
            throw;
          }
          progress();
        },
        options.stop);
  };
  if (!to_fetch.empty()) fetch_cells(to_fetch);
  // Chunks other reads were decoding: theirs when they succeeded, else fetched here.
  std::vector<std::size_t> refetch;
  for (auto& [i, result] : pending) {
    if (const CachedChunk chunk = result.get()) {
      copy_chunk_region(static_cast<const Array*>(chunk.get())->bytes(), channels,
                        {&out, bounds, grid.cell_bounds(cells[i])});
      progress();
    } else {
      refetch.push_back(i);
    }
  }
  if (!refetch.empty()) fetch_cells(refetch);
  if (report) *report = {cells.size(), missing.load(), stored_bytes.load()};
  if (cells.empty())
    context_->warn("cutout " + bounds.to_string() + " lies wholly outside " + scale_name +
                   " bounds " + scale.bounds().to_string() + ": it is all 0");
  else if (missing.load() == cells.size())
    context_->warn("every chunk of cutout " + bounds.to_string() + " of " + scale_name + " (" +
                   std::to_string(cells.size()) + " chunk" + (cells.size() == 1 ? "" : "s") +
                   ") is missing: it is all 0 (check the source and the coordinates)");
  return out;
}

}  // namespace imagery::precomputed
