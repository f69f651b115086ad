// fuzz_chunk: the whole read path of chunks with the geometry the info declares: transport
// gzip (declared or sniffed) and every chunk encoding (compresso, crackle and jxl included), for a
// data type, volume size, chunk grid (with clipped edge chunks), compressed_segmentation block size
// and cutout box taken from the input. Every chunk of the grid holds the same stored bytes.
#pragma once

#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/volume.h"

namespace imagery::fuzz {

inline void fuzz_chunk(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  InputReader in(data, size);
  struct Kind {
    Encoding encoding;
    DataType dtype;
    int channels;
    const char* type;
  };
  static const Kind kinds[] = {
      {Encoding::kRaw, DataType::kUint8, 1, "image"},
      {Encoding::kRaw, DataType::kFloat32, 2, "image"},
      {Encoding::kRaw, DataType::kUint64, 1, "segmentation"},
      {Encoding::kJpeg, DataType::kUint8, 1, "image"},
      {Encoding::kJpeg, DataType::kUint8, 3, "image"},
      {Encoding::kPng, DataType::kUint8, 1, "image"},
      {Encoding::kPng, DataType::kUint16, 2, "image"},
      {Encoding::kPng, DataType::kUint8, 4, "image"},
      {Encoding::kCompressedSegmentation, DataType::kUint32, 1, "segmentation"},
      {Encoding::kCompressedSegmentation, DataType::kUint64, 1, "segmentation"},
      {Encoding::kCompresso, DataType::kUint32, 1, "segmentation"},
      {Encoding::kCompresso, DataType::kUint8, 1, "segmentation"},
      {Encoding::kCrackle, DataType::kUint64, 1, "segmentation"},
      {Encoding::kCrackle, DataType::kUint16, 1, "segmentation"},
      {Encoding::kJxl, DataType::kUint8, 1, "image"},
      {Encoding::kJxl, DataType::kUint16, 3, "image"},
  };
  const Kind& k = kinds[in.byte() % (sizeof kinds / sizeof kinds[0])];
  VolumeInfo info;
  info.type = k.type;
  info.data_type = k.dtype;
  info.num_channels = k.channels;
  Scale s;
  s.key = "s";
  s.size = {in.range(1, 24), in.range(1, 24), in.range(1, 6)};
  s.voxel_offset = {in.range(-3, 3), 0, 0};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {s.size};
  s.encoding = k.encoding;
  if (k.encoding == Encoding::kCompressedSegmentation)
    s.compressed_segmentation_block_size = {in.range(1, 8), in.range(1, 8), in.range(1, 4)};
  const std::uint8_t flags = in.byte();
  // A grid of several chunks, the last of each axis clipped.
  if (flags & 1) s.chunk_sizes = {{in.range(4, 24), in.range(4, 24), in.range(1, 6)}};
  // A block size from a hostile info: far beyond any chunk.
  if ((flags & 2) && k.encoding == Encoding::kCompressedSegmentation)
    s.compressed_segmentation_block_size = {std::int64_t{1} << 21, std::int64_t{1} << 21,
                                            std::int64_t{1} << 22};
  // Part of the volume, or a box reaching outside it (read as zeros).
  Bbox box = s.bounds();
  if (flags & 4) {
    box.min = box.min + Vec3{in.range(-4, 8), in.range(-4, 8), in.range(-2, 2)};
    box.max = box.min + Vec3{in.range(1, 24), in.range(1, 24), in.range(1, 6)};
  }
  info.scales = {s};
  auto storage = std::make_shared<MemoryStorage>();
  const ChunkGrid grid(s);
  for (const Vec3& cell : grid.cells_overlapping(s.bounds()))
    storage->put("s/" + chunk_name(grid.cell_bounds(cell)), in.rest(), (flags & 8) != 0);
  Volume volume(storage, info, "fuzz", fuzz_context());
  try {
    CutoutOptions options;
    options.fill_missing = true;
    options.bounded = false;
    volume.download(box, 0, options);
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
