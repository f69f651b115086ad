#include "imagery/precomputed/volume_writer.h"

#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "imagery/core/atomic_file.h"
#include "imagery/core/thread_pool.h"
#include "imagery/io/gzip.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/codec_jxl.h"
#include "imagery/precomputed/internal/codec_png.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"

namespace imagery::precomputed {

VolumeWriter::VolumeWriter(std::string root, VolumeInfo info)
    : root_(std::move(root)), info_(std::move(info)) {
  std::string text = info_to_json(info_);
  info_ = parse_info(text, root_ + "/info");
  std::filesystem::create_directories(root_);
  write_file_atomically(root_ + "/info", std::as_bytes(std::span(text.data(), text.size())));
}

void VolumeWriter::write(const Array& data, const Bbox& bounds, int mip,
                         const WriteOptions& options) const {
  const Scale& scale = info_.scale(mip, root_);
  if (scale.sharding)
    fail(ErrorCode::kInvalidArgument, "VolumeWriter writes unsharded scales only");
  const ChunkGrid grid(scale);
  const Vec3 cs = scale.chunk_size();
  const Bbox vb = scale.bounds();
  for (int d = 0; d < 3; ++d) {
    bool start_ok = (bounds.min[d] - vb.min[d]) % cs[d] == 0;
    bool end_ok = (bounds.max[d] - vb.min[d]) % cs[d] == 0 || bounds.max[d] == vb.max[d];
    if (!start_ok || !end_ok || !vb.contains(bounds))
      fail(ErrorCode::kInvalidArgument, "VolumeWriter: bounds " + bounds.to_string() +
                                            " are not chunk-aligned inside " + vb.to_string());
  }
  if (data.shape() !=
          Shape4{bounds.size().x, bounds.size().y, bounds.size().z, info_.num_channels} ||
      data.dtype() != info_.data_type)
    fail(ErrorCode::kInvalidArgument,
         "VolumeWriter: data does not match the bounds and the volume's type");
  const std::string dir = root_ + "/" + scale.key;
  std::filesystem::create_directories(dir);
  const auto cells = grid.cells_overlapping(bounds);
  const std::size_t es = data.element_size();
  std::optional<ThreadPool> own_pool;
  ThreadPool& pool = options.pool
                         ? *options.pool
                         : own_pool.emplace(std::max(1u, std::thread::hardware_concurrency()));
  pool.parallel_for(cells.size(), [&](std::size_t i) {
    const Bbox cell = grid.cell_bounds(cells[i]);
    const Vec3 s = cell.size();
    // Gather the chunk (x-fastest, planar channels).
    Array chunk(data.dtype(), {s.x, s.y, s.z, info_.num_channels});
    for (std::int64_t c = 0; c < info_.num_channels; ++c)
      for (std::int64_t z = 0; z < s.z; ++z)
        for (std::int64_t y = 0; y < s.y; ++y)
          std::memcpy(
              chunk.bytes() + chunk.index(0, y, z, c) * es,
              data.bytes() + data.index(cell.min.x - bounds.min.x, cell.min.y - bounds.min.y + y,
                                        cell.min.z - bounds.min.z + z, c) *
                                 es,
              static_cast<std::size_t>(s.x) * es);
    std::vector<std::byte> encoded;
    switch (scale.encoding) {
      case Encoding::kRaw:
        encoded.assign(chunk.bytes(), chunk.bytes() + chunk.size_bytes());
        break;
      case Encoding::kJpeg:
        encoded = encode_jpeg_chunk(reinterpret_cast<const std::uint8_t*>(chunk.bytes()), s,
                                    info_.num_channels, options.jpeg_quality);
        break;
      case Encoding::kPng:
        encoded = encode_png_chunk(chunk.bytes(), data.dtype(), s, info_.num_channels);
        break;
      case Encoding::kJxl:  // lossless, CloudVolume's layout
        encoded = encode_jxl_chunk(chunk.bytes(), data.dtype(), s, info_.num_channels);
        break;
      case Encoding::kCompressedSegmentation:
        encoded = encode_compressed_segmentation(chunk.bytes(), data.dtype(), s, info_.num_channels,
                                                 scale.compressed_segmentation_block_size);
        break;
      default:
        fail(ErrorCode::kInvalidArgument,
             "VolumeWriter cannot write encoding " + std::string(encoding_name(scale.encoding)));
    }
    std::string path = dir + "/" + chunk_name(cell);
    if (options.gzip) {
      encoded = io::gzip_compress(encoded, options.gzip_level);
      path += ".gz";
    }
    write_file_atomically(path, encoded);
  });
}

}  // namespace imagery::precomputed
